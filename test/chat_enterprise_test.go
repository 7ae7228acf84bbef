package test

import (
	"fmt"
	"net/url"
	"reflect"
	"sort"
	"sync"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

func TestE25ContactList(t *testing.T) {
	w := newChatWorld(t, srv)
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "你好"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust2, w.rep, "在吗"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "最新的<消息>&"), 200, "send msg successful")
	// The colleague's conversation and the other company's do not show.
	lt.Expect(t, w.repSend(t, w.colleague, w.colleagueCust, "x"), 200, "send msg successful")

	r := srv.Get(t, w.rep, chatQY+"/contact", nil)
	lt.Expect(t, r, 200, "")
	expectSame(t, "data keys", lt.KeysOf(r.Data), []string{"ret_data", "data_count"})
	var page struct {
		RetData []struct {
			CustomerID int64  `json:"customer_id"`
			Src        string `json:"src"`
			Name       string `json:"name"`
			DateTime   string `json:"dateTime"`
			Msg        string `json:"msg"`
		} `json:"ret_data"`
		DataCount int `json:"data_count"`
	}
	r.Decode(t, &page)
	if page.DataCount != 2 || len(page.RetData) != 2 {
		t.Fatalf("contacts: %s", r.Raw)
	}
	first, second := page.RetData[0], page.RetData[1]
	var at time.Time
	srv.Scalar(t, &at, `SELECT max(created_at) FROM chat_messages WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID)
	expectSame(t, "latest first", []int64{first.CustomerID, second.CustomerID}, []int64{w.cust.ID, w.cust2.ID})
	expectSame(t, "msg is the latest message (no HTML escaping)", first.Msg, "最新的<消息>&")
	expectSame(t, "name", first.Name, w.custName)
	expectSame(t, "relative src is absolute", first.Src, srv.URL+"/statics/imgs/Avator.jpg")
	expectSame(t, "absolute src as stored", second.Src, "http://wx.qlogo.cn/abc.jpg")
	expectSame(t, "dateTime today", first.DateTime, at.In(chatZone).Format("15:04"))
	var rawPage lt.Page
	r.Decode(t, &rawPage)
	expectSame(t, "item keys", lt.KeysOf(rawPage.RetData[0]), []string{"customer_id", "src", "name", "dateTime", "msg", "unread_count"})

	// Relative days: yesterday, earlier this year, another year (calendar days in Asia/Shanghai).
	now := time.Now().In(chatZone)
	y, m, d := now.Date()
	noon := func(days int) time.Time { return time.Date(y, m, d-days, 12, 0, 0, 0, chatZone) }
	srv.Exec(t, `UPDATE chat_messages SET created_at = $3 WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID, noon(1))
	r = srv.Get(t, w.rep, chatQY+"/contact", nil)
	r.Decode(t, &page)
	expectSame(t, "yesterday", page.RetData[1].DateTime, "昨天")
	expectSame(t, "now second", page.RetData[1].CustomerID, w.cust.ID)
	lastYear := time.Date(y-1, 3, 4, 12, 0, 0, 0, chatZone)
	srv.Exec(t, `UPDATE chat_messages SET created_at = $3 WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID, lastYear)
	r = srv.Get(t, w.rep, chatQY+"/contact", nil)
	r.Decode(t, &page)
	expectSame(t, "another year", page.RetData[1].DateTime, fmt.Sprint(y-1))
	if now.YearDay() > 3 {
		earlier := time.Date(y, 1, 1, 12, 0, 0, 0, chatZone)
		srv.Exec(t, `UPDATE chat_messages SET created_at = $3 WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID, earlier)
		r = srv.Get(t, w.rep, chatQY+"/contact", nil)
		r.Decode(t, &page)
		expectSame(t, "this year", page.RetData[1].DateTime, "01-01")
	}

	// Paging.
	r = srv.Get(t, w.rep, chatQY+"/contact", url.Values{"current_page": {"2"}, "length": {"1"}})
	r.Decode(t, &page)
	if page.DataCount != 2 || len(page.RetData) != 1 || page.RetData[0].CustomerID != w.cust.ID {
		t.Fatalf("page 2: %s", r.Raw)
	}
	r = srv.Get(t, w.rep, chatQY+"/contact", url.Values{"current_page": {"3"}, "length": {"1"}})
	lt.Expect(t, r, 200, "")
	if string(r.Data) != `{"ret_data":[],"data_count":2}` {
		t.Fatalf("beyond the end: %s", r.Raw)
	}
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/contact", url.Values{"current_page": {"x"}, "length": {"-1"}}), 402, true,
		map[string]string{"current_page": "页码数据类型错误", "length": "页显示数量类型错误"})

	// Nobody's contacts: empty page.
	r = srv.Get(t, w.otherRep, chatQY+"/contact", nil)
	lt.Expect(t, r, 200, "")
	if string(r.Data) != `{"ret_data":[],"data_count":0}` {
		t.Fatalf("empty: %s", r.Raw)
	}
}

