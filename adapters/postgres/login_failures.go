package postgres

import (
	"context"

	"leida/ports"
)

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
		// Raw SQL: advisory locks and a two-way count have no GORM form.
		if err := db.Exec(`SELECT pg_advisory_xact_lock(1, hashtext(?)), pg_advisory_xact_lock(2, hashtext(?))`, username, ip).Error; err != nil {
			return err
		}
		var n struct {
			ByUsername int
			ByIP       int
		}
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
		if err := db.Raw(`INSERT INTO login_failures (username, client_ip, created_at) VALUES (?, ?, ?) RETURNING id`,
			username, ip, a.At).Scan(&id).Error; err != nil {
			return err
		}
		return db.Exec(`DELETE FROM login_failures WHERE created_at <= ?`, a.Since).Error
	})
	return id, ok, translate(err)
}

// Release forgets a reserved attempt.
func (r *LoginFailures) Release(ctx context.Context, id int64) error {
	return translate(r.conn(ctx).Exec(`DELETE FROM login_failures WHERE id = ?`, id).Error)
}

// truncate keeps at most n runes (the column's width).
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
