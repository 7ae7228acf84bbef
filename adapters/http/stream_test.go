package http

import (
	"bufio"
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/domain/chat"
	"leida/domain/org"
	"leida/ports"
)

type fakeStreams struct {
	mu     sync.Mutex
	sub    *fakeSub
	closed chan struct{}
	once   sync.Once
}

type fakeSub struct {
	wake   chan struct{}
	events chan []chat.StreamEvent
	done   <-chan struct{}
}

func (f *fakeStreams) Open(_ context.Context, p chat.Principal, last string) (ports.StreamSubscription, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.sub = &fakeSub{wake: make(chan struct{}, 1), events: make(chan []chat.StreamEvent, 1), done: f.closed}
	return f.sub, nil
}

func (f *fakeStreams) Shutdown() { f.once.Do(func() { close(f.closed) }) }

func (f *fakeStreams) push(evs []chat.StreamEvent) {
	f.mu.Lock()
	s := f.sub
	f.mu.Unlock()
	s.events <- evs
	s.wake <- struct{}{}
}

func (s *fakeSub) Wake() <-chan struct{} { return s.wake }
func (s *fakeSub) Done() <-chan struct{} { return s.done }
func (s *fakeSub) Next(context.Context) ([]chat.StreamEvent, error) {
	select {
	case evs := <-s.events:
		return evs, nil
	default:
		return nil, nil
	}
}
func (s *fakeSub) Close() {}

// A stream outlives the server's ReadTimeout (net/http would otherwise
// cancel the request), keeps beating, writes events as SSE, and ends when
// the server shuts down.
func TestStreamOutlivesReadTimeoutAndEndsOnShutdown(t *testing.T) {
	h, auth, _, _ := newTestServer(t)
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 7, CompanyID: 1, Level: org.LevelMember}, nil)
	streams := &fakeStreams{closed: make(chan struct{})}
	h.Streams, h.StreamConfig = streams, StreamConfig{Heartbeat: 100 * time.Millisecond}
	h.Config.Location, _ = time.LoadLocation("Asia/Shanghai")
	h.Config.PublicBaseURL = "http://pub/"
	ts := httptest.NewUnstartedServer(NewServer(h))
	ts.Config.ReadTimeout = 300 * time.Millisecond
	ts.Config.RegisterOnShutdown(streams.Shutdown) // as leida serve does
	ts.Start()
	defer ts.Close()

	resp, err := http.Get(ts.URL + "/zhugeleida/qiyeweixin/stream?user_id=7&timestamp=1&rand_str=x")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "text/event-stream") || resp.Header.Get("Cache-Control") != "no-cache" {
		t.Fatalf("headers %v", resp.Header)
	}
	lines := make(chan string, 100)
	go func() {
		defer close(lines)
		sc := bufio.NewScanner(resp.Body)
		for sc.Scan() {
			lines <- sc.Text()
		}
	}()
	time.Sleep(time.Second) // > ReadTimeout
	at := time.Date(2024, 6, 13, 3, 49, 57, 0, time.UTC)
	streams.push([]chat.StreamEvent{
		{Seq: 41, Name: chat.EventChat, Chat: &chat.Message{UserID: 7, CustomerID: 2, SendType: chat.CustomerToRep, Msg: "a\nb<c>",
			CreatedAt: at, CustomerName: "张聪", CustomerAvatar: "statics/imgs/Avator.jpg"}},
		{Seq: 42, Name: chat.EventRadar, Radar: &chat.RadarEvent{UserID: 7, CustomerID: 2, Action: 10, Remark: "拨打您的手机",
			CustomerName: "张聪", CreatedAt: at.Add(474 * time.Millisecond)}},
	})
	want := []string{
		"id: 41", "event: chat",
		`data: {"customer_id":2,"user_id":7,"src":"http://pub/statics/imgs/Avator.jpg","name":"张聪","dateTime":"2018-06-13T11:49:57","send_type":2,"msg":"a\nb<c>"}`,
		"", "id: 42", "event: radar",
		`data: {"user_id":7,"customer_id":2,"action":"拨打电话","log":"张聪拨打您的手机","create_date":"2024-06-13T11:49:57.474"}`, "",
	}
	want[2] = strings.Replace(want[2], "2018", "2024", 1)
	var got []string
	beats := 0
	timeout := time.After(3 * time.Second)
	for len(got) < len(want) {
		select {
		case l, ok := <-lines:
			if !ok {
				t.Fatalf("stream ended early (read timeout?) after %q", got)
			}
			switch {
			case l == ": heartbeat":
				beats++
			case strings.HasPrefix(l, "retry:") || l == ": connected" || (l == "" && len(got) == 0):
			default:
				got = append(got, l)
			}
		case <-timeout:
			t.Fatalf("got %q", got)
		}
	}
	for i := range want {
		if got[i] != want[i] {
			t.Fatalf("line %d: got %q, want %q", i, got[i], want[i])
		}
	}
	if beats < 5 {
		t.Fatalf("only %d heartbeats in a second", beats)
	}
	// Shutdown ends the stream (the hub's Shutdown is registered on the server).
	ctx, cancel := context.WithTimeout(context.Background(), 3*time.Second)
	defer cancel()
	if err := ts.Config.Shutdown(ctx); err != nil {
		t.Fatalf("shutdown: %v", err)
	}
	select {
	case <-streams.closed:
	default:
		t.Fatal("Shutdown did not end the streams")
	}
}
