package webhooks

import (
	"context"
	"log/slog"
	"sync"
	"time"

	"leida/domain/webhook"
)

// WorkerSettings tune the worker.
type WorkerSettings struct {
	// Parallel is how many attempts run at once (8 by default): a hanging
	// receiver holds one of them for at most webhook.AttemptTimeout.
	Parallel int
	// Poll is how often the outbox is looked at when nothing is due (1 s).
	Poll time.Duration
}

// Retention is how long settled events and their deliveries are kept (the
// deliveries list shows them meanwhile).
const Retention = 30 * 24 * time.Hour

// pruneEvery is how often a worker prunes.
const pruneEvery = time.Hour

// lease outlasts an attempt: a worker killed mid-attempt leaves its
// deliveries to be taken again when it ends.
const lease = webhook.AttemptTimeout + 20*time.Second

// Worker delivers the outbox, at least once per delivery and attempt.
type Worker struct {
	queue    Queue
	bodies   BodyFormatter
	sender   Sender
	settings WorkerSettings
	log      *slog.Logger
	now      func() time.Time
}

// NewWorker is the delivery worker.
func NewWorker(q Queue, bodies BodyFormatter, sender Sender, settings WorkerSettings, log *slog.Logger) *Worker {
	if settings.Parallel <= 0 {
		settings.Parallel = 8
	}
	if settings.Poll <= 0 {
		settings.Poll = time.Second
	}
	return &Worker{queue: q, bodies: bodies, sender: sender, settings: settings, log: log, now: time.Now}
}

// Run delivers until ctx ends, then waits for the attempts under way.
func (w *Worker) Run(ctx context.Context) {
	slots := make(chan struct{}, w.settings.Parallel)
	var running sync.WaitGroup
	defer running.Wait()
	pruned := time.Time{}
	for ctx.Err() == nil {
		if time.Since(pruned) >= pruneEvery {
			pruned = time.Now()
			if n, err := w.queue.Prune(ctx, Retention); err != nil && ctx.Err() == nil {
				w.log.Error("webhooks: prune", "error", err)
			} else if n > 0 {
				w.log.Info("webhooks: pruned settled events", "events", n)
			}
		}
		free := cap(slots) - len(slots)
		var due []Due
		if free > 0 {
			var err error
			if due, err = w.queue.ClaimDue(ctx, free, lease); err != nil && ctx.Err() == nil {
				w.log.Error("webhooks: claim due deliveries", "error", err)
			}
		}
		for _, d := range due {
			slots <- struct{}{}
			running.Add(1)
			go func() {
				defer func() { <-slots; running.Done() }()
				w.deliver(ctx, d)
			}()
		}
		if len(due) > 0 && len(due) == free {
			continue // more may be due
		}
		select {
		case <-ctx.Done():
		case <-time.After(w.settings.Poll):
		}
	}
}

// deliver makes one attempt and records it.
func (w *Worker) deliver(ctx context.Context, d Due) {
	body, err := w.bodies.Body(d.Message)
	var res webhook.Result
	if err != nil {
		res = webhook.Result{Error: "the event could not be formatted"}
		w.log.Error("webhooks: format event", "event_id", d.Message.EventID, "error", err)
	} else {
		actx, cancel := context.WithTimeout(ctx, webhook.AttemptTimeout)
		res = w.sender.Send(actx, webhook.Attempt{URL: d.URL, Secret: d.Secret, EventID: d.Message.EventID,
			Event: d.Message.Event, Body: body, SentAt: w.now()})
		cancel()
	}
	if ctx.Err() != nil && !res.OK {
		return // shutting down: the lease ends and the attempt is made again
	}
	// Recorded even when ctx ends meanwhile: the attempt was made.
	rctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 10*time.Second)
	defer cancel()
	err = w.queue.RecordAttempt(rctx, d.DeliveryID, d.EndpointID, func(now time.Time, dl *webhook.Delivery, e *webhook.Endpoint) {
		RecordResult(now, res, dl, e)
	})
	if err != nil {
		w.log.Error("webhooks: record attempt", "delivery_id", d.DeliveryID, "error", err)
	}
}

// RecordResult applies an attempt's result at now to its delivery and its
// endpoint. A delivery settled meanwhile (a late attempt after its lease
// ended and another worker's attempt succeeded) stays as it is.
func RecordResult(now time.Time, res webhook.Result, d *webhook.Delivery, e *webhook.Endpoint) {
	if d.Status != webhook.Pending {
		return
	}
	*d = d.Attempted(res, now)
	e.Attempted(res, now)
}
