package test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// cardWorld is a company with a rep (the card owner) and a customer.
type cardWorld struct {
	company  int64
	rep      lt.Principal
	cust     lt.Principal
	custName string
}

func newCardWorld(t *testing.T) cardWorld {
	t.Helper()
	w := cardWorld{company: srv.NewCompany(t, lt.Unique("名片公司")), custName: lt.Unique("客户")}
	w.rep = srv.NewUser(t, w.company, lt.Member, lt.Unique("名片rep"))
	w.cust = srv.NewCustomer(t, w.custName)
	return w
}

func cardUID(uid int64, kv ...string) url.Values {
	q := url.Values{"uid": {id(uid)}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

const cardXCX = "/zhugeleida/xiaochengxu"
const cardQY = "/zhugeleida/qiyeweixin"

// remarks are the rep's logs' (action, remark), oldest first.
func cardRemarks(t *testing.T, rep int64) [][2]any {
	t.Helper()
	rows, err := srv.DB.Query(`SELECT action, remark FROM access_logs WHERE user_id = $1 ORDER BY id`, rep)
	if err != nil {
		t.Fatal(err)
	}
	defer rows.Close()
	var out [][2]any
	for rows.Next() {
		var a int
		var r string
		if err := rows.Scan(&a, &r); err != nil {
			t.Fatal(err)
		}
		out = append(out, [2]any{a, r})
	}
	return out
}

func TestE42ViewCardShapeRemarksCountersAndBelonger(t *testing.T) {
	w := newCardWorld(t)
	srv.Exec(t, `UPDATE companies SET address = '北京市' WHERE id = $1`, w.company)
	srv.Exec(t, `UPDATE users SET mingpian_phone = '13800138000', is_show_phone = false, sign = '签名', wechat = 'wx1'
		WHERE id = $1`, w.rep.ID)
	want := []string{
		"首次查看你的名片,沟通从此刻开始",
		"查看你的名片第2次,把握深度交流的机会",
		"查看你的名片第3次,建议标注重点客户",
		"查看你的名片第4次,成交在望",
		"查看你的名片第5次,成交在望",
	}
	for i := range want {
		r := srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID, "action", "3"))
		lt.Expect(t, r, 200, "查询成功")
		var data lt.Page
		r.Decode(t, &data)
		if len(data.RetData) != 1 || data.DataCount != 1 {
			t.Fatalf("want one card: %s", r.Raw)
		}
		keys := lt.KeysOf(data.RetData[0])
		wantKeys := []string{"id", "username", "avatar", "company", "address", "position", "email", "wechat",
			"mingpian_phone", "create_date", "popularity", "praise", "forward", "is_up_down", "sign", "photo"}
		if !reflect.DeepEqual(keys, wantKeys) {
			t.Fatalf("keys %v", keys)
		}
		var item map[string]any
		_ = json.Unmarshal(data.RetData[0], &item)
		if item["popularity"] != float64(i+1) || item["address"] != "北京市" || item["is_up_down"] != false ||
			item["mingpian_phone"] != "13800138000" || item["sign"] != "签名" || item["wechat"] != "wx1" {
			t.Fatalf("view %d: %s", i+1, r.Raw)
		}
		if string(cardJSON(item["photo"])) != "[]" {
			t.Fatalf("photo must be []: %s", r.Raw)
		}
	}
	got := cardRemarks(t, w.rep.ID)
	if len(got) != len(want) {
		t.Fatalf("logs %v", got)
	}
	for i, g := range got {
		if g[0] != 1 || g[1] != want[i] {
			t.Fatalf("log %d = %v, want action 1 %q (the client's action is ignored)", i, g, want[i])
		}
	}
	if n := srv.Count(t, `SELECT count(*) FROM customer_belongers WHERE user_id = $1 AND customer_id = $2 AND source = 1
		AND company_id = $3`, w.rep.ID, w.cust.ID, w.company); n != 1 {
		t.Fatalf("belonger rows %d", n)
	}
	if n := srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2 AND company_id = $3
		AND last_activity_time IS NOT NULL`, w.rep.ID, w.cust.ID, w.company); n != 1 {
		t.Fatalf("follow-up rows %d", n)
	}
	if n := srv.Count(t, `SELECT count(*) FROM access_logs l JOIN follow_ups f ON f.id = l.follow_up_id
		WHERE l.user_id = $1 AND l.company_id = $2 AND EXISTS (SELECT 1 FROM radar_unread WHERE log_id = l.id)`, w.rep.ID, w.company); n != 5 {
		t.Fatalf("linked unread logs %d", n)
	}
	// A second customer starts again at the first view.
	other := srv.NewCustomer(t, lt.Unique("客户"))
	lt.Expect(t, srv.Get(t, other, cardXCX+"/mingpian", cardUID(w.rep.ID)), 200, "查询成功")
	if got := cardRemarks(t, w.rep.ID); got[5][1] != want[0] {
		t.Fatalf("second customer's first view: %v", got[5])
	}
}

func cardJSON(v any) []byte {
	b, _ := json.Marshal(v)
	return b
}

func TestE42ViewCardPhotosAndPraiseState(t *testing.T) {
	w := newCardWorld(t)
	srv.Exec(t, `INSERT INTO user_photos (company_id, user_id, photo_url) VALUES ($1, $2, 'statics/a.jpg'), ($1, $2, 'statics/b.jpg')`,
		w.company, w.rep.ID)
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian/praise", cardUID(w.rep.ID)), 200, "记录日志成功")
	r := srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID, "customer_id", "999999"))
	var data struct {
		RetData []struct {
			IsUpDown bool    `json:"is_up_down"`
			Praise   int     `json:"praise"`
			Photo    [][]any `json:"photo"`
		} `json:"ret_data"`
	}
	r.Decode(t, &data)
	p := data.RetData[0]
	if !p.IsUpDown || p.Praise != 1 || len(p.Photo) != 2 || p.Photo[0][1] != "statics/a.jpg" || p.Photo[1][1] != "statics/b.jpg" {
		t.Fatalf("card: %s", r.Raw)
	}
	// Another customer has not praised.
	other := srv.NewCustomer(t, lt.Unique("客户"))
	r = srv.Get(t, other, cardXCX+"/mingpian", cardUID(w.rep.ID))
	r.Decode(t, &data)
	if data.RetData[0].IsUpDown {
		t.Fatalf("is_up_down of another customer: %s", r.Raw)
	}
}

func TestE42ViewCardBadInputAndUnknownOwner(t *testing.T) {
	w := newCardWorld(t)
	lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/mingpian", nil), 402, true, map[string]string{"uid": "用户id不能为空"})
	lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/mingpian", url.Values{"uid": {"abc"}}), 402, true,
		map[string]string{"uid": "用户id不能为空"}) // legacy-api E42: a non-integer too
	lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID, "current_page", "x")), 402, true,
		map[string]string{"current_page": "页码数据类型错误"})
	for _, uid := range []int64{99999999, srv.Admin.ID + 99999} {
		r := srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(uid))
		lt.Expect(t, r, 200, "查询成功")
		if string(r.Data) != `{"ret_data":[],"data_count":0}` {
			t.Fatalf("unknown owner: %s", r.Raw)
		}
	}
	// A deleted rep's card is absent and nothing is written.
	srv.Exec(t, `UPDATE users SET deleted_at = now() WHERE id = $1`, w.rep.ID)
	r := srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID))
	if string(r.Data) != `{"ret_data":[],"data_count":0}` || srv.Count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, w.rep.ID) != 0 {
		t.Fatalf("deleted owner: %s", r.Raw)
	}
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian/calling", cardUID(w.rep.ID)), 302, "用户ID不存在")
}

func TestE42ViewCardFiltersExcludeTheCardButStillLog(t *testing.T) {
	w := newCardWorld(t)
	r := srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID, "username", "no-such-name"))
	lt.Expect(t, r, 200, "查询成功")
	if string(r.Data) != `{"ret_data":[],"data_count":0}` {
		t.Fatalf("filtered: %s", r.Raw)
	}
	if n := srv.Count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, w.rep.ID); n != 1 {
		t.Fatalf("logs %d", n)
	}
}

func TestE42CardViewsAcrossCompaniesStayInTheOwnersCompany(t *testing.T) {
	a := newCardWorld(t)
	compB := srv.NewCompany(t, lt.Unique("名片公司B"))
	repB := srv.NewUser(t, compB, lt.Member, lt.Unique("repB"))
	lt.Expect(t, srv.Get(t, a.cust, cardXCX+"/mingpian", cardUID(a.rep.ID)), 200, "查询成功")
	lt.Expect(t, srv.Get(t, a.cust, cardXCX+"/mingpian", cardUID(repB.ID)), 200, "查询成功")
	lt.Expect(t, srv.Get(t, a.cust, cardXCX+"/mingpian/forward", cardUID(repB.ID)), 200, "记录日志成功")
	for _, c := range []struct {
		company, rep int64
		logs         int
	}{{a.company, a.rep.ID, 1}, {compB, repB.ID, 2}} {
		if n := srv.Count(t, `SELECT count(*) FROM access_logs WHERE customer_id = $1 AND company_id = $2`, a.cust.ID, c.company); n != c.logs {
			t.Fatalf("company %d logs %d", c.company, n)
		}
		if n := srv.Count(t, `SELECT count(*) FROM access_logs WHERE customer_id = $1 AND company_id = $2 AND user_id <> $3`,
			a.cust.ID, c.company, c.rep); n != 0 {
			t.Fatalf("logs of company %d on another rep", c.company)
		}
		for _, table := range []string{"customer_belongers", "follow_ups"} {
			if n := srv.Count(t, `SELECT count(*) FROM `+table+` WHERE customer_id = $1 AND company_id = $2 AND user_id = $3`,
				a.cust.ID, c.company, c.rep); n != 1 {
				t.Fatalf("%s of company %d: %d", table, c.company, n)
			}
		}
	}
	// Rep B's radar shows only B's events; rep A's only A's.
	r := srv.Get(t, repB, cardQY+"/action/time", nil)
	var data struct {
		DataCount int `json:"data_count"`
	}
	r.Decode(t, &data)
	if data.DataCount != 2 {
		t.Fatalf("rep B radar: %s", r.Raw)
	}
}

func TestE42CardEndpointsAuth(t *testing.T) {
	w := newCardWorld(t)
	paths := []string{"/mingpian", "/mingpian/all", "/mingpian/calling", "/mingpian/praise", "/mingpian/forward",
		"/mingpian/save_phone", "/product", "/product/竞价排名", "/product/转发", "/action/record"}
	for _, p := range paths {
		// A rep's token on a customer endpoint (the id is looked up among customers).
		lt.Expect(t, srv.Get(t, w.rep, cardXCX+p, cardUID(w.rep.ID)), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Path: cardXCX + p, RawQuery: "user_id=" + id(w.cust.ID) + "&timestamp=1&rand_str=bad&uid=1"}),
			400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Path: cardXCX + p, As: &w.cust, At: time.Now().Add(-time.Hour), Query: cardUID(w.rep.ID)}),
			400, "token异常")
		if p != "/product" {
			lt.Expect(t, srv.Do(t, lt.Request{Method: "POST", Path: cardXCX + p, As: &w.cust, Query: cardUID(w.rep.ID)}), 402, "请求异常")
		}
	}
	if n := srv.Count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, w.rep.ID); n != 0 {
		t.Fatalf("refused requests wrote %d logs", n)
	}
	// A customer's token on enterprise endpoints.
	for _, p := range []string{"/mingpian", "/action/time", "/action/get_new_log", "/tag_user", "/qr_code_auth"} {
		lt.Expect(t, srv.Get(t, w.cust, cardQY+p, nil), 400, "token异常")
	}
}

func TestE45PraiseTogglesBackAndForth(t *testing.T) {
	w := newCardWorld(t)
	wantPraise := []int{1, 0, 1, 0}
	wantRemark := []string{"觉得您非常靠谱", "取消对你的靠谱评价", "觉得您非常靠谱", "取消对你的靠谱评价"}
	for i := range wantPraise {
		r := srv.Get(t, w.cust, cardXCX+"/mingpian/praise", cardUID(w.rep.ID, "action", "1"))
		lt.Expect(t, r, 200, "记录日志成功")
		lt.ExpectEmptyData(t, r)
		var praise int
		var up bool
		srv.Scalar(t, &praise, `SELECT praise FROM users WHERE id = $1`, w.rep.ID)
		srv.Scalar(t, &up, `SELECT up FROM praises WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID)
		if praise != wantPraise[i] || up != (wantPraise[i] == 1) {
			t.Fatalf("toggle %d: praise %d up %v", i, praise, up)
		}
	}
	got := cardRemarks(t, w.rep.ID)
	for i, g := range got {
		if g[0] != 9 || g[1] != wantRemark[i] {
			t.Fatalf("log %d = %v", i, g)
		}
	}
	if n := srv.Count(t, `SELECT count(*) FROM praises WHERE user_id = $1`, w.rep.ID); n != 1 {
		t.Fatalf("praise rows %d", n)
	}
	// Two customers praising count twice.
	other := srv.NewCustomer(t, lt.Unique("客户"))
	srv.Get(t, w.cust, cardXCX+"/mingpian/praise", cardUID(w.rep.ID))
	srv.Get(t, other, cardXCX+"/mingpian/praise", cardUID(w.rep.ID))
	if n := srv.Count(t, `SELECT praise FROM users WHERE id = $1`, w.rep.ID); n != 2 {
		t.Fatalf("praise %d", n)
	}
}

