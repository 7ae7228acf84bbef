package wechat

import (
	"bytes"
	"context"
	"errors"
	"strings"
	"sync"
	"testing"
	"time"

	"leida/adapters/clock"
	"leida/ports"
	"leida/test/fakewechat"
)

func newMini(t *testing.T, fake *fakewechat.Server, c ports.Clock) *MiniProgram {
	t.Helper()
	return NewMiniProgram(MiniProgramConfig{
		BaseURL: fake.URL, AppID: fakewechat.DefaultAppID, AppSecret: fakewechat.DefaultAppSecret,
	}, nil, c)
}

func newWeCom(t *testing.T, fake *fakewechat.Server) *WeCom {
	t.Helper()
	return NewWeCom(WeComConfig{
		BaseURL: fake.URL + "/", CorpID: fakewechat.DefaultCorpID, CorpSecret: fakewechat.DefaultCorpSecret,
	}, nil, nil)
}

func start(t *testing.T) *fakewechat.Server {
	t.Helper()
	fake := fakewechat.New()
	t.Cleanup(fake.Close)
	return fake
}

// expectRequests checks how many requests the fake took on path.
func expectRequests(t *testing.T, fake *fakewechat.Server, path string, want int) {
	t.Helper()
	if n := fake.Requests(path); n != want {
		t.Errorf("%s requests = %d, want %d", path, n, want)
	}
}

// gatewayError asserts err is a *ports.GatewayError with code.
func gatewayError(t *testing.T, err error, code int) *ports.GatewayError {
	t.Helper()
	var ge *ports.GatewayError
	if !errors.As(err, &ge) {
		t.Fatalf("want *ports.GatewayError with code %d, got %T %v", code, err, err)
	}
	if ge.Code != code {
		t.Fatalf("errcode = %d (%v), want %d", ge.Code, ge, code)
	}
	if ge.Op == "" {
		t.Fatalf("GatewayError without Op: %v", ge)
	}
	return ge
}

func TestWxaCodeReturnsImageAndCachesToken(t *testing.T) {
	fake := start(t)
	m := newMini(t, fake, nil)
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		img, err := m.WxaCode(ctx, "pages/mingpian/index?uid=7&source=1", 430)
		if err != nil {
			t.Fatalf("call %d: %v", i, err)
		}
		if !bytes.Equal(img, fakewechat.DefaultQR()) {
			t.Fatalf("call %d: image differs from the fake's", i)
		}
	}
	expectRequests(t, fake, fakewechat.PathToken, 1)
	expectRequests(t, fake, fakewechat.PathWxaCode, 5)
	reqs := fake.QRRequests()
	if len(reqs) == 0 || reqs[0].Path != "pages/mingpian/index?uid=7&source=1" || reqs[0].Width != 430 {
		t.Errorf("wxacode request body = %+v", reqs)
	}
}

func TestTokenRefetchedOnlyAfterItsLifetimeLessMargin(t *testing.T) {
	fake := start(t)
	c := clock.NewFixed(time.Date(2026, 1, 1, 0, 0, 0, 0, time.UTC))
	m := newMini(t, fake, c)
	ctx := context.Background()
	call := func() {
		t.Helper()
		if _, err := m.WxaCode(ctx, "p", 0); err != nil {
			t.Fatal(err)
		}
	}
	call()
	// expires_in 7200 s; trusted for 7200 s - 5 min.
	c.Advance(6900*time.Second - time.Millisecond)
	call()
	if n := fake.TokenRequests(); n != 1 {
		t.Fatalf("token requests before expiry = %d, want 1", n)
	}
	c.Advance(time.Millisecond)
	call()
	if n := fake.TokenRequests(); n != 2 {
		t.Fatalf("token requests after expiry = %d, want 2", n)
	}
}

func TestLifetime(t *testing.T) {
	for _, tc := range []struct {
		in   int
		want time.Duration
	}{
		{7200, 7200*time.Second - 5*time.Minute},
		{600, 540 * time.Second},
		{0, 0},
		{-5, 0},
	} {
		if got := lifetime(tc.in); got != tc.want {
			t.Errorf("lifetime(%d) = %v, want %v", tc.in, got, tc.want)
		}
	}
}

