package card

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/card VisitorCardRepository,AccessLogRepository,OwnerCardRepository,MiniProgramGateway,QRMaker

import (
	"context"

	"leida/domain/card"
	"leida/domain/radar"
	"leida/ports"
)

// VisitorCardRepository is what the card as customers see it reads and writes: the owner
// (the tenant of the event), the card, memberships, counters, praise and
// belonger rows.
type VisitorCardRepository interface {
	// Owner finds the live card owner and so the tenant of a customer-side
	// card event; lock serialises the events of one card (row lock until the
	// transaction ends).
	Owner(ctx context.Context, userID int64, lock bool) (card.Owner, error)
	// Card reads the company's live user's card (with photos) if it matches
	// the filters (id, username, role__name, company__name).
	Card(ctx context.Context, companyID, userID int64, filters map[string]string) (card.Card, error)
	// Memberships pages through the cards the customer belongs to, in every
	// company (the customer's own view).
	Memberships(ctx context.Context, customerID int64, q ports.ListQuery) ([]card.Membership, int, error)
	AddCounter(ctx context.Context, companyID, userID int64, c radar.Counter, delta int) error
	// Praise is the stored praise state (nil: none).
	Praise(ctx context.Context, companyID, userID, customerID int64) (*bool, error)
	SetPraise(ctx context.Context, companyID, userID, customerID int64, up bool) error
	// EnsureBelonger creates the (user, customer) belonger row when missing.
	EnsureBelonger(ctx context.Context, companyID, userID, customerID int64, source int) error
}

// AccessLogRepository records the customers' card events in the radar.
type AccessLogRepository interface {
	// Record writes l (unread), linked to the (rep, customer) follow-up
	// relation whose last_activity_time moves forward to the log's time (the
	// relation is created when missing), and sets l's id, time and relation.
	// The time is now, unless l.CreatedAt is set (back-dated history such as
	// demo data). The radar's rollups count the log in the same transaction.
	Record(ctx context.Context, l *radar.Log) error
	// CountViews counts the customer's card views of the rep.
	CountViews(ctx context.Context, companyID, userID, customerID int64) (int, error)
}

// OwnerCardRepository is what the card's owner edits: contact fields, sign, QR code,
// photos and card tags, in the caller's company.
type OwnerCardRepository interface {
	// Card reads the company's live user's card (with photos) if it matches
	// the filters (id, username, role__name, company__name).
	Card(ctx context.Context, companyID, userID int64, filters map[string]string) (card.Card, error)
	SaveContact(ctx context.Context, companyID, userID int64, phone *string, showPhone *bool) error
	SaveInfo(ctx context.Context, companyID, userID int64, c ports.CardContact) error
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

// MiniProgramGateway makes the card's mini-program code (E48).
type MiniProgramGateway interface {
	// WxaCode returns the mini-program code image for page (path with query).
	WxaCode(ctx context.Context, page string, width int) ([]byte, error)
	// Configured reports whether an app id and secret are set; without them
	// the QR code is generated locally instead.
	Configured() bool
}

// QRMaker draws standard QR codes.
type QRMaker interface {
	// PNG encodes content as a size×size PNG image.
	PNG(content string, size int) ([]byte, error)
}

// WriteMetrics counts what the use cases wrote, called once the write's
// transaction has committed (so a rolled-back write is never counted).
// The metrics adapter implements it; nil means nothing is counted.
type WriteMetrics interface {
	RadarEventWritten(a radar.Action)
}
