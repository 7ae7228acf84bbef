package webhook

import (
	"context"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	"leida/domain/webhook"
)

func TestSendSignsAndReportsTheStatus(t *testing.T) {
	var got *http.Request
	var body []byte
	status := http.StatusNoContent
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		got = r
		body, _ = io.ReadAll(r.Body)
		w.WriteHeader(status)
	}))
	defer srv.Close()
	s := NewSender(true)
	at := time.Unix(1764547200, 0)
	a := webhook.Attempt{URL: srv.URL + "/hook?token=t", Secret: "whsec_x", EventID: 42, Event: webhook.RadarEvent,
		Body: []byte(`{"id":"42"}`), SentAt: at}
	if r := s.Send(context.Background(), a); !r.OK || r.Status != 204 || r.Error != "" {
		t.Fatalf("result %+v", r)
	}
	if got.Method != http.MethodPost || string(body) != `{"id":"42"}` ||
		!webhook.Verify("whsec_x", body, got.Header.Get(webhook.SignatureHeader)) ||
		got.Header.Get(webhook.TimestampHeader) != "1764547200" || got.Header.Get(webhook.EventHeader) != "radar.event" ||
		got.Header.Get(webhook.DeliveryHeader) != "42" || !strings.HasPrefix(got.Header.Get("Content-Type"), "application/json") {
		t.Fatalf("request %s %v %q", got.Method, got.Header, body)
	}
	for _, st := range []int{500, 404, 302, 429} {
		status = st
		r := s.Send(context.Background(), a)
		if r.OK || r.Status != st || r.Error == "" || strings.Contains(r.Error, "token") {
			t.Errorf("status %d: result %+v", st, r)
		}
	}
}

func TestSendRefusesPrivateAddressesUnlessAllowed(t *testing.T) {
	hits := 0
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { hits++ }))
	defer srv.Close()
	a := webhook.Attempt{URL: srv.URL, Secret: "s", EventID: 1, Event: webhook.ChatMessage, Body: []byte(`{}`), SentAt: time.Now()}
	if r := NewSender(false).Send(context.Background(), a); r.OK || r.Status != 0 || !strings.Contains(r.Error, "private") {
		t.Fatalf("private: %+v", r)
	}
	// A name resolving to loopback is refused after resolution too.
	_, port, _ := net.SplitHostPort(strings.TrimPrefix(srv.URL, "http://"))
	a.URL = "http://localhost:" + port + "/"
	if r := NewSender(false).Send(context.Background(), a); r.OK || !strings.Contains(r.Error, "private") {
		t.Fatalf("localhost: %+v", r)
	}
	if hits != 0 {
		t.Fatalf("%d requests reached the private server", hits)
	}
}

func TestSendClassifiesNetworkFailures(t *testing.T) {
	// Refused: a port nothing listens on.
	l, _ := net.Listen("tcp", "127.0.0.1:0")
	addr := l.Addr().String()
	l.Close()
	a := webhook.Attempt{URL: "http://" + addr + "/", Secret: "s", EventID: 1, Event: webhook.ChatMessage, Body: []byte(`{}`), SentAt: time.Now()}
	if r := NewSender(true).Send(context.Background(), a); r.OK || r.Error != "connection refused" {
		t.Fatalf("refused: %+v", r)
	}
	// Hanging: the attempt ends with the context (the worker's 10 s bound).
	block := make(chan struct{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { <-block }))
	defer srv.Close()
	defer close(block)
	a.URL = srv.URL
	ctx, cancel := context.WithTimeout(context.Background(), 200*time.Millisecond)
	defer cancel()
	if r := NewSender(true).Send(ctx, a); r.OK || !strings.HasPrefix(r.Error, "timeout") {
		t.Fatalf("hanging: %+v", r)
	}
}
