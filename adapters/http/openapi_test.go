package http

import (
	"context"
	"encoding/json"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"testing"

	"github.com/getkin/kin-openapi/openapi3"
)

type docOperation struct {
	Tags        []string              `json:"tags"`
	OperationID string                `json:"operationId"`
	Security    []map[string][]string `json:"security"`
	Responses   map[string]any        `json:"responses"`
}

type openAPIDoc struct {
	OpenAPI string `json:"openapi"`
	Tags    []struct {
		Name string `json:"name"`
	} `json:"tags"`
	Paths map[string]map[string]json.RawMessage `json:"paths"`
}

func loadDoc(t *testing.T) openAPIDoc {
	t.Helper()
	raw, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	var d openAPIDoc
	if err := json.Unmarshal(raw, &d); err != nil {
		t.Fatal(err)
	}
	return d
}

var docMethodNames = []string{"get", "put", "post", "delete", "options", "head", "patch", "trace"}

// The document lists every route of the table — path, methods, auth — and
// nothing else.
func TestOpenAPIDocumentIsTheRouteTable(t *testing.T) {
	d := loadDoc(t)
	if d.OpenAPI != "3.1.0" {
		t.Fatalf("openapi %q", d.OpenAPI)
	}
	tags := map[string]bool{}
	for _, tg := range d.Tags {
		tags[tg.Name] = true
	}
	for _, want := range []string{"org", "customers", "tags", "follow-ups", "card", "radar", "chat", "streams", "AI", "health"} {
		if !tags[want] {
			t.Errorf("area %q missing from the tags", want)
		}
	}
	routed := map[string]route{}
	for _, rt := range routeTable() {
		p := openAPIPath(rt.path)
		if _, dup := routed[p]; dup {
			t.Errorf("%s: two lines of the route table", rt.path)
		}
		routed[p] = rt
		if rt.doc == nil {
			t.Errorf("%s: no documentation", rt.path)
			continue
		}
		item, ok := d.Paths[p]
		if !ok {
			t.Errorf("%s: routed but not in the document", rt.path)
			continue
		}
		var documented []string
		for _, m := range docMethodNames {
			if _, ok := item[m]; ok {
				documented = append(documented, strings.ToUpper(m))
			}
		}
		if !slices.Equal(documented, sortedMethods(rt.docMethods())) {
			t.Errorf("%s: document has methods %v, the route %v", rt.path, documented, rt.docMethods())
		}
		_, anyFlag := item["x-leida-any-method"]
		if anyFlag != (rt.methods == nil) {
			t.Errorf("%s: x-leida-any-method %v, route takes any method: %v", rt.path, anyFlag, rt.methods == nil)
		}
		for _, m := range documented {
			var op docOperation
			if err := json.Unmarshal(item[strings.ToLower(m)], &op); err != nil {
				t.Fatal(err)
			}
			if len(op.Tags) != 1 || !tags[op.Tags[0]] {
				t.Errorf("%s %s: tags %v are not one of the areas", m, rt.path, op.Tags)
			}
			want := map[authKind]string{authNone: "", authUser: "userId", authCustomer: "customerId"}[rt.auth]
			got := ""
			if len(op.Security) == 1 {
				for k := range op.Security[0] {
					if strings.HasSuffix(k, "Id") {
						got = k
					}
				}
				if len(op.Security[0]) != 3 {
					t.Errorf("%s %s: security %v is not the three signed query parameters", m, rt.path, op.Security)
				}
			} else if len(op.Security) > 1 {
				t.Errorf("%s %s: security %v", m, rt.path, op.Security)
			}
			if got != want {
				t.Errorf("%s %s: security %q, the route's auth wants %q", m, rt.path, got, want)
			}
			for _, code := range []string{"200", "500", "503"} {
				if _, ok := op.Responses[code]; !ok {
					t.Errorf("%s %s: no %s response", m, rt.path, code)
				}
			}
			if len(pathParams(rt.path)) > 0 {
				if _, ok := op.Responses["404"]; !ok {
					t.Errorf("%s %s: a path id but no 404 response", m, rt.path)
				}
			}
		}
	}
	for p := range d.Paths {
		if _, ok := routed[p]; !ok {
			t.Errorf("%s: in the document but not routed", p)
		}
	}
}

