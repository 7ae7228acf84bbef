package http

import (
	"context"
	"errors"
	"fmt"
	"sync/atomic"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

// streamRoutes last as long as their client stays, and exportRoutes as long
// as it reads (each of their statements is short): no request deadline.
var (
	streamRoutes = map[string]bool{qy + "/stream": true, xcx + "/stream": true}
	exportRoutes = map[string]bool{qy + "/customer/export": true, qy + "/action/export": true}
)

// requestDeadline gives every request but the long ones a deadline d
// (REQUEST_TIMEOUT): the database, WeChat and every wait in between see it
// through the request's context. A request that runs out of time answers 503
// 服务暂不可用 (logged as a dependency failure, not an internal error).
func requestDeadline(d time.Duration) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if d <= 0 || streamRoutes[c.Path()] || exportRoutes[c.Path()] {
				return next(c)
			}
			req := c.Request()
			ctx, cancel := context.WithTimeout(req.Context(), d)
			c.SetRequest(req.WithContext(ctx))
			err := next(c)
			expired := errors.Is(ctx.Err(), context.DeadlineExceeded)
			cancel()
			// The error handler looks at the request's own context to tell a
			// client that left (499) from a failure: give it back.
			c.SetRequest(req)
			if err != nil && expired {
				// Whatever failed, it failed for want of time: unless it says
				// better (WeChat timing out, a validation error), it is a 503.
				if e, ok := errs.As(err); !ok || e.Kind == errs.KindInternal {
					err = errs.Unavailable(fmt.Errorf("request deadline of %v exceeded: %w", d, err))
				}
			}
			return err
		}
	}
}

// Gate holds requests back until it is opened: `leida serve` listens at once
// but answers 503 服务暂不可用 (and /readyz 503) until its database is
// reachable and migrated; /healthz answers throughout (the process is alive),
// and so does /metrics.
type Gate struct {
	open   atomic.Bool
	reason atomic.Value // string: why it is closed, for the log
}

// NewGate makes a closed gate.
func NewGate(reason string) *Gate {
	g := &Gate{}
	g.reason.Store(reason)
	return g
}

// SetReason updates why the gate is closed.
func (g *Gate) SetReason(reason string) { g.reason.Store(reason) }

// Open lets every request through from now on.
func (g *Gate) Open() { g.open.Store(true) }

// Middleware is the gate, for Echo's Use.
func (g *Gate) Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			if g.open.Load() || c.Path() == "/healthz" || c.Path() == MetricsPath {
				return next(c)
			}
			return errs.Unavailable(errors.New("not ready: " + g.reason.Load().(string)))
		}
	}
}
