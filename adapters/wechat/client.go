// Package wechat calls the WeCom (企业微信) and WeChat mini-program HTTP APIs.
//
// Access tokens are cached until shortly before they expire (WeChat
// rate-limits the token endpoints), refreshed once when WeChat calls them
// stale, every request has a timeout, and every failure is a
// *ports.GatewayError. WeChat unreachable or timing out (a transport error,
// an HTTP status other than 200, errcode -1 "system busy") is moreover
// wrapped in errs.WeChatUnavailable, and a call without credentials in
// errs.WeChatNotConfigured, so that it answers 503 whatever the endpoint
// (D3); an errcode answer is the endpoint's to show. Nothing here logs (the
// HTTP error handler logs the 503s), and errors carry neither URLs nor query
// strings, so secrets and tokens cannot leak through them.
package wechat

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"time"

	"leida/domain/errs"
	"leida/ports"
)

// DefaultTimeout bounds each request when the config gives none.
const DefaultTimeout = 5 * time.Second

// Answer size limits: WeChat's JSON answers are small, wxacode images ~100 KB.
const (
	maxJSONAnswer  = 1 << 20
	maxImageAnswer = 8 << 20
)

// transport sends one request at a time to one API base URL.
type transport struct {
	base    string
	hc      *http.Client
	timeout time.Duration
}

func newTransport(base string, hc *http.Client, timeout time.Duration) transport {
	if hc == nil {
		hc = &http.Client{}
	}
	if timeout <= 0 {
		timeout = DefaultTimeout
	}
	return transport{base: strings.TrimRight(base, "/"), hc: hc, timeout: timeout}
}

// answer is a 200 answer's content type and body.
type answer struct {
	contentType string
	body        []byte
}

// do sends method path?q with payload (if not nil) as a JSON body.
func (t transport) do(ctx context.Context, op, method, path string, q url.Values, payload any, limit int64) (answer, error) {
	ctx, cancel := context.WithTimeout(ctx, t.timeout)
	defer cancel()

	var body io.Reader
	if payload != nil {
		var buf bytes.Buffer
		enc := json.NewEncoder(&buf)
		enc.SetEscapeHTML(false) // keep "&" in page paths readable; both forms are valid JSON
		if err := enc.Encode(payload); err != nil {
			return answer{}, failure(op, "encode request: "+err.Error())
		}
		body = &buf
	}
	u := t.base + path
	if len(q) > 0 {
		u += "?" + q.Encode()
	}
	req, err := http.NewRequestWithContext(ctx, method, u, body)
	if err != nil {
		return answer{}, failure(op, "bad API base URL") // err would quote the URL, secrets included
	}
	if payload != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := t.hc.Do(req)
	if err != nil {
		return answer{}, transportFailure(op, err)
	}
	defer resp.Body.Close()
	data, err := io.ReadAll(io.LimitReader(resp.Body, limit+1))
	if err != nil {
		return answer{}, transportFailure(op, err)
	}
	if resp.StatusCode != http.StatusOK {
		// WeChat answers every API error with 200 and an errcode: another
		// status is a proxy or gateway between us and WeChat failing.
		return answer{}, errs.WeChatUnavailable(failure(op, "HTTP status "+strconv.Itoa(resp.StatusCode)))
	}
	if int64(len(data)) > limit {
		return answer{}, failure(op, "answer too large")
	}
	return answer{contentType: resp.Header.Get("Content-Type"), body: data}, nil
}

// failure is a transport or format error (errcode -1).
func failure(op, msg string) error {
	return &ports.GatewayError{Op: op, Code: -1, Msg: msg}
}

// notConfigured is a call made without the credentials it needs.
func notConfigured(op, what string) error {
	return errs.WeChatNotConfigured(failure(op, what+" not configured"))
}

// transportFailure maps an http.Client error without its URL, which holds
// secrets or tokens in the query string: WeChat is unavailable (503).
func transportFailure(op string, err error) error {
	var ne net.Error
	switch {
	case errors.Is(err, context.DeadlineExceeded), errors.As(err, &ne) && ne.Timeout():
		return errs.WeChatUnavailable(failure(op, "timeout"))
	case errors.Is(err, context.Canceled):
		return errs.WeChatUnavailable(failure(op, "canceled"))
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		err = ue.Err
	}
	return errs.WeChatUnavailable(failure(op, err.Error()))
}

// status is the errcode/errmsg pair of WeChat's JSON answers. Success is
// errcode 0 (or absent); errmsg is informative only ("ok", "created", ...).
type status struct {
	ErrCode int    `json:"errcode"`
	ErrMsg  string `json:"errmsg"`
}

func (s status) check(op string) error {
	if s.ErrCode == 0 {
		return nil
	}
	ge := &ports.GatewayError{Op: op, Code: s.ErrCode, Msg: s.ErrMsg}
	if s.ErrCode == errSystemBusy {
		return errs.WeChatUnavailable(ge)
	}
	return ge
}

