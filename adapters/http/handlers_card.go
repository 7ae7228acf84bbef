package http

import (
	"io"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"leida/domain/card"
	"leida/ports"
)

// ---- E29, E30 logins

// WeComLogin is E29: a 302 to the front-end (or its error page).
func (h *Handlers) WeComLogin(c echo.Context) error {
	target, err := h.Logins.WeComLogin(c.Request().Context(), pathID(c), query(c, "code"))
	if err != nil {
		return err
	}
	return c.Redirect(http.StatusFound, target)
}

type miniProgramLoginData struct {
	CID   int64  `json:"cid"`
	Token string `json:"token"`
}

// MiniProgramLogin is E30.
func (h *Handlers) MiniProgramLogin(c echo.Context) error {
	res, err := h.Logins.MiniProgramLogin(c.Request().Context(), ports.MiniProgramLoginInput{
		Code: query(c, "code"), UserType: query(c, "user_type"), Source: query(c, "source"), UID: query(c, "uid"),
	})
	if err != nil {
		return err
	}
	return ok(c, "返回成功", miniProgramLoginData{CID: res.CustomerID, Token: res.Token})
}

// ---- the card as customers see it: E42–E46, A8, A9, action/record

// photoPairs is the legacy [[id, url], ...] list ([] when none).
func photoPairs(photos []card.Photo) [][2]any {
	out := make([][2]any, len(photos))
	for i, p := range photos {
		out[i] = [2]any{p.ID, p.URL}
	}
	return out
}

type visitedCard struct {
	ID            int64    `json:"id"`
	Username      string   `json:"username"`
	Avatar        string   `json:"avatar"`
	Company       string   `json:"company"`
	Address       string   `json:"address"`
	Position      string   `json:"position"`
	Email         string   `json:"email"`
	Wechat        string   `json:"wechat"`
	MingpianPhone string   `json:"mingpian_phone"`
	CreateDate    string   `json:"create_date"`
	Popularity    int      `json:"popularity"`
	Praise        int      `json:"praise"`
	Forward       int      `json:"forward"`
	IsUpDown      bool     `json:"is_up_down"`
	Sign          string   `json:"sign"`
	Photo         [][2]any `json:"photo"`
}

var cardFilters = []string{"id", "username", "role__name", "company__name"}

// ViewCard is E42.
func (h *Handlers) ViewCard(c echo.Context) error {
	q, err := listQuery(c, 10, cardFilters...)
	if err != nil {
		return err
	}
	view, err := h.Cards.ViewCard(c.Request().Context(), visitor(c), query(c, "uid"), q)
	if err != nil {
		return err
	}
	var items []visitedCard
	if cd := view.Card; cd != nil {
		items = append(items, visitedCard{ID: cd.UserID, Username: cd.Username, Avatar: cd.Avatar, Company: cd.CompanyName,
			Address: cd.CompanyAddress, Position: cd.Position, Email: cd.Email, Wechat: cd.Wechat,
			MingpianPhone: cd.MingpianPhone, CreateDate: wireTime(cd.CreatedAt, h.Config.Location),
			Popularity: cd.Popularity, Praise: cd.Praise, Forward: cd.Forward, IsUpDown: view.IsUpDown, Sign: cd.Sign,
			Photo: photoPairs(cd.Photos)})
	}
	return ok(c, "查询成功", newPage(items, len(items)))
}

type membershipItem struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	Source        string `json:"source"`
	Avatar        string `json:"avatar"`
	Company       string `json:"company"`
	Position      string `json:"position"`
	Email         string `json:"email"`
	MingpianPhone string `json:"mingpian_phone"`
	CreateDate    string `json:"create_date"`
}

// ListMyCards is E43: the cards the customer belongs to.
func (h *Handlers) ListMyCards(c echo.Context) error {
	q, err := listQuery(c, 10, cardFilters...)
	if err != nil {
		return err
	}
	cards, total, err := h.Cards.MyCards(c.Request().Context(), visitor(c), q)
	if err != nil {
		return err
	}
	items := make([]membershipItem, len(cards))
	for i, m := range cards {
		items[i] = membershipItem{ID: m.UserID, Username: m.Username, Source: card.SourceLabel(m.Source), Avatar: m.Avatar,
			Company: m.CompanyName, Position: m.Position, Email: m.Email, MingpianPhone: m.MingpianPhone,
			CreateDate: wireTime(m.CreatedAt, h.Config.Location)}
	}
	return ok(c, "查询成功", newPage(items, total))
}

