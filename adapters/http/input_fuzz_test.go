package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"mime/multipart"
	"net/http"
	"net/http/httptest"
	"net/url"
	"sort"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/golang/mock/gomock"
	"github.com/labstack/echo/v4"

	"leida/adapters/http/mocks"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

// Fuzz targets of the boundary check of untrusted text (checkInput,
// checkValues, checkText, bodyIsForm, parseBody). The
// seeds (f.Add below and testdata/fuzz/) run with every `go test`; `make
// fuzz` explores further.

// textProblem is the boundary's rule written out: the field error code of
// one text, "" when it is fine.
func textProblem(s string) string {
	switch {
	case !utf8.ValidString(s):
		return "invalid"
	case strings.IndexByte(s, 0) >= 0:
		return "null_characters_not_allowed"
	case utf8.RuneCountInString(s) > MaxTextLen:
		return "max_length"
	}
	return ""
}

// shownName is how a bad parameter name is shown as a field: every run of
// invalid bytes, and every NUL, as U+FFFD.
func shownName(s string) string {
	var b strings.Builder
	prevBad := false
	for i := 0; i < len(s); {
		r, n := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && n == 1:
			if !prevBad {
				b.WriteRune(utf8.RuneError)
			}
			prevBad = true
		case r == 0:
			b.WriteRune(utf8.RuneError)
			prevBad = false
		default:
			b.WriteString(s[i : i+n])
			prevBad = false
		}
		i += n
	}
	return b.String()
}

// expectedFields is what the boundary should refuse in vs: per name (in
// name order) the name's problem, else its first bad value's; field → code.
func expectedFields(out map[string]string, vs map[string][]string) {
	names := make([]string, 0, len(vs))
	for k := range vs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if p := textProblem(k); p != "" {
			if _, dup := out[shownName(k)]; !dup {
				out[shownName(k)] = p
			}
			continue
		}
		for _, v := range vs[k] {
			if p := textProblem(v); p != "" {
				if _, dup := out[k]; !dup {
					out[k] = p
				}
				break
			}
		}
	}
}

type panicReporter struct{}

func (panicReporter) Errorf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }
func (panicReporter) Fatalf(format string, args ...any) { panic(fmt.Sprintf(format, args...)) }

// short quotes s for a message, cut to a readable length.
func short(s string) string {
	if len(s) > 80 {
		return fmt.Sprintf("%q…(%d bytes)", s[:80], len(s))
	}
	return fmt.Sprintf("%q", s)
}

var fuzzLogger = slog.New(slog.NewTextHandler(io.Discard, nil))

// fieldCodes decodes the field errors of a validation envelope.
func fieldCodes(t *testing.T, raw json.RawMessage) map[string]string {
	t.Helper()
	var got map[string][]struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("field errors %s: %v", raw, err)
	}
	out := map[string]string{}
	for k, v := range got {
		if len(v) != 1 || v[0].Message == "" {
			t.Fatalf("field %q: %+v", k, v)
		}
		out[k] = v[0].Code
	}
	return out
}

func sameValues(a, b map[string][]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		w, ok := b[k]
		if !ok || strings.Join(v, "\x00") != strings.Join(w, "\x00") || len(v) != len(w) {
			return false
		}
	}
	return true
}

func sameCodes(a, b map[string]string) bool {
	if len(a) != len(b) {
		return false
	}
	for k, v := range a {
		if w, ok := b[k]; !ok || w != v {
			return false
		}
	}
	return true
}

