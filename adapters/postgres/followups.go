package postgres

import (
	"context"
	"time"

	"leida/domain/followup"
	"leida/domain/paging"
	"leida/ports"
)

// FollowUps is the repository of follow-up relations and notes.
type FollowUps struct{ *DB }

// NewFollowUps makes the repository.
func NewFollowUps(db *DB) *FollowUps { return &FollowUps{db} }

// Follow creates or updates the relation with last_follow_time = at.
func (r *FollowUps) Follow(ctx context.Context, companyID, userID, customerID int64, at time.Time) (int64, error) {
	return r.touchFollowUp(ctx, companyID, userID, customerID, lastFollowTime, at)
}

// SetActivity sets last_activity_time of the relation, creating it.
func (r *FollowUps) SetActivity(ctx context.Context, companyID, userID, customerID int64, at time.Time) error {
	_, err := r.touchFollowUp(ctx, companyID, userID, customerID, lastActivityTime, at)
	return err
}

// followNoteRow is the model of follow_notes; created_at is the caller's clock.
type followNoteRow struct {
	ID         int64
	CompanyID  int64
	FollowUpID int64
	Note       string
	CreatedAt  time.Time `gorm:"autoCreateTime:false"`
}

func (followNoteRow) TableName() string { return "follow_notes" }

// AddNote inserts a note on the relation.
func (r *FollowUps) AddNote(ctx context.Context, companyID, followUpID int64, text string, at time.Time) error {
	return translate(r.conn(ctx).Create(&followNoteRow{CompanyID: companyID, FollowUpID: followUpID, Note: text, CreatedAt: at}).Error)
}

var noteList = listSpec{orders: map[string]string{"id": "n.id"}, defaultOrder: "id"}

// Notes pages through the notes of the relation, oldest first.
func (r *FollowUps) Notes(ctx context.Context, companyID, userID, customerID int64, p paging.Page) ([]followup.Note, int, error) {
	const columns = "n.id, n.note AS text, n.created_at, c.headimgurl AS customer_headimgurl, u.avatar AS user_avatar, u.username"
	q := r.conn(ctx).Table("follow_notes n").
		Joins("JOIN follow_ups f ON f.id = n.follow_up_id").
		Joins("JOIN customers c ON c.id = f.customer_id").
		Joins("JOIN users u ON u.id = f.user_id").
		Scopes(tenantOf("f", companyID), tenant(companyID)).Where("f.user_id = ? AND f.customer_id = ?", userID, customerID)
	out, total, err := page[followup.Note](q, columns, noteList, ports.ListQuery{Page: p})
	return out, total, err
}

var addressBook = listSpec{
	filters: map[string]filterSpec{"customer_id": {"f.customer_id", integer}, "create_date": {"f.created_at", instant}},
	orders: map[string]string{"customer__expedted_pr": "p.expedted_pr", "last_follow_time": "f.last_follow_time",
		"last_activity_time": "f.last_activity_time", "ai_pr": "p.ai_pr"},
	defaultOrder: "-customer__expedted_pr", tieBreaker: "f.id",
}

// AddressBook lists the user's relations with customers bound to them.
func (r *FollowUps) AddressBook(ctx context.Context, companyID, userID int64, source int, q ports.ListQuery) ([]followup.Entry, int, error) {
	const columns = `f.customer_id, c.username AS customer_name, c.headimgurl, p.expected_time, p.expedted_pr AS expected_pr, b.source,
		f.last_follow_time, f.last_activity_time, p.ai_pr`
	base := r.conn(ctx).Table("follow_ups f").
		Joins("JOIN customer_belongers b ON b.company_id = f.company_id AND b.user_id = f.user_id AND b.customer_id = f.customer_id").
		Joins("JOIN customers c ON c.id = f.customer_id").
		Joins("LEFT JOIN customer_profiles p ON p.company_id = f.company_id AND p.customer_id = f.customer_id").
		Scopes(tenant(companyID)).Where("f.user_id = ?", userID)
	// The count needs neither the customer (always there) nor the profile (a left join).
	count := r.conn(ctx).Table("follow_ups f").Select("count(*)").
		Joins("JOIN customer_belongers b ON b.company_id = f.company_id AND b.user_id = f.user_id AND b.customer_id = f.customer_id").
		Scopes(tenant(companyID)).Where("f.user_id = ?", userID)
	if source != 0 {
		base = base.Where("b.source = ?", source)
		count = count.Where("b.source = ?", source)
	}
	base = r.applyFilters(base, addressBook, q.Filters)
	count = r.applyFilters(count, addressBook, q.Filters)
	return pageCounted[followup.Entry](base, columns, count, addressBook, q)
}

// Phrases is the repository of canned phrases: a rep's own (keyed by the
// rep's company and the rep) and the global ones (company_id and user_id
// NULL), which everyone reads and nobody deletes.
type Phrases struct{ *DB }

// NewPhrases makes the repository.
func NewPhrases(db *DB) *Phrases { return &Phrases{db} }

// phraseRow is the model of phrases (a rep's own, or global: no company, no rep).
type phraseRow struct {
	ID        int64
	CompanyID *int64
	UserID    *int64
	Text      string
	CreatedAt time.Time `gorm:"default:now()"`
}

func (phraseRow) TableName() string { return "phrases" }

var phraseList = listSpec{
	orders:       map[string]string{"create_date": "created_at", "id": "id"},
	defaultOrder: "-create_date", tieBreaker: "id",
}

// Own pages through the user's phrases in the company.
func (r *Phrases) Own(ctx context.Context, companyID, userID int64, q ports.ListQuery) ([]followup.Phrase, int, error) {
	out, total, err := page[followup.Phrase](r.conn(ctx).Model(&phraseRow{}).Scopes(tenant(companyID)).Where("user_id = ?", userID),
		"phrases.*", phraseList, q)
	return out, total, err
}

// Globals lists the global phrases, newest first.
func (r *Phrases) Globals(ctx context.Context) ([]followup.Phrase, error) {
	var out []followup.Phrase
	err := r.conn(ctx).Model(&phraseRow{}).Where("company_id IS NULL AND user_id IS NULL").Order("created_at DESC, id DESC").Find(&out).Error
	return out, translate(err)
}

// Taken reports whether the user (in the company) or the global list has the text.
func (r *Phrases) Taken(ctx context.Context, companyID, userID int64, text string) (bool, error) {
	return exists(r.conn(ctx).Model(&phraseRow{}).
		Where("text = ? AND ((company_id = ? AND user_id = ?) OR (company_id IS NULL AND user_id IS NULL))", text, companyID, userID))
}

// Create inserts a phrase.
func (r *Phrases) Create(ctx context.Context, p *followup.Phrase) error {
	row := phraseRow{CompanyID: p.CompanyID, UserID: p.UserID, Text: p.Text}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	p.ID, p.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// DeleteOwn deletes the user's phrase in the company.
func (r *Phrases) DeleteOwn(ctx context.Context, companyID, userID, id int64) error {
	return affected(r.conn(ctx).Scopes(tenant(companyID)).Where("id = ? AND user_id = ?", id, userID).Delete(&phraseRow{}))
}
