package org

import (
	"context"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	"leida/application/apptest"
	orgmocks "leida/application/org/mocks"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
	"leida/ports/mocks"
)

type userDeps struct {
	users     *orgmocks.MockUserRepository
	roles     *orgmocks.MockRoleRepository
	companies *orgmocks.MockCompanyRepository
	hasher    *mocks.MockPasswordHasher
	tokens    *mocks.MockTokenSource
}

func newUsers(t *testing.T) (*Users, userDeps) {
	ctrl := gomock.NewController(t)
	d := userDeps{orgmocks.NewMockUserRepository(ctrl), orgmocks.NewMockRoleRepository(ctrl), orgmocks.NewMockCompanyRepository(ctrl),
		mocks.NewMockPasswordHasher(ctrl), mocks.NewMockTokenSource(ctrl)}
	return NewUsers(d.users, d.roles, d.companies, d.hasher, d.tokens, clock.NewFixed(time.Unix(1_800_000_000, 0))), d
}

// checksPass expects an add's checks to pass: username free, role 3 a
// member role, company in the actor's scope.
func (d userDeps) checksPass(username string, company int64) {
	d.users.EXPECT().UsernameTaken(gomock.Any(), username, int64(0)).Return(false, nil)
	d.roles.EXPECT().ByID(gomock.Any(), int64(3)).Return(org.Role{ID: 3, Level: org.LevelMember}, nil)
	d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), company).Return(org.Company{ID: company}, nil)
}

var (
	root   = org.Actor{UserID: 1, CompanyID: 1, Level: org.LevelPlatformAdmin}
	admin5 = org.Actor{UserID: 2, CompanyID: 5, Level: org.LevelCompanyAdmin}
	member = org.Actor{UserID: 3, CompanyID: 5, Level: org.LevelMember}
)

// A member is refused before anything is read or written (no expectations set).
func TestAddUserByMemberIsForbidden(t *testing.T) {
	s, _ := newUsers(t)
	_, err := s.AddUser(context.Background(), member, ports.UserInput{Username: "x", Password: "p", RoleID: "3", CompanyID: "5"})
	if apptest.Code(err) != 404 {
		t.Fatalf("got %v", err)
	}
}

func TestAddUserIntoAnotherCompanyIsForbidden(t *testing.T) {
	s, d := newUsers(t)
	d.checksPass("x", 6)
	_, err := s.AddUser(context.Background(), admin5, ports.UserInput{Username: "x", Password: "p", RoleID: "3", CompanyID: "6"})
	if apptest.Code(err) != 404 {
		t.Fatalf("got %v", err)
	}
}

func TestAddUserCreatesEnabledUserWithHashAndToken(t *testing.T) {
	s, d := newUsers(t)
	d.checksPass("amy", 5)
	d.hasher.EXPECT().Hash("pw").Return("HASH", nil)
	d.tokens.EXPECT().NewToken().Return("TOKEN", nil)
	d.users.EXPECT().Create(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, u *org.User) error {
		if u.Username != "amy" || u.PasswordHash != "HASH" || u.Token != "TOKEN" || u.Status != org.StatusEnabled ||
			u.CompanyID != 5 || u.RoleID != 3 || u.Avatar != org.DefaultUserAvatar {
			t.Errorf("created %+v", u)
		}
		u.ID = 42
		return nil
	})
	u, err := s.AddUser(context.Background(), admin5, ports.UserInput{Username: " amy ", Password: "pw", RoleID: "3", CompanyID: "5"})
	if err != nil || u.ID != 42 {
		t.Fatalf("%+v %v", u, err)
	}
}

func TestAddUserRaceOnUsernameIsAValidationError(t *testing.T) {
	s, d := newUsers(t)
	d.checksPass("amy", 5)
	d.hasher.EXPECT().Hash("pw").Return("HASH", nil)
	d.tokens.EXPECT().NewToken().Return("TOKEN", nil)
	d.users.EXPECT().Create(gomock.Any(), gomock.Any()).Return(ports.ErrDuplicate)
	_, err := s.AddUser(context.Background(), admin5, ports.UserInput{Username: "amy", Password: "pw", RoleID: "3", CompanyID: "5"})
	e, ok := errs.As(err)
	if !ok || e.Code != 301 || len(e.Fields) != 1 || e.Fields[0].Message != "用户名已存在" {
		t.Fatalf("got %v", err)
	}
}

func TestDeleteSelfIs305WithoutTouchingTheStore(t *testing.T) {
	s, _ := newUsers(t)
	if err := s.DeleteUser(context.Background(), admin5, admin5.UserID); apptest.Code(err) != 305 {
		t.Fatalf("got %v", err)
	}
}

func TestDeleteRotatesTokenAndDisables(t *testing.T) {
	s, d := newUsers(t)
	d.tokens.EXPECT().NewToken().Return("NEW", nil)
	target := org.User{ID: 9, CompanyID: 5, RoleLevel: org.LevelMember, Status: org.StatusEnabled, Token: "OLD"}
	d.users.EXPECT().Update(gomock.Any(), admin5.Scope(), int64(9), gomock.Any()).DoAndReturn(
		func(_ context.Context, _ org.Scope, _ int64, fn func(*org.User) error) error {
			if err := fn(&target); err != nil {
				return err
			}
			return nil
		})
	if err := s.DeleteUser(context.Background(), admin5, 9); err != nil {
		t.Fatal(err)
	}
	if target.DeletedAt == nil || target.Status != org.StatusDisabled || target.Token != "NEW" {
		t.Fatalf("after delete %+v", target)
	}
}

func TestDeleteUnknownIs302(t *testing.T) {
	s, d := newUsers(t)
	d.tokens.EXPECT().NewToken().Return("NEW", nil)
	d.users.EXPECT().Update(gomock.Any(), gomock.Any(), int64(9), gomock.Any()).Return(ports.ErrNotFound)
	if err := s.DeleteUser(context.Background(), root, 9); apptest.Code(err) != 302 {
		t.Fatalf("got %v", err)
	}
}

func TestUpdateUserUnknownIs303WithEmptyObject(t *testing.T) {
	s, d := newUsers(t)
	d.users.EXPECT().InScope(gomock.Any(), admin5.Scope(), int64(9)).Return(org.User{}, ports.ErrNotFound)
	err := s.UpdateUser(context.Background(), admin5, 9, ports.UserInput{Username: "x"})
	if e, ok := errs.As(err); !ok || e.Code != 303 || !e.EmptyObjectMsg {
		t.Fatalf("got %v", err)
	}
}
