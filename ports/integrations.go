package ports

import "leida/domain/validate"

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
