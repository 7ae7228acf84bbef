// Package leidatest runs the real `leida` binary against a throw-away
// PostgreSQL database and talks to it over HTTP, for the black-box tests.
package leidatest

import (
	"bytes"
	"context"
	"crypto/md5"
	"database/sql"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"mime/multipart"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	_ "github.com/jackc/pgx/v5/stdlib" // database/sql driver

	"leida/adapters/postgres/pgtest"
)

// Principal is whoever signs a request: an enterprise user or a customer.
type Principal struct {
	ID       int64
	Token    string
	Customer bool
}

// Server is one running `leida serve`.
type Server struct {
	URL       string
	DBURL     string
	DB        *sql.DB
	Admin     Principal // the bootstrap platform admin
	CompanyID int64     // the bootstrap company
	MediaRoot string
	cmd       *exec.Cmd
	env       []string
	logs      *syncBuffer
	drop      func()
	client    *http.Client
	// contract is the server's /openapi.json, which every answer of Send
	// is validated against (openapi.go).
	contract   *contract
	contractMu sync.Mutex
}

// Options tune a server.
type Options struct {
	Env    map[string]string // extra environment (e.g. WECHAT_API_BASE_URL)
	DBURL  string            // reuse this database instead of creating one
	Prefix string            // name part of the throw-away database
	// ServeArgs are extra arguments of `leida serve` (e.g. --no-migrate).
	ServeArgs []string
	// NoBootstrap starts the server without bootstrapping its database and
	// waits only until it listens (/healthz), not until it is ready: for a
	// database that is down. Bootstrap can follow.
	NoBootstrap bool
}

type syncBuffer struct {
	mu  sync.Mutex
	buf bytes.Buffer
}

func (b *syncBuffer) Write(p []byte) (int, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.Write(p)
}

func (b *syncBuffer) String() string {
	b.mu.Lock()
	defer b.mu.Unlock()
	return b.buf.String()
}

var (
	buildOnce sync.Once
	binPath   string
	buildErr  error
)

// root is the repository root (this file is test/leidatest/server.go).
func root() string {
	_, file, _, _ := runtime.Caller(0)
	return filepath.Clean(filepath.Join(filepath.Dir(file), "..", ".."))
}

// Binary builds cmd/leida once per test process.
func Binary() (string, error) {
	buildOnce.Do(func() {
		dir, err := os.MkdirTemp("", "leida-bin-")
		if err != nil {
			buildErr = err
			return
		}
		binPath = filepath.Join(dir, "leida")
		cmd := exec.Command("go", "build", "-o", binPath, "./cmd/leida")
		cmd.Dir = root()
		out, err := cmd.CombinedOutput()
		if err != nil {
			buildErr = fmt.Errorf("go build: %v\n%s", err, out)
		}
	})
	return binPath, buildErr
}

func freePort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// Start creates a database (unless opts.DBURL), bootstraps it and serves.
func Start(opts Options) (*Server, error) {
	bin, err := Binary()
	if err != nil {
		return nil, err
	}
	s := &Server{logs: &syncBuffer{}, client: &http.Client{Timeout: 30 * time.Second,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}}
	if opts.DBURL != "" {
		s.DBURL = opts.DBURL
	} else {
		prefix := opts.Prefix
		if prefix == "" {
			prefix = "bb"
		}
		s.DBURL, s.drop, err = pgtest.Create(prefix)
		if err != nil {
			return nil, err
		}
	}
	port, err := freePort()
	if err != nil {
		s.Stop()
		return nil, err
	}
	s.URL = fmt.Sprintf("http://127.0.0.1:%d", port)
	media, err := os.MkdirTemp("", "leida-media-")
	if err != nil {
		s.Stop()
		return nil, err
	}
	s.MediaRoot = media
	env := append(os.Environ(),
		"DATABASE_URL="+s.DBURL,
		fmt.Sprintf("HTTP_ADDR=127.0.0.1:%d", port),
		"PUBLIC_BASE_URL="+s.URL+"/",
		"MEDIA_ROOT="+media,
		"LOG_FORMAT=json",
		"LOG_LEVEL=info",
	)
	for k, v := range opts.Env {
		env = append(env, k+"="+v)
	}
	s.env = env
	if !opts.NoBootstrap {
		if err := s.Bootstrap(); err != nil {
			s.Stop()
			return nil, err
		}
	}
	s.cmd = exec.Command(bin, append([]string{"serve"}, opts.ServeArgs...)...)
	s.cmd.Env = env
	s.cmd.Stdout, s.cmd.Stderr = s.logs, s.logs
	if err := s.cmd.Start(); err != nil {
		s.Stop()
		return nil, err
	}
	if s.DB, err = sql.Open("pgx", s.DBURL); err != nil {
		s.Stop()
		return nil, err
	}
	probe := "/readyz"
	if opts.NoBootstrap {
		probe = "/healthz"
	}
	deadline := time.Now().Add(20 * time.Second)
	for {
		resp, err := http.Get(s.URL + probe)
		if err == nil {
			resp.Body.Close()
			if resp.StatusCode == 200 {
				if !opts.NoBootstrap {
					s.fetchContract()
				}
				return s, nil
			}
		}
		if time.Now().After(deadline) {
			logs := s.Logs()
			s.Stop()
			return nil, fmt.Errorf("server did not become ready: %v\n%s", err, logs)
		}
		time.Sleep(50 * time.Millisecond)
	}
}

