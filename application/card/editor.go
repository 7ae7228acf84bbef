package card

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"

	"leida/domain/card"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Config tunes the card QR code.
type Config struct {
	// PagePath is the mini-program page a wxacode opens ({uid} = the user id).
	PagePath string
	// CardURL is what a locally generated QR code encodes ({uid} = the user id).
	CardURL string
}

// Editor implements the HTTP adapter\'s CardEditor (A6, A7, E48–E53).
type Editor struct {
	cfg   Config
	tx    ports.TxRunner
	cards OwnerCardRepository
	files ports.FileStore
	mp    MiniProgramGateway
	qr    QRMaker
}

// NewEditor wires the owner-side card use cases.
func NewEditor(cfg Config, tx ports.TxRunner, cards OwnerCardRepository, files ports.FileStore,
	mp MiniProgramGateway, qr QRMaker) *Editor {
	if cfg.PagePath == "" {
		cfg.PagePath = card.DefaultPagePath
	}
	return &Editor{cfg: cfg, tx: tx, cards: cards, files: files, mp: mp, qr: qr}
}

// MyCard is A6: the caller's own card (empty when the filters exclude it).
func (s *Editor) MyCard(ctx context.Context, a org.Actor, q ports.ListQuery) ([]card.Card, error) {
	c, err := s.cards.Card(ctx, a.CompanyID, a.UserID, q.Filters)
	if err != nil {
		return nil, ports.NotFoundAs(err, nil) // filtered out: no card
	}
	return []card.Card{c}, nil
}

// parseBool reads the legacy booleans t/True/1 and f/False/0.
func parseBool(f *validate.Form, field, v string) bool {
	switch strings.TrimSpace(v) {
	case "t", "True", "true", "1":
		return true
	case "f", "False", "false", "0":
		return false
	}
	f.InvalidChoice(field, v)
	return false
}

// SavePhone is A7 save_phone and E53: the card phone (mobile rule) and,
// when sent, whether the card shows it.
func (s *Editor) SavePhone(ctx context.Context, a org.Actor, in ports.CardPhoneInput) error {
	f := validate.New()
	field := in.PhoneField
	if field == "" {
		field = "mingpian_phone"
	}
	phone := f.Mobile(field, in.Phone, "")
	var show *bool
	if in.IsShowPhone.Sent {
		b := parseBool(f, "is_show_phone", in.IsShowPhone.Value)
		show = &b
	}
	if err := f.ErrRequest(); err != nil {
		return err
	}
	return s.cards.SaveContact(ctx, a.CompanyID, a.UserID, &phone, show)
}

// SaveInfo is A7 save_info. The company's area and address are shared by
// every card of the company: only company admins change them.
func (s *Editor) SaveInfo(ctx context.Context, a org.Actor, in ports.CardInfoInput) error {
	f := validate.New()
	country := f.Int("country", in.Country, "", "")
	if f.OK() && country != 1 && country != 2 {
		f.InvalidChoice("country", strings.TrimSpace(in.Country))
	}
	phone := f.Mobile("mingpian_phone", in.MingpianPhone, "")
	wechat := strings.TrimSpace(in.Wechat)
	f.MaxLen("wechat", wechat, 64)
	telephone := strings.TrimSpace(in.Telephone)
	f.MaxLen("telephone", telephone, 20)
	email := f.OptionalEmail("email", in.Email)
	f.MaxLen("email", email, 254)
	area, address := strings.TrimSpace(in.Area.Value), strings.TrimSpace(in.Address.Value)
	f.MaxLen("area", area, 128)
	f.MaxLen("address", address, validate.MaxLongText)
	if err := f.ErrRequest(); err != nil {
		return err
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		err := s.cards.SaveInfo(ctx, a.CompanyID, a.UserID, ports.CardContact{MingpianPhone: phone, IsShowPhone: true, Wechat: wechat,
			Telephone: telephone, Email: email, Country: int(country)})
		if err != nil || !a.IsCompanyAdmin() {
			return err
		}
		var areaP, addressP *string
		if in.Area.Sent {
			areaP = &area
		}
		if in.Address.Sent {
			addressP = &address
		}
		return s.cards.SaveCompanyLocation(ctx, a.CompanyID, areaP, addressP)
	})
}

// SaveSign is A7 save_sign.
func (s *Editor) SaveSign(ctx context.Context, a org.Actor, sign string) error {
	f := validate.New()
	f.MaxLen("sign", sign, validate.MaxLongText)
	if err := f.ErrRequest(); err != nil {
		return err
	}
	return s.cards.SaveSign(ctx, a.CompanyID, a.UserID, sign)
}

// UploadPhoto is A7 upload_photo: the row and the file are written together.
func (s *Editor) UploadPhoto(ctx context.Context, a org.Actor, up ports.Upload) (card.Photo, error) {
	f := validate.New()
	switch {
	case len(up.Data) == 0:
		f.AddCode("photo", validate.MsgRequired, validate.CodeRequired)
	case len(up.Data) > card.MaxPhotoBytes:
		f.AddCode("photo", fmt.Sprintf("上传的图片不能超过 %d MB", card.MaxPhotoBytes>>20), "file_too_large")
	default:
		if _, ok := card.DecodeImageHeader(up.Data); !ok {
			f.AddCode("photo", "Upload a valid image. The file you uploaded was either not an image or a corrupted image.", "invalid_image")
		}
	}
	if err := f.ErrRequest(); err != nil {
		return card.Photo{}, err
	}
	p := card.Photo{UserID: a.UserID}
	var file string
	err := s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.cards.AddPhoto(ctx, a.CompanyID, &p); err != nil {
			return err
		}
		file = card.PhotoFile(p.ID, a.UserID)
		p.URL = card.URLOf(file)
		if err := s.cards.SetPhotoURL(ctx, a.CompanyID, a.UserID, p.ID, p.URL); err != nil {
			return err
		}
		return s.files.Save(ctx, file, up.Data)
	})
	if err != nil {
		if file != "" {
			_ = s.files.Delete(context.WithoutCancel(ctx), file)
		}
		return card.Photo{}, err
	}
	return p, nil
}

