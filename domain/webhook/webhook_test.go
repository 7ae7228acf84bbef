package webhook

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"net/netip"
	"reflect"
	"strings"
	"testing"
	"time"
)

func TestParseEvents(t *testing.T) {
	for _, tc := range []struct {
		in   []string
		want []Event
		err  error
	}{
		{[]string{"chat.message", "radar.event"}, []Event{RadarEvent, ChatMessage}, nil},
		{[]string{"customer.ai_pr", " customer.ai_pr ", ""}, []Event{CustomerAIPr}, nil},
		{[]string{"radar.event", "chat.message", "customer.outcome", "customer.ai_pr"}, Events, nil},
		{nil, nil, ErrNoEvents},
		{[]string{"", " "}, nil, ErrNoEvents},
		{[]string{"radar.event", "radar.*"}, nil, ErrUnknownEvent},
		{[]string{"Radar.Event"}, nil, ErrUnknownEvent},
	} {
		got, err := ParseEvents(tc.in)
		if !errors.Is(err, tc.err) || !reflect.DeepEqual(got, tc.want) {
			t.Errorf("ParseEvents(%q) = %v, %v; want %v, %v", tc.in, got, err, tc.want, tc.err)
		}
	}
}

func TestSplitEvents(t *testing.T) {
	for in, want := range map[string][]string{
		"radar.event,chat.message":           {"radar.event", "chat.message"},
		` ["radar.event", "customer.ai_pr"]`: {"radar.event", "customer.ai_pr"},
		"":                                   {""},
		`[1,2]`:                              {`[1,2]`},
		`["radar.event"`:                     {`["radar.event"`},
	} {
		if got := SplitEvents(in); !reflect.DeepEqual(got, want) {
			t.Errorf("SplitEvents(%q) = %q, want %q", in, got, want)
		}
	}
}

func TestSubscribes(t *testing.T) {
	evs := []Event{RadarEvent, CustomerOutcome}
	if !Subscribes(evs, CustomerOutcome) || Subscribes(evs, ChatMessage) || Subscribes(nil, RadarEvent) {
		t.Fatal("Subscribes answers wrongly")
	}
}

func TestSignIsHMACSHA256OfTheBody(t *testing.T) {
	body := []byte(`{"id":"1","type":"radar.event"}`)
	m := hmac.New(sha256.New, []byte("whsec_k"))
	m.Write(body)
	want := "sha256=" + hex.EncodeToString(m.Sum(nil))
	if got := Sign("whsec_k", body); got != want {
		t.Fatalf("Sign = %s, want %s", got, want)
	}
	if !Verify("whsec_k", body, want) {
		t.Fatal("Verify refuses its own signature")
	}
	for _, bad := range []string{"", strings.TrimPrefix(want, "sha256="), want[:len(want)-1] + "0", Sign("other", body)} {
		if bad == want {
			continue
		}
		if Verify("whsec_k", body, bad) {
			t.Errorf("Verify accepts %q", bad)
		}
	}
	if Verify("whsec_k", append(body, ' '), want) {
		t.Fatal("Verify accepts a changed body")
	}
}

func TestNewSecretIsRandomAndRecognisable(t *testing.T) {
	a, b := NewSecret(), NewSecret()
	if a == b || !strings.HasPrefix(a, "whsec_") || len(a) != len("whsec_")+64 {
		t.Fatalf("secrets %q %q", a, b)
	}
}

func TestRetryDelayDoublesFromTenSecondsToAnHour(t *testing.T) {
	want := []time.Duration{10 * time.Second, 20 * time.Second, 40 * time.Second, 80 * time.Second,
		160 * time.Second, 320 * time.Second, 640 * time.Second, 1280 * time.Second, 2560 * time.Second,
		time.Hour, time.Hour, time.Hour}
	for i, w := range want {
		if got := RetryDelay(i + 1); got != w {
			t.Errorf("RetryDelay(%d) = %v, want %v", i+1, got, w)
		}
	}
	if RetryDelay(0) != FirstRetryDelay || RetryDelay(1000) != MaxRetryDelay {
		t.Fatal("RetryDelay out of range")
	}
}

