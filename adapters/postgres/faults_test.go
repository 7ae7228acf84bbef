package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"io"
	"net"
	"net/url"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	"leida/domain/errs"
)

func wantUnavailable(t *testing.T, what string, err error) {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindUnavailable || e.Code != 503 || e.Msg != "服务暂不可用" {
		t.Fatalf("%s: want 503 服务暂不可用, got %T %v", what, err, err)
	}
}

func backendPID(t *testing.T, db *postgres.DB) int {
	t.Helper()
	var pid int
	if err := db.ScalarForTest(context.Background(), &pid, `SELECT pg_backend_pid()`); err != nil {
		t.Fatal(err)
	}
	return pid
}

// statement_timeout is set on the pool's connections; a statement past it
// (here a lock wait) is a 503, and the server's cancel leaves the connection
// usable: the pool goes on with the same backend.
func TestStatementTimeoutCancelsCleanly(t *testing.T) {
	_, dbURL := pgtest.New(t, time.UTC)
	db, err := postgres.OpenWith(dbURL, time.UTC, postgres.Config{StatementTimeout: 300 * time.Millisecond})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	var st string
	if err := db.ScalarForTest(ctx, &st, `SHOW statement_timeout`); err != nil || st != "300ms" {
		t.Fatalf("statement_timeout %q %v", st, err)
	}
	var plans string
	if err := db.ScalarForTest(ctx, &plans, `SHOW plan_cache_mode`); err != nil || plans != "force_generic_plan" {
		t.Fatalf("plan_cache_mode %q %v", plans, err)
	}
	pid := backendPID(t, db)

	raw, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Fatal(err)
	}
	defer raw.Close()
	lock, err := raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := lock.Exec(`LOCK TABLE companies IN ACCESS EXCLUSIVE MODE`); err != nil {
		t.Fatal(err)
	}
	began := time.Now()
	var n int
	err = db.ScalarForTest(ctx, &n, `SELECT count(*) FROM companies`)
	took := time.Since(began)
	_ = lock.Rollback()
	wantUnavailable(t, "lock wait past statement_timeout", err)
	if took < 250*time.Millisecond || took > 2*time.Second {
		t.Fatalf("cancelled after %v", took)
	}
	if got := backendPID(t, db); got != pid {
		t.Fatalf("the cancelled connection was replaced (backend %d, then %d)", pid, got)
	}
	// Migrations run without it: a rollup rebuild may take long.
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
}

// A request's deadline passing mid-query is a 503, and the connection pgx
// abandons is not handed out again.
func TestDeadlineMidQueryKeepsThePoolHealthy(t *testing.T) {
	_, dbURL := pgtest.New(t, time.UTC)
	db, err := postgres.OpenWith(dbURL, time.UTC, postgres.Config{StatementTimeout: 3 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	for i := 0; i < 3; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 150*time.Millisecond)
		began := time.Now()
		err := db.ExecForTest(ctx, `SELECT pg_sleep(2)`)
		cancel()
		wantUnavailable(t, "deadline mid-query", err)
		if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatalf("cause lost: %v", err)
		}
		if d := time.Since(began); d > time.Second {
			t.Fatalf("answered after %v", d)
		}
	}
	// Every later statement works at once: no broken connection in the pool.
	for i := 0; i < 30; i++ {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		var one int
		err := db.ScalarForTest(ctx, &one, `SELECT 1`)
		cancel()
		if err != nil || one != 1 {
			t.Fatalf("query %d after the deadlines: %v", i, err)
		}
	}
	if open := db.PoolForTest().Stats().OpenConnections; open > 3 {
		t.Fatalf("%d connections open", open)
	}
}

// proxy forwards TCP to target until cut, which drops every connection
// abruptly (the database vanishing under a statement).
type proxy struct {
	l      net.Listener
	target string
	mu     sync.Mutex
	conns  []net.Conn
}

