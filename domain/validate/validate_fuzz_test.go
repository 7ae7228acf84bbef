package validate

import (
	"strconv"
	"strings"
	"testing"
	"time"
	"unicode/utf8"
)

// codeOf is the code of field's only error ("" and false when none).
func codeOf(t *testing.T, f *Form, field string) (string, bool) {
	t.Helper()
	var codes []string
	for _, e := range f.Fields() {
		if e.Field != field {
			t.Fatalf("error on unexpected field %q: %+v", e.Field, e)
		}
		codes = append(codes, e.Code)
	}
	switch len(codes) {
	case 0:
		return "", false
	case 1:
		return codes[0], true
	}
	t.Fatalf("%d errors on %s: %+v", len(codes), field, f.Fields())
	return "", false
}

// checkIntegers: ParseInt agrees with strconv on the trimmed text; Int,
// OptionalInt, Choice and Within record an error exactly when they should;
// MaxLen and Required agree with a rune count and TrimSpace.
func checkIntegers(t *testing.T, s string, lo, hi, def, a1, a2 int64) {
	trimmed := strings.TrimSpace(s)
	want, werr := strconv.ParseInt(trimmed, 10, 64)
	n, ok := ParseInt(s)
	if ok != (werr == nil) || (ok && n != want) {
		t.Fatalf("ParseInt(%q) = %d, %v; strconv says %d, %v", s, n, ok, want, werr)
	}

	fm := New()
	got := fm.Int("x", s, "", "")
	code, failed := codeOf(t, fm, "x")
	switch {
	case trimmed == "":
		if code != CodeRequired || fm.Fields()[0].Message != MsgRequired {
			t.Fatalf("Int(%q): %+v, want required", s, fm.Fields())
		}
	case !ok:
		if code != CodeInvalid || fm.Fields()[0].Message != MsgInt {
			t.Fatalf("Int(%q): %+v, want invalid", s, fm.Fields())
		}
	default:
		if failed || got != n {
			t.Fatalf("Int(%q) = %d %+v, want %d", s, got, fm.Fields(), n)
		}
	}
	if fm.OK() == failed {
		t.Fatalf("OK() disagrees with the fields: %+v", fm.Fields())
	}
	if err := fm.Err(301); (err == nil) != fm.OK() {
		t.Fatalf("Err: %v with %+v", err, fm.Fields())
	}

	fm = New()
	got, present := fm.OptionalInt("x", s, "")
	code, failed = codeOf(t, fm, "x")
	switch {
	case trimmed == "":
		if failed || present || got != 0 {
			t.Fatalf("OptionalInt(%q) = %d, %v, %+v", s, got, present, fm.Fields())
		}
	case !ok:
		if code != CodeInvalid || present || got != 0 {
			t.Fatalf("OptionalInt(%q) = %d, %v, %+v", s, got, present, fm.Fields())
		}
	default:
		if failed || !present || got != n {
			t.Fatalf("OptionalInt(%q) = %d, %v, %+v", s, got, present, fm.Fields())
		}
	}

	fm = New()
	inside := fm.Within("x", n, lo, hi)
	code, failed = codeOf(t, fm, "x")
	if inside != (n >= lo && n <= hi) || failed == inside {
		t.Fatalf("Within(%d, %d, %d) = %v, %+v", n, lo, hi, inside, fm.Fields())
	}
	if failed && code != "max_value" && code != "min_value" {
		t.Fatalf("Within code %q", code)
	}

	fm = New()
	choice := fm.Choice("x", s, def, a1, a2)
	code, failed = codeOf(t, fm, "x")
	allowed := ok && (n == a1 || n == a2)
	switch {
	case trimmed == "":
		if failed || choice != def {
			t.Fatalf("Choice(%q) blank = %d, %+v", s, choice, fm.Fields())
		}
	case allowed:
		if failed || choice != n {
			t.Fatalf("Choice(%q) of %d,%d = %d, %+v", s, a1, a2, choice, fm.Fields())
		}
	default:
		if code != "invalid_choice" || choice != def {
			t.Fatalf("Choice(%q) of %d,%d = %d, %+v", s, a1, a2, choice, fm.Fields())
		}
	}

	limit := int(uint64(hi) % 64)
	fm = New()
	fm.MaxLen("x", s, limit)
	code, failed = codeOf(t, fm, "x")
	if failed != (utf8.RuneCountInString(s) > limit) || (failed && code != "max_length") {
		t.Fatalf("MaxLen(%q, %d): %+v", s, limit, fm.Fields())
	}

	fm = New()
	v := fm.Required("x", s, "必填")
	code, failed = codeOf(t, fm, "x")
	if v != trimmed || failed != (trimmed == "") || (failed && code != CodeRequired) {
		t.Fatalf("Required(%q) = %q, %+v", s, v, fm.Fields())
	}
}

