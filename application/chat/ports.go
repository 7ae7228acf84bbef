package chat

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/chat MessageRepository

import (
	"context"

	"leida/domain/chat"
	"leida/domain/paging"
)

// MessageRepository stores chat messages; every call is scoped by company.
type MessageRepository interface {
	// RepSeesCustomer reports whether the customer is one the rep may chat
	// with: a belonger row of the rep, or (admin) of anyone in the company.
	RepSeesCustomer(ctx context.Context, companyID, userID int64, admin bool, customerID int64) (bool, error)
	// RepOfCustomer is the company of the live rep userID the customer
	// belongs to; ErrNotFound otherwise.
	RepOfCustomer(ctx context.Context, customerID, userID int64) (companyID int64, err error)
	// Contacts is the rep's latest message per customer, newest first, and the number of customers.
	Contacts(ctx context.Context, companyID, userID int64, p paging.Page) ([]chat.Contact, int, error)
	// ReadHistory marks every unread message of direction t read and reads
	// one page of the conversation, ordered by time (newestFirst picks which
	// end page 1 starts from); the page is returned oldest first.
	ReadHistory(ctx context.Context, c chat.Conversation, t chat.SendType, newestFirst bool, p paging.Page) ([]chat.Message, error)
	// TakeUnread marks the unread messages of the direction read and returns
	// exactly those, oldest first, atomically: each is returned once.
	TakeUnread(ctx context.Context, c chat.Conversation, t chat.SendType) ([]chat.Message, error)
	// Insert stores m, sets its id and creation time (now, unless m.CreatedAt
	// is set) and moves the follow-up relation's last_follow_time (rep
	// message) or last_activity_time (customer message) to it, creating the
	// relation when missing. The conversation row counts it in the same
	// transaction.
	Insert(ctx context.Context, m *chat.Message) error
}

// WriteMetrics counts what the use cases wrote, called once the write's
// transaction has committed (so a rolled-back write is never counted).
// The metrics adapter implements it; nil means nothing is counted.
type WriteMetrics interface {
	ChatMessageWritten(t chat.SendType)
}
