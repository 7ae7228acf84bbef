package postgres_test

import (
	"database/sql"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
)

// dbFixture is a fresh migrated database, opened through the adapter (db)
// and as plain database/sql (raw, for set-up and checks), with two
// companies, A (company) and B (other).
type dbFixture struct {
	db             *postgres.DB
	raw            *sql.DB
	url            string
	company, other int64
}

func newDBFixture(t *testing.T) dbFixture {
	t.Helper()
	db, url := pgtest.New(t, time.UTC)
	raw, err := sql.Open("pgx", url)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { raw.Close() })
	f := dbFixture{db: db, raw: raw, url: url}
	f.company = f.one(t, `INSERT INTO companies (name) VALUES ('A') RETURNING id`)
	f.other = f.one(t, `INSERT INTO companies (name) VALUES ('B') RETURNING id`)
	return f
}

// one runs a query that answers one integer (an INSERT … RETURNING id).
func (f dbFixture) one(t *testing.T, q string, args ...any) int64 {
	t.Helper()
	var id int64
	if err := f.raw.QueryRow(q, args...).Scan(&id); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return id
}

// user is a new enabled user of company named name (its token the name's MD5).
func (f dbFixture) user(t *testing.T, company int64, name string) int64 {
	t.Helper()
	return f.one(t, `INSERT INTO users (company_id, username, token, status) VALUES ($1, $2::text, md5($2::text), 1) RETURNING id`, company, name)
}

// count runs a SELECT count(*) ….
func (f dbFixture) count(t *testing.T, q string, args ...any) int {
	t.Helper()
	return int(f.one(t, q, args...))
}

func (f dbFixture) exec(t *testing.T, q string, args ...any) {
	t.Helper()
	if _, err := f.raw.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}
