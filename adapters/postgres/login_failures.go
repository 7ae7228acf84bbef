package postgres

import (
	"context"
	"time"

	"leida/ports"
)

// LoginFailures stores failed password logins in PostgreSQL, so that the
// D5 limits hold across every instance behind a load balancer.
type LoginFailures struct{ *DB }

// NewLoginFailures makes the repository.
func NewLoginFailures(db *DB) *LoginFailures { return &LoginFailures{db} }

var _ ports.LoginFailures = (*LoginFailures)(nil)

// Count returns the failures since the time for the username and the address.
func (r *LoginFailures) Count(ctx context.Context, username, clientIP string, since time.Time) (int, int, error) {
	var out struct {
		ByUsername int
		ByIP       int
	}
	err := r.conn(ctx).Raw(`SELECT
			(SELECT count(*) FROM login_failures WHERE username = ? AND created_at > ?) AS by_username,
			(SELECT count(*) FROM login_failures WHERE client_ip = ? AND created_at > ?) AS by_ip`,
		truncate(username, 64), since, truncate(clientIP, 64), since).Scan(&out).Error
	return out.ByUsername, out.ByIP, translate(err)
}

// Record stores one failure and forgets those older than forgetBefore.
func (r *LoginFailures) Record(ctx context.Context, username, clientIP string, at, forgetBefore time.Time) error {
	return r.Run(ctx, func(ctx context.Context) error {
		if err := r.conn(ctx).Exec(`INSERT INTO login_failures (username, client_ip, created_at) VALUES (?, ?, ?)`,
			truncate(username, 64), truncate(clientIP, 64), at).Error; err != nil {
			return translate(err)
		}
		return translate(r.conn(ctx).Exec(`DELETE FROM login_failures WHERE created_at <= ?`, forgetBefore).Error)
	})
}

// truncate keeps at most n runes (the column's width).
func truncate(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}
