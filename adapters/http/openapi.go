package http

import (
	"fmt"
	"net/http"
	"reflect"
	"slices"
	"sort"
	"strings"
	"sync"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

// The OpenAPI 3.1 document of the route table, served at
// /openapi.json. It is built from routeTable(): every route's path, methods,
// auth kind and boundary validation answer come from its line, and every
// line carries an opDoc (openapi_routes.go) with its parameters, its success
// message and data type, and the answers of its use case. The data schemas
// are reflected from the handlers' wire types (their json tags), so a field
// added to an item is in the document at once; fields the types cannot say
// (any, ordered objects) are described in fieldDocs, and a field described
// nowhere is reported by builder.problems (a test keeps that list empty).

// schema is the part of JSON Schema 2020-12 the document uses.
type schema struct {
	Ref                  string    `json:"$ref,omitempty"`
	Title                string    `json:"title,omitempty"`
	Description          string    `json:"description,omitempty"`
	Type                 any       `json:"type,omitempty"` // a name or a list of names
	Format               string    `json:"format,omitempty"`
	Const                any       `json:"const,omitempty"`
	Enum                 []any     `json:"enum,omitempty"`
	Pattern              string    `json:"pattern,omitempty"`
	Default              any       `json:"default,omitempty"`
	Properties           object    `json:"properties,omitempty"` // in wire order
	Required             []string  `json:"required,omitempty"`
	AdditionalProperties any       `json:"additionalProperties,omitempty"` // false or *schema
	PropertyNames        *schema   `json:"propertyNames,omitempty"`
	MaxProperties        *int      `json:"maxProperties,omitempty"`
	Items                *schema   `json:"items,omitempty"`
	PrefixItems          []*schema `json:"prefixItems,omitempty"`
	MinItems             *int      `json:"minItems,omitempty"`
	MaxItems             *int      `json:"maxItems,omitempty"`
	AnyOf                []*schema `json:"anyOf,omitempty"`
	Examples             []any     `json:"examples,omitempty"`
}

func intp(n int) *int { return &n }

func ref(name string) *schema       { return &schema{Ref: "#/components/schemas/" + name} }
func typed(t string) *schema        { return &schema{Type: t} }
func nullable(t string) *schema     { return &schema{Type: []string{t, "null"}} }
func constant(v any) *schema        { return &schema{Const: v} }
func arrayOf(items *schema) *schema { return &schema{Type: "array", Items: items} }
func mapOf(values *schema) *schema  { return &schema{Type: "object", AdditionalProperties: values} }
func described(s *schema, d string) *schema {
	c := *s
	c.Description = d
	return &c
}

// numericKeys is an object keyed by numbers ("1".."12", customer ids), in
// the service's order.
func numericKeys(values *schema) *schema {
	s := mapOf(values)
	s.PropertyNames = &schema{Pattern: "^[0-9]+$"}
	return s
}

// oneOfText is a string that is one of msgs (any string when there are none).
func oneOfText(msgs []string) *schema {
	switch len(msgs) {
	case 0:
		return typed("string")
	case 1:
		return &schema{Type: "string", Const: msgs[0]}
	}
	s := &schema{Type: "string"}
	for _, m := range msgs {
		s.Enum = append(s.Enum, m)
	}
	return s
}

// fieldDocs describe the wire fields whose Go type does not say what they
// hold: json key → schema, per wire type.
var fieldDocs = map[reflect.Type]map[string]*schema{
	reflect.TypeFor[userItem]():           {"last_login_date": described(nullable("string"), "date-time of the last login, null before the first")},
	reflect.TypeFor[permissionNode]():     {"pid_id": {Description: "the parent's id, \"\" for a root", AnyOf: []*schema{typed("integer"), constant("")}}},
	reflect.TypeFor[customerDetailItem](): {"expected_time": described(nullable("string"), "expected closing date YYYY-MM-DD, or null"), "birthday": described(nullable("string"), "YYYY-MM-DD, \"\" without information, or null")},
	reflect.TypeFor[addressBookItem]():    {"expected_time": described(nullable("string"), "expected closing date YYYY-MM-DD, or null")},
	reflect.TypeFor[aiExplanation]():      {"trained_at": described(nullable("string"), "date-time of the company's last training, null before the first")},
	reflect.TypeFor[customerItem]():       {"detail": described(numericKeys(ref("countName")), "per action code (\"1\"..\"12\", in code order): its count and name")},
	reflect.TypeFor[actionCounts]():       {"action": described(numericKeys(typed("string")), "every action code (\"1\"..\"12\") with its name"), "detail": described(numericKeys(typed("integer")), "per action code with events: the count")},
	reflect.TypeFor[visitedCard]():        {"photo": photoPairsSchema()},
	reflect.TypeFor[ownCard]():            {"photo": photoPairsSchema()},
	reflect.TypeFor[webhookItem]():        {"failing_since": described(nullable("string"), "date-time since when every attempt failed, null after a success")},
	reflect.TypeFor[deliveryItem](): {
		"last_status_code": described(nullable("integer"), "the HTTP status of the last attempt, null when none came back"),
		"last_attempt_at":  described(nullable("string"), "date-time of the last attempt, null before the first"),
		"next_attempt_at":  described(nullable("string"), "date-time of the next attempt while pending, else null"),
		"delivered_at":     described(nullable("string"), "date-time of the 2xx answer, null unless delivered"),
	},
}

func photoPairsSchema() *schema {
	pair := &schema{Type: "array", PrefixItems: []*schema{described(typed("integer"), "photo id"), described(typed("string"), "photo URL")},
		MinItems: intp(2), MaxItems: intp(2)}
	return described(arrayOf(pair), "the card's photos as [id, url] pairs ([] when none)")
}

// builder collects the component schemas while the document is built.
type builder struct {
	components map[string]*schema
	types      map[reflect.Type]string
	problems   []string // wire fields without a schema
}

func newBuilder() *builder {
	return &builder{components: map[string]*schema{}, types: map[reflect.Type]string{}}
}

var (
	fieldErrorsType = reflect.TypeFor[errs.FieldErrors]()
	objectType      = reflect.TypeFor[object]()
	emptyType       = reflect.TypeFor[empty]()
)

// schemaOf reflects a wire type: named structs of this package become
// components (referenced), the rest is inlined.
func (b *builder) schemaOf(t reflect.Type) *schema {
	return b.reflect(t, t.String())
}

func (b *builder) reflect(t reflect.Type, where string) *schema {
	switch t {
	case fieldErrorsType:
		return ref("FieldErrors")
	case emptyType:
		return ref("Empty")
	case objectType:
		b.problems = append(b.problems, where+": an ordered object; describe it in fieldDocs")
		return &schema{}
	}
	switch t.Kind() {
	case reflect.Bool:
		return typed("boolean")
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64,
		reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64:
		return typed("integer")
	case reflect.Float32, reflect.Float64:
		return typed("number")
	case reflect.String:
		return typed("string")
	case reflect.Pointer:
		inner := b.reflect(t.Elem(), where)
		if s, ok := inner.Type.(string); ok && inner.Ref == "" {
			c := *inner
			c.Type = []string{s, "null"}
			return &c
		}
		return &schema{AnyOf: []*schema{inner, typed("null")}}
	case reflect.Slice:
		return arrayOf(b.element(t.Elem(), where+"[]"))
	case reflect.Array:
		s := arrayOf(b.element(t.Elem(), where+"[]"))
		s.MinItems, s.MaxItems = intp(t.Len()), intp(t.Len())
		return s
	case reflect.Map:
		return mapOf(b.element(t.Elem(), where+"{}"))
	case reflect.Struct:
		return b.structSchema(t)
	}
	b.problems = append(b.problems, fmt.Sprintf("%s: %s says nothing of its JSON; describe it in fieldDocs", where, t))
	return &schema{}
}

// element is a slice, array or map element: a pointer there is never nil.
func (b *builder) element(t reflect.Type, where string) *schema {
	if t.Kind() == reflect.Pointer {
		t = t.Elem()
	}
	return b.reflect(t, where)
}

// structSchema is a struct's object: every exported field with its json
// key, all present (the wire types have no omitempty), nothing else.
func (b *builder) structSchema(t reflect.Type) *schema {
	name := t.Name()
	generic := strings.Contains(name, "[")
	if name != "" && !generic {
		if _, done := b.types[t]; done {
			return ref(b.types[t])
		}
		b.types[t] = name
		b.components[name] = &schema{} // a placeholder, for recursive types
	}
	s := &schema{Type: "object", Properties: object{}, AdditionalProperties: false}
	b.addFields(s, t)
	if name != "" && !generic {
		b.components[name] = s
		return ref(name)
	}
	return s
}

// addFields adds t's fields to s in order; an embedded struct without a
// json name adds its own fields in its place, as encoding/json flattens it.
func (b *builder) addFields(s *schema, t reflect.Type) {
	for i := 0; i < t.NumField(); i++ {
		f := t.Field(i)
		key, _, _ := strings.Cut(f.Tag.Get("json"), ",")
		if f.Anonymous && key == "" && f.Type.Kind() == reflect.Struct {
			b.addFields(s, f.Type)
			continue
		}
		if !f.IsExported() || key == "-" {
			continue
		}
		if key == "" {
			key = f.Name
		}
		var fs *schema
		if d, ok := fieldDocs[t][key]; ok {
			fs = d
		} else {
			fs = b.reflect(f.Type, t.String()+"."+key)
		}
		s.Properties = append(s.Properties, field{key, fs})
		s.Required = append(s.Required, key)
	}
}

// ---- the operations

// shape is where an error answer puts what it says.
type shape int

const (
	msgText    shape = iota // msg is a string, data {}
	msgFields               // msg is the field-error object, data {}
	dataFields              // msg 请求异常, data the field-error object
	msgEmpty                // msg {} and data {} (the legacy's not-found of updates)
)

// answer is one error envelope an endpoint may give (HTTP 200).
type answer struct {
	code  int
	shape shape
	msgs  []string // msgText: the possible messages (none: any text)
}

// says is an answer with a message (any message when msgs is empty).
func says(code int, msgs ...string) answer { return answer{code: code, shape: msgText, msgs: msgs} }

// fields is a validation answer with the error object in msg.
func fields(code int) answer { return answer{code: code, shape: msgFields} }

// fieldsInData is a validation answer 请求异常 with the error object in data.
func fieldsInData(code int) answer { return answer{code: code, shape: dataFields} }

// notFound is the 302 answer with its messages.
func notFound(msgs ...string) answer { return says(errs.CodeNotFound, msgs...) }

var (
	answerForbidden = says(404, "非法请求")
	answerBadToken  = says(400, "token异常")
	answerDisabled  = says(errs.CodeDisabled, "账户未启用")
	// The field-error answers of add (301) and update (303) forms.
	answerInvalidData = fields(errs.CodeInvalidData)
	answerInvalidForm = fields(errs.CodeInvalidForm)
	// answerNotFoundEmpty is the legacy's not-found of update endpoints: 303, msg {}.
	answerNotFoundEmpty = answer{code: errs.CodeInvalidForm, shape: msgEmpty}
)

// param is a query or body parameter.
type param struct {
	name     string
	typ      string // integer, string, boolean, file; "list": a JSON array of ids as text
	required bool
	desc     string
	def      any
	enum     []any
}

func (p param) schema() *schema {
	s := &schema{Type: p.typ, Default: p.def, Enum: p.enum}
	switch p.typ {
	case "list":
		s.Type = "string"
		s.Description = "a JSON array of ids, e.g. [1,2]"
		s.Examples = []any{"[1,2]"}
	case "file":
		s.Type, s.Format = "string", "binary"
	case "date":
		s.Type, s.Format = "string", "date"
	}
	return s
}

// opDoc is one route's documentation: what the route line does not say.
type opDoc struct {
	id      string // E01, A12, D10 …
	tag     string
	summary string
	desc    string
	query   []param
	body    []param
	// multipart: the body is multipart/form-data (a file upload).
	multipart bool
	msgs      []string               // the success message(s)
	data      func(*builder) *schema // the success data; nil: {}
	answers   []answer               // the use case's own error answers
	// wechat: the endpoint calls WeChat or WeCom (503 微信服务暂不可用 / 微信服务未配置).
	wechat bool
	// redirect: success is HTTP 302 to the front-end (E29), not an envelope.
	redirect bool
	// stream: success is a text/event-stream (D8).
	stream bool
	// csv: success is a CSV attachment (text/csv), the exports.
	csv bool
	// post documents POST where it differs from GET (E09/E10, E16/E17).
	post *opDoc
}

// dataOf is the success data of wire type T.
func dataOf[T any]() func(*builder) *schema {
	return func(b *builder) *schema { return b.schemaOf(reflect.TypeFor[T]()) }
}

// openAPIMethods are the methods a route of any method is documented with.
var openAPIMethods = []string{http.MethodGet, http.MethodPost}

// docMethods are the methods the document lists for a route.
func (rt route) docMethods() []string {
	if rt.methods == nil {
		return openAPIMethods
	}
	return rt.methods
}

// openAPIPath is the route's path in the document: :id → {id}.
func openAPIPath(p string) string {
	parts := strings.Split(p, "/")
	for i, s := range parts {
		if strings.HasPrefix(s, ":") {
			parts[i] = "{" + s[1:] + "}"
		}
	}
	return strings.Join(parts, "/")
}

// operationID names an operation: method and path.
func operationID(method, path string) string {
	var sb strings.Builder
	sb.WriteString(strings.ToLower(method))
	for _, r := range strings.TrimPrefix(path, "/zhugeleida") {
		switch {
		case r >= 'a' && r <= 'z', r >= 'A' && r <= 'Z', r >= '0' && r <= '9':
			sb.WriteRune(r)
		case r == '/' || r == '_' || r == '{' || r == ':':
			if !strings.HasSuffix(sb.String(), "_") {
				sb.WriteByte('_')
			}
		case r > 127:
			fmt.Fprintf(&sb, "u%x", r)
		}
	}
	return strings.TrimSuffix(sb.String(), "_")
}

// The areas, in the order the docs page shows them.
var openAPITags = []struct{ name, desc string }{
	{"org", "Logins, users, roles, permissions and companies (E01–E04, E09–E19, E29, A1, A12)"},
	{"customers", "A rep's customers: detail, information, expected date and probability, deletion, search (E05–E08, E39–E41, A3)"},
	{"tags", "Customer tags and their groups (E20–E24, A2)"},
	{"follow-ups", "The address book, canned phrases and follow-up notes (E34–E38, A4)"},
	{"card", "The business card: as customers see it in the mini-program (E30, E42–E46, A8, A9, action/record) and as its owner edits it (A6, A7, E48–E53)"},
	{"radar", "What customers did on the rep's card (E31–E33, E47, A5)"},
	{"chat", "Chat between reps and customers (E25–E28, A10)"},
	{"streams", "Server-Sent Events pushing chat messages, radar events and hot leads (D8)"},
	{"AI", "The AI close probability: outcomes and explanations (D10)"},
	{"integrations", "Outbound webhooks: endpoints and their deliveries (D9)"},
	{"health", "Liveness and readiness"},
}

var (
	openAPIOnce sync.Once
	openAPIJSON []byte
	openAPIErr  error
	// openAPIProblems are the wire fields the document could not describe.
	openAPIProblems []string
)

// OpenAPIDocument is the OpenAPI 3.1 document of the route table, as JSON.
func OpenAPIDocument() ([]byte, error) {
	openAPIOnce.Do(func() {
		doc, b := buildOpenAPI(routeTable())
		openAPIProblems = b.problems
		openAPIJSON, openAPIErr = marshalNoEscape(doc)
	})
	return openAPIJSON, openAPIErr
}

// serveOpenAPI answers /openapi.json.
func serveOpenAPI(c echo.Context) error {
	b, err := OpenAPIDocument()
	if err != nil {
		return err
	}
	c.Response().Header().Set(echo.HeaderCacheControl, "no-cache")
	return c.Blob(http.StatusOK, echo.MIMEApplicationJSON, b)
}

// buildOpenAPI makes the document of routes.
func buildOpenAPI(routes []route) (map[string]any, *builder) {
	b := newBuilder()
	paths := object{}
	index := map[string]int{}
	for _, rt := range routes {
		p := openAPIPath(rt.path)
		item := object{}
		if rt.methods == nil {
			item = append(item, field{"x-leida-any-method", true})
		}
		for _, m := range rt.docMethods() {
			d := rt.doc
			if m == http.MethodPost && d.post != nil {
				d = d.post
			}
			item = append(item, field{strings.ToLower(m), b.operation(rt, d, m, p)})
		}
		if i, dup := index[p]; dup { // never in a valid table; the test says so
			paths[i] = field{p, item}
			continue
		}
		index[p] = len(paths)
		paths = append(paths, field{p, item})
	}
	b.addCommonComponents()
	names := make([]string, 0, len(b.components))
	for n := range b.components {
		names = append(names, n)
	}
	sort.Strings(names)
	schemas := object{}
	for _, n := range names {
		schemas = append(schemas, field{n, b.components[n]})
	}
	tags := make([]map[string]string, len(openAPITags))
	for i, t := range openAPITags {
		tags[i] = map[string]string{"name": t.name, "description": t.desc}
	}
	doc := map[string]any{
		"openapi": "3.1.0",
		"info": map[string]any{
			"title":       "Leida (雷达) API",
			"version":     "1.0.0",
			"description": openAPIIntro,
		},
		"tags":  tags,
		"paths": paths,
		"components": map[string]any{
			"schemas":         schemas,
			"securitySchemes": securitySchemes(),
			"responses":       b.otherMethodResponses(),
		},
	}
	return doc, b
}

// The three query parameters of a signed request, per principal.
var (
	userSecurity     = map[string][]string{"userId": {}, "userTimestamp": {}, "userRandStr": {}}
	customerSecurity = map[string][]string{"customerId": {}, "customerTimestamp": {}, "customerRandStr": {}}
)

func securitySchemes() object {
	scheme := func(name, desc string) map[string]string {
		return map[string]string{"type": "apiKey", "in": "query", "name": name, "description": desc}
	}
	const ts = "milliseconds since the epoch, within AUTH_MAX_SKEW (10 minutes) of the server's clock"
	const rs = "lower-case hex MD5 of timestamp immediately followed by the caller's token"
	return object{
		{"userId", scheme("user_id", "the enterprise user (rep or admin) who calls")},
		{"userTimestamp", scheme("timestamp", ts)},
		{"userRandStr", scheme("rand_str", rs+" (the user's token)")},
		{"customerId", scheme("user_id", "the mini-program customer who calls")},
		{"customerTimestamp", scheme("timestamp", ts)},
		{"customerRandStr", scheme("rand_str", rs+" (the customer's token)")},
	}
}

func (b *builder) operation(rt route, d *opDoc, method, path string) object {
	summary := d.summary
	if d.id != "" {
		summary = d.id + " " + summary
	}
	op := object{
		{"tags", []string{d.tag}},
		{"summary", summary},
		{"operationId", operationID(method, path)},
	}
	desc := d.desc
	if rt.methods == nil {
		desc = strings.TrimSpace(desc + "\n\nAccepts any HTTP method; GET and POST are listed.")
	}
	if desc != "" {
		op = append(op, field{"description", desc})
	}
	var params []map[string]any
	for _, name := range pathParams(rt.path) {
		params = append(params, map[string]any{"name": name, "in": "path", "required": true,
			"description": "a number (up to 18 digits); anything else is the unknown-route answer (HTTP 404)",
			"schema":      &schema{Type: "integer", Format: "int64"}})
	}
	for _, p := range d.query {
		m := map[string]any{"name": p.name, "in": "query", "schema": p.schema()}
		if p.required {
			m["required"] = true
		}
		if p.desc != "" {
			m["description"] = p.desc
		}
		params = append(params, m)
	}
	if params != nil {
		op = append(op, field{"parameters", params})
	}
	if len(d.body) > 0 && method != http.MethodGet {
		op = append(op, field{"requestBody", requestBody(d)})
	}
	switch rt.auth {
	case authUser:
		op = append(op, field{"security", []map[string][]string{userSecurity}})
	case authCustomer:
		op = append(op, field{"security", []map[string][]string{customerSecurity}})
	}
	op = append(op, field{"responses", b.responses(rt, d, method)})
	return op
}

func pathParams(p string) []string {
	var out []string
	for _, s := range strings.Split(p, "/") {
		if strings.HasPrefix(s, ":") {
			out = append(out, s[1:])
		}
	}
	return out
}

func requestBody(d *opDoc) map[string]any {
	s := &schema{Type: "object", Properties: object{}}
	for _, p := range d.body {
		ps := p.schema()
		if p.desc != "" {
			ps.Description = strings.TrimSpace(ps.Description + " " + p.desc)
		}
		s.Properties = append(s.Properties, field{p.name, ps})
		if p.required {
			s.Required = append(s.Required, p.name)
		}
	}
	media := "application/x-www-form-urlencoded"
	if d.multipart {
		media = "multipart/form-data"
	}
	return map[string]any{"required": slices.ContainsFunc(d.body, func(p param) bool { return p.required }),
		"content": map[string]any{media: map[string]any{"schema": s}}}
}

// answers are every error envelope of an operation: the use case's, the
// boundary check's and authentication's.
func (rt route) answers(d *opDoc, method string) []answer {
	var out []answer
	add := func(a answer) {
		for i, o := range out {
			if o.code == a.code && o.shape == a.shape {
				if o.shape == msgText && len(o.msgs) > 0 {
					if len(a.msgs) == 0 {
						out[i].msgs = nil
					} else {
						for _, m := range a.msgs {
							if !slices.Contains(o.msgs, m) {
								out[i].msgs = append(out[i].msgs, m)
							}
						}
					}
				}
				return
			}
		}
		a.msgs = slices.Clone(a.msgs)
		out = append(out, a)
	}
	switch rt.auth {
	case authUser:
		add(answerBadToken)
		add(answerDisabled)
	case authCustomer:
		add(answerBadToken)
	}
	if ie := rt.invalidInput(method); ie.inData {
		add(fieldsInData(ie.code))
	} else {
		add(fields(ie.code))
	}
	for _, a := range d.answers {
		add(a)
	}
	sort.SliceStable(out, func(i, j int) bool { return out[i].code < out[j].code })
	return out
}

func (b *builder) envelope(code, msg, data *schema) *schema {
	return &schema{Type: "object", Properties: object{{"code", code}, {"msg", msg}, {"data", data}},
		Required: []string{"code", "msg", "data"}, AdditionalProperties: false}
}

// weComErrcode stands for the code of an answer that carries WeCom's
// errcode, whatever it is (a refused directory write).
const weComErrcode = -1 << 30

func (b *builder) answerSchema(a answer) *schema {
	code := &schema{Type: "integer", Const: a.code}
	if a.code == weComErrcode {
		code = described(typed("integer"), "WeCom's errcode (60008 name exists, 60003 not found, 60005/60006 not empty, 40001 bad secret, ...)")
	}
	switch a.shape {
	case msgFields:
		return b.envelope(code, ref("FieldErrors"), ref("Empty"))
	case dataFields:
		return b.envelope(code, &schema{Type: "string", Const: errs.MsgRequestError}, ref("FieldErrors"))
	case msgEmpty:
		return b.envelope(code, ref("Empty"), ref("Empty"))
	}
	return b.envelope(code, oneOfText(a.msgs), ref("Empty"))
}

// answerRef is an answer as a shared component where many routes give it
// (the validation answers, token异常, 账户未启用, 非法请求), else inline.
func (b *builder) answerRef(a answer) *schema {
	var name string
	switch {
	case a.shape == msgFields:
		name = fmt.Sprintf("Invalid%d", a.code)
	case a.shape == dataFields:
		name = fmt.Sprintf("InvalidInData%d", a.code)
	case a.shape == msgEmpty:
		name = fmt.Sprintf("NotFound%dEmptyMsg", a.code)
	case a.code == 400 && slices.Equal(a.msgs, answerBadToken.msgs):
		name = "BadToken"
	case a.code == errs.CodeDisabled && slices.Equal(a.msgs, answerDisabled.msgs):
		name = "Disabled"
	case a.code == 404 && slices.Equal(a.msgs, answerForbidden.msgs):
		name = "NotAllowed"
	case a.code == weComErrcode:
		s := b.answerSchema(a)
		s.Title = "WeCom's errcode"
		return s
	default:
		s := b.answerSchema(a)
		s.Title = fmt.Sprintf("code %d", a.code)
		return s
	}
	if _, ok := b.components[name]; !ok {
		s := b.answerSchema(a)
		s.Title = fmt.Sprintf("code %d", a.code)
		b.components[name] = s
	}
	return ref(name)
}

func (b *builder) success(d *opDoc) *schema {
	data := ref("Empty")
	if d.data != nil {
		data = d.data(b)
	}
	s := b.envelope(&schema{Type: "integer", Const: 200}, oneOfText(d.msgs), data)
	s.Title = "success"
	return s
}

func jsonContent(s *schema) map[string]any {
	return map[string]any{"application/json": map[string]any{"schema": s}}
}

func response(desc string, s *schema) map[string]any {
	r := map[string]any{"description": desc}
	if s != nil {
		r["content"] = jsonContent(s)
	}
	return r
}

func (b *builder) responses(rt route, d *opDoc, method string) object {
	var variants []*schema
	if !d.redirect && !d.stream && !d.csv {
		variants = append(variants, b.success(d))
	}
	for _, a := range rt.answers(d, method) {
		variants = append(variants, b.answerRef(a))
	}
	envelopes := &schema{AnyOf: variants}
	out := object{}
	switch {
	case d.stream:
		out = append(out, field{"200", map[string]any{
			"description": "the event stream (text/event-stream), or an envelope (application/json) when the request is refused",
			"content": map[string]any{
				"text/event-stream": map[string]any{"schema": &schema{Type: "string",
					Description: "`retry: 3000`, then events `id: N` / `event: NAME` / `data: JSON`, and a `: heartbeat` comment every STREAM_HEARTBEAT"}},
				"application/json": map[string]any{"schema": envelopes},
			}}})
	case d.csv:
		out = append(out, field{"200", map[string]any{
			"description": "the CSV file (text/csv, an attachment), or an envelope (application/json) when the request is refused",
			"headers": map[string]any{"Content-Disposition": map[string]any{"schema": typed("string"),
				"description": "attachment; filename=\"NAME-YYYYMMDD.csv\" (on the file only)"}},
			"content": map[string]any{
				"text/csv":         map[string]any{"schema": &schema{Type: "string", Description: "UTF-8 with a byte-order mark, a header row, CRLF lines"}},
				"application/json": map[string]any{"schema": envelopes},
			}}})
	case d.redirect:
		out = append(out,
			field{"200", response("the envelope of a refused request", envelopes)},
			field{"302", map[string]any{"description": "to the front-end (FRONTEND_BASE_URL) with the user's token, or to its error page",
				"headers": map[string]any{"Location": map[string]any{"required": true, "schema": typed("string")}}}})
	default:
		out = append(out, field{"200", response("the envelope: `code` 200 is success, the others are the endpoint's answers", envelopes)})
	}
	if len(pathParams(rt.path)) > 0 {
		out = append(out, field{"404", response("a path id that is not a number: 非法请求", ref("NotAllowed"))})
	}
	out = append(out, field{"413", response("the body is over the limit (16 MB)", ref("TooLarge"))})
	if d.id == "A12" {
		out = append(out, field{"429", response("too many failed logins for the username (10) or the client address (30) within 15 minutes", ref("RateLimited"))})
	}
	out = append(out,
		field{"499", map[string]any{"description": "the client went away before the answer (logged only; nothing is sent)"}},
		field{"500", response("an internal error (logged with the request id)", ref("Internal"))},
	)
	unavailable := ref("Unavailable")
	if d.wechat {
		unavailable = ref("WeChatUnavailable")
	}
	out = append(out, field{"503", response("the database (or WeChat) unavailable, or the request past REQUEST_TIMEOUT", unavailable)})
	return out
}

// addCommonComponents adds the shared envelopes and objects.
func (b *builder) addCommonComponents() {
	plain := func(code int, msgs ...string) *schema {
		return b.answerSchema(says(code, msgs...))
	}
	b.components["Empty"] = &schema{Type: "object", MaxProperties: intp(0), Description: "nothing to return: {}"}
	b.components["FieldErrors"] = &schema{Type: "object",
		Description: "the legacy validation object: field → [{message, code}]",
		AdditionalProperties: arrayOf(&schema{Type: "object", Properties: object{
			{"message", typed("string")}, {"code", described(typed("string"), "required, invalid, null_characters_not_allowed, … or \"\"")}},
			Required: []string{"message", "code"}, AdditionalProperties: false})}
	b.answerRef(answerForbidden)
	b.answerRef(answerBadToken)
	b.answerRef(answerDisabled)
	b.components["TooLarge"] = plain(413, "请求体过大")
	b.components["RateLimited"] = plain(429, "请求过于频繁")
	b.components["Internal"] = plain(500, "服务器内部错误")
	b.components["Unavailable"] = plain(503, "服务暂不可用")
	b.components["WeChatUnavailable"] = plain(503, "服务暂不可用", "微信服务暂不可用", "微信服务未配置")
	b.components["WrongMethod"] = &schema{AnyOf: []*schema{plain(errs.CodeRequestError, errs.MsgRequestError, "请求方式异常"), ref("BadToken"), ref("Disabled")}}
	// The wire types of the push streams' events (D8).
	b.schemaOf(reflect.TypeFor[pollItem]())
	b.schemaOf(reflect.TypeFor[radarItem]())
	b.schemaOf(reflect.TypeFor[countName]()) // in customerItem.detail (fieldDocs)
}

// otherMethodResponses are the answers of a method a route does not take:
// 402 (after the path id and authentication checks).
func (b *builder) otherMethodResponses() object {
	return object{
		{"WrongMethod", response("a method the route does not take: 402 请求异常 (请求方式异常 on the logins), after the path-id and signature checks", ref("WrongMethod"))},
		{"NotAllowed", response("an unknown route, or a path id that is not a number", ref("NotAllowed"))},
		{"TooLarge", response("the body is over the limit", ref("TooLarge"))},
		{"Internal", response("an internal error", ref("Internal"))},
		{"Unavailable", response("the database unavailable", ref("Unavailable"))},
	}
}

// openAPIIntro is the document's description (Markdown).
const openAPIIntro = "The HTTP contract of the legacy 诸葛雷达 service (`/zhugeleida/...`), served by Leida.\n\n" +
	"**Envelope.** Every answer is `{\"code\", \"msg\", \"data\"}`, with HTTP 200 unless said otherwise; " +
	"`data` is `{}` when there is nothing to return. `code` 200 is success. The others: " +
	"301/303 validation (`msg` holds the field-error object `{\"field\": [{\"message\", \"code\"}]}`), " +
	"402 validation of query forms (`msg` 请求异常, the error object in `data`) or a wrong method (请求异常), " +
	"302 not found, 304/305 refused (children exist, deleting oneself), 400 bad signature (token异常), " +
	"401 wrong username or password (the admin login), 306 account disabled (账户未启用), 404 not allowed (非法请求). " +
	"An unknown route is HTTP 404 `非法请求`; too many login attempts HTTP 429 `请求过于频繁`; a body over 16 MB HTTP 413 `请求体过大`; " +
	"an internal error HTTP 500 `服务器内部错误`; the database down or the request past its deadline HTTP 503 `服务暂不可用`; " +
	"WeChat or WeCom unreachable HTTP 503 `微信服务暂不可用` (or `微信服务未配置`) — each with the envelope.\n\n" +
	"**Signing.** Every endpoint except the logins and health takes three query parameters: `user_id` (the enterprise user, " +
	"or the mini-program customer on the customer routes), `timestamp` (milliseconds since the epoch, within 10 minutes of the server), " +
	"and `rand_str` = lower-case hex MD5(`timestamp` + token). Tokens come from `POST /zhugeleida/admin/login`, the WeCom login (E29) " +
	"or the mini-program login (E30); `leida sign --user-id N [--customer]` prints a signed query. On the `/docs` page, enter the " +
	"user id and token once (or log in there) and every \"Try it out\" request is signed.\n\n" +
	"**Bodies** are form-encoded (multipart for the photo upload); list fields are JSON arrays as text (`tag_list=[1,2]`). " +
	"Paths tolerate a trailing slash and repeated slashes. A method a route does not take answers 402 `请求异常` " +
	"(see `components.responses.WrongMethod`).\n\n" +
	"**Streams.** `GET /zhugeleida/qiyeweixin/stream` (reps) and `GET /zhugeleida/xiaochengxu/stream` (customers) are Server-Sent Events: " +
	"`event: chat` (the E28 item, `pollItem`), `event: radar` (the E47 item, `radarItem`), `event: hot_lead` (reps: " +
	"`{customer_id, customer_username, ai_pr, tier, previous, reasons}`); `id:` increases per principal and `Last-Event-ID` resumes."