// DeletePhoto is A7 delete_photo: the caller's photo and its file.
func (s *Editor) DeletePhoto(ctx context.Context, a org.Actor, photoID string) error {
	f := validate.New()
	id := f.Int("photo_id", photoID, "", "") // absent or empty: required
	if err := f.ErrRequest(); err != nil {
		return err
	}
	p, err := s.cards.DeletePhoto(ctx, a.CompanyID, a.UserID, id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound("删除数据不存在"))
	}
	if file := card.FileOf(p.URL); file != "" {
		_ = s.files.Delete(ctx, file) // the row is gone; a leftover file is harmless
	}
	return nil
}

// Photos is A7 show_photo.
func (s *Editor) Photos(ctx context.Context, a org.Actor) ([]card.Photo, error) {
	return s.cards.Photos(ctx, a.CompanyID, a.UserID)
}

// Tags is E49.
func (s *Editor) Tags(ctx context.Context, a org.Actor) ([]card.Tag, error) {
	return s.cards.Tags(ctx, a.CompanyID, a.UserID)
}

// AddTag is E50: a name unique among the caller's tags.
func (s *Editor) AddTag(ctx context.Context, a org.Actor, name string) (card.Tag, error) {
	f := validate.New()
	name, err := f.Unique("name", name, "标签不能为空", 64, "不能存在相同的标签名", func(name string) (bool, error) {
		return s.cards.TagNameTaken(ctx, a.CompanyID, a.UserID, name)
	})
	if err != nil {
		return card.Tag{}, err
	}
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return card.Tag{}, err
	}
	t := card.Tag{UserID: a.UserID, Name: name}
	if err := s.cards.AddTag(ctx, a.CompanyID, &t); err != nil {
		return card.Tag{}, ports.DuplicateAs(err, validate.Refused(errs.CodeInvalidForm, "name", "不能存在相同的标签名"))
	}
	return t, nil
}

// KeepTags is E51: keeps only the listed tags of the caller's card.
func (s *Editor) KeepTags(ctx context.Context, a org.Actor, tagList string) error {
	f := validate.New()
	var ids []int64
	switch {
	case strings.TrimSpace(tagList) == "": // absent or empty
		f.AddCode("tag_list", validate.MsgRequired, validate.CodeRequired)
	case json.Unmarshal([]byte(tagList), &ids) != nil:
		f.AddCode("tag_list", "Enter a valid JSON.", validate.CodeInvalid)
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		kept, err := s.cards.KeepTags(ctx, a.CompanyID, a.UserID, ids)
		if err != nil {
			return err
		}
		if kept == 0 {
			return errs.InvalidMsg(errs.CodeInvalidData, "标签不存在")
		}
		return nil
	})
}

// DeleteTag is E52.
func (s *Editor) DeleteTag(ctx context.Context, a org.Actor, id string) error {
	f := validate.New()
	n := f.Int("id", id, "", "") // absent or empty: required
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	err := s.cards.DeleteTag(ctx, a.CompanyID, a.UserID, n)
	return ports.NotFoundAs(err, errs.NotFound("标签ID不存在"))
}

// GenerateQRCode is E48 (D7): WeChat's wxacode when the mini-program is
// configured, else a QR PNG of the card URL made locally; stored under the
// media root and recorded as the user's qr_code, which it returns (the
// stored, relative URL).
func (s *Editor) GenerateQRCode(ctx context.Context, a org.Actor) (string, error) {
	local := !s.mp.Configured()
	var img []byte
	var err error
	if local {
		img, err = s.qr.PNG(card.PagePath(s.cfg.CardURL, a.UserID), card.QRWidth)
	} else {
		img, err = s.mp.WxaCode(ctx, card.PagePath(s.cfg.PagePath, a.UserID), card.QRWidth)
	}
	var ge *ports.GatewayError
	switch {
	case errs.IsKind(err, errs.KindUnavailable):
		// WeChat unreachable, timing out or not configured: 503 (D3).
		return "", err
	case errors.As(err, &ge):
		// WeChat refused (its errmsg) or answered something unreadable.
		msg := ge.Msg
		if ge.Code == -1 || msg == "" {
			msg = "微信未返回二维码图片"
		}
		f := validate.New()
		f.AddCode("qr_code", msg, validate.CodeInvalid)
		return "", f.Err(errs.CodeInvalidData)
	case err != nil:
		return "", err
	}
	file := card.QRCodeFile(a.UserID, local)
	if err := s.files.Save(ctx, file, img); err != nil {
		return "", err
	}
	url := card.URLOf(file)
	err = s.cards.SetQRCode(ctx, a.CompanyID, a.UserID, url)
	if err != nil {
		return "", ports.NotFoundAs(err, errs.NotFound("用户ID不存在"))
	}
	return url, nil
}
