package test

import (
	"bytes"
	"image"
	"image/png"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// Hardening (issue 9): bad input answers the endpoint's validation code
// with a field error, never a 500, and writes nothing.

var badTexts = []struct {
	name, value, msg string
}{
	{"a NUL byte", "x\x00y", "Null characters are not allowed."},
	{"invalid UTF-8", "x\xc3\x28y", "Enter a valid value."},
}

// rowsOf is a fingerprint of a table: its row count and the text of its rows.
func rowsOf(t *testing.T, table string) string {
	t.Helper()
	var n int
	var digest string
	srv.Scalar(t, &n, `SELECT count(*) FROM `+table)
	srv.Scalar(t, &digest, `SELECT COALESCE(md5(string_agg(t::text, ',' ORDER BY t::text)), '') FROM `+table+` t`)
	return strconv.Itoa(n) + ":" + digest
}

func TestBadTextIsRefusedEverywhereAndWritesNothing(t *testing.T) {
	co := newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	cust := srv.NewCustomer(t, lt.Unique("访客"))
	chatBind(t, srv, co.id, co.rep, cust)
	watched := []string{"users", "companies", "tags", "customer_tags", "chat_messages", "customer_information", "follow_notes",
		"phrases", "access_logs", "user_tags", "roles", "permissions"}
	before := map[string]string{}
	for _, table := range watched {
		before[table] = rowsOf(t, table)
	}
	cases := []struct {
		name      string
		req       func(v string) lt.Request
		field     string
		code      int
		inData    bool
		principal *lt.Principal
	}{
		{"E01 list filter", func(v string) lt.Request {
			return lt.Request{Path: qyPath + "user", Query: url.Values{"username": {v}}}
		}, "username", 402, true, &co.admin},
		{"A12 login", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Form: url.Values{"username": {v}, "password": {"x"}},
				Header: http.Header{"X-Forwarded-For": {clientAddress()}}}
		}, "username", 301, false, nil},
		{"E02 add user", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: qyPath + "user/add/0", Form: url.Values{"username": {v}, "password": {"p"},
				"role_id": {id(srv.RoleID(t, lt.Member))}, "company_id": {id(co.id)}}}
		}, "username", 301, false, &co.admin},
		{"E19 update company", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: "/zhugeleida/admin/company/update/" + id(co.id), Form: url.Values{"name": {v}}}
		}, "name", 303, false, &srv.Admin},
		{"E22 add tag", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: qyPath + "tag_customer/add/0", Form: url.Values{"name": {v}, "customer_list": {"[]"}}}
		}, "name", 301, false, &co.rep},
		{"E06 customer information", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: qyPath + "customer/update_information/" + id(cu.ID),
				Form: url.Values{"source": {"1"}, "mem": {v}}}
		}, "mem", 303, false, &co.rep},
		{"E27 chat", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: chatQY + "/chat/send_msg/0", Form: url.Values{"user_id": {id(co.rep.ID)},
				"customer_id": {id(cust.ID)}, "msg": {v}, "send_type": {"1"}}}
		}, "msg", 301, false, &co.rep},
		{"A10 chat", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: chatXCX + "/chat/send_msg/0", Form: url.Values{"uid": {id(co.rep.ID)}, "msg": {v}}}
		}, "msg", 301, false, &cust},
		{"A7 save_sign", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: cardQY + "/mingpian/save_sign", Form: url.Values{"sign": {v}}}
		}, "sign", 402, true, &co.rep},
		{"E50 card tag", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: cardQY + "/tag_user/add", Form: url.Values{"name": {v}}}
		}, "name", 303, false, &co.rep},
		{"E42 card view", func(v string) lt.Request {
			return lt.Request{Path: cardXCX + "/mingpian", Query: url.Values{"uid": {id(co.rep.ID)}, "username": {v}}}
		}, "username", 402, true, &cust},
		{"A3 search", func(v string) lt.Request {
			return lt.Request{Path: qyPath + "search/get_user", Query: url.Values{"username": {v}}}
		}, "username", 402, true, &co.rep},
		{"A4 follow note", func(v string) lt.Request {
			return lt.Request{Method: "POST", Path: qyPath + "follow_info/add/" + id(cu.ID), Form: url.Values{"follow_info": {v}}}
		}, "follow_info", 301, false, &co.rep},
	}
	for _, c := range cases {
		for _, b := range badTexts {
			t.Run(c.name+" with "+b.name, func(t *testing.T) {
				r := c.req(b.value)
				r.As = c.principal
				lt.ExpectFields(t, srv.Do(t, r), c.code, c.inData, map[string]string{c.field: b.msg})
			})
		}
	}
	for _, table := range watched {
		if got := rowsOf(t, table); got != before[table] {
			t.Errorf("%s changed under refused requests", table)
		}
	}
}

// Numbers outside their column's range are validation errors (E31–E33,
// E47: a smallint; E13/E15: an integer).
func TestOutOfRangeNumbersAreValidationErrors(t *testing.T) {
	w := newCardWorld(t)
	for _, path := range []string{"/action/time", "/action/customer", "/action/count", "/action/get_new_log"} {
		for _, v := range []string{"32768", "-32769"} {
			r := srv.Get(t, w.rep, cardQY+path, url.Values{"action": {v}})
			msg := "Ensure this value is less than or equal to 32767."
			if v[0] == '-' {
				msg = "Ensure this value is greater than or equal to -32768."
			}
			lt.ExpectFields(t, r, 402, true, map[string]string{"action": msg})
		}
		lt.Expect(t, srv.Get(t, w.rep, cardQY+path, url.Values{"action": {"32767"}}), 200, "查询日志记录成功")
	}
	before := rowsOf(t, "permissions")
	r := srv.Post(t, srv.Admin, qyPath+"quanxian/add/0", url.Values{"path": {"/p" + lt.Unique("")}, "title": {lt.Unique("标题")},
		"order_num": {"2147483648"}})
	lt.ExpectFields(t, r, 301, false, map[string]string{"order_num": "Ensure this value is less than or equal to 2147483647."})
	if rowsOf(t, "permissions") != before {
		t.Fatal("a refused permission was written")
	}
}

