package postgres

import (
	"context"
	"encoding/json"
	"time"

	"leida/domain/customer"
	"leida/domain/radar"
	"leida/ports"
)

// The exports read in keyset batches: each batch is one short statement (the
// statement timeout holds), memory stays one batch however many rows there
// are, and no transaction stays open while the client downloads.

// exportRow is one customer of the export as the statement reads it.
type exportRow struct {
	ID           int64
	Username     string
	MemoName     *string
	Phone        *string
	InfoCompany  *string
	Position     *string
	Source       *int
	Belongers    string // JSON list of names
	Tags         string // JSON list of names
	ExpectedTime *time.Time
	ExpectedPr   *string `gorm:"column:expedted_pr"`
	AiPr         *int
	Outcome      int
	LastActivity *time.Time
	LastFollow   *time.Time
}

func (r exportRow) domain() (customer.ExportRow, error) {
	out := customer.ExportRow{ID: r.ID, Name: r.Username, MemoName: deref(r.MemoName), Phone: deref(r.Phone),
		Company: deref(r.InfoCompany), Position: deref(r.Position), Source: customer.SourceScan,
		ExpectedTime: r.ExpectedTime, ExpectedPr: deref(r.ExpectedPr), AIPr: r.AiPr, Outcome: customer.Outcome(r.Outcome),
		LastActivity: r.LastActivity, LastFollow: r.LastFollow}
	if r.Source != nil {
		out.Source = customer.Source(*r.Source)
	}
	if err := json.Unmarshal([]byte(r.Belongers), &out.Belongers); err != nil {
		return out, err
	}
	return out, json.Unmarshal([]byte(r.Tags), &out.Tags)
}

// ExportCustomers calls each for every customer the viewer sees, by id, in
// batches of batch.
func (r *Customers) ExportCustomers(ctx context.Context, v customer.Viewer, batch int, each func(customer.ExportRow) error) error {
	// Only the viewer's own follow-ups unless the viewer sees the company.
	own := !v.WholeCompany
	for after := int64(0); ; {
		var rows []exportRow
		// Raw SQL: correlated aggregates per customer (belongers, tags, the
		// follow-up times) over the batch's ids, driven by the belonger index.
		err := r.conn(ctx).Raw(`WITH ids AS (
				SELECT DISTINCT customer_id FROM customer_belongers
				WHERE company_id = @co AND (NOT @own OR user_id = @uid) AND customer_id > @after
				ORDER BY customer_id LIMIT @n)
			SELECT c.id, c.username, p.memo_name, i.phone, i.company AS info_company, i.position,
				(SELECT b.source FROM customer_belongers b WHERE b.customer_id = c.id AND b.company_id = @co
					ORDER BY (b.user_id = @uid) DESC, b.id LIMIT 1) AS source,
				(SELECT COALESCE(json_agg(u.username ORDER BY u.id), '[]') FROM customer_belongers b
					JOIN users u ON u.id = b.user_id AND u.deleted_at IS NULL
					WHERE b.customer_id = c.id AND b.company_id = @co)::text AS belongers,
				(SELECT COALESCE(json_agg(t.name ORDER BY t.id), '[]') FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
					WHERE ct.customer_id = c.id AND ct.company_id = @co)::text AS tags,
				p.expected_time, p.expedted_pr, p.ai_pr, COALESCE(p.outcome, 0) AS outcome,
				(SELECT max(f.last_activity_time) FROM follow_ups f
					WHERE f.company_id = @co AND f.customer_id = c.id AND (NOT @own OR f.user_id = @uid)) AS last_activity,
				(SELECT max(f.last_follow_time) FROM follow_ups f
					WHERE f.company_id = @co AND f.customer_id = c.id AND (NOT @own OR f.user_id = @uid)) AS last_follow
			FROM ids JOIN customers c ON c.id = ids.customer_id
			LEFT JOIN customer_profiles p ON p.company_id = @co AND p.customer_id = c.id
			LEFT JOIN customer_information i ON i.company_id = @co AND i.customer_id = c.id
			ORDER BY c.id`,
			map[string]any{"co": v.CompanyID, "uid": v.UserID, "own": own, "after": after, "n": batch}).Scan(&rows).Error
		if err != nil {
			return translate(err)
		}
		for _, row := range rows {
			out, err := row.domain()
			if err != nil {
				return err
			}
			if err := each(out); err != nil {
				return err
			}
		}
		if len(rows) < batch {
			return nil
		}
		after = rows[len(rows)-1].ID
	}
}

// ExportLogs calls each for the rep's logs matching f, newest first, in
// batches of batch. The order must be the E31 index's to the letter
// (created_at DESC NULLS LAST, id DESC): with the default NULLS FIRST each
// batch would sort the rep's whole history.
func (r *AccessLogs) ExportLogs(ctx context.Context, companyID, userID int64, f ports.RadarFilter, batch int, each func(radar.Log) error) error {
	var at time.Time
	var id int64
	for first := true; ; first = false {
		q := withCustomer(r.rep(ctx, companyID, userID, f)).Select(withReadState)
		if !first {
			q = q.Where("(l.created_at, l.id) < (?, ?)", at, id)
		}
		var rows []logView
		if err := q.Order("l.created_at DESC NULLS LAST, l.id DESC").Limit(batch).Find(&rows).Error; err != nil {
			return translate(err)
		}
		for _, row := range rows {
			if err := each(row.domain()); err != nil {
				return err
			}
		}
		if len(rows) < batch {
			return nil
		}
		last := rows[len(rows)-1].Log
		at, id = last.CreatedAt, last.ID
	}
}
