package test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"reflect"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

const (
	chatQY  = "/zhugeleida/qiyeweixin"
	chatXCX = "/zhugeleida/xiaochengxu"
)

// chatWorld: a company with a member rep, a colleague and an admin; two
// customers of the rep and one of the colleague; another company with its
// own rep and customer.
type chatWorld struct {
	server                *lt.Server
	company, otherCompany int64
	rep, colleague, admin lt.Principal
	otherRep              lt.Principal
	cust, cust2           lt.Principal // the rep's customers
	colleagueCust         lt.Principal
	otherCust             lt.Principal // a customer of the other company
	custName              string
}

func newChatWorld(t *testing.T, s *lt.Server) chatWorld {
	t.Helper()
	w := chatWorld{server: s}
	w.company = s.NewCompany(t, lt.Unique("聊天公司"))
	w.otherCompany = s.NewCompany(t, lt.Unique("别家公司"))
	w.rep = s.NewUser(t, w.company, lt.Member, lt.Unique("chatrep"))
	w.colleague = s.NewUser(t, w.company, lt.Member, lt.Unique("colleague"))
	w.admin = s.NewUser(t, w.company, lt.CompanyAdmin, lt.Unique("chatadmin"))
	w.otherRep = s.NewUser(t, w.otherCompany, lt.Member, lt.Unique("otherrep"))
	w.custName = lt.Unique("张炬[客户]")
	w.cust = s.NewCustomer(t, w.custName)
	w.cust2 = s.NewCustomer(t, lt.Unique("张聪"))
	w.colleagueCust = s.NewCustomer(t, lt.Unique("同事的客户"))
	w.otherCust = s.NewCustomer(t, lt.Unique("别家客户"))
	chatBind(t, s, w.company, w.rep, w.cust)
	chatBind(t, s, w.company, w.rep, w.cust2)
	chatBind(t, s, w.company, w.colleague, w.colleagueCust)
	chatBind(t, s, w.otherCompany, w.otherRep, w.otherCust)
	s.Exec(t, `UPDATE customers SET headimgurl = 'http://wx.qlogo.cn/abc.jpg' WHERE id = $1`, w.cust2.ID)
	return w
}

func chatBind(t *testing.T, s *lt.Server, company int64, rep, cust lt.Principal) {
	t.Helper()
	s.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, 1)`, company, rep.ID, cust.ID)
}

// repSend is E27 as the rep.
func (w chatWorld) repSend(t *testing.T, rep, cust lt.Principal, msg string) *lt.Resp {
	t.Helper()
	return w.server.Post(t, rep, chatQY+"/chat/send_msg/0", url.Values{
		"user_id": {id(rep.ID)}, "customer_id": {id(cust.ID)}, "msg": {msg}, "send_type": {"1"}})
}

// custSend is A10 send_msg as the customer.
func (w chatWorld) custSend(t *testing.T, cust, rep lt.Principal, msg string) *lt.Resp {
	t.Helper()
	return w.server.Post(t, cust, chatXCX+"/chat/send_msg/0", url.Values{"uid": {id(rep.ID)}, "msg": {msg}})
}

// converse sends m00, m01, … m(n-1), alternately by the rep and by
// the customer cust (the rep first when repFirst).
func (w chatWorld) converse(t *testing.T, n int, repFirst bool) {
	t.Helper()
	for i := range n {
		msg := fmt.Sprintf("m%02d", i)
		if (i%2 == 0) == repFirst {
			lt.Expect(t, w.repSend(t, w.rep, w.cust, msg), 200, "send msg successful")
		} else {
			lt.Expect(t, w.custSend(t, w.cust, w.rep, msg), 200, "send msg successful")
		}
	}
}

// chatRoute is a chat endpoint: its method, its path and a method it does not take.
type chatRoute struct{ method, path, wrong string }

// expectSignedRefusals checks the refusals of a signed route as caller:
// the wrong method is 402 请求异常; a wrong token, a stale timestamp and
// the token of the other side (stranger) are 400 token异常.
func expectSignedRefusals(t *testing.T, p chatRoute, caller, stranger lt.Principal, q url.Values) {
	t.Helper()
	lt.Expect(t, srv.Do(t, lt.Request{Method: p.wrong, Path: p.path, As: &caller, Query: q}), 402, "请求异常")
	bad := caller
	bad.Token = lt.NewToken()
	lt.Expect(t, srv.Do(t, lt.Request{Method: p.method, Path: p.path, As: &bad, Query: q}), 400, "token异常")
	lt.Expect(t, srv.Do(t, lt.Request{Method: p.method, Path: p.path, As: &caller, At: time.Now().Add(-time.Hour), Query: q}), 400, "token异常")
	lt.Expect(t, srv.Do(t, lt.Request{Method: p.method, Path: p.path, As: &stranger, Query: q}), 400, "token异常")
}

// chatItem is an E26/E28 item.
type chatItem struct {
	CustomerID int64  `json:"customer_id"`
	UserID     int64  `json:"user_id"`
	Src        string `json:"src"`
	Name       string `json:"name"`
	DateTime   string `json:"dateTime"`
	Msg        string `json:"msg"`
	SendType   int    `json:"send_type"`
}

var (
	historyKeys = []string{"customer_id", "user_id", "src", "name", "dateTime", "msg", "send_type"}
	pollKeys    = []string{"customer_id", "user_id", "src", "name", "dateTime", "send_type", "msg"}
)

// chatItems decodes a bare-array data and checks every item's key order.
func chatItems(t *testing.T, r *lt.Resp, keys []string) []chatItem {
	t.Helper()
	var raw []json.RawMessage
	r.Decode(t, &raw)
	out := make([]chatItem, len(raw))
	for i, item := range raw {
		if got := lt.KeysOf(item); !reflect.DeepEqual(got, keys) {
			t.Fatalf("item keys %v, want %v: %s", got, keys, r.Raw)
		}
		if err := json.Unmarshal(item, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	return out
}

func msgsOf(items []chatItem) []string {
	out := make([]string, len(items))
	for i, it := range items {
		out[i] = it.Msg
	}
	return out
}

var chatZone, _ = time.LoadLocation("Asia/Shanghai")

// chatWire is the legacy date-time of t.
func chatWire(t time.Time) string {
	t = t.In(chatZone)
	s := t.Format("2006-01-02T15:04:05")
	if t.Nanosecond()/1000 != 0 {
		s += "." + t.Format(".000")[1:]
	}
	return s
}

func expectSame(t *testing.T, what string, got, want any) {
	t.Helper()
	if !reflect.DeepEqual(got, want) {
		t.Fatalf("%s: got %#v, want %#v", what, got, want)
	}
}

func jsonUnmarshal(raw []byte, v any) error { return json.Unmarshal(raw, v) }
