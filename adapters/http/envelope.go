// Package http is the HTTP adapter: Echo v4, the legacy envelope and codes,
// the route table, authentication and the handlers.
package http

import (
	"bytes"
	"encoding/json"
	"net/http"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/errs"
)

// envelope is every answer: {"code","msg","data"} in that order.
type envelope struct {
	Code int `json:"code"`
	Msg  any `json:"msg"`
	Data any `json:"data"`
}

// empty is the legacy default data: {}.
type empty struct{}

const ctxEnvelopeCode = "leida.envelope_code"

// writeJSON renders v as UTF-8 JSON without HTML escaping.
func writeJSON(c echo.Context, status int, v any) error {
	b, err := marshalNoEscape(v)
	if err != nil {
		return err
	}
	return c.Blob(status, echo.MIMEApplicationJSON, b)
}

// marshalNoEscape is json.Marshal without HTML escaping (the legacy's JSON
// leaves <, > and & alone).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// object is a JSON object whose keys keep their order (the legacy's numeric
// keys "1".."12" must not sort as strings).
type object []field

type field struct {
	Key   string
	Value any
}

// MarshalJSON renders the fields in order, without HTML escaping.
func (o object) MarshalJSON() ([]byte, error) {
	var buf bytes.Buffer
	buf.WriteByte('{')
	for i, f := range o {
		if i > 0 {
			buf.WriteByte(',')
		}
		k, err := marshalNoEscape(f.Key)
		if err != nil {
			return nil, err
		}
		v, err := marshalNoEscape(f.Value)
		if err != nil {
			return nil, err
		}
		buf.Write(k)
		buf.WriteByte(':')
		buf.Write(v)
	}
	buf.WriteByte('}')
	return buf.Bytes(), nil
}

// fieldItem is one error of a field in the legacy validation object.
type fieldItem struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// fieldObject is the legacy validation object
// {"field":[{"message":..,"code":..}],...}, fields in the order they failed.
func fieldObject(fe errs.FieldErrors) object {
	o := object{}
	at := map[string]int{}
	for _, e := range fe {
		item := fieldItem{Message: e.Message, Code: e.Code}
		if i, ok := at[e.Field]; ok {
			o[i].Value = append(o[i].Value.([]fieldItem), item)
			continue
		}
		at[e.Field] = len(o)
		o = append(o, field{Key: e.Field, Value: []fieldItem{item}})
	}
	return o
}

// respond writes an envelope with HTTP status.
func respond(c echo.Context, status, code int, msg, data any) error {
	if data == nil {
		data = empty{}
	}
	if msg == nil {
		msg = ""
	}
	c.Set(ctxEnvelopeCode, code)
	return writeJSON(c, status, envelope{Code: code, Msg: msg, Data: data})
}

// ok is a 200 success envelope.
func ok(c echo.Context, msg string, data any) error {
	return respond(c, http.StatusOK, 200, msg, data)
}

// page is the legacy list payload.
type page[T any] struct {
	RetData   []T `json:"ret_data"`
	DataCount int `json:"data_count"`
}

func newPage[T any](items []T, count int) page[T] {
	if items == nil {
		items = []T{}
	}
	return page[T]{RetData: items, DataCount: count}
}

// wireTime is the legacy date-time: 2006-01-02T15:04:05, plus .mmm when the
// sub-second part is non-zero, in the configured zone.
func wireTime(t time.Time, loc *time.Location) string {
	t = t.In(loc)
	s := t.Format("2006-01-02T15:04:05")
	if us := t.Nanosecond() / 1000; us != 0 {
		ms := t.Nanosecond() / 1e6
		s += "." + string([]byte{byte('0' + ms/100), byte('0' + ms/10%10), byte('0' + ms%10)})
	}
	return s
}

// wireTimePtr renders a nullable date-time (null when absent).
func wireTimePtr(t *time.Time, loc *time.Location) any {
	if t == nil {
		return nil
	}
	return wireTime(*t, loc)
}

// wireTimeOrNull is wireTime, or null for the zero time (never happened).
func wireTimeOrNull(t time.Time, loc *time.Location) any {
	if t.IsZero() {
		return nil
	}
	return wireTime(t, loc)
}
