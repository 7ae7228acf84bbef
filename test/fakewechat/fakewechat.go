// Package fakewechat is a programmable, concurrency-safe fake of the WeCom
// (企业微信) and WeChat mini-program APIs Leida calls, for tests. One server
// answers both: point the WeCom and WeChat base URLs at its URL.
//
// It checks credentials and access tokens like the real services (each token
// endpoint issues tokens only its own APIs accept), counts requests per path,
// and can be told to fail, expire tokens, be slow or answer junk for wxacode.
//
// Besides the OAuth corp of WithWeCom, it serves the WeCom contacts directory
// (departments and members) of any number of corps added with AddCorp; see
// directory.go.
package fakewechat

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image"
	"image/color"
	"image/jpeg"
	"io"
	"maps"
	"mime"
	"net/http"
	"net/http/httptest"
	"strconv"
	"sync"
	"time"

	"leida/ports"
)

// Paths the fake serves.
const (
	PathWeComToken = "/cgi-bin/gettoken"
	PathUserInfo   = "/cgi-bin/user/getuserinfo"
	PathUserDetail = "/cgi-bin/user/getuserdetail"
	PathToken      = "/cgi-bin/token" // mini-program client_credential token
	PathSession    = "/sns/jscode2session"
	PathWxaCode    = "/wxa/getwxacode"
)

// Credentials New accepts unless options say otherwise.
const (
	DefaultAppID      = "wxfakeappid"
	DefaultAppSecret  = "fake-app-secret"
	DefaultCorpID     = "wwfakecorpid"
	DefaultCorpSecret = "fake-corp-secret"
)

// DefaultTokenTTL is the expires_in of issued tokens, in seconds.
const DefaultTokenTTL = 7200

// Option configures New.
type Option func(*Server)

// WithMiniProgram sets the accepted mini-program app id and secret.
func WithMiniProgram(appID, secret string) Option {
	return func(s *Server) { s.appID, s.appSecret = appID, secret }
}

// WithWeCom sets the accepted WeCom corp id and secret.
func WithWeCom(corpID, secret string) Option {
	return func(s *Server) { s.corpID, s.corpSecret = corpID, secret }
}

// QRRequest is the body of a getwxacode request.
type QRRequest struct {
	Path  string `json:"path"`
	Width int    `json:"width"`
}

type token struct {
	kind    string // PathWeComToken or PathToken: which endpoint issued it
	expired bool
	// For WeCom tokens: the corp, and which of its secrets issued the token
	// (the OAuth application's, the contacts-sync one, or both when equal).
	corp            string
	oauth, contacts bool
}

// corp is a WeCom corp the gettoken endpoint knows.
type corp struct {
	appSecret      string    // the OAuth application's secret ("" if none)
	contactsSecret string    // the contacts-sync secret ("" if none)
	dir            *dirState // nil until AddCorp
}

type failure struct {
	code int
	msg  string
}

// Server is the fake. Its embedded httptest.Server gives URL and Close.
type Server struct {
	*httptest.Server

	mu                                   sync.Mutex
	appID, appSecret, corpID, corpSecret string
	ttl                                  int
	seq                                  int
	sessions                             map[string]string            // js_code → openid
	members                              map[string]ports.WeComMember // OAuth code → member
	outsiders                            map[string]string            // OAuth code → OpenId
	tickets                              map[string]ports.WeComMember // user_ticket → member
	tokens                               map[string]*token
	corps                                map[string]*corp
	requests                             map[string]int
	failures                             map[string][]failure
	delay                                time.Duration
	qrType                               string
	qrBody                               []byte
	qrRequests                           []QRRequest
}

// New starts a fake server; Close it when done.
func New(opts ...Option) *Server {
	s := &Server{
		appID: DefaultAppID, appSecret: DefaultAppSecret,
		corpID: DefaultCorpID, corpSecret: DefaultCorpSecret,
		ttl:       DefaultTokenTTL,
		sessions:  map[string]string{},
		members:   map[string]ports.WeComMember{},
		outsiders: map[string]string{},
		tickets:   map[string]ports.WeComMember{},
		tokens:    map[string]*token{},
		requests:  map[string]int{},
		failures:  map[string][]failure{},
		qrType:    "image/jpeg",
		qrBody:    DefaultQR(),
	}
	for _, o := range opts {
		o(s)
	}
	s.corps = map[string]*corp{s.corpID: {appSecret: s.corpSecret}}
	s.Server = httptest.NewServer(http.HandlerFunc(s.serve))
	return s
}