func TestDeliveryScheduleGivesUpAfterADay(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	d := Delivery{Status: Pending, CreatedAt: t0, NextAt: t0}
	now := t0
	attempts := 0
	refused := Result{Error: "connection refused"}
	for d.Status == Pending {
		d = d.Attempted(refused, now)
		attempts++
		if d.Attempts != attempts || d.LastAttemptAt != now || d.LastError != "connection refused" || d.LastStatusCode != 0 {
			t.Fatalf("after attempt %d: %+v", attempts, d)
		}
		if d.Status == Pending {
			if got := d.NextAt.Sub(now); got != RetryDelay(attempts) {
				t.Fatalf("attempt %d: waits %v, want %v", attempts, got, RetryDelay(attempts))
			}
			now = d.NextAt
		}
		if attempts > 100 {
			t.Fatal("never gives up")
		}
	}
	if d.Status != Failed || !d.NextAt.IsZero() || !d.DeliveredAt.IsZero() {
		t.Fatalf("final %+v", d)
	}
	// Every attempt fell within the window; the one after would have fallen beyond it.
	if now.Sub(t0) > RetryWindow || now.Add(RetryDelay(attempts)).Sub(t0) <= RetryWindow {
		t.Fatalf("last attempt at +%v, gave up after %d attempts", now.Sub(t0), attempts)
	}
	// 10 s doubling to 2560 s (9 waits, 5110 s), then hourly: 22 more fit in 24 h.
	if attempts != 1+9+22 {
		t.Fatalf("%d attempts in a day, want 32", attempts)
	}
}

func TestDeliveryAttemptedRecordsTheAnswer(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	d := Delivery{Status: Pending, CreatedAt: t0, NextAt: t0}
	d = d.Attempted(Result{Status: 503, Error: "HTTP 503"}, t0.Add(time.Second))
	if d.Status != Pending || d.LastStatusCode != 503 || d.NextAt != t0.Add(11*time.Second) {
		t.Fatalf("after a 503: %+v", d)
	}
	d = d.Attempted(Result{OK: true, Status: 200}, t0.Add(12*time.Second))
	want := Delivery{Status: Delivered, Attempts: 2, CreatedAt: t0, LastAttemptAt: t0.Add(12 * time.Second),
		LastStatusCode: 200, DeliveredAt: t0.Add(12 * time.Second)}
	if d != want {
		t.Fatalf("after a 200: %+v, want %+v", d, want)
	}
}

func TestHealthDisablesAnEndpointFailingForADay(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	h := Health{}.After(false, t0)
	if h.FailingSince != t0 || h.ShouldDisable(t0.Add(23*time.Hour)) {
		t.Fatalf("after the first failure: %+v", h)
	}
	h = h.After(false, t0.Add(12*time.Hour))
	if h.FailingSince != t0 || !h.ShouldDisable(t0.Add(24*time.Hour)) {
		t.Fatalf("failing a day: %+v", h)
	}
	if h = h.After(true, t0.Add(20*time.Hour)); !h.FailingSince.IsZero() || h.ShouldDisable(t0.Add(48*time.Hour)) {
		t.Fatalf("a success resets: %+v", h)
	}
}

