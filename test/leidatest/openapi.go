package leidatest

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"sort"
	"strings"
	"sync"
	"sync/atomic"

	"github.com/getkin/kin-openapi/openapi3"
	"github.com/getkin/kin-openapi/openapi3filter"
	"github.com/getkin/kin-openapi/routers"
)

// Every answer Send receives is validated against the service's own
// OpenAPI document (/openapi.json, fetched once per server) with
// kin-openapi's response validation (issue 11): an answer the document does
// not describe is a violation. Do fails its test on one; the violations of
// Send-only callers stay recorded, and the suite's TestMain fails on them
// (UnreportedViolations). Exempt: what is not the API — the event streams
// (text/event-stream), CORS pre-flights, /docs, /openapi.json, /, /statics/
// and /metrics.

// Violation is an answer that does not match the document.
type Violation struct {
	Method, Path string
	Status       int
	Body         string
	Problem      string
}

func (v Violation) String() string {
	return fmt.Sprintf("%s %s → HTTP %d %s\n  does not match /openapi.json: %s", v.Method, v.Path, v.Status, v.Body, v.Problem)
}

// contract is a loaded document with its path templates.
type contract struct {
	doc   *openapi3.T
	paths []docPath
	mu    sync.Mutex // the validator is not known to be safe for concurrent use
}

type docPath struct {
	template string
	segments []string
	item     *openapi3.PathItem
}

var (
	contractMu   sync.Mutex
	lastContract *contract // any server's: every server runs the same binary

	validatedCount atomic.Int64
	exemptCount    atomic.Int64

	violationsMu sync.Mutex
	unreported   []*Violation
)

// ContractStats are how many answers were validated against the document,
// and how many were exempt, in this process.
func ContractStats() (validated, exempt int64) { return validatedCount.Load(), exemptCount.Load() }

var covered sync.Map // "METHOD /template" of the operations that answered

// ContractCoverage is how many of the document's operations answered at
// least once in this process, and which did not.
func ContractCoverage() (answered, total int, missing []string) {
	contractMu.Lock()
	c := lastContract
	contractMu.Unlock()
	if c == nil {
		return 0, 0, nil
	}
	for _, dp := range c.paths {
		for m := range dp.item.Operations() {
			total++
			if _, ok := covered.Load(m + " " + dp.template); ok {
				answered++
			} else {
				missing = append(missing, m+" "+dp.template)
			}
		}
	}
	sort.Strings(missing)
	return answered, total, missing
}

// UnreportedViolations are the violations no Do reported (Send-only callers).
func UnreportedViolations() []Violation {
	violationsMu.Lock()
	defer violationsMu.Unlock()
	out := make([]Violation, len(unreported))
	for i, v := range unreported {
		out[i] = *v
	}
	return out
}

func record(v *Violation) {
	violationsMu.Lock()
	defer violationsMu.Unlock()
	unreported = append(unreported, v)
}

// reported takes v off the unreported list (Do failed its test with it).
func reported(v *Violation) {
	violationsMu.Lock()
	defer violationsMu.Unlock()
	for i, u := range unreported {
		if u == v {
			unreported = append(unreported[:i], unreported[i+1:]...)
			return
		}
	}
}

func loadContract(raw []byte) (*contract, error) {
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		return nil, err
	}
	if err := doc.Validate(context.Background()); err != nil {
		return nil, fmt.Errorf("the document is not valid OpenAPI: %w", err)
	}
	c := &contract{doc: doc}
	for p, item := range doc.Paths.Map() {
		c.paths = append(c.paths, docPath{template: p, segments: strings.Split(p, "/"), item: item})
	}
	return c, nil
}

// fetchContract loads the server's /openapi.json (once it answers it).
func (s *Server) fetchContract() *contract {
	s.contractMu.Lock()
	defer s.contractMu.Unlock()
	if s.contract != nil {
		return s.contract
	}
	resp, err := s.client.Get(s.URL + "/openapi.json")
	if err == nil {
		raw, rerr := io.ReadAll(resp.Body)
		resp.Body.Close()
		if rerr == nil && resp.StatusCode == http.StatusOK {
			c, err := loadContract(raw)
			if err != nil {
				// Every answer would be a violation: say why once.
				record(&Violation{Method: "GET", Path: "/openapi.json", Status: resp.StatusCode, Problem: err.Error()})
				return nil
			}
			s.contract = c
			contractMu.Lock()
			lastContract = c
			contractMu.Unlock()
			return c
		}
	}
	// Not served yet (a server waiting for its database): the same
	// binary's document, from another server.
	contractMu.Lock()
	defer contractMu.Unlock()
	return lastContract
}

// notAPI are the paths outside the document: the docs, static files, metrics.
func notAPI(p string) bool {
	switch {
	case p == "/" || p == "/openapi.json" || p == "/docs" || p == "/metrics":
		return true
	case strings.HasPrefix(p, "/docs/") || strings.HasPrefix(p, "/statics/"):
		return true
	}
	return false
}

