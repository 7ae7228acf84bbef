package test

import (
	"bufio"
	"context"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// sseEvent is one Server-Sent Event (comments are reported with Comment set).
type sseEvent struct {
	ID, Event, Data, Comment string
}

type sseClient struct {
	resp   *http.Response
	events chan sseEvent
	cancel context.CancelFunc
	ended  chan struct{}
}

// openStream connects as p to path; header and query extras are optional.
func openStream(t *testing.T, s *lt.Server, p lt.Principal, path string, header http.Header, extra url.Values) *sseClient {
	t.Helper()
	q := lt.Sign(p, time.Now())
	for k, vs := range extra {
		q[k] = vs
	}
	ctx, cancel := context.WithCancel(context.Background())
	req, _ := http.NewRequestWithContext(ctx, "GET", s.URL+path+"?"+q.Encode(), nil)
	for k, vs := range header {
		req.Header[k] = vs
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		cancel()
		t.Fatal(err)
	}
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		body, _ := io.ReadAll(resp.Body)
		cancel()
		t.Fatalf("stream: HTTP %d %s: %s", resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	c := &sseClient{resp: resp, events: make(chan sseEvent, 256), cancel: cancel, ended: make(chan struct{})}
	go func() {
		defer close(c.ended)
		sc := bufio.NewScanner(resp.Body)
		var ev sseEvent
		for sc.Scan() {
			line := sc.Text()
			switch {
			case line == "":
				if ev != (sseEvent{}) {
					c.events <- ev
				}
				ev = sseEvent{}
			case strings.HasPrefix(line, ":"):
				c.events <- sseEvent{Comment: strings.TrimSpace(line[1:])}
			case strings.HasPrefix(line, "id: "):
				ev.ID = line[4:]
			case strings.HasPrefix(line, "event: "):
				ev.Event = line[7:]
			case strings.HasPrefix(line, "data: "):
				ev.Data = line[6:]
			}
		}
	}()
	t.Cleanup(c.close)
	return c
}

func (c *sseClient) close() { c.cancel(); c.resp.Body.Close() }

// next is the next event (skipping comments) within d.
func (c *sseClient) next(t *testing.T, d time.Duration) sseEvent {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-c.events:
			if ev.Comment == "" {
				return ev
			}
		case <-deadline:
			t.Fatalf("no event within %v", d)
		}
	}
}

// none checks that no event arrives within d.
func (c *sseClient) none(t *testing.T, d time.Duration) {
	t.Helper()
	deadline := time.After(d)
	for {
		select {
		case ev := <-c.events:
			if ev.Comment == "" {
				t.Fatalf("unexpected event %+v", ev)
			}
		case <-deadline:
			return
		}
	}
}

