package postgres

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"net/url"
	"strings"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver "pgx"

	"leida/domain/errs"
)

// EnsureDatabase creates the database named in dbURL when it does not exist
// yet, connecting to the server's "postgres" database to do so. A server
// that is down or does not answer is an errs.Unavailable error.
func EnsureDatabase(ctx context.Context, dbURL string) (created bool, err error) {
	u, err := url.Parse(dbURL)
	if err != nil {
		return false, fmt.Errorf("DATABASE_URL: %w", err)
	}
	name := strings.TrimPrefix(u.Path, "/")
	if name == "" || name == "postgres" {
		return false, nil
	}
	admin := *u
	admin.Path = "/postgres"
	db, err := sql.Open("pgx", admin.String())
	if err != nil {
		return false, err
	}
	defer db.Close()
	ctx, cancel := context.WithTimeout(ctx, 15*time.Second)
	defer cancel()
	var exists bool
	if err := db.QueryRowContext(ctx, "SELECT EXISTS (SELECT 1 FROM pg_database WHERE datname = $1)", name).Scan(&exists); err != nil {
		return false, serverError(fmt.Errorf("database server: %w", err))
	}
	if exists {
		return false, nil
	}
	quoted := `"` + strings.ReplaceAll(name, `"`, `""`) + `"`
	if _, err := db.ExecContext(ctx, "CREATE DATABASE "+quoted); err != nil && !strings.Contains(err.Error(), "already exists") {
		return false, serverError(fmt.Errorf("create database %s: %w", name, err))
	}
	return true, nil
}

// serverError marks the server's unavailability as such.
func serverError(err error) error {
	if errors.Is(err, context.DeadlineExceeded) || unavailable(err) {
		return errs.Unavailable(err)
	}
	return err
}
