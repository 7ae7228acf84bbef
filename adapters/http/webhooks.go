package http

import (
	"encoding/json"
	"fmt"
	"time"

	"leida/domain/webhook"
)

// WebhookBodies renders what webhook receivers get, in the words of the
// API: data is the E47 item for radar.event, the E28 item for chat.message,
// the change for customer.outcome and the reps' hot_lead alert for
// customer.ai_pr; times are in TIME_ZONE.
type WebhookBodies struct {
	Location      *time.Location
	PublicBaseURL string
}

// webhookBody is the body of every delivery.
type webhookBody struct {
	ID        int64  `json:"id"`
	Type      string `json:"type"`
	Time      string `json:"time"`
	CompanyID int64  `json:"company_id"`
	Data      any    `json:"data"`
}

// outcomeData is the customer.outcome data.
type outcomeData struct {
	CustomerID       int64   `json:"customer_id"`
	CustomerUsername string  `json:"customer_username"`
	Outcome          string  `json:"outcome"`
	Previous         string  `json:"previous"`
	ClosedAt         *string `json:"closed_at"`
}

// Body is the JSON body of a message's deliveries, the same bytes on every
// attempt.
func (b WebhookBodies) Body(m webhook.Message) ([]byte, error) {
	var data any
	switch {
	case m.Radar != nil:
		data = radarEventItem(*m.Radar, b.Location)
	case m.Chat != nil:
		data = pollItemOf(*m.Chat, b.PublicBaseURL, b.Location)
	case m.Outcome != nil:
		o := outcomeData{CustomerID: m.Outcome.CustomerID, CustomerUsername: m.Outcome.CustomerName,
			Outcome: m.Outcome.Outcome.String(), Previous: m.Outcome.Previous.String()}
		if m.Outcome.ClosedAt != nil {
			day := m.Outcome.ClosedAt.Format(time.DateOnly)
			o.ClosedAt = &day
		}
		data = o
	case m.HotLead != nil:
		data = json.RawMessage(m.HotLead)
	default:
		return nil, fmt.Errorf("webhook event %d (%s) has no facts", m.EventID, m.Event)
	}
	return marshalNoEscape(webhookBody{ID: m.EventID, Type: string(m.Event), Time: m.At.In(b.Location).Format(time.RFC3339),
		CompanyID: m.CompanyID, Data: data})
}