func TestE44E46A8A9EventsLogTheirFixedActionAndRemark(t *testing.T) {
	w := newCardWorld(t)
	cases := []struct {
		path   string
		action int
		remark string
	}{
		{"/mingpian/calling", 10, "拨打您的手机"},
		{"/mingpian/forward", 6, "转发了你的名片,你的人脉圈正在裂变"},
		{"/mingpian/forward", 6, "转发了你的名片,你的人脉圈正在裂变"},
		{"/mingpian/save_phone", 8, "保存了您的电话,可以考虑拜访"},
		{"/product", 2, "正在查看你发布的产品,尽快把握商机"},
		{"/product/竞价排名", 2, "正在查看你发布的产品,尽快把握商机"},
		{"/product/转发", 2, "转发了竞价排名。"},
	}
	for _, c := range cases {
		r := srv.Get(t, w.cust, cardXCX+c.path, cardUID(w.rep.ID, "action", "1"))
		lt.Expect(t, r, 200, "记录日志成功")
		lt.ExpectEmptyData(t, r)
	}
	// A9 product accepts any method.
	lt.Expect(t, srv.Do(t, lt.Request{Method: "POST", Path: cardXCX + "/product", As: &w.cust, Query: cardUID(w.rep.ID)}), 200, "记录日志成功")
	got := cardRemarks(t, w.rep.ID)
	if len(got) != len(cases)+1 {
		t.Fatalf("logs %v", got)
	}
	for i, c := range cases {
		if got[i][0] != c.action || got[i][1] != c.remark {
			t.Fatalf("%s: %v", c.path, got[i])
		}
	}
	var popularity, forward, praise int
	if err := srv.DB.QueryRow(`SELECT popularity, forward, praise FROM users WHERE id = $1`, w.rep.ID).Scan(&popularity, &forward, &praise); err != nil {
		t.Fatal(err)
	}
	if popularity != 0 || forward != 2 || praise != 0 {
		t.Fatalf("counters %d %d %d", popularity, forward, praise)
	}
	// Only the card view makes the customer belong to the rep.
	if n := srv.Count(t, `SELECT count(*) FROM customer_belongers WHERE user_id = $1`, w.rep.ID); n != 0 {
		t.Fatalf("belongers %d", n)
	}
	for _, p := range []string{"/mingpian/calling", "/mingpian/praise", "/mingpian/forward", "/mingpian/save_phone", "/product/转发"} {
		lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+p, nil), 402, true, map[string]string{"uid": "用户id不能为空"})
		lt.Expect(t, srv.Get(t, w.cust, cardXCX+p, cardUID(99999999)), 302, "用户ID不存在")
	}
}

