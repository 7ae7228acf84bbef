package http

import (
	"errors"
	"mime"
	"net/http"
	"net/url"
	"sort"
	"strings"
	"unicode/utf8"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
	"leida/domain/validate"
)

// inputError is how an endpoint answers input it cannot accept: its
// validation code, with the field errors in msg, or in data under 请求异常.
type inputError struct {
	code   int
	inData bool
}

// The validation answers of the endpoints.
var (
	invalidData  = inputError{errs.CodeInvalidData, false} // add and send forms
	invalidForm  = inputError{errs.CodeInvalidForm, false} // update forms
	invalidQuery = inputError{errs.CodeRequestError, true} // query forms (lists, radar, chat reads, cards) and the card editor
)

func (ie inputError) err(f *validate.Form) error {
	if ie.inData {
		return f.ErrRequest()
	}
	return f.Err(ie.code)
}

// invalidInput is the route's validation answer: the one it names, else
// that of a query form for GET and of an add form for other methods.
func (rt route) invalidInput(method string) inputError {
	switch {
	case rt.invalid != (inputError{}):
		return rt.invalid
	case method == http.MethodGet || method == http.MethodHead:
		return invalidQuery
	}
	return invalidData
}

// MaxTextLen bounds any one text parameter at the boundary; fields with a
// smaller legacy max_length are checked by their forms.
const MaxTextLen = 20000

// checkInput is the one check of untrusted text at the boundary, before any
// handler runs: every query parameter and body field (names and values) is
// valid UTF-8 without NUL bytes and of bounded size, and a body is readable
// as the form it claims to be. Bad input answers the route's validation
// error with a field error per bad field (Django's messages), and nothing is
// written.
func checkInput(c echo.Context, rt route) error {
	r := c.Request()
	f := validate.New()
	if _, err := url.ParseQuery(r.URL.RawQuery); err != nil {
		// A bad escape or a ';' in the query: refused as such, not dropped.
		f.AddCode("query", validate.MsgInvalidText, validate.CodeInvalid)
		return rt.invalidInput(r.Method).err(f)
	}
	if err := parseBody(c); err != nil {
		var e *errs.Error
		if errors.As(err, &e) && e.Kind == errs.KindTooLarge {
			return err
		}
		f.AddCode("body", "请求体不是有效的表单", validate.CodeInvalid)
		return rt.invalidInput(r.Method).err(f)
	}
	checkValues(f, c.QueryParams())
	if r.PostForm != nil {
		checkValues(f, r.PostForm)
	}
	if r.MultipartForm != nil {
		checkValues(f, r.MultipartForm.Value)
		for name := range r.MultipartForm.File {
			checkName(f, name)
		}
	}
	return rt.invalidInput(r.Method).err(f)
}

// checkValues checks every name and value, in name order (a stable answer).
func checkValues(f *validate.Form, vs url.Values) {
	names := make([]string, 0, len(vs))
	for k := range vs {
		names = append(names, k)
	}
	sort.Strings(names)
	for _, k := range names {
		if checkName(f, k) {
			continue
		}
		for _, v := range vs[k] {
			if checkText(f, k, v) {
				break
			}
		}
	}
}

// checkName records the problem of a parameter name, reported under the
// name made printable, and reports whether there was one.
func checkName(f *validate.Form, name string) bool {
	return checkText(f, strings.ReplaceAll(strings.ToValidUTF8(name, "\uFFFD"), "\x00", "\uFFFD"), name)
}

// checkText records the first problem of one text under field and reports
// whether there was one.
func checkText(f *validate.Form, field, text string) bool {
	name := field
	if f.Failed(name) {
		return true
	}
	switch {
	case !utf8.ValidString(text):
		f.AddCode(name, validate.MsgInvalidText, validate.CodeInvalid)
	case strings.IndexByte(text, 0) >= 0:
		f.AddCode(name, validate.MsgNullCharacters, validate.CodeNullCharacters)
	default:
		if n := utf8.RuneCountInString(text); n > MaxTextLen {
			f.MaxLen(name, text, MaxTextLen)
			return true
		}
		return false
	}
	return true
}

// bodyIsForm reports whether a request body can be read as a form: no body,
// or a form-encoded or multipart one.
func bodyIsForm(r *http.Request) bool {
	if r.Body == nil || r.Body == http.NoBody || r.ContentLength == 0 {
		return true
	}
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	return err == nil && (mt == echo.MIMEApplicationForm || mt == echo.MIMEMultipartForm)
}
