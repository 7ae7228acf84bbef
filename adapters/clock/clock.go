// Package clock provides the real clock and one for tests that moves only when told.
package clock

import (
	"sync"
	"time"
)

// System is the wall clock.
type System struct{}

// Now returns the current time.
func (System) Now() time.Time { return time.Now() }

// Fixed is a clock that moves only when told.
type Fixed struct {
	mu  sync.Mutex
	now time.Time
}

// NewFixed starts at t.
func NewFixed(t time.Time) *Fixed { return &Fixed{now: t} }

// Now returns the set time.
func (f *Fixed) Now() time.Time { f.mu.Lock(); defer f.mu.Unlock(); return f.now }

// Advance moves the clock forward.
func (f *Fixed) Advance(d time.Duration) { f.mu.Lock(); f.now = f.now.Add(d); f.mu.Unlock() }
