package http

import (
	"github.com/labstack/echo/v4"

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

func (k authKind) String() string {
	return [...]string{"none", "user", "customer"}[k]
}

const (
	ctxActor   = "leida.actor"
	ctxVisitor = "leida.visitor"
)

func credentials(c echo.Context) ports.Credentials {
	return ports.Credentials{UserID: query(c, "user_id"), Timestamp: query(c, "timestamp"), RandStr: query(c, "rand_str")}
}

// authenticate checks the signed request for kind and stores the principal.
func authenticate(a ports.Authenticator, kind authKind, c echo.Context) error {
	switch kind {
	case authUser:
		actor, err := a.AuthenticateUser(c.Request().Context(), credentials(c))
		if err != nil {
			return err
		}
		c.Set(ctxActor, actor)
	case authCustomer:
		v, err := a.AuthenticateCustomer(c.Request().Context(), credentials(c))
		if err != nil {
			return err
		}
		c.Set(ctxVisitor, v)
	}
	return nil
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
