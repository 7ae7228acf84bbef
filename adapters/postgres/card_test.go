package postgres_test

import (
	"context"
	"errors"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/card"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
)

type cardFixture struct {
	dbFixture
	cards           *postgres.Cards
	logs            *postgres.AccessLogs
	rep, rep2, repB int64
	cust, cust2     int64
}

func newCardFixture(t *testing.T) cardFixture {
	t.Helper()
	f := cardFixture{dbFixture: newDBFixture(t)}
	f.cards, f.logs = postgres.NewCards(f.db), postgres.NewAccessLogs(f.db)
	f.rep, f.rep2, f.repB = f.user(t, f.company, "rep"), f.user(t, f.company, "rep2"), f.user(t, f.other, "repB")
	f.cust = f.one(t, `INSERT INTO customers (openid, username, token) VALUES ('o1', '张聪', md5('o1')) RETURNING id`)
	f.cust2 = f.one(t, `INSERT INTO customers (openid, username, token) VALUES ('o2', '张炬', md5('o2')) RETURNING id`)
	return f
}

// event runs the card-event write sequence in one transaction.
func (f cardFixture) event(ctx context.Context, rep, cust int64, action radar.Action) error {
	return f.db.Run(ctx, func(ctx context.Context) error {
		o, err := f.cards.Owner(ctx, rep, true)
		if err != nil {
			return err
		}
		l := radar.Log{CompanyID: o.CompanyID, UserID: rep, CustomerID: cust, Action: action, Remark: "r"}
		if err := f.logs.Record(ctx, &l); err != nil {
			return err
		}
		return f.cards.AddCounter(ctx, o.CompanyID, rep, radar.Popularity, 1)
	})
}

func TestAccessLogWriteFollowUpAndCounterCommitTogether(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	if err := f.event(ctx, f.rep, f.cust, radar.ViewCard); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM access_logs l JOIN follow_ups u ON u.id = l.follow_up_id
		WHERE l.user_id = $1 AND u.last_activity_time = l.created_at AND u.company_id = $2`, f.rep, f.company); n != 1 {
		t.Fatalf("linked logs %d", n)
	}
	// The follow-up step fails: nothing of the event stays.
	if _, err := f.raw.Exec(`CREATE FUNCTION refuse() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN RAISE EXCEPTION 'refused'; END $$;
		CREATE TRIGGER refuse BEFORE INSERT OR UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION refuse();`); err != nil {
		t.Fatal(err)
	}
	for _, cust := range []int64{f.cust, f.cust2} { // an update, then an insert of the relation
		if err := f.event(ctx, f.rep, cust, radar.CallPhone); err == nil {
			t.Fatal("the event should fail")
		}
	}
	if n := f.count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, f.rep); n != 1 {
		t.Fatalf("logs %d", n)
	}
	if n := f.count(t, `SELECT popularity FROM users WHERE id = $1`, f.rep); n != 1 {
		t.Fatalf("popularity %d", n)
	}
	if n := f.count(t, `SELECT count(*) FROM follow_ups`); n != 1 {
		t.Fatalf("relations %d", n)
	}
}

func TestCardRepository(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	if _, err := f.cards.Owner(ctx, 999999, false); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("owner: %v", err)
	}
	if _, err := f.raw.Exec(`UPDATE users SET deleted_at = now() WHERE id = $1`, f.rep2); err != nil {
		t.Fatal(err)
	}
	if _, err := f.cards.Owner(ctx, f.rep2, false); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("deleted owner: %v", err)
	}
	// Praise states.
	if up, err := f.cards.Praise(ctx, f.company, f.rep, f.cust); up != nil || err != nil {
		t.Fatalf("no praise: %v %v", up, err)
	}
	for _, state := range []bool{true, false, true} {
		if err := f.cards.SetPraise(ctx, f.company, f.rep, f.cust, state); err != nil {
			t.Fatal(err)
		}
		if up, _ := f.cards.Praise(ctx, f.company, f.rep, f.cust); up == nil || *up != state {
			t.Fatalf("praise %v", up)
		}
	}
	if err := f.cards.AddCounter(ctx, f.company, f.rep, radar.Praises, -1); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT praise FROM users WHERE id = $1`, f.rep); n != 0 {
		t.Fatalf("praise never goes below 0: %d", n)
	}
	// Belongers keep their first source.
	for _, src := range []int{card.SourceForward, card.SourceScan} {
		if err := f.cards.EnsureBelonger(ctx, f.company, f.rep, f.cust, src); err != nil {
			t.Fatal(err)
		}
	}
	if n := f.count(t, `SELECT source FROM customer_belongers WHERE user_id = $1 AND customer_id = $2`, f.rep, f.cust); n != 2 {
		t.Fatalf("source %d", n)
	}
	ms, total, err := f.cards.Memberships(ctx, f.cust, ports.ListQuery{Page: paging.Page{Number: 1, Length: 10}})
	if err != nil || total != 1 || len(ms) != 1 || ms[0].UserID != f.rep || ms[0].Source != 2 || ms[0].CompanyName != "A" {
		t.Fatalf("memberships %+v %d %v", ms, total, err)
	}
	// Tags.
	a, b := card.Tag{UserID: f.rep, Name: "a"}, card.Tag{UserID: f.rep, Name: "b"}
	for _, tg := range []*card.Tag{&a, &b} {
		if err := f.cards.AddTag(ctx, f.company, tg); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.cards.AddTag(ctx, f.company, &card.Tag{UserID: f.rep, Name: "a"}); !errors.Is(err, ports.ErrDuplicate) {
		t.Fatalf("duplicate tag: %v", err)
	}
	if kept, err := f.cards.KeepTags(ctx, f.company, f.rep, []int64{b.ID, 123456}); kept != 1 || err != nil {
		t.Fatalf("keep %d %v", kept, err)
	}
	if tags, _ := f.cards.Tags(ctx, f.company, f.rep); len(tags) != 1 || tags[0].ID != b.ID {
		t.Fatalf("tags %v", tags)
	}
	if kept, _ := f.cards.KeepTags(ctx, f.company, f.rep, nil); kept != 0 {
		t.Fatal("nothing kept")
	}
	if tags, _ := f.cards.Tags(ctx, f.company, f.rep); len(tags) != 1 {
		t.Fatalf("an empty keep list must not delete: %v", tags)
	}
	if err := f.cards.DeleteTag(ctx, f.other, f.repB, b.ID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("another rep's tag: %v", err)
	}
	// Photos.
	p := card.Photo{UserID: f.rep}
	if err := f.cards.AddPhoto(ctx, f.company, &p); err != nil || p.ID == 0 {
		t.Fatal(err)
	}
	if err := f.cards.SetPhotoURL(ctx, f.company, f.rep, p.ID, "statics/x.jpg"); err != nil {
		t.Fatal(err)
	}
	c, err := f.cards.Card(ctx, f.company, f.rep, map[string]string{"company__name": "A"})
	if err != nil || len(c.Photos) != 1 || c.Photos[0].URL != "statics/x.jpg" || c.CompanyName != "A" {
		t.Fatalf("card %+v %v", c, err)
	}
	if _, err := f.cards.Card(ctx, f.company, f.rep, map[string]string{"company__name": "B"}); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("filtered card: %v", err)
	}
	if _, err := f.cards.DeletePhoto(ctx, f.other, f.repB, p.ID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("another rep's photo: %v", err)
	}
	if got, err := f.cards.DeletePhoto(ctx, f.company, f.rep, p.ID); err != nil || got.URL != "statics/x.jpg" {
		t.Fatalf("delete photo %+v %v", got, err)
	}
}

