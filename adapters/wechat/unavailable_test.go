package wechat

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"leida/domain/errs"
	"leida/ports"
	"leida/test/fakewechat"
)

// unreachable is a loopback port nothing listens on (discard).
const unreachable = "http://127.0.0.1:9"

// wantKind asserts err is the typed 503 with msg, still a *ports.GatewayError
// inside (for the log), whose text names neither secrets nor URLs.
func wantKind(t *testing.T, err error, msg string) *ports.GatewayError {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Kind != errs.KindUnavailable || e.Code != 503 || e.Msg != msg {
		t.Fatalf("want 503 %s, got %T %v", msg, err, err)
	}
	var ge *ports.GatewayError
	if !errors.As(err, &ge) || ge.Op == "" || ge.Code != -1 {
		t.Fatalf("no GatewayError inside: %v", err)
	}
	for _, secret := range []string{fakewechat.DefaultAppSecret, fakewechat.DefaultCorpSecret, "access_token=", "http://"} {
		if strings.Contains(err.Error(), secret) {
			t.Fatalf("error leaks %q: %v", secret, err)
		}
	}
	return ge
}

func TestTransportFailuresAreWeChatUnavailable(t *testing.T) {
	ctx := context.Background()
	calls := func(base string, timeout time.Duration) map[string]func() error {
		m := NewMiniProgram(MiniProgramConfig{BaseURL: base, AppID: fakewechat.DefaultAppID,
			AppSecret: fakewechat.DefaultAppSecret, Timeout: timeout}, nil, nil)
		w := NewWeCom(WeComConfig{BaseURL: base, CorpID: fakewechat.DefaultCorpID,
			CorpSecret: fakewechat.DefaultCorpSecret, Timeout: timeout}, nil, nil)
		return map[string]func() error{
			"session": func() error { _, err := m.Session(ctx, "c"); return err },
			"wxacode": func() error { _, err := m.WxaCode(ctx, "p", 430); return err },
			"wecom":   func() error { _, err := w.MemberByCode(ctx, "c"); return err },
		}
	}
	t.Run("connection refused", func(t *testing.T) {
		for name, call := range calls(unreachable, 0) {
			ge := wantKind(t, call(), "微信服务暂不可用")
			if !strings.Contains(ge.Msg, "connection refused") {
				t.Errorf("%s: the log would not say why: %v", name, ge)
			}
		}
	})
	t.Run("timeout", func(t *testing.T) {
		fake := fakewechat.New()
		defer fake.Close()
		fake.AddSession("c", "o")
		fake.SetDelay(2 * time.Second)
		for name, call := range calls(fake.URL, 100*time.Millisecond) {
			began := time.Now()
			ge := wantKind(t, call(), "微信服务暂不可用")
			if ge.Msg != "timeout" || time.Since(began) > time.Second {
				t.Errorf("%s: %v after %v", name, ge, time.Since(began))
			}
		}
	})
	t.Run("HTTP 502 from a gateway", func(t *testing.T) {
		bad := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
			http.Error(w, "<html>502 Bad Gateway</html>", http.StatusBadGateway)
		}))
		defer bad.Close()
		for _, call := range calls(bad.URL, 0) {
			if ge := wantKind(t, call(), "微信服务暂不可用"); ge.Msg != "HTTP status 502" {
				t.Errorf("%v", ge)
			}
		}
	})
}

// errcode -1 is WeChat's "system busy": unavailable. Other errcodes are
// refusals for the endpoint to show (301 with errmsg).
func TestErrcodes(t *testing.T) {
	fake := start(t)
	m := newMini(t, fake, nil)
	fake.FailNext(fakewechat.PathSession, -1, "system error")
	_, err := m.Session(context.Background(), "c")
	if ge := wantKind(t, err, "微信服务暂不可用"); ge.Msg != "system error" {
		t.Fatalf("%v", ge)
	}
	fake.FailNext(fakewechat.PathSession, 40029, "invalid code")
	_, err = m.Session(context.Background(), "c")
	if _, typed := errs.As(err); typed {
		t.Fatalf("an errcode answer is not a 503: %v", err)
	}
	gatewayError(t, err, 40029)
}

func TestNotConfiguredIsTyped(t *testing.T) {
	fake := start(t)
	m := NewMiniProgram(MiniProgramConfig{BaseURL: fake.URL, AppID: fakewechat.DefaultAppID}, nil, nil)
	_, err := m.Session(context.Background(), "c")
	wantKind(t, err, "微信服务未配置")
	_, err = m.WxaCode(context.Background(), "p", 430)
	wantKind(t, err, "微信服务未配置")
	w := NewWeCom(WeComConfig{BaseURL: fake.URL, CorpSecret: fakewechat.DefaultCorpSecret}, nil, nil)
	if w.Configured() {
		t.Fatal("WeCom Configured without a corp id")
	}
	_, err = w.MemberByCode(context.Background(), "c")
	wantKind(t, err, "微信服务未配置")
	if n := len(fake.Counts()); n != 0 {
		t.Fatalf("unconfigured clients made requests: %v", fake.Counts())
	}
}
