package ports

import (
	"context"

	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/domain/paging"
)

// StreamWake says a principal's stream has a new event.
type StreamWake struct {
	Principal chat.Principal
	Seq       int64
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
