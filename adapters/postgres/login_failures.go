package postgres

import (
	"context"
	"time"

	"leida/ports"
)

// loginFailureRow is the model of login_failures; created_at is the attempt's time.
type loginFailureRow struct {
	ID        int64
	Username  string
	ClientIP  string
	CreatedAt time.Time `gorm:"autoCreateTime:false"`
}

func (loginFailureRow) TableName() string { return "login_failures" }

// LoginFailures stores failed password logins in PostgreSQL, so that the
// D5 limits hold across every instance behind a load balancer.
type LoginFailures struct{ *DB }

// NewLoginFailures makes the repository.
func NewLoginFailures(db *DB) *LoginFailures { return &LoginFailures{db} }

// Reserve holds transaction-scoped advisory locks on the username and the
// address (in that order, so two attempts never wait for each other in a
// cycle) while it counts the window and records the attempt: of concurrent
// attempts, exactly those under the limits are recorded.
func (r *LoginFailures) Reserve(ctx context.Context, a ports.LoginAttempt) (int64, bool, error) {
	username, ip := truncate(a.Username, 64), truncate(a.ClientIP, 64)
	var id int64
	ok := false
	err := r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		// Raw SQL: advisory locks have no GORM form.
		if err := db.Exec(`SELECT pg_advisory_xact_lock(1, hashtext(?)), pg_advisory_xact_lock(2, hashtext(?))`, username, ip).Error; err != nil {
			return err
		}
		var n struct {
			ByUsername int
			ByIP       int
		}
		// Raw SQL: two counts in one statement (scalar subqueries, no table of their own).
		if err := db.Raw(`SELECT
				(SELECT count(*) FROM login_failures WHERE username = ? AND created_at > ?) AS by_username,
				(SELECT count(*) FROM login_failures WHERE client_ip = ? AND created_at > ?) AS by_ip`,
			username, a.Since, ip, a.Since).Scan(&n).Error; err != nil {
			return err
		}
		if n.ByUsername >= a.PerUsername || n.ByIP >= a.PerIP {
			return nil
		}
		ok = true
		row := loginFailureRow{Username: username, ClientIP: ip, CreatedAt: a.At}
		if err := db.Create(&row).Error; err != nil {
			return err
		}
		id = row.ID
		return db.Where("created_at <= ?", a.Since).Delete(&loginFailureRow{}).Error
	})
	return id, ok, translate(err)
}

// Release forgets a reserved attempt.
func (r *LoginFailures) Release(ctx context.Context, id int64) error {
	return translate(r.conn(ctx).Where("id = ?", id).Delete(&loginFailureRow{}).Error)
}

// truncate keeps at most n runes (the column's width).
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
