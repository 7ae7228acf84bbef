// Package webhooks is the outbound webhooks area: company admins manage the
// endpoints that receive their company's events, and the delivery worker of
// `leida serve` sends the outbox to them.
package webhooks

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/domain/webhook"
	"leida/ports"
)

// MaxEndpoints is how many endpoints a company may have.
const MaxEndpoints = 20

// DeliveriesShown is how many of an endpoint's last deliveries the list shows.
const DeliveriesShown = 100

// Messages of the endpoint forms.
const (
	msgURLInvalid = "Enter a valid URL."
	msgURLPrivate = "Enter a public address: loopback, private and reserved addresses are not allowed."
	msgTooMany    = "最多可添加%d个webhook"
	msgNotFound   = "webhook不存在"
)

// Endpoints manages a company's webhook endpoints.
type Endpoints struct {
	store        EndpointStore
	allowPrivate bool
}

// NewEndpoints is the endpoint admin; allowPrivate lets endpoints point to
// loopback and private addresses (WEBHOOK_ALLOW_PRIVATE).
func NewEndpoints(store EndpointStore, allowPrivate bool) *Endpoints {
	return &Endpoints{store: store, allowPrivate: allowPrivate}
}

func mayManage(a org.Actor) error {
	if !a.IsCompanyAdmin() {
		return errs.Forbidden()
	}
	return nil
}

// ListWebhooks is the company's endpoints, oldest first, secrets hidden.
func (s *Endpoints) ListWebhooks(ctx context.Context, a org.Actor) ([]webhook.Endpoint, error) {
	if err := mayManage(a); err != nil {
		return nil, err
	}
	list, err := s.store.ListEndpoints(ctx, a.CompanyID)
	for i := range list {
		list[i].Secret = ""
	}
	return list, err
}

// AddWebhook creates an endpoint with a new secret, returned this once.
func (s *Endpoints) AddWebhook(ctx context.Context, a org.Actor, in ports.WebhookInput) (webhook.Endpoint, error) {
	if err := mayManage(a); err != nil {
		return webhook.Endpoint{}, err
	}
	f := validate.New()
	url := s.checkURL(f, f.Required("url", in.URL.Value, validate.MsgRequired))
	events := checkEvents(f, in.Events.Value)
	if !f.OK() {
		return webhook.Endpoint{}, f.Err(errs.CodeInvalidData)
	}
	existing, err := s.store.ListEndpoints(ctx, a.CompanyID)
	if err != nil {
		return webhook.Endpoint{}, err
	}
	if len(existing) >= MaxEndpoints {
		return webhook.Endpoint{}, errs.InvalidMsg(errs.CodeInvalidData, fmt.Sprintf(msgTooMany, MaxEndpoints))
	}
	e := webhook.Endpoint{CompanyID: a.CompanyID, URL: url, Events: events, Secret: webhook.NewSecret(),
		Enabled: true, CreatedBy: a.UserID}
	if err := s.store.CreateEndpoint(ctx, &e); err != nil {
		return webhook.Endpoint{}, err
	}
	return e, nil
}

// UpdateWebhook changes what the form sent; enabling a disabled endpoint
// forgets the failures that disabled it.
func (s *Endpoints) UpdateWebhook(ctx context.Context, a org.Actor, id int64, cmd ports.WebhookInput) (webhook.Endpoint, error) {
	if err := mayManage(a); err != nil {
		return webhook.Endpoint{}, err
	}
	f := validate.New()
	var url string
	if cmd.URL.Sent {
		url = s.checkURL(f, f.Required("url", cmd.URL.Value, validate.MsgRequired))
	}
	var events []webhook.Event
	if cmd.Events.Sent {
		events = checkEvents(f, cmd.Events.Value)
	}
	var enable bool
	if cmd.Enabled.Sent {
		switch cmd.Enabled.Value {
		case "true", "1":
			enable = true
		case "false", "0":
		default:
			f.InvalidChoice("enabled", cmd.Enabled.Value)
		}
	}
	if !f.OK() {
		return webhook.Endpoint{}, f.Err(errs.CodeInvalidForm)
	}
	e, err := s.store.UpdateEndpoint(ctx, a.CompanyID, id, func(e *webhook.Endpoint) error {
		if cmd.URL.Sent {
			e.URL = url
		}
		if cmd.Events.Sent {
			e.Events = events
		}
		if cmd.Enabled.Sent {
			e.Enable(enable)
		}
		return nil
	})
	e.Secret = ""
	return e, notFound(err)
}

// DeleteWebhook removes an endpoint and its deliveries.
func (s *Endpoints) DeleteWebhook(ctx context.Context, a org.Actor, id int64) error {
	if err := mayManage(a); err != nil {
		return err
	}
	return notFound(s.store.DeleteEndpoint(ctx, a.CompanyID, id))
}

// WebhookDeliveries is an endpoint's last deliveries, newest first.
func (s *Endpoints) WebhookDeliveries(ctx context.Context, a org.Actor, rawID string) ([]webhook.DeliveryRecord, error) {
	if err := mayManage(a); err != nil {
		return nil, err
	}
	f := validate.New()
	id := f.Int("webhook_id", rawID, validate.MsgRequired, validate.MsgInt)
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	list, err := s.store.ListDeliveries(ctx, a.CompanyID, id, DeliveriesShown)
	return list, notFound(err)
}

func notFound(err error) error {
	return ports.NotFoundAs(err, errs.NotFound(msgNotFound))
}

// checkURL adds the URL's error to f; the URL as given when it passes.
func (s *Endpoints) checkURL(f *validate.Form, raw string) string {
	if f.Failed("url") {
		return ""
	}
	if _, err := webhook.CheckURL(raw, s.allowPrivate); err != nil {
		msg := msgURLInvalid
		if errors.Is(err, webhook.ErrURLPrivate) {
			msg = msgURLPrivate
		}
		f.AddCode("url", msg, "invalid")
		return ""
	}
	return raw
}

// checkEvents adds the subscription's error to f.
func checkEvents(f *validate.Form, list string) []webhook.Event {
	names := webhook.SplitEvents(list)
	events, err := webhook.ParseEvents(names)
	switch {
	case errors.Is(err, webhook.ErrNoEvents):
		f.AddCode("events", validate.MsgRequired, "required")
	case err != nil:
		for _, n := range names {
			if e := webhook.Event(strings.TrimSpace(n)); e != "" && !e.Valid() {
				f.InvalidChoice("events", string(e))
				break
			}
		}
	}
	return events
}
