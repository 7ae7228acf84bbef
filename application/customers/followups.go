package customers

import (
	"context"
	"errors"

	"leida/domain/errs"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// FollowUps implements the HTTP adapter\'s FollowUpDesk.
type FollowUps struct {
	tx        ports.TxRunner
	followUps FollowUpRepository
	phrases   PhraseRepository
	customers CustomerRepository
	clock     ports.Clock
	cfg       Config
}

// NewFollowUps wires the follow-up use cases.
func NewFollowUps(tx ports.TxRunner, followUps FollowUpRepository, phrases PhraseRepository,
	customers CustomerRepository, clock ports.Clock, cfg Config) *FollowUps {
	return &FollowUps{tx: tx, followUps: followUps, phrases: phrases, customers: customers, clock: clock, cfg: cfg}
}

// AddressBook is E34: the caller's follow-up relations with customers bound
// to them (of the source, when given), with relative days as of now.
func (s *FollowUps) AddressBook(ctx context.Context, a org.Actor, source string, q ports.ListQuery) ([]followup.Entry, int, error) {
	f := validate.New()
	src := f.Choice("customer__source", source, 0, 1, 2)
	if err := f.ErrRequest(); err != nil {
		return nil, 0, err
	}
	entries, total, err := s.followUps.AddressBook(ctx, a.CompanyID, a.UserID, int(src), q)
	if err != nil {
		return nil, 0, err
	}
	now := s.clock.Now()
	for i := range entries {
		entries[i].Label(now, s.cfg.Location)
	}
	return entries, total, nil
}

// ListPhrases is E35: a page of the caller's phrases, then every global one.
func (s *FollowUps) ListPhrases(ctx context.Context, a org.Actor, q ports.ListQuery) (ports.PhraseList, error) {
	own, total, err := s.phrases.Own(ctx, a.CompanyID, a.UserID, q)
	if err != nil {
		return ports.PhraseList{}, err
	}
	globals, err := s.phrases.Globals(ctx)
	return ports.PhraseList{Own: own, OwnAll: total, Globals: globals}, err
}

// AddPhrase is E36: unique among the caller's and the global phrases.
func (s *FollowUps) AddPhrase(ctx context.Context, a org.Actor, raw string) error {
	f := validate.New()
	text := f.Required("custom_language", raw, "自定义用语不能为空")
	f.MaxLen("custom_language", text, followup.PhraseMaxLen)
	if !f.Failed("custom_language") {
		taken, err := s.phrases.Taken(ctx, a.CompanyID, a.UserID, text)
		if err != nil {
			return err
		}
		if taken {
			f.Add("custom_language", "自定义常用语已存在")
		}
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	company, user := a.CompanyID, a.UserID
	err := s.phrases.Create(ctx, &followup.Phrase{CompanyID: &company, UserID: &user, Text: text})
	if errors.Is(err, ports.ErrDuplicate) {
		f.Add("custom_language", "自定义常用语已存在")
		return f.Err(errs.CodeInvalidData)
	}
	return err
}

// DeletePhrase is E37: only the caller's own phrases.
func (s *FollowUps) DeletePhrase(ctx context.Context, a org.Actor, id int64) error {
	err := s.phrases.DeleteOwn(ctx, a.CompanyID, a.UserID, id)
	return ports.NotFoundAs(err, errs.NotFound("ID不存在"))
}

// ListFollowNotes is E38: the notes of the caller's relation with the
// customer, oldest first; none yet is an empty list.
func (s *FollowUps) ListFollowNotes(ctx context.Context, a org.Actor, raw string, q ports.ListQuery) ([]followup.Note, int, error) {
	f := validate.New()
	id := f.Int("customer_id", raw, "客户ID不能为空", "客户ID不能为空") // legacy-api E38: both messages
	if !f.Failed("customer_id") {
		if err := visibleOnForm(ctx, s.customers, f, a, id, "customer_id"); err != nil {
			return nil, 0, err
		}
	}
	if err := f.ErrRequest(); err != nil {
		return nil, 0, err
	}
	return s.followUps.Notes(ctx, a.CompanyID, a.UserID, id, q.Page)
}

// AddFollowNote is A4: a free note, and last_follow_time, in one transaction.
func (s *FollowUps) AddFollowNote(ctx context.Context, a org.Actor, id int64, raw string) error {
	f := validate.New()
	text := f.Required("follow_info", raw, "跟进信息不能为空")
	f.MaxLen("follow_info", text, followup.NoteMaxLen)
	if err := visibleOnForm(ctx, s.customers, f, a, id, "customer_id"); err != nil {
		return err
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		return follow(ctx, s.followUps, a, id, text, s.clock.Now())
	})
}
