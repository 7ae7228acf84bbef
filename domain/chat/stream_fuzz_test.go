package chat

import (
	"strconv"
	"testing"
)

// FuzzLastEventID: a reconnecting stream's Last-Event-ID (header
// or last_event_id) never panics; it is given exactly when it is a decimal
// integer ≥ 0, and the stream resumes after it only when it is not beyond
// the newest event, never after an event that does not exist.
func FuzzLastEventID(f *testing.F) {
	for _, s := range []string{"0", "42", "+42", "-1", "007", " 1", "1 ", "", "abc", "1.5", "9223372036854775807",
		"9223372036854775808", "-9223372036854775808", "１", "1\x00"} {
		f.Add(s, int64(100))
	}
	f.Add("100", int64(100))
	f.Add("101", int64(100))
	f.Add("5", int64(0))
	f.Fuzz(func(t *testing.T, s string, newest int64) {
		if newest < 0 {
			newest = -(newest + 1)
		}
		n, given := ParseLastEventID(s)
		want, err := strconv.ParseInt(s, 10, 64)
		if given != (err == nil && want >= 0) || (given && n != want) || (!given && n != 0) {
			t.Fatalf("ParseLastEventID(%q) = %d, %v", s, n, given)
		}
		from := ResumeFrom(n, given, newest)
		switch {
		case from > newest || from < 0:
			t.Fatalf("ResumeFrom(%d, %v, %d) = %d", n, given, newest, from)
		case given && n <= newest && from != n:
			t.Fatalf("ResumeFrom(%d, %v, %d) = %d, want %d", n, given, newest, from, n)
		case (!given || n > newest) && from != newest:
			t.Fatalf("ResumeFrom(%d, %v, %d) = %d, want the newest", n, given, newest, from)
		}
	})
}