func decodeChat(t *testing.T, ev sseEvent) chatItem {
	t.Helper()
	if ev.Event != "chat" {
		t.Fatalf("want a chat event, got %+v", ev)
	}
	expectSame(t, "chat data keys", lt.KeysOf([]byte(ev.Data)), pollKeys)
	var it chatItem
	if err := json.Unmarshal([]byte(ev.Data), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

// Two `leida serve` on one database: what is written through A reaches a
// subscriber of B within a second, both ways and for the radar; a
// reconnecting client resumes with Last-Event-ID; heartbeats; shutdown
// ends open streams.
func TestStreamAcrossTwoInstances(t *testing.T) {
	a, err := lt.Start(lt.Options{Prefix: "stream"})
	if err != nil {
		t.Fatal(err)
	}
	defer a.Stop()
	b, err := lt.Start(lt.Options{DBURL: a.DBURL, Env: map[string]string{"STREAM_HEARTBEAT": "200ms"}})
	if err != nil {
		t.Fatal(err)
	}
	defer b.Stop()
	// Bootstrap on the second instance was harmless: same company, same admin, no duplicates.
	expectSame(t, "same bootstrap", [2]int64{b.CompanyID, b.Admin.ID}, [2]int64{a.CompanyID, a.Admin.ID})
	expectSame(t, "companies", a.Count(t, `SELECT count(*) FROM companies`), 1)
	expectSame(t, "roles", a.Count(t, `SELECT count(*) FROM roles`), 3)
	expectSame(t, "users", a.Count(t, `SELECT count(*) FROM users`), 1)

	w := newChatWorld(t, a)
	repStream := openStream(t, b, w.rep, chatQY+"/stream", nil, nil)
	custStream := openStream(t, b, w.cust, chatXCX+"/stream", nil, nil)

	// Heartbeat comments (200ms on B).
	deadline := time.After(2 * time.Second)
	for beats := 0; beats < 2; {
		select {
		case ev := <-repStream.events:
			if ev.Comment == "heartbeat" {
				beats++
			}
		case <-deadline:
			t.Fatal("no heartbeats")
		}
	}

	// Customer → rep through A, pushed by B.
	start := time.Now()
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "来自A的消息"), 200, "send msg successful")
	ev := repStream.next(t, time.Second)
	t.Logf("A→B delivery in %v", time.Since(start))
	got := decodeChat(t, ev)
	var at time.Time
	a.Scalar(t, &at, `SELECT created_at FROM chat_messages WHERE msg = '来自A的消息'`)
	expectSame(t, "chat item (src from the serving instance's PUBLIC_BASE_URL)", got, chatItem{CustomerID: w.cust.ID, UserID: w.rep.ID, Src: b.URL + "/statics/imgs/Avator.jpg",
		Name: w.custName, DateTime: chatWire(at), Msg: "来自A的消息", SendType: 2})
	firstID := ev.ID
	custStream.none(t, 200*time.Millisecond) // the sender does not get its own message

	// Rep → customer.
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "回复"), 200, "send msg successful")
	got = decodeChat(t, custStream.next(t, time.Second))
	if got.Msg != "回复" || got.SendType != 1 {
		t.Fatalf("customer got %+v", got)
	}

	// Radar: a new access log of the rep (the E47 item).
	a.Exec(t, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark) VALUES ($1, $2, $3, 6, '转发了你的名片,你的人脉圈正在裂变')`,
		w.company, w.rep.ID, w.cust.ID)
	ev = repStream.next(t, time.Second)
	if ev.Event != "radar" {
		t.Fatalf("want radar, got %+v", ev)
	}
	expectSame(t, "radar keys", lt.KeysOf([]byte(ev.Data)), []string{"user_id", "customer_id", "action", "log", "create_date"})
	var radar struct {
		UserID     int64  `json:"user_id"`
		CustomerID int64  `json:"customer_id"`
		Action     string `json:"action"`
		Log        string `json:"log"`
		CreateDate string `json:"create_date"`
	}
	_ = json.Unmarshal([]byte(ev.Data), &radar)
	a.Scalar(t, &at, `SELECT created_at FROM access_logs WHERE user_id = $1`, w.rep.ID)
	if radar.UserID != w.rep.ID || radar.CustomerID != w.cust.ID || radar.Action != "转发名片" ||
		radar.Log != w.custName+"转发了你的名片,你的人脉圈正在裂变" || radar.CreateDate != chatWire(at) {
		t.Fatalf("radar item %s", ev.Data)
	}
	if n1, _ := strconv.Atoi(firstID); ev.ID != strconv.Itoa(n1+1) {
		t.Fatalf("ids must increase per principal: %s then %s", firstID, ev.ID)
	}
	radarID := ev.ID
	// Another rep's events are not on this stream.
	lt.Expect(t, w.custSend(t, w.colleagueCust, w.colleague, "not yours"), 200, "send msg successful")
	repStream.none(t, 300*time.Millisecond)

	// Disconnect, miss two messages, reconnect with Last-Event-ID (header, then query).
	repStream.close()
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "missed 1"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust2, w.rep, "missed 2"), 200, "send msg successful")
	resumed := openStream(t, a, w.rep, chatQY+"/stream", http.Header{"Last-Event-Id": {radarID}}, nil)
	e1, e2 := resumed.next(t, time.Second), resumed.next(t, time.Second)
	if decodeChat(t, e1).Msg != "missed 1" || decodeChat(t, e2).Msg != "missed 2" {
		t.Fatalf("resume: %+v %+v", e1, e2)
	}
	resumed.none(t, 200*time.Millisecond)
	byQuery := openStream(t, b, w.rep, chatQY+"/stream", nil, url.Values{"last_event_id": {e1.ID}})
	if ev := byQuery.next(t, time.Second); ev.ID != e2.ID || decodeChat(t, ev).Msg != "missed 2" {
		t.Fatalf("resume by query: %+v", ev)
	}
	// Without Last-Event-ID a stream starts with the next event.
	fresh := openStream(t, b, w.rep, chatQY+"/stream", nil, nil)
	fresh.none(t, 200*time.Millisecond)

	// Graceful shutdown of B ends its open streams promptly.
	stopped := time.Now()
	if err := b.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	select {
	case <-fresh.ended:
	case <-time.After(5 * time.Second):
		t.Fatal("stream on B not ended by shutdown")
	}
	done := make(chan error, 1)
	go func() { done <- b.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("B exit: %v\n%s", err, b.Logs())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("B did not stop")
	}
	t.Logf("B stopped in %v", time.Since(stopped))
	// A still serves.
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "after B"), 200, "send msg successful")
	if decodeChat(t, resumed.next(t, time.Second)).Msg != "after B" {
		t.Fatal("A stream")
	}
}

func TestStreamAuth(t *testing.T) {
	w := newChatWorld(t, srv)
	for _, c := range []struct {
		path string
		who  lt.Principal
	}{{chatQY + "/stream", w.rep}, {chatXCX + "/stream", w.cust}} {
		bad := c.who
		bad.Token = lt.NewToken()
		lt.Expect(t, srv.Do(t, lt.Request{Path: c.path, As: &bad}), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Path: c.path, As: &c.who, At: time.Now().Add(-time.Hour)}), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Path: c.path}), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Method: "POST", Path: c.path, As: &c.who}), 402, "请求异常")
	}
	// The kinds do not mix: a customer token on the rep's stream and vice versa.
	lt.Expect(t, srv.Do(t, lt.Request{Path: chatQY + "/stream", As: &w.cust}), 400, "token异常")
	lt.Expect(t, srv.Do(t, lt.Request{Path: chatXCX + "/stream", As: &w.rep}), 400, "token异常")
	disabled := srv.NewUser(t, w.company, lt.Member, lt.Unique("off"))
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
	lt.Expect(t, srv.Do(t, lt.Request{Path: chatQY + "/stream", As: &disabled}), 306, "账户未启用")

	// The default heartbeat is not 200ms: a fresh stream on the shared server only says "connected".
	s := openStream(t, srv, w.rep, chatQY+"/stream", nil, nil)
	select {
	case ev := <-s.events:
		if ev.Comment != "connected" {
			t.Fatalf("first line %+v", ev)
		}
	case <-time.After(time.Second):
		t.Fatal("no greeting")
	}
	s.none(t, 300*time.Millisecond)
}
