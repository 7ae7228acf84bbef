package postgres

import (
	"context"
	"database/sql/driver"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/application/webhooks"
	"leida/domain/customer"
	"leida/domain/webhook"
)

// Webhooks stores the endpoints and the outbox (migration 00009); the
// outbox itself is written by triggers, in the transaction of the rows it
// reports.
type Webhooks struct{ *DB }

// NewWebhooks makes the store.
func NewWebhooks(db *DB) *Webhooks { return &Webhooks{db} }

// eventArray is a text[] of event names (names are [a-z._], never quoted).
type eventArray []webhook.Event

func (a eventArray) Value() (driver.Value, error) {
	parts := make([]string, len(a))
	for i, e := range a {
		parts[i] = string(e)
	}
	return "{" + strings.Join(parts, ",") + "}", nil
}

func (a *eventArray) Scan(src any) error {
	var s string
	switch v := src.(type) {
	case string:
		s = v
	case []byte:
		s = string(v)
	default:
		return fmt.Errorf("events: cannot scan %T", src)
	}
	s = strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	*a = (*a)[:0]
	if s == "" {
		return nil
	}
	for _, p := range strings.Split(s, ",") {
		*a = append(*a, webhook.Event(strings.Trim(p, `"`)))
	}
	return nil
}

// webhookEndpointRow is the model of webhook_endpoints.
type webhookEndpointRow struct {
	ID             int64
	CompanyID      int64
	URL            string `gorm:"column:url"`
	Events         eventArray
	Secret         string
	Enabled        bool
	DisabledReason string
	FailingSince   *time.Time
	CreatedBy      *int64
	CreatedAt      time.Time `gorm:"default:now()"`
	UpdatedAt      time.Time `gorm:"default:now()"`
}

func (webhookEndpointRow) TableName() string { return "webhook_endpoints" }

func (r webhookEndpointRow) domain() webhook.Endpoint {
	e := webhook.Endpoint{ID: r.ID, CompanyID: r.CompanyID, URL: r.URL, Events: []webhook.Event(r.Events),
		Secret: r.Secret, Enabled: r.Enabled, DisabledReason: r.DisabledReason, CreatedAt: r.CreatedAt, UpdatedAt: r.UpdatedAt}
	if r.FailingSince != nil {
		e.Health.FailingSince = *r.FailingSince
	}
	if r.CreatedBy != nil {
		e.CreatedBy = *r.CreatedBy
	}
	return e
}

func endpointRowOf(e webhook.Endpoint) webhookEndpointRow {
	r := webhookEndpointRow{ID: e.ID, CompanyID: e.CompanyID, URL: e.URL, Events: eventArray(e.Events), Secret: e.Secret,
		Enabled: e.Enabled, DisabledReason: e.DisabledReason}
	if !e.Health.FailingSince.IsZero() {
		t := e.Health.FailingSince
		r.FailingSince = &t
	}
	if e.CreatedBy != 0 {
		id := e.CreatedBy
		r.CreatedBy = &id
	}
	return r
}

// webhookDeliveryRow is the model of webhook_deliveries.
type webhookDeliveryRow struct {
	ID             int64
	CompanyID      int64
	EndpointID     int64
	EventID        int64
	Status         string
	Attempts       int
	NextAt         time.Time
	LeasedUntil    *time.Time
	LastAttemptAt  *time.Time
	LastStatusCode *int
	LastError      string
	DeliveredAt    *time.Time
	CreatedAt      time.Time
}

func (webhookDeliveryRow) TableName() string { return "webhook_deliveries" }

func (r webhookDeliveryRow) delivery() webhook.Delivery {
	d := webhook.Delivery{Status: webhook.Status(r.Status), Attempts: r.Attempts, CreatedAt: r.CreatedAt,
		LastError: r.LastError}
	if d.Status == webhook.Pending {
		d.NextAt = r.NextAt
	}
	if r.LastAttemptAt != nil {
		d.LastAttemptAt = *r.LastAttemptAt
	}
	if r.LastStatusCode != nil {
		d.LastStatusCode = *r.LastStatusCode
	}
	if r.DeliveredAt != nil {
		d.DeliveredAt = *r.DeliveredAt
	}
	return d
}

func orNil[T comparable](v T) *T {
	var zero T
	if v == zero {
		return nil
	}
	return &v
}

// ListEndpoints is the company's endpoints, oldest first.
func (r *Webhooks) ListEndpoints(ctx context.Context, companyID int64) ([]webhook.Endpoint, error) {
	var rows []webhookEndpointRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]webhook.Endpoint, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// CreateEndpoint inserts an endpoint.
