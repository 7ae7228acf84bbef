package http

import (
	"errors"
	"log/slog"

	"github.com/labstack/echo/v4"

	"leida/application/auth"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// authKind says who may call a route.
type authKind int

const (
	authNone     authKind = iota // public (logins, health)
	authUser                     // enterprise user token (user_id = the user)
	authCustomer                 // mini-program customer token (user_id = the customer)
)

const (
	ctxActor   = "leida.actor"
	ctxVisitor = "leida.visitor"
)

func credentials(c echo.Context) ports.Credentials {
	return ports.Credentials{UserID: query(c, "user_id"), Timestamp: query(c, "timestamp"), RandStr: query(c, "rand_str")}
}

// authenticate checks the signed request for kind and stores the principal.
// A refusal is logged at info with its reason and the request id (the
// client sees only 400 token异常 or 306) and counted.
func (h *Handlers) authenticate(kind authKind, c echo.Context) error {
	var err error
	switch kind {
	case authUser:
		var a org.Actor
		if a, err = h.Auth.AuthenticateUser(c.Request().Context(), credentials(c)); err == nil {
			c.Set(ctxActor, a)
		}
	case authCustomer:
		var v customer.Visitor
		if v, err = h.Auth.AuthenticateCustomer(c.Request().Context(), credentials(c)); err == nil {
			c.Set(ctxVisitor, v)
		}
	}
	var rej *auth.Rejection
	if errors.As(err, &rej) {
		h.Metrics.authFailed(kind, rej.Reason)
		attrs := []any{"reason", string(rej.Reason), "principal", principalLabel(kind), "user_id", truncate(query(c, "user_id"), 32),
			"route", c.Path(), "request_id", requestID(c)}
		if rej.Skew != 0 {
			attrs = append(attrs, "skew_ms", rej.Skew.Milliseconds())
		}
		h.logger().Info("authentication refused", attrs...)
	}
	return err
}

func (h *Handlers) logger() *slog.Logger {
	if h.Config.Logger != nil {
		return h.Config.Logger
	}
	return slog.Default()
}

// actor is the authenticated enterprise user of an authUser route.
func actor(c echo.Context) org.Actor {
	a, _ := c.Get(ctxActor).(org.Actor)
	return a
}

// visitor is the authenticated customer of an authCustomer route.
func visitor(c echo.Context) customer.Visitor {
	v, _ := c.Get(ctxVisitor).(customer.Visitor)
	return v
}

// truncate bounds untrusted text written to the log.
func truncate(s string, n int) string {
	if len(s) > n {
		return s[:n] + "…"
	}
	return s
}
