package config

import (
	"strings"
	"testing"
	"time"
)

func env(m map[string]string) func(string) (string, bool) {
	return func(k string) (string, bool) { v, ok := m[k]; return v, ok }
}

func TestDefaults(t *testing.T) {
	c, err := LoadFrom(env(nil))
	if err != nil {
		t.Fatal(err)
	}
	if c.HTTPAddr != ":8000" || c.AuthMaxSkew != 10*time.Minute || c.TimeZone.String() != "Asia/Shanghai" ||
		c.PublicBaseURL != "http://127.0.0.1:8000/" || c.MediaRoot != "./var/media" || c.FrontendErrorPath != "/err_page" {
		t.Fatalf("unexpected defaults: %+v", c)
	}
}

func TestGCPercent(t *testing.T) {
	for v, want := range map[string]int{"": 400, "100": 100, "off": -1} {
		m := map[string]string{}
		if v != "" {
			m["GOGC"] = v
		}
		c, err := LoadFrom(env(m))
		if err != nil || c.GCPercent != want {
			t.Errorf("GOGC=%q: %d %v", v, c.GCPercent, err)
		}
	}
}

func TestSkewZeroDisables(t *testing.T) {
	c, err := LoadFrom(env(map[string]string{"AUTH_MAX_SKEW": "0"}))
	if err != nil || c.AuthMaxSkew != 0 {
		t.Fatalf("got %v %v", c.AuthMaxSkew, err)
	}
}

func TestInvalidValuesNameTheVariable(t *testing.T) {
	for k, v := range map[string]string{
		"DATABASE_URL": "mysql://x", "TIME_ZONE": "Mars/Base", "AUTH_MAX_SKEW": "soon",
		"LOG_LEVEL": "loud", "LOG_FORMAT": "xml", "PUBLIC_BASE_URL": "nope", "HTTP_ADDR": "8000",
		"WECHAT_API_BASE_URL": "ftp://x", "FRONTEND_ERROR_PATH": "err", "TRUSTED_PROXIES": "10.0.0.0/33",
		"GOGC": "lots", "AI_POOL_COMPANIES": "maybe", "REQUEST_TIMEOUT": "0", "DATABASE_STATEMENT_TIMEOUT": "-1s",
	} {
		_, err := LoadFrom(env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v does not name the variable", k, v, err)
		}
	}
}

func TestTrustedProxies(t *testing.T) {
	c, err := LoadFrom(env(map[string]string{"TRUSTED_PROXIES": " 10.0.0.0/8, 192.0.2.7 ,::1"}))
	if err != nil || len(c.TrustedProxies) != 3 || c.TrustedProxies[1].String() != "192.0.2.7/32" || c.TrustedProxies[2].String() != "::1/128" {
		t.Fatalf("%v %v", c.TrustedProxies, err)
	}
	if c, _ := LoadFrom(env(nil)); len(c.TrustedProxies) != 0 {
		t.Fatal("trusts proxies by default")
	}
}

func TestTimeouts(t *testing.T) {
	for _, tc := range []struct {
		env                map[string]string
		request, statement time.Duration
	}{
		{nil, 5 * time.Second, 4500 * time.Millisecond},
		{map[string]string{"REQUEST_TIMEOUT": "2s"}, 2 * time.Second, 1800 * time.Millisecond},
		{map[string]string{"REQUEST_TIMEOUT": "2s", "DATABASE_STATEMENT_TIMEOUT": "0"}, 2 * time.Second, 0},
		{map[string]string{"DATABASE_STATEMENT_TIMEOUT": "3s"}, 5 * time.Second, 3 * time.Second},
	} {
		c, err := LoadFrom(env(tc.env))
		if err != nil || c.RequestTimeout != tc.request || c.StatementTimeout != tc.statement {
			t.Errorf("%v: request %v statement %v (%v)", tc.env, c.RequestTimeout, c.StatementTimeout, err)
		}
	}
	for _, bad := range []map[string]string{{"REQUEST_TIMEOUT": "soon"}, {"REQUEST_TIMEOUT": "-5s"},
		{"DATABASE_STATEMENT_TIMEOUT": "1us"}, {"DATABASE_STATEMENT_TIMEOUT": "later"}} {
		if _, err := LoadFrom(env(bad)); err == nil {
			t.Errorf("%v accepted", bad)
		}
	}
}

func TestMetricsAddr(t *testing.T) {
	c, err := LoadFrom(env(nil))
	if err != nil || c.MetricsAddr != "" {
		t.Fatalf("default: %q %v", c.MetricsAddr, err)
	}
	c, err = LoadFrom(env(map[string]string{"METRICS_ADDR": "127.0.0.1:9100"}))
	if err != nil || c.MetricsAddr != "127.0.0.1:9100" {
		t.Fatalf("set: %q %v", c.MetricsAddr, err)
	}
	for _, v := range []string{"9100", "host:port", ":99999", ":8000"} {
		if _, err := LoadFrom(env(map[string]string{"METRICS_ADDR": v})); err == nil || !strings.Contains(err.Error(), "METRICS_ADDR") {
			t.Errorf("METRICS_ADDR=%s: %v", v, err)
		}
	}
}