// DefaultQR is the default wxacode answer: a small valid JPEG.
func DefaultQR() []byte {
	img := image.NewGray(image.Rect(0, 0, 16, 16))
	for i := range img.Pix {
		if (i/16+i%16)%2 == 0 {
			img.Pix[i] = 0xff
		}
	}
	img.Set(0, 0, color.Black)
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, img, nil); err != nil {
		panic(err)
	}
	return buf.Bytes()
}

// AddSession makes jscode2session answer openid for code.
func (s *Server) AddSession(code, openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.sessions[code] = openid
}

// AddMember makes getuserinfo/getuserdetail answer m for the OAuth code.
func (s *Server) AddMember(code string, m ports.WeComMember) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.members[code] = m
	delete(s.outsiders, code)
}

// AddNonMember makes getuserinfo answer an OpenId (someone outside the corp) for code.
func (s *Server) AddNonMember(code, openid string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.outsiders[code] = openid
	delete(s.members, code)
}

// TokenRequests counts requests to both token endpoints; Requests(PathToken)
// or Requests(PathWeComToken) count one.
func (s *Server) TokenRequests() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[PathToken] + s.requests[PathWeComToken]
}

// Requests counts requests to path, whatever their answer.
func (s *Server) Requests(path string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.requests[path]
}

// ExpireTokens expires every token issued so far: API calls with them answer
// errcode 42001 until the client fetches a new one.
func (s *Server) ExpireTokens() {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, t := range s.tokens {
		t.expired = true
	}
}

// FailNext makes the next request to path answer {errcode, errmsg}. Calls
// queue: FailNext twice fails the next two requests.
func (s *Server) FailNext(path string, errcode int, errmsg string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.failures[path] = append(s.failures[path], failure{errcode, errmsg})
}

// SetDelay delays every answer by d (0 for none); a client that gives up
// ends the wait.
func (s *Server) SetDelay(d time.Duration) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.delay = d
}

// SetQRAnswer sets what a valid getwxacode request gets back.
func (s *Server) SetQRAnswer(contentType string, body []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.qrType, s.qrBody = contentType, bytes.Clone(body)
}

// QRRequests returns the getwxacode request bodies received, in order.
func (s *Server) QRRequests() []QRRequest {
	s.mu.Lock()
	defer s.mu.Unlock()
	return append([]QRRequest(nil), s.qrRequests...)
}

// Counts returns a copy of all per-path request counters.
func (s *Server) Counts() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return maps.Clone(s.requests)
}

// reply is an answer: JSON unless contentType is set.
type reply struct {
	json        any
	contentType string
	body        []byte
}

func errReply(code int, msg string) reply {
	return reply{json: map[string]any{"errcode": code, "errmsg": msg}}
}

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	body, _ := io.ReadAll(io.LimitReader(r.Body, 1<<20))

	s.mu.Lock()
	s.requests[r.URL.Path]++
	delay := s.delay
	s.mu.Unlock()
	if delay > 0 {
		select {
		case <-time.After(delay):
		case <-r.Context().Done():
			return
		}
	}

	s.mu.Lock()
	rep := s.answer(r, body)
	s.mu.Unlock()

	if rep.json != nil {
		w.Header().Set("Content-Type", "application/json; charset=utf-8")
		_ = json.NewEncoder(w).Encode(rep.json)
		return
	}
	w.Header().Set("Content-Type", rep.contentType)
	_, _ = w.Write(rep.body)
}

