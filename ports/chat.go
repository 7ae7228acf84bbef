package ports

import (
	"context"

	"leida/domain/chat"
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

// VisitorChatInput is A10 history (raw query values; UID is the rep).
type VisitorChatInput struct {
	UID         string
	CurrentPage string
	Length      string
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
