// Package radar implements the rep's radar: the timeline, the per-customer
// and per-action views, the new-event feed and a customer's detail (E31–E33,
// E47, A5). Every read is scoped to the calling rep in their company.
package radar

import (
	"context"
	"strings"
	"time"

	"leida/domain/org"
	"leida/domain/radar"
	"leida/domain/validate"
	"leida/ports"
)

// Config is the radar's configuration.
type Config struct {
	Location *time.Location // TIME_ZONE: the calendar of the radar's days (UTC when nil)
}

// Service implements the HTTP adapter\'s Radar.
type Service struct {
	logs  AccessLogRepository
	clock ports.Clock
	cfg   Config
}

// NewService wires the radar.
func NewService(logs AccessLogRepository, clock ports.Clock, cfg Config) *Service {
	if cfg.Location == nil {
		cfg.Location = time.UTC
	}
	return &Service{logs: logs, clock: clock, cfg: cfg}
}

// parsed is a validated radar query.
type parsed struct {
	action radar.Action
	logID  int64
	bounds radar.Bounds
}

func (s *Service) date(f *validate.Form, field, v string) (time.Time, bool) {
	t, ok := f.OptionalDate(field, v)
	if !ok {
		return time.Time{}, false
	}
	return radar.StartOfDay(t.Year(), t.Month(), t.Day(), s.cfg.Location), true
}

// parse validates action, id and the date bounds: 402 请求异常, errors in data.
func (s *Service) parse(q ports.RadarQuery) (parsed, error) {
	f := validate.New()
	var p parsed
	if a, ok := f.OptionalInt("action", q.Action, ""); ok && f.Within("action", a, validate.MinSmallInt, validate.MaxSmallInt) {
		p.action = radar.Action(a)
	}
	p.logID, _ = f.OptionalInt("id", q.ID, "")
	p.bounds.From, p.bounds.HasFrom = s.date(f, "create_date__gte", q.From)
	p.bounds.To, p.bounds.HasTo = s.date(f, "create_date__lt", q.To)
	return p, f.ErrRequest()
}

func (p parsed) filter(w radar.Window) ports.RadarFilter {
	return ports.RadarFilter{Window: w, Action: p.action, LogID: p.logID}
}

func (s *Service) now() time.Time { return s.clock.Now().In(s.cfg.Location) }

// Timeline is E31: the rep's logs, newest first by default; the returned
// page (and only it) is marked read.
func (s *Service) Timeline(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.Log, int, error) {
	p, err := s.parse(q)
	if err != nil {
		return nil, 0, err
	}
	w := radar.TimelineWindow(p.bounds, strings.TrimSpace(q.Action) != "", s.now())
	logs, total, err := s.logs.Timeline(ctx, a.CompanyID, a.UserID, p.filter(w), q.List)
	if err != nil {
		return nil, 0, err
	}
	var unread []int64
	for _, l := range logs {
		if l.IsNew {
			unread = append(unread, l.ID)
		}
	}
	if err := s.logs.MarkRead(ctx, a.CompanyID, a.UserID, unread); err != nil {
		return nil, 0, err
	}
	return logs, total, nil
}

// exportBatch is how many rows an export reads at a time.
const exportBatch = 1000

// ExportTimeline calls each for every log E31 would list with the same
// filters, newest first, unpaged; it marks nothing read (an export is not a
// look at the radar).
func (s *Service) ExportTimeline(ctx context.Context, a org.Actor, q ports.RadarQuery, each func(radar.Log) error) error {
	p, err := s.parse(q)
	if err != nil {
		return err
	}
	w := radar.TimelineWindow(p.bounds, strings.TrimSpace(q.Action) != "", s.now())
	return s.logs.ExportLogs(ctx, a.CompanyID, a.UserID, p.filter(w), exportBatch, each)
}

// ByCustomer is E32: per customer in the window, most active first, paged.
func (s *Service) ByCustomer(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.CustomerSummary, error) {
	p, err := s.parse(q)
	if err != nil {
		return nil, err
	}
	return s.logs.ByCustomer(ctx, a.CompanyID, a.UserID, p.filter(radar.SummaryWindow(p.bounds, s.now())), q.List.Page)
}

// ByAction is E33: counts per action in the window.
func (s *Service) ByAction(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.ActionCount, error) {
	p, err := s.parse(q)
	if err != nil {
		return nil, err
	}
	return s.logs.ByAction(ctx, a.CompanyID, a.UserID, p.filter(radar.SummaryWindow(p.bounds, s.now())))
}

// NewEvents is E47: the rep's unread events (at most radar.FeedLimit),
// marked read as they are returned, each exactly once.
func (s *Service) NewEvents(ctx context.Context, a org.Actor, action, order string) ([]radar.Log, error) {
	f := validate.New()
	n, ok := f.OptionalInt("action", action, "")
	if ok {
		f.Within("action", n, validate.MinSmallInt, validate.MaxSmallInt)
	}
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	newestFirst := strings.TrimSpace(order) != "create_date"
	return s.logs.ClaimNew(ctx, a.CompanyID, a.UserID, radar.Action(n), newestFirst, radar.FeedLimit)
}

// CustomerDetail is A5: per customer (one, or all of the rep's) and action.
// A customer_id that is not an integer matches nothing.
func (s *Service) CustomerDetail(ctx context.Context, a org.Actor, customerID string) ([]radar.CustomerSummary, error) {
	var id int64
	if strings.TrimSpace(customerID) != "" {
		n, ok := validate.ParseInt(customerID)
		if !ok || n <= 0 {
			return nil, nil
		}
		id = n
	}
	return s.logs.CustomerDetail(ctx, a.CompanyID, a.UserID, id)
}
