package postgres

import (
	"context"
	"strconv"
	"strings"
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

// logRow is the model of access_logs; created_at is the database's clock
// unless the log carries a time.
type logRow struct {
	ID         int64
	CompanyID  int64
	UserID     int64
	CustomerID int64
	Action     int
	Remark     string
	FollowUpID *int64
	CreatedAt  time.Time `gorm:"default:now()"`
}

func (logRow) TableName() string { return "access_logs" }

// logView is a log with its read state (in the unread feed or not) and its
// customer's name and avatar.
type logView struct {
	Log              logRow `gorm:"embedded"`
	IsNew            bool
	CustomerUsername string
	Headimgurl       string
}

func (v logView) domain() radar.Log {
	l := v.Log
	out := radar.Log{ID: l.ID, CompanyID: l.CompanyID, UserID: l.UserID, CustomerID: l.CustomerID,
		Action: radar.Action(l.Action), Remark: l.Remark, IsNew: v.IsNew, CreatedAt: l.CreatedAt,
		CustomerUsername: v.CustomerUsername, Headimgurl: v.Headimgurl}
	if l.FollowUpID != nil {
		out.FollowUpID = *l.FollowUpID
	}
	return out
}

func logs(rows []logView) []radar.Log {
	out := make([]radar.Log, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// Record writes the log, unread, linked to the (rep, customer) follow-up
// relation whose last_activity_time moves forward to the log's time (the
// relation is created when missing). The time is the transaction's clock,
// unless l.CreatedAt is set (back-dated history such as demo data).
func (r *AccessLogs) Record(ctx context.Context, l *radar.Log) error {
	followUpID, err := r.touchFollowUp(ctx, l.CompanyID, l.UserID, l.CustomerID, lastActivityTime, l.CreatedAt)
	if err != nil {
		return err
	}
	l.IsNew, l.FollowUpID = true, followUpID // a trigger puts every new log in the unread feed
	row := logRow{CompanyID: l.CompanyID, UserID: l.UserID, CustomerID: l.CustomerID, Action: int(l.Action), Remark: l.Remark,
		FollowUpID: &followUpID, CreatedAt: l.CreatedAt}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	l.ID, l.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// CountViews is the customer's card views (action 1) of the rep, from the
// all-time rollup.
func (r *AccessLogs) CountViews(ctx context.Context, companyID, userID, customerID int64) (int, error) {
	var n int64
	err := r.conn(ctx).Table("radar_customer_actions").Select("COALESCE(sum(n), 0)").Scopes(tenant(companyID)).
		Where("user_id = ? AND customer_id = ? AND action = ?", userID, customerID, int(radar.ViewCard)).Scan(&n).Error
	return int(n), translate(err)
}

// rep is the rep's raw logs narrowed by f.
func (r *AccessLogs) rep(ctx context.Context, companyID, userID int64, f ports.RadarFilter) *gorm.DB {
	q := r.conn(ctx).Table("access_logs l").Scopes(tenant(companyID)).Where("l.user_id = ?", userID)
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

// days narrows a rollup of the rep to the window's calendar days (windows
// are whole days in the configured zone, the rollups' zone).
func (r *AccessLogs) days(q *gorm.DB, w radar.Window) *gorm.DB {
	if !w.From.IsZero() {
		q = q.Where("day >= ?", r.day(w.From))
	}
	if !w.To.IsZero() {
		q = q.Where("day < ?", r.day(w.To))
	}
	return q
}

// day is t's calendar date in the configured zone.
func (d *DB) day(t time.Time) string { return t.In(d.loc).Format("2006-01-02") }

var timelineList = listSpec{
	orders:       map[string]string{"create_date": "l.created_at", "id": "l.id", "action": "l.action"},
	defaultOrder: "-create_date",
	tieBreaker:   "l.id",
}

const logColumns = "l.id, l.company_id, l.user_id, l.customer_id, l.action, l.remark, l.follow_up_id, l.created_at"

// withReadState is logColumns with is_new (the log is in the unread feed)
// and the customer's name and avatar; it needs the joins of withCustomer.
const withReadState = logColumns + ", u.log_id IS NOT NULL AS is_new, c.username AS customer_username, c.headimgurl"

// withCustomer joins what withReadState reads to the logs aliased l.
func withCustomer(q *gorm.DB) *gorm.DB {
	return q.Joins("JOIN customers c ON c.id = l.customer_id").Joins("LEFT JOIN radar_unread u ON u.log_id = l.id")
}

// Timeline reads one page of the rep's matching logs by index, with the
// customers' names and avatars, and their number from the daily rollup (one
// log's id is looked up), in one statement.
func (r *AccessLogs) Timeline(ctx context.Context, companyID, userID int64, f ports.RadarFilter, q ports.ListQuery) ([]radar.Log, int, error) {
	var count *gorm.DB
	switch {
	case f.LogID != 0:
		count = r.rep(ctx, companyID, userID, f).Select("count(*)")
	case f.Window == (radar.Window{}):
		count = r.conn(ctx).Table("radar_action_totals").Select("COALESCE(sum(n), 0)").
			Scopes(tenant(companyID)).Where("user_id = ?", userID)
	default:
		count = r.days(r.conn(ctx).Table("radar_action_days").Select("COALESCE(sum(n), 0)").
			Scopes(tenant(companyID)).Where("user_id = ?", userID), f.Window)
	}
	if f.LogID == 0 && f.Action != 0 {
		count = count.Where("action = ?", int(f.Action))
	}
	out, total, err := pageCounted[logView](withCustomer(r.rep(ctx, companyID, userID, f)), withReadState, count, timelineList, q)
	if err != nil {
		return nil, 0, err
	}
	return logs(out), total, nil
}

// MarkRead takes exactly these logs of the rep out of the unread feed. Rows a
// concurrent claim or deletion holds are skipped: the claim returns them
// anyway, the deletion removes them, and nobody waits in a cycle.
func (r *AccessLogs) MarkRead(ctx context.Context, companyID, userID int64, ids []int64) error {
	if len(ids) == 0 {
		return nil
	}
	// Raw SQL: FOR UPDATE SKIP LOCKED in the subquery that picks the rows to delete.
	return translate(r.conn(ctx).Exec(`DELETE FROM radar_unread WHERE log_id IN (
			SELECT log_id FROM radar_unread WHERE company_id = ? AND user_id = ? AND log_id IN ?
			ORDER BY log_id FOR UPDATE SKIP LOCKED)`,
		companyID, userID, ids).Error)
}

// oneLog is the rep's log f.LogID within the filter, as a summary source
// (E32/E33 with an id filter: at most one log, read by primary key).
func (r *AccessLogs) oneLog(ctx context.Context, companyID, userID int64, f ports.RadarFilter) ([]radar.Log, error) {
	var rows []logView
	err := withCustomer(r.rep(ctx, companyID, userID, f)).Select(withReadState).Find(&rows).Error
	return logs(rows), translate(err)
}

type customerCount struct {
	CustomerID int64
	Action     int
	Total      int
	Username   string
	Headimgurl string
	AiPr       *int
}

// ByCustomer ranks the rep's customers by their logs in the window (most
// active first, ties by customer id) from the per-day customer rollup, then
// pages; each summary carries its per-action counts.
func (r *AccessLogs) ByCustomer(ctx context.Context, companyID, userID int64, f ports.RadarFilter, p paging.Page) ([]radar.CustomerSummary, error) {
	if f.LogID != 0 {
		l, err := r.oneLog(ctx, companyID, userID, f)
		if err != nil {
			return nil, err
		}
		sums := radar.Summarise(l)
		from, to := p.Slice(len(sums))
		return sums[from:to], nil
	}
	if start, ok := r.openWindow(f.Window); ok {
		return r.rankOpenWindow(ctx, companyID, userID, start, p)
	}
	grouped := r.days(r.conn(ctx).Table("radar_customer_days").Select("customer_id, sum(n) AS total").
		Scopes(tenant(companyID), paged(p)).Where("user_id = ?", userID), f.Window).
		Group("customer_id").Order("total DESC, customer_id")
	var heads []customerCount
	err := r.conn(ctx).Table("(?) g", grouped).Select("g.customer_id, g.total, c.username, c.headimgurl, p.ai_pr").
		Joins("JOIN customers c ON c.id = g.customer_id").
		Joins("LEFT JOIN customer_profiles p ON p.company_id = ? AND p.customer_id = g.customer_id", companyID).
		Order("g.total DESC, g.customer_id").Find(&heads).Error
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
	detail := r.days(r.conn(ctx).Table("radar_customer_days d, unnest(d.counts) WITH ORDINALITY AS a(n, action)").
		Select("d.customer_id, a.action, sum(a.n) AS total").
		Scopes(tenantOf("d", companyID)).Where("d.user_id = ? AND d.customer_id IN ?", userID, ids), f.Window)
	err = detail.Group("d.customer_id, a.action").Having("sum(a.n) > 0").Order("d.customer_id, a.action").Find(&details).Error
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
			Total: h.Total, ByAction: byCustomer[h.CustomerID], AIPr: h.AiPr}
	}
	return out, nil
}

// openWindow is the start day of w when the open-window ranking holds it:
// no upper bound and a start day one to seven days ago (the default window
// starts seven days ago); the database keeps a day of slack either side.
func (r *AccessLogs) openWindow(w radar.Window) (string, bool) {
	if w.From.IsZero() || !w.To.IsZero() {
		return "", false
	}
	y, m, d := time.Now().In(r.loc).Date()
	today := time.Date(y, m, d, 0, 0, 0, 0, r.loc)
	if from := w.From.In(r.loc); from.Before(today.AddDate(0, 0, -radar.DefaultDays+1)) || !from.Before(today) {
		return "", false
	}
	return r.day(w.From), true
}

type windowRow struct {
	CustomerID int64
	Total      int
	Counts     string // "n1,…,n12"
	Username   string
	Headimgurl string
	AiPr       *int
}

// rankOpenWindow reads one page of the open window starting on start, most
// active first, with the per-action counts, by index in one statement.
func (r *AccessLogs) rankOpenWindow(ctx context.Context, companyID, userID int64, start string, p paging.Page) ([]radar.CustomerSummary, error) {
	q := r.conn(ctx).Table("radar_customer_windows w").
		Select("w.customer_id, w.n AS total, array_to_string(w.counts, ',') AS counts, c.username, c.headimgurl, p.ai_pr").
		Joins("JOIN customers c ON c.id = w.customer_id").
		Joins("LEFT JOIN customer_profiles p ON p.company_id = w.company_id AND p.customer_id = w.customer_id").
		Scopes(tenant(companyID), paged(p)).Where("w.user_id = ? AND w.start_day = ?", userID, start).
		Order("w.n DESC, w.customer_id")
	var rows []windowRow
	if err := q.Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]radar.CustomerSummary, len(rows))
	for i, row := range rows {
		out[i] = radar.CustomerSummary{CustomerID: row.CustomerID, Username: row.Username, Headimgurl: row.Headimgurl, Total: row.Total,
			AIPr: row.AiPr}
		for a, n := range strings.Split(row.Counts, ",") {
			if c, err := strconv.Atoi(n); err == nil && c > 0 {
				out[i].ByAction = append(out[i].ByAction, radar.ActionCount{Action: radar.Action(a + 1), Count: c})
			}
		}
	}
	return out, nil
}

// ByAction counts the rep's logs per action in the window, in action order,
// from the daily rollup.
func (r *AccessLogs) ByAction(ctx context.Context, companyID, userID int64, f ports.RadarFilter) ([]radar.ActionCount, error) {
	if f.LogID != 0 {
		l, err := r.oneLog(ctx, companyID, userID, f)
		if err != nil {
			return nil, err
		}
		return radar.CountByAction(l), nil
	}
	var rows []customerCount
	q := r.days(r.conn(ctx).Table("radar_action_days").Select("action, sum(n) AS total").
		Scopes(tenant(companyID)).Where("user_id = ?", userID), f.Window)
	if f.Action != 0 {
		q = q.Where("action = ?", int(f.Action))
	}
	if err := q.Group("action").Having("sum(n) > 0").Order("action").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]radar.ActionCount, len(rows))
	for i, row := range rows {
		out[i] = radar.ActionCount{Action: radar.Action(row.Action), Count: row.Total}
	}
	return out, nil
}

