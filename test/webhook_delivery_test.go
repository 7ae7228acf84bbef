package test

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"syscall"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// attempt is one request a receiver got.
type attempt struct {
	at        time.Time
	body      []byte
	signature string
	timestamp string
	event     string
	delivery  string
}

// receiver is a webhook receiver: it answers 500 to the first failFirst
// attempts of each event, then answer (200 by default).
type receiver struct {
	mu        sync.Mutex
	attempts  []attempt
	failFirst int
	answer    int
	hang      chan struct{} // when set, requests wait on it
	srv       *httptest.Server
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst, answer: 200}
	rc.srv = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		rc.mu.Lock()
		a := attempt{at: time.Now(), body: body, signature: r.Header.Get("X-Leida-Signature"), timestamp: r.Header.Get("X-Leida-Timestamp"),
			event: r.Header.Get("X-Leida-Event"), delivery: r.Header.Get("X-Leida-Delivery")}
		rc.attempts = append(rc.attempts, a)
		n := 0
		for _, x := range rc.attempts {
			if x.delivery == a.delivery {
				n++
			}
		}
		hang, status := rc.hang, rc.answer
		rc.mu.Unlock()
		if hang != nil {
			select {
			case <-hang:
			case <-r.Context().Done():
			}
			return
		}
		if n <= rc.failFirst {
			status = 500
		}
		w.WriteHeader(status)
	}))
	t.Cleanup(rc.srv.Close)
	return rc
}

func (rc *receiver) setAnswer(status int) {
	rc.mu.Lock()
	rc.answer = status
	rc.mu.Unlock()
}

func (rc *receiver) got() []attempt {
	rc.mu.Lock()
	defer rc.mu.Unlock()
	return append([]attempt(nil), rc.attempts...)
}

// perEvent counts the attempts per event id.
func (rc *receiver) perEvent() map[string]int {
	out := map[string]int{}
	for _, a := range rc.got() {
		out[a.delivery]++
	}
	return out
}

