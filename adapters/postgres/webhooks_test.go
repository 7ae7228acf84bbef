package postgres_test

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/application/webhooks"
	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/radar"
	"leida/domain/webhook"
	"leida/ports"
)

func newEndpoint(t *testing.T, store *postgres.Webhooks, company int64, events ...webhook.Event) webhook.Endpoint {
	t.Helper()
	e := webhook.Endpoint{CompanyID: company, URL: "http://127.0.0.1:1/hook", Events: events, Secret: webhook.NewSecret(), Enabled: true}
	if err := store.CreateEndpoint(context.Background(), &e); err != nil {
		t.Fatal(err)
	}
	return e
}

// The outbox is written in the transaction of the rows it reports, for the
// subscribed endpoints of the row's company only, and rolls back with it.
func TestWebhookOutboxFollowsTheWritesTransaction(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store, logs, chats, ai := postgres.NewWebhooks(f.db), postgres.NewAccessLogs(f.db), postgres.NewChats(f.db), postgres.NewAI(f.db)
	radarOnly := newEndpoint(t, store, f.company, webhook.RadarEvent)
	all := newEndpoint(t, store, f.company, webhook.Events...)
	other := newEndpoint(t, store, f.other, webhook.Events...)

	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	if err := f.db.Run(ctx, func(ctx context.Context) error {
		l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, Action: radar.ViewCard, Remark: "首次查看你的名片,沟通从此刻开始", CreatedAt: at}
		if err := logs.Record(ctx, &l); err != nil {
			return err
		}
		m := chat.Message{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, SendType: chat.CustomerToRep, Msg: "你好", CreatedAt: at}
		return chats.Insert(ctx, &m)
	}); err != nil {
		t.Fatal(err)
	}
	rollback := errors.New("rollback")
	if err := f.db.Run(ctx, func(ctx context.Context) error {
		l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, Action: radar.CallPhone, Remark: "拨打您的手机", CreatedAt: at}
		if err := logs.Record(ctx, &l); err != nil {
			return err
		}
		return rollback
	}); !errors.Is(err, rollback) {
		t.Fatal(err)
	}
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	if _, err := ai.SetOutcome(ctx, f.company, f.cust, customer.OutcomeWon, &day); err != nil {
		t.Fatal(err)
	}
	if _, err := ai.SetOutcome(ctx, f.company, f.cust, customer.OutcomeWon, &day); err != nil { // no change: no event
		t.Fatal(err)
	}

	if n := f.count(t, `SELECT count(*) FROM webhook_events`); n != 3 {
		t.Fatalf("%d events, want 3 (radar, chat, outcome; the rolled-back log and the unchanged outcome write none)", n)
	}
	want := map[int64]int{radarOnly.ID: 1, all.ID: 3, other.ID: 0}
	for id, n := range want {
		if got := f.count(t, `SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1`, id); got != n {
			t.Errorf("endpoint %d: %d deliveries, want %d", id, got, n)
		}
	}

	due, err := store.ClaimDue(ctx, 10, time.Minute)
	if err != nil || len(due) != 4 {
		t.Fatalf("claimed %d, %v", len(due), err)
	}
	byEvent := map[webhook.Event]webhooks.Due{}
	for _, d := range due {
		if d.EndpointID == all.ID {
			byEvent[d.Message.Event] = d
		}
		if d.Delivery.Status != webhook.Pending || d.Delivery.Attempts != 0 || d.Secret == "" || d.URL == "" {
			t.Errorf("due %+v", d)
		}
	}
	if r := byEvent[webhook.RadarEvent].Message.Radar; r == nil || r.CustomerName != "张聪" || r.Action != int(radar.ViewCard) || !r.CreatedAt.Equal(at) {
		t.Errorf("radar facts %+v", r)
	}
	if c := byEvent[webhook.ChatMessage].Message.Chat; c == nil || c.Msg != "你好" || c.SendType != chat.CustomerToRep || c.CompanyID != f.company {
		t.Errorf("chat facts %+v", c)
	}
	if o := byEvent[webhook.CustomerOutcome].Message.Outcome; o == nil || o.Outcome != customer.OutcomeWon ||
		o.Previous != customer.OutcomeOpen || o.ClosedAt == nil || !o.ClosedAt.Equal(day) {
		t.Errorf("outcome facts %+v", o)
	}
	// Leased: nobody takes them again until the lease ends.
	if again, err := store.ClaimDue(ctx, 10, time.Minute); err != nil || len(again) != 0 {
		t.Fatalf("claimed again %d, %v", len(again), err)
	}
}

