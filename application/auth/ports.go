package auth

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/auth UserRepository,CustomerRepository,LoginFailures

import (
	"context"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// UserRepository finds who signs a request or logs in, and records logins.
type UserRepository interface {
	// Principal finds a user, deleted ones included (authentication tells
	// them apart), with only what a signed request is checked against: id,
	// company, username, token, status, deletion time and role level.
	Principal(ctx context.Context, id int64) (org.User, error)
	// ForLogin finds who logs in with username: the live user, else the
	// latest deleted one (whose login answers 306, D5).
	ForLogin(ctx context.Context, username string) (org.User, error)
	// Update loads the live user id inside scope, applies fn and saves it;
	// ErrMissingReference when the new company or role does not exist (any more).
	Update(ctx context.Context, scope org.Scope, id int64, fn func(*org.User) error) error
}

// CustomerRepository finds the customers who sign requests.
type CustomerRepository interface {
	ByID(ctx context.Context, id int64) (customer.Customer, error)
}

// LoginFailures records failed password logins, shared by every instance.
type LoginFailures interface {
	// Reserve counts the attempts since the given time for the username and
	// for the client address and, when both are under their limits, records
	// this attempt at the given time, atomically for each username and each
	// address (so concurrent attempts cannot all pass); it may forget
	// attempts older than since. ok is false when a limit is reached.
	Reserve(ctx context.Context, a ports.LoginAttempt) (id int64, ok bool, err error)
	// Release forgets a reserved attempt (the password was right).
	Release(ctx context.Context, id int64) error
}