// errSystemBusy is WeChat's errcode -1, "system error, try again later":
// WeChat itself is unavailable, whatever the request.
const errSystemBusy = -1

// decode parses a JSON answer into out (a struct embedding status) and checks its errcode.
func decode(op string, a answer, out interface{ check(string) error }) error {
	if err := json.Unmarshal(a.body, out); err != nil {
		return failure(op, "malformed JSON answer")
	}
	return out.check(op)
}

// tokenAnswer is what both token endpoints return.
type tokenAnswer struct {
	status
	AccessToken string `json:"access_token"`
	ExpiresIn   int    `json:"expires_in"`
}

// token asks a token endpoint (GET path?q) for an access token.
func (t transport) token(ctx context.Context, op, path string, q url.Values) (tokenAnswer, error) {
	a, err := t.do(ctx, op, http.MethodGet, path, q, nil, maxJSONAnswer)
	if err != nil {
		return tokenAnswer{}, err
	}
	var r tokenAnswer
	if err := decode(op, a, &r); err != nil {
		return tokenAnswer{}, err
	}
	if r.AccessToken == "" {
		return tokenAnswer{}, failure(op, "no access_token in answer")
	}
	return r, nil
}

// staleToken reports whether err is WeChat saying the access token is
// invalid (40001, 40014) or expired (42001).
func staleToken(err error) bool {
	var ge *ports.GatewayError
	if !errors.As(err, &ge) {
		return false
	}
	return ge.Code == 40001 || ge.Code == 40014 || ge.Code == 42001
}

// tokenCache holds one access token. Concurrent callers that find it missing
// share one in-flight fetch rather than each asking the token endpoint.
type tokenCache struct {
	fetch func(ctx context.Context) (tokenAnswer, error)
	clock ports.Clock

	mu       sync.Mutex // guards the fields below
	token    string
	expiry   time.Time
	inflight *flight
}

// flight is one token fetch; done is closed when token/err are set.
type flight struct {
	done  chan struct{}
	token string
	err   error
}

func newTokenCache(clock ports.Clock, fetch func(context.Context) (tokenAnswer, error)) *tokenCache {
	if clock == nil {
		clock = systemClock{}
	}
	return &tokenCache{fetch: fetch, clock: clock}
}

// get returns the cached token or waits for a fresh one.
func (c *tokenCache) get(ctx context.Context, op string) (string, error) {
	c.mu.Lock()
	if c.token != "" && c.clock.Now().Before(c.expiry) {
		tok := c.token
		c.mu.Unlock()
		return tok, nil
	}
	f := c.inflight
	if f == nil {
		f = &flight{done: make(chan struct{})}
		c.inflight = f
		// Detached from this caller's cancellation since others wait on it;
		// the transport's per-request timeout still bounds it.
		go c.run(context.WithoutCancel(ctx), f)
	}
	c.mu.Unlock()

	select {
	case <-f.done:
		return f.token, f.err
	case <-ctx.Done():
		return "", transportFailure(op, ctx.Err())
	}
}

func (c *tokenCache) run(ctx context.Context, f *flight) {
	a, err := c.fetch(ctx)
	c.mu.Lock()
	defer c.mu.Unlock()
	c.inflight = nil
	if err == nil {
		c.token, c.expiry = a.AccessToken, c.clock.Now().Add(lifetime(a.ExpiresIn))
		f.token = a.AccessToken
	}
	f.err = err
	close(f.done)
}

// lifetime is how long to trust a token WeChat says lasts expiresIn seconds:
// 10% less, but at most 5 minutes less, so it is not used at the very end of
// its life (clock skew, slow requests). 0 means "use once, do not cache".
func lifetime(expiresIn int) time.Duration {
	d := time.Duration(expiresIn) * time.Second
	if d <= 0 {
		return 0
	}
	return d - min(d/10, 5*time.Minute)
}

// drop forgets tok if it is still the cached one (a concurrent caller may
// already have replaced it, and that fresh token must survive).
func (c *tokenCache) drop(tok string) {
	c.mu.Lock()
	if c.token == tok {
		c.token = ""
	}
	c.mu.Unlock()
}

// withToken runs call with a token. If WeChat calls the token stale it is
// dropped, refreshed and the call retried — once, so a server that keeps
// refusing cannot loop us.
func (c *tokenCache) withToken(ctx context.Context, op string, call func(token string) error) error {
	for retried := false; ; retried = true {
		tok, err := c.get(ctx, op)
		if err != nil {
			return err
		}
		err = call(tok)
		if retried || !staleToken(err) {
			return err
		}
		c.drop(tok)
	}
}

// flexInt reads a number WeChat may send as a JSON string ("1") or number.
type flexInt int

func (f *flexInt) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		*f = 0
		return nil
	}
	n, err := strconv.Atoi(s)
	if err != nil {
		return fmt.Errorf("not a number: %q", s)
	}
	*f = flexInt(n)
	return nil
}

type systemClock struct{}

func (systemClock) Now() time.Time { return time.Now() }
