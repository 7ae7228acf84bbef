package ports

import (
	"leida/domain/paging"
	"leida/domain/validate"
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

// UserInput is the form of user add/update (raw form values).
type UserInput struct {
	WeComUserID string
	Username    string
	Password    string
	RoleID      string
	CompanyID   string
	Status      string
}

// RoleInput is the form of role add/update.
type RoleInput struct {
	Name  string
	Level string
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

// CompanyInput is the form of company add/update; an update keeps the
// optional fields that were not sent.
type CompanyInput struct {
	Name            string
	CorpID          validate.Field
	TongxunluSecret validate.Field
	Area            validate.Field
	Address         validate.Field
}

// BootstrapResult is what `leida bootstrap` prints.
type BootstrapResult struct {
	CompanyID int64
	UserID    int64
	Token     string
}
