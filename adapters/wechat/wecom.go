package wechat

import (
	"context"
	"fmt"
	"net/http"
	"net/url"
	"time"

	"leida/ports"
)

// WeComConfig configures the WeCom client.
type WeComConfig struct {
	BaseURL    string // e.g. https://qyapi.weixin.qq.com
	CorpID     string
	CorpSecret string        // the OAuth application's secret
	Timeout    time.Duration // per request; 0 means DefaultTimeout
}

// WeCom is the WeCom API client of the staff OAuth login (E29). It is safe
// for concurrent use.
type WeCom struct {
	cfg    WeComConfig
	t      transport
	tokens *tokenCache
}

// NewWeCom makes a client; hc nil means a default http.Client, clock nil the
// system clock.
func NewWeCom(cfg WeComConfig, hc *http.Client, clock ports.Clock) *WeCom {
	w := &WeCom{cfg: cfg, t: newTransport(cfg.BaseURL, hc, cfg.Timeout)}
	w.tokens = newTokenCache(clock, w.fetchToken)
	return w
}

// Configured reports whether both corp id and secret are set.
func (w *WeCom) Configured() bool {
	return w.cfg.CorpID != "" && w.cfg.CorpSecret != ""
}

func (w *WeCom) fetchToken(ctx context.Context) (tokenAnswer, error) {
	return w.t.token(ctx, "wecom gettoken", "/cgi-bin/gettoken", url.Values{"corpid": {w.cfg.CorpID}, "corpsecret": {w.cfg.CorpSecret}})
}

// MemberByCode runs the OAuth exchange: getuserinfo (code → UserId and
// user_ticket) then getuserdetail (user_ticket → name, avatar, gender).
func (w *WeCom) MemberByCode(ctx context.Context, code string) (ports.WeComMember, error) {
	const infoOp, detailOp = "wecom getuserinfo", "wecom getuserdetail"
	if !w.Configured() {
		return ports.WeComMember{}, notConfigured(infoOp, "WeCom corp id/secret (WECOM_CORP_ID, WECOM_SECRET)")
	}

	var info struct {
		status
		UserID     string `json:"UserId"`
		OpenID     string `json:"OpenId"`
		UserTicket string `json:"user_ticket"`
	}
	err := w.tokens.withToken(ctx, infoOp, func(tok string) error {
		a, err := w.t.do(ctx, infoOp, http.MethodGet, "/cgi-bin/user/getuserinfo",
			url.Values{"access_token": {tok}, "code": {code}}, nil, maxJSONAnswer)
		if err != nil {
			return err
		}
		return decode(infoOp, a, &info)
	})
	switch {
	case err != nil:
		return ports.WeComMember{}, err
	case info.UserID == "" && info.OpenID != "":
		return ports.WeComMember{}, fmt.Errorf("%s: %w", infoOp, ports.ErrNotMember)
	case info.UserID == "":
		return ports.WeComMember{}, failure(infoOp, "answer has no UserId")
	case info.UserTicket == "":
		// Only OAuth links with scope snsapi_userinfo/snsapi_privateinfo yield a ticket.
		return ports.WeComMember{}, failure(infoOp, "answer has no user_ticket (check the OAuth link's scope)")
	}

	var detail struct {
		status
		UserID string  `json:"userid"`
		Name   string  `json:"name"`
		Avatar string  `json:"avatar"`
		Gender flexInt `json:"gender"`
	}
	err = w.tokens.withToken(ctx, detailOp, func(tok string) error {
		a, err := w.t.do(ctx, detailOp, http.MethodPost, "/cgi-bin/user/getuserdetail",
			url.Values{"access_token": {tok}}, map[string]string{"user_ticket": info.UserTicket}, maxJSONAnswer)
		if err != nil {
			return err
		}
		return decode(detailOp, a, &detail)
	})
	if err != nil {
		return ports.WeComMember{}, err
	}
	m := ports.WeComMember{UserID: detail.UserID, Name: detail.Name, Avatar: detail.Avatar, Gender: int(detail.Gender)}
	if m.UserID == "" {
		m.UserID = info.UserID
	}
	return m, nil
}
