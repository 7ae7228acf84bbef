// Package ratelimit counts failed logins per username and per client address
// in a sliding window (in memory, per instance).
package ratelimit

import (
	"sync"
	"time"

	"leida/ports"
)

// LoginLimits as D5: blocked from the 11th failure per username or the 31st
// per client address within 15 minutes.
type LoginLimits struct {
	PerUsername int
	PerIP       int
	Window      time.Duration
}

// DefaultLoginLimits are the contract's numbers.
var DefaultLoginLimits = LoginLimits{PerUsername: 10, PerIP: 30, Window: 15 * time.Minute}

// Logins implements ports.LoginThrottle.
type Logins struct {
	limits LoginLimits
	clock  ports.Clock
	mu     sync.Mutex
	user   map[string][]time.Time
	ip     map[string][]time.Time
}

// NewLogins makes an empty throttle.
func NewLogins(limits LoginLimits, clock ports.Clock) *Logins {
	return &Logins{limits: limits, clock: clock, user: map[string][]time.Time{}, ip: map[string][]time.Time{}}
}

var _ ports.LoginThrottle = (*Logins)(nil)

func (l *Logins) recent(m map[string][]time.Time, key string, now time.Time) []time.Time {
	ts := m[key]
	i := 0
	for i < len(ts) && now.Sub(ts[i]) >= l.limits.Window {
		i++
	}
	ts = ts[i:]
	if len(ts) == 0 {
		delete(m, key)
	} else {
		m[key] = ts
	}
	return ts
}

// Blocked reports whether either counter reached its limit.
func (l *Logins) Blocked(username, clientIP string) bool {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	return len(l.recent(l.user, username, now)) >= l.limits.PerUsername ||
		len(l.recent(l.ip, clientIP, now)) >= l.limits.PerIP
}

// Failed records a failure for both keys.
func (l *Logins) Failed(username, clientIP string) {
	l.mu.Lock()
	defer l.mu.Unlock()
	now := l.clock.Now()
	l.user[username] = append(l.recent(l.user, username, now), now)
	l.ip[clientIP] = append(l.recent(l.ip, clientIP, now), now)
}
