package webhooks

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/webhooks EndpointStore,Queue,BodyFormatter,Sender

import (
	"context"
	"time"

	"leida/domain/webhook"
)

// EndpointStore is the persistence the endpoint admin needs. Every method
// takes the company: an endpoint of another company is not found.
type EndpointStore interface {
	ListEndpoints(ctx context.Context, companyID int64) ([]webhook.Endpoint, error)
	CreateEndpoint(ctx context.Context, e *webhook.Endpoint) error
	// UpdateEndpoint locks the endpoint, applies change and saves it.
	UpdateEndpoint(ctx context.Context, companyID, id int64, change func(*webhook.Endpoint) error) (webhook.Endpoint, error)
	DeleteEndpoint(ctx context.Context, companyID, id int64) error
	ListDeliveries(ctx context.Context, companyID, endpointID int64, limit int) ([]webhook.DeliveryRecord, error)
}

// Due is a delivery a worker has claimed: the event, where it goes, and
// where its schedule stands.
type Due struct {
	DeliveryID int64
	EndpointID int64
	URL        string
	Secret     string
	Message    webhook.Message
	Delivery   webhook.Delivery
}

// Queue is the outbox as the delivery worker needs it.
type Queue interface {
	// ClaimDue leases up to limit due deliveries of enabled endpoints for
	// lease: no other worker takes them before it ends.
	ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]Due, error)
	// RecordAttempt locks the delivery and its endpoint, lets record update
	// them at the database's now, saves both and ends the lease, in one
	// transaction.
	RecordAttempt(ctx context.Context, deliveryID, endpointID int64,
		record func(now time.Time, d *webhook.Delivery, e *webhook.Endpoint)) error
	// Prune deletes the events (with their deliveries) older than age, none
	// of whose deliveries is still pending, and reports how many.
	Prune(ctx context.Context, age time.Duration) (int64, error)
}

// BodyFormatter renders the JSON body receivers get for an event; the same
// bytes for the same message.
type BodyFormatter interface {
	Body(m webhook.Message) ([]byte, error)
}

// Sender makes one attempt.
type Sender interface {
	Send(ctx context.Context, a webhook.Attempt) webhook.Result
}
