package postgres

import (
	"context"
	"errors"
	"fmt"
	"io"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgconn"

	"leida/domain/errs"
	"leida/ports"
)

func TestStatementTimeoutIsARuntimeParameterUnlessTheURLSetsOne(t *testing.T) {
	for _, tc := range []struct {
		in   string
		d    time.Duration
		want string // expected statement_timeout parameter ("" = none added)
	}{
		{"postgres://u@h/db?sslmode=disable", 4500 * time.Millisecond, "4500"},
		{"postgres://u@h/db", 300 * time.Microsecond, "1"},
		{"postgres://u@h/db?statement_timeout=60000", time.Second, "60000"},
		{"postgres://u@h/db?options=-c%20statement_timeout%3D1", time.Second, ""},
		{"postgres://u@h/db", 0, ""},
		{"host=h dbname=db", time.Second, ""}, // keyword form: left alone
	} {
		got := withStatementTimeout(withGenericPlans(tc.in), tc.d)
		if strings.HasPrefix(tc.in, "host=") {
			if got != tc.in {
				t.Errorf("%s → %s", tc.in, got)
			}
			continue
		}
		u, err := url.Parse(got)
		if err != nil {
			t.Fatal(err)
		}
		if v := u.Query().Get("statement_timeout"); v != tc.want {
			t.Errorf("%s (%v) → %s: statement_timeout %q, want %q", tc.in, tc.d, got, v, tc.want)
		}
		// plan_cache_mode is kept, and the rest of the URL too.
		if u.Query().Get("plan_cache_mode") != "force_generic_plan" || u.Host != "h" || u.Path != "/db" {
			t.Errorf("%s → %s", tc.in, got)
		}
	}
}

// A connection lost mid-query, a statement cancelled by statement_timeout,
// a deadline: the database is unavailable (503), not an internal error.
func TestTranslateOutages(t *testing.T) {
	for name, err := range map[string]error{
		"unexpected EOF":    fmt.Errorf("read: %w", io.ErrUnexpectedEOF),
		"EOF":               io.EOF,
		"deadline":          fmt.Errorf("query: %w", context.DeadlineExceeded),
		"statement timeout": &pgconn.PgError{Code: "57014", Message: "canceling statement due to statement timeout"},
		"lock timeout":      &pgconn.PgError{Code: "55P03"},
		"admin shutdown":    &pgconn.PgError{Code: "57P01"},
		"crash shutdown":    &pgconn.PgError{Code: "57P02"},
		"connection fail":   &pgconn.PgError{Code: "08006"},
		"too many clients":  &pgconn.PgError{Code: "53300"},
		"disk full":         &pgconn.PgError{Code: "53100"},
		"reset":             errors.New("read tcp 127.0.0.1:1->127.0.0.1:2: read: connection reset by peer"),
	} {
		got := translate(err)
		e, ok := errs.As(got)
		if !ok || e.Kind != errs.KindUnavailable || e.Code != 503 || e.Msg != "服务暂不可用" {
			t.Errorf("%s: %v", name, got)
		}
	}
	for name, err := range map[string]error{
		"syntax":    &pgconn.PgError{Code: "42601"},
		"not null":  &pgconn.PgError{Code: "23502"},
		"deadlock":  &pgconn.PgError{Code: "40P01"},
		"arbitrary": errors.New("boom"),
	} {
		if errs.IsKind(translate(err), errs.KindUnavailable) {
			t.Errorf("%s is not an outage", name)
		}
	}
	if got := translate(&pgconn.PgError{Code: "23505"}); !errors.Is(got, ports.ErrDuplicate) {
		t.Errorf("duplicate: %v", got)
	}
	if got := translate(context.Canceled); !errors.Is(got, context.Canceled) || errs.IsKind(got, errs.KindUnavailable) {
		t.Errorf("cancelled by the client: %v", got)
	}
}
