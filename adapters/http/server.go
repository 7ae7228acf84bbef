package http

import (
	"log/slog"
	"net"
	"net/http"
	"slices"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/labstack/echo/v4/middleware"

	"leida/domain/errs"
)

// bodyLimit is the largest request body accepted.
const bodyLimit = "16M"

// Config is the adapter's configuration.
type Config struct {
	Location      *time.Location
	PublicBaseURL string
	MediaRoot     string
	// TrustedProxies may name the client in X-Forwarded-For; without them the
	// peer address is the client.
	TrustedProxies []*net.IPNet
	Logger         *slog.Logger
	// RequestTimeout is every request's deadline but the push streams' (0: none).
	RequestTimeout time.Duration
	// MetricsElsewhere: /metrics is served on a listener of its own
	// (METRICS_ADDR), not here.
	MetricsElsewhere bool
}

// Handlers holds the use cases the handlers call.
type Handlers struct {
	Auth        Authenticator
	Users       UserAdmin
	Roles       RoleAdmin
	Permissions PermissionAdmin
	Companies   CompanyAdmin
	Health      HealthChecker
	// customers, tags, follow-ups
	Customers CustomerDesk
	Tags      TagDesk
	FollowUps FollowUpDesk
	// logins, the card, the radar
	Logins     WeChatLogins
	Cards      CardVisits
	CardEditor CardEditor
	Radar      Radar
	// the AI close probability (D10)
	AI AIScores
	// chat (E25–E28, A10) and push streams
	Chats        ChatDesk
	VisitorChats VisitorChat
	Streams      EventStreams
	StreamConfig StreamConfig
	// outbound webhooks, the WeCom directory
	Webhooks       WebhookAdmin
	Departments    DepartmentAdmin
	DirectoryUsers DirectoryUserAdmin
	Config         Config
	Metrics        *Metrics // may be nil: nothing counted, no /metrics
}

// NewServer builds the Echo instance with every route of the table.
func NewServer(h *Handlers) *echo.Echo {
	cfg := h.Config
	if cfg.Logger == nil {
		cfg.Logger = slog.Default()
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.IPExtractor = clientIP(cfg.TrustedProxies)
	e.HTTPErrorHandler = errorHandler(cfg.Logger)
	e.Pre(normalizePath)
	e.Use(middleware.RequestID())
	e.Use(accessLog(cfg.Logger))
	e.Use(h.Metrics.Middleware())
	e.Use(recoverPanics)
	e.Use(cors())
	e.Use(middleware.BodyLimit(bodyLimit))
	e.Use(requestDeadline(cfg.RequestTimeout))
	for _, rt := range routeTable() {
		e.Any(rt.path, h.endpoint(rt))
	}
	if cfg.MediaRoot != "" {
		e.Static("/statics", cfg.MediaRoot)
	}
	serveDefaultAvatars(e, cfg.MediaRoot)
	// Outside the route table too: /openapi.json, /docs and the home page.
	registerDocs(e)
	if h.Metrics != nil && !cfg.MetricsElsewhere {
		// Outside the route table: no legacy authentication.
		e.GET(MetricsPath, echo.WrapHandler(h.Metrics.Handler()))
	}
	// Unknown paths: the 404 envelope (via the error handler).
	e.RouteNotFound("/*", func(echo.Context) error { return errs.UnknownRoute() })
	return e
}

// endpoint applies, in the legacy order, the path-id check, authentication,
// the method check, then the handler.
func (h *Handlers) endpoint(rt route) echo.HandlerFunc {
	return func(c echo.Context) error {
		for _, name := range c.ParamNames() {
			if !digits(c.Param(name)) {
				return errs.UnknownRoute()
			}
		}
		if err := h.authenticate(rt.auth, c); err != nil {
			return err
		}
		if rt.methods != nil && !slices.Contains(rt.methods, c.Request().Method) {
			msg := rt.methodMsg
			if msg == "" {
				msg = errs.MsgRequestError
			}
			return errs.WrongMethod(msg)
		}
		if err := checkInput(c, rt); err != nil {
			return err
		}
		return rt.handle(h, c)
	}
}

// clientIP reads the peer address, or X-Forwarded-For behind trusted proxies.
func clientIP(trusted []*net.IPNet) echo.IPExtractor {
	if len(trusted) == 0 {
		return echo.ExtractIPDirect()
	}
	opts := []echo.TrustOption{echo.TrustLoopback(false), echo.TrustLinkLocal(false), echo.TrustPrivateNet(false)}
	for _, n := range trusted {
		opts = append(opts, echo.TrustIPRange(n))
	}
	return echo.ExtractIPFromXFFHeader(opts...)
}

func digits(s string) bool {
	if s == "" || len(s) > 18 {
		return false
	}
	for _, r := range s {
		if r < '0' || r > '9' {
			return false
		}
	}
	return true
}

// Healthz answers while the process runs.
func (h *Handlers) Healthz(c echo.Context) error { return ok(c, "ok", nil) }

// Readyz answers when the database does.
func (h *Handlers) Readyz(c echo.Context) error {
	if err := h.Health.Ping(c.Request().Context()); err != nil {
		if _, isTyped := errs.As(err); isTyped {
			return err
		}
		return errs.Unavailable(err)
	}
	return respond(c, http.StatusOK, 200, "ready", nil)
}
