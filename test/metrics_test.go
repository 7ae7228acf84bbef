package test

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// metrics is one scrape of /metrics: series ("name{k="v",...}", labels
// sorted as Prometheus writes them) → value.
type metrics map[string]float64

func scrapeURL(t *testing.T, u string) metrics {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	if resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/plain") {
		body, _ := io.ReadAll(resp.Body)
		t.Fatalf("%s: HTTP %d %s: %.300s", u, resp.StatusCode, resp.Header.Get("Content-Type"), body)
	}
	m := metrics{}
	sc := bufio.NewScanner(resp.Body)
	sc.Buffer(make([]byte, 1<<20), 1<<20)
	for sc.Scan() {
		line := sc.Text()
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		i := strings.LastIndexByte(line, ' ')
		v, err := strconv.ParseFloat(line[i+1:], 64)
		if err != nil {
			t.Fatalf("metric line %q", line)
		}
		m[line[:i]] = v
	}
	return m
}

func scrapeMetrics(t *testing.T) metrics { t.Helper(); return scrapeURL(t, srv.URL+"/metrics") }

// series names a series: name and label pairs (k, v, k, v...).
func series(name string, kv ...string) string {
	if len(kv) == 0 {
		return name
	}
	pairs := make([]string, 0, len(kv)/2)
	for i := 0; i+1 < len(kv); i += 2 {
		pairs = append(pairs, kv[i]+"="+strconv.Quote(kv[i+1]))
	}
	sort.Strings(pairs)
	return name + "{" + strings.Join(pairs, ",") + "}"
}

// expectMoved checks that each series moved by the wanted amount between
// two scrapes.
func expectMoved(t *testing.T, before, after metrics, want map[string]float64) {
	t.Helper()
	for s, d := range want {
		if got := after[s] - before[s]; got != d {
			t.Errorf("%s moved by %v, want %v (before %v, after %v)", s, got, d, before[s], after[s])
		}
	}
}

const e01 = "/zhugeleida/qiyeweixin/user"