func TestCheckURL(t *testing.T) {
	for _, tc := range []struct {
		raw          string
		allowPrivate bool
		err          error
	}{
		{"https://crm.example.com/hooks/leida", false, nil},
		{"http://8.8.8.8:8080/x?a=1", false, nil},
		{"https://[2606:4700::1111]/", false, nil},
		{"http://127.0.0.1:9000/hook", true, nil},
		{"http://localhost/hook", true, nil},
		{"http://127.0.0.1:9000/hook", false, ErrURLPrivate},
		{"http://localhost:80/", false, ErrURLPrivate},
		{"http://LOCALHOST./", false, ErrURLPrivate},
		{"http://api.localhost/", false, ErrURLPrivate},
		{"http://10.1.2.3/", false, ErrURLPrivate},
		{"http://172.16.0.1/", false, ErrURLPrivate},
		{"http://192.168.1.1/", false, ErrURLPrivate},
		{"http://169.254.169.254/latest/meta-data", false, ErrURLPrivate},
		{"http://[::1]/", false, ErrURLPrivate},
		{"http://[::ffff:127.0.0.1]/", false, ErrURLPrivate},
		{"http://[fd00::1]/", false, ErrURLPrivate},
		{"http://0.0.0.0/", false, ErrURLPrivate},
		{"http://100.64.0.1/", false, ErrURLPrivate},
		{"ftp://example.com/", false, ErrURLInvalid},
		{"example.com/hook", false, ErrURLInvalid},
		{"https://", false, ErrURLInvalid},
		{"mailto:a@example.com", false, ErrURLInvalid},
		{" https://example.com/", false, ErrURLInvalid},
		{"", true, ErrURLInvalid},
		{"https://example.com/" + strings.Repeat("a", URLMaxLen), false, ErrURLInvalid},
		{"http://exa mple.com/", false, ErrURLInvalid},
	} {
		_, err := CheckURL(tc.raw, tc.allowPrivate)
		if !errors.Is(err, tc.err) {
			t.Errorf("CheckURL(%q, %v) = %v, want %v", tc.raw, tc.allowPrivate, err, tc.err)
		}
	}
}

func TestAllowedAddr(t *testing.T) {
	for _, tc := range []struct {
		ip   string
		want bool
	}{
		{"8.8.8.8", true}, {"1.1.1.1", true}, {"2606:4700::1111", true},
		{"127.0.0.1", false}, {"127.1.2.3", false}, {"::1", false}, {"10.0.0.1", false},
		{"172.31.255.255", false}, {"192.168.0.1", false}, {"169.254.1.1", false}, {"fe80::1", false},
		{"fc00::1", false}, {"224.0.0.1", false}, {"255.255.255.255", false}, {"0.0.0.0", false},
		{"::", false}, {"::ffff:10.0.0.1", false}, {"64:ff9b::a00:1", false}, {"100.100.100.100", false},
		{"198.18.0.1", false}, {"192.0.2.1", false},
	} {
		if got := AllowedAddr(netip.MustParseAddr(tc.ip), false); got != tc.want {
			t.Errorf("AllowedAddr(%s) = %v, want %v", tc.ip, got, tc.want)
		}
		if !AllowedAddr(netip.MustParseAddr(tc.ip), true) {
			t.Errorf("AllowedAddr(%s, allowPrivate) refuses", tc.ip)
		}
	}
	if AllowedAddr(netip.Addr{}, true) {
		t.Fatal("the zero address is allowed")
	}
}

func TestEndpointIsDisabledAfterADayOfFailuresAndEnabledByHand(t *testing.T) {
	t0 := time.Date(2026, 12, 1, 8, 0, 0, 0, time.UTC)
	e := Endpoint{Enabled: true}
	down := Result{Error: "connection refused"}
	e.Attempted(down, t0)
	e.Attempted(down, t0.Add(23*time.Hour))
	if !e.Enabled || e.DisabledReason != "" {
		t.Fatalf("disabled before a day: %+v", e)
	}
	e.Attempted(down, t0.Add(24*time.Hour))
	if e.Enabled || !strings.Contains(e.DisabledReason, "2026-12-01T08:00:00Z") || !strings.Contains(e.DisabledReason, "connection refused") {
		t.Fatalf("after a day: %+v", e)
	}
	e.Enable(true)
	if !e.Enabled || e.DisabledReason != "" || !e.Health.FailingSince.IsZero() {
		t.Fatalf("enabled again: %+v", e)
	}
	e.Attempted(down, t0.Add(30*time.Hour))
	e.Attempted(Result{OK: true, Status: 200}, t0.Add(31*time.Hour))
	e.Attempted(down, t0.Add(56*time.Hour))
	if !e.Enabled || e.Health.FailingSince != t0.Add(56*time.Hour) {
		t.Fatalf("a success in between resets: %+v", e)
	}
}
