// Package pgtest gives tests a fresh, migrated, throw-away PostgreSQL
// database, dropped when the test (or test binary) ends.
package pgtest

import (
	"context"
	"crypto/rand"
	"database/sql"
	"encoding/hex"
	"fmt"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"leida/adapters/postgres"
)

// ServerURL is the server the throw-away databases live on: DATABASE_URL
// (any database name), else the local default.
func ServerURL() string {
	if v := os.Getenv("DATABASE_URL"); v != "" {
		return v
	}
	return "postgres://postgres@127.0.0.1:5432/postgres?sslmode=disable"
}

func withDB(raw, name string) (string, error) {
	u, err := url.Parse(raw)
	if err != nil {
		return "", err
	}
	u.Path = "/" + name
	return u.String(), nil
}

// Create makes and migrates a new database and returns its URL and a drop function.
func Create(prefix string) (string, func(), error) {
	admin, err := withDB(ServerURL(), "postgres")
	if err != nil {
		return "", nil, err
	}
	b := make([]byte, 6)
	_, _ = rand.Read(b)
	name := fmt.Sprintf("leida_test_%s_%d_%s", prefix, time.Now().Unix(), hex.EncodeToString(b))
	adm, err := sql.Open("pgx", admin)
	if err != nil {
		return "", nil, err
	}
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
	defer cancel()
	dropStale(ctx, adm)
	if _, err := adm.ExecContext(ctx, "CREATE DATABASE "+name); err != nil {
		adm.Close()
		return "", nil, fmt.Errorf("create test database (is PostgreSQL running? see README): %w", err)
	}
	dbURL, _ := withDB(ServerURL(), name)
	drop := func() {
		ctx, cancel := context.WithTimeout(context.Background(), 30*time.Second)
		defer cancel()
		_, _ = adm.ExecContext(ctx, "DROP DATABASE IF EXISTS "+name+" WITH (FORCE)")
		adm.Close()
	}
	db, err := postgres.Open(dbURL, time.UTC)
	if err != nil {
		drop()
		return "", nil, err
	}
	defer db.Close()
	if _, err := db.MigrateUp(ctx); err != nil {
		drop()
		return "", nil, err
	}
	return dbURL, drop, nil
}

// New gives a test its own migrated database, opened in loc.
func New(t testing.TB, loc *time.Location) (*postgres.DB, string) {
	t.Helper()
	dbURL, drop, err := Create("unit")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(drop)
	db, err := postgres.Open(dbURL, loc)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { db.Close() })
	return db, dbURL
}

// staleName matches the throw-away databases and captures their creation time.
var staleName = regexp.MustCompile(`^leida_test_[a-z0-9]+_([0-9]{10})_[0-9a-f]+$`)

// dropStale removes throw-away databases left by runs that were killed
// before they could clean up (older than two hours: no test runs that long).
func dropStale(ctx context.Context, adm *sql.DB) {
	rows, err := adm.QueryContext(ctx, `SELECT datname FROM pg_database WHERE datname LIKE 'leida\_test\_%'`)
	if err != nil {
		return
	}
	var stale []string
	for rows.Next() {
		var name string
		if rows.Scan(&name) != nil {
			continue
		}
		m := staleName.FindStringSubmatch(name)
		if m == nil {
			continue
		}
		if ts, err := strconv.ParseInt(m[1], 10, 64); err == nil && time.Since(time.Unix(ts, 0)) > 2*time.Hour {
			stale = append(stale, name)
		}
	}
	rows.Close()
	for _, name := range stale {
		_, _ = adm.ExecContext(ctx, `DROP DATABASE IF EXISTS "`+name+`" WITH (FORCE)`)
	}
}

// SummaryDrift is leida_summary_drift() read in one snapshot: per summary
// the audit covers, how many of its rows differ from the raw rows.
func SummaryDrift(ctx context.Context, db *sql.DB) (map[string]int, error) {
	tx, err := db.BeginTx(ctx, &sql.TxOptions{Isolation: sql.LevelRepeatableRead, ReadOnly: true})
	if err != nil {
		return nil, err
	}
	defer tx.Rollback()
	rows, err := tx.QueryContext(ctx, `SELECT summary, differing FROM leida_summary_drift()`)
	if err != nil {
		return nil, err
	}
	defer rows.Close()
	out := map[string]int{}
	for rows.Next() {
		var name string
		var n int
		if err := rows.Scan(&name, &n); err != nil {
			return nil, err
		}
		out[name] = n
	}
	return out, rows.Err()
}
