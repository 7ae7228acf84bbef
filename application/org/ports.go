package org

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/org UserRepository,RoleRepository,CompanyRepository

import (
	"context"

	"leida/domain/directory"
	"leida/domain/org"
	"leida/ports"
)

// UserRepository stores the enterprise users the admin pages manage.
type UserRepository interface {
	// InScope finds a live user inside scope.
	InScope(ctx context.Context, scope org.Scope, id int64) (org.User, error)
	// ByUsername finds a live user by login name.
	ByUsername(ctx context.Context, username string) (org.User, error)
	UsernameTaken(ctx context.Context, username string, exceptID int64) (bool, error)
	// List pages through the live users in scope with what a list line shows:
	// id, company, username, role, status, creation and last login.
	List(ctx context.Context, scope org.Scope, q ports.ListQuery) ([]org.User, int, error)
	// Create inserts u; ErrDuplicate when the login name is taken,
	// ErrMissingReference when its company or role does not exist (any more).
	Create(ctx context.Context, u *org.User) error
	// Update loads the live user id inside scope, applies fn and saves it;
	// ErrMissingReference when the new company or role does not exist (any more).
	Update(ctx context.Context, scope org.Scope, id int64, fn func(*org.User) error) error
}

// RoleRepository stores roles.
type RoleRepository interface {
	ByID(ctx context.Context, id int64) (org.Role, error)
	ByName(ctx context.Context, name string) (org.Role, error)
	NameTaken(ctx context.Context, name string, exceptID int64) (bool, error)
	List(ctx context.Context, q ports.ListQuery) ([]org.Role, int, error)
	Create(ctx context.Context, r *org.Role) error
	Save(ctx context.Context, r org.Role) error
	// Delete removes the role unless a live user holds it (ErrInUse), in
	// one step against concurrent user writes: a user given the role
	// meanwhile either counts (ErrInUse) or fails its write
	// (ErrMissingReference), never loses its role to the deletion.
	Delete(ctx context.Context, id int64) error
}

// PermissionRepository stores the permission tree.
type PermissionRepository interface {
	ByID(ctx context.Context, id int64) (org.Permission, error)
	All(ctx context.Context) ([]org.Permission, error)
	PathTaken(ctx context.Context, path string, exceptID int64) (bool, error)
	TitleTaken(ctx context.Context, title string, exceptID int64) (bool, error)
	CountChildren(ctx context.Context, id int64) (int, error)
	Create(ctx context.Context, p *org.Permission) error
	Save(ctx context.Context, p org.Permission) error
	Delete(ctx context.Context, id int64) error
}

// CompanyRepository stores companies.
type CompanyRepository interface {
	InScope(ctx context.Context, scope org.Scope, id int64) (org.Company, error)
	ByName(ctx context.Context, name string) (org.Company, error)
	NameTaken(ctx context.Context, name string, exceptID int64) (bool, error)
	List(ctx context.Context, scope org.Scope, q ports.ListQuery) ([]org.Company, int, error)
	Create(ctx context.Context, c *org.Company) error
	Save(ctx context.Context, c org.Company) error
	// Delete removes the company inside scope, with its data and its deleted
	// users, unless a live user belongs to it (ErrInUse), in one step
	// against concurrent user writes: a user added to (or moved into) the
	// company meanwhile either counts (ErrInUse) or fails its write
	// (ErrMissingReference), never goes with the company.
	Delete(ctx context.Context, scope org.Scope, id int64) error
}

// UserDetailsRepository reads users whole (the A13 list).
type UserDetailsRepository interface {
	Details(ctx context.Context, scope org.Scope, ids []int64) (map[int64]org.User, error)
}

// MembershipRepository keeps the users' departments.
type MembershipRepository interface {
	// DepartmentsIn are the company's departments among ids.
	DepartmentsIn(ctx context.Context, companyID int64, ids []int64) ([]directory.LocalDepartment, error)
	// SetUserDepartments makes the user's departments exactly ids.
	SetUserDepartments(ctx context.Context, companyID, userID int64, ids []int64) error
	UserDepartments(ctx context.Context, userIDs []int64) (map[int64][]directory.LocalDepartment, error)
}

// DirectoryWriter writes members to a company's WeCom directory.
type DirectoryWriter interface {
	CreateMember(ctx context.Context, c directory.Corp, m directory.Member) error
	UpdateMember(ctx context.Context, c directory.Corp, m directory.Member) error
	DeleteMember(ctx context.Context, c directory.Corp, userID string) error
}
