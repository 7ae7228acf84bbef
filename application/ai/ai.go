// Package ai trains and applies the AI close probability (D10): per company,
// from how its deals ended and what its customers did before; scores are
// stored, so that reads do no model work.
package ai

import (
	"context"
	"errors"
	"log/slog"
	"math"
	"sort"
	"strings"
	"time"

	dai "leida/domain/ai"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Config is the AI's configuration.
type Config struct {
	Location *time.Location // TIME_ZONE: closing days
	// Pool smooths each company's counts toward every company's (the bin
	// counts, never rows); AI_POOL_COMPANIES=false turns it off.
	Pool bool
	// HotRise is the rise of the score within a day that alerts the reps.
	HotRise int
	// RetrainAfter new outcomes retrain the company.
	RetrainAfter int
}

// Defaults of the configuration.
const (
	DefaultHotRise      = 15
	DefaultRetrainAfter = 20
	// holdoutShare of the latest closed deals judge a model and calibrate it.
	holdoutShare = 1.0 / 3
	// minHoldout deals, with both outcomes, are needed to calibrate.
	minHoldout = 20
)

// Service implements the HTTP adapter\'s AIScores and the training.
type Service struct {
	store     Repository
	customers CustomerRepository
	followUps FollowUpRepository
	tx        ports.TxRunner
	clock     ports.Clock
	cfg       Config
	log       *slog.Logger
}

// New wires the service.
func New(store Repository, customers CustomerRepository, followUps FollowUpRepository, tx ports.TxRunner,
	clock ports.Clock, cfg Config, log *slog.Logger) *Service {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	if cfg.HotRise <= 0 {
		cfg.HotRise = DefaultHotRise
	}
	if cfg.RetrainAfter <= 0 {
		cfg.RetrainAfter = DefaultRetrainAfter
	}
	if log == nil {
		log = slog.Default()
	}
	return &Service{store: store, customers: customers, followUps: followUps, tx: tx, clock: clock, cfg: cfg, log: log}
}

// Trained is what training a company produced (`leida ai train` prints it).
type Trained struct {
	CompanyID int64     `json:"company_id"`
	Model     string    `json:"model"`
	Deals     int       `json:"deals"`
	Won       int       `json:"won"`
	Lost      int       `json:"lost"`
	AUC       *float64  `json:"auc"`
	Brier     *float64  `json:"brier"`
	Holdout   int       `json:"holdout"`
	Scored    int       `json:"scored"`
	TrainedAt time.Time `json:"trained_at"`
	Skipped   bool      `json:"skipped,omitempty"` // another instance was training it
}

// dealSignals are the binned signals of deals as of their closing days.
func (s *Service) dealSignals(ctx context.Context, companyID int64, deals []ports.Deal) ([]dai.Binned, error) {
	at := make([]ports.SignalsAt, len(deals))
	for i, d := range deals {
		at[i] = ports.SignalsAt{CustomerID: d.CustomerID, At: d.ClosedAt}
	}
	sig, err := s.store.Signals(ctx, companyID, at)
	if err != nil {
		return nil, err
	}
	out := make([]dai.Binned, len(deals))
	for i, d := range deals {
		out[i] = dai.BinSignals(sig[d.CustomerID])
	}
	return out, nil
}

func countsOf(bins []dai.Binned, deals []ports.Deal) dai.Counts {
	c := dai.NewCounts()
	for i, d := range deals {
		c.Add(bins[i], d.Won)
	}
	return c
}

// Fit trains a company's model from its closed deals and the pooled counts
// of the others: judged and calibrated on the latest quarter of its deals
// (a time-based holdout) when there are enough, then refitted on them all.
func Fit(deals []ports.Deal, bins []dai.Binned, others dai.Counts) (dai.Model, dai.Counts, *float64, *float64, int) {
	own := countsOf(bins, deals)
	cut := len(deals) - int(float64(len(deals))*holdoutShare)
	hold := deals[cut:]
	won := make([]bool, len(hold))
	nWon := 0
	for i, d := range hold {
		won[i] = d.Won
		if d.Won {
			nWon++
		}
	}
	var auc, brier *float64
	a, b := 1.0, 0.0
	if len(hold) >= minHoldout && nWon > 0 && nWon < len(hold) {
		train := countsOf(bins[:cut], deals[:cut])
		pooled := others.Clone()
		pooled.Merge(train)
		m := dai.Fit(train, pooled)
		logOdds := make([]float64, len(hold))
		for i := range hold {
			logOdds[i] = m.Score(bins[cut+i]).LogOdds
		}
		a, b = dai.Calibrate(logOdds, won)
		probs := make([]float64, len(hold))
		for i, x := range logOdds {
			probs[i] = 1 / (1 + exp(-(a*x + b)))
		}
		au, br := dai.AUC(probs, won), dai.Brier(probs, won)
		auc, brier = &au, &br
	}
	pooled := others.Clone()
	pooled.Merge(own)
	m := dai.Fit(own, pooled)
	if m.Kind == dai.KindNaiveBayes {
		m.A, m.B = a, b
	}
	return m, own, auc, brier, len(hold)
}

// Train trains the company (unless another instance is training it) and
// rescores its open customers.
func (s *Service) Train(ctx context.Context, companyID int64) (Trained, error) {
	var out Trained
	got, err := s.store.TryTrainingLock(ctx, companyID, func(ctx context.Context) error {
		deals, err := s.store.Deals(ctx, companyID)
		if err != nil {
			return err
		}
		bins, err := s.dealSignals(ctx, companyID, deals)
		if err != nil {
			return err
		}
		others := dai.NewCounts()
		if s.cfg.Pool {
			if others, err = s.store.PooledCounts(ctx, companyID); err != nil {
				return err
			}
		}
		m, own, auc, brier, holdout := Fit(deals, bins, others)
		now := s.clock.Now()
		stored := ports.StoredModel{CompanyID: companyID, Model: m, Counts: own, AUC: auc, Brier: brier, Holdout: holdout, TrainedAt: now}
		scored, err := s.rescoreAll(ctx, &stored)
		if err != nil {
			return err
		}
		if err := s.store.SaveModel(ctx, stored); err != nil {
			return err
		}
		out = Trained{CompanyID: companyID, Model: m.Kind, Deals: m.Deals, Won: m.Won, Lost: m.Lost, AUC: auc, Brier: brier,
			Holdout: holdout, Scored: scored, TrainedAt: now}
		return nil
	})
	if err != nil {
		return Trained{}, err
	}
	if !got {
		return Trained{CompanyID: companyID, Skipped: true}, nil
	}
	return out, nil
}

// TrainAll trains every company in turn.
func (s *Service) TrainAll(ctx context.Context, each func(Trained)) error {
	ids, err := s.store.Companies(ctx)
	if err != nil {
		return err
	}
	for _, id := range ids {
		t, err := s.Train(ctx, id)
		if err != nil {
			return err
		}
		each(t)
	}
	return nil
}

// rescoreAll scores every open customer of the company, setting the
// model's tier cut-offs to their quartiles.
func (s *Service) rescoreAll(ctx context.Context, m *ports.StoredModel) (int, error) {
	ids, err := s.store.OpenCustomers(ctx, m.CompanyID)
	if err != nil {
		return 0, err
	}
	scores, err := s.score(ctx, m, ids)
	if err != nil {
		return 0, err
	}
	all := make([]int, len(scores))
	for i, sc := range scores {
		all[i] = sc.AIPr
	}
	m.Model.Cuts = dai.QuartileCuts(all)
	for i := range scores {
		scores[i].Tier = m.Model.Tier(scores[i].AIPr)
	}
	return len(scores), s.save(ctx, m.CompanyID, scores)
}

// score computes the scores of customers as of now (tiers by the model's cut-offs).
func (s *Service) score(ctx context.Context, m *ports.StoredModel, ids []int64) ([]ports.CustomerScore, error) {
	now := s.clock.Now()
	at := make([]ports.SignalsAt, len(ids))
	for i, id := range ids {
		at[i] = ports.SignalsAt{CustomerID: id, At: now}
	}
	sig, err := s.store.Signals(ctx, m.CompanyID, at)
	if err != nil {
		return nil, err
	}
	out := make([]ports.CustomerScore, len(ids))
	for i, id := range ids {
		sc := m.Model.Score(dai.BinSignals(sig[id]))
		out[i] = ports.CustomerScore{CustomerID: id, AIPr: sc.AIPr, Tier: m.Model.Tier(sc.AIPr),
			Reasons: m.Model.Reasons(sc, sig[id]), Model: m.Model.Kind, ScoredAt: now}
	}
	return out, nil
}

func (s *Service) save(ctx context.Context, companyID int64, scores []ports.CustomerScore) error {
	hot, err := s.store.SaveScores(ctx, companyID, scores, s.cfg.HotRise)
	for _, h := range hot {
		s.log.Info("hot lead", "company_id", companyID, "customer_id", h.CustomerID, "reps", len(h.Reps))
	}
	return err
}

// model is the company's stored model, else the pooled prior.
func (s *Service) model(ctx context.Context, companyID int64) (ports.StoredModel, error) {
	m, err := s.store.Model(ctx, companyID)
	if !errors.Is(err, ports.ErrNotFound) {
		return m, err
	}
	others := dai.NewCounts()
	if s.cfg.Pool {
		if others, err = s.store.PooledCounts(ctx, companyID); err != nil {
			return ports.StoredModel{}, err
		}
	}
	return ports.StoredModel{CompanyID: companyID, Model: dai.Fit(dai.NewCounts(), others), Counts: dai.NewCounts()}, nil
}

// Rescore scores some open customers of a company again.
func (s *Service) Rescore(ctx context.Context, companyID int64, ids []int64) error {
	m, err := s.model(ctx, companyID)
	if err != nil {
		return err
	}
	open, err := s.store.OpenCustomers(ctx, companyID)
	if err != nil {
		return err
	}
	isOpen := map[int64]bool{}
	for _, id := range open {
		isOpen[id] = true
	}
	var keep []int64
	for _, id := range ids {
		if isOpen[id] {
			keep = append(keep, id)
		}
	}
	scores, err := s.score(ctx, &m, keep)
	if err != nil {
		return err
	}
	return s.save(ctx, companyID, scores)
}

// RescoreQueued rescores the customers queued by new events (up to limit)
// and reports how many it took. The queue rows are taken in a statement of
// their own: holding them while scoring would make every new event of those
// customers wait (and deadlock with the hot-lead push to the rep's stream).
// A company whose rescoring fails is queued again.
func (s *Service) RescoreQueued(ctx context.Context, limit int) (int, error) {
	queued, err := s.store.TakeRescores(ctx, limit)
	if err != nil {
		return 0, err
	}
	companies := make([]int64, 0, len(queued))
	n := 0
	for c, ids := range queued {
		companies = append(companies, c)
		n += len(ids)
	}
	sort.Slice(companies, func(i, j int) bool { return companies[i] < companies[j] })
	for _, c := range companies {
		if err := s.Rescore(ctx, c, queued[c]); err != nil {
			if qerr := s.store.Queue(ctx, c, queued[c]); qerr != nil {
				s.log.Warn("requeueing customers to rescore", "company_id", c, "error", qerr.Error())
			}
			return n, err
		}
	}
	return n, nil
}

// viewer is who the actor sees (D6): members their own customers, company
// admins the company's.
func viewer(a org.Actor) customer.Viewer {
	return customer.Viewer{CompanyID: a.CompanyID, UserID: a.UserID, WholeCompany: a.IsCompanyAdmin()}
}

func customerMissing() error { return errs.NotFound("客户不存在") }

// SetOutcome is update_outcome: won, lost or open (reopened), with the
// closing day (today in TIME_ZONE by default, never in the future); a
// follow-up note like E39/E40's. Every RetrainAfter outcomes retrain the company.
func (s *Service) SetOutcome(ctx context.Context, a org.Actor, customerID int64, rawOutcome, rawClosedAt string) error {
	f := validate.New()
	outcome, ok := customer.ParseOutcome(strings.TrimSpace(rawOutcome))
	switch {
	case strings.TrimSpace(rawOutcome) == "":
		f.AddCode("outcome", validate.MsgRequired, validate.CodeRequired)
	case !ok:
		f.InvalidChoice("outcome", strings.TrimSpace(rawOutcome))
	}
	var day *time.Time
	if d, given := f.OptionalDate("closed_at", rawClosedAt); given {
		day = &d
	}
	closedAt, notFuture := customer.ClosingDay(day, s.clock.Now(), s.cfg.Location)
	if !f.Failed("closed_at") && !notFuture {
		f.AddCode("closed_at", "成交日期不能晚于今天", validate.CodeInvalid)
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	if _, err := s.customers.Visible(ctx, viewer(a), customerID); err != nil {
		return ports.NotFoundAs(err, customerMissing())
	}
	var closing *time.Time
	if outcome.Closed() {
		closing = &closedAt
	}
	err := s.tx.Run(ctx, func(ctx context.Context) error {
		if _, err := s.store.SetOutcome(ctx, a.CompanyID, customerID, outcome, closing); err != nil {
			return err
		}
		now := s.clock.Now()
		id, err := s.followUps.Follow(ctx, a.CompanyID, a.UserID, customerID, now)
		if err != nil {
			return err
		}
		return s.followUps.AddNote(ctx, a.CompanyID, id, outcome.Note(), now)
	})
	if err != nil {
		return err
	}
	return nil // the maintenance loop retrains after RetrainAfter outcomes (TrainDue)
}

// TrainDue trains the companies whose model is missing, a day old, or
// RetrainAfter outcomes behind (each under its lock: one instance at a time).
func (s *Service) TrainDue(ctx context.Context) ([]Trained, error) {
	ids, err := s.store.CompaniesToTrain(ctx, s.clock.Now().Add(-24*time.Hour), s.cfg.RetrainAfter)
	if err != nil {
		return nil, err
	}
	var out []Trained
	for _, id := range ids {
		t, err := s.Train(ctx, id)
		if err != nil {
			return out, err
		}
		out = append(out, t)
	}
	return out, nil
}

// Explain is the ai_pr endpoint: the stored score of a visible customer
// with its reasons, the model and what it was trained on.
func (s *Service) Explain(ctx context.Context, a org.Actor, rawID string) (ports.Explanation, error) {
	f := validate.New()
	id := f.Int("customer_id", rawID, "客户ID不能为空", "客户ID不能为空")
	if err := f.ErrRequest(); err != nil {
		return ports.Explanation{}, err
	}
	if _, err := s.customers.Visible(ctx, viewer(a), id); err != nil {
		return ports.Explanation{}, ports.NotFoundAs(err, customerMissing())
	}
	m, err := s.model(ctx, a.CompanyID)
	if err != nil {
		return ports.Explanation{}, err
	}
	sc, err := s.store.Score(ctx, a.CompanyID, id)
	if errors.Is(err, ports.ErrNotFound) { // not scored yet: score it now
		scores, err := s.score(ctx, &m, []int64{id})
		if err != nil {
			return ports.Explanation{}, err
		}
		sc = scores[0]
	} else if err != nil {
		return ports.Explanation{}, err
	}
	out := ports.Explanation{CustomerID: id, Score: sc, Model: m.Model.Kind, DealsUsed: m.Model.Deals}
	if !m.TrainedAt.IsZero() {
		out.TrainedAt = &m.TrainedAt
	}
	return out, nil
}

func exp(x float64) float64 { return math.Exp(x) }
