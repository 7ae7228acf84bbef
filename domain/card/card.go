// Package card holds the business card of a rep: its photos and tags, the
// praise ("觉得靠谱") toggle, and where its QR code and photos are stored.
package card

import (
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

// IsImage reports whether data starts like a JPEG, PNG, GIF, WebP or BMP image.
func IsImage(data []byte) bool {
	has := func(prefix string) bool { return len(data) >= len(prefix) && string(data[:len(prefix)]) == prefix }
	switch {
	case has("\xFF\xD8\xFF"), has("\x89PNG\r\n\x1a\n"), has("GIF87a"), has("GIF89a"), has("BM"):
		return true
	case len(data) >= 12 && has("RIFF") && string(data[8:12]) == "WEBP":
		return true
	}
	return false
}
