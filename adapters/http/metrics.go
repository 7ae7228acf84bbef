package http

import (
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	"leida/application/auth"
	"leida/domain/chat"
	"leida/domain/radar"
)

// MetricsPath is where the Prometheus metrics are served: on the main
// listener, or alone on METRICS_ADDR. It is outside the route table: no
// legacy authentication, no envelope.
const MetricsPath = "/metrics"

// Metrics are the service's Prometheus metrics, on a registry of its own
// (never the global default, so tests and several servers in one process do
// not share counters). A nil *Metrics counts nothing.
type Metrics struct {
	reg *prometheus.Registry

	requests      *prometheus.CounterVec   // route, method, code
	duration      *prometheus.HistogramVec // route, method
	inFlight      prometheus.Gauge
	cancelled     *prometheus.CounterVec // route, method
	rateLimited   *prometheus.CounterVec // route
	loginFailures *prometheus.CounterVec // reason
	authFailures  *prometheus.CounterVec // principal, reason

	streamsOpen  *prometheus.GaugeVec   // principal
	eventsPushed *prometheus.CounterVec // event
	reconnects   prometheus.Counter

	radarEvents  *prometheus.CounterVec // action
	chatMessages *prometheus.CounterVec // direction
}

// NewMetrics makes the registry with the Go runtime and process collectors,
// the service's own metrics and extra collectors (the database pool's).
func NewMetrics(extra ...prometheus.Collector) *Metrics {
	const ns = "leida"
	m := &Metrics{
		reg: prometheus.NewRegistry(),
		requests: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "http", Name: "requests_total",
			Help: "Requests answered, by route pattern, method and envelope code (the HTTP status where there is no envelope: 499 for a client that left)."},
			[]string{"route", "method", "code"}),
		duration: prometheus.NewHistogramVec(prometheus.HistogramOpts{Namespace: ns, Subsystem: "http", Name: "request_duration_seconds",
			Help:    "Time to answer a request, by route pattern and method (the push streams excepted).",
			Buckets: []float64{.001, .0025, .005, .01, .025, .05, .1, .25, .5, 1, 2.5, 5, 10}},
			[]string{"route", "method"}),
		inFlight: prometheus.NewGauge(prometheus.GaugeOpts{Namespace: ns, Subsystem: "http", Name: "requests_in_flight",
			Help: "Requests being answered now (the push streams excepted: see leida_stream_open)."}),
		cancelled: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "http", Name: "requests_cancelled_total",
			Help: "Requests the client abandoned before the answer (status 499), by route pattern and method; not internal errors."},
			[]string{"route", "method"}),
		rateLimited: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "http", Name: "rate_limited_total",
			Help: "Requests refused with HTTP 429 请求过于频繁, by route pattern."},
			[]string{"route"}),
		loginFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "login_failures_total",
			Help: "Refused password logins (A12): bad_credentials (401) or disabled (306); 429s are leida_http_rate_limited_total."},
			[]string{"reason"}),
		authFailures: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "auth_failures_total",
			Help: "Refused signed requests (400 token异常 or 306), by principal kind (user, customer) and reason."},
			[]string{"principal", "reason"}),
		streamsOpen: prometheus.NewGaugeVec(prometheus.GaugeOpts{Namespace: ns, Subsystem: "stream", Name: "open",
			Help: "Open push streams (SSE), by principal kind (user, customer)."},
			[]string{"principal"}),
		eventsPushed: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Subsystem: "stream", Name: "events_pushed_total",
			Help: "Events written to push streams, by event (chat, radar, hot_lead)."},
			[]string{"event"}),
		reconnects: prometheus.NewCounter(prometheus.CounterOpts{Namespace: ns, Subsystem: "stream", Name: "listener_reconnects_total",
			Help: "Times the LISTEN connection of the push streams dropped (or could not be made) and was retried."}),
		radarEvents: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "radar_events_written_total",
			Help: "Radar events (access logs) written and committed, by action code (1-12)."},
			[]string{"action"}),
		chatMessages: prometheus.NewCounterVec(prometheus.CounterOpts{Namespace: ns, Name: "chat_messages_written_total",
			Help: "Chat messages written and committed, by direction (rep_to_customer, customer_to_rep)."},
			[]string{"direction"}),
	}
	m.reg.MustRegister(collectors.NewGoCollector(), collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
		m.requests, m.duration, m.inFlight, m.cancelled, m.rateLimited, m.loginFailures, m.authFailures,
		m.streamsOpen, m.eventsPushed, m.reconnects, m.radarEvents, m.chatMessages)
	for _, c := range extra {
		if c != nil {
			m.reg.MustRegister(c)
		}
	}
	// Series that exist from the start, so that a rate() has a zero before
	// the first increment.
	for _, p := range []string{"user", "customer"} {
		m.streamsOpen.WithLabelValues(p)
	}
	for _, r := range []string{"bad_credentials", "disabled"} {
		m.loginFailures.WithLabelValues(r)
	}
	for _, d := range []chat.SendType{chat.RepToCustomer, chat.CustomerToRep} {
		m.chatMessages.WithLabelValues(direction(d))
	}
	for _, a := range radar.All() {
		m.radarEvents.WithLabelValues(strconv.Itoa(int(a)))
	}
	return m
}

