// Package card holds the business card of a rep: its photos and tags, the
// praise ("觉得靠谱") toggle, and where its QR code and photos are stored.
package card

import (
	"bytes"
	"image"
	_ "image/gif"  // GIF headers
	_ "image/jpeg" // JPEG headers
	_ "image/png"  // PNG headers
	"strconv"
	"time"

	"leida/domain/radar"
)

// Photo is a picture on a card; URL is relative to the server root.
type Photo struct {
	ID        int64
	UserID    int64
	URL       string
	CreatedAt time.Time
}

// Tag is a label a rep puts on their own card.
type Tag struct {
	ID        int64
	UserID    int64
	Name      string
	CreatedAt time.Time
}

// Card is what a card shows: the owner, the owner's company, the photos.
type Card struct {
	UserID         int64
	CompanyID      int64
	Username       string
	Avatar         string
	CompanyName    string
	CompanyArea    string
	CompanyAddress string
	Position       string
	Telephone      string
	Email          string
	Country        int
	Wechat         string
	WechatPhone    string
	IsShowPhone    bool
	MingpianPhone  string
	Sign           string
	Popularity     int
	Praise         int
	Forward        int
	CreatedAt      time.Time
	Photos         []Photo
}

// CountryLabel is the wire text of the country: 国内, 国外 or "".
func (c Card) CountryLabel() string {
	switch c.Country {
	case 1:
		return "国内"
	case 2:
		return "国外"
	}
	return ""
}

// ShownPhone is the card phone as the owner's card shows it: "" when hidden.
func (c Card) ShownPhone() string {
	if !c.IsShowPhone {
		return ""
	}
	return c.MingpianPhone
}

// Owner is the card owner as an event needs it.
type Owner struct {
	UserID    int64
	CompanyID int64
}

// Membership is a card the customer belongs to (E43).
type Membership struct {
	Card
	Source int
}

// Source of a customer: how they came to the rep.
const (
	SourceScan    = 1 // 扫码
	SourceForward = 2 // 转发
)

// SourceLabel is the wire text of a source.
func SourceLabel(s int) string {
	if s == SourceForward {
		return "转发"
	}
	return "扫码"
}

// PraiseToggle flips the praise state: had is the stored state (nil: none
// yet). It returns the new state, the praise counter change and the remark.
func PraiseToggle(had *bool) (up bool, delta int, remark string) {
	if had != nil && *had {
		return false, -1, radar.RemarkPraiseOff
	}
	return true, 1, radar.RemarkPraiseOn
}

// Media paths (relative to MEDIA_ROOT, which is served at /statics/).
const (
	qrDir    = "zhugeleida/imgs/xiaochengxu/qr_code/"
	photoDir = "zhugeleida/imgs/xiaochengxu/user_photo/"
	// StaticPrefix is where MEDIA_ROOT is served; stored URLs start with it.
	StaticPrefix = "statics/"
)

// QRCodeFile is where a user's card QR code is stored: .jpg from WeChat,
// .png when generated locally.
func QRCodeFile(userID int64, local bool) string {
	ext := ".jpg"
	if local {
		ext = ".png"
	}
	return qrDir + strconv.FormatInt(userID, 10) + "_qrcode" + ext
}

// PhotoFile is where a card photo is stored.
func PhotoFile(photoID, userID int64) string {
	return photoDir + strconv.FormatInt(photoID, 10) + "_" + strconv.FormatInt(userID, 10) + "_photo.jpg"
}

// URLOf is the stored (relative) URL of a media file.
func URLOf(file string) string { return StaticPrefix + file }

// FileOf is the media file of a stored URL ("" when it is not under /statics/).
func FileOf(url string) string {
	if len(url) <= len(StaticPrefix) || url[:len(StaticPrefix)] != StaticPrefix {
		return ""
	}
	return url[len(StaticPrefix):]
}

// DefaultPagePath is the mini-program card page a QR code opens (D7).
const DefaultPagePath = "pages/mingpian/index?uid={uid}&source=1"

// PagePath fills the user id into a page template ({uid}).
func PagePath(template string, userID int64) string {
	id := strconv.FormatInt(userID, 10)
	out := make([]byte, 0, len(template)+len(id))
	for i := 0; i < len(template); i++ {
		if i+5 <= len(template) && template[i:i+5] == "{uid}" {
			out = append(out, id...)
			i += 4
			continue
		}
		out = append(out, template[i])
	}
	return string(out)
}

// QRWidth is the wxacode width.
const QRWidth = 430

// Photos: the formats accepted, and bounds.
const (
	MaxPhotoBytes = 5 << 20
	MaxPhotoSide  = 10000 // pixels, either side
)

// ImageHeader is what the header of an image says.
type ImageHeader struct {
	Format        string // png, jpeg, gif, webp
	Width, Height int
}

// DecodeImageHeader reads the header of a PNG, JPEG, GIF or WebP image (the
// pixels are not decoded) and reports whether it is one, of sane size.
func DecodeImageHeader(data []byte) (ImageHeader, bool) {
	var h ImageHeader
	if cfg, format, err := image.DecodeConfig(bytes.NewReader(data)); err == nil {
		h = ImageHeader{Format: format, Width: cfg.Width, Height: cfg.Height}
	} else if w, hh, ok := webpSize(data); ok {
		h = ImageHeader{Format: "webp", Width: w, Height: hh}
	} else {
		return ImageHeader{}, false
	}
	return h, h.Width > 0 && h.Height > 0 && h.Width <= MaxPhotoSide && h.Height <= MaxPhotoSide
}

// webpSize reads the canvas size of a WebP file (RIFF "WEBP" with a VP8,
// VP8L or VP8X first chunk).
func webpSize(b []byte) (int, int, bool) {
	if len(b) < 30 || string(b[0:4]) != "RIFF" || string(b[8:12]) != "WEBP" {
		return 0, 0, false
	}
	u24 := func(p []byte) int { return int(p[0]) | int(p[1])<<8 | int(p[2])<<16 }
	switch string(b[12:16]) {
	case "VP8X":
		return 1 + u24(b[24:27]), 1 + u24(b[27:30]), true
	case "VP8L":
		if b[20] != 0x2f {
			return 0, 0, false
		}
		bits := uint32(b[21]) | uint32(b[22])<<8 | uint32(b[23])<<16 | uint32(b[24])<<24
		return int(bits&0x3fff) + 1, int(bits>>14&0x3fff) + 1, true
	case "VP8 ":
		if b[23] != 0x9d || b[24] != 0x01 || b[25] != 0x2a {
			return 0, 0, false
		}
		return int(uint16(b[26])|uint16(b[27])<<8) & 0x3fff, int(uint16(b[28])|uint16(b[29])<<8) & 0x3fff, true
	}
	return 0, 0, false
}
