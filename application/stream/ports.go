package stream

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/stream EventRepository,Listener

import (
	"context"
	"time"

	"leida/domain/chat"
	"leida/ports"
)

// EventRepository reads the events of push streams.
type EventRepository interface {
	// LastSeq is the newest sequence of the principal (0 when none).
	LastSeq(ctx context.Context, p chat.Principal) (int64, error)
	// After lists up to limit events of the principal with seq > after, in order.
	After(ctx context.Context, p chat.Principal, after int64, limit int) ([]chat.StreamEvent, error)
	// Prune deletes events created before t and reports how many.
	Prune(ctx context.Context, before time.Time) (int64, error)
}

// Listener delivers the database's stream notifications to this process.
type Listener interface {
	// Listen blocks until ctx ends, reconnecting when the connection drops.
	// connected is called after every (re)connection, when notifications may
	// have been missed; wake for every notification.
	Listen(ctx context.Context, connected func(), wake func(ports.StreamWake)) error
}
