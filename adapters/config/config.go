// Package config is the one place that reads Leida's configuration from the
// environment. A missing or invalid value fails at start-up naming the variable.
package config

import (
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"strconv"
	"strings"
	"time"
)

// Config is the whole configuration.
type Config struct {
	DatabaseURL       string
	HTTPAddr          string
	MetricsAddr       string // /metrics on a listener of its own; empty: on HTTP_ADDR
	PublicBaseURL     string
	TimeZone          *time.Location
	AuthMaxSkew       time.Duration
	MediaRoot         string
	WechatAPIBaseURL  string
	WechatAppID       string
	WechatAppSecret   string
	WecomAPIBaseURL   string
	WecomCorpID       string
	WecomSecret       string
	FrontendBaseURL   string
	FrontendErrorPath string
	// TrustedProxies are the load balancers whose X-Forwarded-For names the
	// client (for the login rate limit); none by default: the peer is the client.
	TrustedProxies []*net.IPNet
	LogLevel       slog.Level
	LogFormat      string
	// StreamHeartbeat is the SSE heartbeat interval (STREAM_HEARTBEAT, default 15s).
	StreamHeartbeat time.Duration
	// RequestTimeout is every request's deadline but the push streams'
	// (REQUEST_TIMEOUT, default 5s): past it the client gets 503.
	RequestTimeout time.Duration
	// StatementTimeout is PostgreSQL's statement_timeout for the serving pool
	// (DATABASE_STATEMENT_TIMEOUT; default REQUEST_TIMEOUT less a tenth, so
	// the server cancels a statement cleanly before the request gives up on
	// it; 0: none). A statement_timeout in DATABASE_URL wins.
	StatementTimeout time.Duration
	// AIPoolCompanies smooths each company's AI model toward the bin counts
	// of every company (AI_POOL_COMPANIES, default true; counts, never rows).
	AIPoolCompanies bool
	// WebhookAllowPrivate lets webhook endpoints point to loopback, private
	// and reserved addresses (WEBHOOK_ALLOW_PRIVATE, default false).
	WebhookAllowPrivate bool
	// GCPercent is the Go collector's target (GOGC; default 400, -1 = off):
	// the service's live heap is small, so Go's default of 100 collects very
	// often under load; 400 spends a few more MB for a fifth less CPU.
	GCPercent int
}

// Defaults as documented in ARCHITECTURE.md.
var defaults = map[string]string{
	"DATABASE_URL":        "postgres://postgres@127.0.0.1:5432/leida?sslmode=disable",
	"HTTP_ADDR":           ":8000",
	"METRICS_ADDR":        "",
	"PUBLIC_BASE_URL":     "http://127.0.0.1:8000/",
	"TIME_ZONE":           "Asia/Shanghai",
	"AUTH_MAX_SKEW":       "10m",
	"MEDIA_ROOT":          "./var/media",
	"WECHAT_API_BASE_URL": "https://api.weixin.qq.com",
	"WECHAT_APP_ID":       "",
	"WECHAT_APP_SECRET":   "",
	"WECOM_API_BASE_URL":  "https://qyapi.weixin.qq.com",
	"WECOM_CORP_ID":       "",
	"WECOM_SECRET":        "",
	"FRONTEND_BASE_URL":   "http://127.0.0.1:8080",
	"FRONTEND_ERROR_PATH": "/err_page",
	"TRUSTED_PROXIES":     "",
	"LOG_LEVEL":           "info",
	"LOG_FORMAT":          "json",
	"STREAM_HEARTBEAT":    "15s",
	"REQUEST_TIMEOUT":     "5s",
	// DATABASE_STATEMENT_TIMEOUT: empty means REQUEST_TIMEOUT less a tenth.
	"DATABASE_STATEMENT_TIMEOUT": "",
	"GOGC":                       "400",
	"AI_POOL_COMPANIES":          "true",
	"WEBHOOK_ALLOW_PRIVATE":      "false",
}

// Load reads the process environment.
func Load() (Config, error) { return LoadFrom(os.LookupEnv) }