func (r *Webhooks) CreateEndpoint(ctx context.Context, e *webhook.Endpoint) error {
	row := endpointRowOf(*e)
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	*e = row.domain()
	return nil
}

// UpdateEndpoint locks the company's endpoint, applies change and saves it.
func (r *Webhooks) UpdateEndpoint(ctx context.Context, companyID, id int64, change func(*webhook.Endpoint) error) (webhook.Endpoint, error) {
	var out webhook.Endpoint
	err := r.Run(ctx, func(ctx context.Context) error {
		var row webhookEndpointRow
		if err := r.conn(ctx).Scopes(tenant(companyID)).Clauses(clause.Locking{Strength: "UPDATE"}).
			Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		e := row.domain()
		if err := change(&e); err != nil {
			return err
		}
		next := endpointRowOf(e)
		if err := r.conn(ctx).Model(&row).
			Select("url", "events", "enabled", "disabled_reason", "failing_since", "updated_at").
			Updates(map[string]any{"url": next.URL, "events": next.Events, "enabled": next.Enabled,
				"disabled_reason": next.DisabledReason, "failing_since": next.FailingSince, "updated_at": gorm.Expr("now()")}).Error; err != nil {
			return err
		}
		if err := r.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		out = row.domain()
		return nil
	})
	if err != nil {
		return webhook.Endpoint{}, translate(err)
	}
	return out, nil
}

// DeleteEndpoint removes the company's endpoint and its deliveries.
func (r *Webhooks) DeleteEndpoint(ctx context.Context, companyID, id int64) error {
	return affected(r.conn(ctx).Scopes(tenant(companyID)).Where("id = ?", id).Delete(&webhookEndpointRow{}))
}

// ListDeliveries is the endpoint's last deliveries, newest first.
func (r *Webhooks) ListDeliveries(ctx context.Context, companyID, endpointID int64, limit int) ([]webhook.DeliveryRecord, error) {
	if err := r.conn(ctx).Scopes(tenant(companyID)).Where("id = ?", endpointID).Take(&webhookEndpointRow{}).Error; err != nil {
		return nil, translate(err)
	}
	var rows []struct {
		D     webhookDeliveryRow `gorm:"embedded"`
		Event string
	}
	err := r.conn(ctx).Model(&webhookDeliveryRow{}).
		Select("webhook_deliveries.*, e.event").
		Joins("JOIN webhook_events e ON e.id = webhook_deliveries.event_id").
		Where("webhook_deliveries.company_id = ? AND webhook_deliveries.endpoint_id = ?", companyID, endpointID).
		Order("webhook_deliveries.id DESC").Limit(limit).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]webhook.DeliveryRecord, len(rows))
	for i, row := range rows {
		out[i] = webhook.DeliveryRecord{ID: row.D.ID, EventID: row.D.EventID, Event: webhook.Event(row.Event), Delivery: row.D.delivery()}
	}
	return out, nil
}

// ClaimDue leases up to limit due deliveries of enabled endpoints, oldest
// due first. Raw SQL: FOR UPDATE SKIP LOCKED inside an UPDATE … RETURNING is the
// claim-once idiom GORM has no words for.
func (r *Webhooks) ClaimDue(ctx context.Context, limit int, lease time.Duration) ([]webhooks.Due, error) {
	var rows []struct {
		D       webhookDeliveryRow `gorm:"embedded"`
		URL     string
		Secret  string
		Event   string
		Payload string
		EventAt time.Time
	}
	err := r.conn(ctx).Raw(`WITH due AS (
			SELECT d.id FROM webhook_deliveries d JOIN webhook_endpoints e ON e.id = d.endpoint_id AND e.enabled
			WHERE d.status = 'pending' AND d.next_at <= now() AND (d.leased_until IS NULL OR d.leased_until < now())
			ORDER BY d.next_at, d.id LIMIT ? FOR UPDATE OF d SKIP LOCKED)
		UPDATE webhook_deliveries d SET leased_until = now() + make_interval(secs => ?)
		FROM due, webhook_endpoints e, webhook_events ev
		WHERE d.id = due.id AND e.id = d.endpoint_id AND ev.id = d.event_id
		RETURNING d.*, e.url, e.secret, ev.event, ev.payload::text AS payload, ev.created_at AS event_at`,
		limit, lease.Seconds()).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]webhooks.Due, len(rows))
	for i, row := range rows {
		m, err := webhookMessage(row.D.EventID, row.D.CompanyID, webhook.Event(row.Event), row.EventAt, row.Payload)
		if err != nil {
			return nil, err
		}
		out[i] = webhooks.Due{DeliveryID: row.D.ID, EndpointID: row.D.EndpointID, URL: row.URL, Secret: row.Secret,
			Message: m, Delivery: row.D.delivery()}
	}
	return out, nil
}

