package radar

import (
	"context"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	radarmocks "leida/application/radar/mocks"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/radar"
	"leida/ports"
)

var rep = org.Actor{UserID: 7, CompanyID: 2, Level: org.LevelCompanyAdmin}

func newRadar(t *testing.T) (*Service, *radarmocks.MockAccessLogRepository, *time.Location) {
	loc, _ := time.LoadLocation("Asia/Shanghai")
	logs := radarmocks.NewMockAccessLogRepository(gomock.NewController(t))
	// 2026-03-02 00:30 in Shanghai is still 1 March in UTC.
	return NewService(logs, clock.NewFixed(time.Date(2026, 3, 1, 16, 30, 0, 0, time.UTC)), Config{Location: loc}), logs, loc
}

func TestTimelineIsScopedAndMarksOnlyTheUnreadOfThePage(t *testing.T) {
	s, logs, loc := newRadar(t)
	q := ports.RadarQuery{Action: "2", List: ports.ListQuery{Order: "-create_date"}}
	want := ports.RadarFilter{Window: radar.Window{From: time.Date(2026, 2, 23, 0, 0, 0, 0, loc)}, Action: 2}
	logs.EXPECT().Timeline(gomock.Any(), int64(2), int64(7), want, q.List).
		Return([]radar.Log{{ID: 5, IsNew: true}, {ID: 6}, {ID: 8, IsNew: true}}, 40, nil)
	logs.EXPECT().MarkRead(gomock.Any(), int64(2), int64(7), []int64{5, 8}).Return(nil)
	got, total, err := s.Timeline(context.Background(), rep, q)
	if err != nil || total != 40 || len(got) != 3 {
		t.Fatalf("%v %d %v", got, total, err)
	}
}

func TestSummariesDefaultToTheLastEightDays(t *testing.T) {
	s, logs, loc := newRadar(t)
	from := time.Date(2026, 2, 23, 0, 0, 0, 0, loc)
	logs.EXPECT().ByAction(gomock.Any(), int64(2), int64(7), ports.RadarFilter{Window: radar.Window{From: from}}).Return(nil, nil)
	if _, err := s.ByAction(context.Background(), rep, ports.RadarQuery{}); err != nil {
		t.Fatal(err)
	}
	to := time.Date(2026, 2, 11, 0, 0, 0, 0, loc)
	logs.EXPECT().ByCustomer(gomock.Any(), int64(2), int64(7),
		ports.RadarFilter{Window: radar.Window{From: time.Date(2026, 1, 1, 0, 0, 0, 0, loc), To: to}, LogID: 3}, gomock.Any()).Return(nil, nil)
	if _, err := s.ByCustomer(context.Background(), rep, ports.RadarQuery{From: "2026-1-1", To: "2026-02-10", ID: "3"}); err != nil {
		t.Fatal(err)
	}
}

func TestRadarValidation(t *testing.T) {
	s, _, _ := newRadar(t)
	for _, q := range []ports.RadarQuery{{Action: "a"}, {ID: "b"}, {From: "2026-13-01"}, {To: "tomorrow"}} {
		_, _, err := s.Timeline(context.Background(), rep, q)
		if e, ok := errs.As(err); !ok || e.Code != 402 || !e.FieldsInData {
			t.Fatalf("%+v: %v", q, err)
		}
	}
}

func TestNewEventsClaimsAtMostTheFeedLimit(t *testing.T) {
	s, logs, _ := newRadar(t)
	logs.EXPECT().ClaimNew(gomock.Any(), int64(2), int64(7), radar.Action(6), true, radar.FeedLimit).Return(nil, nil)
	logs.EXPECT().ClaimNew(gomock.Any(), int64(2), int64(7), radar.Action(0), false, radar.FeedLimit).Return(nil, nil)
	if _, err := s.NewEvents(context.Background(), rep, "6", ""); err != nil {
		t.Fatal(err)
	}
	if _, err := s.NewEvents(context.Background(), rep, "", "create_date"); err != nil {
		t.Fatal(err)
	}
}

func TestCustomerDetailWithANonIntegerMatchesNothing(t *testing.T) {
	s, logs, _ := newRadar(t)
	got, err := s.CustomerDetail(context.Background(), rep, "x")
	if err != nil || got != nil {
		t.Fatalf("%v %v", got, err)
	}
	logs.EXPECT().CustomerDetail(gomock.Any(), int64(2), int64(7), int64(0)).Return(nil, nil)
	if _, err := s.CustomerDetail(context.Background(), rep, ""); err != nil {
		t.Fatal(err)
	}
}
