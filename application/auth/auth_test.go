package auth

import (
	"context"
	"errors"
	"strconv"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	authmocks "leida/application/auth/mocks"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
	"leida/ports/mocks"
)

// The test vector of legacy-api.md 2.2.
func TestSignLegacyVector(t *testing.T) {
	if got := Sign("1528114804033", "0123456789abcdef0123456789abcdef"); got != "b9dbd0b93275112b77dccd8e8027bb09" {
		t.Fatalf("Sign = %s", got)
	}
	if got := Sign("", "0123456789abcdef0123456789abcdef"); got != "8516ac99dc60603295de7bdb6a153530" {
		t.Fatalf("Sign without timestamp = %s", got)
	}
}

const token = "0123456789abcdef0123456789abcdef"

// now is the authenticator's clock in every test and fuzz target here.
var now = time.Date(2026, 11, 27, 10, 0, 0, 0, time.UTC)

// principal7 is a user repository that answers user 7 with *u (not found when u is nil).
func principal7(ctrl *gomock.Controller, u *org.User) *authmocks.MockUserRepository {
	users := authmocks.NewMockUserRepository(ctrl)
	if u != nil {
		users.EXPECT().Principal(gomock.Any(), int64(7)).Return(*u, nil)
	} else {
		users.EXPECT().Principal(gomock.Any(), int64(7)).Return(org.User{}, ports.ErrNotFound)
	}
	return users
}

func creds(id int64, at time.Time, tok string) ports.Credentials {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	return ports.Credentials{UserID: strconv.FormatInt(id, 10), Timestamp: ts, RandStr: Sign(ts, tok)}
}

func TestAuthenticateUser(t *testing.T) {
	deleted := now
	cases := []struct {
		name  string
		user  *org.User
		creds ports.Credentials
		skew  time.Duration
		code  int
		level org.Level
	}{
		{"valid", &org.User{ID: 7, CompanyID: 3, Token: token, Status: org.StatusEnabled, RoleLevel: org.LevelCompanyAdmin}, creds(7, now, token), 10 * time.Minute, 0, org.LevelCompanyAdmin},
		{"9 minutes old", &org.User{ID: 7, Token: token, Status: org.StatusEnabled, RoleLevel: 3}, creds(7, now.Add(-9*time.Minute), token), 10 * time.Minute, 0, 3},
		{"11 minutes old", &org.User{ID: 7, Token: token, Status: org.StatusEnabled}, creds(7, now.Add(-11*time.Minute), token), 10 * time.Minute, 400, 0},
		{"11 minutes ahead", &org.User{ID: 7, Token: token, Status: org.StatusEnabled}, creds(7, now.Add(11*time.Minute), token), 10 * time.Minute, 400, 0},
		{"skew check off", &org.User{ID: 7, Token: token, Status: org.StatusEnabled, RoleLevel: 3}, creds(7, now.Add(-1000*time.Hour), token), 0, 0, 3},
		{"wrong token", &org.User{ID: 7, Token: token, Status: org.StatusEnabled}, creds(7, now, "ffffffffffffffffffffffffffffffff"), 10 * time.Minute, 400, 0},
		{"no token stored", &org.User{ID: 7, Token: "", Status: org.StatusEnabled}, creds(7, now, ""), 10 * time.Minute, 400, 0},
		{"disabled", &org.User{ID: 7, Token: token, Status: org.StatusDisabled}, creds(7, now, token), 10 * time.Minute, 306, 0},
		{"deleted", &org.User{ID: 7, Token: token, Status: org.StatusEnabled, DeletedAt: &deleted}, creds(7, now, token), 10 * time.Minute, 306, 0},
		{"role deleted: member rights", &org.User{ID: 7, Token: token, Status: org.StatusEnabled}, creds(7, now, token), 10 * time.Minute, 0, org.LevelMember},
		{"unknown user", nil, creds(7, now, token), 10 * time.Minute, 400, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			s := NewService(Config{MaxSkew: c.skew}, principal7(gomock.NewController(t), c.user), nil, clock.NewFixed(now), nil, nil, nil)
			a, err := s.AuthenticateUser(context.Background(), c.creds)
			if c.code == 0 {
				if err != nil || a.UserID != 7 || a.Level != c.level {
					t.Fatalf("got %+v %v", a, err)
				}
				return
			}
			if e, ok := errs.As(err); !ok || e.Code != c.code {
				t.Fatalf("want code %d, got %v", c.code, err)
			}
		})
	}
}

func TestAuthenticateRejectsMalformedIDsWithoutLookup(t *testing.T) {
	ctrl := gomock.NewController(t)
	s := NewService(Config{}, authmocks.NewMockUserRepository(ctrl), authmocks.NewMockCustomerRepository(ctrl), clock.System{}, nil, nil, nil)
	for _, id := range []string{"", "abc", "-1", "0", "1.5"} {
		if _, err := s.AuthenticateUser(context.Background(), ports.Credentials{UserID: id}); !errs.IsKind(err, errs.KindUnauthorized) {
			t.Errorf("user id %q: %v", id, err)
		}
		if _, err := s.AuthenticateCustomer(context.Background(), ports.Credentials{UserID: id}); !errs.IsKind(err, errs.KindUnauthorized) {
			t.Errorf("customer id %q: %v", id, err)
		}
	}
}

