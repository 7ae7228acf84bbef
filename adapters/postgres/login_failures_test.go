package postgres_test

import (
	"context"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	"leida/ports"
)

func TestLoginAttemptsAreReservedWithinTheLimitsAndForgotten(t *testing.T) {
	db, _ := pgtest.New(t, time.UTC)
	f := postgres.NewLoginFailures(db)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	attempt := func(user, ip string, at time.Time) (int64, bool) {
		t.Helper()
		id, ok, err := f.Reserve(ctx, ports.LoginAttempt{Username: user, ClientIP: ip, At: at, Since: at.Add(-15 * time.Minute),
			PerUsername: 3, PerIP: 5})
		if err != nil {
			t.Fatal(err)
		}
		return id, ok
	}
	for i := range 3 {
		if _, ok := attempt("amy", "1.1.1.1", t0.Add(time.Duration(i)*time.Second)); !ok {
			t.Fatalf("attempt %d refused", i+1)
		}
	}
	if _, ok := attempt("amy", "2.2.2.2", t0.Add(4*time.Second)); ok {
		t.Fatal("the 4th attempt for a username passed")
	}
	// A released attempt (the password was right) no longer counts.
	long := strings.Repeat("名", 100) // wider than the column: kept to 64 runes, still counted
	id, _ := attempt(long, "1.1.1.1", t0.Add(5*time.Second))
	if err := f.Release(ctx, id); err != nil {
		t.Fatal(err)
	}
	for i := range 2 {
		if _, ok := attempt(long, "1.1.1.1", t0.Add(time.Duration(6+i)*time.Second)); !ok {
			t.Fatalf("long username, attempt %d refused", i)
		}
	}
	if _, ok := attempt("carl", "1.1.1.1", t0.Add(9*time.Second)); ok {
		t.Fatal("the 6th attempt from an address passed")
	}
	// The window passes: old attempts are forgotten.
	if _, ok := attempt("amy", "1.1.1.1", t0.Add(time.Hour)); !ok {
		t.Fatal("still refused after the window")
	}
}

// Concurrent attempts for one username: exactly the limit is let through.
func TestConcurrentLoginAttemptsCannotPassTheLimit(t *testing.T) {
	db, _ := pgtest.New(t, time.UTC)
	f := postgres.NewLoginFailures(db)
	now := time.Now()
	var passed atomic.Int32
	var wg sync.WaitGroup
	for i := range 40 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			_, ok, err := f.Reserve(context.Background(), ports.LoginAttempt{Username: "amy", ClientIP: "10.0.0." + string(rune('0'+i%10)),
				At: now, Since: now.Add(-15 * time.Minute), PerUsername: 10, PerIP: 30})
			if err != nil {
				t.Error(err)
			}
			if ok {
				passed.Add(1)
			}
		}()
	}
	wg.Wait()
	if passed.Load() != 10 {
		t.Fatalf("%d of 40 concurrent attempts passed, want 10", passed.Load())
	}
}
