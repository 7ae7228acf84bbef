package test

import (
	"context"
	"fmt"
	"math/rand/v2"
	"net/url"
	"reflect"
	"strconv"
	"sync"
	"testing"

	"leida/adapters/postgres/pgtest"
	lt "leida/test/leidatest"
)

// The radar's counts and the contact list come from summaries (rollups, an
// unread feed, conversation rows) that triggers maintain in the write's
// transaction. These tests hold them to the raw rows: in every snapshot
// while two instances take writes, reads and deletes, and afterwards
// through the endpoints.

var (
	secondOnce sync.Once
	second     *lt.Server
	secondErr  error
)

// secondInstance is another `leida serve` on the shared server's database
// (stopped with the package: see TestMain).
func secondInstance(t *testing.T) *lt.Server {
	t.Helper()
	secondOnce.Do(func() {
		second, secondErr = lt.Start(lt.Options{DBURL: srv.DBURL})
		if secondErr == nil {
			extraServers = append(extraServers, second)
		}
	})
	if secondErr != nil {
		t.Fatal(secondErr)
	}
	return second
}

// summaryDrift is leida_summary_drift() in one snapshot: the summaries that
// differ from the raw rows, with how many rows.
func summaryDrift(t *testing.T) map[string]int {
	t.Helper()
	all, err := pgtest.SummaryDrift(context.Background(), srv.DB)
	if err != nil {
		t.Error(err)
		return nil
	}
	out := map[string]int{}
	for name, n := range all {
		if n != 0 {
			out[name] = n
		}
	}
	return out
}

// radarWorld is a company with two reps, an admin and customers of both reps.
type radarWorld struct {
	company int64
	reps    []lt.Principal
	admin   lt.Principal
	custs   []lt.Principal
	servers []*lt.Server
}