// answer decides the reply; s.mu is held.
func (s *Server) answer(r *http.Request, body []byte) reply {
	path, q := r.URL.Path, r.URL.Query()
	if f := s.failures[path]; len(f) > 0 {
		s.failures[path] = f[1:]
		return errReply(f[0].code, f[0].msg)
	}
	if h, ok := directoryAPI[path]; ok {
		return s.answerDirectory(r, body, h)
	}
	wantPost := path == PathUserDetail || path == PathWxaCode
	switch {
	case wantPost && r.Method != http.MethodPost:
		return errReply(43002, "require POST method")
	case !wantPost && r.Method != http.MethodGet:
		return errReply(43001, "require GET method")
	}
	if wantPost {
		if ct, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type")); ct != "application/json" {
			return errReply(47001, "data format error: Content-Type must be application/json")
		}
	}

	switch path {
	case PathWeComToken:
		c, ok := s.corps[q.Get("corpid")]
		if !ok {
			return errReply(40013, "invalid corpid")
		}
		secret := q.Get("corpsecret")
		oauth := secret != "" && secret == c.appSecret
		contacts := secret != "" && secret == c.contactsSecret
		if !oauth && !contacts {
			return errReply(40001, "invalid credential")
		}
		tok := s.issue(path)
		t := s.tokens[tok]
		t.corp, t.oauth, t.contacts = q.Get("corpid"), oauth, contacts
		return reply{json: map[string]any{"errcode": 0, "errmsg": "ok", "access_token": tok, "expires_in": s.ttl}}

	case PathToken:
		if q.Get("grant_type") != "client_credential" {
			return errReply(40002, "invalid grant_type")
		}
		if q.Get("appid") != s.appID {
			return errReply(40013, "invalid appid")
		}
		if q.Get("secret") != s.appSecret {
			return errReply(40001, "invalid credential")
		}
		// The real endpoint omits errcode on success.
		return reply{json: map[string]any{"access_token": s.issue(path), "expires_in": s.ttl}}

	case PathSession:
		if q.Get("appid") != s.appID {
			return errReply(40013, "invalid appid")
		}
		if q.Get("secret") != s.appSecret {
			return errReply(40001, "invalid credential")
		}
		if q.Get("grant_type") != "authorization_code" {
			return errReply(40002, "invalid grant_type")
		}
		openid, ok := s.sessions[q.Get("js_code")]
		if !ok {
			return errReply(40029, "invalid code")
		}
		return reply{json: map[string]any{"openid": openid, "session_key": "fake-session-key"}}

	case PathUserInfo:
		if rep, ok := s.checkOAuthToken(q.Get("access_token")); !ok {
			return rep
		}
		code := q.Get("code")
		if code == "" {
			return errReply(41008, "missing code")
		}
		if m, ok := s.members[code]; ok {
			ticket := "ticket-" + code
			s.tickets[ticket] = m
			return reply{json: map[string]any{"errcode": 0, "errmsg": "ok", "UserId": m.UserID,
				"DeviceId": "", "user_ticket": ticket, "expires_in": 1800}}
		}
		if openid, ok := s.outsiders[code]; ok {
			return reply{json: map[string]any{"errcode": 0, "errmsg": "ok", "OpenId": openid, "DeviceId": ""}}
		}
		return errReply(40029, "invalid code")

	case PathUserDetail:
		if rep, ok := s.checkOAuthToken(q.Get("access_token")); !ok {
			return rep
		}
		var req struct {
			UserTicket string `json:"user_ticket"`
		}
		if json.Unmarshal(body, &req) != nil {
			return errReply(47001, "data format error")
		}
		m, ok := s.tickets[req.UserTicket]
		if !ok {
			return errReply(40129, "invalid user_ticket")
		}
		return reply{json: map[string]any{"errcode": 0, "errmsg": "ok", "userid": m.UserID, "name": m.Name,
			"department": []int{1}, "gender": strconv.Itoa(m.Gender), "avatar": m.Avatar}}

	case PathWxaCode:
		if rep, ok := s.checkToken(q.Get("access_token"), PathToken); !ok {
			return rep
		}
		var req QRRequest
		if json.Unmarshal(body, &req) != nil || req.Path == "" {
			return errReply(47001, "data format error")
		}
		s.qrRequests = append(s.qrRequests, req)
		return reply{contentType: s.qrType, body: bytes.Clone(s.qrBody)}
	}
	return errReply(-1, fmt.Sprintf("fakewechat: no such API %s", path))
}

// issue makes a new token for the endpoint at path; s.mu is held.
func (s *Server) issue(path string) string {
	s.seq++
	tok := fmt.Sprintf("fake-token-%d", s.seq)
	s.tokens[tok] = &token{kind: path}
	return tok
}

// checkToken accepts a live token issued by the kind endpoint; s.mu is held.
func (s *Server) checkToken(tok, kind string) (reply, bool) {
	t, ok := s.tokens[tok]
	switch {
	case tok == "":
		return errReply(41001, "access_token missing"), false
	case !ok || t.kind != kind:
		return errReply(40014, "invalid access_token"), false
	case t.expired:
		return errReply(42001, "access_token expired"), false
	}
	return reply{}, true
}

// checkOAuthToken accepts a live WeCom token issued with the OAuth
// application's secret: a contacts-sync token cannot consume OAuth codes
// (errcode 50001, see the global errcode page, document/path/90313); s.mu is
// held.
func (s *Server) checkOAuthToken(tok string) (reply, bool) {
	if rep, ok := s.checkToken(tok, PathWeComToken); !ok {
		return rep, false
	}
	if !s.tokens[tok].oauth {
		return errReply(50001, "redirect_url not registered as trusted domain: token of the contacts-sync secret"), false
	}
	return reply{}, true
}