func (h *Handlers) recordEvent(c echo.Context, ev ports.CardEvent) error {
	if err := h.Cards.Record(c.Request().Context(), visitor(c), query(c, "uid"), ev); err != nil {
		return err
	}
	return ok(c, "记录日志成功", nil)
}

// RecordCall is E44.
func (h *Handlers) RecordCall(c echo.Context) error { return h.recordEvent(c, ports.EventCall) }

// TogglePraise is E45.
func (h *Handlers) TogglePraise(c echo.Context) error { return h.recordEvent(c, ports.EventPraise) }

// RecordForward is E46.
func (h *Handlers) RecordForward(c echo.Context) error { return h.recordEvent(c, ports.EventForward) }

// RecordSavePhone is A8.
func (h *Handlers) RecordSavePhone(c echo.Context) error {
	return h.recordEvent(c, ports.EventSavePhone)
}

// RecordProductView is A9 product and product/竞价排名.
func (h *Handlers) RecordProductView(c echo.Context) error {
	return h.recordEvent(c, ports.EventProduct)
}

// RecordProductForward is A9 product/转发.
func (h *Handlers) RecordProductForward(c echo.Context) error {
	return h.recordEvent(c, ports.EventProductForward)
}

// RecordAction is action/record (D7): any of the 12 actions.
func (h *Handlers) RecordAction(c echo.Context) error {
	if err := h.Cards.RecordAction(c.Request().Context(), visitor(c), query(c, "uid"), query(c, "action")); err != nil {
		return err
	}
	return ok(c, "记录日志成功", nil)
}

// ---- the card as its owner edits it: A6, A7, E48–E53

type ownCard struct {
	ID            int64    `json:"id"`
	Username      string   `json:"username"`
	Avatar        string   `json:"avatar"`
	Company       string   `json:"company"`
	Area          string   `json:"area"`
	Address       string   `json:"address"`
	Position      string   `json:"position"`
	Telephone     string   `json:"telephone"`
	Email         string   `json:"email"`
	Country       string   `json:"country"`
	Wechat        string   `json:"wechat"`
	WechatPhone   string   `json:"wechat_phone"`
	IsShowPhone   bool     `json:"is_show_phone"`
	MingpianPhone string   `json:"mingpian_phone"`
	Sign          string   `json:"sign"`
	Photo         [][2]any `json:"photo"`
	CreateDate    string   `json:"create_date"`
}