// FuzzBoundaryField sends one parameter (name and value of any bytes) in the
// query of GET /healthz, or in the query, the form-encoded body or the
// multipart body of the admin login, through the whole server (the login's
// use case is a mock that refuses every password): the answer is never
// HTTP 500; valid UTF-8 without NUL and within MaxTextLen reaches the
// handler (/healthz 200, the login 401), anything else is the route's
// validation error on exactly that field (NUL: null_characters_not_allowed,
// bad UTF-8: invalid, too long: max_length).
func FuzzBoundaryField(f *testing.F) {
	for _, c := range []struct{ key, value string }{
		{"name", "张三"}, {"name", ""}, {"name", "a\x00b"}, {"name", "\xff\xfe"}, {"name", "\xed\xa0\x80"}, {"name", "\xc0\x80"},
		{"name\x00", "x"}, {"\xff", "x"}, {"na\xffme", "\x00"}, {"name", "\uFFFD"}, {"name", "😀\u200b\u202e"},
		{"a b", "c&d=e"}, {"%zz", "%00"}, {"username", "admin"}, {"password", "p\x00ss"}, {"user_id", "1\x00"},
		{"", "x"}, {"", ""},
	} {
		for where := uint8(0); where < 4; where++ {
			f.Add(c.key, c.value, where, uint16(0))
		}
	}
	for where := uint8(0); where < 4; where++ {
		f.Add("name", "长", where, uint16(0x8000|MaxTextLen))     // at the bound: fine
		f.Add("name", "x", where, uint16(0x8000|(MaxTextLen+1))) // over it
		f.Add("name", "ab", where, uint16(0x8000|(MaxTextLen/2+1)))
		f.Add(strings.Repeat("k", 100), "v", where, uint16(0x8000|300)) // a long value of a long name
	}
	f.Add("", "a\x00", uint8(1), uint16(0)) // an empty name with a bad value: see emptyNameIssue

	// The mocks outlive one input: their reporter panics (gomock would call
	// f.Helper, which a fuzz function may not).
	ctrl := gomock.NewController(panicReporter{})
	auth := mocks.NewMockAuthenticator(ctrl)
	auth.EXPECT().Login(gomock.Any(), gomock.Any()).Return(ports.LoginResult{}, errs.BadCredentials()).AnyTimes()
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1, CompanyID: 1, Level: org.LevelMember}, nil).AnyTimes()
	auth.EXPECT().AuthenticateCustomer(gomock.Any(), gomock.Any()).Return(customer.Visitor{CustomerID: 1}, nil).AnyTimes()
	srv := NewServer(&Handlers{Auth: auth, Config: Config{Location: time.UTC, Logger: fuzzLogger}})

	f.Fuzz(func(t *testing.T, key, value string, where uint8, times uint16) {
		// Long values without long corpus entries: with the top bit of
		// times set, the value is repeated (times & 0x7fff) times, up to
		// 64 KiB.
		if n := int(times & 0x7fff); times&0x8000 != 0 && len(value) > 0 {
			value = strings.Repeat(value, max(1, min(n, (1<<16)/len(value))))
		}
		form := url.Values{key: {value}}
		var req *http.Request
		unreadableBody := false
		okCode, refusedCode, inData := 401, 301, false
		switch where % 4 {
		case 0:
			req = httptest.NewRequest(http.MethodGet, "/healthz?"+form.Encode(), nil)
			okCode, refusedCode, inData = 200, 402, true
		case 1:
			req = httptest.NewRequest(http.MethodPost, "/zhugeleida/admin/login?"+form.Encode(), nil)
		case 2:
			req = httptest.NewRequest(http.MethodPost, "/zhugeleida/admin/login", strings.NewReader(form.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		case 3:
			var body bytes.Buffer
			w := multipart.NewWriter(&body)
			_ = w.WriteField(key, value)
			_ = w.Close()
			req = httptest.NewRequest(http.MethodPost, "/zhugeleida/admin/login", &body)
			req.Header.Set("Content-Type", w.FormDataContentType())
			// The name a multipart reader gets back (quotes escaped, some
			// names not representable): read it the way the server will.
			mr := multipart.NewReader(bytes.NewReader(body.Bytes()), w.Boundary())
			mf, err := mr.ReadForm(maxMultipartMemory)
			if err != nil {
				// Not representable (a NUL or line break in a header):
				// the body is unreadable.
				form, unreadableBody = nil, true
			} else {
				form = mf.Value
			}
		}
		if where%4 != 3 {
			// Query strings and form bodies carry any bytes.
			got, err := url.ParseQuery(form.Encode())
			if err != nil || len(got) != 1 || len(got[key]) != 1 || got[key][0] != value {
				t.Fatalf("%s=%s encodes as %s, read back differently (%v)", short(key), short(value), short(form.Encode()), err)
			}
		}
		want := map[string]string{}
		if unreadableBody {
			want["body"] = "invalid"
		}
		expectedFields(want, form)

		rec := httptest.NewRecorder()
		srv.ServeHTTP(rec, req)
		var env struct {
			Code int             `json:"code"`
			Msg  json.RawMessage `json:"msg"`
			Data json.RawMessage `json:"data"`
		}
		if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil {
			t.Fatalf("%s=%s (where %d): HTTP %d %s", short(key), short(value), where%4, rec.Code, rec.Body)
		}
		if len(want) == 0 {
			if env.Code != okCode {
				t.Fatalf("%s=%s (where %d) was refused: %s", short(key), short(value), where%4, rec.Body)
			}
			return
		}
		fields := env.Msg
		if inData {
			fields = env.Data
		}
		if env.Code != refusedCode {
			t.Fatalf("%s=%s (where %d): %s, want code %d on %v", short(key), short(value), where%4, rec.Body, refusedCode, want)
		}
		if got := fieldCodes(t, fields); !sameCodes(got, want) {
			emptyNameIssue(t, form)
			t.Fatalf("%s=%s (where %d): fields %v, want %v", short(key), short(value), where%4, got, want)
		}
	})
}

var fuzzMethods = []string{http.MethodGet, http.MethodPost, http.MethodPut, http.MethodPatch, http.MethodDelete, http.MethodHead, http.MethodOptions, "VIEW"}

// bodyReading is how a body should be read.
type bodyReading int

const (
	readable   bodyReading = iota
	unreadable             // the "body" error
	either                 // an empty body under a form-ish or malformed type: no values, refusing is fine too
)

// expectedBody reads a body the way its declared type says, independently
// of parseBody: the values and file names a POST carries, or whether it is
// not a readable form.
func expectedBody(contentType string, body []byte) (values map[string][]string, files []string, how bodyReading) {
	mt, params, err := mime.ParseMediaType(contentType)
	if len(body) == 0 {
		if contentType == "" || (err == nil && mt != echo.MIMEMultipartForm) {
			return nil, nil, readable
		}
		return nil, nil, either
	}
	if err != nil {
		return nil, nil, unreadable
	}
	switch mt {
	case echo.MIMEApplicationForm:
		if len(body) > 10<<20 {
			return nil, nil, unreadable
		}
		v, err := url.ParseQuery(string(body))
		if err != nil {
			return nil, nil, unreadable
		}
		return v, nil, readable
	case echo.MIMEMultipartForm:
		if params["boundary"] == "" {
			return nil, nil, unreadable
		}
		mf, err := multipart.NewReader(bytes.NewReader(body), params["boundary"]).ReadForm(maxMultipartMemory)
		if err != nil {
			return nil, nil, unreadable
		}
		defer func() { _ = mf.RemoveAll() }()
		for k := range mf.File {
			files = append(files, k)
		}
		return mf.Value, files, readable
	}
	return nil, nil, unreadable
}

// multipartCaseIssue skips an input that only shows the reported issue:
// parseBody tells multipart bodies by a case-sensitive prefix of the
// Content-Type, so "Multipart/Form-Data; boundary=X" (media types are
// case-insensitive) passes bodyIsForm and is then read by ParseForm, which
// leaves multipart alone: an empty form, whatever the body holds, never
// checked, never refused.
func multipartCaseIssue(t *testing.T, contentType string) {
	t.Helper()
	if mt, _, err := mime.ParseMediaType(contentType); err == nil && mt == echo.MIMEMultipartForm && !strings.HasPrefix(contentType, echo.MIMEMultipartForm) {
		t.Skipf("issue: parseBody matches the multipart media type case-sensitively: a body sent as %s is read as an empty form, unread and unchecked", short(contentType))
	}
}

// emptyNameIssue skips an input that only shows the reported issue (called
// when the fields refused are not the expected ones): a bad value under an
// empty parameter name is reported under the value's text, not under "".
func emptyNameIssue(t *testing.T, vs map[string][]string) {
	t.Helper()
	for _, v := range vs[""] {
		if textProblem(v) != "" {
			t.Skipf("issue: checkValues reports the bad value of an empty parameter name under the value itself (%q), not under the field \"\"", shownName(v))
		}
	}
}

// FuzzBoundaryRaw gives checkInput any method, raw query, content type and
// body on any route of the table: it never panics, and its answer is never an
// internal error (never HTTP 500): nothing, or the route's validation
// answer. For a POST, PUT or PATCH, a body is read as the form its content
// type declares (media types are case-insensitive) and one that cannot be
// is the "body" error; other methods' bodies are not read; and then every
// query and body name and value is checked: the fields refused are exactly
// the bad ones.
func FuzzBoundaryRaw(f *testing.F) {
	mp := "--X\r\nContent-Disposition: form-data; name=\"sign\"\r\n\r\nhello\r\n--X--\r\n"
	mpNul := "--X\r\nContent-Disposition: form-data; name=\"sign\"\r\n\r\nhe\x00llo\r\n--X--\r\n"
	mpFile := "--X\r\nContent-Disposition: form-data; name=\"ph\xffoto\"; filename=\"a.png\"\r\nContent-Type: image/png\r\n\r\n\x89PNG\r\n--X--\r\n"
	for _, c := range []struct {
		method          uint8
		query, ct, body string
		route           uint16
	}{
		{0, "user_id=1&timestamp=1&rand_str=x", "", "", 2},
		{0, "name=%00", "", "", 2},
		{0, "name=%FF", "", "", 2},
		{0, "na%00me=1", "", "", 2},
		{0, "a=%zz&b=%00", "", "", 2},
		{0, "a;b=%00", "", "", 2},
		{0, "a=1&a=%00&a=%ff", "", "", 2},
		{1, "", "application/x-www-form-urlencoded", "sign=hello", 2},
		{1, "", "application/x-www-form-urlencoded", "sign=he%00llo", 2},
		{1, "", "application/x-www-form-urlencoded", "sign=%zz", 2},
		{1, "", "application/x-www-form-urlencoded; charset=utf-8", "sign=%E4%BD%A0", 2},
		{1, "", "Application/X-WWW-Form-URLEncoded", "sign=%FF", 2},
		{1, "", "application/json", `{"sign":"x"}`, 2},
		{1, "", "", "sign=x", 2},
		{1, "", "text/plain", "sign=x", 2},
		{1, "", "application/x-www-form-urlencoded;;", "sign=x", 2},
		{1, "", "multipart/form-data; boundary=X", mp, 2},
		{1, "", "multipart/form-data; boundary=X", mpNul, 2},
		{1, "", "multipart/form-data; boundary=X", mpFile, 2},
		{1, "", "multipart/form-data", mp, 2},
		{1, "", "multipart/form-data; boundary=X", "--X\r\nnot a part", 2},
		{1, "", "multipart/form-dataX; boundary=X", mp, 2},
		{1, "", "multipart/form-data; boundary=\"X\"", mp, 2},
		{1, "", "Multipart/Form-Data; boundary=X", mp, 2},
		{1, "", "multipart/form-data; boundary=X", "", 2},
		{1, "", "text/plain;;", "", 2},
		{2, "", "application/x-www-form-urlencoded", "a=%00", 2},
		{3, "", "application/json", "{}", 2},
		{4, "", "application/json", "{}", 2},
		{0, "", "multipart/form-data; boundary=X", mpNul, 2},
	} {
		for _, route := range []uint16{c.route, 60, 90, 200} {
			f.Add(c.method, c.query, c.ct, []byte(c.body), route)
		}
	}
	routes := routeTable()
	e := echo.New()
	handle := errorHandler(fuzzLogger)
	f.Fuzz(func(t *testing.T, method uint8, rawQuery, contentType string, body []byte, routeIdx uint16) {
		rt := routes[int(routeIdx)%len(routes)]
		m := fuzzMethods[int(method)%len(fuzzMethods)]
		req := httptest.NewRequest(m, "/", bytes.NewReader(body))
		req.URL.RawQuery = rawQuery
		if contentType != "" {
			req.Header.Set("Content-Type", contentType)
		}
		rec := httptest.NewRecorder()
		c := e.NewContext(req, rec)
		err := checkInput(c, rt)
		defer func() {
			if req.MultipartForm != nil {
				_ = req.MultipartForm.RemoveAll()
			}
		}()

		var got map[string]string
		if err != nil {
			te, ok := errs.As(err)
			want := rt.invalidInput(m)
			if !ok || te.Kind != errs.KindValidation || te.Code != want.code || te.FieldsInData != want.inData || len(te.Fields) == 0 {
				t.Fatalf("%s %s ?%q %q %q: %v, want the route's validation error", m, rt.path, rawQuery, contentType, body, err)
			}
			got = map[string]string{}
			for _, fe := range te.Fields {
				if _, dup := got[fe.Field]; dup {
					t.Fatalf("two errors on %q: %+v", fe.Field, te.Fields)
				}
				got[fe.Field] = fe.Code
			}
			handle(err, c)
			if rec.Code != http.StatusOK {
				t.Fatalf("%s %s: HTTP %d %s", m, rt.path, rec.Code, rec.Body)
			}
		}
		withBody := m == http.MethodPost || m == http.MethodPut || m == http.MethodPatch
		if !withBody && strings.HasPrefix(contentType, echo.MIMEMultipartForm) {
			return // read as multipart whatever the method: not specified further
		}

		query, qerr := url.ParseQuery(rawQuery)
		if qerr != nil {
			// A query url.ParseQuery refuses is refused as such, before the body.
			if len(got) != 1 || got["query"] != "invalid" {
				t.Fatalf("%s %s ?%q: refused %v, want only the query", m, rt.path, rawQuery, got)
			}
			return
		}
		var bodyValues map[string][]string
		var files []string
		how := readable // other methods: the body is not read
		if withBody {
			bodyValues, files, how = expectedBody(contentType, body)
		}
		want := map[string]string{}
		if how == unreadable {
			want["body"] = "invalid"
		} else {
			expectedFields(want, query)
			expectedFields(want, bodyValues)
			for _, name := range files {
				if p := textProblem(name); p != "" {
					if _, dup := want[shownName(name)]; !dup {
						want[shownName(name)] = p
					}
				}
			}
			if how == either && got["body"] != "" {
				want = map[string]string{"body": "invalid"} // refused before anything else
			}
		}
		if how == readable && err == nil {
			// What the handlers will read (form, upload) is the body sent.
			var gotFiles []string
			if req.MultipartForm != nil {
				for k := range req.MultipartForm.File {
					gotFiles = append(gotFiles, k)
				}
			}
			sort.Strings(files)
			sort.Strings(gotFiles)
			if !sameValues(req.PostForm, bodyValues) || strings.Join(gotFiles, "\x00") != strings.Join(files, "\x00") {
				multipartCaseIssue(t, contentType)
				t.Fatalf("%s %q %q: the handlers read %v, files %v; the body holds %v, files %v", m, contentType, body, req.PostForm, gotFiles, bodyValues, files)
			}
		}
		if len(want) == 0 {
			if err != nil {
				t.Fatalf("%s %s ?%q %q %q refused (%v) but is fine", m, rt.path, rawQuery, contentType, body, got)
			}
			return
		}
		if !sameCodes(got, want) {
			if withBody {
				multipartCaseIssue(t, contentType)
			}
			emptyNameIssue(t, query)
			emptyNameIssue(t, bodyValues)
			if err == nil {
				t.Fatalf("%s %s ?%q %q %q accepted, want errors %v", m, rt.path, rawQuery, contentType, body, want)
			}
			t.Fatalf("%s %s ?%q %q %q: errors %v, want %v", m, rt.path, rawQuery, contentType, body, got, want)
		}
	})
}
