package postgres_test

import (
	"context"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/ai"
	"leida/domain/chat"
	"leida/domain/followup"
	"leida/domain/radar"
	"leida/ports"
)

// Signals as of a moment see nothing at or after it: adding logs, chats
// and notes after the moment changes nothing; before it, everything counts.
func TestAISignalsSeeNothingAfterTheirMoment(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store, logs, chats, follow := postgres.NewAI(f.db), postgres.NewAccessLogs(f.db), postgres.NewChats(f.db), postgres.NewFollowUps(f.db)
	moment := time.Date(2026, 6, 1, 12, 0, 0, 0, time.UTC)
	write := func(at time.Time, action radar.Action, pr string) {
		t.Helper()
		err := f.db.Run(ctx, func(ctx context.Context) error {
			l := radar.Log{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, Action: action, Remark: "r", CreatedAt: at}
			if err := logs.Record(ctx, &l); err != nil {
				return err
			}
			m := chat.Message{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust, SendType: chat.CustomerToRep, Msg: "?", CreatedAt: at}
			if err := chats.Insert(ctx, &m); err != nil {
				return err
			}
			id, err := follow.Follow(ctx, f.company, f.rep, f.cust, at)
			if err != nil {
				return err
			}
			return follow.AddNote(ctx, f.company, id, followup.ExpectedPrNote(pr), at)
		})
		if err != nil {
			t.Fatal(err)
		}
	}
	write(moment.Add(-3*24*time.Hour), radar.CallPhone, "40%")
	write(moment.Add(-time.Hour), radar.ViewCard, "60%")
	asOf := func() ai.Signals {
		t.Helper()
		sig, err := store.Signals(ctx, f.company, []ports.SignalsAt{{CustomerID: f.cust, At: moment}})
		if err != nil {
			t.Fatal(err)
		}
		return sig[f.cust]
	}
	before := asOf()
	if before.Count7d[radar.CallPhone] != 1 || before.Count7d[radar.ViewCard] != 1 || before.ManualPr != 60 ||
		before.CustomerMessages7d != 2 || before.Notes30d != 2 || before.Distinct14d != 2 ||
		before.DaysSinceLast < 0.04 || before.DaysSinceLast > 0.05 {
		t.Fatalf("before %+v", before)
	}
	if want := ai.Decay(moment.Add(-3*24*time.Hour), moment); before.Decayed[radar.CallPhone] < want-1e-9 || before.Decayed[radar.CallPhone] > want+1e-9 {
		t.Fatalf("decayed calls %v, want %v", before.Decayed[radar.CallPhone], want)
	}
	// Later activity, including at the very moment, and a later estimate.
	write(moment, radar.SavePhone, "90%")
	write(moment.Add(time.Hour), radar.CopyWechat, "95%")
	write(moment.Add(30*24*time.Hour), radar.CallPhone, "99%")
	if after := asOf(); after != before {
		t.Fatalf("data after the moment leaked in:\nbefore %+v\nafter  %+v", before, after)
	}
	// Another company's rows never count.
	sig, err := store.Signals(ctx, f.other, []ports.SignalsAt{{CustomerID: f.cust, At: moment.Add(time.Hour * 24 * 60)}})
	if err != nil || sig[f.cust].Count7d != [13]int{} || sig[f.cust].ManualPr != -1 {
		t.Fatalf("another company sees %+v %v", sig[f.cust], err)
	}
}
