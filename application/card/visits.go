// Package card implements the business card: as customers see it (visits,
// events) and as its owner edits it.
package card

import (
	"context"
	"errors"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/radar"
	"leida/domain/validate"
	"leida/ports"
)

// Visits implements the HTTP adapter\'s CardVisits (E42–E46, A8, A9, action/record).
type Visits struct {
	tx      ports.TxRunner
	cards   VisitorCardRepository
	logs    AccessLogRepository
	metrics WriteMetrics // may be nil
}

// NewVisits wires the customer-side card use cases; metrics (may be nil)
// counts the radar events written.
func NewVisits(tx ports.TxRunner, cards VisitorCardRepository, logs AccessLogRepository, metrics WriteMetrics) *Visits {
	return &Visits{tx: tx, cards: cards, logs: logs, metrics: metrics}
}

// written counts the radar event of a committed transaction.
func (s *Visits) written(err error, a radar.Action) error {
	if err == nil && s.metrics != nil {
		s.metrics.RadarEventWritten(a)
	}
	return err
}

// errNoCard ends a card view of an unknown owner without writing anything.
var errNoCard = errors.New("no such card")

// parseUID reads the card owner id: required integer, 402 with the errors in data.
func parseUID(uid string) (int64, error) {
	f := validate.New()
	id := f.Int("uid", uid, "用户id不能为空", "用户id不能为空") // legacy-api E42, E44: a non-integer too
	if err := f.ErrRequest(); err != nil {
		return 0, err
	}
	return id, nil
}

func ownerMissing() error { return errs.NotFound("用户ID不存在") }

// record writes the log (which touches the follow-up relation) and changes
// the counter; the caller runs it inside one transaction.
func (s *Visits) record(ctx context.Context, l *radar.Log, counter radar.Counter, delta int) error {
	if err := s.logs.Record(ctx, l); err != nil {
		return err
	}
	if delta != 0 {
		return s.cards.AddCounter(ctx, l.CompanyID, l.UserID, counter, delta)
	}
	return nil
}

// ViewCard is E42: logs the view (n-th view remark), counts popularity,
// makes the customer belong to the rep (source 扫码) on the first view, then
// reads the card. An unknown owner answers an empty card and writes nothing.
func (s *Visits) ViewCard(ctx context.Context, v customer.Visitor, uid string, q ports.ListQuery) (ports.CardView, error) {
	id, err := parseUID(uid)
	if err != nil {
		return ports.CardView{}, err
	}
	var owner card.Owner // the tenant of what follows: the card owner's company
	err = s.tx.Run(ctx, func(ctx context.Context) error {
		var err error
		owner, err = s.cards.Owner(ctx, id, true)
		if err != nil {
			return ports.NotFoundAs(err, errNoCard)
		}
		n, err := s.logs.CountViews(ctx, owner.CompanyID, owner.UserID, v.CustomerID)
		if err != nil {
			return err
		}
		l := radar.Log{CompanyID: owner.CompanyID, UserID: owner.UserID, CustomerID: v.CustomerID,
			Action: radar.ViewCard, Remark: radar.CardViewRemark(n + 1)}
		if err := s.record(ctx, &l, radar.Popularity, 1); err != nil {
			return err
		}
		return s.cards.EnsureBelonger(ctx, owner.CompanyID, owner.UserID, v.CustomerID, card.SourceScan)
	})
	if errors.Is(err, errNoCard) {
		return ports.CardView{}, nil
	}
	if err := s.written(err, radar.ViewCard); err != nil {
		return ports.CardView{}, err
	}
	c, err := s.cards.Card(ctx, owner.CompanyID, owner.UserID, q.Filters)
	if err != nil {
		return ports.CardView{}, ports.NotFoundAs(err, nil) // filtered out: an empty view
	}
	up, err := s.cards.Praise(ctx, owner.CompanyID, owner.UserID, v.CustomerID)
	if err != nil {
		return ports.CardView{}, err
	}
	return ports.CardView{Card: &c, IsUpDown: up != nil && *up}, nil
}

// MyCards is E43: the cards the customer belongs to.
func (s *Visits) MyCards(ctx context.Context, v customer.Visitor, q ports.ListQuery) ([]card.Membership, int, error) {
	return s.cards.Memberships(ctx, v.CustomerID, q)
}

// eventLog is the action, remark and counter change of an event.
type eventLog struct {
	action  radar.Action
	remark  string
	counter radar.Counter
	delta   int
}

var events = map[ports.CardEvent]eventLog{
	ports.EventCall:           {radar.CallPhone, radar.RemarkCall, "", 0},
	ports.EventForward:        {radar.ForwardCard, radar.RemarkForward, radar.Forwards, 1},
	ports.EventSavePhone:      {radar.SavePhone, radar.RemarkSavePhone, "", 0},
	ports.EventProduct:        {radar.ViewProduct, radar.RemarkProduct, "", 0},
	ports.EventProductForward: {radar.ViewProduct, radar.RemarkProductForward, "", 0},
	ports.EventPraise:         {radar.Praise, "", radar.Praises, 0}, // remark and change from the toggle
}

// Record is E44–E46, A8 and A9: one event on the rep's card.
func (s *Visits) Record(ctx context.Context, v customer.Visitor, uid string, ev ports.CardEvent) error {
	id, err := parseUID(uid)
	if err != nil {
		return err
	}
	e, known := events[ev]
	if !known {
		return errs.Internal(errors.New("unknown card event"))
	}
	return s.written(s.tx.Run(ctx, func(ctx context.Context) error {
		owner, err := s.cards.Owner(ctx, id, true)
		if err != nil {
			return ports.NotFoundAs(err, ownerMissing())
		}
		if ev == ports.EventPraise {
			had, err := s.cards.Praise(ctx, owner.CompanyID, owner.UserID, v.CustomerID)
			if err != nil {
				return err
			}
			var up bool
			up, e.delta, e.remark = card.PraiseToggle(had)
			if err := s.cards.SetPraise(ctx, owner.CompanyID, owner.UserID, v.CustomerID, up); err != nil {
				return err
			}
		}
		l := radar.Log{CompanyID: owner.CompanyID, UserID: owner.UserID, CustomerID: v.CustomerID, Action: e.action, Remark: e.remark}
		return s.record(ctx, &l, e.counter, e.delta)
	}), e.action)
}

// RecordAction is `action/record`: any of the 12 actions with its fixed
// remark (D7); counters belong to the dedicated endpoints.
func (s *Visits) RecordAction(ctx context.Context, v customer.Visitor, uid, action string) error {
	id, err := parseUID(uid)
	if err != nil {
		return err
	}
	f := validate.New()
	a := radar.Action(f.Int("action", action, "", ""))
	if f.OK() && !a.Valid() {
		f.InvalidChoice("action", action)
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	return s.written(s.tx.Run(ctx, func(ctx context.Context) error {
		owner, err := s.cards.Owner(ctx, id, true)
		if err != nil {
			return ports.NotFoundAs(err, ownerMissing())
		}
		remark := radar.FixedRemark(a)
		if a == radar.ViewCard {
			n, err := s.logs.CountViews(ctx, owner.CompanyID, owner.UserID, v.CustomerID)
			if err != nil {
				return err
			}
			remark = radar.CardViewRemark(n + 1)
		}
		l := radar.Log{CompanyID: owner.CompanyID, UserID: owner.UserID, CustomerID: v.CustomerID, Action: a, Remark: remark}
		return s.record(ctx, &l, "", 0)
	}), a)
}
