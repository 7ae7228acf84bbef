package chat

import (
	"testing"
	"time"
)

func TestContactTime(t *testing.T) {
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2024, 6, 13, 11, 50, 0, 0, sh)
	tests := []struct {
		name string
		at   time.Time
		want string
	}{
		{"same day", time.Date(2024, 6, 13, 9, 5, 0, 0, sh), "09:05"},
		{"same day midnight", time.Date(2024, 6, 13, 0, 0, 0, 0, sh), "00:00"},
		{"yesterday late", time.Date(2024, 6, 12, 23, 59, 0, 0, sh), "昨天"},
		{"same day of previous month is not today", time.Date(2024, 5, 13, 11, 0, 0, 0, sh), "05-13"},
		{"day before yesterday", time.Date(2024, 6, 11, 12, 0, 0, 0, sh), "06-11"},
		{"previous year", time.Date(2023, 12, 31, 12, 0, 0, 0, sh), "2023"},
		{"UTC instant converted to the zone", time.Date(2024, 6, 12, 16, 30, 0, 0, time.UTC), "00:30"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := ContactTime(tt.at, now, sh); got != tt.want {
				t.Fatalf("ContactTime(%v) = %q, want %q", tt.at, got, tt.want)
			}
		})
	}
	// On the 1st of a month, yesterday is 昨天 (the legacy said MM-DD).
	first := time.Date(2024, 7, 1, 8, 0, 0, 0, sh)
	if got := ContactTime(time.Date(2024, 6, 30, 22, 0, 0, 0, sh), first, sh); got != "昨天" {
		t.Fatalf("month boundary: %q", got)
	}
	// New year's day: yesterday is still 昨天, not the year.
	ny := time.Date(2025, 1, 1, 8, 0, 0, 0, sh)
	if got := ContactTime(time.Date(2024, 12, 31, 22, 0, 0, 0, sh), ny, sh); got != "昨天" {
		t.Fatalf("year boundary: %q", got)
	}
}

func TestAbsoluteSrc(t *testing.T) {
	tests := []struct{ src, base, want string }{
		{"statics/imgs/Avator.jpg", "http://h:8000/", "http://h:8000/statics/imgs/Avator.jpg"},
		{"/statics/a.jpg", "http://h:8000/", "http://h:8000/statics/a.jpg"},
		{"statics/a.jpg", "http://h:8000", "http://h:8000/statics/a.jpg"},
		{"http://wx.qlogo.cn/x.jpg", "http://h/", "http://wx.qlogo.cn/x.jpg"},
		{"HTTPS://wx.qlogo.cn/x.jpg", "http://h/", "HTTPS://wx.qlogo.cn/x.jpg"},
		{"//cdn/x.jpg", "http://h/", "//cdn/x.jpg"},
		{"", "http://h/", ""},
	}
	for _, tt := range tests {
		if got := AbsoluteSrc(tt.src, tt.base); got != tt.want {
			t.Errorf("AbsoluteSrc(%q, %q) = %q, want %q", tt.src, tt.base, got, tt.want)
		}
	}
}

func TestSides(t *testing.T) {
	tests := []struct {
		side               Side
		incoming, outgoing SendType
	}{
		{RepSide, CustomerToRep, RepToCustomer},
		{CustomerSide, RepToCustomer, CustomerToRep},
	}
	for _, tt := range tests {
		if tt.side.Incoming() != tt.incoming || tt.side.Outgoing() != tt.outgoing {
			t.Errorf("side %d: incoming %d outgoing %d", tt.side, tt.side.Incoming(), tt.side.Outgoing())
		}
	}
}

func TestResume(t *testing.T) {
	tests := []struct {
		raw    string
		newest int64
		want   int64
	}{
		{"", 10, 10},    // no Last-Event-ID: from now
		{"abc", 10, 10}, // invalid: from now
		{"-1", 10, 10},  // negative: from now
		{"4", 10, 4},    // replay 5..10
		{"0", 10, 0},    // replay everything kept
		{"10", 10, 10},  // up to date
		{"99", 10, 10},  // beyond the newest (another database?): from now
		{" 4", 10, 10},  // not an integer
		{"7", 0, 0},     // nothing yet
	}
	for _, tt := range tests {
		last, given := ParseLastEventID(tt.raw)
		if got := ResumeFrom(last, given, tt.newest); got != tt.want {
			t.Errorf("resume %q newest %d = %d, want %d", tt.raw, tt.newest, got, tt.want)
		}
	}
}