func newRadarWorld(t *testing.T, customers int) *radarWorld {
	t.Helper()
	w := &radarWorld{company: srv.NewCompany(t, lt.Unique("汇总公司"))}
	w.reps = []lt.Principal{srv.NewUser(t, w.company, lt.Member, lt.Unique("sum-rep")), srv.NewUser(t, w.company, lt.Member, lt.Unique("sum-rep"))}
	w.admin = srv.NewUser(t, w.company, lt.CompanyAdmin, lt.Unique("sum-admin"))
	for range customers {
		c := srv.NewCustomer(t, lt.Unique("汇总客户"))
		w.custs = append(w.custs, c)
		for _, r := range w.reps {
			srv.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, 1)`, w.company, r.ID, c.ID)
		}
	}
	w.servers = []*lt.Server{srv, secondInstance(t)}
	return w
}

var cardEventPaths = []string{"/mingpian", "/mingpian/calling", "/mingpian/praise", "/mingpian/forward", "/mingpian/save_phone",
	"/product", "/action/record"}

// TestRadarSummariesEqualTheRawLogsUnderConcurrency: card events (E42, E44,
// E45, E46, A8, A9, action/record), radar reads (E31, E32, E33, E47, A5),
// an admin's E08 of customers and an E03 of a rep, on two instances at once.
// Every snapshot taken meanwhile has no drift; afterwards every count the
// radar endpoints return equals the raw logs.
func TestRadarSummariesEqualTheRawLogsUnderConcurrency(t *testing.T) {
	w := newRadarWorld(t, 6)
	ctx, cancel := context.WithCancel(context.Background())
	var writers sync.WaitGroup
	for g := range 6 {
		writers.Add(1)
		go func() {
			defer writers.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 11))
			for i := range 40 {
				s := w.servers[rng.IntN(2)]
				cust := w.custs[rng.IntN(len(w.custs))]
				rep := w.reps[rng.IntN(2)]
				switch {
				case g == 5 && i == 10: // an admin forgets two customers
					for _, c := range w.custs[:2] {
						r, err := s.Send(lt.Request{Method: "POST", Path: cardQY + "/customer/delete/" + strconv.FormatInt(c.ID, 10), As: &w.admin})
						if err != nil || r.Code != 200 {
							t.Errorf("E08: %v %+v", err, r)
						}
					}
				case g == 4 && i == 20: // an admin deletes the second rep (soft: the history stays)
					r, err := s.Send(lt.Request{Method: "POST", Path: cardQY + "/user/delete/" + strconv.FormatInt(w.reps[1].ID, 10), As: &w.admin})
					if err != nil || r.Code != 200 {
						t.Errorf("E03: %v %+v", err, r)
					}
				case i%3 == 2: // the rep reads the radar
					path := []string{"/action/time", "/action/customer", "/action/count", "/action/get_new_log", "/action/customer_detail"}[rng.IntN(5)]
					if _, err := s.Send(lt.Request{Path: cardQY + path, As: &rep}); err != nil {
						t.Error(err)
					}
				default:
					q := url.Values{"uid": {strconv.FormatInt(rep.ID, 10)}, "action": {strconv.Itoa(1 + rng.IntN(12))}}
					if _, err := s.Send(lt.Request{Path: cardXCX + cardEventPaths[rng.IntN(len(cardEventPaths))], As: &cust, Query: q}); err != nil {
						t.Error(err)
					}
				}
			}
		}()
	}
	audits := 0
	done := make(chan struct{})
	go func() {
		defer close(done)
		for ctx.Err() == nil {
			if d := summaryDrift(t); len(d) > 0 {
				t.Errorf("a snapshot during the writes drifted: %v", d)
				return
			}
			audits++
		}
	}()
	writers.Wait()
	cancel()
	<-done
	if audits == 0 {
		t.Fatal("no snapshot was audited during the writes")
	}
	if d := summaryDrift(t); len(d) > 0 {
		t.Fatalf("after the writes: %v", d)
	}
	// (Customers forgotten during the writes came back with their next visits.)
	if n := srv.Count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, w.reps[1].ID); n == 0 {
		t.Fatal("the deleted rep's history is gone (the delete is soft)")
	}

	// Through the endpoints, on both instances: the counts are the raw ones.
	rep := w.reps[0]
	for _, s := range w.servers {
		// E31 without filters: every log of the rep.
		var tl struct {
			DataCount int `json:"data_count"`
		}
		s.Get(t, rep, cardQY+"/action/time", nil).Decode(t, &tl)
		if want := srv.Count(t, `SELECT count(*) FROM access_logs WHERE company_id = $1 AND user_id = $2`, w.company, rep.ID); tl.DataCount != want {
			t.Fatalf("E31 data_count %d, raw %d", tl.DataCount, want)
		}
		// E33: per action over the default window.
		var counts []struct {
			Detail map[string]int `json:"detail"`
		}
		s.Get(t, rep, cardQY+"/action/count", nil).Decode(t, &counts)
		want := map[string]int{}
		rows, err := srv.DB.Query(`SELECT action, count(*) FROM access_logs WHERE company_id = $1 AND user_id = $2
			AND created_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' - interval '7 days'
			GROUP BY action`, w.company, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var a, n int
			_ = rows.Scan(&a, &n)
			want[strconv.Itoa(a)] = n
		}
		rows.Close()
		if len(counts) != 1 || !reflect.DeepEqual(counts[0].Detail, want) {
			t.Fatalf("E33 %v, raw %v", counts, want)
		}
		// E32: per customer, most active first.
		var byCustomer []struct {
			CustomerID  int64 `json:"customer_id"`
			ActionCount int   `json:"action_count"`
		}
		s.Get(t, rep, cardQY+"/action/customer", url.Values{"length": {"100"}}).Decode(t, &byCustomer)
		var got, raw []string
		for _, c := range byCustomer {
			got = append(got, fmt.Sprint(c.CustomerID, ":", c.ActionCount))
		}
		rows, err = srv.DB.Query(`SELECT customer_id, count(*) FROM access_logs WHERE company_id = $1 AND user_id = $2
			AND created_at >= date_trunc('day', now() AT TIME ZONE 'Asia/Shanghai') AT TIME ZONE 'Asia/Shanghai' - interval '7 days'
			GROUP BY customer_id ORDER BY count(*) DESC, customer_id`, w.company, rep.ID)
		if err != nil {
			t.Fatal(err)
		}
		for rows.Next() {
			var c int64
			var n int
			_ = rows.Scan(&c, &n)
			raw = append(raw, fmt.Sprint(c, ":", n))
		}
		rows.Close()
		if !reflect.DeepEqual(got, raw) {
			t.Fatalf("E32 %v, raw %v", got, raw)
		}
		// A5: one customer's actions, all time.
		c := w.custs[2]
		var detail []map[string]struct {
			TotalCount int `json:"totalCount"`
		}
		s.Get(t, rep, cardQY+"/action/customer_detail", url.Values{"customer_id": {strconv.FormatInt(c.ID, 10)}}).Decode(t, &detail)
		total := srv.Count(t, `SELECT count(*) FROM access_logs WHERE company_id = $1 AND user_id = $2 AND customer_id = $3`, w.company, rep.ID, c.ID)
		if total > 0 && (len(detail) != 1 || detail[0][strconv.FormatInt(c.ID, 10)].TotalCount != total) {
			t.Fatalf("A5 %v, raw %d", detail, total)
		}
	}
	// E08 once more, quiet now: the company forgets the customer entirely.
	gone := w.custs[0]
	// (Its belonger rows went with the forgets above unless a card view came back.)
	srv.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, 1)
		ON CONFLICT DO NOTHING`, w.company, rep.ID, gone.ID)
	lt.Expect(t, srv.Post(t, w.admin, cardQY+"/customer/delete/"+strconv.FormatInt(gone.ID, 10), nil), 200, "删除成功")
	for _, table := range []string{"access_logs", "radar_customer_actions", "radar_customer_days", "radar_customer_windows"} {
		if n := srv.Count(t, `SELECT count(*) FROM `+table+` WHERE company_id = $1 AND customer_id = $2`, w.company, gone.ID); n != 0 {
			t.Fatalf("a forgotten customer keeps %d rows in %s", n, table)
		}
	}
	if d := summaryDrift(t); len(d) > 0 {
		t.Fatalf("after E08: %v", d)
	}
	// The unread feed holds exactly the logs no read took: draining it
	// returns each once.
	unread := srv.Count(t, `SELECT count(*) FROM radar_unread WHERE company_id = $1 AND user_id = $2`, w.company, rep.ID)
	drained := 0
	for {
		var feed struct {
			DataCount int `json:"data_count"`
		}
		srv.Get(t, rep, cardQY+"/action/get_new_log", nil).Decode(t, &feed)
		if feed.DataCount == 0 {
			break
		}
		drained += feed.DataCount
	}
	if drained != unread {
		t.Fatalf("drained %d events, %d were unread", drained, unread)
	}
}

