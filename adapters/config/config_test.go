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
		"WECHAT_API_BASE_URL": "ftp://x", "FRONTEND_ERROR_PATH": "err",
	} {
		_, err := LoadFrom(env(map[string]string{k: v}))
		if err == nil || !strings.Contains(err.Error(), k) {
			t.Errorf("%s=%s: error %v does not name the variable", k, v, err)
		}
	}
}
