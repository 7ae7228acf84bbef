package paging

import (
	"strings"
	"testing"

	"leida/domain/validate"
)

// FuzzPaging: current_page and length as clients send them.
// Parsing never panics; a bad value is an error on its field, with the
// legacy message, and only then; the page is always usable: Number ≥ 1,
// Length ≥ 0, Offset never negative nor overflowing, Limit -1 exactly for
// "everything", and Slice bounds 0 ≤ from ≤ to ≤ n, at most Length apart.
func FuzzPaging(f *testing.F) {
	for _, c := range []struct{ page, length string }{
		{"1", "10"}, {"", ""}, {" 2 ", " 20 "}, {"0", "10"}, {"-1", "10"}, {"1", "0"}, {"1", "-1"},
		{"2147483648", "2147483648"}, {"2147483649", "1"}, {"1", "2147483649"}, {"9223372036854775807", "9223372036854775807"},
		{"abc", "x"}, {"1.5", "1e3"}, {"+3", "+0"}, {"１", "２"}, {"1\x00", "\xff"}, {"   ", "\t"},
	} {
		for _, sent := range []bool{true, false} {
			f.Add(c.page, sent, c.length, sent, uint8(10), 25)
		}
	}
	f.Add("3", true, "", false, uint8(0), 7)
	f.Add("", false, "5", true, uint8(20), 0)
	f.Add("2147483648", true, "2147483648", true, uint8(10), 1<<62)
	f.Fuzz(func(t *testing.T, page string, pageSent bool, length string, lengthSent bool, def uint8, n int) {
		defLength := int(def)
		fm := validate.New()
		p := ParseSent(fm, validate.Field{Value: page, Sent: pageSent}, validate.Field{Value: length, Sent: lengthSent}, defLength)

		pn, pok := validate.ParseInt(page)
		badPage := pageSent && (!pok || pn <= 0 || pn > 1<<31)
		ln, lok := validate.ParseInt(length)
		badLength := lengthSent && (!lok || ln < 0 || ln > 1<<31)
		if fm.Failed("current_page") != badPage || fm.Failed("length") != badLength || len(fm.Fields()) != btoi(badPage)+btoi(badLength) {
			t.Fatalf("ParseSent(%q %v, %q %v): errors %+v", page, pageSent, length, lengthSent, fm.Fields())
		}
		for _, e := range fm.Fields() {
			if (e.Field == "current_page" && e.Message != MsgPage) || (e.Field == "length" && e.Message != MsgLength) || e.Code != validate.CodeInvalid {
				t.Fatalf("error %+v", e)
			}
		}
		switch {
		case pageSent && !badPage:
			if int64(p.Number) != pn {
				t.Fatalf("page %q read as %d", page, p.Number)
			}
		case p.Number != 1:
			t.Fatalf("page %q (sent %v) read as %d, want the default 1", page, pageSent, p.Number)
		}
		switch {
		case lengthSent && !badLength:
			if int64(p.Length) != ln {
				t.Fatalf("length %q read as %d", length, p.Length)
			}
		case p.Length != defLength:
			t.Fatalf("length %q (sent %v) read as %d, want the default %d", length, lengthSent, p.Length, defLength)
		}
		checkPage(t, p, n)

		// Parse is ParseSent with "sent" meaning "not blank".
		f2 := validate.New()
		q := Parse(f2, page, length, defLength)
		f3 := validate.New()
		r := ParseSent(f3, validate.Field{Value: page, Sent: strings.TrimSpace(page) != ""},
			validate.Field{Value: length, Sent: strings.TrimSpace(length) != ""}, defLength)
		if q != r || len(f2.Fields()) != len(f3.Fields()) {
			t.Fatalf("Parse(%q, %q) = %+v %+v; ParseSent = %+v %+v", page, length, q, f2.Fields(), r, f3.Fields())
		}
		checkPage(t, q, n)
	})
}

func btoi(b bool) int {
	if b {
		return 1
	}
	return 0
}

func checkPage(t *testing.T, p Page, n int) {
	t.Helper()
	if p.Number < 1 || p.Length < 0 {
		t.Fatalf("page %+v", p)
	}
	off := p.Offset()
	if off < 0 {
		t.Fatalf("%+v: offset %d", p, off)
	}
	if p.Length > 0 && int64(off) != (int64(p.Number)-1)*int64(p.Length) {
		t.Fatalf("%+v: offset %d overflowed", p, off)
	}
	if lim := p.Limit(); (p.Length == 0) != (lim == -1) || (p.Length > 0 && lim != p.Length) {
		t.Fatalf("%+v: limit %d", p, lim)
	}
	if n < 0 {
		n = -n
		if n < 0 { // math.MinInt
			n = 0
		}
	}
	from, to := p.Slice(n)
	if from < 0 || from > to || to > n || (p.Length > 0 && to-from > p.Length) || (p.Length == 0 && (from != 0 || to != n)) {
		t.Fatalf("%+v: Slice(%d) = [%d, %d)", p, n, from, to)
	}
	if p.Length > 0 && off < n && to-from != min(p.Length, n-off) {
		t.Fatalf("%+v: Slice(%d) = [%d, %d), want %d rows", p, n, from, to, min(p.Length, n-off))
	}
}
