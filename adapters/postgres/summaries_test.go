package postgres_test

import (
	"context"
	"database/sql"
	"fmt"
	"math/rand/v2"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	"leida/domain/chat"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
)

// drift is leida_summary_drift(): per summary, the rows that differ from the
// raw rows, read in one snapshot.
func drift(t *testing.T, raw *sql.DB) map[string]int {
	t.Helper()
	out, err := pgtest.SummaryDrift(context.Background(), raw)
	if err != nil {
		t.Fatal(err)
	}
	if len(out) != 7 {
		t.Fatalf("summaries audited: %v", out)
	}
	return out
}

func expectNoDrift(t *testing.T, raw *sql.DB, when string) {
	t.Helper()
	for name, n := range drift(t, raw) {
		if n != 0 {
			t.Fatalf("%s: %s differs from the raw rows in %d rows", when, name, n)
		}
	}
}

// The audit itself can fail: a corrupted rollup or conversation is seen.
func TestSummaryDriftSeesACorruptedSummary(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	if err := f.event(ctx, f.rep, f.cust, radar.CallPhone); err != nil {
		t.Fatal(err)
	}
	expectNoDrift(t, f.raw, "after one event")
	if _, err := f.raw.Exec(`UPDATE radar_customer_days SET counts[3] = counts[3] + 1`); err != nil {
		t.Fatal(err)
	}
	if d := drift(t, f.raw); d["radar_customer_days"] == 0 || d["radar_action_days"] != 0 {
		t.Fatalf("corruption unseen: %v", d)
	}
}

// Concurrent log writes, claims, deletes of customers' logs (E08) and chat
// sends, reads and deletes: every summary equals the raw rows in every
// snapshot taken meanwhile, and at the end.
func TestSummariesEqualTheRawRowsUnderConcurrency(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	chats := postgres.NewChats(f.db)
	reps := []int64{f.rep, f.rep2}
	var custs []int64
	for i := range 8 {
		var id int64
		if err := f.raw.QueryRow(`INSERT INTO customers (openid, username, token) VALUES ($1::text, $1::text, md5($1::text)) RETURNING id`,
			fmt.Sprintf("c%d", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		custs = append(custs, id)
	}
	stop := make(chan struct{})
	var writers, audit sync.WaitGroup
	errc := make(chan error, 64)
	report := func(err error) {
		if err != nil {
			select {
			case errc <- err:
			default:
			}
		}
	}
	for w := range 6 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			rng := rand.New(rand.NewPCG(uint64(w), 7))
			for i := range 60 {
				rep, cust := reps[rng.IntN(len(reps))], custs[rng.IntN(len(custs))]
				conv := chat.Conversation{CompanyID: f.company, UserID: rep, CustomerID: cust}
				switch i % 6 {
				case 0, 1:
					report(f.event(ctx, rep, cust, radar.Action(1+rng.IntN(12))))
				case 2:
					// Back-dated history crosses days (and the zone's midnight).
					report(f.db.Run(ctx, func(ctx context.Context) error {
						l := radar.Log{CompanyID: f.company, UserID: rep, CustomerID: cust, Action: radar.Action(1 + rng.IntN(12)),
							Remark: "r", CreatedAt: time.Now().Add(-time.Duration(rng.IntN(72)) * time.Hour)}
						return f.logs.Record(ctx, &l)
					}))
				case 3:
					report(f.db.Run(ctx, func(ctx context.Context) error {
						m := chat.Message{CompanyID: f.company, UserID: rep, CustomerID: cust, SendType: chat.SendType(1 + rng.IntN(2)), Msg: "m"}
						return chats.Insert(ctx, &m)
					}))
				case 4:
					_, err := chats.TakeUnread(ctx, conv, chat.SendType(1+rng.IntN(2)))
					report(err)
					_, err = f.logs.ClaimNew(ctx, f.company, rep, 0, true, 3)
					report(err)
				case 5:
					if rng.IntN(4) == 0 { // E08: the company forgets a customer
						report(postgres.NewCustomers(f.db).Forget(ctx, f.company, cust))
					} else {
						_, err := chats.ReadHistory(ctx, conv, chat.SendType(1+rng.IntN(2)), rng.IntN(2) == 0, paging.Page{Number: 1, Length: 5})
						report(err)
					}
				}
			}
		}()
	}
	audits := 0
	audit.Add(1)
	go func() {
		defer audit.Done()
		for {
			select {
			case <-stop:
				return
			default:
			}
			expectNoDrift(t, f.raw, "during the writes")
			audits++
		}
	}()
	writers.Wait()
	close(stop)
	audit.Wait()
	close(errc)
	for err := range errc {
		t.Fatal(err)
	}
	expectNoDrift(t, f.raw, "after the writes")
	if audits == 0 {
		t.Fatal("no audit ran during the writes")
	}
	if n := f.count(t, `SELECT count(*) FROM access_logs`); n == 0 {
		t.Fatal("nothing was written")
	}
	// Deleting a user row (cascades) and a customer identity (cascades) keep them exact too.
	if _, err := f.raw.Exec(`DELETE FROM customers WHERE id = $1`, custs[0]); err != nil {
		t.Fatal(err)
	}
	if _, err := f.raw.Exec(`DELETE FROM users WHERE id = $1`, f.rep2); err != nil {
		t.Fatal(err)
	}
	expectNoDrift(t, f.raw, "after cascading deletes")
}