func TestLogin(t *testing.T) {
	since := now.Add(-15 * time.Minute)
	type deps struct {
		users    *authmocks.MockUserRepository
		hasher   *mocks.MockPasswordHasher
		failures *authmocks.MockLoginFailures
		tokens   *mocks.MockTokenSource
	}
	setup := func(t *testing.T) (*Service, deps) {
		ctrl := gomock.NewController(t)
		d := deps{authmocks.NewMockUserRepository(ctrl), mocks.NewMockPasswordHasher(ctrl), authmocks.NewMockLoginFailures(ctrl), mocks.NewMockTokenSource(ctrl)}
		return NewService(Config{}, d.users, nil, clock.NewFixed(now), d.tokens, d.hasher, d.failures), d
	}
	in := ports.LoginInput{Username: "amy", Password: "pw", ClientIP: "1.2.3.4"}
	attempt := ports.LoginAttempt{Username: "amy", ClientIP: "1.2.3.4", At: now, Since: since, PerUsername: 10, PerIP: 30}

	t.Run("an attempt over a limit is refused before any password work", func(t *testing.T) {
		s, d := setup(t)
		d.failures.EXPECT().Reserve(gomock.Any(), attempt).Return(int64(0), false, nil)
		if _, err := s.Login(context.Background(), in); !errs.IsKind(err, errs.KindRateLimited) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("an unknown username stays counted", func(t *testing.T) {
		s, d := setup(t)
		d.failures.EXPECT().Reserve(gomock.Any(), attempt).Return(int64(7), true, nil)
		d.users.EXPECT().ForLogin(gomock.Any(), "amy").Return(org.User{}, ports.ErrNotFound)
		d.hasher.EXPECT().Verify(gomock.Any(), "pw").Return(false, false)
		if _, err := s.Login(context.Background(), in); !errs.IsKind(err, errs.KindUnauthorized) {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("wrong password stays counted", func(t *testing.T) {
		s, d := setup(t)
		d.failures.EXPECT().Reserve(gomock.Any(), attempt).Return(int64(7), true, nil)
		d.users.EXPECT().ForLogin(gomock.Any(), "amy").Return(org.User{ID: 1, PasswordHash: "h", Status: org.StatusEnabled}, nil)
		d.hasher.EXPECT().Verify("h", "pw").Return(false, false)
		if _, err := s.Login(context.Background(), in); !errs.IsKind(err, errs.KindUnauthorized) {
			t.Fatal(err)
		}
	})
	t.Run("password hashes wait for a slot, then 429", func(t *testing.T) {
		ctrl := gomock.NewController(t)
		failures, hasher, users := authmocks.NewMockLoginFailures(ctrl), mocks.NewMockPasswordHasher(ctrl), authmocks.NewMockUserRepository(ctrl)
		s := NewService(Config{HashSlots: 1, HashWait: 50 * time.Millisecond}, users, nil, clock.NewFixed(now), nil, hasher, failures)
		failures.EXPECT().Reserve(gomock.Any(), gomock.Any()).Return(int64(1), true, nil).Times(2)
		users.EXPECT().ForLogin(gomock.Any(), "amy").Return(org.User{ID: 1, PasswordHash: "h"}, nil)
		hashing, done := make(chan struct{}), make(chan struct{})
		hasher.EXPECT().Verify("h", "pw").DoAndReturn(func(string, string) (bool, bool) {
			close(hashing)
			<-done
			return false, false
		})
		go func() { _, _ = s.Login(context.Background(), in) }()
		<-hashing
		if _, err := s.Login(context.Background(), in); !errs.IsKind(err, errs.KindRateLimited) {
			t.Fatalf("second login while the only slot hashes: %v", err)
		}
		close(done)
	})
	t.Run("legacy hash is replaced and a missing token made", func(t *testing.T) {
		s, d := setup(t)
		d.failures.EXPECT().Reserve(gomock.Any(), attempt).Return(int64(7), true, nil)
		d.failures.EXPECT().Release(gomock.Any(), int64(7)).Return(nil)
		u := org.User{ID: 1, PasswordHash: "legacy", Status: org.StatusEnabled, Avatar: "a.jpg"}
		d.users.EXPECT().ForLogin(gomock.Any(), "amy").Return(u, nil)
		d.hasher.EXPECT().Verify("legacy", "pw").Return(true, true)
		d.hasher.EXPECT().Hash("pw").Return("$argon2id$new", nil)
		d.tokens.EXPECT().NewToken().Return("tok", nil)
		var saved org.User
		d.users.EXPECT().Update(gomock.Any(), gomock.Any(), int64(1), gomock.Any()).DoAndReturn(
			func(_ context.Context, _ org.Scope, _ int64, fn func(*org.User) error) error {
				saved = u
				return fn(&saved)
			})
		res, err := s.Login(context.Background(), in)
		if err != nil || res.Token != "tok" || res.UserID != 1 || res.Avatar != "a.jpg" {
			t.Fatalf("%+v %v", res, err)
		}
		if saved.PasswordHash != "$argon2id$new" || saved.LastLoginAt == nil || !saved.LastLoginAt.Equal(now) {
			t.Fatalf("saved %+v", saved)
		}
	})
	for name, u := range map[string]org.User{
		"disabled": {ID: 1, PasswordHash: "h", Status: org.StatusDisabled},
		"deleted":  {ID: 1, PasswordHash: "h", Status: org.StatusEnabled, DeletedAt: &now},
	} {
		t.Run(name+" user with the right password: 306, not a failure", func(t *testing.T) {
			s, d := setup(t)
			d.failures.EXPECT().Reserve(gomock.Any(), attempt).Return(int64(7), true, nil)
			d.failures.EXPECT().Release(gomock.Any(), int64(7)).Return(nil)
			d.users.EXPECT().ForLogin(gomock.Any(), "amy").Return(u, nil)
			d.hasher.EXPECT().Verify("h", "pw").Return(true, false)
			if _, err := s.Login(context.Background(), in); !errs.IsKind(err, errs.KindDisabled) {
				t.Fatal(err)
			}
		})
	}
}

// A refused signed request carries why (for the adapter's log), while the
// client-facing error stays 400 token异常 or 306.
func TestRejectionReasons(t *testing.T) {
	enabled := org.User{ID: 7, Token: token, Status: org.StatusEnabled}
	ts := func(at time.Time) string { return strconv.FormatInt(at.UnixMilli(), 10) }
	cases := []struct {
		name   string
		user   *org.User // nil: unknown
		creds  ports.Credentials
		code   int
		reason Reason
	}{
		{"malformed user_id", nil, ports.Credentials{UserID: "x7"}, 400, ReasonMalformedUserID},
		{"unknown user", nil, creds(7, now, token), 400, ReasonUnknownPrincipal},
		{"no timestamp", &enabled, ports.Credentials{UserID: "7", RandStr: Sign("", token)}, 400, ReasonBadTimestamp},
		{"stale", &enabled, creds(7, now.Add(-11*time.Minute), token), 400, ReasonStaleTimestamp},
		{"future", &enabled, creds(7, now.Add(11*time.Minute), token), 400, ReasonFutureTimestamp},
		{"no stored token", &org.User{ID: 7, Status: org.StatusEnabled}, creds(7, now, ""), 400, ReasonNoToken},
		{"no rand_str", &enabled, ports.Credentials{UserID: "7", Timestamp: ts(now)}, 400, ReasonMissingSignature},
		{"bad signature", &enabled, creds(7, now, "ffffffffffffffffffffffffffffffff"), 400, ReasonBadSignature},
		{"disabled", &org.User{ID: 7, Token: token, Status: org.StatusDisabled}, creds(7, now, token), 306, ReasonDisabled},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			ctrl := gomock.NewController(t)
			users := authmocks.NewMockUserRepository(ctrl) // a malformed id is refused before any lookup
			if c.reason != ReasonMalformedUserID {
				users = principal7(ctrl, c.user)
			}
			s := NewService(Config{MaxSkew: 10 * time.Minute}, users, nil, clock.NewFixed(now), nil, nil, nil)
			_, err := s.AuthenticateUser(context.Background(), c.creds)
			var rej *Rejection
			if !errors.As(err, &rej) || rej.Reason != c.reason {
				t.Fatalf("want reason %s, got %v", c.reason, err)
			}
			if e, ok := errs.As(err); !ok || e.Code != c.code {
				t.Fatalf("want code %d, got %v", c.code, err)
			}
			if c.reason == ReasonStaleTimestamp && rej.Skew <= 10*time.Minute {
				t.Fatalf("skew %v", rej.Skew)
			}
		})
	}
	// The customer side reports the same reasons.
	ctrl := gomock.NewController(t)
	customers := authmocks.NewMockCustomerRepository(ctrl)
	customers.EXPECT().ByID(gomock.Any(), int64(9)).Return(customer.Customer{}, ports.ErrNotFound)
	s := NewService(Config{MaxSkew: 10 * time.Minute}, nil, customers, clock.NewFixed(now), nil, nil, nil)
	_, err := s.AuthenticateCustomer(context.Background(), creds(9, now, token))
	var rej *Rejection
	if !errors.As(err, &rej) || rej.Reason != ReasonUnknownPrincipal || !errs.IsKind(err, errs.KindUnauthorized) {
		t.Fatalf("customer: %v", err)
	}
}
