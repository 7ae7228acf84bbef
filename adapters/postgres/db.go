package postgres

import (
	"context"
	"database/sql/driver"
	"errors"
	"fmt"
	"io"
	"log"
	"net"
	neturl "net/url"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	pgdriver "gorm.io/driver/postgres"
	"gorm.io/gorm"
	"gorm.io/gorm/clause"
	"gorm.io/gorm/logger"

	"leida/domain/errs"
	"leida/ports"
)

// DB owns the connection pool and the time zone used to read date filters.
type DB struct {
	gorm *gorm.DB
	loc  *time.Location
	// migrateDSN is the pool's URL without the statement_timeout that Config
	// adds: migrations and rollup rebuilds may take long.
	migrateDSN string
}

// Config tunes the pool.
type Config struct {
	// StatementTimeout is PostgreSQL's statement_timeout on the pool's
	// connections (0: the server's); a statement_timeout in the URL wins.
	StatementTimeout time.Duration
}

// Open connects with the default configuration; see OpenWith.
func Open(url string, loc *time.Location) (*DB, error) { return OpenWith(url, loc, Config{}) }

// OpenWith connects (lazily: a database that is down answers 503 per request
// rather than preventing start-up of commands that do not need it).
func OpenWith(url string, loc *time.Location, cfg Config) (*DB, error) {
	dsn := withGenericPlans(url)
	g, err := gorm.Open(pgdriver.New(pgdriver.Config{DSN: withStatementTimeout(dsn, cfg.StatementTimeout)}), &gorm.Config{
		Logger:         logger.New(log.New(io.Discard, "", 0), logger.Config{LogLevel: logger.Silent}),
		TranslateError: true,
		// Connections are made on first use: a database that is down answers
		// 503 per request rather than preventing start-up.
		DisableAutomaticPing: true,
		PrepareStmt:          false,
	})
	if err != nil {
		return nil, fmt.Errorf("database: %w", err)
	}
	g.ClauseBuilders["LIMIT"] = literalLimit
	sqlDB, err := g.DB()
	if err != nil {
		return nil, err
	}
	// As many idle connections as open ones: with fewer, every burst above
	// the idle limit closes connections after use and opens new ones (a new
	// PostgreSQL backend each) for the next requests.
	sqlDB.SetMaxOpenConns(20)
	sqlDB.SetMaxIdleConns(20)
	sqlDB.SetConnMaxIdleTime(5 * time.Minute)
	if loc == nil {
		loc = time.UTC
	}
	return &DB{gorm: g, loc: loc, migrateDSN: dsn}, nil
}

// withGenericPlans asks PostgreSQL to plan each prepared statement once
// (plan_cache_mode=force_generic_plan) unless the URL chooses otherwise.
// Every query is keyed by the tenant (company, rep) and shaped so that its
// plan does not depend on which tenant asks, and by its own heuristics
// PostgreSQL kept re-planning many of them at every execution, which cost
// more than executing them.
func withGenericPlans(dsn string) string {
	u, err := neturl.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Has("plan_cache_mode") {
		return dsn
	}
	q.Set("plan_cache_mode", "force_generic_plan")
	u.RawQuery = q.Encode()
	return u.String()
}

// withStatementTimeout sets PostgreSQL's statement_timeout (a run-time
// parameter of the connection, like plan_cache_mode) unless d is 0 or the
// URL sets one, as a parameter or in options (-c statement_timeout=...).
// A statement past it is cancelled by the server, which keeps the
// connection usable, and a lock wait counts: a request waiting on a stuck
// lock answers 503 rather than hanging, and its statement does not linger
// after the request gave up.
func withStatementTimeout(dsn string, d time.Duration) string {
	if d <= 0 {
		return dsn
	}
	u, err := neturl.Parse(dsn)
	if err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		return dsn
	}
	q := u.Query()
	if q.Has("statement_timeout") || strings.Contains(q.Get("options"), "statement_timeout") {
		return dsn
	}
	ms := max(d.Milliseconds(), 1)
	q.Set("statement_timeout", strconv.FormatInt(ms, 10))
	u.RawQuery = q.Encode()
	return u.String()
}