// waitFor polls cond for up to d.
func waitFor(t *testing.T, d time.Duration, what string, cond func() bool) {
	t.Helper()
	deadline := time.Now().Add(d)
	for !cond() {
		if time.Now().After(deadline) {
			t.Fatalf("timed out after %v waiting for %s", d, what)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

// webhookServer is a `leida serve` that may deliver to loopback receivers.
func webhookServer(t *testing.T, dbURL string) *lt.Server {
	t.Helper()
	s, err := lt.Start(lt.Options{Prefix: "webhook", DBURL: dbURL, Env: map[string]string{"WEBHOOK_ALLOW_PRIVATE": "true"}})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(s.Stop)
	return s
}

// dueNow makes every pending delivery due (the retry waits of 10 s, 20 s, …
// have passed), as the clock would.
func dueNow(t *testing.T, s *lt.Server) {
	t.Helper()
	s.Exec(t, `UPDATE webhook_deliveries SET next_at = now() WHERE status = 'pending'`)
}

func sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return "sha256=" + hex.EncodeToString(m.Sum(nil))
}

// webhookWorld: a company with an admin, a rep and a customer of the rep.
type webhookWorld struct {
	s            *lt.Server
	company      int64
	admin, rep   lt.Principal
	cust         lt.Principal
	secret       string
	endpointID   int64
	customerName string
}

func newWebhookWorld(t *testing.T, s *lt.Server, rc *receiver, events string) webhookWorld {
	t.Helper()
	w := webhookWorld{s: s, company: s.NewCompany(t, lt.Unique("推送公司")), customerName: lt.Unique("王小明")}
	w.admin = s.NewUser(t, w.company, lt.CompanyAdmin, lt.Unique("pushadmin"))
	w.rep = s.NewUser(t, w.company, lt.Member, lt.Unique("pushrep"))
	w.cust = s.NewCustomer(t, w.customerName)
	hook := addWebhook(t, s, w.admin, rc.srv.URL+"/hook?token=abc", events)
	w.secret, w.endpointID = *hook.Secret, hook.ID
	return w
}

// viewCard is E42 by the customer: a radar event of the rep.
func (w webhookWorld) viewCard(t *testing.T) {
	t.Helper()
	lt.Expect(t, w.s.Get(t, w.cust, "/zhugeleida/xiaochengxu/mingpian", url.Values{"uid": {id(w.rep.ID)}}), 200, "查询成功")
}

type deliveryRecord struct {
	ID             int64   `json:"id"`
	EventID        int64   `json:"event_id"`
	Event          string  `json:"event"`
	Status         string  `json:"status"`
	Attempts       int     `json:"attempts"`
	LastStatusCode *int    `json:"last_status_code"`
	LastError      string  `json:"last_error"`
	LastAttemptAt  *string `json:"last_attempt_at"`
	NextAttemptAt  *string `json:"next_attempt_at"`
	DeliveredAt    *string `json:"delivered_at"`
}

func (w webhookWorld) deliveries(t *testing.T) []deliveryRecord {
	t.Helper()
	r := w.s.Get(t, w.admin, whPath+"/deliveries", url.Values{"webhook_id": {id(w.endpointID)}})
	lt.Expect(t, r, 200, "查询成功")
	var p struct {
		RetData []deliveryRecord `json:"ret_data"`
	}
	r.Decode(t, &p)
	return p.RetData
}

// D9: every event reaches the receiver within a couple of seconds of its
// commit, signed; a failed attempt is retried after 10 s, then 20 s; each
// attempt of an event carries the same body; the deliveries list shows it all.
func TestD9WebhookDeliveriesAreSignedRetriedAndRecorded(t *testing.T) {
	s := webhookServer(t, "")
	rc := newReceiver(t, 2)
	w := newWebhookWorld(t, s, rc, "radar.event,chat.message,customer.outcome")

	start := time.Now()
	w.viewCard(t)
	lt.Expect(t, s.Post(t, w.cust, chatXCX+"/chat/send_msg/0", url.Values{"uid": {id(w.rep.ID)}, "msg": {"<你好>&"}}), 200, "send msg successful")
	lt.Expect(t, s.Post(t, w.rep, "/zhugeleida/qiyeweixin/customer/update_outcome/"+id(w.cust.ID), url.Values{"outcome": {"won"}}), 200, "修改成功")
	waitFor(t, 5*time.Second, "the first attempts", func() bool { return len(rc.perEvent()) == 3 })
	var maxLag time.Duration
	for _, a := range rc.got() {
		lag := a.at.Sub(start)
		if lag > 3*time.Second {
			t.Errorf("first attempt %v after the writes", lag)
		}
		maxLag = max(maxLag, lag)
	}
	t.Logf("first attempts within %v of the first write (3 writes, the worker polls every second)", maxLag.Round(time.Millisecond))
	waitFor(t, 5*time.Second, "the first attempts recorded", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 1 AND leased_until IS NULL`) == 3
	})
	for _, d := range w.deliveries(t) {
		if d.Status != "pending" || d.Attempts != 1 || d.LastStatusCode == nil || *d.LastStatusCode != 500 || d.LastError != "HTTP 500" ||
			d.NextAttemptAt == nil || d.DeliveredAt != nil {
			t.Fatalf("after one failure: %+v", d)
		}
	}
	wait := func(n int) float64 {
		var secs float64
		s.Scalar(t, &secs, `SELECT max(extract(epoch FROM next_at - last_attempt_at)) FROM webhook_deliveries WHERE attempts = $1`, n)
		return secs
	}
	if got := wait(1); got < 9.9 || got > 10.1 {
		t.Fatalf("first retry after %.1f s, want 10", got)
	}
	dueNow(t, s)
	waitFor(t, 5*time.Second, "the second attempts", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 2 AND leased_until IS NULL`) == 3
	})
	if got := wait(2); got < 19.9 || got > 20.1 {
		t.Fatalf("second retry after %.1f s, want 20", got)
	}
	dueNow(t, s)
	waitFor(t, 5*time.Second, "delivered", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'`) == 3
	})
	for _, d := range w.deliveries(t) {
		if d.Status != "delivered" || d.Attempts != 3 || *d.LastStatusCode != 200 || d.LastError != "" || d.DeliveredAt == nil || d.NextAttemptAt != nil {
			t.Fatalf("delivered: %+v", d)
		}
	}

	got := rc.got()
	bodies := map[string][]byte{}
	types := map[string]string{}
	for _, a := range got {
		if a.signature != sign(w.secret, a.body) {
			t.Fatalf("signature %s does not verify for %s", a.signature, a.body)
		}
		if ts, err := strconv.ParseInt(a.timestamp, 10, 64); err != nil || time.Since(time.Unix(ts, 0)) > time.Minute {
			t.Fatalf("timestamp %q", a.timestamp)
		}
		if prev, ok := bodies[a.delivery]; ok && string(prev) != string(a.body) {
			t.Fatalf("event %s: attempts differ:\n%s\n%s", a.delivery, prev, a.body)
		}
		bodies[a.delivery] = a.body
		var env struct {
			ID        int64           `json:"id"`
			Type      string          `json:"type"`
			Time      string          `json:"time"`
			CompanyID int64           `json:"company_id"`
			Data      json.RawMessage `json:"data"`
		}
		if err := json.Unmarshal(a.body, &env); err != nil || id(env.ID) != a.delivery || env.Type != a.event || env.CompanyID != w.company {
			t.Fatalf("body %s (headers %+v)", a.body, a)
		}
		if _, err := time.Parse(time.RFC3339, env.Time); err != nil {
			t.Fatalf("time %q", env.Time)
		}
		if keys := lt.KeysOf(a.body); !reflect.DeepEqual(keys, []string{"id", "type", "time", "company_id", "data"}) {
			t.Fatalf("body keys %v", keys)
		}
		types[env.Type] = string(env.Data)
	}
	var radar map[string]any
	if err := json.Unmarshal([]byte(types["radar.event"]), &radar); err != nil ||
		radar["log"] != w.customerName+"首次查看你的名片,沟通从此刻开始" || radar["user_id"] != float64(w.rep.ID) || radar["customer_id"] != float64(w.cust.ID) {
		t.Fatalf("radar.event data %s", types["radar.event"])
	}
	if keys := lt.KeysOf(json.RawMessage(types["radar.event"])); !reflect.DeepEqual(keys, []string{"user_id", "customer_id", "action", "log", "create_date"}) {
		t.Fatalf("radar.event keys %v (the E47 item)", keys)
	}
	if keys := lt.KeysOf(json.RawMessage(types["chat.message"])); !reflect.DeepEqual(keys, pollKeys) {
		t.Fatalf("chat.message keys %v (the E28 item)", keys)
	}
	var chat chatItem
	if err := json.Unmarshal([]byte(types["chat.message"]), &chat); err != nil || chat.Msg != "<你好>&" || chat.SendType != 2 || chat.Name != w.customerName {
		t.Fatalf("chat.message data %s", types["chat.message"])
	}
	if types["customer.outcome"] != `{"customer_id":`+id(w.cust.ID)+`,"customer_username":"`+w.customerName+`","outcome":"won","previous":"open","closed_at":"`+
		time.Now().In(shanghai).Format(time.DateOnly)+`"}` {
		t.Fatalf("customer.outcome data %s", types["customer.outcome"])
	}
	t.Logf("webhook figures: events 3, attempts %d, succeeded 3, retried %d, lost %d", len(got), len(got)-3, 3-len(bodies))
}