// isLeap is the Gregorian rule, written out so the date oracle does not
// lean on package time.
func isLeap(y int) bool { return y%4 == 0 && (y%100 != 0 || y%400 == 0) }

func daysIn(y, m int) int {
	switch m {
	case 2:
		if isLeap(y) {
			return 29
		}
		return 28
	case 4, 6, 9, 11:
		return 30
	}
	return 31
}

// asciiDigits reports whether s is 1..max ASCII digits (and min of them).
func asciiDigits(s string, min, max int) bool {
	if len(s) < min || len(s) > max {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// expectDate is an independent reading of YYYY-M-D / YYYY-MM-DD.
func expectDate(s string) (y, m, d int, ok bool) {
	parts := strings.Split(strings.TrimSpace(s), "-")
	if len(parts) != 3 || !asciiDigits(parts[0], 4, 4) || !asciiDigits(parts[1], 1, 2) || !asciiDigits(parts[2], 1, 2) {
		return 0, 0, 0, false
	}
	y, _ = strconv.Atoi(parts[0])
	m, _ = strconv.Atoi(parts[1])
	d, _ = strconv.Atoi(parts[2])
	if m < 1 || m > 12 || d < 1 || d > daysIn(y, m) {
		return 0, 0, 0, false
	}
	return y, m, d, true
}

// checkDates: ParseDate accepts exactly the real calendar dates written
// YYYY-M-D (month and day of one or two digits, surrounding space allowed),
// as UTC midnight; an accepted date round-trips through Format("2006-1-2")
// and Format("2006-01-02"); OptionalDate and Date record errors to match.
func checkDates(t *testing.T, s string) {
	got, ok := ParseDate(s)
	y, m, d, want := expectDate(s)
	if ok != want {
		t.Fatalf("ParseDate(%q) = %v, %v; want ok=%v", s, got, ok, want)
	}
	if ok {
		if got.Year() != y || int(got.Month()) != m || got.Day() != d || got.Location() != time.UTC ||
			got.Hour() != 0 || got.Minute() != 0 || got.Second() != 0 || got.Nanosecond() != 0 {
			t.Fatalf("ParseDate(%q) = %v, want %d-%d-%d UTC midnight", s, got, y, m, d)
		}
		for _, layout := range []string{"2006-1-2", "2006-01-02"} {
			again, ok2 := ParseDate(got.Format(layout))
			if !ok2 || !again.Equal(got) {
				t.Fatalf("%q → %v → %q → %v, %v", s, got, got.Format(layout), again, ok2)
			}
		}
	} else if !got.IsZero() {
		t.Fatalf("ParseDate(%q) refused but returned %v", s, got)
	}

	blank := strings.TrimSpace(s) == ""
	fm := New()
	od, present := fm.OptionalDate("d", s)
	code, failed := codeOf(t, fm, "d")
	switch {
	case blank:
		if failed || present {
			t.Fatalf("OptionalDate(%q) blank: %v %+v", s, present, fm.Fields())
		}
	case ok:
		if failed || !present || !od.Equal(got) {
			t.Fatalf("OptionalDate(%q) = %v, %v, %+v", s, od, present, fm.Fields())
		}
	default:
		if code != CodeInvalid || present || fm.Fields()[0].Message != MsgDate {
			t.Fatalf("OptionalDate(%q): %v %+v", s, present, fm.Fields())
		}
	}

	fm = New()
	rd := fm.Date("d", s, "")
	code, failed = codeOf(t, fm, "d")
	switch {
	case blank:
		if code != CodeRequired {
			t.Fatalf("Date(%q) blank: %+v", s, fm.Fields())
		}
	case ok:
		if failed || !rd.Equal(got) {
			t.Fatalf("Date(%q) = %v, %+v", s, rd, fm.Fields())
		}
	default:
		if code != CodeInvalid || !rd.IsZero() {
			t.Fatalf("Date(%q) = %v, %+v", s, rd, fm.Fields())
		}
	}
}

// isMobilePrefix is the legacy's list of mainland prefixes, spelled out.
func isMobilePrefix(p string) bool {
	switch p[:2] {
	case "13", "18":
		return true
	case "15":
		return p[2] != '4'
	case "17":
		return p[2] >= '6' && p[2] <= '8'
	case "14":
		return p[2] == '5' || p[2] == '7'
	}
	return false
}

// checkContacts: IsMobile is exactly eleven ASCII digits with a legacy
// prefix; an address IsEmail accepts is the whole text, of the plain form
// local@domain.tld, and (Optional)Email/(Optional)Mobile record to match.
func checkContacts(t *testing.T, s string) {
	mobile := len(s) == 11 && asciiDigits(s, 11, 11) && isMobilePrefix(s)
	if IsMobile(s) != mobile {
		t.Fatalf("IsMobile(%q) = %v, want %v", s, !mobile, mobile)
	}
	trimmed := strings.TrimSpace(s)

	fm := New()
	if v := fm.OptionalMobile("phone", s); v != trimmed {
		t.Fatalf("OptionalMobile(%q) = %q", s, v)
	}
	_, failed := codeOf(t, fm, "phone")
	if failed != (trimmed != "" && !IsMobile(trimmed)) {
		t.Fatalf("OptionalMobile(%q): %+v", s, fm.Fields())
	}
	fm = New()
	fm.Mobile("phone", s, "")
	_, failed = codeOf(t, fm, "phone")
	if failed != (trimmed == "" || !IsMobile(trimmed)) {
		t.Fatalf("Mobile(%q): %+v", s, fm.Fields())
	}

	if IsEmail(s) {
		at := strings.LastIndexByte(s, '@')
		if s != trimmed || at <= 0 || !strings.Contains(s[at+1:], ".") || strings.ContainsAny(s, "<>,\x00\r\n") {
			t.Fatalf("IsEmail(%q) accepted it", s)
		}
	}
	fm = New()
	if v := fm.OptionalEmail("email", s); v != trimmed {
		t.Fatalf("OptionalEmail(%q) = %q", s, v)
	}
	code, failed := codeOf(t, fm, "email")
	if failed != (trimmed != "" && !IsEmail(trimmed)) || (failed && code != CodeInvalid) {
		t.Fatalf("OptionalEmail(%q): %+v", s, fm.Fields())
	}
}

// FuzzValidate gives one form text to every parser of package
// validate: the integer, date, e-mail and mobile checks below, which never
// panic and agree with the rules written out here. The seeds (f.Add and
// testdata/fuzz/FuzzValidate/) run with every `go test`; `make fuzz`
// explores further.
func FuzzValidate(f *testing.F) {
	for _, s := range []string{"0", "7", " 42 ", "+5", "-5", "-0", "007", "", "   ", "\t\n", "1.5", "1e3", "0x10", "abc",
		"9223372036854775807", "9223372036854775808", "-9223372036854775808", "-9223372036854775809",
		"32767", "32768", "-32768", "-32769", "2147483647", "2147483648", "１２", "1_000", "\u00a012\u00a0", "1\x00", "\xff",
		// dates
		"2026-1-2", "2026-01-02", " 2026-12-31 ", "2024-2-29", "2023-2-29", "2100-2-29", "2000-2-29",
		"0000-01-01", "9999-12-31", "2026-13-01", "2026-0-10", "2026-1-0", "2026-1-32", "2026-04-31", "26-1-2",
		"2026-001-02", "2026/01/02", "2026-01-02T00:00:00", "2026-01-02\n", "today", "２０２６-1-2", "2026-1-2\x00",
		// mobiles and e-mail addresses
		"13800138000", "15400000000", "15500000000", "17600000000", "17900000000", "14500000000",
		"14600000000", "1380013800", "138001380000", " 13800138000", "+8613800138000", "１３８００１３８０００",
		"a@b.cn", "user.name+tag@example.com", "a@b", "@b.cn", "a@", "A <a@b.cn>", " a@b.cn", "a@b.cn ", "\"a b\"@c.cn",
		"a@[127.0.0.1]", "a@b.cn\x00", "用户@例子.中国", "a@@b.cn", "\xff@b.cn"} {
		f.Add(s, int64(MinSmallInt), int64(MaxSmallInt), int64(0), int64(1), int64(2))
	}
	f.Add("5", int64(10), int64(-10), int64(3), int64(5), int64(5)) // empty range
	f.Add("-9223372036854775808", int64(-1<<63), int64(1<<63-1), int64(-1<<63), int64(0), int64(1<<63-1))
	f.Fuzz(func(t *testing.T, s string, lo, hi, def, a1, a2 int64) {
		checkIntegers(t, s, lo, hi, def, a1, a2)
		checkDates(t, s)
		checkContacts(t, s)
	})
}