// literalLimit writes LIMIT and OFFSET as numbers, not bound parameters:
// PostgreSQL plans a prepared statement with a parameter LIMIT for an
// unknown row count, judges that generic plan worse than one made for the
// actual LIMIT, and so plans every execution again. With the numbers in the
// text, each page shape is its own prepared statement and gets a generic
// plan after a few runs. They are integers, so nothing can be injected.
func literalLimit(c clause.Clause, b clause.Builder) {
	l, ok := c.Expression.(clause.Limit)
	if !ok {
		c.Build(b)
		return
	}
	if l.Limit != nil && *l.Limit >= 0 {
		b.WriteString("LIMIT " + strconv.Itoa(*l.Limit))
	}
	if l.Offset > 0 {
		if l.Limit != nil && *l.Limit >= 0 {
			b.WriteByte(' ')
		}
		b.WriteString("OFFSET " + strconv.Itoa(l.Offset))
	}
}

// Close releases the pool.
func (d *DB) Close() error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	return sqlDB.Close()
}

// PoolCollector is a Prometheus collector of the pool's statistics
// (sql.DB.Stats at each scrape: open, in-use and idle connections, waits and
// their total duration, connections closed by the limits), as the go_sql_*
// metrics labelled db_name.
func (d *DB) PoolCollector(dbName string) (prometheus.Collector, error) {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return nil, err
	}
	return collectors.NewDBStatsCollector(sqlDB, dbName), nil
}

// Ping checks the database answers (readiness).
func (d *DB) Ping(ctx context.Context) error {
	sqlDB, err := d.gorm.DB()
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 2*time.Second)
	defer cancel()
	return translate(sqlDB.PingContext(ctx))
}

type txKey struct{}

// conn is the transaction carried by ctx, or the pool.
func (d *DB) conn(ctx context.Context) *gorm.DB {
	if tx, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return tx
	}
	return d.gorm.WithContext(ctx)
}

// Run implements ports.TxRunner; nested calls join the outer transaction.
func (d *DB) Run(ctx context.Context, fn func(ctx context.Context) error) error {
	if _, ok := ctx.Value(txKey{}).(*gorm.DB); ok {
		return fn(ctx)
	}
	return translate(d.gorm.WithContext(ctx).Transaction(func(tx *gorm.DB) error {
		return fn(context.WithValue(ctx, txKey{}, tx))
	}))
}

var _ ports.TxRunner = (*DB)(nil)

// translate maps driver errors onto the ports' and domain's vocabulary.
func translate(err error) error {
	if err == nil {
		return nil
	}
	if _, ok := errs.As(err); ok {
		return err
	}
	switch {
	case errors.Is(err, ports.ErrNotFound), errors.Is(err, gorm.ErrRecordNotFound):
		return ports.ErrNotFound
	case errors.Is(err, ports.ErrDuplicate), errors.Is(err, gorm.ErrDuplicatedKey), pgCode(err) == "23505":
		return ports.ErrDuplicate
	case errors.Is(err, context.Canceled):
		return err
	case errors.Is(err, context.DeadlineExceeded):
		// The request's deadline: the database did not answer in time.
		return errs.Unavailable(err)
	}
	if unavailable(err) {
		return errs.Unavailable(err)
	}
	return fmt.Errorf("database: %w", err)
}

// pgCode is the SQLSTATE of a PostgreSQL error ("" for others).
func pgCode(err error) string {
	var pe *pgconn.PgError
	if errors.As(err, &pe) {
		return pe.Code
	}
	return ""
}

// unavailable reports whether err says the database is down, unreachable,
// lost the connection (mid-query too), is overloaded or did not finish in
// time — a 503, not a fault of the request or of the code.
func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce):
		// Any failure to connect, a refusal by the server included (FATAL:
		// the database does not exist yet, authentication, starting up).
		return true
	case errors.As(err, &pe):
		return unavailableCode(pe.Code)
	case errors.Is(err, driver.ErrBadConn), errors.As(err, &ne), pgconn.Timeout(err),
		// The server closed the connection under a statement (crash, kill,
		// network cut): pgconn reads EOF in the middle of its answer.
		errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, io.EOF):
		return true
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect") || strings.Contains(msg, "connection reset by peer") ||
		strings.Contains(msg, "broken pipe") || strings.Contains(msg, "unexpected EOF")
}

// unavailableCode: SQLSTATE class 08 (connection exception), 53
// (insufficient resources: disk full, out of memory, too many connections),
// 57P0x (admin or crash shutdown, cannot connect now, database dropped),
// 57014 (statement cancelled: statement_timeout), 55P03 (lock_timeout) and
// 25P03 (idle in transaction too long).
func unavailableCode(code string) bool {
	switch {
	case strings.HasPrefix(code, "08"), strings.HasPrefix(code, "53"), strings.HasPrefix(code, "57P0"):
		return true
	}
	return code == "57014" || code == "55P03" || code == "25P03"
}