// outcomePayload is the customer.outcome facts the trigger writes.
type outcomePayload struct {
	CustomerID       int64   `json:"customer_id"`
	CustomerUsername string  `json:"customer_username"`
	Outcome          int     `json:"outcome"`
	Previous         int     `json:"previous"`
	ClosedAt         *string `json:"closed_at"`
}

// webhookMessage decodes an outbox event: the radar and chat facts with the
// stream's payload, which the triggers of both write alike.
func webhookMessage(id, companyID int64, ev webhook.Event, at time.Time, payload string) (webhook.Message, error) {
	m := webhook.Message{EventID: id, CompanyID: companyID, Event: ev, At: at}
	var err error
	switch ev {
	case webhook.RadarEvent, webhook.ChatMessage:
		var pl streamPayload
		if err = json.Unmarshal([]byte(payload), &pl); err == nil && ev == webhook.RadarEvent {
			r := pl.radarEvent()
			m.Radar = &r
		} else if err == nil {
			c := pl.chatMessage(companyID)
			m.Chat = &c
		}
	case webhook.CustomerOutcome:
		var pl outcomePayload
		if err = json.Unmarshal([]byte(payload), &pl); err == nil {
			m.Outcome = &webhook.OutcomeChange{CustomerID: pl.CustomerID, CustomerName: pl.CustomerUsername,
				Outcome: customer.Outcome(pl.Outcome), Previous: customer.Outcome(pl.Previous)}
			if pl.ClosedAt != nil {
				if day, perr := time.Parse("2006-01-02", *pl.ClosedAt); perr == nil {
					m.Outcome.ClosedAt = &day
				}
			}
		}
	case webhook.CustomerAIPr:
		m.HotLead = []byte(payload)
	default:
		err = fmt.Errorf("unknown event %q", ev)
	}
	if err != nil {
		return webhook.Message{}, fmt.Errorf("webhook event %d: %w", id, err)
	}
	return m, nil
}

// RecordAttempt locks the delivery and its endpoint, lets record update them
// at the database's now, and saves both with the lease ended.
func (r *Webhooks) RecordAttempt(ctx context.Context, deliveryID, endpointID int64,
	record func(now time.Time, d *webhook.Delivery, e *webhook.Endpoint)) error {
	return translate(r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		var now time.Time
		// Raw SQL: the database's clock, the one every instance shares.
		if err := db.Raw(`SELECT now()`).Scan(&now).Error; err != nil {
			return err
		}
		var ep webhookEndpointRow
		if err := db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", endpointID).Take(&ep).Error; err != nil {
			return err
		}
		var row webhookDeliveryRow
		if err := db.Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ? AND endpoint_id = ?", deliveryID, endpointID).
			Take(&row).Error; err != nil {
			return err
		}
		d, e := row.delivery(), ep.domain()
		record(now, &d, &e)
		next := endpointRowOf(e)
		if err := db.Model(&ep).Select("enabled", "disabled_reason", "failing_since").
			Updates(map[string]any{"enabled": next.Enabled, "disabled_reason": next.DisabledReason,
				"failing_since": next.FailingSince}).Error; err != nil {
			return err
		}
		nextAt := d.NextAt
		if nextAt.IsZero() {
			nextAt = row.NextAt
		}
		return db.Model(&row).Select("status", "attempts", "next_at", "leased_until", "last_attempt_at",
			"last_status_code", "last_error", "delivered_at").
			Updates(map[string]any{"status": string(d.Status), "attempts": d.Attempts, "next_at": nextAt,
				"leased_until": nil, "last_attempt_at": orNil(d.LastAttemptAt), "last_status_code": orNil(d.LastStatusCode),
				"last_error": d.LastError, "delivered_at": orNil(d.DeliveredAt)}).Error
	}))
}

// Prune deletes the events older than age none of whose deliveries is
// pending; their deliveries go with them.
func (r *Webhooks) Prune(ctx context.Context, age time.Duration) (int64, error) {
	res := r.conn(ctx).Where("created_at < now() - make_interval(secs => ?)", age.Seconds()).
		Where("NOT EXISTS (SELECT 1 FROM webhook_deliveries d WHERE d.event_id = webhook_events.id AND d.status = 'pending')").
		Delete(&webhookEventRow{})
	return res.RowsAffected, translate(res.Error)
}

// webhookEventRow is the model of webhook_events (written by triggers).
type webhookEventRow struct {
	ID        int64
	CompanyID int64
	Event     string
	Payload   string
	CreatedAt time.Time
}

func (webhookEventRow) TableName() string { return "webhook_events" }
