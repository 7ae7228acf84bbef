package customer

import (
	"strconv"
	"time"
)

// Source is how a customer came to a rep (the belonger row).
type Source int

const (
	SourceScan    Source = 1 // 扫码
	SourceForward Source = 2 // 转发
)

// Label is the wire text of a source.
func (s Source) Label() string {
	if s == SourceForward {
		return "转发"
	}
	return "扫码"
}

// Viewer is who looks at customers: a rep sees the customers bound to them
// (belonger rows); a company admin sees every customer bound to anyone of
// the company. Nobody sees another company's knowledge of a customer.
type Viewer struct {
	CompanyID    int64
	UserID       int64
	WholeCompany bool
}

// Profile is what one company knows about a customer (D6).
type Profile struct {
	MemoName     *string
	ExpectedTime *time.Time // a date (midnight UTC)
	ExpectedPr   *string
	SuperiorID   *int64
}

// Information is the customer's details as one company recorded them (E06).
type Information struct {
	Phone    string
	Email    string
	Company  string
	Position string
	Address  string
	Birthday *time.Time // a date (midnight UTC)
	Mem      string
}

// Detail is one customer as a company's rep sees it (E05).
type Detail struct {
	Customer
	Profile
	SuperiorName string
	Source       Source
	// Information is nil when the company recorded none.
	Information *Information
	Tags        []string // tag names, in tag id order
	Outcome     Outcome
	AIPr        *int // the stored AI close probability (nil: not scored yet)
}

// AIPrWire is the stored AI close probability as the wire shows it: an
// integer 1–99 as a string, "" before the customer is first scored.
func (d Detail) AIPrWire() string { return AIPrText(d.AIPr) }

// AIPrText is a stored AI close probability as the wire shows it (E05,
// E32, E34): "57", or "" when not scored yet.
func AIPrText(p *int) string {
	if p == nil {
		return ""
	}
	return strconv.Itoa(*p)
}

// ExportRow is one customer of the customer export: what the viewer's
// company knows of it.
type ExportRow struct {
	ID           int64
	Name         string
	MemoName     string
	Phone        string
	Company      string
	Position     string
	Source       Source
	Belongers    []string // the reps it belongs to, by name
	Tags         []string
	ExpectedTime *time.Time
	ExpectedPr   string
	AIPr         *int
	Outcome      Outcome
	LastActivity *time.Time // the customer's last action on a card of the viewer's reach
	LastFollow   *time.Time // the last follow-up note
}
