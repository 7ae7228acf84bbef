package postgres

import (
	"context"
	"fmt"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/card"
	"leida/domain/radar"
	"leida/ports"
)

// Cards is the business-card repository: card fields and counters on users,
// photos, card tags, praise states and belonger rows. Every statement is
// keyed by the tenant (company_id) it is given, besides Owner, which finds
// the tenant of a customer-side event, and Memberships, the customer's cards
// in every company.
type Cards struct{ *DB }

// NewCards makes the repository.
func NewCards(db *DB) *Cards { return &Cards{db} }

// Owner finds the live card owner, optionally locking its row.
func (r *Cards) Owner(ctx context.Context, userID int64, lock bool) (card.Owner, error) {
	q := r.conn(ctx).Model(&userRow{}).Select("id AS user_id, company_id").Where("id = ? AND deleted_at IS NULL", userID)
	if lock {
		q = q.Clauses(clause.Locking{Strength: "NO KEY UPDATE"})
	}
	var o card.Owner
	res := q.Find(&o)
	if res.Error != nil {
		return card.Owner{}, translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return card.Owner{}, ports.ErrNotFound
	}
	return o, nil
}

type cardRow struct {
	ID             int64
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
	Source         int
}

func (c cardRow) domain() card.Card {
	return card.Card{UserID: c.ID, CompanyID: c.CompanyID, Username: c.Username, Avatar: c.Avatar, CompanyName: c.CompanyName,
		CompanyArea: c.CompanyArea, CompanyAddress: c.CompanyAddress, Position: c.Position, Telephone: c.Telephone,
		Email: c.Email, Country: c.Country, Wechat: c.Wechat, WechatPhone: c.WechatPhone, IsShowPhone: c.IsShowPhone,
		MingpianPhone: c.MingpianPhone, Sign: c.Sign, Popularity: c.Popularity, Praise: c.Praise, Forward: c.Forward,
		CreatedAt: c.CreatedAt}
}

const cardColumns = `u.id, u.company_id, u.username, u.avatar, c.name AS company_name, c.area AS company_area,
	c.address AS company_address, u.position, u.telephone, u.email, u.country, u.wechat, u.wechat_phone,
	u.is_show_phone, u.mingpian_phone, u.sign, u.popularity, u.praise, u.forward, u.created_at`

func (r *Cards) cards(ctx context.Context, columns string) *gorm.DB {
	return r.conn(ctx).Table("users u").Select(columns).
		Joins("JOIN companies c ON c.id = u.company_id").
		Joins("LEFT JOIN roles r ON r.id = u.role_id").
		Where("u.deleted_at IS NULL")
}

var cardList = listSpec{
	filters: map[string]filterSpec{
		"id": {"u.id", integer}, "username": {"u.username", contains}, "role__name": {"r.name", contains},
		"company__name": {"c.name", contains},
	},
	orders:       map[string]string{"create_date": "u.created_at", "id": "u.id", "username": "u.username"},
	defaultOrder: "-create_date",
	tieBreaker:   "u.id",
}

// Card reads the company's live user's card with its photos, if it matches the filters.
func (r *Cards) Card(ctx context.Context, companyID, userID int64, filters map[string]string) (card.Card, error) {
	var row cardRow
	q := r.applyFilters(r.cards(ctx, cardColumns).Scopes(tenant(companyID)).Where("u.id = ?", userID), cardList, filters)
	if err := q.Take(&row).Error; err != nil {
		return card.Card{}, translate(err)
	}
	c := row.domain()
	photos, err := r.Photos(ctx, companyID, userID)
	if err != nil {
		return card.Card{}, err
	}
	c.Photos = photos
	return c, nil
}

// Memberships pages through the live cards the customer belongs to.
func (r *Cards) Memberships(ctx context.Context, customerID int64, q ports.ListQuery) ([]card.Membership, int, error) {
	const columns = cardColumns + ", b.source"
	base := r.cards(ctx, columns).
		Joins("JOIN customer_belongers b ON b.user_id = u.id AND b.company_id = u.company_id").
		Where("b.customer_id = ?", customerID)
	base = r.applyFilters(base, cardList, q.Filters)
	rows, total, err := page[cardRow](base, columns, cardList, q)
	if err != nil {
		return nil, 0, err
	}
	out := make([]card.Membership, len(rows))
	for i, row := range rows {
		out[i] = card.Membership{Card: row.domain(), Source: row.Source}
	}
	return out, total, nil
}

