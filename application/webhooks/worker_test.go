package webhooks_test

import (
	"context"
	"io"
	"log/slog"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/application/webhooks"
	"leida/application/webhooks/mocks"
	"leida/domain/webhook"
)

type workerDeps struct {
	queue  *mocks.MockQueue
	bodies *mocks.MockBodyFormatter
	sender *mocks.MockSender
}

func newWorker(t *testing.T) (*webhooks.Worker, workerDeps) {
	ctrl := gomock.NewController(t)
	d := workerDeps{mocks.NewMockQueue(ctrl), mocks.NewMockBodyFormatter(ctrl), mocks.NewMockSender(ctrl)}
	d.queue.EXPECT().Prune(gomock.Any(), webhooks.Retention).Return(int64(0), nil).AnyTimes()
	w := webhooks.NewWorker(d.queue, d.bodies, d.sender, webhooks.WorkerSettings{Parallel: 2, Poll: 5 * time.Millisecond},
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	return w, d
}

func due(id int64) webhooks.Due {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	return webhooks.Due{DeliveryID: id, EndpointID: 1, URL: "https://crm.example.com/hook", Secret: "whsec_s",
		Message:  webhook.Message{EventID: 100 + id, CompanyID: 3, Event: webhook.RadarEvent, At: t0},
		Delivery: webhook.Delivery{Status: webhook.Pending, CreatedAt: t0, NextAt: t0}}
}

// The worker claims what is due, sends each delivery with its body and
// signature inputs, and records each result against the stored delivery.
func TestWorkerSendsClaimedDeliveriesAndRecordsTheResults(t *testing.T) {
	w, d := newWorker(t)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	claims := 0
	d.queue.EXPECT().ClaimDue(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, limit int, _ time.Duration) ([]webhooks.Due, error) {
		claims++
		if claims == 1 {
			if limit != 2 {
				t.Errorf("first claim of %d, want 2 (the free slots)", limit)
			}
			return []webhooks.Due{due(1), due(2)}, nil
		}
		return nil, nil
	}).MinTimes(1)
	d.bodies.EXPECT().Body(gomock.Any()).DoAndReturn(func(m webhook.Message) ([]byte, error) {
		return []byte(`{"id":` + string(rune('0'+m.EventID%10)) + `}`), nil
	}).Times(2)
	d.sender.EXPECT().Send(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, a webhook.Attempt) webhook.Result {
		if _, ok := ctx.Deadline(); !ok {
			t.Error("an attempt without a deadline")
		}
		if a.URL != "https://crm.example.com/hook" || a.Secret != "whsec_s" || a.Event != webhook.RadarEvent {
			t.Errorf("attempt %+v", a)
		}
		if a.EventID == 102 {
			return webhook.Result{Status: 500, Error: "HTTP 500"}
		}
		return webhook.Result{OK: true, Status: 204}
	}).Times(2)
	var mu sync.Mutex
	recorded := map[int64]webhook.Delivery{}
	var wg sync.WaitGroup
	wg.Add(2)
	d.queue.EXPECT().RecordAttempt(gomock.Any(), gomock.Any(), int64(1), gomock.Any()).DoAndReturn(
		func(_ context.Context, id, _ int64, record func(time.Time, *webhook.Delivery, *webhook.Endpoint)) error {
			defer wg.Done()
			dl := due(id).Delivery
			e := webhook.Endpoint{Enabled: true}
			record(dl.CreatedAt.Add(time.Second), &dl, &e)
			mu.Lock()
			recorded[id] = dl
			mu.Unlock()
			return nil
		}).Times(2)
	done := make(chan struct{})
	go func() { w.Run(ctx); close(done) }()
	wg.Wait()
	cancel()
	<-done
	if recorded[1].Status != webhook.Delivered || recorded[1].LastStatusCode != 204 {
		t.Errorf("delivery 1: %+v", recorded[1])
	}
	if r := recorded[2]; r.Status != webhook.Pending || r.LastStatusCode != 500 || r.NextAt.Sub(r.LastAttemptAt) != webhook.FirstRetryDelay {
		t.Errorf("delivery 2: %+v", r)
	}
}

// A delivery settled meanwhile (a late attempt after its lease ended) stays
// as it is; the endpoint's record is left alone too.
func TestRecordResultLeavesASettledDeliveryAlone(t *testing.T) {
	now := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	d := webhook.Delivery{Status: webhook.Delivered, Attempts: 2, DeliveredAt: now}
	e := webhook.Endpoint{Enabled: true}
	webhooks.RecordResult(now.Add(time.Minute), webhook.Result{Error: "timeout"}, &d, &e)
	if d.Status != webhook.Delivered || d.Attempts != 2 || !e.Health.FailingSince.IsZero() {
		t.Fatalf("%+v %+v", d, e)
	}
}

// An attempt cut short by shutdown is not recorded: its lease ends and
// another worker (or this one, restarted) makes it again.
func TestWorkerDoesNotRecordAnAttemptCutShortByShutdown(t *testing.T) {
	w, d := newWorker(t)
	ctx, cancel := context.WithCancel(context.Background())
	d.queue.EXPECT().ClaimDue(gomock.Any(), 2, gomock.Any()).Return([]webhooks.Due{due(1)}, nil)
	d.queue.EXPECT().ClaimDue(gomock.Any(), gomock.Any(), gomock.Any()).Return(nil, nil).AnyTimes()
	d.bodies.EXPECT().Body(gomock.Any()).Return([]byte(`{}`), nil)
	d.sender.EXPECT().Send(gomock.Any(), gomock.Any()).DoAndReturn(func(ctx context.Context, _ webhook.Attempt) webhook.Result {
		cancel()
		<-ctx.Done()
		return webhook.Result{Error: "canceled"}
	})
	// No RecordAttempt expected: gomock fails the test on one.
	w.Run(ctx)
}
