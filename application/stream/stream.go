// Package stream fans the database's push events out to the open
// Server-Sent-Event streams of this process (D8).
//
// The database is the source of truth: triggers append every event to
// stream_events with a per-principal sequence and NOTIFY. A notification is
// only a wake-up: a woken subscription reads its principal's events after its
// cursor, so nothing is lost when notifications are (re-connection, several
// instances, a slow client) and a reconnecting client resumes from its
// Last-Event-ID.
package stream

import (
	"context"
	"errors"
	"log/slog"
	"sync"
	"time"

	"leida/domain/chat"
	"leida/domain/errs"
	"leida/ports"
)

// Config tunes the hub; zero values take the defaults.
type Config struct {
	Batch      int           // events read per fetch (500)
	Retention  time.Duration // events older than this are pruned (24h)
	PruneEvery time.Duration // (10m)
	// SafetyPoll wakes every subscription periodically, in case a
	// notification was lost without the connection dropping (30s).
	SafetyPoll time.Duration
	// ReadyWait is how long Open waits for the first LISTEN (2s).
	ReadyWait time.Duration
}

func (o Config) withDefaults() Config {
	if o.Batch <= 0 {
		o.Batch = 500
	}
	if o.Retention <= 0 {
		o.Retention = 24 * time.Hour
	}
	if o.PruneEvery <= 0 {
		o.PruneEvery = 10 * time.Minute
	}
	if o.SafetyPoll <= 0 {
		o.SafetyPoll = 30 * time.Second
	}
	if o.ReadyWait <= 0 {
		o.ReadyWait = 2 * time.Second
	}
	return o
}

// Hub implements the HTTP adapter\'s EventStreams.
type Hub struct {
	events   EventRepository
	listener Listener
	clock    ports.Clock
	log      *slog.Logger
	cfg      Config

	mu     sync.Mutex
	subs   map[chat.Principal]map[*subscription]struct{}
	closed bool
	done   chan struct{} // closed by Shutdown

	ready     chan struct{} // closed at the first LISTEN
	readyOnce sync.Once
	startOnce sync.Once
	cancel    context.CancelFunc
	wg        sync.WaitGroup
}

// NewHub makes a hub; Start runs its background work.
func NewHub(events EventRepository, listener Listener, clock ports.Clock, log *slog.Logger, cfg Config) *Hub {
	if log == nil {
		log = slog.Default()
	}
	return &Hub{events: events, listener: listener, clock: clock, log: log, cfg: cfg.withDefaults(),
		subs: map[chat.Principal]map[*subscription]struct{}{}, done: make(chan struct{}), ready: make(chan struct{})}
}

// Start listens for notifications and prunes old events until Stop.
func (h *Hub) Start() {
	h.startOnce.Do(func() {
		ctx, cancel := context.WithCancel(context.Background())
		h.cancel = cancel
		h.wg.Add(2)
		go func() {
			defer h.wg.Done()
			_ = h.listener.Listen(ctx, h.connected, h.wake)
		}()
		go func() {
			defer h.wg.Done()
			h.housekeeping(ctx)
		}()
	})
}

// Stop ends the streams and the background work.
func (h *Hub) Stop() {
	h.Shutdown()
	if h.cancel != nil {
		h.cancel()
	}
	h.wg.Wait()
}

// Shutdown ends every open stream and refuses new ones (graceful shutdown:
// the HTTP server does not end streaming responses by itself).
func (h *Hub) Shutdown() {
	h.mu.Lock()
	defer h.mu.Unlock()
	if !h.closed {
		h.closed = true
		close(h.done)
	}
}

// connected runs after every (re)connection: notifications may have been
// missed, so every subscription re-reads.
func (h *Hub) connected() {
	h.readyOnce.Do(func() { close(h.ready) })
	h.wakeAll()
}

func (h *Hub) wake(w ports.StreamWake) {
	h.mu.Lock()
	defer h.mu.Unlock()
	for s := range h.subs[w.Principal] {
		s.signal()
	}
}

func (h *Hub) wakeAll() {
	h.mu.Lock()
	defer h.mu.Unlock()
	for _, set := range h.subs {
		for s := range set {
			s.signal()
		}
	}
}

func (h *Hub) housekeeping(ctx context.Context) {
	prune := time.NewTicker(h.cfg.PruneEvery)
	defer prune.Stop()
	poll := time.NewTicker(h.cfg.SafetyPoll)
	defer poll.Stop()
	h.prune(ctx)
	for {
		select {
		case <-ctx.Done():
			return
		case <-prune.C:
			h.prune(ctx)
		case <-poll.C:
			h.wakeAll()
		}
	}
}

func (h *Hub) prune(ctx context.Context) {
	n, err := h.events.Prune(ctx, h.clock.Now().Add(-h.cfg.Retention))
	if err != nil && !errors.Is(err, context.Canceled) {
		h.log.Warn("pruning stream events", "error", err.Error())
		return
	}
	if n > 0 {
		h.log.Info("pruned stream events", "count", n)
	}
}

// Open subscribes p. Without a (valid) lastEventID the stream starts with
// the next event; with one it first replays what followed it.
func (h *Hub) Open(ctx context.Context, p chat.Principal, lastEventID string) (ports.StreamSubscription, error) {
	s := &subscription{hub: h, principal: p, wake: make(chan struct{}, 1)}
	h.mu.Lock()
	if h.closed {
		h.mu.Unlock()
		return nil, errs.Unavailable(errors.New("shutting down"))
	}
	if h.subs[p] == nil {
		h.subs[p] = map[*subscription]struct{}{}
	}
	h.subs[p][s] = struct{}{}
	h.mu.Unlock()

	// Registered first, so that whatever commits from now on wakes s; then
	// wait for LISTEN to be active before reading the newest sequence.
	select {
	case <-h.ready:
	case <-time.After(h.cfg.ReadyWait):
	case <-ctx.Done():
	}
	newest, err := h.events.LastSeq(ctx, p)
	if err != nil {
		s.Close()
		return nil, err
	}
	last, given := chat.ParseLastEventID(lastEventID)
	s.cursor = chat.ResumeFrom(last, given, newest)
	s.signal()
	return s, nil
}

// Subscribers is the number of open streams (for tests and metrics).
func (h *Hub) Subscribers() int {
	h.mu.Lock()
	defer h.mu.Unlock()
	n := 0
	for _, set := range h.subs {
		n += len(set)
	}
	return n
}

type subscription struct {
	hub       *Hub
	principal chat.Principal
	wake      chan struct{}
	cursor    int64
	closeOnce sync.Once
}

func (s *subscription) signal() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

func (s *subscription) Wake() <-chan struct{} { return s.wake }

func (s *subscription) Done() <-chan struct{} { return s.hub.done }

// Next reads the events after the cursor and advances it.
func (s *subscription) Next(ctx context.Context) ([]chat.StreamEvent, error) {
	evs, err := s.hub.events.After(ctx, s.principal, s.cursor, s.hub.cfg.Batch)
	if err != nil {
		return nil, err
	}
	if len(evs) > 0 {
		s.cursor = evs[len(evs)-1].Seq
	}
	if len(evs) == s.hub.cfg.Batch {
		s.signal() // more to read
	}
	return evs, nil
}

func (s *subscription) Close() {
	s.closeOnce.Do(func() {
		h := s.hub
		h.mu.Lock()
		defer h.mu.Unlock()
		delete(h.subs[s.principal], s)
		if len(h.subs[s.principal]) == 0 {
			delete(h.subs, s.principal)
		}
	})
}
