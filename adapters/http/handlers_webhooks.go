package http

import (
	"github.com/labstack/echo/v4"

	"leida/domain/webhook"
	"leida/ports"
)

// ---- outbound webhooks

type webhookItem struct {
	ID             int64    `json:"id"`
	URL            string   `json:"url"`
	Events         []string `json:"events"`
	Enabled        bool     `json:"enabled"`
	DisabledReason string   `json:"disabled_reason"`
	FailingSince   any      `json:"failing_since"` // null unless every attempt fails
	CreateDate     string   `json:"create_date"`
	UpdateDate     string   `json:"update_date"`
}

// webhookCreated is the added endpoint with its secret, shown this once.
type webhookCreated struct {
	webhookItem
	Secret string `json:"secret"`
}

type deliveryItem struct {
	ID             int64  `json:"id"`
	EventID        int64  `json:"event_id"`
	Event          string `json:"event"`
	Status         string `json:"status"`
	Attempts       int    `json:"attempts"`
	LastStatusCode any    `json:"last_status_code"` // null: no answer came
	LastError      string `json:"last_error"`
	CreateDate     string `json:"create_date"`
	LastAttemptAt  any    `json:"last_attempt_at"`
	NextAttemptAt  any    `json:"next_attempt_at"`
	DeliveredAt    any    `json:"delivered_at"`
}

func (h *Handlers) webhookItem(e webhook.Endpoint) webhookItem {
	loc := h.Config.Location
	events := make([]string, len(e.Events))
	for i, ev := range e.Events {
		events[i] = string(ev)
	}
	return webhookItem{ID: e.ID, URL: e.URL, Events: events, Enabled: e.Enabled, DisabledReason: e.DisabledReason,
		FailingSince: wireTimeOrNull(e.Health.FailingSince, loc), CreateDate: wireTime(e.CreatedAt, loc), UpdateDate: wireTime(e.UpdatedAt, loc)}
}

func webhookInput(c echo.Context) ports.WebhookInput {
	return ports.WebhookInput{URL: form(c, "url"), Events: form(c, "events"), Enabled: form(c, "enabled")}
}

// WebhookIndex lists the company's webhook endpoints (POST: adds one).
func (h *Handlers) WebhookIndex(c echo.Context) error {
	if c.Request().Method == "POST" {
		return h.AddWebhook(c)
	}
	list, err := h.Webhooks.ListWebhooks(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	items := make([]webhookItem, len(list))
	for i, e := range list {
		items[i] = h.webhookItem(e)
	}
	return ok(c, "查询成功", newPage(items, len(items)))
}

// AddWebhook adds an endpoint and shows its secret once.
func (h *Handlers) AddWebhook(c echo.Context) error {
	e, err := h.Webhooks.AddWebhook(c.Request().Context(), actor(c), webhookInput(c))
	if err != nil {
		return err
	}
	return ok(c, "添加成功", webhookCreated{webhookItem: h.webhookItem(e), Secret: e.Secret})
}

// UpdateWebhook changes an endpoint's url, events or enabled.
func (h *Handlers) UpdateWebhook(c echo.Context) error {
	e, err := h.Webhooks.UpdateWebhook(c.Request().Context(), actor(c), pathID(c), webhookInput(c))
	if err != nil {
		return err
	}
	return ok(c, "修改成功", h.webhookItem(e))
}

// DeleteWebhook removes an endpoint and its deliveries.
func (h *Handlers) DeleteWebhook(c echo.Context) error {
	if err := h.Webhooks.DeleteWebhook(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// WebhookDeliveries is an endpoint's last deliveries, newest first.
func (h *Handlers) WebhookDeliveries(c echo.Context) error {
	list, err := h.Webhooks.WebhookDeliveries(c.Request().Context(), actor(c), query(c, "webhook_id"))
	if err != nil {
		return err
	}
	loc := h.Config.Location
	items := make([]deliveryItem, len(list))
	for i, d := range list {
		var code any
		if d.LastStatusCode != 0 {
			code = d.LastStatusCode
		}
		items[i] = deliveryItem{ID: d.ID, EventID: d.EventID, Event: string(d.Event), Status: string(d.Status), Attempts: d.Attempts,
			LastStatusCode: code, LastError: d.LastError, CreateDate: wireTime(d.CreatedAt, loc),
			LastAttemptAt: wireTimeOrNull(d.LastAttemptAt, loc), NextAttemptAt: wireTimeOrNull(d.NextAt, loc),
			DeliveredAt: wireTimeOrNull(d.DeliveredAt, loc)}
	}
	return ok(c, "查询成功", newPage(items, len(items)))
}
