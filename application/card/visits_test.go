package card

import (
	"context"
	"errors"
	"testing"

	"github.com/golang/mock/gomock"

	"leida/application/apptest"
	cardmocks "leida/application/card/mocks"
	"leida/domain/card"
	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/radar"
	"leida/ports"
	"leida/ports/mocks"
)

type visitDeps struct {
	tx    *mocks.MockTxRunner
	cards *cardmocks.MockVisitorCardRepository
	logs  *cardmocks.MockAccessLogRepository
}

func newVisits(t *testing.T) (*Visits, visitDeps) {
	ctrl := gomock.NewController(t)
	d := visitDeps{mocks.NewMockTxRunner(ctrl), cardmocks.NewMockVisitorCardRepository(ctrl), cardmocks.NewMockAccessLogRepository(ctrl)}
	// The runner runs fn and passes its error through, like the real one (which also rolls back).
	d.tx.EXPECT().Run(gomock.Any(), gomock.Any()).AnyTimes().
		DoAndReturn(apptest.RunInline)
	return NewVisits(d.tx, d.cards, d.logs, nil), d
}

var (
	ctx     = context.Background()
	visitor = customer.Visitor{CustomerID: 9}
	owner   = card.Owner{UserID: 4, CompanyID: 2}
)

// Every call after Owner is keyed by the owner's company (2): the tenant of
// a customer-side event.
func TestViewCardLogsTheNthViewCountsAndMakesTheCustomerBelong(t *testing.T) {
	s, d := newVisits(t)
	gomock.InOrder(
		d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil),
		d.logs.EXPECT().CountViews(gomock.Any(), int64(2), int64(4), int64(9)).Return(2, nil),
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, l *radar.Log) error {
			want := radar.Log{CompanyID: 2, UserID: 4, CustomerID: 9, Action: radar.ViewCard, Remark: "查看你的名片第3次,建议标注重点客户"}
			if *l != want {
				t.Fatalf("log %+v", *l)
			}
			l.ID = 77
			return nil
		}),
		d.cards.EXPECT().AddCounter(gomock.Any(), int64(2), int64(4), radar.Popularity, 1).Return(nil),
		d.cards.EXPECT().EnsureBelonger(gomock.Any(), int64(2), int64(4), int64(9), card.SourceScan).Return(nil),
		d.cards.EXPECT().Card(gomock.Any(), int64(2), int64(4), gomock.Any()).Return(card.Card{UserID: 4, Popularity: 3}, nil),
		d.cards.EXPECT().Praise(gomock.Any(), int64(2), int64(4), int64(9)).Return(new(bool), nil),
	)
	view, err := s.ViewCard(ctx, visitor, " 4 ", ports.ListQuery{})
	if err != nil || view.Card == nil || view.Card.Popularity != 3 || view.IsUpDown {
		t.Fatalf("%+v %v", view, err)
	}
}

func TestViewCardOfUnknownOwnerWritesNothing(t *testing.T) {
	s, d := newVisits(t)
	d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(card.Owner{}, ports.ErrNotFound)
	view, err := s.ViewCard(ctx, visitor, "4", ports.ListQuery{})
	if err != nil || view.Card != nil {
		t.Fatalf("%+v %v", view, err)
	}
}

func TestViewCardValidatesUID(t *testing.T) {
	s, _ := newVisits(t)
	for _, uid := range []string{"", "x"} {
		_, err := s.ViewCard(ctx, visitor, uid, ports.ListQuery{})
		if e, ok := errs.As(err); !ok || e.Code != 402 || !e.FieldsInData || e.Fields[0].Field != "uid" {
			t.Fatalf("uid %q: %v", uid, err)
		}
	}
}

// The log write fails: the counter is never changed and the error reaches
// the transaction runner, which rolls everything back.
func TestRecordStopsWhenTheLogWriteFails(t *testing.T) {
	s, d := newVisits(t)
	boom := errors.New("log refused")
	gomock.InOrder(
		d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil),
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).Return(boom),
	)
	if err := s.Record(ctx, visitor, "4", ports.EventForward); !errors.Is(err, boom) {
		t.Fatalf("got %v", err)
	}
}

func TestRecordEventsFixTheirActionRemarkAndCounter(t *testing.T) {
	for _, c := range []struct {
		ev      ports.CardEvent
		action  radar.Action
		remark  string
		counter radar.Counter
		delta   int
	}{
		{ports.EventCall, radar.CallPhone, "拨打您的手机", "", 0},
		{ports.EventForward, radar.ForwardCard, "转发了你的名片,你的人脉圈正在裂变", radar.Forwards, 1},
		{ports.EventSavePhone, radar.SavePhone, "保存了您的电话,可以考虑拜访", "", 0},
		{ports.EventProduct, radar.ViewProduct, "正在查看你发布的产品,尽快把握商机", "", 0},
		{ports.EventProductForward, radar.ViewProduct, "转发了竞价排名。", "", 0},
	} {
		s, d := newVisits(t)
		d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil)
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, l *radar.Log) error {
			if l.Action != c.action || l.Remark != c.remark || l.CompanyID != 2 {
				t.Fatalf("event %d: %+v", c.ev, *l)
			}
			return nil
		})
		if c.delta != 0 {
			d.cards.EXPECT().AddCounter(gomock.Any(), int64(2), int64(4), c.counter, c.delta).Return(nil)
		}
		if err := s.Record(ctx, visitor, "4", c.ev); err != nil {
			t.Fatal(err)
		}
	}
}

