package postgres

import (
	"strings"
	"time"

	"gorm.io/gorm"

	"leida/domain/radar"
	"leida/ports"
)

// filterKind says how a legacy filter parameter applies.
type filterKind int

const (
	exact    filterKind = iota // equality on the value
	contains                   // case-sensitive substring
	instant                    // a date or date-time: the day, or that second
	integer                    // an integer id; a non-integer matches nothing
)

type filterSpec struct {
	column string
	kind   filterKind
}

// listSpec is an endpoint's whitelist of filters and orders.
type listSpec struct {
	filters      map[string]filterSpec
	orders       map[string]string // wire name → column
	defaultOrder string            // wire value, e.g. "-create_date"
	tieBreaker   string            // column
}

// applyFilters adds the WHERE clauses of the given, non-empty filters.
func (d *DB) applyFilters(q *gorm.DB, spec listSpec, filters map[string]string) *gorm.DB {
	for name, v := range filters {
		f, ok := spec.filters[name]
		if !ok || v == "" {
			continue
		}
		switch f.kind {
		case exact:
			q = q.Where(f.column+" = ?", v)
		case contains:
			q = q.Where("strpos("+f.column+", ?) > 0", v)
		case integer:
			n, err := parseInt(v)
			if err != nil {
				q = q.Where("false")
				continue
			}
			q = q.Where(f.column+" = ?", n)
		case instant:
			from, to, ok := d.instantRange(v)
			if !ok {
				q = q.Where("false")
				continue
			}
			q = q.Where(f.column+" >= ? AND "+f.column+" < ?", from, to)
		}
	}
	return q
}

// instantRange reads a legacy date (the whole day) or date-time (that second).
func (d *DB) instantRange(v string) (time.Time, time.Time, bool) {
	v = strings.TrimSpace(v)
	for _, layout := range []string{"2006-01-02T15:04:05", "2006-01-02 15:04:05"} {
		if t, err := time.ParseInLocation(layout, v, d.loc); err == nil {
			return t, t.Add(time.Second), true
		}
	}
	if t, err := time.Parse("2006-01-02", v); err == nil {
		start := radar.StartOfDay(t.Year(), t.Month(), t.Day(), d.loc)
		return start, radar.NextDay(start), true
	}
	return time.Time{}, time.Time{}, false
}

// applyOrder orders by a whitelisted value (MySQL's NULL placement) or the default.
func applyOrder(q *gorm.DB, spec listSpec, order string) *gorm.DB {
	col, desc := orderColumn(spec, order)
	if col == "" {
		col, desc = orderColumn(spec, spec.defaultOrder)
	}
	dir := " ASC NULLS FIRST"
	tie := " ASC"
	if desc {
		dir, tie = " DESC NULLS LAST", " DESC"
	}
	q = q.Order(col + dir)
	if spec.tieBreaker != "" && spec.tieBreaker != col {
		q = q.Order(spec.tieBreaker + tie)
	}
	return q
}

func orderColumn(spec listSpec, order string) (string, bool) {
	desc := strings.HasPrefix(order, "-")
	col, ok := spec.orders[strings.TrimPrefix(order, "-")]
	if !ok {
		return "", false
	}
	return col, desc
}

// counted is a row of a page with the total of the matches beside it.
type counted[T any] struct {
	Row        T `gorm:"embedded"`
	LeidaTotal int64
}

// page reads one page of the matches of q (columns selected, ordered per
// spec) and counts every match, in one statement: the count is a scalar
// subquery over the same filters, evaluated once.
func page[T any](q *gorm.DB, columns string, spec listSpec, lq ports.ListQuery) ([]T, int, error) {
	return pageCounted[T](q, columns, q.Session(&gorm.Session{}).Select("count(*)"), spec, lq)
}

// pageCounted is page with the total read by count, a query of one number
// (a summary's, say). Only a page past the end, which has no row to carry
// the total, costs a second statement.
func pageCounted[T any](q *gorm.DB, columns string, count *gorm.DB, spec listSpec, lq ports.ListQuery) ([]T, int, error) {
	rows := applyOrder(q.Session(&gorm.Session{}).Select(columns+", (?) AS leida_total", count.Session(&gorm.Session{})), spec, lq.Order).
		Scopes(paged(lq.Page))
	var found []counted[T]
	if err := rows.Find(&found).Error; err != nil {
		return nil, 0, translate(err)
	}
	out := make([]T, len(found))
	for i, f := range found {
		out[i] = f.Row
	}
	if len(found) > 0 {
		return out, int(found[0].LeidaTotal), nil
	}
	var total int64
	if err := count.Session(&gorm.Session{}).Scan(&total).Error; err != nil {
		return nil, 0, translate(err)
	}
	return out, int(total), nil
}

func parseInt(v string) (int64, error) {
	var n int64
	s := strings.TrimSpace(v)
	if s == "" {
		return 0, errInvalidInt
	}
	neg := false
	if s[0] == '-' || s[0] == '+' {
		neg = s[0] == '-'
		s = s[1:]
	}
	if s == "" || len(s) > 18 {
		return 0, errInvalidInt
	}
	for _, c := range s {
		if c < '0' || c > '9' {
			return 0, errInvalidInt
		}
		n = n*10 + int64(c-'0')
	}
	if neg {
		n = -n
	}
	return n, nil
}

type constErr string

func (e constErr) Error() string { return string(e) }

const errInvalidInt = constErr("invalid integer")
