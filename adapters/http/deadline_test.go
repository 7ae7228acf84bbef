package http

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

const unavailable503 = `{"code":503,"msg":"服务暂不可用","data":{}}`

// A request that runs out of time answers 503 服务暂不可用 about when its
// deadline passes, whatever error the exhausted call returned, and is logged
// as a dependency failure, never as an internal error.
func TestRequestDeadline(t *testing.T) {
	for name, fail := range map[string]func(ctx context.Context) error{
		"deadline error":  func(ctx context.Context) error { return fmt.Errorf("database: %w", ctx.Err()) },
		"other error":     func(context.Context) error { return errs.Internal(errors.New("driver: bad connection")) },
		"untyped error":   func(context.Context) error { return errors.New("read tcp: i/o timeout") },
		"typed 503 kept":  func(ctx context.Context) error { return errs.WeChatUnavailable(ctx.Err()) },
		"validation kept": func(context.Context) error { return errs.InvalidMsg(301, "x") },
	} {
		t.Run(name, func(t *testing.T) {
			h, auth, users, _ := newTestServer(t)
			logs := &syncBuf{}
			h.Config.Logger = slog.New(slog.NewJSONHandler(logs, nil))
			h.Config.RequestTimeout = 150 * time.Millisecond
			auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
			users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
				func(ctx context.Context, _ org.Actor, _ ports.ListQuery) ([]org.User, int, error) {
					if _, ok := ctx.Deadline(); !ok {
						t.Error("no deadline")
					}
					<-ctx.Done()
					return nil, 0, fail(ctx)
				})
			began := time.Now()
			rec := serve(h, "GET", "/zhugeleida/qiyeweixin/user?user_id=1&timestamp=1&rand_str=x")
			took := time.Since(began)
			if took < 150*time.Millisecond || took > time.Second {
				t.Errorf("answered after %v", took)
			}
			want, status := unavailable503, 503
			switch name {
			case "typed 503 kept":
				want = `{"code":503,"msg":"微信服务暂不可用","data":{}}`
			case "validation kept":
				want, status = `{"code":301,"msg":"x","data":{}}`, 200
			}
			if rec.Code != status || strings.TrimSpace(rec.Body.String()) != want {
				t.Fatalf("HTTP %d %s", rec.Code, rec.Body)
			}
			if strings.Contains(logs.String(), "internal error") {
				t.Fatalf("logged as an internal error:\n%s", logs)
			}
			if status == 503 && !strings.Contains(logs.String(), `"msg":"dependency unavailable"`) {
				t.Fatalf("not logged:\n%s", logs)
			}
		})
	}
}

// The deadline leaves fast requests alone and a client that hangs up
// before it is still a 499, not a 503.
func TestRequestDeadlineClientGone(t *testing.T) {
	h, auth, users, _ := newTestServer(t)
	logs := &syncBuf{}
	h.Config.Logger = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	h.Config.RequestTimeout = 2 * time.Second
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
	users.EXPECT().ListUsers(gomock.Any(), gomock.Any(), gomock.Any()).DoAndReturn(
		func(ctx context.Context, _ org.Actor, _ ports.ListQuery) ([]org.User, int, error) {
			<-ctx.Done()
			return nil, 0, fmt.Errorf("database: %w", ctx.Err())
		})
	ctx, cancel := context.WithCancel(context.Background())
	time.AfterFunc(100*time.Millisecond, cancel)
	rec := serveContext(ctx, h, "GET", "/zhugeleida/qiyeweixin/user?user_id=1&timestamp=1&rand_str=x")
	if rec.Code != statusClientClosedRequest || strings.Contains(logs.String(), "dependency unavailable") {
		t.Fatalf("HTTP %d\n%s", rec.Code, logs)
	}
}

// streamsProbe records whether a stream's context has a deadline.
type streamsProbe struct{ deadline chan bool }

func (p *streamsProbe) Open(ctx context.Context, _ chat.Principal, _ string) (ports.StreamSubscription, error) {
	_, has := ctx.Deadline()
	p.deadline <- has
	return nil, errs.NotFound("stop")
}
func (p *streamsProbe) Shutdown() {}

func TestStreamsHaveNoDeadline(t *testing.T) {
	h, auth, _, _ := newTestServer(t)
	h.Config.RequestTimeout = time.Second
	probe := &streamsProbe{deadline: make(chan bool, 1)}
	h.Streams = probe
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1}, nil)
	serve(h, "GET", "/zhugeleida/qiyeweixin/stream?user_id=1&timestamp=1&rand_str=x")
	if <-probe.deadline {
		t.Fatal("the rep's stream has a deadline")
	}
	auth.EXPECT().AuthenticateCustomer(gomock.Any(), gomock.Any()).Return(customer.Visitor{CustomerID: 1}, nil)
	serve(h, "GET", "/zhugeleida/xiaochengxu/stream?user_id=1&timestamp=1&rand_str=x")
	if <-probe.deadline {
		t.Fatal("the customer's stream has a deadline")
	}
}

// Until the gate opens every request but /healthz answers 503 (the
// readiness probe too); then everything passes.
func TestGate(t *testing.T) {
	h, _, _, health := newTestServer(t)
	e := NewServer(h)
	g := NewGate("migrations pending")
	e.Use(g.Middleware())
	get := func(target string) *httptest.ResponseRecorder {
		rec := httptest.NewRecorder()
		e.ServeHTTP(rec, httptest.NewRequest("GET", target, nil))
		return rec
	}
	if rec := get("/healthz"); rec.Code != 200 {
		t.Fatalf("healthz %d %s", rec.Code, rec.Body)
	}
	for _, target := range []string{"/readyz", "/zhugeleida/qiyeweixin/user?user_id=1&timestamp=1&rand_str=x", "/nowhere"} {
		if rec := get(target); rec.Code != http.StatusServiceUnavailable || strings.TrimSpace(rec.Body.String()) != unavailable503 {
			t.Fatalf("%s: HTTP %d %s", target, rec.Code, rec.Body)
		}
	}
	g.Open()
	health.EXPECT().Ping(gomock.Any()).Return(nil)
	if rec := get("/readyz"); rec.Code != 200 {
		t.Fatalf("readyz after opening: %d %s", rec.Code, rec.Body)
	}
}
