package http

import (
	"context"
	"fmt"
	"log/slog"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/golang/mock/gomock"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"

	"leida/application/auth"
	"leida/domain/chat"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/radar"
	"leida/ports"
)

// scrape GETs /metrics without any credentials.
func scrape(t *testing.T, h *Handlers) string {
	t.Helper()
	rec := serve(h, "GET", MetricsPath)
	if rec.Code != 200 || !strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Fatalf("/metrics: %d %s", rec.Code, rec.Header().Get("Content-Type"))
	}
	return rec.Body.String()
}

// The counters of one endpoint: by route pattern (never the raw URL),
// bounded method and envelope code; 499 apart from 500; auth refusals by
// reason; the latency histogram; nothing in flight afterwards.
func TestMetricsCountRequestsByRoutePatternAndCode(t *testing.T) {
	h, a, users, _ := newTestServer(t)
	m := NewMetrics()
	h.Metrics = m
	var logs strings.Builder
	h.Config.Logger = slog.New(slog.NewJSONHandler(&logs, nil))
	srv := NewServer(h)
	do := func(method, target string, ctx context.Context) int {
		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, httptest.NewRequest(method, target, nil).WithContext(ctx))
		return rec.Code
	}
	bg := context.Background()

	a.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1, Level: org.LevelPlatformAdmin}, nil).Times(3)
	users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).Return(nil, 0, nil).Times(2)
	do("GET", "/zhugeleida/qiyeweixin/user?user_id=1", bg)
	do("GET", "/zhugeleida/qiyeweixin/user/?user_id=1", bg) // same route after normalisation
	users.EXPECT().DeleteUser(gomock.Any(), gomock.Any(), int64(5)).Return(errs.Forbidden())
	do("GET", "/zhugeleida/qiyeweixin/user/delete/5?user_id=1", bg)

	// A refused signature: 400 counted with its code and its reason, logged at info with the request id.
	a.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).
		Return(org.Actor{}, &auth.Rejection{Reason: auth.ReasonBadSignature, Err: errs.BadToken()})
	do("GET", "/zhugeleida/qiyeweixin/user?user_id=77&rand_str=secret", bg)

	// A client that leaves: 499, counted as cancelled, not as 500.
	ctx, cancel := context.WithCancel(bg)
	a.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).DoAndReturn(func(context.Context, ports.Credentials) (org.Actor, error) {
		cancel()
		return org.Actor{}, fmt.Errorf("database: %w", context.Canceled)
	})
	if code := do("GET", "/zhugeleida/qiyeweixin/user?user_id=1", ctx); code != 499 {
		t.Fatalf("cancelled: %d", code)
	}
	do("FOO", "/no/such/path", bg) // unknown route, made-up method

	got := func(c prometheus.Collector) float64 { return testutil.ToFloat64(c) }
	for _, c := range []struct {
		name string
		v    float64
		want float64
	}{
		{"E01 200", got(m.requests.WithLabelValues("/zhugeleida/qiyeweixin/user", "GET", "200")), 2},
		{"E01 400", got(m.requests.WithLabelValues("/zhugeleida/qiyeweixin/user", "GET", "400")), 1},
		{"E01 499", got(m.requests.WithLabelValues("/zhugeleida/qiyeweixin/user", "GET", "499")), 1},
		{"E01 500", got(m.requests.WithLabelValues("/zhugeleida/qiyeweixin/user", "GET", "500")), 0},
		{"E03 pattern", got(m.requests.WithLabelValues("/zhugeleida/qiyeweixin/user/delete/:id", "GET", "404")), 1},
		{"unknown route", got(m.requests.WithLabelValues("/*", "other", "404")), 1},
		{"cancelled", got(m.cancelled.WithLabelValues("/zhugeleida/qiyeweixin/user", "GET")), 1},
		{"auth failure", got(m.authFailures.WithLabelValues("user", "bad_signature")), 1},
		{"in flight", got(m.inFlight), 0},
	} {
		if c.v != c.want {
			t.Errorf("%s: %v, want %v", c.name, c.v, c.want)
		}
	}
	body := scrape(t, h)
	for _, want := range []string{
		`leida_http_requests_total{code="200",method="GET",route="/zhugeleida/qiyeweixin/user"} 2`,
		`leida_http_request_duration_seconds_count{method="GET",route="/zhugeleida/qiyeweixin/user"} 4`,
		`leida_http_requests_cancelled_total{method="GET",route="/zhugeleida/qiyeweixin/user"} 1`,
		`leida_auth_failures_total{principal="user",reason="bad_signature"} 1`,
		"go_goroutines ", "process_",
	} {
		if !strings.Contains(body, want) {
			t.Errorf("/metrics lacks %s", want)
		}
	}
	if strings.Contains(body, "/user/delete/5") || strings.Contains(body, "/user/\"") {
		t.Error("a raw URL became a label")
	}
	out := logs.String()
	if !strings.Contains(out, `"level":"INFO","msg":"authentication refused","reason":"bad_signature","principal":"user","user_id":"77"`) ||
		!strings.Contains(out, `"request_id":"`) || strings.Contains(out, "secret") {
		t.Fatalf("auth refusal log:\n%s", out)
	}
}

