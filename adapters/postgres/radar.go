package postgres

import (
	"context"
	"time"

	"gorm.io/gorm"

	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
)

// AccessLogs is the radar's access-log repository.
type AccessLogs struct{ *DB }

// NewAccessLogs makes the repository.
func NewAccessLogs(db *DB) *AccessLogs { return &AccessLogs{db} }

var _ ports.AccessLogRepository = (*AccessLogs)(nil)

type logRow struct {
	ID               int64
	CompanyID        int64
	UserID           int64
	CustomerID       int64
	Action           int
	Remark           string
	IsNew            bool
	FollowUpID       *int64
	CreatedAt        time.Time
	CustomerUsername string
	Headimgurl       string
}

func (l logRow) domain() radar.Log {
	out := radar.Log{ID: l.ID, CompanyID: l.CompanyID, UserID: l.UserID, CustomerID: l.CustomerID,
		Action: radar.Action(l.Action), Remark: l.Remark, IsNew: l.IsNew, CreatedAt: l.CreatedAt,
		CustomerUsername: l.CustomerUsername, Headimgurl: l.Headimgurl}
	if l.FollowUpID != nil {
		out.FollowUpID = *l.FollowUpID
	}
	return out
}

func logs(rows []logRow) []radar.Log {
	out := make([]radar.Log, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// Insert writes a log (unread) and sets its id and time (the database's
// clock, unless l.CreatedAt is set).
func (r *AccessLogs) Insert(ctx context.Context, l *radar.Log) error {
	l.IsNew = true
	cols := map[string]any{"company_id": l.CompanyID, "user_id": l.UserID, "customer_id": l.CustomerID,
		"action": int(l.Action), "remark": l.Remark, "is_new": true}
	if !l.CreatedAt.IsZero() {
		cols["created_at"] = l.CreatedAt
	}
	return r.insert(ctx, "access_logs", cols, &l.ID, &l.CreatedAt)
}

// TouchFollowUp upserts the (rep, customer) relation's last_activity_time and
// links the log to it, in one statement.
func (r *AccessLogs) TouchFollowUp(ctx context.Context, l *radar.Log) error {
	id, err := r.touchFollowUp(ctx, l.CompanyID, l.UserID, l.CustomerID, lastActivityTime, l.CreatedAt)
	if err != nil {
		return err
	}
	if err := affected(r.conn(ctx).Exec(`UPDATE access_logs SET follow_up_id = ? WHERE id = ?`, id, l.ID)); err != nil {
		return err
	}
	l.FollowUpID = id
	return nil
}

// CountViews counts the customer's card views (action 1) of the rep.
func (r *AccessLogs) CountViews(ctx context.Context, companyID, userID, customerID int64) (int, error) {
	var n int64
	err := r.conn(ctx).Table("access_logs").Where("company_id = ? AND customer_id = ? AND user_id = ? AND action = ?",
		companyID, customerID, userID, int(radar.ViewCard)).Count(&n).Error
	return int(n), translate(err)
}

// rep is the rep's logs narrowed by f.
func (r *AccessLogs) rep(ctx context.Context, companyID, userID int64, f ports.RadarFilter) *gorm.DB {
	q := r.conn(ctx).Table("access_logs l").Where("l.company_id = ? AND l.user_id = ?", companyID, userID)
	if !f.Window.From.IsZero() {
		q = q.Where("l.created_at >= ?", f.Window.From)
	}
	if !f.Window.To.IsZero() {
		q = q.Where("l.created_at < ?", f.Window.To)
	}
	if f.Action != 0 {
		q = q.Where("l.action = ?", int(f.Action))
	}
	if f.LogID != 0 {
		q = q.Where("l.id = ?", f.LogID)
	}
	return q
}

var timelineList = listSpec{
	orders:       map[string]string{"create_date": "l.created_at", "id": "l.id", "action": "l.action"},
	defaultOrder: "-create_date",
	tieBreaker:   "l.id",
}

const logColumns = "l.id, l.company_id, l.user_id, l.customer_id, l.action, l.remark, l.is_new, l.follow_up_id, l.created_at"

// Timeline counts the rep's matching logs and reads one page, with the
// customers' names and avatars.
func (r *AccessLogs) Timeline(ctx context.Context, companyID, userID int64, f ports.RadarFilter, q ports.ListQuery) ([]radar.Log, int, error) {
	var total int64
	if err := r.rep(ctx, companyID, userID, f).Count(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	if total == 0 {
		return nil, 0, nil
	}
	rows := r.rep(ctx, companyID, userID, f).
		Select(logColumns + ", c.username AS customer_username, c.headimgurl").
		Joins("JOIN customers c ON c.id = l.customer_id")
	rows = applyOrder(rows, timelineList, q.Order)
	if q.Page.Length > 0 {
		rows = rows.Offset(q.Page.Offset()).Limit(q.Page.Length)
	}
	var out []logRow
	if err := rows.Find(&out).Error; err != nil {
		return nil, 0, translate(err)
	}
	return logs(out), int(total), nil
}

// MarkRead clears the unread flag of exactly these logs of the rep.
func (r *AccessLogs) MarkRead(ctx context.Context, companyID, userID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	return translate(r.conn(ctx).Exec("UPDATE access_logs SET is_new = false WHERE company_id = ? AND user_id = ? AND id IN ? AND is_new",
		companyID, userID, ids).Error)
}

type customerCount struct {
	CustomerID int64
	Action     int
	Total      int
	Username   string
	Headimgurl string
}

// ByCustomer groups the rep's logs by customer, most active first (ties:
// customer id), then pages; each summary carries its per-action counts.
func (r *AccessLogs) ByCustomer(ctx context.Context, companyID, userID int64, f ports.RadarFilter, p paging.Page) ([]radar.CustomerSummary, error) {
	grouped := r.rep(ctx, companyID, userID, f).Select("l.customer_id, count(*) AS total").
		Group("l.customer_id").Order("total DESC, l.customer_id")
	if p.Length > 0 {
		grouped = grouped.Offset(p.Offset()).Limit(p.Length)
	}
	var heads []customerCount
	err := r.conn(ctx).Table("(?) g", grouped).Select("g.customer_id, g.total, c.username, c.headimgurl").
		Joins("JOIN customers c ON c.id = g.customer_id").Order("g.total DESC, g.customer_id").Find(&heads).Error
	if err != nil {
		return nil, translate(err)
	}
	if len(heads) == 0 {
		return nil, nil
	}
	ids := make([]int64, len(heads))
	for i, h := range heads {
		ids[i] = h.CustomerID
	}
	var details []customerCount
	err = r.rep(ctx, companyID, userID, f).Select("l.customer_id, l.action, count(*) AS total").
		Where("l.customer_id IN ?", ids).Group("l.customer_id, l.action").Order("l.customer_id, l.action").Find(&details).Error
	if err != nil {
		return nil, translate(err)
	}
	byCustomer := map[int64][]radar.ActionCount{}
	for _, d := range details {
		byCustomer[d.CustomerID] = append(byCustomer[d.CustomerID], radar.ActionCount{Action: radar.Action(d.Action), Count: d.Total})
	}
	out := make([]radar.CustomerSummary, len(heads))
	for i, h := range heads {
		out[i] = radar.CustomerSummary{CustomerID: h.CustomerID, Username: h.Username, Headimgurl: h.Headimgurl,
			Total: h.Total, ByAction: byCustomer[h.CustomerID]}
	}
	return out, nil
}

// ByAction counts the rep's logs per action, in action order.
func (r *AccessLogs) ByAction(ctx context.Context, companyID, userID int64, f ports.RadarFilter) ([]radar.ActionCount, error) {
	var rows []customerCount
	err := r.rep(ctx, companyID, userID, f).Select("l.action, count(*) AS total").Group("l.action").Order("l.action").
		Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]radar.ActionCount, len(rows))
	for i, row := range rows {
		out[i] = radar.ActionCount{Action: radar.Action(row.Action), Count: row.Total}
	}
	return out, nil
}

// ClaimNew marks at most limit unread logs of the rep read and returns
// exactly those. Rows another poll is claiming are skipped, so concurrent
// polls never return the same event twice.
func (r *AccessLogs) ClaimNew(ctx context.Context, companyID, userID int64, action radar.Action, newestFirst bool, limit int) ([]radar.Log, error) {
	dir := "DESC"
	if !newestFirst {
		dir = "ASC"
	}
	filter := ""
	args := []any{companyID, userID}
	if action != 0 {
		filter = " AND action = ?"
		args = append(args, int(action))
	}
	args = append(args, limit)
	var rows []logRow
	err := r.conn(ctx).Raw(`WITH claimed AS (
			UPDATE access_logs SET is_new = false
			WHERE id IN (
				SELECT id FROM access_logs
				WHERE company_id = ? AND user_id = ? AND is_new`+filter+`
				ORDER BY created_at `+dir+`, id `+dir+`
				LIMIT ? FOR UPDATE SKIP LOCKED)
			AND is_new
			RETURNING id, company_id, user_id, customer_id, action, remark, is_new, follow_up_id, created_at)
		SELECT l.*, c.username AS customer_username, c.headimgurl
		FROM claimed l JOIN customers c ON c.id = l.customer_id
		ORDER BY l.created_at `+dir+`, l.id `+dir, args...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return logs(rows), nil
}

// CustomerDetail counts the rep's logs per customer and action.
func (r *AccessLogs) CustomerDetail(ctx context.Context, companyID, userID, customerID int64) ([]radar.CustomerSummary, error) {
	q := r.rep(ctx, companyID, userID, ports.RadarFilter{}).Select("l.customer_id, l.action, count(*) AS total")
	if customerID != 0 {
		q = q.Where("l.customer_id = ?", customerID)
	}
	var rows []customerCount
	if err := q.Group("l.customer_id, l.action").Order("l.customer_id, l.action").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	var out []radar.CustomerSummary
	for _, row := range rows {
		if len(out) == 0 || out[len(out)-1].CustomerID != row.CustomerID {
			out = append(out, radar.CustomerSummary{CustomerID: row.CustomerID})
		}
		s := &out[len(out)-1]
		s.Total += row.Total
		s.ByAction = append(s.ByAction, radar.ActionCount{Action: radar.Action(row.Action), Count: row.Total})
	}
	return out, nil
}