// Concurrent workers claim each due delivery once; an attempt is recorded
// with the database's clock and ends the lease.
func TestWebhookDeliveriesAreClaimedOnceAndRecorded(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store, logs := postgres.NewWebhooks(f.db), postgres.NewAccessLogs(f.db)
	ep := newEndpoint(t, store, f.company, webhook.RadarEvent)
	for i := 0; i < 40; i++ {
		l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, Action: radar.ViewCard, Remark: "r", CreatedAt: time.Now()}
		if err := logs.Record(ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for w := 0; w < 4; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for {
				due, err := store.ClaimDue(ctx, 3, time.Minute)
				if err != nil {
					t.Error(err)
					return
				}
				if len(due) == 0 {
					return
				}
				mu.Lock()
				for _, d := range due {
					seen[d.DeliveryID]++
				}
				mu.Unlock()
			}
		}()
	}
	wg.Wait()
	if len(seen) != 40 {
		t.Fatalf("%d deliveries claimed, want 40", len(seen))
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("delivery %d claimed %d times", id, n)
		}
	}
	var id int64
	for id = range seen {
		break
	}
	var recordedAt time.Time
	if err := store.RecordAttempt(ctx, id, ep.ID, func(now time.Time, d *webhook.Delivery, e *webhook.Endpoint) {
		recordedAt = now
		webhooks.RecordResult(now, webhook.Result{Status: 503, Error: "HTTP 503"}, d, e)
	}); err != nil {
		t.Fatal(err)
	}
	list, err := store.ListDeliveries(ctx, f.company, ep.ID, 100)
	if err != nil || len(list) != 40 {
		t.Fatalf("list %d, %v", len(list), err)
	}
	var rec webhook.DeliveryRecord
	for _, r := range list {
		if r.ID == id {
			rec = r
		}
	}
	if rec.Status != webhook.Pending || rec.Attempts != 1 || rec.LastStatusCode != 503 || rec.LastError != "HTTP 503" ||
		!rec.LastAttemptAt.Equal(recordedAt) || !rec.NextAt.Equal(recordedAt.Add(10*time.Second)) || rec.Event != webhook.RadarEvent {
		t.Fatalf("recorded %+v (at %v)", rec, recordedAt)
	}
	eps, _ := store.ListEndpoints(ctx, f.company)
	if len(eps) != 1 || !eps[0].Health.FailingSince.Equal(recordedAt) || !eps[0].Enabled {
		t.Fatalf("endpoint %+v", eps)
	}
	if n := f.count(t, `SELECT count(*) FROM webhook_deliveries WHERE id = $1 AND leased_until IS NULL`, id); n != 1 {
		t.Fatal("the lease did not end")
	}
	// Tenancy: another company's admin neither sees nor changes it.
	if _, err := store.ListDeliveries(ctx, f.other, ep.ID, 100); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("other company's deliveries: %v", err)
	}
	if _, err := store.UpdateEndpoint(ctx, f.other, ep.ID, func(*webhook.Endpoint) error { return nil }); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("other company's update: %v", err)
	}
	if err := store.DeleteEndpoint(ctx, f.other, ep.ID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("other company's delete: %v", err)
	}
	if err := store.DeleteEndpoint(ctx, f.company, ep.ID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM webhook_deliveries`); n != 0 {
		t.Fatalf("%d deliveries left after the endpoint's delete", n)
	}
}

// customer.ai_pr: the hot-lead rule firing (hot_lead_at moving) writes the
// event with the reps' hot_lead facts; a score that does not fire it, none.
func TestWebhookHotLeadEventFollowsTheAlert(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store, ai := postgres.NewWebhooks(f.db), postgres.NewAI(f.db)
	newEndpoint(t, store, f.company, webhook.CustomerAIPr)
	at := time.Date(2026, 12, 1, 2, 0, 0, 0, time.UTC)
	if err := f.db.ExecForTest(ctx, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES (?, ?, ?, 1)`,
		f.company, f.rep, f.cust); err != nil {
		t.Fatal(err)
	}
	save := func(pr int, tier string, at time.Time) []ports.HotLead {
		t.Helper()
		hot, err := ai.SaveScores(ctx, f.company, []ports.CustomerScore{{CustomerID: f.cust, AIPr: pr, Tier: tier, ScoredAt: at}}, 15)
		if err != nil {
			t.Fatal(err)
		}
		return hot
	}
	if hot := save(30, "C", at); len(hot) != 0 {
		t.Fatalf("first score fired %v", hot)
	}
	if hot := save(35, "C", at.Add(time.Hour)); len(hot) != 0 {
		t.Fatalf("a small rise fired %v", hot)
	}
	if n := f.count(t, `SELECT count(*) FROM webhook_events`); n != 0 {
		t.Fatalf("%d events without an alert", n)
	}
	if hot := save(81, "A", at.Add(2*time.Hour)); len(hot) != 1 {
		t.Fatalf("a 51-point rise did not fire: %v", hot)
	}
	due, err := store.ClaimDue(ctx, 10, time.Minute)
	if err != nil || len(due) != 1 || due[0].Message.Event != webhook.CustomerAIPr || !due[0].Message.At.Equal(at.Add(2*time.Hour)) {
		t.Fatalf("due %+v, %v", due, err)
	}
	var facts map[string]any
	if err := json.Unmarshal(due[0].Message.HotLead, &facts); err != nil || facts["ai_pr"] != float64(81) || facts["tier"] != "A" ||
		facts["previous"] != float64(30) || facts["customer_username"] != "张聪" {
		t.Fatalf("facts %s", due[0].Message.HotLead)
	}
}