// AddCounter changes a card counter (popularity, praise, forward).
func (r *Cards) AddCounter(ctx context.Context, companyID, userID int64, c radar.Counter, delta int) error {
	var col string
	switch c {
	case radar.Popularity, radar.Praises, radar.Forwards:
		col = string(c)
	default:
		return fmt.Errorf("unknown counter %q", c)
	}
	return affected(r.conn(ctx).Model(&userRow{}).Scopes(tenant(companyID)).Where("id = ?", userID).
		Update(col, gorm.Expr("GREATEST("+col+" + ?, 0)", delta)))
}

// Praise is the stored praise state of (user, customer).
func (r *Cards) Praise(ctx context.Context, companyID, userID, customerID int64) (*bool, error) {
	var ups []bool
	if err := r.conn(ctx).Table("praises").Scopes(tenant(companyID)).Where("user_id = ? AND customer_id = ?", userID, customerID).
		Pluck("up", &ups).Error; err != nil {
		return nil, translate(err)
	}
	if len(ups) == 0 {
		return nil, nil
	}
	return &ups[0], nil
}

// SetPraise stores the praise state.
func (r *Cards) SetPraise(ctx context.Context, companyID, userID, customerID int64, up bool) error {
	// Raw SQL: an upsert (ON CONFLICT ... DO UPDATE).
	return translate(r.conn(ctx).Exec(`INSERT INTO praises (company_id, user_id, customer_id, up) VALUES (?, ?, ?, ?)
		ON CONFLICT (company_id, user_id, customer_id) DO UPDATE SET up = EXCLUDED.up, updated_at = now()`,
		companyID, userID, customerID, up).Error)
}

// EnsureBelonger creates the belonger row when missing (an existing one keeps its source).
func (r *Cards) EnsureBelonger(ctx context.Context, companyID, userID, customerID int64, source int) error {
	return r.bindCustomer(ctx, companyID, userID, customerID, source)
}

// SaveContact writes the card phone and/or its visibility.
func (r *Cards) SaveContact(ctx context.Context, companyID, userID int64, phone *string, showPhone *bool) error {
	cols := map[string]any{}
	if phone != nil {
		cols["mingpian_phone"] = *phone
	}
	if showPhone != nil {
		cols["is_show_phone"] = *showPhone
	}
	if len(cols) == 0 {
		return nil
	}
	return affected(r.liveUser(ctx, companyID, userID).Updates(cols))
}

// liveUser is the company's live user as the target of an update.
func (r *Cards) liveUser(ctx context.Context, companyID, userID int64) *gorm.DB {
	return r.conn(ctx).Model(&userRow{}).Scopes(tenant(companyID)).Where("id = ? AND deleted_at IS NULL", userID)
}

// SaveInfo writes the card's contact fields.
func (r *Cards) SaveInfo(ctx context.Context, companyID, userID int64, c ports.CardContact) error {
	return affected(r.liveUser(ctx, companyID, userID).Updates(map[string]any{
		"mingpian_phone": c.MingpianPhone, "wechat": c.Wechat, "telephone": c.Telephone, "email": c.Email,
		"country": c.Country,
	}))
}

// SaveCompanyLocation writes the company's area and/or address.
func (r *Cards) SaveCompanyLocation(ctx context.Context, companyID int64, area, address *string) error {
	cols := map[string]any{}
	if area != nil {
		cols["area"] = *area
	}
	if address != nil {
		cols["address"] = *address
	}
	if len(cols) == 0 {
		return nil
	}
	return affected(r.conn(ctx).Model(&companyRow{}).Where("id = ?", companyID).Updates(cols))
}

// SaveSign writes the signature.
func (r *Cards) SaveSign(ctx context.Context, companyID, userID int64, sign string) error {
	return affected(r.liveUser(ctx, companyID, userID).Update("sign", sign))
}

// SetQRCode records the QR code image's URL.
func (r *Cards) SetQRCode(ctx context.Context, companyID, userID int64, url string) error {
	return affected(r.liveUser(ctx, companyID, userID).Update("qr_code", url))
}