// Registry is the metrics' registry (to register more collectors).
func (m *Metrics) Registry() *prometheus.Registry { return m.reg }

// Handler serves the registry in the Prometheus text format (or OpenMetrics
// when asked). A scrape reads in-memory values and the pool's statistics:
// it never queries the database.
func (m *Metrics) Handler() http.Handler {
	return promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{})
}

// Middleware counts every request but /metrics: by route pattern (never the
// raw URL), method and envelope code; its latency; those in flight; the
// cancelled ones, the 429s and the refused password logins. It handles the
// error itself (c.Error), like the access log, to read the code the
// envelope stored.
func (m *Metrics) Middleware() echo.MiddlewareFunc {
	return func(next echo.HandlerFunc) echo.HandlerFunc {
		if m == nil {
			return next
		}
		return func(c echo.Context) error {
			route := c.Path()
			if route == MetricsPath {
				return next(c)
			}
			if route == "" {
				route = "unmatched"
			}
			stream := streamRoutes[route]
			if !stream {
				m.inFlight.Inc()
				defer m.inFlight.Dec()
			}
			start := time.Now()
			if err := next(c); err != nil {
				c.Error(err)
			}
			status := c.Response().Status
			code, ok := c.Get(ctxEnvelopeCode).(int)
			if !ok {
				code = status
			}
			method := methodLabel(c.Request().Method)
			m.requests.WithLabelValues(route, method, strconv.Itoa(code)).Inc()
			if !stream {
				m.duration.WithLabelValues(route, method).Observe(time.Since(start).Seconds())
			}
			switch {
			case status == statusClientClosedRequest:
				m.cancelled.WithLabelValues(route, method).Inc()
			case status == http.StatusTooManyRequests:
				m.rateLimited.WithLabelValues(route).Inc()
			case loginRoutes[route] && code == 401:
				m.loginFailures.WithLabelValues("bad_credentials").Inc()
			case loginRoutes[route] && code == 306:
				m.loginFailures.WithLabelValues("disabled").Inc()
			}
			return nil
		}
	}
}

// loginRoutes are the password logins (A12).
var loginRoutes = map[string]bool{admin + "/login": true, "/zhugeleida/gongzhonghao/login": true}

// methodLabel bounds the method label: routes that take any method would
// otherwise let clients make up series.
func methodLabel(m string) string {
	switch m {
	case http.MethodGet, http.MethodPost, http.MethodHead, http.MethodOptions, http.MethodPut, http.MethodPatch,
		http.MethodDelete, "VIEW":
		return m
	}
	return "other"
}

func principalLabel(k authKind) string {
	if k == authCustomer {
		return "customer"
	}
	return "user"
}

// authFailed counts a refused signed request.
func (m *Metrics) authFailed(k authKind, reason auth.Reason) {
	if m != nil {
		m.authFailures.WithLabelValues(principalLabel(k), string(reason)).Inc()
	}
}

// streamOpened counts an open push stream; the returned func closes it.
func (m *Metrics) streamOpened(p chat.PrincipalKind) func() {
	if m == nil {
		return func() {}
	}
	g := m.streamsOpen.WithLabelValues(principalLabel(streamAuthKind(p)))
	g.Inc()
	return g.Dec
}

func streamAuthKind(p chat.PrincipalKind) authKind {
	if p == chat.PrincipalCustomer {
		return authCustomer
	}
	return authUser
}

// pushed counts events written to a stream.
func (m *Metrics) pushed(evs []chat.StreamEvent) {
	if m == nil {
		return
	}
	for _, ev := range evs {
		m.eventsPushed.WithLabelValues(ev.Name).Inc()
	}
}

// ListenerReconnected counts a lost (or failed) LISTEN connection that is
// retried (the postgres Listener's hook).
func (m *Metrics) ListenerReconnected() {
	if m != nil {
		m.reconnects.Inc()
	}
}

// RadarEventWritten counts a committed radar event (the card's WriteMetrics).
func (m *Metrics) RadarEventWritten(a radar.Action) {
	if m != nil {
		m.radarEvents.WithLabelValues(strconv.Itoa(int(a))).Inc()
	}
}

// ChatMessageWritten counts a committed chat message (chat's WriteMetrics).
func (m *Metrics) ChatMessageWritten(t chat.SendType) {
	if m != nil {
		m.chatMessages.WithLabelValues(direction(t)).Inc()
	}
}

func direction(t chat.SendType) string {
	if t == chat.CustomerToRep {
		return "customer_to_rep"
	}
	return "rep_to_customer"
}
