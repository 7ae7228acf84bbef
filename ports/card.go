package ports

import (
	"leida/domain/card"
	"leida/domain/radar"
	"leida/domain/validate"
)

// ---- what the HTTP adapter and the use cases exchange

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

// CardPhoneInput is the body of A7 save_phone / E53 (raw values).
type CardPhoneInput struct {
	Phone       string // mingpian_phone, else phone
	PhoneField  string // which of the two was sent ("mingpian_phone" when neither)
	IsShowPhone validate.Field
}

// CardInfoInput is the body of A7 save_info (raw values).
type CardInfoInput struct {
	Country       string
	MingpianPhone string
	Wechat        string
	Telephone     string
	Email         string
	Area          validate.Field
	Address       validate.Field
}

// Upload is an uploaded file (no data when none was sent).
type Upload struct {
	Data []byte
}

// RadarQuery is the radar views' query (raw values) plus paging and order.
type RadarQuery struct {
	Action string
	ID     string
	From   string // create_date__gte
	To     string // create_date__lt
	List   ListQuery
}

// ---- what the use cases and the repositories exchange

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
