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

// UserRepository stores enterprise users.
type UserRepository interface {
	// Principal finds a user, deleted ones included (authentication tells
	// them apart), with only what a signed request is checked against: id,
	// company, username, token, status, deletion time and role level.
	Principal(ctx context.Context, id int64) (org.User, error)
	// InScope finds a live user inside scope.
	InScope(ctx context.Context, scope org.Scope, id int64) (org.User, error)
	// ByUsername finds a live user by login name.
	ByUsername(ctx context.Context, username string) (org.User, error)
	// ForLogin finds who logs in with username: the live user, else the
	// latest deleted one (whose login answers 306, D5).
	ForLogin(ctx context.Context, username string) (org.User, error)
	UsernameTaken(ctx context.Context, username string, exceptID int64) (bool, error)
	// List pages through the live users in scope with what a list line shows:
	// id, company, username, role, status, creation and last login.
	List(ctx context.Context, scope org.Scope, q ListQuery) ([]org.User, int, error)
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
	List(ctx context.Context, q ListQuery) ([]org.Role, int, error)
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
	List(ctx context.Context, scope org.Scope, q ListQuery) ([]org.Company, int, error)
	Create(ctx context.Context, c *org.Company) error
	Save(ctx context.Context, c org.Company) error
	// Delete removes the company inside scope, with its data and its deleted
	// users, unless a live user belongs to it (ErrInUse), in one step
	// against concurrent user writes: a user added to (or moved into) the
	// company meanwhile either counts (ErrInUse) or fails its write
	// (ErrMissingReference), never goes with the company.
	Delete(ctx context.Context, scope org.Scope, id int64) error
}

// CustomerIdentityRepository finds the shared WeChat identity of customers.
type CustomerIdentityRepository interface {
	ByID(ctx context.Context, id int64) (customer.Customer, error)
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
