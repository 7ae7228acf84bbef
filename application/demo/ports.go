package demo

import (
	"context"
	"time"

	"leida/domain/card"
	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/radar"
	"leida/domain/tag"
)

// RoleRepository finds and creates the built-in roles.
type RoleRepository interface {
	ByName(ctx context.Context, name string) (org.Role, error)
	Create(ctx context.Context, r *org.Role) error
}

// CompanyRepository creates the demo companies.
type CompanyRepository interface {
	ByName(ctx context.Context, name string) (org.Company, error)
	Create(ctx context.Context, c *org.Company) error
	Save(ctx context.Context, c org.Company) error
}

// UserRepository creates the demo users.
type UserRepository interface {
	ByUsername(ctx context.Context, username string) (org.User, error)
	UsernameTaken(ctx context.Context, username string, exceptID int64) (bool, error)
	Create(ctx context.Context, u *org.User) error
}

// PermissionRepository creates the demo permission tree.
type PermissionRepository interface {
	PathTaken(ctx context.Context, path string, exceptID int64) (bool, error)
	Create(ctx context.Context, p *org.Permission) error
}

// CustomerRepository creates the demo customers and what their companies know.
type CustomerRepository interface {
	SaveInformation(ctx context.Context, companyID, customerID int64, info customer.Information) error
	UpdateProfile(ctx context.Context, companyID, customerID int64, fn func(*customer.Profile)) error
	CreateIdentity(ctx context.Context, c *customer.Customer) error
	Bind(ctx context.Context, companyID, userID, customerID int64, source customer.Source) error
}

// TagRepository creates the demo tags.
type TagRepository interface {
	All(ctx context.Context, companyID int64) ([]tag.Tag, error)
	Group(ctx context.Context, companyID int64, name string) (tag.Tag, error)
	Create(ctx context.Context, t *tag.Tag) error
	ReplaceCustomerTags(ctx context.Context, companyID, customerID int64, tagIDs []int64) error
}

// FollowUpRepository creates the demo follow-ups.
type FollowUpRepository interface {
	Follow(ctx context.Context, companyID, userID, customerID int64, at time.Time) (int64, error)
	AddNote(ctx context.Context, companyID, followUpID int64, text string, at time.Time) error
	SetActivity(ctx context.Context, companyID, userID, customerID int64, at time.Time) error
}

// PhraseRepository creates the demo phrases.
type PhraseRepository interface {
	Create(ctx context.Context, p *followup.Phrase) error
}

// AccountRepository finds and creates the demo customers' WeChat identities.
type AccountRepository interface {
	CustomerByOpenID(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error)
	CreateCustomer(ctx context.Context, c *customer.Customer) error
}

// CardRepository fills the demo cards.
type CardRepository interface {
	AddCounter(ctx context.Context, companyID, userID int64, c radar.Counter, delta int) error
	SetPraise(ctx context.Context, companyID, userID, customerID int64, up bool) error
	EnsureBelonger(ctx context.Context, companyID, userID, customerID int64, source int) error
	AddPhoto(ctx context.Context, companyID int64, p *card.Photo) error
	SetPhotoURL(ctx context.Context, companyID, userID, photoID int64, url string) error
	AddTag(ctx context.Context, companyID int64, t *card.Tag) error
}

// AccessLogRepository writes the demo radar history.
type AccessLogRepository interface {
	Record(ctx context.Context, l *radar.Log) error
	MarkRead(ctx context.Context, companyID, userID int64, ids []int64) error
}

// MessageRepository writes the demo conversations.
type MessageRepository interface {
	Insert(ctx context.Context, m *chat.Message) error
}