// Settled events older than the retention go, with their deliveries; a
// pending one stays however old.
func TestWebhookPruneKeepsPendingAndRecent(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store, logs := postgres.NewWebhooks(f.db), postgres.NewAccessLogs(f.db)
	newEndpoint(t, store, f.company, webhook.RadarEvent)
	for range 3 {
		l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, Action: radar.ViewCard, Remark: "r"}
		if err := logs.Record(ctx, &l); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.db.ExecForTest(ctx, `UPDATE webhook_events SET created_at = now() - interval '40 days'
		WHERE id IN (SELECT id FROM webhook_events ORDER BY id LIMIT 2)`); err != nil {
		t.Fatal(err)
	}
	if err := f.db.ExecForTest(ctx, `UPDATE webhook_deliveries SET status = 'delivered'
		WHERE event_id = (SELECT min(id) FROM webhook_events)`); err != nil {
		t.Fatal(err)
	}
	n, err := store.Prune(ctx, 30*24*time.Hour)
	if err != nil || n != 1 {
		t.Fatalf("pruned %d, %v; want the old delivered one only", n, err)
	}
	if left := f.count(t, `SELECT count(*) FROM webhook_events`); left != 2 {
		t.Fatalf("%d events left, want 2 (an old pending one, a recent one)", left)
	}
	if left := f.count(t, `SELECT count(*) FROM webhook_deliveries`); left != 2 {
		t.Fatalf("%d deliveries left, want 2", left)
	}
}
