package wechat

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"time"

	"leida/ports"
)

// MiniProgramConfig configures the WeChat mini-program client.
type MiniProgramConfig struct {
	BaseURL   string // e.g. https://api.weixin.qq.com
	AppID     string
	AppSecret string
	Timeout   time.Duration // per request; 0 means DefaultTimeout
}

// MiniProgram is the mini-program API client of the login (E30) and the card's
// code (E48). It is safe for concurrent use.
type MiniProgram struct {
	cfg    MiniProgramConfig
	t      transport
	tokens *tokenCache
}

// NewMiniProgram makes a client; hc nil means a default http.Client, clock
// nil the system clock.
func NewMiniProgram(cfg MiniProgramConfig, hc *http.Client, clock ports.Clock) *MiniProgram {
	m := &MiniProgram{cfg: cfg, t: newTransport(cfg.BaseURL, hc, cfg.Timeout)}
	m.tokens = newTokenCache(clock, m.fetchToken)
	return m
}

// Configured reports whether both app id and secret are set.
func (m *MiniProgram) Configured() bool {
	return m.cfg.AppID != "" && m.cfg.AppSecret != ""
}

func (m *MiniProgram) fetchToken(ctx context.Context) (tokenAnswer, error) {
	return m.t.token(ctx, "wechat token", "/cgi-bin/token", url.Values{
		"grant_type": {"client_credential"}, "appid": {m.cfg.AppID}, "secret": {m.cfg.AppSecret}})
}

// Session exchanges a wx.login code for the openid (jscode2session; no access token).
func (m *MiniProgram) Session(ctx context.Context, code string) (string, error) {
	const op = "wechat jscode2session"
	if !m.Configured() {
		return "", notConfigured(op, "mini-program app id/secret (WECHAT_APP_ID, WECHAT_APP_SECRET)")
	}
	a, err := m.t.do(ctx, op, http.MethodGet, "/sns/jscode2session", url.Values{
		"appid": {m.cfg.AppID}, "secret": {m.cfg.AppSecret}, "js_code": {code}, "grant_type": {"authorization_code"},
	}, nil, maxJSONAnswer)
	if err != nil {
		return "", err
	}
	var r struct {
		status
		OpenID string `json:"openid"`
	}
	if err := decode(op, a, &r); err != nil {
		return "", err
	}
	if r.OpenID == "" {
		return "", failure(op, "no openid in answer")
	}
	return r.OpenID, nil
}

// WxaCode fetches the mini-program code image for page. WeChat answers image
// bytes on success and a JSON error object otherwise.
func (m *MiniProgram) WxaCode(ctx context.Context, page string, width int) ([]byte, error) {
	const op = "wechat getwxacode"
	if !m.Configured() {
		return nil, notConfigured(op, "mini-program app id/secret (WECHAT_APP_ID, WECHAT_APP_SECRET)")
	}
	payload := struct {
		Path  string `json:"path"`
		Width int    `json:"width,omitempty"` // WeChat defaults to 430
	}{page, width}

	var img []byte
	err := m.tokens.withToken(ctx, op, func(tok string) error {
		a, err := m.t.do(ctx, op, http.MethodPost, "/wxa/getwxacode",
			url.Values{"access_token": {tok}}, payload, maxImageAnswer)
		if err != nil {
			return err
		}
		if isImage(a) {
			img = a.body
			return nil
		}
		var s status
		if json.Unmarshal(a.body, &s) == nil && s.ErrCode != 0 {
			return s.check(op)
		}
		return failure(op, fmt.Sprintf("answer is not an image (Content-Type %.60q)", a.contentType))
	})
	return img, err
}

// isImage requires both the declared and the sniffed type to be images, so
// an error page served as image/* is not stored as the user's QR code.
func isImage(a answer) bool {
	return len(a.body) > 0 &&
		strings.HasPrefix(strings.ToLower(a.contentType), "image/") &&
		strings.HasPrefix(http.DetectContentType(a.body), "image/")
}