func TestD7ActionRecordAllTwelveActions(t *testing.T) {
	w := newCardWorld(t)
	want := map[int]string{
		1: "首次查看你的名片,沟通从此刻开始", 2: "正在查看你发布的产品,尽快把握商机", 3: "查看了公司的动态", 4: "查看了您的官网",
		5: "复制了您的微信号", 6: "转发了你的名片,你的人脉圈正在裂变", 7: "咨询了您的产品", 8: "保存了您的电话,可以考虑拜访",
		9: "觉得您非常靠谱", 10: "拨打您的手机", 11: "播放了您的语音介绍", 12: "复制了您的邮箱",
	}
	for a := 1; a <= 12; a++ {
		r := srv.Get(t, w.cust, cardXCX+"/action/record", cardUID(w.rep.ID, "action", strconv.Itoa(a)))
		lt.Expect(t, r, 200, "记录日志成功")
		lt.ExpectEmptyData(t, r)
	}
	got := cardRemarks(t, w.rep.ID)
	for i, g := range got {
		if g[0] != i+1 || g[1] != want[i+1] {
			t.Fatalf("action %d: %v", i+1, g)
		}
	}
	srv.Get(t, w.cust, cardXCX+"/action/record", cardUID(w.rep.ID, "action", "1"))
	if got := cardRemarks(t, w.rep.ID); got[12][1] != "查看你的名片第2次,把握深度交流的机会" {
		t.Fatalf("second view via record: %v", got[12])
	}
	for _, bad := range []struct{ action, msg string }{
		{"13", "Select a valid choice. 13 is not one of the available choices."},
		{"0", "Select a valid choice. 0 is not one of the available choices."},
		{"x", "Enter a whole number."},
		{"", "This field is required."},
	} {
		lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/action/record", cardUID(w.rep.ID, "action", bad.action)), 301, false,
			map[string]string{"action": bad.msg})
	}
	lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/action/record", url.Values{"action": {"1"}}), 402, true,
		map[string]string{"uid": "用户id不能为空"})
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/action/record", cardUID(99999999, "action", "2")), 302, "用户ID不存在")
	if n := len(cardRemarks(t, w.rep.ID)); n != 13 {
		t.Fatalf("logs %d", n)
	}
	var popularity int
	srv.Scalar(t, &popularity, `SELECT popularity + praise + forward FROM users WHERE id = $1`, w.rep.ID)
	if popularity != 0 {
		t.Fatalf("action/record changed counters")
	}
}

