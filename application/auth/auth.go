// Package auth checks the legacy signed requests (rand_str) of enterprise
// users and mini-program customers, and password logins.
package auth

import (
	"context"
	"crypto/md5"
	"crypto/subtle"
	"encoding/hex"
	"errors"
	"strconv"
	"time"

	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

// Sign is the legacy rule clients compute: MD5-hex(timestamp + token).
func Sign(timestamp, token string) string {
	sum := md5.Sum([]byte(timestamp + token))
	return hex.EncodeToString(sum[:])
}

// Config holds the freshness window (0 turns the check off), the
// password-login limits and how many password hashes run at once.
type Config struct {
	MaxSkew time.Duration
	Limits  LoginLimits
	// HashSlots bounds the password hashes computed at once (argon2id takes
	// about 19 MiB each); a login waits at most HashWait for a slot, then is
	// refused with 429.
	HashSlots int
	HashWait  time.Duration
}

// LoginLimits: a username is refused from its (PerUsername+1)-th failure,
// a client address from its (PerIP+1)-th, within Window (D5).
type LoginLimits struct {
	PerUsername int
	PerIP       int
	Window      time.Duration
}

// DefaultLoginLimits are D5's numbers: the 11th failure for a username or the
// 31st for an address within 15 minutes is refused.
var DefaultLoginLimits = LoginLimits{PerUsername: 10, PerIP: 30, Window: 15 * time.Minute}

// Default hash bounds: two at once, a second's wait.
const (
	DefaultHashSlots = 2
	DefaultHashWait  = time.Second
)

// Service implements the HTTP adapter\'s Authenticator.
type Service struct {
	cfg       Config
	users     UserRepository
	customers CustomerRepository
	clock     ports.Clock
	tokens    ports.TokenSource
	hasher    ports.PasswordHasher
	failures  LoginFailures
	hashSlots chan struct{}
}

// NewService wires the authenticator.
func NewService(cfg Config, users UserRepository, customers CustomerRepository, clock ports.Clock,
	tokens ports.TokenSource, hasher ports.PasswordHasher, failures LoginFailures) *Service {
	if cfg.Limits == (LoginLimits{}) {
		cfg.Limits = DefaultLoginLimits
	}
	if cfg.HashSlots <= 0 {
		cfg.HashSlots = DefaultHashSlots
	}
	if cfg.HashWait <= 0 {
		cfg.HashWait = DefaultHashWait
	}
	return &Service{cfg: cfg, users: users, customers: customers, clock: clock, tokens: tokens, hasher: hasher, failures: failures,
		hashSlots: make(chan struct{}, cfg.HashSlots)}
}

// Reason says why a signed request was refused. The client only ever sees
// 400 token异常 (or 306 账户未启用); the HTTP adapter logs the reason.
type Reason string

// The reasons of a refused signed request.
const (
	ReasonMalformedUserID  Reason = "malformed_user_id" // user_id missing or not a positive integer
	ReasonUnknownPrincipal Reason = "unknown_principal" // no such user or customer
	ReasonBadTimestamp     Reason = "bad_timestamp"     // timestamp missing or not milliseconds
	ReasonStaleTimestamp   Reason = "stale_timestamp"   // older than AUTH_MAX_SKEW
	ReasonFutureTimestamp  Reason = "future_timestamp"  // further ahead than AUTH_MAX_SKEW
	ReasonNoToken          Reason = "no_token"          // the principal has no token (never logged in)
	ReasonMissingSignature Reason = "missing_signature" // no rand_str
	ReasonBadSignature     Reason = "bad_signature"     // rand_str does not match
	ReasonDisabled         Reason = "disabled"          // user disabled or deleted (306)
)

// Rejection is the error of a refused signed request: the typed error the
// client sees (errs.As finds it) and why, for the log.
type Rejection struct {
	Reason Reason
	// Skew is how far the timestamp was from the server's clock (positive:
	// in the past), for the timestamp reasons.
	Skew time.Duration
	Err  *errs.Error
}

func (r *Rejection) Error() string { return r.Err.Error() + " (" + string(r.Reason) + ")" }

func (r *Rejection) Unwrap() error { return r.Err }

func refused(reason Reason) error { return &Rejection{Reason: reason, Err: errs.BadToken()} }

// verify checks the timestamp window and the signature against token.
func (s *Service) verify(c ports.Credentials, token string) error {
	if s.cfg.MaxSkew > 0 {
		ms, err := strconv.ParseInt(c.Timestamp, 10, 64)
		if err != nil {
			return refused(ReasonBadTimestamp)
		}
		skew := s.clock.Now().Sub(time.UnixMilli(ms))
		if skew > s.cfg.MaxSkew {
			return &Rejection{Reason: ReasonStaleTimestamp, Skew: skew, Err: errs.BadToken()}
		}
		if skew < -s.cfg.MaxSkew {
			return &Rejection{Reason: ReasonFutureTimestamp, Skew: skew, Err: errs.BadToken()}
		}
	}
	switch {
	case token == "":
		return refused(ReasonNoToken)
	case c.RandStr == "":
		return refused(ReasonMissingSignature)
	}
	want := Sign(c.Timestamp, token)
	if subtle.ConstantTimeCompare([]byte(want), []byte(c.RandStr)) != 1 {
		return refused(ReasonBadSignature)
	}
	return nil
}

func parseID(s string) (int64, bool) {
	id, err := strconv.ParseInt(s, 10, 64)
	return id, err == nil && id > 0
}

// AuthenticateUser checks an enterprise user's signed request.
func (s *Service) AuthenticateUser(ctx context.Context, c ports.Credentials) (org.Actor, error) {
	id, ok := parseID(c.UserID)
	if !ok {
		return org.Actor{}, refused(ReasonMalformedUserID)
	}
	u, err := s.users.Principal(ctx, id)
	if err != nil {
		return org.Actor{}, ports.NotFoundAs(err, refused(ReasonUnknownPrincipal))
	}
	if err := s.verify(c, u.Token); err != nil {
		return org.Actor{}, err
	}
	if !u.Active() {
		return org.Actor{}, &Rejection{Reason: ReasonDisabled, Err: errs.Disabled()}
	}
	level := u.RoleLevel
	if !level.Valid() {
		level = org.LevelMember
	}
	return org.Actor{UserID: u.ID, CompanyID: u.CompanyID, Level: level, Username: u.Username}, nil
}

// AuthenticateCustomer checks a mini-program customer's signed request.
func (s *Service) AuthenticateCustomer(ctx context.Context, c ports.Credentials) (customer.Visitor, error) {
	id, ok := parseID(c.UserID)
	if !ok {
		return customer.Visitor{}, refused(ReasonMalformedUserID)
	}
	cu, err := s.customers.ByID(ctx, id)
	if err != nil {
		return customer.Visitor{}, ports.NotFoundAs(err, refused(ReasonUnknownPrincipal))
	}
	if err := s.verify(c, cu.Token); err != nil {
		return customer.Visitor{}, err
	}
	return customer.Visitor{CustomerID: cu.ID}, nil
}

// dummyHash keeps the timing of an unknown username close to a wrong password.
const dummyHash = "$argon2id$v=19$m=19456,t=2,p=1$c29tZXNhbHRzb21lc2FsdA$3M0Y3rj2pU3+4Qe2cT1d1fF5xZ8b7tTq9m8QyD4q3wA"

// Login is the admin password login (A12). The attempt is counted before
// the password is checked, atomically, so concurrent attempts cannot pass
// the limits; a right password takes it back.
func (s *Service) Login(ctx context.Context, in ports.LoginInput) (ports.LoginResult, error) {
	now := s.clock.Now()
	attempt, allowed, err := s.failures.Reserve(ctx, ports.LoginAttempt{Username: in.Username, ClientIP: in.ClientIP,
		At: now, Since: now.Add(-s.cfg.Limits.Window), PerUsername: s.cfg.Limits.PerUsername, PerIP: s.cfg.Limits.PerIP})
	if err != nil {
		return ports.LoginResult{}, err
	}
	if !allowed {
		return ports.LoginResult{}, errs.RateLimited()
	}
	if in.Username == "" || in.Password == "" {
		return ports.LoginResult{}, errs.BadCredentials()
	}
	release, err := s.hashSlot(ctx)
	if err != nil {
		return ports.LoginResult{}, err
	}
	defer release()
	u, err := s.users.ForLogin(ctx, in.Username)
	if errors.Is(err, ports.ErrNotFound) {
		s.hasher.Verify(dummyHash, in.Password)
		return ports.LoginResult{}, errs.BadCredentials()
	}
	if err != nil {
		return ports.LoginResult{}, err
	}
	ok, rehash := s.hasher.Verify(u.PasswordHash, in.Password)
	if !ok {
		return ports.LoginResult{}, errs.BadCredentials()
	}
	if err := s.failures.Release(ctx, attempt); err != nil {
		return ports.LoginResult{}, err
	}
	if !u.Active() { // disabled or deleted (D5)
		return ports.LoginResult{}, errs.Disabled()
	}
	var newHash string
	if rehash {
		if newHash, err = s.hasher.Hash(in.Password); err != nil {
			return ports.LoginResult{}, err
		}
	}
	var res ports.LoginResult
	err = s.users.Update(ctx, org.Scope{AllCompanies: true}, u.ID, func(u *org.User) error {
		if newHash != "" {
			u.PasswordHash = newHash
		}
		if u.Token == "" {
			t, err := s.tokens.NewToken()
			if err != nil {
				return err
			}
			u.Token = t
		}
		u.LastLoginAt = &now
		res = ports.LoginResult{Token: u.Token, UserID: u.ID, Avatar: u.Avatar}
		return nil
	})
	return res, err
}

// hashSlot waits (at most HashWait) for one of the password-hash slots and
// returns its release; a burst beyond them is refused with 429.
func (s *Service) hashSlot(ctx context.Context) (func(), error) {
	t := time.NewTimer(s.cfg.HashWait)
	defer t.Stop()
	select {
	case s.hashSlots <- struct{}{}:
		return func() { <-s.hashSlots }, nil
	case <-t.C:
		return nil, errs.RateLimited()
	case <-ctx.Done():
		return nil, ctx.Err()
	}
}
