package directory

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/directory Gateway,SyncStore,DepartmentStore

import (
	"context"
	"time"

	"leida/domain/directory"
	"leida/domain/org"
)

// Gateway is a company's WeCom contacts directory.
type Gateway interface {
	Departments(ctx context.Context, c directory.Corp) ([]directory.Department, error)
	Members(ctx context.Context, c directory.Corp) ([]directory.Member, error)
	CreateDepartment(ctx context.Context, c directory.Corp, name string, parentID int64) (int64, error)
	UpdateDepartment(ctx context.Context, c directory.Corp, d directory.Department) error
	DeleteDepartment(ctx context.Context, c directory.Corp, id int64) error
	CreateMember(ctx context.Context, c directory.Corp, m directory.Member) error
	UpdateMember(ctx context.Context, c directory.Corp, m directory.Member) error
	DeleteMember(ctx context.Context, c directory.Corp, userID string) error
}

// CorpSource finds a company's WeCom credentials (empty when it has none).
type CorpSource interface {
	Corp(ctx context.Context, companyID int64) (directory.Corp, error)
}

// SyncStore is what the synchronisation needs of persistence.
type SyncStore interface {
	CorpSource
	// Local is the company's departments and its users as the plan compares them.
	Local(ctx context.Context, companyID int64) ([]directory.LocalDepartment, []directory.LocalUser, error)
	// Apply makes the plan's changes in one transaction; newUsers are the
	// rows of plan.CreateUsers, in that order.
	Apply(ctx context.Context, companyID int64, plan directory.Plan, newUsers []org.User) error
	// MemberRoleID is the role new members get (the ordinary one).
	MemberRoleID(ctx context.Context) (int64, error)
	// CompaniesWithDirectory lists the companies with WeCom credentials.
	CompaniesWithDirectory(ctx context.Context) ([]int64, error)
	// ClaimSync marks the company synchronised now unless it was within
	// every: true for the one instance that should run it.
	ClaimSync(ctx context.Context, companyID int64, every time.Duration) (bool, error)
}

// DepartmentStore is what the department admin needs of persistence; every
// method takes the caller's scope or company.
type DepartmentStore interface {
	CorpSource
	ListDepartments(ctx context.Context, scope org.Scope, filters map[string]string) ([]directory.LocalDepartment, error)
	DepartmentInScope(ctx context.Context, scope org.Scope, id int64) (directory.LocalDepartment, error)
	DepartmentNameTaken(ctx context.Context, companyID int64, name string, exceptID int64) (bool, error)
	CreateDepartment(ctx context.Context, d *directory.LocalDepartment) error
	SaveDepartment(ctx context.Context, d directory.LocalDepartment) error
	// DeleteDepartment removes it in a transaction that commits only when
	// inWeCom (run last) succeeds; ports.ErrInUse when it has live members
	// or children.
	DeleteDepartment(ctx context.Context, companyID, id int64, inWeCom func() error) error
}
