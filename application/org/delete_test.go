package org

import (
	"context"
	"errors"
	"testing"

	"github.com/golang/mock/gomock"

	"leida/application/apptest"
	orgmocks "leida/application/org/mocks"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

// E18 and E11 leave the "in use" check to the repository's one atomic step
// and answer its outcomes with the legacy codes.
func TestDeleteCompanyAndRoleAnswerTheAtomicOutcome(t *testing.T) {
	boom := errors.New("boom")
	for _, c := range []struct {
		repo error
		code int // 0: success, -1: the error itself
	}{
		{nil, 0},
		{ports.ErrNotFound, 302},
		{ports.ErrInUse, 303},
		{boom, -1},
	} {
		ctrl := gomock.NewController(t)
		companies, roles := orgmocks.NewMockCompanyRepository(ctrl), orgmocks.NewMockRoleRepository(ctrl)
		companies.EXPECT().Delete(gomock.Any(), root.Scope(), int64(9)).Return(c.repo)
		roles.EXPECT().Delete(gomock.Any(), int64(9)).Return(c.repo)
		errC := NewCompanies(companies, nil, nil).DeleteCompany(context.Background(), root, 9)
		errR := NewRoles(roles).DeleteRole(context.Background(), root, 9)
		for what, err := range map[string]error{"company": errC, "role": errR} {
			switch {
			case c.repo == nil && err != nil:
				t.Fatalf("%s: %v", what, err)
			case c.code > 0 && apptest.Code(err) != c.code:
				t.Fatalf("%s after %v: %v", what, c.repo, err)
			case c.code < 0 && !errors.Is(err, boom):
				t.Fatalf("%s after %v: %v", what, c.repo, err)
			}
		}
		if e, _ := errs.As(errC); c.repo == ports.ErrInUse && e.Msg != "该企业有关联用户,请转移用户后再试" {
			t.Fatalf("company in use: %q", e.Msg)
		}
		if e, _ := errs.As(errR); c.repo == ports.ErrInUse && e.Msg != "该角色下存在用户,请转移用户后再试" {
			t.Fatalf("role in use: %q", e.Msg)
		}
	}
}

// Only platform admins delete companies and roles; nothing is touched otherwise.
func TestDeleteCompanyAndRoleNeedAPlatformAdmin(t *testing.T) {
	ctrl := gomock.NewController(t)
	companies, roles := orgmocks.NewMockCompanyRepository(ctrl), orgmocks.NewMockRoleRepository(ctrl)
	if err := NewCompanies(companies, nil, nil).DeleteCompany(context.Background(), admin5, 5); apptest.Code(err) != 404 {
		t.Fatalf("company: %v", err)
	}
	if err := NewRoles(roles).DeleteRole(context.Background(), admin5, 3); apptest.Code(err) != 404 {
		t.Fatalf("role: %v", err)
	}
}

// The company was deleted between the form check and the insert (the
// foreign key refused it): the answer is the form's, as if the deletion had
// come first — never an internal error.
func TestAddUserWhoseCompanyWentMeanwhileIsAValidationError(t *testing.T) {
	s, d := newUsers(t)
	d.users.EXPECT().UsernameTaken(gomock.Any(), "amy", int64(0)).Times(2).Return(false, nil)
	d.roles.EXPECT().ByID(gomock.Any(), int64(3)).Times(2).Return(org.Role{ID: 3, Level: org.LevelMember}, nil)
	gomock.InOrder(
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil),
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{}, ports.ErrNotFound),
	)
	d.hasher.EXPECT().Hash("pw").Return("HASH", nil)
	d.tokens.EXPECT().NewToken().Return("TOKEN", nil)
	d.users.EXPECT().Create(gomock.Any(), gomock.Any()).Return(ports.ErrMissingReference)
	_, err := s.AddUser(context.Background(), root, ports.UserInput{Username: "amy", Password: "pw", RoleID: "3", CompanyID: "5"})
	e, ok := errs.As(err)
	if !ok || e.Code != 301 || len(e.Fields) != 1 || e.Fields[0].Field != "company_id" || e.Fields[0].Message != "公司id不存在" {
		t.Fatalf("got %v", err)
	}
}