func TestE25toE28AuthAndMethods(t *testing.T) {
	w := newChatWorld(t, srv)
	paths := []chatRoute{
		{"GET", chatQY + "/contact", "POST"},
		{"GET", chatQY + "/chat", "POST"},
		{"POST", chatQY + "/chat/send_msg/0", "GET"},
		{"GET", chatQY + "/chat/getmsg/0", "POST"},
	}
	q := url.Values{"customer_id": {id(w.cust.ID)}}
	for _, p := range paths {
		t.Run(p.path, func(t *testing.T) {
			// A customer token is not a user token.
			expectSignedRefusals(t, p, w.rep, w.cust, q)
			disabled := srv.NewUser(t, w.company, lt.Member, lt.Unique("off"))
			srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
			lt.Expect(t, srv.Do(t, lt.Request{Method: p.method, Path: p.path, As: &disabled, Query: q}), 306, "账户未启用")
		})
	}
}

func TestE26History(t *testing.T) {
	w := newChatWorld(t, srv)
	// 25 messages alternating directions: m00 (customer) m01 (rep) ...
	w.converse(t, 25, false)
	lt.Expect(t, w.custSend(t, w.cust2, w.rep, "other conversation"), 200, "send msg successful")

	r := srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}})
	lt.Expect(t, r, 200, "分页获取聊天消息成功")
	items := chatItems(t, r, historyKeys)
	if len(items) != 20 || items[0].Msg != "m05" || items[19].Msg != "m24" {
		t.Fatalf("page 1 = newest 20 ascending: %v", msgsOf(items))
	}
	var first time.Time
	srv.Scalar(t, &first, `SELECT created_at FROM chat_messages WHERE customer_id = $1 AND msg = 'm05'`, w.cust.ID)
	expectSame(t, "item", items[0], chatItem{CustomerID: w.cust.ID, UserID: w.rep.ID, Src: srv.URL + "/statics/imgs/Avator.jpg",
		Name: w.custName, DateTime: chatWire(first), Msg: "m05", SendType: 1})
	if items[19].SendType != 2 {
		t.Fatalf("send_type: %+v", items[19])
	}
	r = srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}, "current_page": {"2"}})
	items = chatItems(t, r, historyKeys)
	if !reflect.DeepEqual(msgsOf(items), []string{"m00", "m01", "m02", "m03", "m04"}) {
		t.Fatalf("page 2: %v", msgsOf(items))
	}
	r = srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}, "current_page": {"2"}, "length": {"10"}})
	if got := msgsOf(chatItems(t, r, historyKeys)); got[0] != "m05" || got[9] != "m14" {
		t.Fatalf("page 2 of 10: %v", got)
	}
	r = srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}, "length": {"0"}})
	if got := chatItems(t, r, historyKeys); len(got) != 25 || got[0].Msg != "m00" {
		t.Fatalf("length 0 = everything: %d", len(got))
	}
	r = srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}, "current_page": {"9"}})
	lt.Expect(t, r, 200, "No new data")
	if string(r.Data) != "[]" {
		t.Fatalf("empty page: %s", r.Raw)
	}

	// Read flags: the history marked the customer's messages read for the
	// rep, never the rep's own (those are the customer's to read), and not
	// the other conversation.
	expectSame(t, "unread from this customer", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND send_type = 2 AND NOT is_read`, w.cust.ID), 0)
	expectSame(t, "rep's own stay unread", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND send_type = 1 AND NOT is_read`, w.cust.ID), 12)
	expectSame(t, "other conversation", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND NOT is_read`, w.cust2.ID), 1)
	// The customer still gets the rep's 12 messages.
	r = srv.Get(t, w.cust, chatXCX+"/chat/getmsg/0", url.Values{"uid": {id(w.rep.ID)}})
	lt.Expect(t, r, 200, "实时获取-最新聊天记录成功")
	if got := chatItems(t, r, pollKeys); len(got) != 12 || got[0].Msg != "m01" {
		t.Fatalf("customer poll after rep history: %v", msgsOf(got))
	}

	// Validation and visibility: 402 with the object in data.
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/chat", nil), 402, true, map[string]string{"customer_id": "客户ID不能为空"})
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {"abc"}, "length": {"x"}}), 402, true,
		map[string]string{"customer_id": "客户ID不能为空", "length": "页显示数量类型错误"})
	for name, c := range map[string]lt.Principal{"colleague's": w.colleagueCust, "other company's": w.otherCust} {
		r := srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {id(c.ID)}})
		lt.ExpectFields(t, r, 402, true, map[string]string{"customer_id": "客户不存在"})
		_ = name
	}
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/chat", url.Values{"customer_id": {"99999999"}}), 402, true,
		map[string]string{"customer_id": "客户不存在"})
	// The other company's admin sees nothing of it.
	otherAdmin := srv.NewUser(t, w.otherCompany, lt.CompanyAdmin, lt.Unique("oadmin"))
	lt.ExpectFields(t, srv.Get(t, otherAdmin, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}}), 402, true,
		map[string]string{"customer_id": "客户不存在"})
	// The company admin may open its company's customer: its own (empty) conversation.
	r = srv.Get(t, w.admin, chatQY+"/chat", url.Values{"customer_id": {id(w.cust.ID)}})
	lt.Expect(t, r, 200, "No new data")
}

func TestE27Send(t *testing.T) {
	w := newChatWorld(t, srv)
	r := w.repSend(t, w.rep, w.cust, "第一条")
	lt.Expect(t, r, 200, "send msg successful")
	lt.ExpectEmptyData(t, r)
	var sendType int
	var isRead bool
	var company int64
	srv.Scalar(t, &sendType, `SELECT send_type FROM chat_messages WHERE user_id = $1 AND customer_id = $2 AND msg = '第一条'`, w.rep.ID, w.cust.ID)
	srv.Scalar(t, &isRead, `SELECT is_read FROM chat_messages WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID)
	srv.Scalar(t, &company, `SELECT company_id FROM chat_messages WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID)
	if sendType != 1 || isRead || company != w.company {
		t.Fatalf("row: %d %v %d", sendType, isRead, company)
	}
	// The follow-up relation was created, with last_follow_time.
	expectSame(t, "follow-up", srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2
		AND company_id = $3 AND last_follow_time IS NOT NULL AND last_activity_time IS NULL`, w.rep.ID, w.cust.ID, w.company), 1)
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "第二条"), 200, "send msg successful")
	expectSame(t, "one relation", srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID), 1)

	// Sending as another user is refused, nothing written.
	r = srv.Post(t, w.rep, chatQY+"/chat/send_msg/0", url.Values{"user_id": {id(w.colleague.ID)}, "customer_id": {id(w.colleagueCust.ID)},
		"msg": {"冒充"}, "send_type": {"1"}})
	lt.ExpectFields(t, r, 301, false, map[string]string{"user_id": "只能以自己的身份发送消息"})
	// Writing as the customer (send_type 2) from the enterprise side is refused.
	r = srv.Post(t, w.rep, chatQY+"/chat/send_msg/0", url.Values{"user_id": {id(w.rep.ID)}, "customer_id": {id(w.cust.ID)},
		"msg": {"冒充"}, "send_type": {"2"}})
	lt.ExpectFields(t, r, 301, false, map[string]string{"send_type": "Select a valid choice. 2 is not one of the available choices."})
	lt.ExpectFields(t, srv.Post(t, w.rep, chatQY+"/chat/send_msg/0", nil), 301, false, map[string]string{
		"user_id": "This field is required.", "customer_id": "客户ID不能为空", "send_type": "This field is required."})
	lt.ExpectFields(t, srv.Post(t, w.rep, chatQY+"/chat/send_msg/0", url.Values{"user_id": {"x"}, "customer_id": {"y"}, "send_type": {"1"}}),
		301, false, map[string]string{"user_id": "Enter a whole number.", "customer_id": "客户ID不能为空"})
	// user_id travels in the body; the query one is only for authentication.
	lt.ExpectFields(t, srv.Do(t, lt.Request{Method: "POST", Path: chatQY + "/chat/send_msg/0", As: &w.rep,
		Form: url.Values{"customer_id": {id(w.cust.ID)}, "send_type": {"1"}}}), 301, false, map[string]string{"user_id": "This field is required."})

	// Customers the caller may not see: 302, nothing written.
	for name, c := range map[string]lt.Principal{"colleague's": w.colleagueCust, "other company's": w.otherCust, "absent": {ID: 99999999}} {
		r := w.repSend(t, w.rep, c, "不该写入")
		if r.Code != 302 || r.MsgString() != "客户不存在" {
			t.Fatalf("%s customer: %s", name, r.Raw)
		}
	}
	expectSame(t, "nothing written", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE msg IN ('冒充', '不该写入')`), 0)
	expectSame(t, "no relation written", srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id IN ($2, $3)`,
		w.rep.ID, w.colleagueCust.ID, w.otherCust.ID), 0)
	// A company admin may write to any customer of the company.
	lt.Expect(t, w.repSend(t, w.admin, w.colleagueCust, "管理员"), 200, "send msg successful")
	lt.Expect(t, w.repSend(t, w.admin, w.otherCust, "管理员"), 302, "客户不存在")
}

