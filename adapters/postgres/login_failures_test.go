package postgres_test

import (
	"context"
	"strings"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
)

func TestLoginFailuresCountWithinTheWindowAndForget(t *testing.T) {
	db, _ := pgtest.New(t, time.UTC)
	f := postgres.NewLoginFailures(db)
	ctx := context.Background()
	t0 := time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)
	long := strings.Repeat("名", 100) // wider than the column: kept to 64 runes, still counted
	for i := 0; i < 3; i++ {
		if err := f.Record(ctx, "amy", "1.1.1.1", t0.Add(time.Duration(i)*time.Minute), t0.Add(-time.Hour)); err != nil {
			t.Fatal(err)
		}
	}
	if err := f.Record(ctx, long, "2.2.2.2", t0, t0.Add(-time.Hour)); err != nil {
		t.Fatal(err)
	}
	byUser, byIP, err := f.Count(ctx, "amy", "1.1.1.1", t0.Add(-time.Second))
	if err != nil || byUser != 3 || byIP != 3 {
		t.Fatalf("counts %d %d %v", byUser, byIP, err)
	}
	if byUser, _, _ := f.Count(ctx, long, "9.9.9.9", t0.Add(-time.Second)); byUser != 1 {
		t.Fatalf("long username counted %d", byUser)
	}
	// Only failures after since count.
	if byUser, _, _ := f.Count(ctx, "amy", "1.1.1.1", t0.Add(90*time.Second)); byUser != 1 {
		t.Fatalf("window: %d", byUser)
	}
	// A later failure forgets what is older than the window.
	if err := f.Record(ctx, "bob", "3.3.3.3", t0.Add(time.Hour), t0.Add(30*time.Minute)); err != nil {
		t.Fatal(err)
	}
	if byUser, byIP, _ := f.Count(ctx, "amy", "1.1.1.1", time.Time{}); byUser != 0 || byIP != 0 {
		t.Fatalf("old failures kept: %d %d", byUser, byIP)
	}
}
