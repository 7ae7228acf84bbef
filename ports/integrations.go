package ports

import (
	"leida/domain/directory"
	"leida/domain/org"
	"leida/domain/validate"
)

// WebhookInput is the form of webhook add and update: url, events (names
// comma-separated or a JSON list) and, on update, enabled; an update keeps
// what was not sent.
type WebhookInput struct {
	URL     validate.Field
	Events  validate.Field
	Enabled validate.Field
}

// DepartmentInput is the form of department add and update (A14): name,
// parentid (Leida's id of the parent; empty or 0 for the top) and, for
// platform admins, company_id; an update keeps what was not sent.
type DepartmentInput struct {
	Name     validate.Field
	ParentID validate.Field
	Company  validate.Field
}

// DirectoryUserInput is the A13 user form: E02/E04's fields and what the
// company's WeCom directory keeps of a member (department_id: a JSON list of
// the company's department ids).
type DirectoryUserInput struct {
	UserInput
	Position      validate.Field
	Phone         validate.Field
	MingpianPhone validate.Field
	DepartmentIDs validate.Field
}

// DirectoryUser is an A13 list line: the user whole, with its departments.
type DirectoryUser struct {
	User        org.User
	Departments []directory.LocalDepartment
}