func TestPraiseToggleWithdraws(t *testing.T) {
	s, d := newVisits(t)
	up := true
	gomock.InOrder(
		d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil),
		d.cards.EXPECT().Praise(gomock.Any(), int64(2), int64(4), int64(9)).Return(&up, nil),
		d.cards.EXPECT().SetPraise(gomock.Any(), int64(2), int64(4), int64(9), false).Return(nil),
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, l *radar.Log) error {
			if l.Action != radar.Praise || l.Remark != "取消对你的靠谱评价" {
				t.Fatalf("%+v", *l)
			}
			return nil
		}),
		d.cards.EXPECT().AddCounter(gomock.Any(), int64(2), int64(4), radar.Praises, -1).Return(nil),
	)
	if err := s.Record(ctx, visitor, "4", ports.EventPraise); err != nil {
		t.Fatal(err)
	}
}

func TestRecordOfUnknownOwnerIs302(t *testing.T) {
	s, d := newVisits(t)
	d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(card.Owner{}, ports.ErrNotFound)
	if err := s.Record(ctx, visitor, "4", ports.EventCall); apptest.Code(err) != 302 {
		t.Fatalf("got %v", err)
	}
}

func TestRecordActionValidatesTheAction(t *testing.T) {
	s, _ := newVisits(t)
	for _, a := range []string{"", "0", "13", "x"} {
		if err := s.RecordAction(ctx, visitor, "4", a); apptest.Code(err) != 301 {
			t.Fatalf("action %q: %v", a, err)
		}
	}
}

func TestRecordActionUsesTheFixedRemark(t *testing.T) {
	s, d := newVisits(t)
	d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil)
	d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, l *radar.Log) error {
		if l.Action != radar.CopyEmail || l.Remark != "复制了您的邮箱" {
			t.Fatalf("%+v", *l)
		}
		return nil
	})
	if err := s.RecordAction(ctx, visitor, "4", "12"); err != nil {
		t.Fatal(err)
	}
}

// counted records the metrics calls.
type counted struct{ actions []radar.Action }

func (c *counted) RadarEventWritten(a radar.Action) { c.actions = append(c.actions, a) }
func (c *counted) ChatMessageWritten(chat.SendType) {}

// Each committed radar event is counted with its action; nothing is counted
// when nothing was written (unknown owner) or the write failed.
func TestWrittenRadarEventsAreCounted(t *testing.T) {
	_, d := newVisits(t)
	m := &counted{}
	s := NewVisits(d.tx, d.cards, d.logs, m)
	d.cards.EXPECT().Owner(gomock.Any(), int64(4), true).Return(owner, nil).Times(3)
	d.cards.EXPECT().Owner(gomock.Any(), int64(5), true).Return(card.Owner{}, ports.ErrNotFound).Times(2)
	d.logs.EXPECT().CountViews(gomock.Any(), int64(2), int64(4), int64(9)).Return(0, nil)
	boom := errors.New("log refused")
	gomock.InOrder(
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).Return(nil),
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).Return(nil),
		d.logs.EXPECT().Record(gomock.Any(), gomock.Any()).Return(boom),
	)
	d.cards.EXPECT().AddCounter(gomock.Any(), int64(2), int64(4), radar.Popularity, 1).Return(nil)
	d.cards.EXPECT().EnsureBelonger(gomock.Any(), int64(2), int64(4), int64(9), card.SourceScan).Return(nil)
	d.cards.EXPECT().Card(gomock.Any(), int64(2), int64(4), gomock.Any()).Return(card.Card{UserID: 4}, nil)
	d.cards.EXPECT().Praise(gomock.Any(), int64(2), int64(4), int64(9)).Return(nil, nil)
	if _, err := s.ViewCard(ctx, visitor, "4", ports.ListQuery{}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ViewCard(ctx, visitor, "5", ports.ListQuery{}); err != nil { // unknown owner: nothing written
		t.Fatal(err)
	}
	if err := s.Record(ctx, visitor, "4", ports.EventCall); err != nil {
		t.Fatal(err)
	}
	if err := s.RecordAction(ctx, visitor, "4", "3"); !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if err := s.Record(ctx, visitor, "5", ports.EventCall); apptest.Code(err) != 302 {
		t.Fatal(err)
	}
	if len(m.actions) != 2 || m.actions[0] != radar.ViewCard || m.actions[1] != radar.CallPhone {
		t.Fatalf("counted %v", m.actions)
	}
}
