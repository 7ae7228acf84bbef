package http

import (
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"leida/domain/errs"
)

// normalizePath tolerates repeated and trailing slashes (//zhugeleida/x/).
func normalizePath(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) error {
		r := c.Request()
		p := r.URL.Path
		if strings.Contains(p, "//") || (len(p) > 1 && strings.HasSuffix(p, "/")) {
			for strings.Contains(p, "//") {
				p = strings.ReplaceAll(p, "//", "/")
			}
			if len(p) > 1 {
				p = strings.TrimSuffix(p, "/")
			}
			r.URL.Path = p
			r.URL.RawPath = ""
		}
		return next(c)
	}
}

func requestID(c echo.Context) string {
	return c.Response().Header().Get(echo.HeaderXRequestID)
}

// accessLog writes one line per request (scrapes of /metrics at debug); the
// query (with rand_str) is never logged.
func accessLog(log *slog.Logger) echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		return func(c echo.Context) error {
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			code, _ := c.Get(ctxEnvelopeCode).(int)
			level := slog.LevelInfo
			if c.Path() == MetricsPath {
				level = slog.LevelDebug // scraped every few seconds
			}
			log.Log(c.Request().Context(), level, "request",
				"method", c.Request().Method,
				"path", c.Request().URL.Path,
				"status", c.Response().Status,
				"code", code,
				"latency_ms", float64(time.Since(start).Microseconds())/1000,
				"request_id", requestID(c),
			)
			return nil
		}
	}
}

// recoverPanics turns a panic into a logged 500 envelope.
func recoverPanics(next echo.HandlerFunc) echo.HandlerFunc {
	return func(c echo.Context) (err error) {
		defer func() {
			if r := recover(); r != nil {
				if r == http.ErrAbortHandler {
					panic(r)
				}
				err = errs.Internal(fmt.Errorf("panic: %v", r))
			}
		}()
		return next(c)
	}
}

// cors is the legacy's permissive CORS (section 1.10): the origin is echoed,
// with credentials; auth is not cookie-based, so this leaks nothing.
func cors() echo.MiddlewareFunc {
	return middleware.CORSWithConfig(middleware.CORSConfig{
		AllowOriginFunc:  func(string) (bool, error) { return true, nil },
		AllowCredentials: true,
		AllowMethods:     []string{"DELETE", "GET", "OPTIONS", "PATCH", "POST", "PUT", "VIEW"},
		AllowHeaders: []string{"XMLHttpRequest", "X_FILENAME", "accept-encoding", "authorization", "content-type",
			"dnt", "origin", "user-agent", "x-csrftoken", "x-requested-with", "Pragma"},
		MaxAge: 86400,
	})
}