// Password-login failures and 429s have counters of their own.
func TestMetricsCountLoginFailuresAndRateLimits(t *testing.T) {
	h, a, _, _ := newTestServer(t)
	m := NewMetrics()
	h.Metrics = m
	gomock.InOrder(
		a.EXPECT().Login(gomock.Any(), gomock.Any()).Return(ports.LoginResult{}, errs.BadCredentials()),
		a.EXPECT().Login(gomock.Any(), gomock.Any()).Return(ports.LoginResult{}, errs.Disabled()),
		a.EXPECT().Login(gomock.Any(), gomock.Any()).Return(ports.LoginResult{}, errs.RateLimited()),
	)
	for range 3 {
		serve(h, "POST", "/zhugeleida/admin/login")
	}
	if v := testutil.ToFloat64(m.loginFailures.WithLabelValues("bad_credentials")); v != 1 {
		t.Errorf("bad credentials: %v", v)
	}
	if v := testutil.ToFloat64(m.loginFailures.WithLabelValues("disabled")); v != 1 {
		t.Errorf("disabled: %v", v)
	}
	if v := testutil.ToFloat64(m.rateLimited.WithLabelValues("/zhugeleida/admin/login")); v != 1 {
		t.Errorf("429: %v", v)
	}
}

// The write counters the use cases call, the stream gauges and the
// listener's reconnects; the database pool collector's metrics appear.
func TestMetricsOfWritesStreamsAndPool(t *testing.T) {
	pool := prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "go_sql_open_connections", ConstLabels: prometheus.Labels{"db_name": "leida"}},
		func() float64 { return 3 })
	m := NewMetrics(pool)
	m.RadarEventWritten(radar.ViewCard)
	m.RadarEventWritten(radar.ViewCard)
	m.ChatMessageWritten(chat.CustomerToRep)
	closeStream := m.streamOpened(chat.PrincipalCustomer)
	m.pushed([]chat.StreamEvent{{Name: chat.EventChat}, {Name: chat.EventRadar}, {Name: chat.EventChat}})
	m.ListenerReconnected()
	if v := testutil.ToFloat64(m.streamsOpen.WithLabelValues("customer")); v != 1 {
		t.Errorf("open streams: %v", v)
	}
	closeStream()
	for _, c := range []struct {
		name string
		c    prometheus.Collector
		want float64
	}{
		{"radar view card", m.radarEvents.WithLabelValues("1"), 2},
		{"radar other", m.radarEvents.WithLabelValues("2"), 0},
		{"chat in", m.chatMessages.WithLabelValues("customer_to_rep"), 1},
		{"chat out", m.chatMessages.WithLabelValues("rep_to_customer"), 0},
		{"streams closed", m.streamsOpen.WithLabelValues("customer"), 0},
		{"pushed chat", m.eventsPushed.WithLabelValues("chat"), 2},
		{"reconnects", m.reconnects, 1},
	} {
		if v := testutil.ToFloat64(c.c); v != c.want {
			t.Errorf("%s: %v, want %v", c.name, v, c.want)
		}
	}
	if n, err := testutil.GatherAndCount(m.Registry(), "go_sql_open_connections"); err != nil || n != 1 {
		t.Errorf("pool metrics: %d %v", n, err)
	}
	// A nil *Metrics (tests, tools) counts nothing and does not panic.
	var none *Metrics
	none.RadarEventWritten(radar.ViewCard)
	none.ChatMessageWritten(chat.RepToCustomer)
	none.ListenerReconnected()
	none.streamOpened(chat.PrincipalUser)()
	none.pushed(nil)
	none.authFailed(authUser, auth.ReasonDisabled)
}

// With METRICS_ADDR the main listener does not serve /metrics (404
// envelope); without metrics at all neither.
func TestMetricsElsewhereIsNotOnTheMainListener(t *testing.T) {
	h, _, _, _ := newTestServer(t)
	h.Metrics = NewMetrics()
	h.Config.MetricsElsewhere = true
	if rec := serve(h, "GET", MetricsPath); rec.Code != 404 {
		t.Fatalf("got %d", rec.Code)
	}
	h.Metrics, h.Config.MetricsElsewhere = nil, false
	if rec := serve(h, "GET", MetricsPath); rec.Code != 404 {
		t.Fatalf("without metrics: %d", rec.Code)
	}
}

// The default avatars the API hands out are served from the binary, or from
// MEDIA_ROOT when it has its own.
func TestDefaultAvatarsAreServed(t *testing.T) {
	h, _, _, _ := newTestServer(t)
	h.Config.MediaRoot = t.TempDir()
	for _, p := range []string{"/" + org.DefaultUserAvatar, "/statics/imgs/Avator.jpg"} {
		rec := serve(h, "GET", p)
		if rec.Code != 200 || rec.Header().Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(rec.Body.String(), "\xFF\xD8\xFF") {
			t.Fatalf("%s: %d %s", p, rec.Code, rec.Header().Get("Content-Type"))
		}
		if rec := serve(h, "HEAD", p); rec.Code != 200 {
			t.Fatalf("HEAD %s: %d", p, rec.Code)
		}
	}
	own := filepath.Join(h.Config.MediaRoot, "imgs")
	if err := os.MkdirAll(own, 0o755); err != nil {
		t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(own, "Avator.jpg"), []byte("\xFF\xD8\xFFbranded"), 0o644); err != nil {
		t.Fatal(err)
	}
	if rec := serve(h, "GET", "/statics/imgs/Avator.jpg"); rec.Body.String() != "\xFF\xD8\xFFbranded" {
		t.Fatalf("MEDIA_ROOT's own avatar not served: %q", rec.Body.String())
	}
}

// While `leida serve` holds requests back (migrations pending, database
// down), /metrics still answers: that is when an operator looks.
func TestMetricsPassTheGate(t *testing.T) {
	h, _, _, _ := newTestServer(t)
	h.Metrics = NewMetrics()
	e := NewServer(h)
	e.Use(NewGate("migrating").Middleware())
	for path, want := range map[string]int{MetricsPath: 200, "/healthz": 200, "/readyz": 503} {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", path, nil))
		if rec.Code != want {
			t.Errorf("%s: %d, want %d", path, rec.Code, want)
		}
	}
}
