package http

import (
	"context"
	"errors"
	"log/slog"
	"net/http"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

// errorHandler is the one place where errors become envelopes.
func errorHandler(log *slog.Logger) echo.HTTPErrorHandler {
	return func(err error, c echo.Context) {
		if c.Response().Committed {
			return
		}
		if clientGone(c) {
			// The client hung up: nobody reads an answer and nothing failed
			// here. Status 499 (as nginx says) marks it in the access log.
			log.Debug("request cancelled by the client", "request_id", requestID(c), "method", c.Request().Method,
				"route", c.Path(), "error", err.Error())
			c.Response().WriteHeader(statusClientClosedRequest)
			return
		}
		e := classify(err)
		status := http.StatusOK
		switch e.Kind {
		case errs.KindInternal:
			status = http.StatusInternalServerError
			log.Error("internal error", "request_id", requestID(c), "method", c.Request().Method,
				"path", c.Request().URL.Path, "error", err.Error())
		case errs.KindUnavailable:
			status = http.StatusServiceUnavailable
			log.Warn("dependency unavailable", "request_id", requestID(c), "error", err.Error())
		case errs.KindRateLimited:
			status = http.StatusTooManyRequests
		case errs.KindRoute:
			status = http.StatusNotFound
		case errs.KindTooLarge:
			status = http.StatusRequestEntityTooLarge
		}
		var msg, data any = e.Msg, nil
		switch {
		case e.EmptyObjectMsg:
			msg = empty{}
		case e.Fields != nil && e.FieldsInData:
			data = fieldObject(e.Fields)
		case e.Fields != nil:
			msg = fieldObject(e.Fields)
		}
		if c.Request().Method == http.MethodHead {
			c.Set(ctxEnvelopeCode, e.Code)
			_ = c.NoContent(status)
			return
		}
		if werr := respond(c, status, e.Code, msg, data); werr != nil {
			log.Error("writing error response", "request_id", requestID(c), "error", werr.Error())
		}
	}
}

// statusClientClosedRequest is nginx's code for a request the client
// abandoned before the answer.
const statusClientClosedRequest = 499

// clientGone reports whether the request failed because its client went
// away (its context is cancelled), not because of the service.
func clientGone(c echo.Context) bool {
	return errors.Is(c.Request().Context().Err(), context.Canceled)
}

// classify turns any error into the typed domain error.
func classify(err error) *errs.Error {
	if e, ok := errs.As(err); ok {
		return e
	}
	var he *echo.HTTPError
	if errors.As(err, &he) {
		switch he.Code {
		case http.StatusNotFound:
			return errs.UnknownRoute()
		case http.StatusMethodNotAllowed:
			return errs.WrongMethod(errs.MsgRequestError)
		case http.StatusRequestEntityTooLarge:
			return errs.TooLarge()
		case http.StatusServiceUnavailable:
			return errs.Unavailable(err)
		}
		if he.Code >= 400 && he.Code < 500 {
			return errs.InvalidMsg(he.Code, http.StatusText(he.Code))
		}
	}
	if errors.Is(err, context.DeadlineExceeded) {
		return errs.Unavailable(err)
	}
	return errs.Internal(err)
}
