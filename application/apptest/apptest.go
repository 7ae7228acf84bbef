// Package apptest holds what the use-case tests of application/... share.
package apptest

import (
	"context"

	"leida/domain/errs"
)

// RunInline is a ports.TxRunner's Run without a database, for a mock's
// DoAndReturn: it runs fn in ctx and passes fn's error through, as the real
// runner does (after rolling back).
func RunInline(ctx context.Context, fn func(context.Context) error) error { return fn(ctx) }

// Code is the legacy code of the *errs.Error in err's chain, -1 without one.
func Code(err error) int {
	if e, ok := errs.As(err); ok {
		return e.Code
	}
	return -1
}
