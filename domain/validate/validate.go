// Package validate checks form input with the legacy's messages and collects
// them into the legacy validation object, in field order.
package validate

import (
	"fmt"
	"net/mail"
	"regexp"
	"strconv"
	"strings"
	"time"

	"leida/domain/errs"
)

// Django's English defaults, which the legacy shows where it has no message of its own.
const (
	MsgRequired = "This field is required."
	MsgInt      = "Enter a whole number."
	MsgDate     = "Enter a valid date."
	MsgEmail    = "Enter a valid email address."
	MsgMobile   = "手机号码格式错误"
	// Text the database cannot store (Django's messages).
	MsgNullCharacters = "Null characters are not allowed."
	MsgInvalidText    = "Enter a valid value."
)

// Codes inside a field error.
const (
	CodeRequired = "required"
	CodeInvalid  = "invalid"
	CodeCustom   = ""
	// CodeNullCharacters is Django's code for a NUL byte in text.
	CodeNullCharacters = "null_characters_not_allowed"
)

// Field is a form value and whether it was sent at all: an update keeps
// what an absent optional field names, and a sent one, empty included,
// replaces it.
type Field struct {
	Value string
	Sent  bool
}

// Form accumulates field errors.
type Form struct{ fields errs.FieldErrors }

// New starts an empty form.
func New() *Form { return &Form{} }

// Add records a custom error on field (code "").
func (f *Form) Add(field, msg string) { f.AddCode(field, msg, CodeCustom) }

// AddCode records an error with an explicit code.
func (f *Form) AddCode(field, msg, code string) {
	f.fields = append(f.fields, errs.FieldError{Field: field, Message: msg, Code: code})
}

// Failed reports whether field already has an error.
func (f *Form) Failed(field string) bool { return f.fields.Has(field) }

// OK reports whether no field failed.
func (f *Form) OK() bool { return len(f.fields) == 0 }

// Fields returns the collected errors.
func (f *Form) Fields() errs.FieldErrors { return f.fields }

// Err returns nil or a validation error with the object in msg.
func (f *Form) Err(code int) error {
	if f.OK() {
		return nil
	}
	return errs.Invalid(code, f.fields)
}

// ErrRequest returns nil or the 402 请求异常 request error, the object in data.
func (f *Form) ErrRequest() error {
	if f.OK() {
		return nil
	}
	return errs.RequestError(f.fields)
}

// Required returns the trimmed value, or records msg (code "required") when empty.
func (f *Form) Required(field, value, msg string) string {
	v := strings.TrimSpace(value)
	if v == "" {
		f.AddCode(field, msg, CodeRequired)
	}
	return v
}

// Unique returns the trimmed value of a required field of at most max runes
// that must not be taken, recording requiredMsg when it is empty, Django's
// max_length error when it is longer, else takenMsg when taken (asked only
// for a value that passed both) reports it taken.
func (f *Form) Unique(field, value, requiredMsg string, max int, takenMsg string, taken func(string) (bool, error)) (string, error) {
	v := f.Required(field, value, requiredMsg)
	if v == "" {
		return v, nil
	}
	f.MaxLen(field, v, max)
	if f.Failed(field) {
		return v, nil
	}
	t, err := taken(v)
	if err != nil {
		return v, err
	}
	if t {
		f.Add(field, takenMsg)
	}
	return v, nil
}

// Refused is the validation error code with one custom error on field: a
// write a unique key refused after its form passed.
func Refused(code int, field, msg string) error {
	f := New()
	f.Add(field, msg)
	return f.Err(code)
}

// MaxLen records a Django-style length error when v is longer than n runes.
func (f *Form) MaxLen(field, v string, n int) {
	if l := len([]rune(v)); l > n {
		f.AddCode(field, fmt.Sprintf("Ensure this value has at most %d characters (it has %d).", n, l), "max_length")
	}
}

// ParseInt parses a form integer the way the legacy does (surrounding
// whitespace and a sign allowed).
func ParseInt(value string) (int64, bool) {
	n, err := strconv.ParseInt(strings.TrimSpace(value), 10, 64)
	return n, err == nil
}

// Int parses a required integer. requiredMsg and invalidMsg default to
// Django's messages when empty.
func (f *Form) Int(field, value, requiredMsg, invalidMsg string) int64 {
	if strings.TrimSpace(value) == "" {
		f.AddCode(field, or(requiredMsg, MsgRequired), CodeRequired)
		return 0
	}
	n, ok := ParseInt(value)
	if !ok {
		f.AddCode(field, or(invalidMsg, MsgInt), CodeInvalid)
	}
	return n
}

