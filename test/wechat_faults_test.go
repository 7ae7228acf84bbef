package test

import (
	"bytes"
	"net/url"
	"strconv"
	"strings"
	"testing"
	"time"

	"leida/test/fakewechat"
	lt "leida/test/leidatest"
)

const (
	wechatDown     = `{"code":503,"msg":"微信服务暂不可用","data":{}}`
	wechatUnconfig = `{"code":503,"msg":"微信服务未配置","data":{}}`
)

// wantWeChat503 asserts HTTP 503 with exactly body, and no transport or Go
// error text in it.
func wantWeChat503(t *testing.T, what string, r *lt.Resp, body string) {
	t.Helper()
	raw := string(bytes.TrimRight(r.Raw, "\n"))
	if r.Status != 503 || raw != body {
		t.Fatalf("%s: want HTTP 503 %s, got HTTP %d %s (Location %q)", what, body, r.Status, r.Raw, r.Header.Get("Location"))
	}
	for _, leak := range []string{"dial tcp", "EOF", "timeout", "errcode", "connection refused", "wechat", "wecom"} {
		if strings.Contains(raw, leak) {
			t.Fatalf("%s: %q leaks into %s", what, leak, raw)
		}
	}
}

// Issue 9.8: WeChat or WeCom timing out or unreachable is HTTP 503
// 微信服务暂不可用 on E29, E30 and E48, logged with the error as a dependency
// failure; without credentials it is 503 微信服务未配置, warned at start-up.
func TestWeChatUnavailable(t *testing.T) {
	fake := fakewechat.New()
	closed := false
	defer func() {
		if !closed {
			fake.Close()
		}
	}()
	s, err := lt.Start(lt.Options{Prefix: "wxdown", Env: map[string]string{
		"WECHAT_API_BASE_URL": fake.URL, "WECHAT_APP_ID": fakewechat.DefaultAppID, "WECHAT_APP_SECRET": fakewechat.DefaultAppSecret,
		"WECOM_API_BASE_URL": fake.URL, "WECOM_CORP_ID": fakewechat.DefaultCorpID, "WECOM_SECRET": fakewechat.DefaultCorpSecret,
		"FRONTEND_BASE_URL": wxFrontend, "REQUEST_TIMEOUT": "1s",
	}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if strings.Contains(s.Logs(), "not configured") {
		t.Fatalf("warned about configured credentials:\n%s", s.Logs())
	}
	company := s.NewCompany(t, lt.Unique("微信故障公司"))
	rep := s.NewUser(t, company, lt.Member, lt.Unique("rep"))
	calls := map[string]func() *lt.Resp{
		"E30": func() *lt.Resp {
			return s.Do(t, lt.Request{Path: "/zhugeleida/xiaochengxu/login",
				Query: url.Values{"code": {"c1"}, "user_type": {"2"}, "source": {"1"}}})
		},
		"E29": func() *lt.Resp {
			return s.Do(t, lt.Request{Path: "/zhugeleida/qiyeweixin/work_weixin_auth/" + strconv.FormatInt(company, 10),
				Query: url.Values{"code": {"oauth-1"}}})
		},
		"E48": func() *lt.Resp { return s.Get(t, rep, "/zhugeleida/qiyeweixin/qr_code_auth", nil) },
	}
	check := func(cause string) {
		t.Helper()
		for name, call := range calls {
			logged := len(s.Logs())
			began := time.Now()
			wantWeChat503(t, name+" with WeChat "+cause, call(), wechatDown)
			if d := time.Since(began); d > 2500*time.Millisecond {
				t.Errorf("%s answered after %v", name, d)
			}
			var line string
			for wait := time.Now().Add(2 * time.Second); line == "" && time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
				for _, l := range strings.Split(s.Logs()[logged:], "\n") {
					if strings.Contains(l, `"msg":"dependency unavailable"`) {
						line = l
					}
				}
			}
			if !strings.Contains(line, cause) {
				t.Errorf("%s: the failure is not logged with its cause %q: %q", name, cause, line)
			}
		}
	}
	// Slower than the request's deadline (1s).
	fake.SetDelay(3 * time.Second)
	check("timeout")
	// Unreachable.
	fake.SetDelay(0)
	fake.Close()
	closed = true
	check("connection refused")
	// Nothing was written meanwhile.
	if n := s.Count(t, `SELECT count(*) FROM customers WHERE openid <> ''`); n != 0 {
		t.Errorf("%d customers created", n)
	}
	var qr string
	s.Scalar(t, &qr, `SELECT qr_code FROM users WHERE id = $1`, rep.ID)
	if qr != "" {
		t.Errorf("qr_code recorded: %q", qr)
	}
	noInternalErrors(t, "serve with WeChat down", s)
}

func TestWeChatNotConfigured(t *testing.T) {
	// The shared server has no WeChat credentials.
	for _, warning := range []string{"WeChat mini-program not configured", "WeCom not configured"} {
		if !strings.Contains(srv.Logs(), warning) {
			t.Errorf("no start-up warning %q", warning)
		}
	}
	r := srv.Do(t, lt.Request{Path: "/zhugeleida/xiaochengxu/login", Query: url.Values{"code": {"c1"}, "user_type": {"2"}, "source": {"1"}}})
	wantWeChat503(t, "E30 without WeChat credentials", r, wechatUnconfig)
	r = srv.Do(t, lt.Request{Path: "/zhugeleida/qiyeweixin/work_weixin_auth/" + strconv.FormatInt(srv.CompanyID, 10),
		Query: url.Values{"code": {"oauth-1"}}})
	wantWeChat503(t, "E29 without WeCom credentials", r, wechatUnconfig)
	// Validation still comes first.
	lt.ExpectFields(t, srv.Do(t, lt.Request{Path: "/zhugeleida/xiaochengxu/login"}), 301, false,
		map[string]string{"code": "js code 不能为空", "user_type": "客户访问类型不能为空", "source": "客户来源不能为空"})
}
