package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	"leida/domain/org"
	"leida/domain/paging"
	"leida/ports"
)

type orgStore struct {
	db        *postgres.DB
	users     *postgres.Users
	roles     *postgres.Roles
	companies *postgres.Companies
	perms     *postgres.Permissions
}

func newOrgStore(t *testing.T) orgStore {
	db, _ := pgtest.New(t, time.UTC)
	return orgStore{db, postgres.NewUsers(db), postgres.NewRoles(db), postgres.NewCompanies(db), postgres.NewPermissions(db)}
}

func (s orgStore) company(t *testing.T, name string) org.Company {
	c := org.Company{Name: name}
	if err := s.companies.Create(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c
}

func (s orgStore) role(t *testing.T, name string, l org.Level) org.Role {
	r := org.Role{Name: name, Level: l}
	if err := s.roles.Create(context.Background(), &r); err != nil {
		t.Fatal(err)
	}
	return r
}

func (s orgStore) user(t *testing.T, c org.Company, r org.Role, name, token string) org.User {
	u := org.User{CompanyID: c.ID, Username: name, RoleID: r.ID, Token: token, Status: org.StatusEnabled, PasswordHash: "h-" + name, Avatar: "a"}
	if err := s.users.Create(context.Background(), &u); err != nil {
		t.Fatal(err)
	}
	return u
}

func TestUsersAreScopedByCompany(t *testing.T) {
	s := newOrgStore(t)
	ctx := context.Background()
	a, b := s.company(t, "A"), s.company(t, "B")
	member := s.role(t, "成员", org.LevelMember)
	ua := s.user(t, a, member, "amy", "00000000000000000000000000000001")
	ub := s.user(t, b, member, "bob", "00000000000000000000000000000002")

	if ua.ID == 0 || ua.CreatedAt.IsZero() {
		t.Fatal("insert did not read back id and created_at")
	}
	got, err := s.users.InScope(ctx, org.Scope{CompanyID: a.ID}, ua.ID)
	if err != nil || got.RoleName != "成员" || got.RoleLevel != org.LevelMember || got.CompanyName != "A" {
		t.Fatalf("%+v %v", got, err)
	}
	if _, err := s.users.InScope(ctx, org.Scope{CompanyID: a.ID}, ub.ID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("other tenant's user visible: %v", err)
	}
	list, n, err := s.users.List(ctx, org.Scope{CompanyID: b.ID}, ports.ListQuery{Page: paging.Page{Number: 1, Length: 10}})
	if err != nil || n != 1 || len(list) != 1 || list[0].ID != ub.ID {
		t.Fatalf("list %+v %d %v", list, n, err)
	}
	_, n, _ = s.users.List(ctx, org.Scope{AllCompanies: true}, ports.ListQuery{Page: paging.Page{Number: 1}, Filters: map[string]string{"company__name": "B"}})
	if n != 1 {
		t.Fatalf("company__name filter: %d", n)
	}
	_, n, _ = s.users.List(ctx, org.Scope{AllCompanies: true}, ports.ListQuery{Page: paging.Page{Number: 1}, Filters: map[string]string{"id": "abc"}})
	if n != 0 {
		t.Fatal("a non-integer id filter matched")
	}
	err = s.users.Update(ctx, org.Scope{CompanyID: a.ID}, ub.ID, func(u *org.User) error { u.Username = "hacked"; return nil })
	if !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("update crossed tenants: %v", err)
	}
}

func TestLoginNamesAreUniqueAmongLiveUsersWithPasswords(t *testing.T) {
	s := newOrgStore(t)
	ctx := context.Background()
	a := s.company(t, "A")
	r := s.role(t, "成员", org.LevelMember)
	s.user(t, a, r, "amy", "00000000000000000000000000000001")
	dup := org.User{CompanyID: a.ID, Username: "amy", RoleID: r.ID, Token: "00000000000000000000000000000002", Status: 1, PasswordHash: "x"}
	if err := s.users.Create(ctx, &dup); !errors.Is(err, ports.ErrDuplicate) {
		t.Fatalf("duplicate login name: %v", err)
	}
	// A WeCom member without a password may share a display name.
	wecom := org.User{CompanyID: a.ID, Username: "amy", RoleID: r.ID, Token: "00000000000000000000000000000003", Status: 2}
	if err := s.users.Create(ctx, &wecom); err != nil {
		t.Fatal(err)
	}
	if u, err := s.users.ByUsername(ctx, "amy"); err != nil || u.PasswordHash == "" {
		t.Fatalf("login lookup picked %+v %v", u, err)
	}
}

func TestUpdateCallbackErrorWritesNothing(t *testing.T) {
	s := newOrgStore(t)
	ctx := context.Background()
	a := s.company(t, "A")
	u := s.user(t, a, s.role(t, "成员", 3), "amy", "00000000000000000000000000000001")
	boom := errors.New("boom")
	err := s.users.Update(ctx, org.Scope{AllCompanies: true}, u.ID, func(u *org.User) error { u.Username = "changed"; return boom })
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	got, _ := s.users.Principal(ctx, u.ID)
	if got.Username != "amy" {
		t.Fatal("half-written update")
	}
	// A transaction that fails after a write leaves nothing behind.
	err = s.db.Run(ctx, func(ctx context.Context) error {
		c := org.Company{Name: "C"}
		if err := s.companies.Create(ctx, &c); err != nil {
			return err
		}
		return boom
	})
	if !errors.Is(err, boom) {
		t.Fatal(err)
	}
	if _, err := s.companies.ByName(ctx, "C"); !errors.Is(err, ports.ErrNotFound) {
		t.Fatal("rolled-back company exists")
	}
}

func TestPermissionWithChildCannotBeDeleted(t *testing.T) {
	s := newOrgStore(t)
	ctx := context.Background()
	parent := org.Permission{Path: "/a", Title: "A", OrderNum: 1}
	if err := s.perms.Create(ctx, &parent); err != nil {
		t.Fatal(err)
	}
	child := org.Permission{Path: "/a/b", Title: "B", OrderNum: 1, ParentID: &parent.ID}
	if err := s.perms.Create(ctx, &child); err != nil {
		t.Fatal(err)
	}
	if err := s.perms.Delete(ctx, parent.ID); !errors.Is(err, ports.ErrDuplicate) {
		t.Fatalf("delete parent: %v", err)
	}
	if err := s.perms.Delete(ctx, 999); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("delete missing: %v", err)
	}
}

func TestDeletingACompanyTakesItsDeletedUsers(t *testing.T) {
	s := newOrgStore(t)
	ctx := context.Background()
	a := s.company(t, "A")
	u := s.user(t, a, s.role(t, "成员", 3), "amy", "00000000000000000000000000000001")
	if err := s.companies.Delete(ctx, org.Scope{AllCompanies: true}, a.ID); !errors.Is(err, ports.ErrInUse) {
		t.Fatalf("company with a live user: %v", err)
	}
	err := s.users.Update(ctx, org.Scope{AllCompanies: true}, u.ID, func(u *org.User) error {
		now := time.Now()
		u.DeletedAt = &now
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.companies.Delete(ctx, org.Scope{AllCompanies: true}, a.ID); err != nil {
		t.Fatal(err)
	}
	if _, err := s.users.Principal(ctx, u.ID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatal("user survived its company")
	}
}