// normalPath is the path as the service routes it: no repeated or trailing
// slash (p is decoded: a URL's Path).
func normalPath(p string) string {
	for strings.Contains(p, "//") {
		p = strings.ReplaceAll(p, "//", "/")
	}
	if len(p) > 1 {
		p = strings.TrimSuffix(p, "/")
	}
	return p
}

// find is the document's path item for p: the template with the most
// literal segments that matches.
func (c *contract) find(p string) (*docPath, map[string]string) {
	segs := strings.Split(p, "/")
	var best *docPath
	var bestParams map[string]string
	bestLiterals := -1
	for i := range c.paths {
		dp := &c.paths[i]
		if len(dp.segments) != len(segs) {
			continue
		}
		params, literals, ok := map[string]string{}, 0, true
		for j, t := range dp.segments {
			switch {
			case strings.HasPrefix(t, "{") && strings.HasSuffix(t, "}"):
				if segs[j] == "" {
					ok = false
				}
				params[t[1:len(t)-1]] = segs[j]
			case t == segs[j]:
				literals++
			default:
				ok = false
			}
			if !ok {
				break
			}
		}
		if ok && literals > bestLiterals {
			best, bestParams, bestLiterals = dp, params, literals
		}
	}
	return best, bestParams
}

// otherMethod is the operation of a method a route does not take: the
// answers of components.responses.
func (c *contract) otherMethod() *openapi3.Operation {
	rs := openapi3.NewResponses()
	r := c.doc.Components.Responses
	for status, name := range map[string]string{"200": "WrongMethod", "404": "NotAllowed", "413": "TooLarge",
		"500": "Internal", "503": "Unavailable"} {
		rs.Set(status, r[name])
	}
	return &openapi3.Operation{Responses: rs}
}

// check validates one answer of Send; the violation is recorded.
func (s *Server) check(req *http.Request, r *Resp) *Violation {
	problem, exempt := s.validate(req, r)
	if exempt {
		exemptCount.Add(1)
	} else {
		validatedCount.Add(1)
	}
	if problem == "" {
		return nil
	}
	body := string(r.Raw)
	if len(body) > 600 {
		body = body[:600] + "…"
	}
	if len(problem) > 3000 {
		problem = problem[:3000] + "…"
	}
	v := &Violation{Method: req.Method, Path: req.URL.Path, Status: r.Status, Body: body, Problem: problem}
	record(v)
	return v
}

// CheckAnswer validates an answer against the server's document as Send
// does, without recording anything: nil when it matches.
func (s *Server) CheckAnswer(method, path string, status int, header http.Header, body []byte) error {
	req, err := http.NewRequest(method, s.URL+path, nil)
	if err != nil {
		return err
	}
	if problem, _ := s.validate(req, &Resp{Status: status, Header: header, Raw: body}); problem != "" {
		return fmt.Errorf("%s", problem)
	}
	return nil
}

// validate says what is wrong with an answer ("" when nothing), and whether
// it is exempt.
func (s *Server) validate(req *http.Request, r *Resp) (problem string, exempt bool) {
	p := normalPath(req.URL.Path)
	ct := r.Header.Get("Content-Type")
	switch {
	case notAPI(p), req.Method == http.MethodHead,
		strings.HasPrefix(ct, "text/event-stream"),
		req.Method == http.MethodOptions && req.Header.Get("Access-Control-Request-Method") != "" && len(r.Raw) == 0:
		return "", true
	}
	c := s.fetchContract()
	if c == nil {
		return "no /openapi.json to validate against", true
	}
	dp, params := c.find(p)
	if dp == nil {
		// An unknown route: the 404 envelope, and nothing else.
		if r.Status != http.StatusNotFound {
			return "the path is not in the document, and the answer is not the unknown-route 404", false
		}
		var v any
		if err := json.Unmarshal(r.Raw, &v); err != nil {
			return "not JSON: " + err.Error(), false
		}
		c.mu.Lock()
		err := c.doc.Components.Schemas["NotAllowed"].Value.VisitJSON(v, openapi3.EnableJSONSchema2020())
		c.mu.Unlock()
		if err != nil {
			return err.Error(), false
		}
		return "", false
	}
	op := dp.item.GetOperation(req.Method)
	if op != nil {
		covered.Store(strings.ToUpper(req.Method)+" "+dp.template, true)
	}
	if op == nil {
		if any, _ := dp.item.Extensions["x-leida-any-method"].(bool); any {
			op = dp.item.Post // documented as the same as POST
		} else {
			op = c.otherMethod()
		}
	}
	in := &openapi3filter.ResponseValidationInput{
		RequestValidationInput: &openapi3filter.RequestValidationInput{
			Request:    req,
			PathParams: params,
			Route:      &routers.Route{Spec: c.doc, Path: dp.template, PathItem: dp.item, Method: req.Method, Operation: op},
		},
		Status:  r.Status,
		Header:  r.Header,
		Body:    io.NopCloser(bytes.NewReader(r.Raw)),
		Options: &openapi3filter.Options{IncludeResponseStatus: true},
	}
	c.mu.Lock()
	err := openapi3filter.ValidateResponse(context.Background(), in)
	c.mu.Unlock()
	if err != nil {
		return err.Error(), false
	}
	return "", false
}
