package test

import (
	"net/url"
	"reflect"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

func TestA10CustomerSend(t *testing.T) {
	w := newChatWorld(t, srv)
	r := w.custSend(t, w.cust, w.rep, "uid 在 body")
	lt.Expect(t, r, 200, "send msg successful")
	lt.ExpectEmptyData(t, r)
	// uid in the query.
	r = srv.Do(t, lt.Request{Method: "POST", Path: chatXCX + "/chat/send_msg/7", As: &w.cust,
		Query: url.Values{"uid": {id(w.rep.ID)}}, Form: url.Values{"msg": {"uid 在 query"}}})
	lt.Expect(t, r, 200, "send msg successful")
	expectSame(t, "rows", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE company_id = $1 AND user_id = $2 AND customer_id = $3
		AND send_type = 2 AND NOT is_read`, w.company, w.rep.ID, w.cust.ID), 2)
	expectSame(t, "follow-up with activity time", srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2
		AND last_activity_time IS NOT NULL AND last_follow_time IS NULL`, w.rep.ID, w.cust.ID), 1)

	// A rep the customer does not belong to (a colleague, another company's, absent): 302.
	for _, rep := range []lt.Principal{w.colleague, w.otherRep, {ID: 99999999}} {
		lt.Expect(t, w.custSend(t, w.cust, rep, "不该写入"), 302, "用户ID不存在")
	}
	// A deleted rep: 302.
	srv.Exec(t, `UPDATE users SET deleted_at = now() WHERE id = $1`, w.colleague.ID)
	lt.Expect(t, w.custSend(t, w.colleagueCust, w.colleague, "不该写入"), 302, "用户ID不存在")
	expectSame(t, "nothing written", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE msg = '不该写入'`), 0)

	lt.ExpectFields(t, srv.Post(t, w.cust, chatXCX+"/chat/send_msg/0", url.Values{"msg": {"x"}}), 301, false, map[string]string{"uid": "用户id不能为空"})
	lt.ExpectFields(t, srv.Post(t, w.cust, chatXCX+"/chat/send_msg/0", url.Values{"uid": {"abc"}}), 301, false, map[string]string{"uid": "用户id不能为空"})
}

func TestA10CustomerAuthAndMethods(t *testing.T) {
	w := newChatWorld(t, srv)
	paths := []chatRoute{
		{"GET", chatXCX + "/chat", "POST"},
		{"GET", chatXCX + "/chat/getmsg/0", "POST"},
		{"POST", chatXCX + "/chat/send_msg/0", "GET"},
	}
	q := url.Values{"uid": {id(w.rep.ID)}}
	for _, p := range paths {
		t.Run(p.path, func(t *testing.T) {
			// A rep's token does not open the customer side.
			expectSignedRefusals(t, p, w.cust, w.rep, q)
		})
	}
}

func TestA10CustomerHistoryAndPoll(t *testing.T) {
	w := newChatWorld(t, srv)
	w.converse(t, 25, true)
	// The other company's rep writing to another customer does not interfere.
	lt.Expect(t, w.repSend(t, w.otherRep, w.otherCust, "x"), 200, "send msg successful")

	// Poll: the rep's 13 messages, ascending, once.
	q := url.Values{"uid": {id(w.rep.ID)}}
	r := srv.Get(t, w.cust, chatXCX+"/chat/getmsg/0", q)
	lt.Expect(t, r, 200, "实时获取-最新聊天记录成功")
	items := chatItems(t, r, pollKeys)
	if len(items) != 13 || items[0].Msg != "m00" || items[12].Msg != "m24" || items[0].SendType != 1 {
		t.Fatalf("customer poll: %v", msgsOf(items))
	}
	var at time.Time
	srv.Scalar(t, &at, `SELECT created_at FROM chat_messages WHERE customer_id = $1 AND msg = 'm00'`, w.cust.ID)
	expectSame(t, "item", items[0], chatItem{CustomerID: w.cust.ID, UserID: w.rep.ID, Src: srv.URL + "/statics/imgs/Avator.jpg",
		Name: w.custName, DateTime: chatWire(at), Msg: "m00", SendType: 1})
	lt.Expect(t, srv.Get(t, w.cust, chatXCX+"/chat/getmsg/0", q), 200, "没有得到实时聊天信息")
	// The customer's polling consumed nothing of the rep's.
	r = srv.Get(t, w.rep, chatQY+"/chat/getmsg/0", url.Values{"customer_id": {id(w.cust.ID)}})
	if got := chatItems(t, r, pollKeys); len(got) != 12 || got[0].Msg != "m01" {
		t.Fatalf("rep poll after customer poll: %v", msgsOf(got))
	}

	// History: page 1 = oldest (legacy A10), ascending.
	lt.Expect(t, w.repSend(t, w.rep, w.cust, "unread for the customer"), 200, "send msg successful")
	r = srv.Get(t, w.cust, chatXCX+"/chat", q)
	lt.Expect(t, r, 200, "分页获取聊天消息成功")
	items = chatItems(t, r, historyKeys)
	if len(items) != 20 || items[0].Msg != "m00" || items[19].Msg != "m19" {
		t.Fatalf("customer history page 1: %v", msgsOf(items))
	}
	r = srv.Get(t, w.cust, chatXCX+"/chat", url.Values{"uid": {id(w.rep.ID)}, "current_page": {"2"}})
	if got := msgsOf(chatItems(t, r, historyKeys)); !reflect.DeepEqual(got, []string{"m20", "m21", "m22", "m23", "m24", "unread for the customer"}) {
		t.Fatalf("customer history page 2: %v", got)
	}
	// History marked the rep's messages read for the customer only.
	expectSame(t, "customer's unread", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND send_type = 1 AND NOT is_read`, w.cust.ID), 0)
	lt.Expect(t, w.custSend(t, w.cust, w.rep, "late"), 200, "send msg successful")
	expectSame(t, "rep's unread", srv.Count(t, `SELECT count(*) FROM chat_messages WHERE customer_id = $1 AND send_type = 2 AND NOT is_read`, w.cust.ID), 1)
	r = srv.Get(t, w.cust, chatXCX+"/chat", url.Values{"uid": {id(w.rep.ID)}, "current_page": {"5"}})
	lt.Expect(t, r, 200, "No new data")

	// Validation and the rep check.
	lt.ExpectFields(t, srv.Get(t, w.cust, chatXCX+"/chat", url.Values{"current_page": {"0"}}), 402, true,
		map[string]string{"uid": "用户id不能为空", "current_page": "页码数据类型错误"})
	lt.ExpectFields(t, srv.Get(t, w.cust, chatXCX+"/chat/getmsg/0", nil), 402, true, map[string]string{"uid": "用户id不能为空"})
	lt.Expect(t, srv.Get(t, w.cust, chatXCX+"/chat", url.Values{"uid": {id(w.otherRep.ID)}}), 302, "用户ID不存在")
	lt.Expect(t, srv.Get(t, w.cust, chatXCX+"/chat/getmsg/0", url.Values{"uid": {id(w.colleague.ID)}}), 302, "用户ID不存在")
}