// The counters move with the matching requests: E01 by route pattern and
// envelope code (200, and 400 for a bad signature, with its reason), a
// refused password login, a 429, a client that hangs up (499, counted apart
// from 500s), radar events and chat messages written, an open push stream
// and the events pushed on it. /metrics needs no credentials.
func TestMetricsMoveWithRequests(t *testing.T) {
	before := scrapeMetrics(t)
	for _, name := range []string{"go_goroutines", series("go_sql_open_connections", "db_name", "leida"),
		"leida_http_requests_in_flight", "leida_stream_listener_reconnects_total"} {
		if _, ok := before[name]; !ok {
			t.Errorf("/metrics has no %s", name)
		}
	}

	lt.Expect(t, srv.Get(t, srv.Admin, e01, nil), 200, "查询成功")
	lt.Expect(t, srv.Get(t, srv.Admin, e01+"/", url.Values{"current_page": {"1"}}), 200, "查询成功") // same route
	forged := srv.Admin
	forged.Token = lt.NewToken()
	bad := srv.Get(t, forged, e01, nil)
	lt.Expect(t, bad, 400, "token异常")
	after := scrapeMetrics(t)
	expectMoved(t, before, after, map[string]float64{
		series("leida_http_requests_total", "route", e01, "method", "GET", "code", "200"):   2,
		series("leida_http_requests_total", "route", e01, "method", "GET", "code", "400"):   1,
		series("leida_auth_failures_total", "principal", "user", "reason", "bad_signature"): 1,
		series("leida_http_request_duration_seconds_count", "route", e01, "method", "GET"):  3,
	})
	if after["leida_http_requests_in_flight"] != 0 {
		t.Errorf("in flight after the requests: %v", after["leida_http_requests_in_flight"])
	}
	// The refusal's reason is in the log, with the request id the client got.
	rid := bad.Header.Get("X-Request-Id")
	if rid == "" || !waitLog(srv, `"msg":"authentication refused"`, `"reason":"bad_signature"`, `"request_id":"`+rid+`"`, `"level":"INFO"`) {
		t.Errorf("no info line for the refused signature (request id %q)", rid)
	}

	t.Run("login failures and 429", func(t *testing.T) {
		before := scrapeMetrics(t)
		client := http.Header{"X-Forwarded-For": {clientAddress()}}
		victim := lt.Unique("metrics-victim")
		for i := 0; i < 10; i++ {
			r := srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Header: client,
				Form: url.Values{"username": {victim}, "password": {"guess"}}})
			lt.Expect(t, r, 401, "账号或密码错误")
		}
		r := srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Header: client,
			Form: url.Values{"username": {victim}, "password": {"guess"}}})
		lt.ExpectStatus(t, r, 429, 429, "请求过于频繁")
		expectMoved(t, before, scrapeMetrics(t), map[string]float64{
			series("leida_login_failures_total", "reason", "bad_credentials"):           10,
			series("leida_http_rate_limited_total", "route", "/zhugeleida/admin/login"): 1,
		})
	})

	t.Run("a client that hangs up is counted as cancelled, not as an internal error", func(t *testing.T) {
		w := newOrgWorld(t)
		var name string
		srv.Scalar(t, &name, `SELECT username FROM users WHERE id = $1`, w.memberA.ID)
		// Hold the user's row: E04 waits for it until the client gives up.
		tx, err := srv.DB.Begin()
		if err != nil {
			t.Fatal(err)
		}
		defer tx.Rollback()
		if _, err := tx.Exec(`SELECT id FROM users WHERE id = $1 FOR UPDATE`, w.memberA.ID); err != nil {
			t.Fatal(err)
		}
		route := "/zhugeleida/qiyeweixin/user/update/:id"
		before := scrapeMetrics(t)
		ctx, cancel := context.WithTimeout(context.Background(), 500*time.Millisecond)
		defer cancel()
		q := lt.Sign(w.root, time.Now())
		req, _ := http.NewRequestWithContext(ctx, "POST", srv.URL+"/zhugeleida/qiyeweixin/user/update/"+id(w.memberA.ID)+"?"+q.Encode(),
			strings.NewReader(url.Values{"username": {name}}.Encode()))
		req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		if resp, err := http.DefaultClient.Do(req); err == nil {
			body, _ := io.ReadAll(resp.Body)
			resp.Body.Close()
			t.Fatalf("E04 answered while its row was locked: %d %s", resp.StatusCode, body)
		} else if !errors.Is(err, context.DeadlineExceeded) {
			t.Fatal(err)
		}
		cancelled := series("leida_http_requests_cancelled_total", "route", route, "method", "POST")
		var after metrics
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if after = scrapeMetrics(t); after[cancelled] > before[cancelled] {
				break
			}
		}
		expectMoved(t, before, after, map[string]float64{
			cancelled: 1,
			series("leida_http_requests_total", "route", route, "method", "POST", "code", "499"): 1,
			series("leida_http_requests_total", "route", route, "method", "POST", "code", "500"): 0,
		})
	})

	t.Run("radar events, chat messages, streams", func(t *testing.T) {
		w := newCardWorld(t)
		stream := openStream(t, srv, w.rep, chatQY+"/stream", nil, nil)
		before := scrapeMetrics(t)
		if before[series("leida_stream_open", "principal", "user")] < 1 {
			t.Errorf("open rep streams: %v", before[series("leida_stream_open", "principal", "user")])
		}
		lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID)), 200, "查询成功") // E42: the view, and the customer belongs to the rep
		r := srv.Do(t, lt.Request{Method: "POST", Path: chatXCX + "/chat/send_msg/0", As: &w.cust,
			Form: url.Values{"uid": {id(w.rep.ID)}, "msg": {"你好"}}})
		lt.Expect(t, r, 200, "send msg successful")
		lt.Expect(t, srv.Post(t, w.rep, chatQY+"/chat/send_msg/0", url.Values{"user_id": {id(w.rep.ID)},
			"customer_id": {id(w.cust.ID)}, "msg": {"您好"}, "send_type": {"1"}}), 200, "send msg successful")
		// Unknown owner: nothing written, nothing counted.
		lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian/calling", cardUID(w.rep.ID+1_000_000)), 302, "用户ID不存在")
		got := map[string]bool{}
		for !got["chat"] || !got["radar"] {
			got[stream.next(t, 5*time.Second).Event] = true
		}
		// The server counts an event right after writing it: the client may read it first.
		pushed := series("leida_stream_events_pushed_total", "event", "chat")
		pushedRadar := series("leida_stream_events_pushed_total", "event", "radar")
		var after metrics
		for deadline := time.Now().Add(5 * time.Second); time.Now().Before(deadline); time.Sleep(20 * time.Millisecond) {
			if after = scrapeMetrics(t); after[pushed] > before[pushed] && after[pushedRadar] > before[pushedRadar] {
				break
			}
		}
		expectMoved(t, before, after, map[string]float64{
			series("leida_radar_events_written_total", "action", "1"):                   1, // 查看名片
			series("leida_radar_events_written_total", "action", "10"):                  0, // the refused E44
			series("leida_chat_messages_written_total", "direction", "customer_to_rep"): 1,
			series("leida_chat_messages_written_total", "direction", "rep_to_customer"): 1,
			pushed:      1, // the customer's message on the rep's stream
			pushedRadar: 1,
		})
		stream.close()
	})
}