type contactLine struct {
	CustomerID  int64  `json:"customer_id"`
	Msg         string `json:"msg"`
	UnreadCount int    `json:"unread_count"`
}

func contactsOf(t *testing.T, s *lt.Server, rep lt.Principal) ([]contactLine, int) {
	t.Helper()
	var page struct {
		RetData   []contactLine `json:"ret_data"`
		DataCount int           `json:"data_count"`
	}
	r := s.Get(t, rep, chatQY+"/contact", url.Values{"length": {"50"}})
	lt.Expect(t, r, 200, "")
	r.Decode(t, &page)
	return page.RetData, page.DataCount
}

// rawContacts is the contact list computed from the raw messages: latest
// message first, with the customer's messages the rep has not read.
func rawContacts(t *testing.T, company, rep int64) []contactLine {
	t.Helper()
	rows, err := srv.DB.Query(`SELECT customer_id, (array_agg(msg ORDER BY created_at DESC, id DESC))[1],
			count(*) FILTER (WHERE send_type = 2 AND NOT is_read)
		FROM chat_messages WHERE company_id = $1 AND user_id = $2
		GROUP BY customer_id ORDER BY max(created_at) DESC, max(id) DESC`, company, rep)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out []contactLine
	for rows.Next() {
		var c contactLine
		if err := rows.Scan(&c.CustomerID, &c.Msg, &c.UnreadCount); err != nil {
			t.Fatal(err)
		}
		out = append(out, c)
	}
	return out
}