func newProxy(t *testing.T, target string) *proxy {
	t.Helper()
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	p := &proxy{l: l, target: target}
	t.Cleanup(func() { l.Close(); p.cut(true) })
	go func() {
		for {
			c, err := l.Accept()
			if err != nil {
				return
			}
			s, err := net.Dial("tcp", target)
			if err != nil {
				c.Close()
				continue
			}
			p.mu.Lock()
			p.conns = append(p.conns, c, s)
			p.mu.Unlock()
			go func() { _, _ = io.Copy(s, c); s.Close() }()
			go func() { _, _ = io.Copy(c, s); c.Close() }()
		}
	}()
	return p
}

// cut closes every connection: with a FIN, as when the server process dies,
// or with rst, as when a host or network fails.
func (p *proxy) cut(rst bool) {
	p.mu.Lock()
	defer p.mu.Unlock()
	for _, c := range p.conns {
		if tc, ok := c.(*net.TCPConn); ok && rst {
			_ = tc.SetLinger(0)
		}
		c.Close()
	}
	p.conns = nil
}

// Item 9: the connection lost in the middle of a statement is a 503 (it
// was a 500 "database: unexpected EOF"), and the pool recovers by itself.
func TestConnectionLostMidQueryIs503(t *testing.T) {
	_, dbURL := pgtest.New(t, time.UTC)
	u, err := url.Parse(dbURL)
	if err != nil {
		t.Fatal(err)
	}
	host := u.Host
	if u.Port() == "" {
		host += ":5432"
	}
	p := newProxy(t, host)
	u.Host = p.l.Addr().String()
	db, err := postgres.OpenWith(u.String(), time.UTC, postgres.Config{StatementTimeout: 5 * time.Second})
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	ctx := context.Background()
	statements := map[string]func() error{
		// (A statement outside a transaction is not tried: database/sql runs
		// it again on a new connection, as pgx calls the lost one "conn
		// closed", safe to retry.)
		"query": func() error {
			var n int
			return db.ScalarForTest(ctx, &n, `SELECT 1 FROM pg_sleep(3)`)
		},
		"transaction": func() error {
			return db.Run(ctx, func(ctx context.Context) error { return db.ExecForTest(ctx, `SELECT pg_sleep(3)`) })
		},
	}
	cuts := map[string]func(){
		"FIN":   func() { p.cut(false) },
		"RST":   func() { p.cut(true) },
		"FATAL": func() { terminate(t, dbURL) },
	}
	for sname, statement := range statements {
		for cname, cut := range cuts {
			backendPID(t, db) // a connection through the proxy
			errc := make(chan error, 1)
			go func() { errc <- statement() }()
			time.Sleep(300 * time.Millisecond)
			cut()
			select {
			case err := <-errc:
				wantUnavailable(t, sname+" lost by "+cname, err)
			case <-time.After(2 * time.Second):
				t.Fatalf("%s: the statement did not end with its connection (%s)", sname, cname)
			}
			deadline := time.Now().Add(5 * time.Second)
			for {
				var one int
				err := db.ScalarForTest(ctx, &one, `SELECT 1`)
				if err == nil {
					break
				}
				wantUnavailable(t, "after the loss", err)
				if time.Now().After(deadline) {
					t.Fatalf("the pool did not recover: %v", err)
				}
				time.Sleep(50 * time.Millisecond)
			}
		}
	}
}

// terminate ends the backends sleeping in pg_sleep (FATAL 57P01, then EOF).
func terminate(t *testing.T, dbURL string) {
	raw, err := sql.Open("pgx", dbURL)
	if err != nil {
		t.Error(err)
		return
	}
	defer raw.Close()
	if _, err := raw.Exec(`SELECT pg_terminate_backend(pid) FROM pg_stat_activity
		WHERE datname = current_database() AND query LIKE '%pg_sleep(3)%' AND pid <> pg_backend_pid()`); err != nil {
		t.Error(err)
	}
}
