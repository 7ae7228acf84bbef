// Package paging is the legacy list paging: 1-based current_page and length,
// length 0 meaning "everything".
package paging

import (
	"strings"

	"leida/domain/validate"
)

// Legacy messages for bad paging parameters.
const (
	MsgPage   = "页码数据类型错误"
	MsgLength = "页显示数量类型错误"
)

// Page is a validated page request.
type Page struct {
	Number int // 1-based
	Length int // 0 = no paging
}

// Offset of the first row.
func (p Page) Offset() int {
	if p.Length == 0 {
		return 0
	}
	return (p.Number - 1) * p.Length
}

// Limit of rows, -1 for none.
func (p Page) Limit() int {
	if p.Length == 0 {
		return -1
	}
	return p.Length
}

// Slice applies the page to n rows and returns the [from, to) bounds.
func (p Page) Slice(n int) (from, to int) {
	if p.Length == 0 {
		return 0, n
	}
	from = min(p.Offset(), n)
	to = min(from+p.Length, n)
	return from, to
}

// Parse reads current_page and length (absent or empty → 1 and defLength).
// Bad values (not integers, page < 1, length < 0) are recorded on the form with the legacy messages.
func Parse(f *validate.Form, currentPage, length string, defLength int) Page {
	return ParseSent(f, validate.Field{Value: currentPage, Sent: strings.TrimSpace(currentPage) != ""},
		validate.Field{Value: length, Sent: strings.TrimSpace(length) != ""}, defLength)
}

// ParseSent is Parse when the caller knows which parameters were sent: an
// absent one takes its default, a sent one must be valid, so an empty value
// is an error (legacy-api 1.7).
func ParseSent(f *validate.Form, currentPage, length validate.Field, defLength int) Page {
	p := Page{Number: 1, Length: defLength}
	if currentPage.Sent {
		n, valid := validate.ParseInt(currentPage.Value)
		if !valid || n <= 0 || n > 1<<31 {
			f.AddCode("current_page", MsgPage, validate.CodeInvalid)
		} else {
			p.Number = int(n)
		}
	}
	if length.Sent {
		n, valid := validate.ParseInt(length.Value)
		if !valid || n < 0 || n > 1<<31 {
			f.AddCode("length", MsgLength, validate.CodeInvalid)
		} else {
			p.Length = int(n)
		}
	}
	return p
}
