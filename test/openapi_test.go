package test

import (
	"encoding/json"
	"net/http"
	"regexp"
	"strconv"
	"strings"
	"testing"

	lt "leida/test/leidatest"
)

type openAPIOperation struct {
	Tags      []string              `json:"tags"`
	Security  []map[string][]string `json:"security"`
	Responses map[string]struct {
		Content map[string]json.RawMessage `json:"content"`
	} `json:"responses"`
}

func openAPIDocument(t *testing.T) (raw []byte, doc struct {
	OpenAPI string `json:"openapi"`
	Tags    []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Paths      map[string]map[string]json.RawMessage `json:"paths"`
	Components struct {
		SecuritySchemes map[string]struct {
			Type, In, Name string
		} `json:"securitySchemes"`
	} `json:"components"`
}) {
	t.Helper()
	r := srv.Do(t, lt.Request{Path: "/openapi.json"})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("/openapi.json: HTTP %d %s", r.Status, r.Header.Get("Content-Type"))
	}
	if err := json.Unmarshal(r.Raw, &doc); err != nil {
		t.Fatal(err)
	}
	return r.Raw, doc
}

func operation(t *testing.T, item map[string]json.RawMessage, method string) openAPIOperation {
	t.Helper()
	var op openAPIOperation
	if err := json.Unmarshal(item[method], &op); err != nil {
		t.Fatalf("%s: %v", method, err)
	}
	return op
}

// /openapi.json answers without a signature: OpenAPI 3.1, the areas, the
// signed query parameters as security schemes, the auth kind per route, the
// streams as text/event-stream.
func TestOpenAPIDocumentServed(t *testing.T) {
	_, doc := openAPIDocument(t)
	if doc.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", doc.OpenAPI)
	}
	var tags []string
	for _, tg := range doc.Tags {
		tags = append(tags, tg.Name)
	}
	if strings.Join(tags, ",") != "org,customers,tags,follow-ups,card,radar,chat,streams,AI,integrations,health" {
		t.Fatalf("areas %v", tags)
	}
	params := map[string]bool{}
	for _, s := range doc.Components.SecuritySchemes {
		if s.Type != "apiKey" || s.In != "query" {
			t.Errorf("security scheme %+v", s)
		}
		params[s.Name] = true
	}
	if !params["user_id"] || !params["timestamp"] || !params["rand_str"] || len(params) != 3 {
		t.Fatalf("security schemes name %v", params)
	}
	for _, c := range []struct {
		path, method, tag, auth string
	}{
		{"/zhugeleida/qiyeweixin/user", "get", "org", "userId"},
		{"/zhugeleida/admin/login", "post", "org", ""},
		{"/zhugeleida/xiaochengxu/mingpian", "get", "card", "customerId"},
		{"/zhugeleida/qiyeweixin/customer/update_outcome/{id}", "post", "AI", "userId"},
		{"/zhugeleida/qiyeweixin/customer/ai_pr", "get", "AI", "userId"},
		{"/zhugeleida/qiyeweixin/stream", "get", "streams", "userId"},
		{"/zhugeleida/xiaochengxu/stream", "get", "streams", "customerId"},
		{"/zhugeleida/qiyeweixin/mingpian/upload_photo", "post", "card", "userId"},
		{"/healthz", "get", "health", ""},
	} {
		item, ok := doc.Paths[c.path]
		if !ok {
			t.Errorf("%s not in the document", c.path)
			continue
		}
		op := operation(t, item, c.method)
		auth := ""
		if len(op.Security) == 1 {
			for k := range op.Security[0] {
				if strings.HasSuffix(k, "Id") {
					auth = k
				}
			}
		}
		if len(op.Tags) != 1 || op.Tags[0] != c.tag || auth != c.auth {
			t.Errorf("%s %s: tags %v auth %q", c.method, c.path, op.Tags, auth)
		}
		if strings.HasSuffix(c.path, "/stream") {
			if _, ok := op.Responses["200"].Content["text/event-stream"]; !ok {
				t.Errorf("%s: no text/event-stream answer", c.path)
			}
		}
	}
	login := operation(t, doc.Paths["/zhugeleida/admin/login"], "post")
	if _, ok := login.Responses["429"]; !ok {
		t.Error("the login documents no 429")
	}
	upload := string(doc.Paths["/zhugeleida/qiyeweixin/mingpian/upload_photo"]["post"])
	if !strings.Contains(upload, "multipart/form-data") {
		t.Error("the photo upload is not multipart")
	}
}

// GET / points to /docs (not 404 非法请求); /docs loads only its own assets.
func TestHomeAndDocsPages(t *testing.T) {
	r := srv.Do(t, lt.Request{Path: "/"})
	if r.Status != 200 || !strings.HasPrefix(r.Header.Get("Content-Type"), "text/html") || !strings.Contains(string(r.Raw), `href="/docs"`) {
		t.Fatalf("GET /: HTTP %d %s", r.Status, r.Raw)
	}
	r = srv.Do(t, lt.Request{Path: "/docs"})
	if r.Status != 200 || !strings.Contains(string(r.Raw), "swagger-ui") {
		t.Fatalf("GET /docs: HTTP %d", r.Status)
	}
	refs := regexp.MustCompile(`(?:src|href)="([^"]+)"`).FindAllStringSubmatch(string(r.Raw), -1)
	if len(refs) < 4 {
		t.Fatalf("references of /docs: %v", refs)
	}
	for _, m := range refs {
		ref := m[1]
		if ref == "data:," {
			continue
		}
		if !strings.HasPrefix(ref, "/") || strings.HasPrefix(ref, "//") {
			t.Errorf("/docs refers to another host: %s", ref)
			continue
		}
		if a := srv.Do(t, lt.Request{Path: ref}); a.Status != 200 || len(a.Raw) == 0 {
			t.Errorf("GET %s: HTTP %d", ref, a.Status)
		}
	}
}

