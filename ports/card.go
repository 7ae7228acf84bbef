package ports

//go:generate go tool mockgen -destination=mocks/card.go -package=mocks leida/ports CardRepository,AccessLogRepository,LoginRepository

import (
	"context"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/domain/paging"
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

// CardRepository stores cards: the owner's card fields and counters, photos,
// tags, praise states and belonger rows. Every call but Owner and
// Memberships takes the tenant — the caller's company, or the card owner's
// for customer-side events — and touches only that company's rows.
type CardRepository interface {
	// Owner finds the live card owner and so the tenant of a customer-side
	// card event; lock serialises the events of one card (row lock until the
	// transaction ends).
	Owner(ctx context.Context, userID int64, lock bool) (card.Owner, error)
	// Card reads the company's live user's card (with photos) if it matches
	// the filters (id, username, role__name, company__name).
	Card(ctx context.Context, companyID, userID int64, filters map[string]string) (card.Card, error)
	// Memberships pages through the cards the customer belongs to, in every
	// company (the customer's own view).
	Memberships(ctx context.Context, customerID int64, q ListQuery) ([]card.Membership, int, error)
	AddCounter(ctx context.Context, companyID, userID int64, c radar.Counter, delta int) error
	// Praise is the stored praise state (nil: none).
	Praise(ctx context.Context, companyID, userID, customerID int64) (*bool, error)
	SetPraise(ctx context.Context, companyID, userID, customerID int64, up bool) error
	// EnsureBelonger creates the (user, customer) belonger row when missing.
	EnsureBelonger(ctx context.Context, companyID, userID, customerID int64, source int) error

	SaveContact(ctx context.Context, companyID, userID int64, phone *string, showPhone *bool) error
	SaveInfo(ctx context.Context, companyID, userID int64, c CardContact) error
	SaveCompanyLocation(ctx context.Context, companyID int64, area, address *string) error
	SaveSign(ctx context.Context, companyID, userID int64, sign string) error
	SetQRCode(ctx context.Context, companyID, userID int64, url string) error

	Photos(ctx context.Context, companyID, userID int64) ([]card.Photo, error)
	AddPhoto(ctx context.Context, companyID int64, p *card.Photo) error
	// SetPhotoURL records where the user's photo is stored.
	SetPhotoURL(ctx context.Context, companyID, userID, photoID int64, url string) error
	// DeletePhoto removes the user's photo and returns it.
	DeletePhoto(ctx context.Context, companyID, userID, photoID int64) (card.Photo, error)

	Tags(ctx context.Context, companyID, userID int64) ([]card.Tag, error)
	TagNameTaken(ctx context.Context, companyID, userID int64, name string) (bool, error)
	AddTag(ctx context.Context, companyID int64, t *card.Tag) error
	// KeepTags deletes the user's tags not in ids; kept is how many of ids are the user's.
	KeepTags(ctx context.Context, companyID, userID int64, ids []int64) (kept int, err error)
	DeleteTag(ctx context.Context, companyID, userID, id int64) error
}

// RadarFilter narrows radar reads. Window bounds are midnights in the
// configured zone: radar windows are calendar days.
type RadarFilter struct {
	Window radar.Window
	Action radar.Action // 0: any
	LogID  int64        // 0: any
}

// AccessLogRepository stores the radar's access log and the follow-up
// relation's activity time it drives.
type AccessLogRepository interface {
	// Record writes l (unread), linked to the (rep, customer) follow-up
	// relation whose last_activity_time moves forward to the log's time (the
	// relation is created when missing), and sets l's id, time and relation.
	// The time is now, unless l.CreatedAt is set (back-dated history such as
	// demo data). The radar's rollups count the log in the same transaction.
	Record(ctx context.Context, l *radar.Log) error
	// CountViews counts the customer's card views of the rep.
	CountViews(ctx context.Context, companyID, userID, customerID int64) (int, error)

	Timeline(ctx context.Context, companyID, userID int64, f RadarFilter, q ListQuery) ([]radar.Log, int, error)
	// MarkRead clears the unread flag of exactly these logs of the rep.
	MarkRead(ctx context.Context, companyID, userID int64, ids []int64) error
	ByCustomer(ctx context.Context, companyID, userID int64, f RadarFilter, p paging.Page) ([]radar.CustomerSummary, error)
	ByAction(ctx context.Context, companyID, userID int64, f RadarFilter) ([]radar.ActionCount, error)
	// ClaimNew marks at most limit unread logs of the rep read and returns
	// exactly them, newest first (oldest first when !newestFirst).
	ClaimNew(ctx context.Context, companyID, userID int64, action radar.Action, newestFirst bool, limit int) ([]radar.Log, error)
	// CustomerDetail counts the rep's logs per customer and action (customerID 0: every customer).
	CustomerDetail(ctx context.Context, companyID, userID, customerID int64) ([]radar.CustomerSummary, error)
}

// LoginRepository is what the WeChat logins need beyond users and companies.
type LoginRepository interface {
	CustomerByOpenID(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error)
	// CreateCustomer inserts c; ErrDuplicate when the openid exists (a concurrent login).
	CreateCustomer(ctx context.Context, c *customer.Customer) error
	// MemberByWeComID finds the live user of the company with that WeCom UserID.
	MemberByWeComID(ctx context.Context, companyID int64, wecomUserID string) (org.User, error)
	// MemberRoleID is the ordinary (level 3) role new WeCom members get.
	MemberRoleID(ctx context.Context) (int64, error)
}
