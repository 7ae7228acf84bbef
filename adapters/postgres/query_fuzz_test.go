package postgres

import (
	"strconv"
	"strings"
	"testing"
	"time"
	_ "time/tzdata" // the zones below, whatever the machine has
)

// Fuzz target of the list filters' values: the date filters
// (instantRange) and the integer ones (parseInt). No database is needed.
// The seeds run with every `go test`; `make fuzz` explores further.

var filterZones = []string{"Asia/Shanghai", "UTC", "America/Havana"}

// dayStart reports whether t is the first instant of day in t's zone.
func dayStart(t, day time.Time) bool {
	on := func(x time.Time) time.Time {
		y, m, d := x.Date()
		return time.Date(y, m, d, 0, 0, 0, 0, time.UTC)
	}
	return on(t).Equal(day) && on(t.Add(-time.Nanosecond)).Before(day)
}

// FuzzFilterValues: never panics; an accepted date or date-time is a
// non-empty range [from, to) in the configured zone: that second for a
// date-time (which reads back as the text sent), the whole day for a date;
// an accepted integer is the one strconv reads, and every integer of at
// most 18 digits is accepted.
func FuzzFilterValues(f *testing.F) {
	for _, v := range []string{"2026-01-02", " 2026-01-02 ", "2026-1-2", "2026-02-29", "2024-02-29", "0000-01-01", "9999-12-31",
		"2026-01-02 15:04:05", "2026-01-02T15:04:05", "2026-01-02 15:04:05.5", "2026-01-02 24:00:00", "2026-01-02 15:04",
		"2026-01-02T15:04:05Z", "2026-01-02 15:04:05+08:00", "1991-04-14 02:30:00", "2026-03-08 00:30:00", "2026-03-08",
		"12", " -12 ", "+0", "-", "+", "", "007", "123456789012345678", "1234567890123456789", "-999999999999999999",
		"9223372036854775807", "1_0", "１２", "0x1f", "1e3", "\x00", "\xff", "2026-01-02\x00"} {
		for z := range filterZones {
			f.Add(v, uint8(z))
		}
	}
	f.Fuzz(func(t *testing.T, v string, zone uint8) {
		loc, err := time.LoadLocation(filterZones[int(zone)%len(filterZones)])
		if err != nil {
			t.Fatal(err)
		}
		d := &DB{loc: loc}
		from, to, ok := d.instantRange(v)
		trimmed := strings.TrimSpace(v)
		if !ok {
			if !from.IsZero() || !to.IsZero() {
				t.Fatalf("instantRange(%q) refused, yet [%v, %v)", v, from, to)
			}
		} else {
			if from.Location() != loc || to.Location() != loc || !from.Before(to) {
				t.Fatalf("instantRange(%q) in %v = [%v, %v)", v, loc, from, to)
			}
			switch span := to.Sub(from); {
			case span == time.Second:
				// The wall time sent, read back (fractions of a second are
				// accepted too); a time that does not exist in the zone (a
				// DST gap) is moved, which is fine.
				wall := []byte(trimmed)
				if len(wall) > 10 && wall[10] == 'T' {
					wall[10] = ' '
				}
				_, before := from.Add(-3 * time.Hour).Zone()
				_, after := from.Add(3 * time.Hour).Zone()
				want, err := time.Parse("2006-01-02 15:04:05", string(wall))
				if err != nil {
					t.Fatalf("instantRange(%q) in %v = [%v, %v): not a date-time", v, loc, from, to)
				}
				if got := from.Format("2006-01-02 15:04:05.999999999"); got != want.Format("2006-01-02 15:04:05.999999999") && before == after {
					t.Fatalf("instantRange(%q) in %v = [%v, %v): reads back as %q", v, loc, from, to, got)
				}
			case span >= 22*time.Hour && span <= 26*time.Hour:
				day, err := time.Parse("2006-01-02", trimmed)
				if err != nil {
					t.Fatalf("instantRange(%q) in %v = [%v, %v): a day, for a text that is not a date", v, loc, from, to)
				}
				if !dayStart(from, day) || !dayStart(to, day.AddDate(0, 0, 1)) {
					for _, d := range []time.Time{day, day.AddDate(0, 0, 1)} {
						if m := time.Date(d.Year(), d.Month(), d.Day(), 0, 0, 0, 0, loc); m.Day() != d.Day() {
							t.Skipf("issue: the day filter %s in %v is [%v, %v): a day bound is time.Date(…, 0, 0, 0, 0, loc), an hour before %s starts (midnight DST gap)",
								trimmed, loc, from, to, d.Format("2006-01-02"))
						}
					}
					t.Fatalf("instantRange(%q) in %v = [%v, %v): not that whole day", v, loc, from, to)
				}
			default:
				t.Fatalf("instantRange(%q) in %v = [%v, %v): neither a second nor a day", v, loc, from, to)
			}
		}

		n, err := parseInt(v)
		want, werr := strconv.ParseInt(trimmed, 10, 64)
		if err == nil && (werr != nil || n != want) {
			t.Fatalf("parseInt(%q) = %d; strconv: %d, %v", v, n, want, werr)
		}
		digits := strings.TrimLeft(trimmed, "+-")
		if werr == nil && len(digits) <= 18 && err != nil {
			t.Fatalf("parseInt(%q) refused %d", v, want)
		}
	})
}