// The validation of every answer against the document is not vacuous: a
// real answer passes, and each kind of drift from it is caught.
func TestAnswersAreCheckedAgainstTheDocument(t *testing.T) {
	r := srv.Get(t, srv.Admin, "/zhugeleida/qiyeweixin/user", nil)
	lt.Expect(t, r, 200, "查询成功")
	if err := srv.CheckAnswer("GET", "/zhugeleida/qiyeweixin/user", r.Status, r.Header, r.Raw); err != nil {
		t.Fatalf("a real answer: %v", err)
	}
	var env map[string]any
	if err := json.Unmarshal(r.Raw, &env); err != nil {
		t.Fatal(err)
	}
	item := env["data"].(map[string]any)["ret_data"].([]any)[0].(map[string]any)
	tamper := func(name string, change func(), restore func()) {
		t.Helper()
		change()
		b, _ := json.Marshal(env)
		restore()
		if err := srv.CheckAnswer("GET", "/zhugeleida/qiyeweixin/user", 200, r.Header, b); err == nil {
			t.Errorf("%s: not caught", name)
		}
	}
	msg := env["msg"]
	tamper("another message", func() { env["msg"] = "成功" }, func() { env["msg"] = msg })
	tamper("an unknown code", func() { env["code"] = 999 }, func() { env["code"] = 200 })
	status := item["status"]
	tamper("a missing key", func() { delete(item, "status") }, func() { item["status"] = status })
	tamper("an extra key", func() { item["nickname"] = "x" }, func() { delete(item, "nickname") })
	id := item["id"]
	tamper("a wrong type", func() { item["id"] = strconv.Itoa(int(id.(float64))) }, func() { item["id"] = id })
	tamper("data null", func() { env["data"] = nil }, func() { env["data"] = r.DataMap(t) })
	if err := srv.CheckAnswer("GET", "/zhugeleida/qiyeweixin/user", http.StatusTeapot, r.Header, r.Raw); err == nil {
		t.Error("an undocumented HTTP status: not caught")
	}
	if err := srv.CheckAnswer("GET", "/zhugeleida/qiyeweixin/nothing", 200, r.Header, r.Raw); err == nil {
		t.Error("an answer from a path the document does not have: not caught")
	}
	bad := srv.Do(t, lt.Request{Path: "/zhugeleida/qiyeweixin/user"}) // no signature: 400 token异常
	lt.Expect(t, bad, 400, "token异常")
	if err := srv.CheckAnswer("GET", "/zhugeleida/qiyeweixin/user", 200, bad.Header, []byte(`{"code":400,"msg":"token错误","data":{}}`)); err == nil {
		t.Error("an error answer with another message: not caught")
	}
	if validated, _ := lt.ContractStats(); validated == 0 {
		t.Error("nothing validated")
	}
}

// The aliases no other test calls answer as the document says (the hook
// validates each answer): with every documented operation called once by
// the suite, each one's answers are checked.
func TestAliasesAnswerAsDocumented(t *testing.T) {
	const none = "/999999999"
	for _, c := range []struct {
		method, path string
		code         int
	}{
		{"GET", "/zhugeleida/gongzhonghao/login", 401},
		{"GET", "/zhugeleida/xiaochengxu/customer/delete" + none, 302},
		{"POST", "/zhugeleida/xiaochengxu/customer/delete" + none, 302},
		{"POST", "/zhugeleida/admin/company", 301},
		{"POST", "/zhugeleida/admin/role", 301},
		{"POST", "/zhugeleida/xiaochengxu/customer/update_customer" + none, 303},
		{"POST", "/zhugeleida/xiaochengxu/customer/update_expected_pr" + none, 303},
		{"POST", "/zhugeleida/xiaochengxu/customer/update_expected_time" + none, 303},
		{"POST", "/zhugeleida/xiaochengxu/customer/update_information" + none, 303},
		{"POST", "/zhugeleida/xiaochengxu/customer/update_tag" + none, 301},
		{"POST", "/zhugeleida/xiaochengxu/user/delete" + none, 302},
	} {
		req := lt.Request{Method: c.method, Path: c.path, As: &srv.Admin,
			Header: http.Header{"X-Forwarded-For": {"198.51.100.77"}}}
		if c.method == "POST" {
			req.Form = map[string][]string{}
		}
		if r := srv.Do(t, req); r.Status != 200 || r.Code != c.code {
			t.Errorf("%s %s: want code %d, got HTTP %d %s", c.method, c.path, c.code, r.Status, r.Raw)
		}
	}
}
