// Package ports declares what the application needs from the outside world
// (repositories, clock, tokens, ...) and the use cases the HTTP adapter calls.
package ports

//go:generate go tool mockgen -destination=mocks/mocks.go -package=mocks leida/ports Clock,TxRunner,TokenSource,PasswordHasher,LoginFailures,HealthChecker,UserRepository,RoleRepository,PermissionRepository,CompanyRepository,CustomerIdentityRepository,Authenticator,UserAdmin,RoleAdmin,PermissionAdmin,CompanyAdmin,Bootstrapper

import (
	"context"
	"errors"
	"time"
)

// ErrNotFound is returned by repositories for an absent (or out-of-scope) row;
// use cases turn it into the endpoint's not-found error.
var ErrNotFound = errors.New("not found")

// ErrDuplicate is returned when a unique constraint refuses a write.
var ErrDuplicate = errors.New("duplicate")

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

// LoginFailures records failed password logins, shared by every instance.
type LoginFailures interface {
	// Count returns the failures since the given time for the username and
	// for the client address.
	Count(ctx context.Context, username, clientIP string, since time.Time) (byUsername, byIP int, err error)
	// Record stores one failure at the given time (and may forget failures
	// older than forgetBefore).
	Record(ctx context.Context, username, clientIP string, at, forgetBefore time.Time) error
}

// HealthChecker tells whether the database answers.
type HealthChecker interface {
	Ping(ctx context.Context) error
}