// TestContactListOrderAndUnreadAcrossInstances (E25–E28, A10): messages in
// both directions through two instances keep the contact list in latest-
// message order with the rep's unread counts, on either instance; reading
// a history (E26) or polling (E28) clears exactly what was read.
func TestContactListOrderAndUnreadAcrossInstances(t *testing.T) {
	w := newChatWorld(t, srv)
	b := secondInstance(t)
	third := srv.NewCustomer(t, lt.Unique("第三位"))
	chatBind(t, srv, w.company, w.rep, third)
	custs := []lt.Principal{w.cust, w.cust2, third}
	bw := w
	bw.server = b
	// cust2 writes twice through the second instance, the rep answers cust through the first, third writes last.
	lt.Expect(t, bw.custSend(t, w.cust2, w.rep, "二号的第一条"), 200, "send msg successful")
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "您好"), 200, "send msg successful")
	lt.Expect(t, bw.custSend(t, w.cust2, w.rep, "二号的第二条"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, third, w.rep, "三号"), 200, "send msg successful")
	want := []contactLine{{third.ID, "三号", 1}, {w.cust2.ID, "二号的第二条", 2}, {w.cust.ID, "您好", 0}}
	for _, s := range []*lt.Server{srv, b} {
		got, total := contactsOf(t, s, w.rep)
		if total != 3 || !reflect.DeepEqual(got, want) {
			t.Fatalf("contacts on %s: %+v (%d), want %+v", s.URL, got, total, want)
		}
	}
	// E26 on the second instance reads cust2's messages; E28 on the first takes third's.
	lt.Expect(t, b.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust2.ID)}}), 200, "分页获取聊天消息成功")
	if items := chatItems(t, srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", url.Values{"customer_id": {id(third.ID)}}), pollKeys); len(items) != 1 {
		t.Fatalf("poll: %+v", items)
	}
	want = []contactLine{{third.ID, "三号", 0}, {w.cust2.ID, "二号的第二条", 0}, {w.cust.ID, "您好", 0}}
	if got, _ := contactsOf(t, b, w.rep); !reflect.DeepEqual(got, want) {
		t.Fatalf("after reading: %+v", got)
	}

	// Concurrent sends both ways through both instances, with polls.
	var wg sync.WaitGroup
	for g := range 6 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			rng := rand.New(rand.NewPCG(uint64(g), 5))
			for i := range 15 {
				s := []*lt.Server{srv, b}[rng.IntN(2)]
				c := custs[rng.IntN(len(custs))]
				var r *lt.Resp
				var err error
				switch rng.IntN(3) {
				case 0:
					r, err = s.Send(lt.Request{Method: "POST", Path: chatXCX + "/chat/send_msg/0", As: &c,
						Form: url.Values{"uid": {id(w.rep.ID)}, "msg": {fmt.Sprint("c", g, "-", i)}}})
				case 1:
					r, err = s.Send(lt.Request{Method: "POST", Path: chatQY + "/chat/send_msg/0", As: &w.rep, Form: url.Values{
						"user_id": {id(w.rep.ID)}, "customer_id": {id(c.ID)}, "msg": {fmt.Sprint("r", g, "-", i)}, "send_type": {"1"}}})
				default:
					r, err = s.Send(lt.Request{Path: chatQY + "/chat/getmsg/0", As: &w.rep, Query: url.Values{"customer_id": {id(c.ID)}}})
				}
				if err != nil || r.Code != 200 {
					t.Errorf("%v %+v", err, r)
				}
			}
		}()
	}
	wg.Wait()
	raw := rawContacts(t, w.company, w.rep.ID)
	for _, s := range []*lt.Server{srv, b} {
		got, total := contactsOf(t, s, w.rep)
		if total != len(raw) || !reflect.DeepEqual(got, raw) {
			t.Fatalf("contacts after concurrent sends on %s:\n got %+v\nraw %+v", s.URL, got, raw)
		}
	}
	if d := summaryDrift(t); len(d) > 0 {
		t.Fatalf("drift: %v", d)
	}
	// Every unread message is taken by exactly one poll.
	sum := 0
	for _, c := range raw {
		sum += c.UnreadCount
	}
	taken := 0
	for _, c := range custs {
		taken += len(chatItems(t, b.Get(t, w.rep, chatQY+"/chat/getmsg/0", url.Values{"customer_id": {id(c.ID)}}), pollKeys))
	}
	if taken != sum {
		t.Fatalf("took %d, %d were unread", taken, sum)
	}
	got, _ := contactsOf(t, srv, w.rep)
	for _, c := range got {
		if c.UnreadCount != 0 {
			t.Fatalf("unread left: %+v", got)
		}
	}
}
