// Package ports is what the layers share: the ports several consumers need
// alike (transactions, clock, tokens, passwords, files, the default tag
// groups), the repositories' and gateways' errors, and the inputs and
// results the HTTP adapter, the use cases and the adapters exchange.
//
// A port one consumer needs is declared by that consumer, with only the
// methods it calls: each application package's ports.go (its repositories)
// and the HTTP adapter's usecases.go (the use cases it calls). A mock is
// generated next to the interface it mocks (a mocks/ package beside it),
// only for the interfaces tests mock.
package ports

//go:generate go tool mockgen -destination=mocks/mocks.go -package=mocks leida/ports Clock,TxRunner,TokenSource,PasswordHasher

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by repositories for an absent (or out-of-scope) row;
// use cases turn it into the endpoint's not-found error.
var ErrNotFound = errors.New("not found")

// NotFoundAs is err, or notFound when err is ErrNotFound: how a use case
// answers a repository's absent row with its endpoint's error (nil included,
// when absent is no failure).
func NotFoundAs(err, notFound error) error {
	if errors.Is(err, ErrNotFound) {
		return notFound
	}
	return err
}

// ErrDuplicate is returned when a unique constraint refuses a write.
var ErrDuplicate = errors.New("duplicate")

// DuplicateAs is err, or duplicate when err is ErrDuplicate: how a use case
// answers a write a unique key refused.
func DuplicateAs(err, duplicate error) error {
	if errors.Is(err, ErrDuplicate) {
		return duplicate
	}
	return err
}

// ErrInUse is returned when a row cannot be deleted because others still
// depend on it (a company or role with live users).
var ErrInUse = errors.New("in use")

// ErrMissingReference is returned when a write names a row that does not
// exist (any more), such as a company or role deleted concurrently: a
// foreign key refused it.
var ErrMissingReference = errors.New("missing reference")

// Clock tells the time.
type Clock interface {
	Now() time.Time
}

// TxRunner runs fn in one database transaction carried by ctx.
type TxRunner interface {
	Run(ctx context.Context, fn func(ctx context.Context) error) error
}

// TokenSource makes fresh API tokens (32 lower-case hex characters).
type TokenSource interface {
	NewToken() (string, error)
}

// PasswordHasher hashes and checks passwords.
type PasswordHasher interface {
	Hash(password string) (string, error)
	// Verify reports whether password matches hash, and whether the hash is
	// of an old scheme (legacy MD5) and should be replaced.
	Verify(hash, password string) (ok, rehash bool)
}

// LoginAttempt is one password login attempt and the limits it is held to.
type LoginAttempt struct {
	Username, ClientIP string
	At, Since          time.Time
	PerUsername, PerIP int
}
