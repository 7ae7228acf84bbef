package ai

import (
	"context"
	"errors"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	aimocks "leida/application/ai/mocks"
	"leida/application/apptest"
	dai "leida/domain/ai"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
	"leida/ports/mocks"
)

type deps struct {
	store     *aimocks.MockRepository
	customers *aimocks.MockCustomerRepository
	followUps *aimocks.MockFollowUpRepository
	tx        *mocks.MockTxRunner
}

var (
	now = time.Date(2026, 12, 1, 4, 0, 0, 0, time.UTC) // 12:00 in Shanghai
	rep = org.Actor{UserID: 7, CompanyID: 3, Level: org.LevelMember}
	ctx = context.Background()
)

func newService(t *testing.T) (*Service, deps) {
	ctrl := gomock.NewController(t)
	d := deps{aimocks.NewMockRepository(ctrl), aimocks.NewMockCustomerRepository(ctrl), aimocks.NewMockFollowUpRepository(ctrl), mocks.NewMockTxRunner(ctrl)}
	d.tx.EXPECT().Run(gomock.Any(), gomock.Any()).DoAndReturn(apptest.RunInline).AnyTimes()
	sh, _ := time.LoadLocation("Asia/Shanghai")
	return New(d.store, d.customers, d.followUps, d.tx, clock.NewFixed(now), Config{Location: sh, Pool: true}, nil), d
}

func TestSetOutcomeValidatesBeforeAnyWrite(t *testing.T) {
	s, _ := newService(t)
	for _, c := range []struct{ outcome, closedAt string }{{"", ""}, {"maybe", ""}, {"won", "2026-12-02"}, {"won", "soon"}} {
		if err := s.SetOutcome(ctx, rep, 5, c.outcome, c.closedAt); apptest.Code(err) != 301 {
			t.Errorf("%+v: %v", c, err)
		}
	}
}

func TestSetOutcomeOfAnInvisibleCustomerIs302(t *testing.T) {
	s, d := newService(t)
	d.customers.EXPECT().Visible(gomock.Any(), customer.Viewer{CompanyID: 3, UserID: 7}, int64(5)).Return(customer.Customer{}, ports.ErrNotFound)
	if err := s.SetOutcome(ctx, rep, 5, "won", ""); apptest.Code(err) != 302 {
		t.Fatal(err)
	}
}

// Closing today (in TIME_ZONE: 1 December in Shanghai) by default, with its note.
func TestSetOutcomeRecordsTheDealAndANote(t *testing.T) {
	s, d := newService(t)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	today := time.Date(2026, 12, 1, 0, 0, 0, 0, sh)
	gomock.InOrder(
		d.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil),
		d.store.EXPECT().SetOutcome(gomock.Any(), int64(3), int64(5), customer.OutcomeWon, &today).Return(1, nil),
		d.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(40), nil),
		d.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(40), "标记为成交", now).Return(nil),
	)
	if err := s.SetOutcome(ctx, rep, 5, "won", ""); err != nil {
		t.Fatal(err)
	}
	// Reopening clears the closing day.
	s, d = newService(t)
	d.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	d.store.EXPECT().SetOutcome(gomock.Any(), int64(3), int64(5), customer.OutcomeOpen, (*time.Time)(nil)).Return(2, nil)
	d.followUps.EXPECT().Follow(gomock.Any(), int64(3), int64(7), int64(5), now).Return(int64(40), nil)
	d.followUps.EXPECT().AddNote(gomock.Any(), int64(3), int64(40), "重新跟进", now).Return(nil)
	if err := s.SetOutcome(ctx, rep, 5, "open", "2026-11-01"); err != nil {
		t.Fatal(err)
	}
}

// Without a trained model a customer is explained by the pooled prior.
func TestExplainWithoutAModelUsesThePrior(t *testing.T) {
	s, d := newService(t)
	d.customers.EXPECT().Visible(gomock.Any(), gomock.Any(), int64(5)).Return(customer.Customer{ID: 5}, nil)
	d.store.EXPECT().Model(gomock.Any(), int64(3)).Return(ports.StoredModel{}, ports.ErrNotFound)
	d.store.EXPECT().PooledCounts(gomock.Any(), int64(3)).Return(dai.NewCounts(), nil)
	d.store.EXPECT().Score(gomock.Any(), int64(3), int64(5)).Return(ports.CustomerScore{CustomerID: 5, AIPr: 33, Tier: "C"}, nil)
	e, err := s.Explain(ctx, rep, "5")
	if err != nil || e.Model != dai.KindPrior || e.TrainedAt != nil || e.Score.AIPr != 33 {
		t.Fatalf("%+v %v", e, err)
	}
}

// A company whose rescoring fails goes back to the queue.
func TestRescoreFailureRequeues(t *testing.T) {
	s, d := newService(t)
	boom := errors.New("boom")
	d.store.EXPECT().TakeRescores(gomock.Any(), 100).Return(map[int64][]int64{3: {5, 6}}, nil)
	d.store.EXPECT().Model(gomock.Any(), int64(3)).Return(ports.StoredModel{}, boom)
	d.store.EXPECT().Queue(gomock.Any(), int64(3), []int64{5, 6}).Return(nil)
	if n, err := s.RescoreQueued(ctx, 100); !errors.Is(err, boom) || n != 2 {
		t.Fatalf("%d %v", n, err)
	}
}

// Another instance training the company: skipped, nothing written.
func TestTrainingIsOneInstanceAtATime(t *testing.T) {
	s, d := newService(t)
	d.store.EXPECT().TryTrainingLock(gomock.Any(), int64(3), gomock.Any()).Return(false, nil)
	got, err := s.Train(ctx, 3)
	if err != nil || !got.Skipped {
		t.Fatalf("%+v %v", got, err)
	}
}

// Few closed deals: no holdout figures, the prior model.
func TestFitWithFewDeals(t *testing.T) {
	deals := []ports.Deal{{CustomerID: 1, Won: true}, {CustomerID: 2}}
	m, own, auc, brier, holdout := Fit(deals, make([]dai.Binned, 2), dai.NewCounts())
	if m.Kind != dai.KindPrior || own.NWon != 1 || auc != nil || brier != nil || holdout != 0 {
		t.Fatalf("%+v %v %v %d", m.Kind, auc, brier, holdout)
	}
}
