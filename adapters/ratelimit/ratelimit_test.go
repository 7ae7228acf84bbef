package ratelimit

import (
	"fmt"
	"testing"
	"time"

	"leida/adapters/clock"
)

func TestUsernameBlockedFromEleventhFailureUntilWindowPasses(t *testing.T) {
	c := clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewLogins(DefaultLoginLimits, c)
	for i := 0; i < 10; i++ {
		if l.Blocked("bob", "1.1.1.1") {
			t.Fatalf("blocked after %d failures", i)
		}
		l.Failed("bob", "1.1.1.1")
		c.Advance(time.Second)
	}
	if !l.Blocked("bob", "2.2.2.2") {
		t.Fatal("11th attempt for bob not blocked")
	}
	if l.Blocked("alice", "3.3.3.3") {
		t.Fatal("another user blocked")
	}
	c.Advance(15 * time.Minute)
	if l.Blocked("bob", "1.1.1.1") {
		t.Fatal("still blocked after the window")
	}
}

func TestIPBlockedFromThirtyFirstFailure(t *testing.T) {
	c := clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	l := NewLogins(DefaultLoginLimits, c)
	for i := 0; i < 30; i++ {
		l.Failed(fmt.Sprintf("user%d", i), "9.9.9.9")
	}
	if !l.Blocked("fresh", "9.9.9.9") {
		t.Fatal("31st attempt from the address not blocked")
	}
	if l.Blocked("fresh", "8.8.8.8") {
		t.Fatal("other address blocked")
	}
}
