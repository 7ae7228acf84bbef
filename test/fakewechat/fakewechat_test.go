package fakewechat

import (
	"bytes"
	"encoding/json"
	"image"
	_ "image/jpeg"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"
)

func get(t *testing.T, s *Server, path string, q url.Values) map[string]any {
	t.Helper()
	resp, err := http.Get(s.URL + path + "?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func errcode(m map[string]any) int {
	n, _ := m["errcode"].(float64)
	return int(n)
}

func TestCredentialsChecked(t *testing.T) {
	s := New(WithMiniProgram("app", "sec"), WithWeCom("corp", "csec"))
	defer s.Close()
	for _, tc := range []struct {
		path string
		q    url.Values
		code int
	}{
		{PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {"app"}, "secret": {"sec"}}, 0},
		{PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {"x"}, "secret": {"sec"}}, 40013},
		{PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {"app"}, "secret": {"x"}}, 40001},
		{PathWeComToken, url.Values{"corpid": {"corp"}, "corpsecret": {"csec"}}, 0},
		{PathWeComToken, url.Values{"corpid": {"x"}, "corpsecret": {"csec"}}, 40013},
		{PathWeComToken, url.Values{"corpid": {"corp"}, "corpsecret": {"x"}}, 40001},
		{PathSession, url.Values{"appid": {"app"}, "secret": {"x"}, "js_code": {"c"}, "grant_type": {"authorization_code"}}, 40001},
	} {
		if got := errcode(get(t, s, tc.path, tc.q)); got != tc.code {
			t.Errorf("%s %v: errcode %d, want %d", tc.path, tc.q, got, tc.code)
		}
	}
	if n := s.TokenRequests(); n != 6 {
		t.Errorf("TokenRequests = %d, want 6", n)
	}
	if n := s.Requests(PathSession); n != 1 {
		t.Errorf("Requests(session) = %d, want 1", n)
	}
}

func TestTokensAreScopedExpireAndFailNextQueues(t *testing.T) {
	s := New()
	defer s.Close()
	wecom := get(t, s, PathWeComToken, url.Values{"corpid": {DefaultCorpID}, "corpsecret": {DefaultCorpSecret}})["access_token"].(string)
	mini := get(t, s, PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}})["access_token"].(string)

	info := func(tok string) int {
		return errcode(get(t, s, PathUserInfo, url.Values{"access_token": {tok}, "code": {"nobody"}}))
	}
	if c := info(mini); c != 40014 {
		t.Errorf("mini-program token on WeCom API: errcode %d, want 40014", c)
	}
	if c := info(wecom); c != 40029 {
		t.Errorf("unknown code: errcode %d, want 40029", c)
	}
	s.ExpireTokens()
	if c := info(wecom); c != 42001 {
		t.Errorf("expired token: errcode %d, want 42001", c)
	}
	s.FailNext(PathUserInfo, 45009, "quota")
	s.FailNext(PathUserInfo, 45010, "quota 2")
	if c := info(wecom); c != 45009 {
		t.Errorf("first queued failure: %d", c)
	}
	if c := info(wecom); c != 45010 {
		t.Errorf("second queued failure: %d", c)
	}
}

func TestWxaCodeDefaultAnswerIsJPEGAndContentTypeRequired(t *testing.T) {
	s := New()
	defer s.Close()
	tok := get(t, s, PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}})["access_token"].(string)
	post := func(ct string) *http.Response {
		resp, err := http.Post(s.URL+PathWxaCode+"?access_token="+tok, ct, strings.NewReader(`{"path":"pages/x?uid=1","width":430}`))
		if err != nil {
			t.Fatal(err)
		}
		return resp
	}
	resp := post("application/json")
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); ct != "image/jpeg" {
		t.Errorf("Content-Type = %q", ct)
	}
	if _, format, err := image.Decode(resp.Body); err != nil || format != "jpeg" {
		t.Errorf("default QR: %q, %v", format, err)
	}
	if q := s.QRRequests(); len(q) != 1 || q[0] != (QRRequest{"pages/x?uid=1", 430}) {
		t.Errorf("QRRequests = %+v", q)
	}

	bad := post("text/plain")
	defer bad.Body.Close()
	var m map[string]any
	_ = json.NewDecoder(bad.Body).Decode(&m)
	if errcode(m) != 47001 {
		t.Errorf("non-JSON body: %v", m)
	}

	s.SetQRAnswer("application/json", []byte(`{"errcode":45009,"errmsg":"quota"}`))
	r := post("application/json")
	defer r.Body.Close()
	var buf bytes.Buffer
	_, _ = buf.ReadFrom(r.Body)
	if !strings.Contains(buf.String(), "45009") {
		t.Errorf("SetQRAnswer ignored: %q", buf.String())
	}
}

func TestDelay(t *testing.T) {
	s := New()
	defer s.Close()
	s.SetDelay(150 * time.Millisecond)
	began := time.Now()
	get(t, s, PathSession, url.Values{})
	if d := time.Since(began); d < 150*time.Millisecond {
		t.Errorf("answered after %v", d)
	}
}
