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
