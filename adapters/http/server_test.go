package http

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/http/mocks"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

func newTestServer(t *testing.T) (*Handlers, *mocks.MockAuthenticator, *mocks.MockUserAdmin, *mocks.MockHealthChecker) {
	ctrl := gomock.NewController(t)
	auth, users, health := mocks.NewMockAuthenticator(ctrl), mocks.NewMockUserAdmin(ctrl), mocks.NewMockHealthChecker(ctrl)
	h := &Handlers{Auth: auth, Users: users, Health: health,
		Config: Config{Location: time.UTC, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
	return h, auth, users, health
}

func serve(h *Handlers, method, target string) *httptest.ResponseRecorder {
	return serveContext(context.Background(), h, method, target)
}

// serveContext serves a request whose context is ctx.
func serveContext(ctx context.Context, h *Handlers, method, target string) *httptest.ResponseRecorder {
	rec := httptest.NewRecorder()
	NewServer(h).ServeHTTP(rec, httptest.NewRequest(method, target, nil).WithContext(ctx))
	return rec
}

func TestFailuresBecomeEnvelopes(t *testing.T) {
	cases := []struct {
		name   string
		fail   func()
		status int
		body   string
	}{
		{"panic", func() { panic("boom") }, 500, `{"code":500,"msg":"服务器内部错误","data":{}}`},
		{"unexpected error", nil, 500, `{"code":500,"msg":"服务器内部错误","data":{}}`},
		{"database down", nil, 503, `{"code":503,"msg":"服务暂不可用","data":{}}`},
	}
	for i, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			h, auth, users, _ := newTestServer(t)
			auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
			users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
				func(context.Context, org.Actor, ports.ListQuery) ([]org.User, int, error) {
					switch i {
					case 0:
						c.fail()
					case 1:
						return nil, 0, errors.New("disk on fire")
					}
					return nil, 0, errs.Unavailable(errors.New("connection refused"))
				})
			rec := serve(h, "GET", "/zhugeleida/qiyeweixin/user?user_id=1")
			if rec.Code != c.status || rec.Body.String() != c.body {
				t.Fatalf("got %d %s", rec.Code, rec.Body)
			}
			if strings.Contains(rec.Body.String(), "disk on fire") || strings.Contains(rec.Body.String(), "boom") {
				t.Fatal("internal detail leaked")
			}
		})
	}
}

func TestReadyzReportsTheDatabase(t *testing.T) {
	h, _, _, health := newTestServer(t)
	health.EXPECT().Ping(gomock.Any()).Return(errors.New("dial tcp: connection refused"))
	rec := serve(h, "GET", "/readyz")
	if rec.Code != 503 || rec.Body.String() != `{"code":503,"msg":"服务暂不可用","data":{}}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
	health.EXPECT().Ping(gomock.Any()).Return(nil)
	if rec := serve(h, "GET", "/readyz"); rec.Code != 200 {
		t.Fatalf("got %d", rec.Code)
	}
}

func TestEmptyPageIsAnEmptyArray(t *testing.T) {
	h, auth, users, _ := newTestServer(t)
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
	users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).Return(nil, 7, nil)
	rec := serve(h, "GET", "/zhugeleida/qiyeweixin/user?current_page=9")
	if rec.Body.String() != `{"code":200,"msg":"查询成功","data":{"ret_data":[],"data_count":7}}` {
		t.Fatalf("got %s", rec.Body)
	}
}

func TestWireTime(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	base := time.Date(2018, 6, 9, 2, 3, 29, 0, time.UTC)
	for _, c := range []struct {
		t    time.Time
		want string
	}{
		{base, "2018-06-09T10:03:29"},
		{base.Add(474 * time.Millisecond), "2018-06-09T10:03:29.474"},
		{base.Add(5 * time.Microsecond), "2018-06-09T10:03:29.000"},
		{base.Add(999999 * time.Microsecond), "2018-06-09T10:03:29.999"},
	} {
		if got := wireTime(c.t, sh); got != c.want {
			t.Errorf("%v → %s, want %s", c.t, got, c.want)
		}
	}
	if wireTimePtr(nil, sh) != nil {
		t.Fatal("nil time is not null")
	}
}

func TestWrongMethodAfterAuth(t *testing.T) {
	h, auth, _, _ := newTestServer(t)
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
	rec := serve(h, http.MethodPatch, "/zhugeleida/qiyeweixin/user")
	if rec.Code != 200 || rec.Body.String() != `{"code":402,"msg":"请求异常","data":{}}` {
		t.Fatalf("got %d %s", rec.Code, rec.Body)
	}
}

func TestClientIPTrustsOnlyConfiguredProxies(t *testing.T) {
	_, lb, _ := net.ParseCIDR("10.0.0.0/8")
	req := func(peer string) *http.Request {
		r := httptest.NewRequest("GET", "/", nil)
		r.RemoteAddr = peer + ":5555"
		r.Header.Set("X-Forwarded-For", "203.0.113.9")
		return r
	}
	if got := clientIP(nil)(req("10.1.2.3")); got != "10.1.2.3" {
		t.Fatalf("without trusted proxies X-Forwarded-For was believed: %s", got)
	}
	if got := clientIP([]*net.IPNet{lb})(req("10.1.2.3")); got != "203.0.113.9" {
		t.Fatalf("behind the trusted balancer: %s", got)
	}
	if got := clientIP([]*net.IPNet{lb})(req("192.168.1.1")); got != "192.168.1.1" {
		t.Fatalf("an untrusted peer forged the client: %s", got)
	}
}

// A request its client abandoned is not an internal error: it is logged at
// debug level with its route, and the access log shows status 499.
func TestClientCancelledRequestIsNotAnInternalError(t *testing.T) {
	h, auth, users, _ := newTestServer(t)
	var logs strings.Builder
	h.Config.Logger = slog.New(slog.NewJSONHandler(&logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	ctx, cancel := context.WithCancel(context.Background())
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
	users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, _ org.Actor, _ ports.ListQuery) ([]org.User, int, error) {
			cancel()
			return nil, 0, fmt.Errorf("database: %w", ctx.Err())
		})
	rec := serveContext(ctx, h, "GET", "/zhugeleida/qiyeweixin/user")
	if rec.Code != 499 || rec.Body.Len() != 0 {
		t.Fatalf("got %d %q", rec.Code, rec.Body)
	}
	out := logs.String()
	if strings.Contains(out, "internal error") || !strings.Contains(out, `"level":"DEBUG","msg":"request cancelled by the client"`) ||
		!strings.Contains(out, `"route":"/zhugeleida/qiyeweixin/user"`) || !strings.Contains(out, `"status":499`) {
		t.Fatalf("logs:\n%s", out)
	}
}