func sortedMethods(ms []string) []string {
	var out []string
	for _, m := range docMethodNames {
		if slices.Contains(ms, strings.ToUpper(m)) {
			out = append(out, strings.ToUpper(m))
		}
	}
	return out
}

// Every wire field has a schema: reflected from its Go type, or described
// in fieldDocs.
func TestOpenAPIDescribesEveryWireField(t *testing.T) {
	if _, err := OpenAPIDocument(); err != nil {
		t.Fatal(err)
	}
	for _, p := range openAPIProblems {
		t.Error(p)
	}
	_, b := buildOpenAPI(routeTable())
	for _, want := range []string{"userItem", "customerDetailItem", "addressBookItem", "customerItem", "contactItem",
		"historyItem", "pollItem", "radarItem", "FieldErrors", "Empty", "WrongMethod"} {
		if _, ok := b.components[want]; !ok {
			t.Errorf("no component %s", want)
		}
	}
}

// kin-openapi loads and validates the document (OpenAPI 3.1), operation
// ids are unique and every path is a valid template.
func TestOpenAPIDocumentIsValid(t *testing.T) {
	raw, err := OpenAPIDocument()
	if err != nil {
		t.Fatal(err)
	}
	loader := openapi3.NewLoader()
	doc, err := loader.LoadFromData(raw)
	if err != nil {
		t.Fatal(err)
	}
	if err := doc.Validate(context.Background()); err != nil {
		t.Fatal(err)
	}
	ids := map[string]string{}
	template := regexp.MustCompile(`^(/[^/{}]+|/\{[a-z_]+\})+$`)
	for p, item := range doc.Paths.Map() {
		if !template.MatchString(p) {
			t.Errorf("path %q", p)
		}
		for m, op := range item.Operations() {
			if prev, dup := ids[op.OperationID]; dup {
				t.Errorf("operationId %s of %s %s and %s", op.OperationID, m, p, prev)
			}
			ids[op.OperationID] = m + " " + p
		}
	}
	if len(ids) < len(routeTable()) {
		t.Fatalf("%d operations for %d routes", len(ids), len(routeTable()))
	}
}

// /openapi.json, /docs with its assets and / are served without signature.
func TestDocsAreServed(t *testing.T) {
	h, _, _, _ := newTestServer(t)
	for _, c := range []struct {
		target, contentType, contains string
	}{
		{"/openapi.json", "application/json", `"openapi":"3.1.0"`},
		{"/docs", "text/html", "/docs/swagger-ui/swagger-ui-bundle.js"},
		{"/docs/", "text/html", "leida-docs.js"},
		{"/docs/leida-docs.js", "javascript", "requestInterceptor"},
		{"/docs/leida-docs.css", "text/css", "#leida-auth"},
		{"/docs/swagger-ui/swagger-ui-bundle.js", "javascript", "SwaggerUIBundle"},
		{"/docs/swagger-ui/swagger-ui.css", "text/css", ".swagger-ui"},
		{"/", "text/html", `href="/docs"`},
	} {
		rec := serve(h, "GET", c.target)
		if rec.Code != http.StatusOK || !strings.Contains(rec.Header().Get("Content-Type"), c.contentType) ||
			!strings.Contains(rec.Body.String(), c.contains) {
			t.Errorf("GET %s: %d %s %.200s", c.target, rec.Code, rec.Header().Get("Content-Type"), rec.Body)
		}
	}
	for _, target := range []string{"/docs/nothing.js", "/docs/../routes.go", "/docs/README.md"} {
		if rec := serve(h, "GET", target); rec.Code != http.StatusNotFound || !strings.Contains(rec.Body.String(), "非法请求") {
			t.Errorf("GET %s: %d %s", target, rec.Code, rec.Body)
		}
	}
	// Offline: the page loads nothing from elsewhere.
	for _, name := range []string{"docsui/index.html", "docsui/leida-docs.js", "docsui/leida-docs.css"} {
		b, err := docsFiles.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		if regexp.MustCompile(`(src|href)="(https?:)?//`).Match(b) || strings.Contains(string(b), "cdn") {
			t.Errorf("%s refers to another host", name)
		}
	}
}