// OptionalInt parses an integer when given; present reports whether it was.
func (f *Form) OptionalInt(field, value, invalidMsg string) (n int64, present bool) {
	if strings.TrimSpace(value) == "" {
		return 0, false
	}
	n, ok := ParseInt(value)
	if !ok {
		f.AddCode(field, or(invalidMsg, MsgInt), CodeInvalid)
		return 0, false
	}
	return n, true
}

// MaxLongText bounds the free texts the legacy left unbounded (chat
// messages, notes, signatures, addresses, memos).
const MaxLongText = 5000

// Column ranges of integers stored or compared in the database.
const (
	MaxSmallInt = 1<<15 - 1
	MinSmallInt = -1 << 15
	MaxInt      = 1<<31 - 1
	MinInt      = -1 << 31
)

// Within records Django's min_value/max_value errors when n is outside
// [lo, hi] (the range of the column it goes to) and reports whether it is inside.
func (f *Form) Within(field string, n, lo, hi int64) bool {
	switch {
	case n > hi:
		f.AddCode(field, fmt.Sprintf("Ensure this value is less than or equal to %d.", hi), "max_value")
	case n < lo:
		f.AddCode(field, fmt.Sprintf("Ensure this value is greater than or equal to %d.", lo), "min_value")
	default:
		return true
	}
	return false
}

// Choice checks an optional integer choice; def is returned when absent.
func (f *Form) Choice(field, value string, def int64, allowed ...int64) int64 {
	v := strings.TrimSpace(value)
	if v == "" {
		return def
	}
	n, ok := ParseInt(v)
	if ok {
		for _, a := range allowed {
			if n == a {
				return n
			}
		}
	}
	f.InvalidChoice(field, v)
	return def
}

// InvalidChoice records Django's invalid_choice error; shown is the value
// as the message echoes it.
func (f *Form) InvalidChoice(field, shown string) {
	f.AddCode(field, "Select a valid choice. "+shown+" is not one of the available choices.", "invalid_choice")
}

var dateRe = regexp.MustCompile(`^(\d{4})-(\d{1,2})-(\d{1,2})$`)

// ParseDate accepts YYYY-M-D and YYYY-MM-DD.
func ParseDate(value string) (time.Time, bool) {
	m := dateRe.FindStringSubmatch(strings.TrimSpace(value))
	if m == nil {
		return time.Time{}, false
	}
	y, _ := strconv.Atoi(m[1])
	mo, _ := strconv.Atoi(m[2])
	d, _ := strconv.Atoi(m[3])
	t := time.Date(y, time.Month(mo), d, 0, 0, 0, 0, time.UTC)
	if t.Year() != y || int(t.Month()) != mo || t.Day() != d {
		return time.Time{}, false
	}
	return t, true
}

// OptionalDate parses a date when given.
func (f *Form) OptionalDate(field, value string) (t time.Time, present bool) {
	if strings.TrimSpace(value) == "" {
		return time.Time{}, false
	}
	t, ok := ParseDate(value)
	if !ok {
		f.AddCode(field, MsgDate, CodeInvalid)
		return time.Time{}, false
	}
	return t, true
}

// Date parses a required date.
func (f *Form) Date(field, value, requiredMsg string) time.Time {
	if strings.TrimSpace(value) == "" {
		f.AddCode(field, or(requiredMsg, MsgRequired), CodeRequired)
		return time.Time{}
	}
	t, _ := f.OptionalDate(field, value)
	return t
}

// OptionalEmail checks an e-mail address when given.
func (f *Form) OptionalEmail(field, value string) string {
	v := strings.TrimSpace(value)
	if v == "" {
		return ""
	}
	if !IsEmail(v) {
		f.AddCode(field, MsgEmail, CodeInvalid)
	}
	return v
}

// IsEmail is a plain address check (local@domain.tld).
func IsEmail(v string) bool {
	a, err := mail.ParseAddress(v)
	if err != nil || a.Address != v || a.Name != "" {
		return false
	}
	at := strings.LastIndexByte(v, '@')
	return at > 0 && strings.Contains(v[at+1:], ".")
}

var mobileRe = regexp.MustCompile(`^(13[0-9]|15[0-35-9]|17[6-8]|18[0-9]|14[57])\d{8}$`)

// IsMobile is the legacy's mainland mobile-number rule.
func IsMobile(v string) bool { return mobileRe.MatchString(v) }

// Mobile checks a required mobile number.
func (f *Form) Mobile(field, value, requiredMsg string) string {
	v := f.Required(field, value, or(requiredMsg, MsgRequired))
	if v != "" && !IsMobile(v) {
		f.Add(field, MsgMobile)
	}
	return v
}

// OptionalMobile checks a mobile number only when given.
func (f *Form) OptionalMobile(field, value string) string {
	v := strings.TrimSpace(value)
	if v != "" && !IsMobile(v) {
		f.Add(field, MsgMobile)
	}
	return v
}

func or(a, b string) string {
	if a != "" {
		return a
	}
	return b
}