func TestExpiredTokenRefreshedOnceThenSuccess(t *testing.T) {
	fake := start(t)
	m := newMini(t, fake, nil)
	ctx := context.Background()
	if _, err := m.WxaCode(ctx, "p", 430); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	if _, err := m.WxaCode(ctx, "p", 430); err != nil {
		t.Fatalf("after expiry: %v", err)
	}
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
	expectRequests(t, fake, fakewechat.PathWxaCode, 3) // ok, expired, retried
}

func TestStaleTokenCodesTriggerRetry(t *testing.T) {
	for _, code := range []int{40001, 40014, 42001} {
		fake := start(t)
		m := newMini(t, fake, nil)
		fake.FailNext(fakewechat.PathWxaCode, code, "stale")
		if _, err := m.WxaCode(context.Background(), "p", 430); err != nil {
			t.Fatalf("errcode %d: %v", code, err)
		}
		if n := fake.TokenRequests(); n != 2 {
			t.Errorf("errcode %d: token requests = %d, want 2", code, n)
		}
	}
}

func TestSecondConsecutiveExpiryIsAnError(t *testing.T) {
	fake := start(t)
	m := newMini(t, fake, nil)
	fake.FailNext(fakewechat.PathWxaCode, 42001, "access_token expired")
	fake.FailNext(fakewechat.PathWxaCode, 42001, "access_token expired")
	fake.FailNext(fakewechat.PathWxaCode, 42001, "access_token expired")
	_, err := m.WxaCode(context.Background(), "p", 430)
	ge := gatewayError(t, err, 42001)
	if ge.Msg != "access_token expired" {
		t.Errorf("errmsg = %q", ge.Msg)
	}
	expectRequests(t, fake, fakewechat.PathWxaCode, 2) // one retry only
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestSession(t *testing.T) {
	fake := start(t)
	fake.AddSession("good-code", "openid-123")
	m := newMini(t, fake, nil)
	ctx := context.Background()

	openid, err := m.Session(ctx, "good-code")
	if err != nil || openid != "openid-123" {
		t.Fatalf("Session = %q, %v", openid, err)
	}
	_, err = m.Session(ctx, "bad-code")
	if ge := gatewayError(t, err, 40029); ge.Msg != "invalid code" {
		t.Errorf("errmsg = %q, want %q", ge.Msg, "invalid code")
	}
	if n := fake.TokenRequests(); n != 0 {
		t.Errorf("jscode2session needs no token, got %d token requests", n)
	}
}

func TestWrongCredentials(t *testing.T) {
	fake := start(t)
	ctx := context.Background()

	bad := NewMiniProgram(MiniProgramConfig{BaseURL: fake.URL, AppID: fakewechat.DefaultAppID, AppSecret: "nope"}, nil, nil)
	_, err := bad.WxaCode(ctx, "p", 430)
	gatewayError(t, err, 40001)
	if strings.Contains(err.Error(), "nope") {
		t.Errorf("error leaks the secret: %v", err)
	}
	// A wrong secret is not a stale token: no refresh loop.
	expectRequests(t, fake, fakewechat.PathToken, 1)
	_, err = bad.Session(ctx, "c")
	gatewayError(t, err, 40001)

	badID := NewMiniProgram(MiniProgramConfig{BaseURL: fake.URL, AppID: "wrong", AppSecret: "nope"}, nil, nil)
	_, err = badID.WxaCode(ctx, "p", 430)
	gatewayError(t, err, 40013)

	w := NewWeCom(WeComConfig{BaseURL: fake.URL, CorpID: fakewechat.DefaultCorpID, CorpSecret: "nope"}, nil, nil)
	_, err = w.MemberByCode(ctx, "c")
	gatewayError(t, err, 40001)

	expectRequests(t, fake, fakewechat.PathWeComToken, 1)
}

func TestNotConfigured(t *testing.T) {
	fake := start(t)
	m := NewMiniProgram(MiniProgramConfig{BaseURL: fake.URL, AppID: "x"}, nil, nil)
	if m.Configured() {
		t.Fatal("Configured with no secret")
	}
	if _, err := m.WxaCode(context.Background(), "p", 430); err == nil {
		t.Fatal("WxaCode without credentials succeeded")
	}
	if _, err := m.Session(context.Background(), "c"); err == nil {
		t.Fatal("Session without credentials succeeded")
	}
	if !newMini(t, fake, nil).Configured() {
		t.Fatal("not Configured with id and secret")
	}
	if n := len(fake.Counts()); n != 0 {
		t.Errorf("unconfigured client made requests: %v", fake.Counts())
	}
}

func TestWxaCodeNonImageAnswers(t *testing.T) {
	png := []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR")
	for _, tc := range []struct {
		name, contentType string
		body              string
		code              int
		msg               string
	}{
		{"JSON error", "application/json", `{"errcode":45009,"errmsg":"reach max api daily quota limit"}`, 45009, "reach max api daily quota limit"},
		{"JSON error as image", "image/jpeg", `{"errcode":40097,"errmsg":"invalid args"}`, 40097, "invalid args"},
		{"HTML junk", "text/html", "<html><body>502 Bad Gateway</body></html>", -1, ""},
		{"HTML junk as image", "image/jpeg", "<html><body>oops</body></html>", -1, ""},
		{"image bytes as JSON", "application/json", string(png), -1, ""},
		{"JSON without errcode", "application/json", `{"errmsg":"ok"}`, -1, ""},
		{"empty", "image/png", "", -1, ""},
	} {
		t.Run(tc.name, func(t *testing.T) {
			fake := start(t)
			fake.SetQRAnswer(tc.contentType, []byte(tc.body))
			img, err := newMini(t, fake, nil).WxaCode(context.Background(), "p", 430)
			if img != nil {
				t.Errorf("got %d image bytes", len(img))
			}
			ge := gatewayError(t, err, tc.code)
			if tc.msg != "" && ge.Msg != tc.msg {
				t.Errorf("errmsg = %q, want %q", ge.Msg, tc.msg)
			}
		})
	}
}

func TestTimeoutIsGatewayErrorQuickly(t *testing.T) {
	fake := start(t)
	fake.AddSession("c", "o")
	fake.SetDelay(3 * time.Second)
	m := NewMiniProgram(MiniProgramConfig{
		BaseURL: fake.URL, AppID: fakewechat.DefaultAppID, AppSecret: fakewechat.DefaultAppSecret,
		Timeout: 100 * time.Millisecond,
	}, nil, nil)

	for name, call := range map[string]func() error{
		"session": func() error { _, err := m.Session(context.Background(), "c"); return err },
		"wxacode": func() error { _, err := m.WxaCode(context.Background(), "p", 430); return err },
	} {
		began := time.Now()
		err := call()
		if d := time.Since(began); d > time.Second {
			t.Errorf("%s: took %v", name, d)
		}
		ge := gatewayError(t, err, -1)
		if ge.Msg != "timeout" {
			t.Errorf("%s: msg = %q, want timeout", name, ge.Msg)
		}
		if strings.Contains(err.Error(), fakewechat.DefaultAppSecret) {
			t.Errorf("%s: error leaks the secret: %v", name, err)
		}
	}
}

func TestCallerCancellationHonouredWhileTokenFetchIsSlow(t *testing.T) {
	fake := start(t)
	fake.SetDelay(600 * time.Millisecond)
	m := newMini(t, fake, nil) // default 5 s timeout
	ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	began := time.Now()
	_, err := m.WxaCode(ctx, "p", 430)
	if d := time.Since(began); d > 300*time.Millisecond {
		t.Errorf("took %v", d)
	}
	gatewayError(t, err, -1)
}

func TestTransportErrorHidesURL(t *testing.T) {
	fake := fakewechat.New()
	url := fake.URL
	fake.Close()
	m := NewMiniProgram(MiniProgramConfig{BaseURL: url, AppID: "app", AppSecret: "s3cr3t"}, nil, nil)
	_, err := m.Session(context.Background(), "c")
	gatewayError(t, err, -1)
	if strings.Contains(err.Error(), "s3cr3t") || strings.Contains(err.Error(), "secret=") {
		t.Errorf("error leaks the query: %v", err)
	}
}

func TestConcurrentCallersShareOneTokenRequest(t *testing.T) {
	fake := start(t)
	fake.SetDelay(50 * time.Millisecond) // widen the race window
	m := newMini(t, fake, nil)
	fake.AddMember("code", ports.WeComMember{UserID: "u1"})
	w := newWeCom(t, fake)

	var wg sync.WaitGroup
	errs := make(chan error, 40)
	for i := 0; i < 20; i++ {
		wg.Add(2)
		go func() {
			defer wg.Done()
			_, err := m.WxaCode(context.Background(), "p", 430)
			errs <- err
		}()
		go func() {
			defer wg.Done()
			_, err := w.MemberByCode(context.Background(), "code")
			errs <- err
		}()
	}
	wg.Wait()
	close(errs)
	for err := range errs {
		if err != nil {
			t.Fatal(err)
		}
	}
	expectRequests(t, fake, fakewechat.PathToken, 1)
	expectRequests(t, fake, fakewechat.PathWeComToken, 1)
}

func TestConcurrentStaleTokenRefreshedOnce(t *testing.T) {
	fake := start(t)
	m := newMini(t, fake, nil)
	if _, err := m.WxaCode(context.Background(), "p", 430); err != nil {
		t.Fatal(err)
	}
	fake.ExpireTokens()
	fake.SetDelay(20 * time.Millisecond)
	var wg sync.WaitGroup
	for i := 0; i < 20; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			if _, err := m.WxaCode(context.Background(), "p", 430); err != nil {
				t.Error(err)
			}
		}()
	}
	wg.Wait()
	if n := fake.TokenRequests(); n != 2 {
		t.Errorf("token requests = %d, want 2", n)
	}
}

