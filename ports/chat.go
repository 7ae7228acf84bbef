package ports

//go:generate go tool mockgen -destination=mocks/chat.go -package=mocks leida/ports ChatRepository,StreamEventRepository,StreamListener

import (
	"context"
	"time"

	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/domain/paging"
)

// ChatRepository stores chat messages; every call is scoped by company.
type ChatRepository interface {
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

// StreamEventRepository reads the events of push streams.
type StreamEventRepository interface {
	// LastSeq is the newest sequence of the principal (0 when none).
	LastSeq(ctx context.Context, p chat.Principal) (int64, error)
	// After lists up to limit events of the principal with seq > after, in order.
	After(ctx context.Context, p chat.Principal, after int64, limit int) ([]chat.StreamEvent, error)
	// Prune deletes events created before t and reports how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// StreamWake says a principal's stream has a new event.
type StreamWake struct {
	Principal chat.Principal
	Seq       int64
}

// StreamListener delivers the database's stream notifications to this process.
type StreamListener interface {
	// Listen blocks until ctx ends, reconnecting when the connection drops.
	// connected is called after every (re)connection, when notifications may
	// have been missed; wake for every notification.
	Listen(ctx context.Context, connected func(), wake func(StreamWake)) error
}

// ChatHistoryInput is E26 (raw query values).
type ChatHistoryInput struct {
	CustomerID  string
	CurrentPage string
	Length      string
}

// ChatSendInput is E27 (raw body values).
type ChatSendInput struct {
	UserID     string
	CustomerID string
	Msg        string
	SendType   string
}

// ChatDesk is the enterprise side: E25–E28.
type ChatDesk interface {
	Contacts(ctx context.Context, a org.Actor, p paging.Page) ([]chat.Contact, int, error)
	History(ctx context.Context, a org.Actor, in ChatHistoryInput) ([]chat.Message, error)
	Send(ctx context.Context, a org.Actor, in ChatSendInput) error
	Poll(ctx context.Context, a org.Actor, customerID string) ([]chat.Message, error)
}

// VisitorChatInput is A10 history (raw query values; UID is the rep).
type VisitorChatInput struct {
	UID         string
	CurrentPage string
	Length      string
}

// VisitorChat is the customer side (A10, D8).
type VisitorChat interface {
	History(ctx context.Context, v customer.Visitor, in VisitorChatInput) ([]chat.Message, error)
	Poll(ctx context.Context, v customer.Visitor, uid string) ([]chat.Message, error)
	Send(ctx context.Context, v customer.Visitor, uid, msg string) error
}

// StreamSubscription is one open push stream.
type StreamSubscription interface {
	// Wake is signalled when new events may be available.
	Wake() <-chan struct{}
	// Done is closed when the service shuts down.
	Done() <-chan struct{}
	// Next returns the events after the last one returned (empty when none).
	Next(ctx context.Context) ([]chat.StreamEvent, error)
	Close()
}

// EventStreams opens push streams (D8).
type EventStreams interface {
	// Open subscribes the principal; lastEventID (may be "") resumes after that event.
	Open(ctx context.Context, p chat.Principal, lastEventID string) (StreamSubscription, error)
	// Shutdown ends every open stream and refuses new ones.
	Shutdown()
}