func TestE28Poll(t *testing.T) {
	w := newChatWorld(t, srv)
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "rep 1"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "cust 1"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "cust 2"), 200, "send msg successful")
	lt.Expect(t, w.custSend(t, w.cust2, w.rep, "other"), 200, "send msg successful")

	q := url.Values{"customer_id": {id(w.cust.ID)}}
	r := srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", q)
	lt.Expect(t, r, 200, "实时获取-最新聊天记录成功")
	items := chatItems(t, r, pollKeys)
	var at time.Time
	srv.Scalar(t, &at, `SELECT created_at FROM chat_messages WHERE customer_id = $1 AND msg = 'cust 1'`, w.cust.ID)
	expectSame(t, "only the customer's, ascending", msgsOf(items), []string{"cust 1", "cust 2"})
	expectSame(t, "item", items[0], chatItem{CustomerID: w.cust.ID, UserID: w.rep.ID, Src: srv.URL + "/statics/imgs/Avator.jpg",
		Name: w.custName, DateTime: chatWire(at), Msg: "cust 1", SendType: 2})
	// Each message once.
	r = srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", q)
	lt.Expect(t, r, 200, "没有得到实时聊天信息")
	if string(r.Data) != "[]" {
		t.Fatalf("second poll: %s", r.Raw)
	}
	// The rep's own message is still unread for the customer.
	expectSame(t, "rep's message unread", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND send_type = 1 AND NOT is_read`, w.cust.ID), 1)
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", nil), 402, true, map[string]string{"customer_id": "客户ID不能为空"})
	lt.ExpectFields(t, srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", url.Values{"customer_id": {id(w.otherCust.ID)}}), 402, true,
		map[string]string{"customer_id": "客户不存在"})
	// Absolute src stays as stored.
	r = srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", url.Values{"customer_id": {id(w.cust2.ID)}})
	if got := chatItems(t, r, pollKeys); len(got) != 1 || got[0].Src != "http://wx.qlogo.cn/abc.jpg" {
		t.Fatalf("cust2: %s", r.Raw)
	}
}

// Messages keep arriving while several pollers read: each message reaches
// the rep exactly once (the legacy lost messages between read and update).
func TestE28PollRace(t *testing.T) {
	w := newChatWorld(t, srv)
	const senders, perSender, pollers = 4, 15, 4
	var mu sync.Mutex
	got := map[string]int{}
	stop := make(chan struct{})
	var pw sync.WaitGroup
	q := url.Values{"customer_id": {id(w.cust.ID)}}
	for range pollers {
		pw.Add(1)
		go func() {
			defer pw.Done()
			for {
				// Only an empty poll that started after every send proves
				// nothing is left (an earlier one may predate a commit).
				finished := false
				select {
				case <-stop:
					finished = true
				default:
				}
				r, err := srv.Send(lt.Request{Path: chatQY + "/chat/getmsg/0", As: &w.rep, Query: q})
				if err != nil || r.Code != 200 {
					t.Errorf("poll: %v %v", err, r)
					return
				}
				var items []chatItem
				_ = jsonUnmarshal(r.Data, &items)
				mu.Lock()
				for _, it := range items {
					got[it.Msg]++
				}
				mu.Unlock()
				if finished && len(items) == 0 {
					return
				}
			}
		}()
	}
	var sw sync.WaitGroup
	for s := range senders {
		sw.Add(1)
		go func() {
			defer sw.Done()
			for i := range perSender {
				r, err := srv.Send(lt.Request{Method: "POST", Path: chatXCX + "/chat/send_msg/0", As: &w.cust,
					Form: url.Values{"uid": {id(w.rep.ID)}, "msg": {fmt.Sprintf("s%d-%d", s, i)}}})
				if err != nil || r.Code != 200 {
					t.Errorf("send: %v %v", err, r)
				}
			}
		}()
	}
	sw.Wait()
	close(stop)
	pw.Wait()
	if len(got) != senders*perSender {
		keys := make([]string, 0, len(got))
		for k := range got {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		t.Fatalf("delivered %d of %d: %v", len(got), senders*perSender, keys)
	}
	for m, n := range got {
		if n != 1 {
			t.Fatalf("%s delivered %d times", m, n)
		}
	}
}
