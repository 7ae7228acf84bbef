package stream

import (
	"context"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	streammocks "leida/application/stream/mocks"
	"leida/domain/chat"
	"leida/domain/errs"
	"leida/ports"
)

var (
	rep  = chat.Principal{Kind: chat.PrincipalUser, ID: 7}
	cust = chat.Principal{Kind: chat.PrincipalCustomer, ID: 7} // same id, other kind
	now  = time.Date(2024, 6, 1, 12, 0, 0, 0, time.UTC)
)

type harness struct {
	hub       *Hub
	events    *streammocks.MockEventRepository
	connected chan func()
	wake      chan func(ports.StreamWake)
}

// start runs a hub whose listener hands its callbacks to the test.
func start(t *testing.T) harness {
	ctrl := gomock.NewController(t)
	h := harness{events: streammocks.NewMockEventRepository(ctrl), connected: make(chan func(), 1), wake: make(chan func(ports.StreamWake), 1)}
	listener := streammocks.NewMockListener(ctrl)
	// The first connection's wake-up of everyone has run before a test
	// opens a subscription; else it may land after a test's quiet check.
	listening := make(chan struct{})
	listener.EXPECT().Listen(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, connected func(), wake func(ports.StreamWake)) error {
			connected()
			close(listening)
			h.connected <- connected
			h.wake <- wake
			<-ctx.Done()
			return nil
		})
	// Pruning at start: events older than the retention.
	h.events.EXPECT().Prune(gomock.Any(), now.Add(-24*time.Hour)).Return(int64(0), nil).AnyTimes()
	h.hub = NewHub(h.events, listener, clock.NewFixed(now), nil, Config{Batch: 2})
	h.hub.Start()
	t.Cleanup(h.hub.Stop)
	<-listening
	return h
}

func woken(t *testing.T, s ports.StreamSubscription) {
	t.Helper()
	select {
	case <-s.Wake():
	case <-time.After(2 * time.Second):
		t.Fatal("not woken")
	}
}

func quiet(t *testing.T, s ports.StreamSubscription) {
	t.Helper()
	select {
	case <-s.Wake():
		t.Fatal("woken for nothing")
	case <-time.After(50 * time.Millisecond):
	}
}

func ev(seq int64) chat.StreamEvent {
	return chat.StreamEvent{Seq: seq, Name: chat.EventChat, Chat: &chat.Message{ID: seq}}
}

func TestOpenWithoutLastEventIDStartsAtTheNewest(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	h.events.EXPECT().LastSeq(gomock.Any(), rep).Return(int64(10), nil)
	s, err := h.hub.Open(ctx, rep, "")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	woken(t, s)
	h.events.EXPECT().After(gomock.Any(), rep, int64(10), 2).Return(nil, nil)
	if evs, err := s.Next(ctx); err != nil || len(evs) != 0 {
		t.Fatal(evs, err)
	}
	// A notification for another principal (same id, other kind) does not wake it.
	wake := <-h.wake
	wake(ports.StreamWake{Principal: cust, Seq: 1})
	quiet(t, s)
	wake(ports.StreamWake{Principal: rep, Seq: 11})
	woken(t, s)
	h.events.EXPECT().After(gomock.Any(), rep, int64(10), 2).Return([]chat.StreamEvent{ev(11)}, nil)
	if evs, _ := s.Next(ctx); len(evs) != 1 || evs[0].Seq != 11 {
		t.Fatal(evs)
	}
	quiet(t, s)
	h.events.EXPECT().After(gomock.Any(), rep, int64(11), 2).Return(nil, nil)
	_, _ = s.Next(ctx) // the cursor moved on
}

func TestOpenWithLastEventIDReplaysInBatches(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	h.events.EXPECT().LastSeq(gomock.Any(), rep).Return(int64(5), nil)
	s, err := h.hub.Open(ctx, rep, "2")
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	woken(t, s)
	gomock.InOrder(
		h.events.EXPECT().After(gomock.Any(), rep, int64(2), 2).Return([]chat.StreamEvent{ev(3), ev(4)}, nil),
		h.events.EXPECT().After(gomock.Any(), rep, int64(4), 2).Return([]chat.StreamEvent{ev(5)}, nil),
	)
	if evs, _ := s.Next(ctx); len(evs) != 2 {
		t.Fatal(evs)
	}
	woken(t, s) // a full batch: there may be more
	if evs, _ := s.Next(ctx); len(evs) != 1 || evs[0].Seq != 5 {
		t.Fatal(evs)
	}
	quiet(t, s)
}

func TestReconnectWakesEverySubscription(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	h.events.EXPECT().LastSeq(gomock.Any(), gomock.Any()).Return(int64(0), nil).Times(2)
	a, _ := h.hub.Open(ctx, rep, "")
	b, _ := h.hub.Open(ctx, cust, "")
	defer a.Close()
	defer b.Close()
	woken(t, a)
	woken(t, b)
	connected := <-h.connected
	connected() // the listener reconnected: notifications may have been lost
	woken(t, a)
	woken(t, b)
	if h.hub.Subscribers() != 2 {
		t.Fatal(h.hub.Subscribers())
	}
	a.Close()
	if h.hub.Subscribers() != 1 {
		t.Fatal(h.hub.Subscribers())
	}
}

func TestShutdownEndsStreamsAndRefusesNewOnes(t *testing.T) {
	h := start(t)
	ctx := context.Background()
	h.events.EXPECT().LastSeq(gomock.Any(), rep).Return(int64(0), nil)
	s, _ := h.hub.Open(ctx, rep, "")
	defer s.Close()
	h.hub.Shutdown()
	select {
	case <-s.Done():
	case <-time.After(time.Second):
		t.Fatal("stream not ended")
	}
	if _, err := h.hub.Open(ctx, rep, ""); !errs.IsKind(err, errs.KindUnavailable) {
		t.Fatalf("open after shutdown: %v", err)
	}
}
