package http

import (
	"errors"
	"mime"
	"net/http"
	"strconv"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
	"leida/domain/paging"
	"leida/domain/validate"
	"leida/ports"
)

// maxMultipartMemory is kept in memory before spilling to temp files.
const maxMultipartMemory = 8 << 20

const ctxBodyErr = "leida.body_error"

// parseBody reads a form-encoded or multipart body once and remembers the
// outcome. A body that cannot be read as a form (another content type, bad
// escapes, over the parse limit) is an error, never an empty form: the
// boundary check (checkInput) answers it before any handler runs.
func parseBody(c echo.Context) error {
	r := c.Request()
	if r.PostForm != nil {
		err, _ := c.Get(ctxBodyErr).(error)
		return err
	}
	var err error
	switch {
	case (r.Method == http.MethodPost || r.Method == http.MethodPut || r.Method == http.MethodPatch) && !bodyIsForm(r):
		err = errNotAForm
	case isMultipart(r):
		err = r.ParseMultipartForm(maxMultipartMemory)
	default:
		err = r.ParseForm()
	}
	if err != nil {
		var mbe *http.MaxBytesError
		if errors.As(err, &mbe) {
			err = errs.TooLarge()
		}
		r.PostForm = map[string][]string{}
		c.Set(ctxBodyErr, err)
	}
	return err
}

var errNotAForm = errors.New("the body is not a form")

// isMultipart reports whether the body is declared multipart/form-data
// (media types are case-insensitive).
func isMultipart(r *http.Request) bool {
	mt, _, err := mime.ParseMediaType(r.Header.Get(echo.HeaderContentType))
	return err == nil && mt == echo.MIMEMultipartForm
}

// form is a body field: its last value (the legacy reads the last of
// repeated keys), and whether it was sent.
func form(c echo.Context, key string) validate.Field {
	_ = parseBody(c)
	return lastOf(c.Request().PostForm[key])
}

// formValue is a body field's value (empty when absent).
func formValue(c echo.Context, key string) string { return form(c, key).Value }

// lastOf is the last of a parameter's values, sent when there is one.
func lastOf(vs []string) validate.Field {
	if len(vs) == 0 {
		return validate.Field{}
	}
	return validate.Field{Value: vs[len(vs)-1], Sent: true}
}

// query returns the last value of a query parameter.
func query(c echo.Context, key string) string { return queryField(c, key).Value }

// pathID is the numeric path id (routes only match digits).
func pathID(c echo.Context) int64 {
	n, _ := strconv.ParseInt(c.Param("id"), 10, 64)
	return n
}

// queryField is a query parameter: its last value, and whether it was sent.
func queryField(c echo.Context, key string) validate.Field { return lastOf(c.QueryParams()[key]) }

// listQuery reads paging, order and the named filters from the query string.
// Bad paging (a paging parameter sent empty included) answers 402 请求异常
// with the error object in data.
func listQuery(c echo.Context, defLength int, filters ...string) (ports.ListQuery, error) {
	f := validate.New()
	p := paging.ParseSent(f, queryField(c, "current_page"), queryField(c, "length"), defLength)
	if err := f.ErrRequest(); err != nil {
		return ports.ListQuery{}, err
	}
	q := ports.ListQuery{Page: p, Order: query(c, "order"), Filters: map[string]string{}}
	for _, name := range filters {
		if v := query(c, name); v != "" {
			q.Filters[name] = v
		}
	}
	return q, nil
}