// MyCard is A6: the caller's own card.
func (h *Handlers) MyCard(c echo.Context) error {
	q, err := listQuery(c, 10, cardFilters...)
	if err != nil {
		return err
	}
	cards, err := h.CardEditor.MyCard(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	items := make([]ownCard, len(cards))
	for i, cd := range cards {
		items[i] = ownCard{ID: cd.UserID, Username: cd.Username, Avatar: cd.Avatar, Company: cd.CompanyName,
			Area: cd.CompanyArea, Address: cd.CompanyAddress, Position: cd.Position, Telephone: cd.Telephone,
			Email: cd.Email, Country: cd.CountryLabel(), Wechat: cd.Wechat, WechatPhone: cd.WechatPhone,
			IsShowPhone: cd.IsShowPhone, MingpianPhone: cd.ShownPhone(), Sign: cd.Sign, Photo: photoPairs(cd.Photos),
			CreateDate: wireTime(cd.CreatedAt, h.Config.Location)}
	}
	return ok(c, "查询成功", newPage(items, len(items)))
}

// SaveCardPhone is A7 save_phone and E53: body mingpian_phone (or phone) and is_show_phone.
func (h *Handlers) SaveCardPhone(c echo.Context) error {
	in := ports.CardPhoneInput{PhoneField: "mingpian_phone"}
	if v := form(c, "mingpian_phone"); v.Sent {
		in.Phone = v.Value
	} else if v := form(c, "phone"); v.Sent {
		in.Phone, in.PhoneField = v.Value, "phone"
	}
	in.IsShowPhone = form(c, "is_show_phone")
	if err := h.CardEditor.SavePhone(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return ok(c, "保存成功", nil)
}

// SaveCardInfo is A7 save_info.
func (h *Handlers) SaveCardInfo(c echo.Context) error {
	in := ports.CardInfoInput{Country: formValue(c, "country"), MingpianPhone: formValue(c, "mingpian_phone"),
		Wechat: formValue(c, "wechat"), Telephone: formValue(c, "telephone"), Email: formValue(c, "email"),
		Area: form(c, "area"), Address: form(c, "address")}
	if err := h.CardEditor.SaveInfo(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return ok(c, "保存成功", nil)
}

// SaveCardSign is A7 save_sign.
func (h *Handlers) SaveCardSign(c echo.Context) error {
	if err := h.CardEditor.SaveSign(c.Request().Context(), actor(c), formValue(c, "sign")); err != nil {
		return err
	}
	return ok(c, "保存成功", nil)
}

// upload reads a multipart file field (absent: no data).
func upload(c echo.Context, field string) (ports.Upload, error) {
	if err := parseBody(c); err != nil {
		return ports.Upload{}, err
	}
	mf := c.Request().MultipartForm
	if mf == nil || len(mf.File[field]) == 0 {
		return ports.Upload{}, nil
	}
	f, err := mf.File[field][0].Open()
	if err != nil {
		return ports.Upload{}, err
	}
	defer f.Close()
	data, err := io.ReadAll(f)
	if err != nil {
		return ports.Upload{}, err
	}
	return ports.Upload{Data: data}, nil
}

type uploadedPhoto struct {
	PhotoID  int64  `json:"photo_id"`
	PhotoURL string `json:"photo_url"`
}

// UploadCardPhoto is A7 upload_photo (multipart field photo).
func (h *Handlers) UploadCardPhoto(c echo.Context) error {
	up, err := upload(c, "photo")
	if err != nil {
		return err
	}
	p, err := h.CardEditor.UploadPhoto(c.Request().Context(), actor(c), up)
	if err != nil {
		return err
	}
	return ok(c, "上传成功", uploadedPhoto{PhotoID: p.ID, PhotoURL: p.URL})
}

// DeleteCardPhoto is A7 delete_photo.
func (h *Handlers) DeleteCardPhoto(c echo.Context) error {
	if err := h.CardEditor.DeletePhoto(c.Request().Context(), actor(c), formValue(c, "photo_id")); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

type photoItem struct {
	ID       int64  `json:"id"`
	PhotoURL string `json:"photo_url"`
}

type photoList struct {
	RetData []photoItem `json:"ret_data"`
	UserID  string      `json:"user_id"`
}

// ShowCardPhotos is A7 show_photo.
func (h *Handlers) ShowCardPhotos(c echo.Context) error {
	a := actor(c)
	photos, err := h.CardEditor.Photos(c.Request().Context(), a)
	if err != nil {
		return err
	}
	out := photoList{RetData: make([]photoItem, len(photos)), UserID: strconv.FormatInt(a.UserID, 10)}
	for i, p := range photos {
		out.RetData[i] = photoItem{ID: p.ID, PhotoURL: p.URL}
	}
	return ok(c, "获取成功", out)
}

type cardTagItem struct {
	ID   int64  `json:"id"`
	Name string `json:"name"`
}

type cardTagList struct {
	UserID    string        `json:"user_id"`
	RetData   []cardTagItem `json:"ret_data"`
	DataCount int           `json:"data_count"`
}

// ListCardTags is E49.
func (h *Handlers) ListCardTags(c echo.Context) error {
	a := actor(c)
	tags, err := h.CardEditor.Tags(c.Request().Context(), a)
	if err != nil {
		return err
	}
	out := cardTagList{UserID: strconv.FormatInt(a.UserID, 10), RetData: make([]cardTagItem, len(tags)), DataCount: len(tags)}
	for i, t := range tags {
		out.RetData[i] = cardTagItem{ID: t.ID, Name: t.Name}
	}
	return ok(c, "", out)
}

// AddCardTag is E50.
func (h *Handlers) AddCardTag(c echo.Context) error {
	t, err := h.CardEditor.AddTag(c.Request().Context(), actor(c), formValue(c, "name"))
	if err != nil {
		return err
	}
	return ok(c, "添加成功", []cardTagItem{{ID: t.ID, Name: t.Name}})
}

// KeepCardTags is E51.
func (h *Handlers) KeepCardTags(c echo.Context) error {
	if err := h.CardEditor.KeepTags(c.Request().Context(), actor(c), formValue(c, "tag_list")); err != nil {
		return err
	}
	return ok(c, "添加成功", []cardTagItem{})
}

// DeleteCardTag is E52.
func (h *Handlers) DeleteCardTag(c echo.Context) error {
	if err := h.CardEditor.DeleteTag(c.Request().Context(), actor(c), formValue(c, "id")); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// qrCodeData is E48's data: the legacy's {} plus the stored image's URL
// (an extra key, D1.4), relative like the other stored image fields (D3).
type qrCodeData struct {
	QRCode string `json:"qr_code"`
}

// GenerateQRCode is E48.
func (h *Handlers) GenerateQRCode(c echo.Context) error {
	url, err := h.CardEditor.GenerateQRCode(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	return ok(c, "生成小程序二维码成功", qrCodeData{QRCode: url})
}
