package postgres

import (
	"context"
	"time"
)

// followUpTime names one of the times of a follow-up relation.
type followUpTime string

const (
	lastFollowTime   followUpTime = "last_follow_time"   // the rep followed up
	lastActivityTime followUpTime = "last_activity_time" // the customer did something
)

// touchFollowUp creates the (rep, customer) follow-up relation when missing
// and moves one of its times forward to at (never back); it returns the
// relation's id; a zero at is the transaction's clock. Every area that
// records a follow-up or an activity uses it.
func (d *DB) touchFollowUp(ctx context.Context, companyID, userID, customerID int64, col followUpTime, at time.Time) (int64, error) {
	c := string(col)
	var when any
	if !at.IsZero() {
		when = at
	}
	var id int64
	// Raw SQL: an upsert whose update moves the time forward only (GREATEST), returning the id either way.
	err := d.conn(ctx).Raw(`INSERT INTO follow_ups (company_id, user_id, customer_id, `+c+`)
		VALUES (?, ?, ?, COALESCE(?::timestamptz, now()))
		ON CONFLICT (company_id, user_id, customer_id) DO UPDATE SET `+c+` = GREATEST(follow_ups.`+c+`, EXCLUDED.`+c+`)
		RETURNING id`, companyID, userID, customerID, when).Scan(&id).Error
	return id, translate(err)
}

// bindCustomer creates the belonger row (rep, customer, source) when missing;
// an existing row keeps its source.
func (d *DB) bindCustomer(ctx context.Context, companyID, userID, customerID int64, source int) error {
	// Raw SQL: an upsert (ON CONFLICT DO NOTHING).
	return translate(d.conn(ctx).Exec(`INSERT INTO customer_belongers (company_id, user_id, customer_id, source)
		VALUES (?, ?, ?, ?) ON CONFLICT (company_id, user_id, customer_id) DO NOTHING`, companyID, userID, customerID, source).Error)
}