// D9: a receiver that hangs costs its deliveries a 10 s timeout and one
// that is down a refused connection; neither holds back the others.
func TestD9WebhookHangingAndDownReceiversHoldNothingBack(t *testing.T) {
	t.Parallel()
	s := webhookServer(t, "")
	okRc := newReceiver(t, 0)
	w := newWebhookWorld(t, s, okRc, "radar.event")
	hanging := newReceiver(t, 0)
	hanging.hang = make(chan struct{})
	defer close(hanging.hang)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	down := "http://" + ln.Addr().String() + "/hook"
	ln.Close()
	hangHook := addWebhook(t, s, w.admin, hanging.srv.URL+"/hook", "radar.event")
	downHook := addWebhook(t, s, w.admin, down, "radar.event")

	for range 3 {
		w.viewCard(t)
	}
	// The working receiver has all three within seconds, whatever the others do.
	waitFor(t, 5*time.Second, "the working receiver", func() bool { return len(okRc.perEvent()) == 3 })
	status := func(endpoint int64) (string, string) {
		var st, e string
		s.Scalar(t, &st, `SELECT string_agg(DISTINCT status, ',') FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts > 0`, endpoint)
		s.Scalar(t, &e, `SELECT COALESCE(string_agg(DISTINCT last_error, ','), '') FROM webhook_deliveries WHERE endpoint_id = $1`, endpoint)
		return st, e
	}
	waitFor(t, 5*time.Second, "the refused attempts", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts = 1`, downHook.ID) == 3
	})
	if st, e := status(downHook.ID); st != "pending" || e != "connection refused" {
		t.Fatalf("down receiver: %s %q", st, e)
	}
	waitFor(t, 20*time.Second, "the timed-out attempts", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE endpoint_id = $1 AND attempts = 1`, hangHook.ID) == 3
	})
	if st, e := status(hangHook.ID); st != "pending" || e != "timeout after 10s" {
		t.Fatalf("hanging receiver: %s %q", st, e)
	}
	var failing int
	s.Scalar(t, &failing, `SELECT count(*) FROM webhook_endpoints WHERE id IN ($1, $2) AND failing_since IS NOT NULL AND enabled`, hangHook.ID, downHook.ID)
	if failing != 2 {
		t.Fatalf("%d failing endpoints marked, want 2 (still enabled: not a day yet)", failing)
	}
}