// A body that cannot be read as a form is refused; nothing is written (A7
// save_sign used to take it as an empty form and blank the signature).
func TestUnreadableBodiesWriteNothing(t *testing.T) {
	w := newCardWorld(t)
	srv.Exec(t, `UPDATE users SET sign = '我的签名' WHERE id = $1`, w.rep.ID)
	for _, c := range []struct {
		name, contentType, body string
	}{
		{"JSON", "application/json", `{"sign":""}`},
		{"a bad escape", "application/x-www-form-urlencoded", "sign=%zz"},
		{"text", "text/plain", "sign="},
	} {
		t.Run(c.name, func(t *testing.T) {
			r := srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/save_sign", As: &w.rep, RawBody: c.body,
				Header: http.Header{"Content-Type": {c.contentType}}})
			lt.ExpectFields(t, r, 402, true, map[string]string{"body": "请求体不是有效的表单"})
			var sign string
			srv.Scalar(t, &sign, `SELECT sign FROM users WHERE id = $1`, w.rep.ID)
			if sign != "我的签名" {
				t.Fatalf("signature now %q", sign)
			}
		})
	}
	// A form over Go's parse limit (10 MB) but under the body limit.
	big := "sign=" + strings.Repeat("a", 11<<20)
	r := srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/save_sign", As: &w.rep, RawBody: big,
		Header: http.Header{"Content-Type": {"application/x-www-form-urlencoded"}}})
	lt.ExpectFields(t, r, 402, true, map[string]string{"body": "请求体不是有效的表单"})
}

// Every text has a bound: a huge chat message is refused, not stored and
// then served to every contact list; photos are decoded images of bounded size.
func TestTextAndImageBounds(t *testing.T) {
	w := newChatWorld(t, srv)
	before := rowsOf(t, "chat_messages")
	r := w.repSend(t, w.rep, w.cust, strings.Repeat("字", 5001))
	lt.ExpectFields(t, r, 301, false, map[string]string{"msg": "Ensure this value has at most 5000 characters (it has 5001)."})
	r = w.custSend(t, w.cust, w.rep, strings.Repeat("a", 9_900_000))
	lt.ExpectFields(t, r, 301, false, map[string]string{"msg": "Ensure this value has at most 20000 characters (it has 9900000)."})
	if rowsOf(t, "chat_messages") != before {
		t.Fatal("a refused message was stored")
	}
	lt.Expect(t, w.repSend(t, w.rep, w.cust, strings.Repeat("字", 5000)), 200, "send msg successful")

	cw := newCardWorld(t)
	upload := func(data []byte) *lt.Resp {
		return srv.Do(t, lt.Request{Method: "POST", Path: cardQY + "/mingpian/upload_photo", As: &cw.rep, Files: map[string][]byte{"photo": data}})
	}
	notImage := "Upload a valid image. The file you uploaded was either not an image or a corrupted image."
	lt.ExpectFields(t, upload([]byte("\x89PNG\r\n\x1a\n<script>")), 402, true, map[string]string{"photo": notImage})
	lt.ExpectFields(t, upload([]byte("\xFF\xD8\xFF\xE0 not really")), 402, true, map[string]string{"photo": notImage})
	var b bytes.Buffer
	_ = png.Encode(&b, image.NewGray(image.Rect(0, 0, 4, 4)))
	padded := append(b.Bytes(), make([]byte, 5<<20)...) // a valid header, then over 5 MB
	lt.ExpectFields(t, upload(padded), 402, true, map[string]string{"photo": "上传的图片不能超过 5 MB"})
	if n := srv.Count(t, `SELECT count(*) FROM user_photos WHERE user_id = $1`, cw.rep.ID); n != 0 {
		t.Fatalf("%d photos stored by refused uploads", n)
	}
	lt.Expect(t, upload(b.Bytes()), 200, "上传成功")
}

// D5 under concurrency: 60 parallel wrong passwords for one username get
// exactly 10 password checks (401); the rest are refused (429) before any
// hashing, and the service's memory stays bounded.
func TestLoginLimitHoldsUnderConcurrency(t *testing.T) {
	w := newOrgWorld(t)
	victim := lt.Unique("victim")
	srv.NewUser(t, w.companyA, lt.Member, victim)
	var mu sync.Mutex
	codes := map[int]int{}
	var wg sync.WaitGroup
	for range 60 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			r, err := srv.Send(lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Form: url.Values{"username": {victim}, "password": {"guess"}},
				Header: http.Header{"X-Forwarded-For": {clientAddress()}}})
			if err != nil {
				t.Error(err)
				return
			}
			mu.Lock()
			codes[r.Code]++
			mu.Unlock()
		}()
	}
	wg.Wait()
	if codes[401] != 10 || codes[429] != 50 {
		t.Fatalf("answers %v, want 10 × 401 and 50 × 429", codes)
	}
	if n := srv.Count(t, `SELECT count(*) FROM login_failures WHERE username = $1`, victim); n != 10 {
		t.Fatalf("%d failures recorded", n)
	}
	time.Sleep(100 * time.Millisecond)
	if rss, err := rssKB(srv.PID()); err == nil && rss > 300*1024 {
		t.Fatalf("leida serve uses %d MB after the burst", rss/1024)
	}
}
