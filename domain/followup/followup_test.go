package followup

import (
	"testing"
	"time"
)

func TestRelativeDaysInShanghai(t *testing.T) {
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	at := func(s string) time.Time {
		v, err := time.ParseInLocation("2006-01-02 15:04", s, sh)
		if err != nil {
			t.Fatal(err)
		}
		return v
	}
	tests := []struct {
		name, then, now          string
		days                     int
		follow, status, activity string
	}{
		{"same minute", "2026-03-10 09:00", "2026-03-10 09:00", 0, "今天", "今天跟进", "今天"},
		{"just after midnight, done just before", "2026-03-09 23:59", "2026-03-10 00:01", 1, "昨天", "昨天已跟进", "昨天"},
		{"yesterday 23:00 seen at 09:00 (legacy said 今天)", "2026-03-09 23:00", "2026-03-10 09:00", 1, "昨天", "昨天已跟进", "昨天"},
		{"early today seen late today", "2026-03-10 00:00", "2026-03-10 23:59", 0, "今天", "今天跟进", "今天"},
		{"two calendar days, 25 hours", "2026-03-08 23:30", "2026-03-10 00:30", 2, "2天前", "2026-03-08", "2026-03-08"},
		{"across a month boundary", "2026-02-28 10:00", "2026-03-01 08:00", 1, "昨天", "昨天已跟进", "昨天"},
		{"across a month boundary, 3 days", "2026-01-30 22:00", "2026-02-02 01:00", 3, "3天前", "2026-01-30", "2026-01-30"},
		{"across a year boundary", "2025-12-31 23:50", "2026-01-01 00:10", 1, "昨天", "昨天已跟进", "昨天"},
		{"leap day", "2028-02-28 12:00", "2028-03-01 12:00", 2, "2天前", "2028-02-28", "2028-02-28"},
		{"future (clock skew) is today", "2026-03-11 08:00", "2026-03-10 09:00", -1, "今天", "今天跟进", "今天"},
		{"weeks ago", "2026-02-10 10:00", "2026-03-10 10:00", 28, "28天前", "2026-02-10", "2026-02-10"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			then, now := at(tc.then), at(tc.now)
			// The instants travel in UTC: only the zone decides the day.
			then, now = then.UTC(), now.UTC()
			if got := DaysAgo(then, now, sh); got != tc.days {
				t.Errorf("DaysAgo = %d, want %d", got, tc.days)
			}
			text, status := FollowTexts(&then, now, sh)
			if text != tc.follow || status != tc.status {
				t.Errorf("FollowTexts = %q %q, want %q %q", text, status, tc.follow, tc.status)
			}
			if got := ActivityText(&then, now, sh); got != tc.activity {
				t.Errorf("ActivityText = %q, want %q", got, tc.activity)
			}
		})
	}
}

func TestRelativeDaysDependOnZone(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	// 2026-03-09 17:00 UTC is 2026-03-10 01:00 in Shanghai: the same day as
	// 2026-03-10 10:00 Shanghai, but the day before in UTC.
	then := time.Date(2026, 3, 9, 17, 0, 0, 0, time.UTC)
	now := time.Date(2026, 3, 10, 2, 0, 0, 0, time.UTC)
	if got := DaysAgo(then, now, sh); got != 0 {
		t.Errorf("Shanghai: %d days, want 0", got)
	}
	if got := DaysAgo(then, now, time.UTC); got != 1 {
		t.Errorf("UTC: %d days, want 1", got)
	}
}

func TestNeverFollowed(t *testing.T) {
	text, status := FollowTexts(nil, time.Now(), time.UTC)
	if text != "" || status != "未跟进过" {
		t.Errorf("got %q %q", text, status)
	}
	if got := ActivityText(nil, time.Now(), time.UTC); got != "" {
		t.Errorf("activity %q", got)
	}
}

func TestEntryLabel(t *testing.T) {
	now := time.Date(2026, 3, 10, 12, 0, 0, 0, time.UTC)
	follow, activity := now.AddDate(0, 0, -5), now.AddDate(0, 0, -1)
	e := Entry{LastFollowTime: &follow, LastActivityTime: &activity}
	e.Label(now, time.UTC)
	if e.LastFollowText != "5天前" || e.FollowStatus != "2026-03-05" || e.LastActivityText != "昨天" {
		t.Errorf("got %+v", e)
	}
}

func TestNoteTexts(t *testing.T) {
	tests := []struct{ got, want string }{
		{ExpectedTimeNote(time.Date(2018, 6, 14, 0, 0, 0, 0, time.UTC)), "更新预计成交日期: 2018-06-14"},
		{ExpectedTimeNote(time.Date(2018, 6, 5, 0, 0, 0, 0, time.UTC)), "更新预计成交日期: 2018-06-05"},
		{ExpectedPrNote("80%"), "更新预计成交率为: 80%"},
		{TagsNote([]string{"已婚", "重要客户"}), "更新客户标签为: 已婚,重要客户"},
	}
	for _, tc := range tests {
		if tc.got != tc.want {
			t.Errorf("got %q, want %q", tc.got, tc.want)
		}
	}
	long := make([]string, 100)
	for i := range long {
		long[i] = "很长的标签"
	}
	if n := len([]rune(TagsNote(long))); n != NoteMaxLen {
		t.Errorf("long note has %d characters, want %d", n, NoteMaxLen)
	}
}

func TestEstimatesReadBackFromNotes(t *testing.T) {
	for note, want := range map[string]int{ExpectedPrNote("80%"): 80, ExpectedPrNote("0.35"): 35, ExpectedPrNote("100"): 100} {
		if got, ok := ExpectedPrFromNote(note); !ok || got != want {
			t.Errorf("%q → %d %v", note, got, ok)
		}
	}
	for _, note := range []string{ExpectedPrNote("很高"), ExpectedPrNote("120%"), "更新客户标签为: 已婚"} {
		if _, ok := ExpectedPrFromNote(note); ok {
			t.Errorf("%q read as a probability", note)
		}
	}
	d := time.Date(2026, 3, 4, 0, 0, 0, 0, time.UTC)
	if got, ok := ExpectedTimeFromNote(ExpectedTimeNote(d)); !ok || !got.Equal(d) {
		t.Errorf("%v %v", got, ok)
	}
}