func TestE43MyCardsListsTheRepsTheCustomerBelongsTo(t *testing.T) {
	w := newCardWorld(t)
	rep2 := srv.NewUser(t, w.company, lt.Member, lt.Unique("名片rep2"))
	srv.NewUser(t, w.company, lt.Member, lt.Unique("名片rep3")) // not visited
	srv.Exec(t, `UPDATE users SET mingpian_phone = '13900139000', email = 'a@b.cn' WHERE id = $1`, w.rep.ID)
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian", cardUID(w.rep.ID)), 200, "查询成功")
	srv.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, 2)`,
		w.company, rep2.ID, w.cust.ID)
	r := srv.Get(t, w.cust, cardXCX+"/mingpian/all", url.Values{"order": {"id"}})
	lt.Expect(t, r, 200, "查询成功")
	var data lt.Page
	r.Decode(t, &data)
	if data.DataCount != 2 || len(data.RetData) != 2 {
		t.Fatalf("cards: %s", r.Raw)
	}
	wantKeys := []string{"id", "username", "source", "avatar", "company", "position", "email", "mingpian_phone", "create_date"}
	if k := lt.KeysOf(data.RetData[0]); !reflect.DeepEqual(k, wantKeys) {
		t.Fatalf("keys %v", k)
	}
	var items []map[string]any
	r.Decode(t, &struct {
		RetData *[]map[string]any `json:"ret_data"`
	}{&items})
	if items[0]["id"] != float64(w.rep.ID) || items[0]["source"] != "扫码" || items[0]["mingpian_phone"] != "13900139000" ||
		items[1]["id"] != float64(rep2.ID) || items[1]["source"] != "转发" {
		t.Fatalf("items: %s", r.Raw)
	}
	r = srv.Get(t, w.cust, cardXCX+"/mingpian/all", url.Values{"length": {"1"}, "current_page": {"2"}, "order": {"id"}})
	r.Decode(t, &data)
	if data.DataCount != 2 || len(data.RetData) != 1 {
		t.Fatalf("page 2: %s", r.Raw)
	}
	// Another customer belongs to nobody.
	other := srv.NewCustomer(t, lt.Unique("客户"))
	r = srv.Get(t, other, cardXCX+"/mingpian/all", nil)
	lt.Expect(t, r, 200, "查询成功")
	if string(r.Data) != `{"ret_data":[],"data_count":0}` {
		t.Fatalf("other: %s", r.Raw)
	}
	lt.ExpectFields(t, srv.Get(t, w.cust, cardXCX+"/mingpian/all", url.Values{"length": {"-1"}}), 402, true,
		map[string]string{"length": "页显示数量类型错误"})
}

// A log write, its follow-up relation update and its counter change commit
// together or not at all: a trigger makes the follow-up step fail for one rep.
func TestD7CardEventIsOneTransaction(t *testing.T) {
	w := newCardWorld(t)
	fn := lt.Unique("leida_test_fail_followup_")
	srv.Exec(t, `CREATE FUNCTION `+fn+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.user_id = `+id(w.rep.ID)+` THEN RAISE EXCEPTION 'follow-up refused by test'; END IF; RETURN NEW; END $$`)
	srv.Exec(t, `CREATE TRIGGER `+fn+` BEFORE INSERT OR UPDATE ON follow_ups FOR EACH ROW EXECUTE FUNCTION `+fn+`()`)
	defer srv.Exec(t, `DROP FUNCTION `+fn+`() CASCADE`)
	for _, p := range []string{"/mingpian", "/mingpian/forward", "/mingpian/praise", "/mingpian/calling", "/action/record"} {
		r := srv.Get(t, w.cust, cardXCX+p, cardUID(w.rep.ID, "action", "6"))
		lt.ExpectStatus(t, r, 500, 500, "服务器内部错误")
	}
	var popularity, forward, praise int
	if err := srv.DB.QueryRow(`SELECT popularity, forward, praise FROM users WHERE id = $1`, w.rep.ID).Scan(&popularity, &forward, &praise); err != nil {
		t.Fatal(err)
	}
	for table, n := range map[string]int{
		"access_logs": srv.Count(t, `SELECT count(*) FROM access_logs WHERE user_id = $1`, w.rep.ID),
		"praises":     srv.Count(t, `SELECT count(*) FROM praises WHERE user_id = $1`, w.rep.ID),
		"belongers":   srv.Count(t, `SELECT count(*) FROM customer_belongers WHERE user_id = $1`, w.rep.ID),
		"counters":    popularity + forward + praise,
	} {
		if n != 0 {
			t.Fatalf("%s: %d written although the follow-up step failed", table, n)
		}
	}
	// The same rep works again once the trigger is gone.
	srv.Exec(t, `DROP TRIGGER `+fn+` ON follow_ups`)
	lt.Expect(t, srv.Get(t, w.cust, cardXCX+"/mingpian/forward", cardUID(w.rep.ID)), 200, "记录日志成功")
	if n := srv.Count(t, `SELECT forward FROM users WHERE id = $1`, w.rep.ID); n != 1 {
		t.Fatalf("forward %d", n)
	}
}
