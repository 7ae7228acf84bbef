package ports

import (
	"context"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/domain/radar"
)

// ---- use cases called by the HTTP adapter

// MiniProgramLoginInput is E30's query (raw values).
type MiniProgramLoginInput struct {
	Code     string
	UserType string
	Source   string
	UID      string
}

// MiniProgramLoginResult is the logged-in customer.
type MiniProgramLoginResult struct {
	CustomerID int64
	Token      string
}

// WeChatLogins is E29 and E30.
type WeChatLogins interface {
	// WeComLogin runs the WeCom OAuth landing of company companyID and returns
	// where to redirect the browser (the front-end, or its error page).
	WeComLogin(ctx context.Context, companyID int64, code string) (redirect string, err error)
	MiniProgramLogin(ctx context.Context, in MiniProgramLoginInput) (MiniProgramLoginResult, error)
}

// CardEvent is what a customer-side card endpoint records; the endpoint
// fixes it (D7), never the client.
type CardEvent int

// The card events of E44–E46, A8 and A9.
const (
	EventCall           CardEvent = iota + 1 // E44
	EventPraise                              // E45: toggles the praise state
	EventForward                             // E46
	EventSavePhone                           // A8
	EventProduct                             // A9 product, product/竞价排名
	EventProductForward                      // A9 product/转发
)

// CardView is E42's answer: the card (nil when the filters exclude it) and
// whether the visiting customer praised it.
type CardView struct {
	Card     *card.Card
	IsUpDown bool
}

// CardVisits is the card as customers see it: E42–E46, A8, A9, action/record.
type CardVisits interface {
	ViewCard(ctx context.Context, v customer.Visitor, uid string, q ListQuery) (CardView, error)
	MyCards(ctx context.Context, v customer.Visitor, q ListQuery) ([]card.Membership, int, error)
	Record(ctx context.Context, v customer.Visitor, uid string, ev CardEvent) error
	RecordAction(ctx context.Context, v customer.Visitor, uid, action string) error
}

// CardPhoneInput is the body of A7 save_phone / E53 (raw values).
type CardPhoneInput struct {
	Phone          string // mingpian_phone, else phone
	PhoneField     string // which of the two was sent ("mingpian_phone" when neither)
	IsShowPhone    string
	IsShowPhoneSet bool
}

// CardInfoInput is the body of A7 save_info (raw values).
type CardInfoInput struct {
	Country       string
	MingpianPhone string
	Wechat        string
	Telephone     string
	Email         string
	Area          string
	AreaSet       bool
	Address       string
	AddressSet    bool
}

// Upload is an uploaded file.
type Upload struct {
	Present bool
	Data    []byte
}

// CardEditor is the card as its owner edits it: A6, A7, E48–E53.
type CardEditor interface {
	MyCard(ctx context.Context, a org.Actor, q ListQuery) ([]card.Card, error)
	SavePhone(ctx context.Context, a org.Actor, in CardPhoneInput) error
	SaveInfo(ctx context.Context, a org.Actor, in CardInfoInput) error
	SaveSign(ctx context.Context, a org.Actor, sign string) error
	UploadPhoto(ctx context.Context, a org.Actor, f Upload) (card.Photo, error)
	DeletePhoto(ctx context.Context, a org.Actor, photoID string, sent bool) error
	Photos(ctx context.Context, a org.Actor) ([]card.Photo, error)
	Tags(ctx context.Context, a org.Actor) ([]card.Tag, error)
	AddTag(ctx context.Context, a org.Actor, name string) (card.Tag, error)
	KeepTags(ctx context.Context, a org.Actor, tagList string, sent bool) error
	DeleteTag(ctx context.Context, a org.Actor, id string, sent bool) error
	// GenerateQRCode makes and stores the card's QR code (E48) and returns
	// its stored (relative) URL.
	GenerateQRCode(ctx context.Context, a org.Actor) (string, error)
}

// RadarQuery is the radar views' query (raw values) plus paging and order.
type RadarQuery struct {
	Action string
	ID     string
	From   string // create_date__gte
	To     string // create_date__lt
	List   ListQuery
}

// Radar is E31–E33, E47 and A5, always scoped to the calling rep.
type Radar interface {
	Timeline(ctx context.Context, a org.Actor, q RadarQuery) ([]radar.Log, int, error)
	ByCustomer(ctx context.Context, a org.Actor, q RadarQuery) ([]radar.CustomerSummary, error)
	ByAction(ctx context.Context, a org.Actor, q RadarQuery) ([]radar.ActionCount, error)
	NewEvents(ctx context.Context, a org.Actor, action, order string) ([]radar.Log, error)
	CustomerDetail(ctx context.Context, a org.Actor, customerID string) ([]radar.CustomerSummary, error)
}

// ---- repositories

// CardContact is the contact part of a card the owner edits.
type CardContact struct {
	MingpianPhone string
	IsShowPhone   bool
	Wechat        string
	Telephone     string
	Email         string
	Country       int
}

// RadarFilter narrows radar reads. Window bounds are midnights in the
// configured zone: radar windows are calendar days.
type RadarFilter struct {
	Window radar.Window
	Action radar.Action // 0: any
	LogID  int64        // 0: any
}