// Bootstrap runs `leida bootstrap` on the server's database (Start does,
// unless Options.NoBootstrap) and sets Admin and CompanyID.
func (s *Server) Bootstrap() error {
	bin, err := Binary()
	if err != nil {
		return err
	}
	boot := exec.Command(bin, "bootstrap", "--company", "平台公司", "--username", "root", "--password", "root-password")
	boot.Env = s.env
	out, err := boot.Output()
	if err != nil {
		return fmt.Errorf("bootstrap: %v %s", err, stderrOf(err))
	}
	var b struct {
		CompanyID int64  `json:"company_id"`
		UserID    int64  `json:"user_id"`
		Token     string `json:"token"`
	}
	if err := json.Unmarshal(out, &b); err != nil {
		return fmt.Errorf("bootstrap output %q: %w", out, err)
	}
	s.Admin = Principal{ID: b.UserID, Token: b.Token}
	s.CompanyID = b.CompanyID
	return nil
}

// Command runs `leida args...` with the server's environment and returns
// what it printed on stdout.
func (s *Server) Command(args ...string) (string, error) {
	bin, err := Binary()
	if err != nil {
		return "", err
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = s.env
	out, err := cmd.Output()
	if err != nil {
		return string(out), fmt.Errorf("leida %s: %v %s", strings.Join(args, " "), err, stderrOf(err))
	}
	return string(out), nil
}

func stderrOf(err error) string {
	if ee, ok := err.(*exec.ExitError); ok {
		return string(ee.Stderr)
	}
	return ""
}

// Logs is what the server printed so far.
func (s *Server) Logs() string { return s.logs.String() }

// Signal sends sig to the server process.
func (s *Server) Signal(sig os.Signal) error { return s.cmd.Process.Signal(sig) }

// PID is the process id of the serve process.
func (s *Server) PID() int { return s.cmd.Process.Pid }

// Wait waits for the server process to exit.
func (s *Server) Wait() error { return s.cmd.Wait() }

// Stop ends the server and drops its database (if it made one).
func (s *Server) Stop() {
	if s.cmd != nil && s.cmd.Process != nil && s.cmd.ProcessState == nil {
		_ = s.cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = s.cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(10 * time.Second):
			_ = s.cmd.Process.Kill()
			<-done
		}
	}
	if s.DB != nil {
		s.DB.Close()
	}
	if s.MediaRoot != "" {
		os.RemoveAll(s.MediaRoot)
	}
	if s.drop != nil {
		s.drop()
	}
}

// Sign returns the auth query parameters for p, at time now.
func Sign(p Principal, at time.Time) url.Values {
	ts := strconv.FormatInt(at.UnixMilli(), 10)
	sum := md5.Sum([]byte(ts + p.Token))
	return url.Values{"user_id": {strconv.FormatInt(p.ID, 10)}, "timestamp": {ts}, "rand_str": {hex.EncodeToString(sum[:])}}
}

// Resp is an answer.
type Resp struct {
	Status int
	Header http.Header
	Raw    []byte
	Code   int
	Msg    json.RawMessage
	Data   json.RawMessage
	// Keys are the envelope's top-level keys in order.
	Keys []string
	// violation: the answer does not match /openapi.json (Do fails on it).
	violation *Violation
}

// MsgString is msg as a string ("" when it is not one).
func (r *Resp) MsgString() string {
	var s string
	_ = json.Unmarshal(r.Msg, &s)
	return s
}

// DataMap decodes data as an object.
func (r *Resp) DataMap(t testing.TB) map[string]any {
	t.Helper()
	var m map[string]any
	if err := json.Unmarshal(r.Data, &m); err != nil {
		t.Fatalf("data is not an object: %s", r.Raw)
	}
	return m
}