func TestMemberByCode(t *testing.T) {
	fake := start(t)
	want := ports.WeComMember{UserID: "zhangsan", Name: "张三", Avatar: "http://wework.qpic.cn/a/0", Gender: 2}
	fake.AddMember("member-code", want)
	fake.AddNonMember("outsider-code", "o-outsider")
	w := newWeCom(t, fake)
	ctx := context.Background()

	got, err := w.MemberByCode(ctx, "member-code")
	if err != nil || got != want {
		t.Fatalf("MemberByCode = %+v, %v; want %+v", got, err, want)
	}

	_, err = w.MemberByCode(ctx, "outsider-code")
	if !errors.Is(err, ports.ErrNotMember) {
		t.Errorf("non-member: err = %v, want ErrNotMember", err)
	}

	_, err = w.MemberByCode(ctx, "unknown")
	gatewayError(t, err, 40029)

	fake.ExpireTokens()
	if got, err := w.MemberByCode(ctx, "member-code"); err != nil || got != want {
		t.Errorf("after token expiry: %+v, %v", got, err)
	}
	expectRequests(t, fake, fakewechat.PathWeComToken, 2)
	expectRequests(t, fake, fakewechat.PathToken, 0)
}

func TestMemberDetailFailureMapped(t *testing.T) {
	fake := start(t)
	fake.AddMember("c", ports.WeComMember{UserID: "u"})
	fake.FailNext(fakewechat.PathUserDetail, 60011, "no privilege to access/modify contact/party/agent")
	_, err := newWeCom(t, fake).MemberByCode(context.Background(), "c")
	if ge := gatewayError(t, err, 60011); !strings.HasPrefix(ge.Msg, "no privilege") {
		t.Errorf("errmsg = %q", ge.Msg)
	}
}

func TestFlexInt(t *testing.T) {
	for in, want := range map[string]int{`"1"`: 1, `2`: 2, `""`: 0, `null`: 0, `"0"`: 0} {
		var f flexInt
		if err := f.UnmarshalJSON([]byte(in)); err != nil || int(f) != want {
			t.Errorf("%s → %d, %v; want %d", in, f, err, want)
		}
	}
	var f flexInt
	if err := f.UnmarshalJSON([]byte(`"x"`)); err == nil {
		t.Error(`"x" accepted`)
	}
}