// D9: deliveries that exhaust their day of retries are marked failed, and
// an endpoint failing for a day is disabled with the reason; enabling it by
// hand forgets the failures.
func TestD9WebhookGivesUpAfterADayAndDisablesTheEndpoint(t *testing.T) {
	t.Parallel()
	s := webhookServer(t, "")
	rc := newReceiver(t, 0)
	rc.setAnswer(503)
	w := newWebhookWorld(t, s, rc, "radar.event")
	w.viewCard(t)
	waitFor(t, 5*time.Second, "the first attempt", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 1 AND leased_until IS NULL`) == 1
	})
	// A day later: the event is older than the retry window, the endpoint has failed since.
	s.Exec(t, `UPDATE webhook_deliveries SET created_at = now() - interval '25 hours', next_at = now()`)
	s.Exec(t, `UPDATE webhook_endpoints SET failing_since = now() - interval '25 hours' WHERE id = $1`, w.endpointID)
	waitFor(t, 5*time.Second, "the last attempt", func() bool {
		return s.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE status = 'failed'`) == 1
	})
	d := w.deliveries(t)
	if len(d) != 1 || d[0].Attempts != 2 || d[0].NextAttemptAt != nil || *d[0].LastStatusCode != 503 {
		t.Fatalf("failed delivery %+v", d)
	}
	list := listWebhooks(t, s, w.admin)
	if len(list) != 1 || list[0].Enabled || list[0].DisabledReason == "" || list[0].FailingSince == nil {
		t.Fatalf("endpoint %+v", list)
	}
	t.Logf("disabled: %s", list[0].DisabledReason)
	// Disabled: new events are not written for it.
	w.viewCard(t)
	if n := s.Count(t, `SELECT count(*) FROM webhook_deliveries`); n != 1 {
		t.Fatalf("%d deliveries for a disabled endpoint", n)
	}
	r := s.Post(t, w.admin, whPath+"/update/"+id(w.endpointID), url.Values{"enabled": {"true"}})
	lt.Expect(t, r, 200, "修改成功")
	var up webhookItem
	r.Decode(t, &up)
	if !up.Enabled || up.DisabledReason != "" || up.FailingSince != nil {
		t.Fatalf("enabled again %+v", up)
	}
}

// D9: the outbox survives a kill -9 in the middle of retries, and an attempt
// cut off by it is made again: nothing is lost.
func TestD9WebhookOutboxSurvivesKill9(t *testing.T) {
	t.Parallel()
	a := webhookServer(t, "")
	rc := newReceiver(t, 0)
	rc.setAnswer(503)
	w := newWebhookWorld(t, a, rc, "radar.event")
	for range 5 {
		w.viewCard(t)
	}
	waitFor(t, 5*time.Second, "five failed attempts", func() bool {
		return a.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE attempts = 1 AND leased_until IS NULL`) == 5
	})
	// One more event whose attempt hangs when the server is killed.
	rc.mu.Lock()
	rc.hang = make(chan struct{})
	rc.mu.Unlock()
	w.viewCard(t)
	waitFor(t, 5*time.Second, "the hanging attempt", func() bool { return len(rc.perEvent()) == 6 })
	if err := a.Signal(syscall.SIGKILL); err != nil {
		t.Fatal(err)
	}
	_ = a.Wait()
	rc.mu.Lock()
	close(rc.hang)
	rc.hang = nil
	rc.answer = 200
	rc.mu.Unlock()

	b := webhookServer(t, a.DBURL)
	// The killed attempt's lease ends (30 s), the others' retry waits pass.
	b.Exec(t, `UPDATE webhook_deliveries SET leased_until = NULL WHERE leased_until IS NOT NULL`)
	dueNow(t, b)
	waitFor(t, 10*time.Second, "every event delivered", func() bool {
		return b.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'`) == 6
	})
	per := rc.perEvent()
	lost := 6 - len(per)
	attempts := len(rc.got())
	if lost != 0 {
		t.Fatalf("%d events lost: %v", lost, per)
	}
	t.Logf("kill -9: events 6, attempts %d, succeeded 6, retried %d, lost %d", attempts, attempts-6, lost)
}

// D9: two instances on one database deliver each event once per attempt.
func TestD9WebhookTwoInstancesDeliverEachEventOnce(t *testing.T) {
	t.Parallel()
	a := webhookServer(t, "")
	b := webhookServer(t, a.DBURL)
	rc := newReceiver(t, 0)
	w := newWebhookWorld(t, a, rc, "radar.event")
	// 60 events written straight to the access log, as E42 does, in bursts.
	for i := range 60 {
		a.Exec(t, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark) VALUES ($1, $2, $3, 1, $4)`,
			w.company, w.rep.ID, w.cust.ID, "查看你的名片第"+strconv.Itoa(i)+"次")
	}
	waitFor(t, 15*time.Second, "60 events", func() bool { return len(rc.perEvent()) == 60 })
	waitFor(t, 5*time.Second, "recorded", func() bool {
		return b.Count(t, `SELECT count(*) FROM webhook_deliveries WHERE status = 'delivered'`) == 60
	})
	for ev, n := range rc.perEvent() {
		if n != 1 {
			t.Fatalf("event %s delivered %d times", ev, n)
		}
	}
	if n := len(rc.got()); n != 60 {
		t.Fatalf("%d attempts for 60 events", n)
	}
}
