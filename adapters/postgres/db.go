// Package postgres is the persistence adapter: GORM over PostgreSQL, the
// transaction runner, repositories and migrations.
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
}

// Open connects (lazily: a database that is down answers 503 per request
// rather than preventing start-up of commands that do not need it).
func Open(url string, loc *time.Location) (*DB, error) {
	g, err := gorm.Open(pgdriver.New(pgdriver.Config{DSN: withGenericPlans(url)}), &gorm.Config{
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
	return &DB{gorm: g, loc: loc}, nil
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

func unavailable(err error) bool {
	var ce *pgconn.ConnectError
	var ne net.Error
	var pe *pgconn.PgError
	switch {
	case errors.As(err, &ce), errors.Is(err, driver.ErrBadConn), errors.As(err, &ne):
		return true
	case errors.As(err, &pe):
		// 57P0x: admin shutdown, crash shutdown, cannot connect now; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "57P0") || pe.Code == "53300"
	}
	msg := err.Error()
	return strings.Contains(msg, "connection refused") || strings.Contains(msg, "conn closed") ||
		strings.Contains(msg, "failed to connect")
}