func TestRadarRepositoryScopesGroupsAndClaims(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	base := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	ins := func(company, rep, cust int64, a radar.Action, at time.Time) {
		if _, err := f.raw.Exec(`INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
			VALUES ($1, $2, $3, $4, 'r', $5)`, company, rep, cust, int(a), at); err != nil {
			t.Fatal(err)
		}
	}
	ins(f.company, f.rep, f.cust, 1, base)
	ins(f.company, f.rep, f.cust, 2, base.Add(time.Minute))
	ins(f.company, f.rep, f.cust2, 2, base.Add(2*time.Minute))
	ins(f.company, f.rep2, f.cust, 2, base.Add(3*time.Minute))
	ins(f.other, f.repB, f.cust, 2, base.Add(4*time.Minute))
	// A log of rep under the other company's id is invisible to the company's queries.
	ins(f.other, f.rep, f.cust, 5, base.Add(5*time.Minute))

	logs, total, err := f.logs.Timeline(ctx, f.company, f.rep, ports.RadarFilter{}, ports.ListQuery{Page: paging.Page{Number: 1, Length: 2}})
	if err != nil || total != 3 || len(logs) != 2 || logs[0].CustomerUsername != "张炬" || logs[0].Line() != "张炬r" {
		t.Fatalf("timeline %+v %d %v", logs, total, err)
	}
	sums, err := f.logs.ByCustomer(ctx, f.company, f.rep, ports.RadarFilter{Window: radar.Window{From: base}}, paging.Page{Number: 1, Length: 10})
	if err != nil || len(sums) != 2 || sums[0].CustomerID != f.cust || sums[0].Total != 2 || len(sums[0].ByAction) != 2 || sums[1].Total != 1 {
		t.Fatalf("by customer %+v %v", sums, err)
	}
	// Windows are calendar days (this database's zone is UTC).
	day := base.Truncate(24 * time.Hour)
	counts, err := f.logs.ByAction(ctx, f.company, f.rep, ports.RadarFilter{Window: radar.Window{From: day, To: day.AddDate(0, 0, 1)}})
	if err != nil || len(counts) != 2 || counts[0] != (radar.ActionCount{Action: 1, Count: 1}) || counts[1] != (radar.ActionCount{Action: 2, Count: 2}) {
		t.Fatalf("by action %+v %v", counts, err)
	}
	if counts, err := f.logs.ByAction(ctx, f.company, f.rep, ports.RadarFilter{Window: radar.Window{From: day.AddDate(0, 0, 1)}}); err != nil || len(counts) != 0 {
		t.Fatalf("by action after the day %+v %v", counts, err)
	}
	detail, err := f.logs.CustomerDetail(ctx, f.company, f.rep, f.cust)
	if err != nil || len(detail) != 1 || detail[0].Total != 2 {
		t.Fatalf("detail %+v %v", detail, err)
	}
	// Concurrent claims return every unread log of the rep exactly once.
	var mu sync.Mutex
	seen := map[int64]int{}
	var wg sync.WaitGroup
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			got, err := f.logs.ClaimNew(ctx, f.company, f.rep, 0, true, 2)
			if err != nil {
				t.Error(err)
			}
			mu.Lock()
			for _, l := range got {
				seen[l.ID]++
			}
			mu.Unlock()
		}()
	}
	wg.Wait()
	if len(seen) != 3 {
		t.Fatalf("claimed %v", seen)
	}
	for id, n := range seen {
		if n != 1 {
			t.Fatalf("log %d claimed %d times", id, n)
		}
	}
	if n := f.count(t, `SELECT count(*) FROM radar_unread`); n != 3 {
		t.Fatalf("other reps' logs must stay unread: %d", n)
	}
}