// photoRow is the model of user_photos.
type photoRow struct {
	ID        int64
	CompanyID int64
	UserID    int64
	PhotoURL  string
	CreatedAt time.Time `gorm:"default:now()"`
}

func (photoRow) TableName() string { return "user_photos" }

func (p photoRow) domain() card.Photo {
	return card.Photo{ID: p.ID, UserID: p.UserID, URL: p.PhotoURL, CreatedAt: p.CreatedAt}
}

// Photos lists the user's photos by id.
func (r *Cards) Photos(ctx context.Context, companyID, userID int64) ([]card.Photo, error) {
	var rows []photoRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Where("user_id = ?", userID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]card.Photo, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// AddPhoto inserts a photo row.
func (r *Cards) AddPhoto(ctx context.Context, companyID int64, p *card.Photo) error {
	row := photoRow{CompanyID: companyID, UserID: p.UserID, PhotoURL: p.URL}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	p.ID, p.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// SetPhotoURL records where the user's photo is stored.
func (r *Cards) SetPhotoURL(ctx context.Context, companyID, userID, photoID int64, url string) error {
	return affected(r.conn(ctx).Model(&photoRow{}).Scopes(tenant(companyID)).Where("id = ? AND user_id = ?", photoID, userID).
		Update("photo_url", url))
}

// DeletePhoto removes the user's photo and returns it.
func (r *Cards) DeletePhoto(ctx context.Context, companyID, userID, photoID int64) (card.Photo, error) {
	var rows []photoRow
	err := r.conn(ctx).Clauses(clause.Returning{}).Scopes(tenant(companyID)).Where("id = ? AND user_id = ?", photoID, userID).
		Delete(&rows).Error
	if err != nil {
		return card.Photo{}, translate(err)
	}
	if len(rows) == 0 {
		return card.Photo{}, ports.ErrNotFound
	}
	return rows[0].domain(), nil
}

// userTagRow is the model of user_tags (the labels on a rep's card).
type userTagRow struct {
	ID        int64
	CompanyID int64
	UserID    int64
	Name      string
	CreatedAt time.Time `gorm:"default:now()"`
}

func (userTagRow) TableName() string { return "user_tags" }

// Tags lists the user's card tags by id.
func (r *Cards) Tags(ctx context.Context, companyID, userID int64) ([]card.Tag, error) {
	var rows []userTagRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Where("user_id = ?", userID).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]card.Tag, len(rows))
	for i, t := range rows {
		out[i] = card.Tag{ID: t.ID, UserID: t.UserID, Name: t.Name, CreatedAt: t.CreatedAt}
	}
	return out, nil
}

// TagNameTaken reports whether the user already has a tag of that name.
func (r *Cards) TagNameTaken(ctx context.Context, companyID, userID int64, name string) (bool, error) {
	return exists(r.conn(ctx).Model(&userTagRow{}).Scopes(tenant(companyID)).Where("user_id = ? AND name = ?", userID, name))
}

// AddTag inserts a card tag (ErrDuplicate when the name exists).
func (r *Cards) AddTag(ctx context.Context, companyID int64, t *card.Tag) error {
	row := userTagRow{CompanyID: companyID, UserID: t.UserID, Name: t.Name}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	t.ID, t.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// KeepTags deletes the user's tags not in ids.
func (r *Cards) KeepTags(ctx context.Context, companyID, userID int64, ids []int64) (int, error) {
	var kept int64
	tags := func() *gorm.DB {
		return r.conn(ctx).Model(&userTagRow{}).Scopes(tenant(companyID)).Where("user_id = ?", userID)
	}
	if err := tags().Where("id IN ?", ids).Count(&kept).Error; err != nil {
		return 0, translate(err)
	}
	if kept == 0 {
		return 0, nil
	}
	err := tags().Where("id NOT IN ?", ids).Delete(&userTagRow{}).Error
	return int(kept), translate(err)
}

// DeleteTag removes the user's tag.
func (r *Cards) DeleteTag(ctx context.Context, companyID, userID, id int64) error {
	return affected(r.conn(ctx).Scopes(tenant(companyID)).Where("id = ? AND user_id = ?", id, userID).Delete(&userTagRow{}))
}