// waitLog reports whether a line of s's log holds every part within 5 s
// (the server's output reaches the test through a pipe).
func waitLog(s *lt.Server, parts ...string) bool {
	for deadline := time.Now().Add(5 * time.Second); ; time.Sleep(10 * time.Millisecond) {
		if logHas(s.Logs(), parts...) {
			return true
		}
		if time.Now().After(deadline) {
			return false
		}
	}
}

// logHas reports whether one line of the log holds every part.
func logHas(logs string, parts ...string) bool {
	for _, line := range strings.Split(logs, "\n") {
		all := true
		for _, p := range parts {
			if !strings.Contains(line, p) {
				all = false
				break
			}
		}
		if all {
			return true
		}
	}
	return false
}

// Authentication failures log why at info with the request id; the client
// sees only 400 token异常 or 306.
func TestAuthenticationFailuresLogTheirReason(t *testing.T) {
	w := newCardWorld(t)
	disabled := srv.NewUser(t, w.company, lt.Member, lt.Unique("disabled"))
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
	unknown := lt.Principal{ID: w.rep.ID + 1_000_000, Token: lt.NewToken()}
	for _, c := range []struct {
		name   string
		req    lt.Request
		code   int
		msg    string
		reason string
	}{
		{"bad signature", lt.Request{Path: e01, As: &lt.Principal{ID: w.rep.ID, Token: lt.NewToken()}}, 400, "token异常", "bad_signature"},
		{"stale", lt.Request{Path: e01, As: &w.rep, At: time.Now().Add(-time.Hour)}, 400, "token异常", "stale_timestamp"},
		{"future", lt.Request{Path: e01, As: &w.rep, At: time.Now().Add(time.Hour)}, 400, "token异常", "future_timestamp"},
		{"unknown user", lt.Request{Path: e01, As: &unknown}, 400, "token异常", "unknown_principal"},
		{"unknown customer", lt.Request{Path: cardXCX + "/mingpian", As: &lt.Principal{ID: unknown.ID, Token: unknown.Token, Customer: true},
			Query: cardUID(w.rep.ID)}, 400, "token异常", "unknown_principal"},
		{"disabled", lt.Request{Path: e01, As: &disabled}, 306, "账户未启用", "disabled"},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := srv.Do(t, c.req)
			lt.Expect(t, r, c.code, c.msg)
			lt.ExpectEmptyData(t, r)
			rid := r.Header.Get("X-Request-Id")
			if rid == "" || !waitLog(srv, `"level":"INFO"`, `"msg":"authentication refused"`, `"reason":"`+c.reason+`"`,
				`"request_id":"`+rid+`"`) {
				t.Fatalf("no info line with reason %s and request id %q", c.reason, rid)
			}
		})
	}
	if strings.Contains(srv.Logs(), "rand_str=") {
		t.Fatal("a signature reached the log")
	}
}

// The default avatars the API returns are served (from the binary: the
// test server's MEDIA_ROOT is empty).
func TestDefaultAvatarsServed(t *testing.T) {
	for _, p := range []string{"/statics/imgs/setAvator.jpg", "/statics/imgs/Avator.jpg"} {
		resp, err := http.Get(srv.URL + p)
		if err != nil {
			t.Fatal(err)
		}
		body, _ := io.ReadAll(resp.Body)
		resp.Body.Close()
		if resp.StatusCode != 200 || resp.Header.Get("Content-Type") != "image/jpeg" || !strings.HasPrefix(string(body), "\xFF\xD8\xFF") {
			t.Fatalf("%s: %d %s", p, resp.StatusCode, resp.Header.Get("Content-Type"))
		}
	}
}

// METRICS_ADDR moves /metrics to a listener of its own, started by
// `leida serve`; the main listener no longer serves it.
func TestMetricsOnTheirOwnListener(t *testing.T) {
	port, err := freeTCPPort()
	if err != nil {
		t.Fatal(err)
	}
	addr := fmt.Sprintf("127.0.0.1:%d", port)
	s, err := lt.Start(lt.Options{Prefix: "metrics", Env: map[string]string{"METRICS_ADDR": addr}})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	lt.Expect(t, s.Get(t, s.Admin, e01, nil), 200, "查询成功")
	m := scrapeURL(t, "http://"+addr+"/metrics")
	if m[series("leida_http_requests_total", "route", e01, "method", "GET", "code", "200")] != 1 {
		t.Errorf("E01 not counted on the metrics listener")
	}
	resp, err := http.Get(s.URL + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 404 {
		t.Errorf("main listener /metrics: %d", resp.StatusCode)
	}
	if !waitLog(s, `"msg":"serving"`, `"metrics_addr":"`+addr+`"`) {
		t.Errorf("serving line without the metrics address")
	}
}