// The contact list reads conversation rows: latest first, unread counts of
// the rep's side, counts that follow reads.
func TestContactsFollowSendsAndReads(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	chats := postgres.NewChats(f.db)
	send := func(cust int64, t0 chat.SendType, at time.Time) {
		m := chat.Message{CompanyID: f.company, UserID: f.rep, CustomerID: cust, SendType: t0, Msg: fmt.Sprint(cust, t0, at.Unix()), CreatedAt: at}
		if err := chats.Insert(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	base := time.Date(2026, 3, 1, 9, 0, 0, 0, time.UTC)
	send(f.cust, chat.CustomerToRep, base)
	send(f.cust2, chat.CustomerToRep, base.Add(time.Minute))
	send(f.cust2, chat.CustomerToRep, base.Add(2*time.Minute))
	send(f.cust, chat.RepToCustomer, base.Add(3*time.Minute))
	// A back-dated message does not become the latest.
	send(f.cust2, chat.RepToCustomer, base.Add(-time.Hour))
	got, total, err := chats.Contacts(ctx, f.company, f.rep, paging.Page{Number: 1, Length: 10})
	if err != nil || total != 2 || len(got) != 2 {
		t.Fatalf("%+v %d %v", got, total, err)
	}
	if got[0].CustomerID != f.cust || got[0].Unread != 1 || !got[0].At.Equal(base.Add(3*time.Minute)) ||
		got[1].CustomerID != f.cust2 || got[1].Unread != 2 || got[1].Msg != fmt.Sprint(f.cust2, chat.CustomerToRep, base.Add(2*time.Minute).Unix()) {
		t.Fatalf("contacts %+v", got)
	}
	if _, err := chats.ReadHistory(ctx, chat.Conversation{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust2}, chat.CustomerToRep,
		true, paging.Page{Number: 1, Length: 1}); err != nil {
		t.Fatal(err)
	}
	got, _, _ = chats.Contacts(ctx, f.company, f.rep, paging.Page{Number: 2, Length: 1})
	if len(got) != 1 || got[0].CustomerID != f.cust2 || got[0].Unread != 0 {
		t.Fatalf("page 2 after reading %+v", got)
	}
	if got, total, _ := chats.Contacts(ctx, f.other, f.rep, paging.Page{Number: 1, Length: 10}); total != 0 || len(got) != 0 {
		t.Fatalf("another company's view %+v", got)
	}
	expectNoDrift(t, f.raw, "contacts")
}

// The migration builds the summaries from the history already there, and
// goes down and up again cleanly.
func TestSummariesMigrationBackfillsAndGoesDown(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	migrateDownTo(t, f.db, 5)
	if n := f.count(t, `SELECT count(*) FROM pg_class WHERE relname IN ('radar_action_days', 'chat_conversations')`); n != 0 {
		t.Fatalf("summary tables left after down: %d", n)
	}
	day := time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)
	for i, a := range []int{1, 1, 2, 10, 10, 10} {
		if _, err := f.raw.Exec(`INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
			VALUES ($1, $2, $3, $4, 'r', $5)`, f.company, f.rep, []int64{f.cust, f.cust2}[i%2], a, day.Add(time.Duration(i)*7*time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	for i := range 3 {
		if _, err := f.raw.Exec(`INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg, created_at)
			VALUES ($1, $2, $3, 2, $4, $5)`, f.company, f.rep, f.cust, fmt.Sprint("m", i), day.Add(time.Duration(i)*time.Minute)); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := f.db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	expectNoDrift(t, f.raw, "after the backfill")
	counts, err := f.logs.ByAction(ctx, f.company, f.rep, ports.RadarFilter{Window: radar.Window{From: day, To: day.AddDate(0, 0, 1)}})
	want := []radar.ActionCount{{Action: 1, Count: 2}, {Action: 2, Count: 1}, {Action: 10, Count: 1}} // 6 logs 7 h apart: 4 on the first day
	if err != nil || fmt.Sprint(counts) != fmt.Sprint(want) {
		t.Fatalf("backfilled day: %v %v", counts, err)
	}
	contacts, total, err := postgres.NewChats(f.db).Contacts(ctx, f.company, f.rep, paging.Page{Number: 1, Length: 10})
	if err != nil || total != 1 || contacts[0].Msg != "m2" || contacts[0].Unread != 3 {
		t.Fatalf("backfilled contacts %+v %v", contacts, err)
	}
	// New writes are summarised by the triggers the migration made.
	if err := f.event(ctx, f.rep, f.cust, radar.ViewCard); err != nil {
		t.Fatal(err)
	}
	expectNoDrift(t, f.raw, "after a new event")
}

// The rollups cut days in the configured zone; a new zone rebuilds them once.
func TestRollupZoneFollowsTheConfiguredZone(t *testing.T) {
	f := newCardFixture(t) // opened in UTC
	ctx := context.Background()
	late := time.Date(2026, 3, 1, 20, 30, 0, 0, time.UTC) // 2 March 04:30 in Shanghai
	if _, err := f.raw.Exec(`INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
		VALUES ($1, $2, $3, 4, 'r', $4)`, f.company, f.rep, f.cust, late); err != nil {
		t.Fatal(err)
	}
	onDay := func(logs *postgres.AccessLogs, from time.Time) int {
		t.Helper()
		c, err := logs.ByAction(ctx, f.company, f.rep, ports.RadarFilter{Window: radar.Window{From: from, To: from.AddDate(0, 0, 1)}})
		if err != nil {
			t.Fatal(err)
		}
		if len(c) == 0 {
			return 0
		}
		return c[0].Count
	}
	if onDay(f.logs, time.Date(2026, 3, 1, 0, 0, 0, 0, time.UTC)) != 1 {
		t.Fatal("UTC day")
	}
	sh, _ := time.LoadLocation("Asia/Shanghai")
	db, err := postgres.Open(f.url, sh)
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	if rebuilt, err := db.SyncRollupZone(ctx); err != nil || !rebuilt {
		t.Fatalf("rebuilt %v %v", rebuilt, err)
	}
	if rebuilt, err := db.SyncRollupZone(ctx); err != nil || rebuilt {
		t.Fatalf("second sync rebuilt %v %v", rebuilt, err)
	}
	logs := postgres.NewAccessLogs(db)
	if onDay(logs, time.Date(2026, 3, 2, 0, 0, 0, 0, sh)) != 1 || onDay(logs, time.Date(2026, 3, 1, 0, 0, 0, 0, sh)) != 0 {
		t.Fatal("Shanghai days")
	}
	expectNoDrift(t, f.raw, "after the rebuild")
}

// The open-window ranking (E32's default window) and the daily rollup agree
// with each other and with the raw logs, page by page.
func TestOpenWindowRankingAgreesWithTheDailyRollup(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	var custs []int64
	for i := range 12 {
		var id int64
		if err := f.raw.QueryRow(`INSERT INTO customers (openid, username, token) VALUES ($1::text, $1::text, md5($1::text)) RETURNING id`,
			fmt.Sprintf("w%d", i)).Scan(&id); err != nil {
			t.Fatal(err)
		}
		custs = append(custs, id)
	}
	now := time.Now().UTC()
	rng := rand.New(rand.NewPCG(3, 4))
	for range 300 {
		l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: custs[rng.IntN(len(custs))], Action: radar.Action(1 + rng.IntN(12)),
			Remark: "r", CreatedAt: now.Add(-time.Duration(rng.IntN(11*24)) * time.Hour)}
		if err := f.db.Run(ctx, func(ctx context.Context) error { return f.logs.Record(ctx, &l) }); err != nil {
			t.Fatal(err)
		}
	}
	today := now.Truncate(24 * time.Hour)
	for _, back := range []int{7, 3, 1} {
		from := today.AddDate(0, 0, -back)
		open := radar.Window{From: from}
		bounded := radar.Window{From: from, To: today.AddDate(0, 0, 2)} // same logs, read from the daily rollup
		for _, p := range []paging.Page{{Number: 1, Length: 5}, {Number: 2, Length: 5}, {Number: 1, Length: 0}} {
			a, err := f.logs.ByCustomer(ctx, f.company, f.rep, ports.RadarFilter{Window: open}, p)
			if err != nil {
				t.Fatal(err)
			}
			b, err := f.logs.ByCustomer(ctx, f.company, f.rep, ports.RadarFilter{Window: bounded}, p)
			if err != nil {
				t.Fatal(err)
			}
			if fmt.Sprint(a) != fmt.Sprint(b) || len(a) == 0 {
				t.Fatalf("since %d days, page %+v:\nopen window %v\ndaily rollup %v", back, p, a, b)
			}
		}
		var raw int
		if err := f.raw.QueryRow(`SELECT count(*) FROM access_logs WHERE user_id = $1 AND created_at >= $2`, f.rep, from).Scan(&raw); err != nil {
			t.Fatal(err)
		}
		all, _ := f.logs.ByCustomer(ctx, f.company, f.rep, ports.RadarFilter{Window: open}, paging.Page{})
		sum := 0
		for _, s := range all {
			sum += s.Total
		}
		if sum != raw {
			t.Fatalf("since %d days: ranked %d logs, raw %d", back, sum, raw)
		}
	}
	expectNoDrift(t, f.raw, "windows")
}
