package ports

import (
	"context"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/domain/paging"
)

// ListQuery is what every legacy list takes: a page, an order value from the
// endpoint's whitelist (unknown values fall back to the default) and filters.
type ListQuery struct {
	Page    paging.Page
	Order   string
	Filters map[string]string
}

// Credentials are the legacy signed-request parameters.
type Credentials struct {
	UserID    string
	Timestamp string
	RandStr   string
}

// LoginInput is a password login.
type LoginInput struct {
	Username string
	Password string
	ClientIP string
}

// LoginResult is what a successful login returns.
type LoginResult struct {
	Token  string
	UserID int64
	Avatar string
}

// Authenticator checks signed requests and password logins.
type Authenticator interface {
	AuthenticateUser(ctx context.Context, c Credentials) (org.Actor, error)
	AuthenticateCustomer(ctx context.Context, c Credentials) (customer.Visitor, error)
	Login(ctx context.Context, in LoginInput) (LoginResult, error)
}

// UserInput is the form of user add/update (raw form values).
type UserInput struct {
	WeComUserID string
	Username    string
	Password    string
	RoleID      string
	CompanyID   string
	Status      string
}

// UserAdmin is E01–E04.
type UserAdmin interface {
	ListUsers(ctx context.Context, a org.Actor, q ListQuery) ([]org.User, int, error)
	AddUser(ctx context.Context, a org.Actor, in UserInput) (org.User, error)
	DeleteUser(ctx context.Context, a org.Actor, id int64) error
	UpdateUser(ctx context.Context, a org.Actor, id int64, in UserInput) error
}

// RoleInput is the form of role add/update.
type RoleInput struct {
	Name  string
	Level string
}

// RoleAdmin is E09–E12.
type RoleAdmin interface {
	ListRoles(ctx context.Context, a org.Actor, q ListQuery) ([]org.Role, int, error)
	AddRole(ctx context.Context, a org.Actor, in RoleInput) (org.Role, error)
	DeleteRole(ctx context.Context, a org.Actor, id int64) error
	UpdateRole(ctx context.Context, a org.Actor, id int64, in RoleInput) error
}

// PermissionInput is the form of permission add/update.
type PermissionInput struct {
	Path      string
	Icon      string
	Title     string
	ParentID  string
	OrderNum  string
	Component string
}

// PermissionAdmin is E13–E15 and A1.
type PermissionAdmin interface {
	PermissionTree(ctx context.Context, a org.Actor) (flat, roots []*org.PermissionNode, err error)
	AddPermission(ctx context.Context, a org.Actor, in PermissionInput) (org.Permission, error)
	DeletePermission(ctx context.Context, a org.Actor, id int64) error
	UpdatePermission(ctx context.Context, a org.Actor, id int64, in PermissionInput) error
}

// CompanyInput is the form of company add/update; Set* tell which optional
// fields were sent.
type CompanyInput struct {
	Name               string
	CorpID             string
	CorpIDSet          bool
	TongxunluSecret    string
	TongxunluSecretSet bool
	Area               string
	AreaSet            bool
	Address            string
	AddressSet         bool
}

// CompanyAdmin is E16–E19.
type CompanyAdmin interface {
	ListCompanies(ctx context.Context, a org.Actor, q ListQuery) ([]org.Company, int, error)
	AddCompany(ctx context.Context, a org.Actor, in CompanyInput) (org.Company, error)
	DeleteCompany(ctx context.Context, a org.Actor, id int64) error
	UpdateCompany(ctx context.Context, a org.Actor, id int64, in CompanyInput) error
}

// BootstrapResult is what `leida bootstrap` prints.
type BootstrapResult struct {
	CompanyID int64
	UserID    int64
	Token     string
}

// Bootstrapper creates the built-in roles, a company and its platform admin.
type Bootstrapper interface {
	Bootstrap(ctx context.Context, company, username, password string) (BootstrapResult, error)
}