// LoadFrom reads configuration through lookup (for tests).
func LoadFrom(lookup func(string) (string, bool)) (Config, error) {
	get := func(k string) string {
		if v, ok := lookup(k); ok {
			return strings.TrimSpace(v)
		}
		return defaults[k]
	}
	var c Config
	var problems []string
	bad := func(k, why string) { problems = append(problems, fmt.Sprintf("%s: %s", k, why)) }

	c.DatabaseURL = get("DATABASE_URL")
	if u, err := url.Parse(c.DatabaseURL); err != nil || (u.Scheme != "postgres" && u.Scheme != "postgresql") {
		bad("DATABASE_URL", "must be a postgres:// URL")
	}
	c.HTTPAddr = get("HTTP_ADDR")
	if !strings.Contains(c.HTTPAddr, ":") {
		bad("HTTP_ADDR", "must be host:port or :port")
	}
	c.MetricsAddr = get("METRICS_ADDR")
	if c.MetricsAddr != "" {
		if !validAddr(c.MetricsAddr) {
			bad("METRICS_ADDR", "must be host:port or :port, or empty for the main listener")
		} else if c.MetricsAddr == c.HTTPAddr {
			bad("METRICS_ADDR", "must differ from HTTP_ADDR (leave it empty to serve /metrics there)")
		}
	}
	c.PublicBaseURL = get("PUBLIC_BASE_URL")
	if !isHTTPURL(c.PublicBaseURL) {
		bad("PUBLIC_BASE_URL", "must be an http(s) URL")
	} else if !strings.HasSuffix(c.PublicBaseURL, "/") {
		c.PublicBaseURL += "/"
	}
	loc, err := time.LoadLocation(get("TIME_ZONE"))
	if err != nil {
		bad("TIME_ZONE", "unknown time zone")
	}
	c.TimeZone = loc
	if c.AuthMaxSkew, err = parseDuration(get("AUTH_MAX_SKEW")); err != nil || c.AuthMaxSkew < 0 {
		bad("AUTH_MAX_SKEW", "must be a duration such as 10m, or 0")
	}
	c.MediaRoot = get("MEDIA_ROOT")
	if c.MediaRoot == "" {
		bad("MEDIA_ROOT", "must not be empty")
	}
	c.WechatAPIBaseURL = strings.TrimRight(get("WECHAT_API_BASE_URL"), "/")
	if !isHTTPURL(c.WechatAPIBaseURL) {
		bad("WECHAT_API_BASE_URL", "must be an http(s) URL")
	}
	c.WechatAppID, c.WechatAppSecret = get("WECHAT_APP_ID"), get("WECHAT_APP_SECRET")
	c.WecomAPIBaseURL = strings.TrimRight(get("WECOM_API_BASE_URL"), "/")
	if !isHTTPURL(c.WecomAPIBaseURL) {
		bad("WECOM_API_BASE_URL", "must be an http(s) URL")
	}
	c.WecomCorpID, c.WecomSecret = get("WECOM_CORP_ID"), get("WECOM_SECRET")
	c.FrontendBaseURL = strings.TrimRight(get("FRONTEND_BASE_URL"), "/")
	if !isHTTPURL(c.FrontendBaseURL) {
		bad("FRONTEND_BASE_URL", "must be an http(s) URL")
	}
	c.FrontendErrorPath = get("FRONTEND_ERROR_PATH")
	if !strings.HasPrefix(c.FrontendErrorPath, "/") {
		bad("FRONTEND_ERROR_PATH", "must start with /")
	}
	if c.TrustedProxies, err = parseNets(get("TRUSTED_PROXIES")); err != nil {
		bad("TRUSTED_PROXIES", "must be comma-separated IP addresses or CIDR ranges")
	}
	if err := c.LogLevel.UnmarshalText([]byte(get("LOG_LEVEL"))); err != nil {
		bad("LOG_LEVEL", "must be debug, info, warn or error")
	}
	c.LogFormat = get("LOG_FORMAT")
	if c.LogFormat != "json" && c.LogFormat != "text" {
		bad("LOG_FORMAT", "must be json or text")
	}
	if c.StreamHeartbeat, err = time.ParseDuration(get("STREAM_HEARTBEAT")); err != nil || c.StreamHeartbeat <= 0 {
		bad("STREAM_HEARTBEAT", "must be a positive duration such as 15s")
	}
	if c.RequestTimeout, err = time.ParseDuration(get("REQUEST_TIMEOUT")); err != nil || c.RequestTimeout < time.Millisecond {
		bad("REQUEST_TIMEOUT", "must be a positive duration such as 5s")
	}
	if v := get("DATABASE_STATEMENT_TIMEOUT"); v == "" {
		c.StatementTimeout = c.RequestTimeout - c.RequestTimeout/10
	} else if c.StatementTimeout, err = parseDuration(v); err != nil || c.StatementTimeout < 0 ||
		(c.StatementTimeout > 0 && c.StatementTimeout < time.Millisecond) {
		bad("DATABASE_STATEMENT_TIMEOUT", "must be a duration such as 4500ms, or 0 for none")
	}
	if c.AIPoolCompanies, err = strconv.ParseBool(get("AI_POOL_COMPANIES")); err != nil {
		bad("AI_POOL_COMPANIES", "must be true or false")
	}
	if c.WebhookAllowPrivate, err = strconv.ParseBool(get("WEBHOOK_ALLOW_PRIVATE")); err != nil {
		bad("WEBHOOK_ALLOW_PRIVATE", "must be true or false")
	}
	if v := get("GOGC"); v == "off" {
		c.GCPercent = -1
	} else if c.GCPercent, err = strconv.Atoi(v); err != nil || c.GCPercent <= 0 {
		bad("GOGC", "must be a positive percentage such as 400, or off")
	}
	if len(problems) > 0 {
		return Config{}, fmt.Errorf("invalid configuration: %s", strings.Join(problems, "; "))
	}
	return c, nil
}

// parseNets reads "10.0.0.0/8, 192.0.2.7" into networks (a bare address is a /32 or /128).
func parseNets(s string) ([]*net.IPNet, error) {
	var out []*net.IPNet
	for _, part := range strings.Split(s, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		if !strings.Contains(part, "/") {
			ip := net.ParseIP(part)
			if ip == nil {
				return nil, fmt.Errorf("bad address %q", part)
			}
			bits := 128
			if ip.To4() != nil {
				bits = 32
			}
			part = fmt.Sprintf("%s/%d", part, bits)
		}
		_, n, err := net.ParseCIDR(part)
		if err != nil {
			return nil, err
		}
		out = append(out, n)
	}
	return out, nil
}

// validAddr reports whether s is host:port or :port with a numeric port.
func validAddr(s string) bool {
	_, port, err := net.SplitHostPort(s)
	if err != nil {
		return false
	}
	n, err := strconv.Atoi(port)
	return err == nil && n >= 0 && n <= 65535
}

func parseDuration(s string) (time.Duration, error) {
	if s == "0" {
		return 0, nil
	}
	return time.ParseDuration(s)
}

func isHTTPURL(s string) bool {
	u, err := url.Parse(s)
	return err == nil && (u.Scheme == "http" || u.Scheme == "https") && u.Host != ""
}