// ClaimNew takes at most limit logs of the rep out of the unread feed and
// returns exactly those. It reads the newest (or oldest) unread entries
// straight from the feed's index, and entries another poll is claiming are
// skipped, so concurrent polls never return the same event twice.
func (r *AccessLogs) ClaimNew(ctx context.Context, companyID, userID int64, action radar.Action, newestFirst bool, limit int) ([]radar.Log, error) {
	order := "created_at DESC NULLS LAST, log_id DESC"
	if !newestFirst {
		order = "created_at ASC NULLS FIRST, log_id ASC"
	}
	filter := ""
	args := []any{companyID, userID}
	if action != 0 {
		filter = " AND action = ?"
		args = append(args, int(action))
	}
	args = append(args, limit)
	var rows []logView
	// Raw SQL: the claim is one statement (lock, delete, read back), which GORM cannot express.
	err := r.conn(ctx).Raw(`WITH picked AS (
			SELECT log_id FROM radar_unread
			WHERE company_id = ? AND user_id = ?`+filter+`
			ORDER BY `+order+`
			LIMIT ? FOR UPDATE SKIP LOCKED),
		claimed AS (
			DELETE FROM radar_unread WHERE log_id = ANY (ARRAY(SELECT log_id FROM picked))
			RETURNING log_id)
		SELECT `+logColumns+`, true AS is_new, c.username AS customer_username, c.headimgurl
		FROM claimed JOIN access_logs l ON l.id = claimed.log_id JOIN customers c ON c.id = l.customer_id
		ORDER BY l.`+strings.ReplaceAll(order, ", log_id", ", l.id"), args...).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return logs(rows), nil
}

// CustomerDetail counts the rep's logs per customer and action, all time,
// from the per-customer rollup.
func (r *AccessLogs) CustomerDetail(ctx context.Context, companyID, userID, customerID int64) ([]radar.CustomerSummary, error) {
	q := r.conn(ctx).Table("radar_customer_actions").Select("customer_id, action, n AS total").
		Scopes(tenant(companyID)).Where("user_id = ?", userID)
	if customerID != 0 {
		q = q.Where("customer_id = ?", customerID)
	}
	var rows []customerCount
	if err := q.Order("customer_id, action").Find(&rows).Error; err != nil {
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