// Decode decodes data into v.
func (r *Resp) Decode(t testing.TB, v any) {
	t.Helper()
	if err := json.Unmarshal(r.Data, v); err != nil {
		t.Fatalf("decoding data: %v in %s", err, r.Raw)
	}
}

// Page is a legacy list's data with its items left undecoded.
type Page struct {
	RetData   []json.RawMessage `json:"ret_data"`
	DataCount int               `json:"data_count"`
}

// Request is a request to build.
type Request struct {
	Method   string
	Path     string
	As       *Principal        // signs with this principal when set
	At       time.Time         // signing time (default now)
	Query    url.Values        // extra query parameters
	Form     url.Values        // form body (POST)
	Files    map[string][]byte // multipart files (then Form travels as multipart fields)
	RawQuery string            // replaces the query entirely when set
	RawBody  string            // a body sent as is (its Content-Type from Header)
	Header   http.Header
}

// Do sends r and parses the envelope.
func (s *Server) Do(t testing.TB, r Request) *Resp {
	t.Helper()
	resp, err := s.Send(r)
	if err != nil {
		t.Fatalf("%s %s: %v", r.Method, r.Path, err)
	}
	if v := resp.violation; v != nil {
		reported(v)
		t.Errorf("%s", v)
	}
	return resp
}

// Send is Do without a test.
func (s *Server) Send(r Request) (*Resp, error) {
	q := url.Values{}
	if r.As != nil {
		at := r.At
		if at.IsZero() {
			at = time.Now()
		}
		q = Sign(*r.As, at)
	}
	for k, vs := range r.Query {
		q[k] = vs
	}
	raw := q.Encode()
	if r.RawQuery != "" {
		raw = r.RawQuery
	}
	target := s.URL + r.Path
	if raw != "" {
		target += "?" + raw
	}
	var body io.Reader
	contentType := ""
	switch {
	case r.Files != nil:
		var buf bytes.Buffer
		mw := multipart.NewWriter(&buf)
		for k, vs := range r.Form {
			for _, v := range vs {
				_ = mw.WriteField(k, v)
			}
		}
		for name, data := range r.Files {
			fw, _ := mw.CreateFormFile(name, name+".jpg")
			_, _ = fw.Write(data)
		}
		mw.Close()
		body, contentType = &buf, mw.FormDataContentType()
	case r.RawBody != "":
		body = strings.NewReader(r.RawBody)
	case r.Form != nil:
		body, contentType = strings.NewReader(r.Form.Encode()), "application/x-www-form-urlencoded"
	}
	method := r.Method
	if method == "" {
		method = "GET"
	}
	req, err := http.NewRequestWithContext(context.Background(), method, target, body)
	if err != nil {
		return nil, err
	}
	if contentType != "" {
		req.Header.Set("Content-Type", contentType)
	}
	for k, vs := range r.Header {
		for _, v := range vs {
			req.Header.Add(k, v)
		}
	}
	hr, err := s.client.Do(req)
	if err != nil {
		return nil, err
	}
	defer hr.Body.Close()
	out := &Resp{Status: hr.StatusCode, Header: hr.Header}
	if out.Raw, err = io.ReadAll(hr.Body); err != nil {
		return nil, err
	}
	if strings.HasPrefix(hr.Header.Get("Content-Type"), "application/json") {
		var env struct {
			Code int             `json:"code"`
			Msg  json.RawMessage `json:"msg"`
			Data json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(out.Raw, &env); err != nil {
			return nil, fmt.Errorf("bad JSON %q: %w", out.Raw, err)
		}
		out.Code, out.Msg, out.Data = env.Code, env.Msg, env.Data
		out.Keys = topKeys(out.Raw)
	}
	out.violation = s.check(req, out)
	return out, nil
}

func topKeys(raw []byte) []string {
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil
	}
	var keys []string
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return keys
		}
		keys = append(keys, tok.(string))
		var skip json.RawMessage
		if err := dec.Decode(&skip); err != nil {
			return keys
		}
	}
	return keys
}

// Get signs as p and GETs path with query parameters.
func (s *Server) Get(t testing.TB, p Principal, path string, query url.Values) *Resp {
	t.Helper()
	return s.Do(t, Request{Method: "GET", Path: path, As: &p, Query: query})
}

// Post signs as p and POSTs a form.
func (s *Server) Post(t testing.TB, p Principal, path string, form url.Values) *Resp {
	t.Helper()
	if form == nil {
		form = url.Values{}
	}
	return s.Do(t, Request{Method: "POST", Path: path, As: &p, Form: form})
}
