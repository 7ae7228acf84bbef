package test

import (
	"encoding/json"
	"net/url"
	"strconv"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

var addressBookKeys = []string{"customer_id", "customer_username", "headimgurl", "expected_time", "expedted_pr", "belonger", "source",
	"last_follow_time", "last_activity_time", "follow_status", "ai_pr"}

type addressBookResp struct {
	RetData []struct {
		CustomerID       int64   `json:"customer_id"`
		CustomerUsername string  `json:"customer_username"`
		ExpectedTime     *string `json:"expected_time"`
		ExpedtedPr       *string `json:"expedted_pr"`
		Belonger         string  `json:"belonger"`
		Source           int     `json:"source"`
		LastFollowTime   string  `json:"last_follow_time"`
		LastActivityTime string  `json:"last_activity_time"`
		FollowStatus     string  `json:"follow_status"`
	} `json:"ret_data"`
	DataCount int `json:"data_count"`
}

func followUp(t *testing.T, companyID int64, user lt.Principal, customerID int64, follow, activity *time.Time) {
	t.Helper()
	srv.Exec(t, `INSERT INTO follow_ups (company_id, user_id, customer_id, last_follow_time, last_activity_time) VALUES ($1, $2, $3, $4, $5)`,
		companyID, user.ID, customerID, follow, activity)
}

func TestE34AddressBook(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	today, yesterday, threeAgo := shanghaiNoon(t, 0), shanghaiNoon(t, 1), shanghaiNoon(t, 3)
	a := newBoundCustomer(t, co.id, co.rep, 1)
	b := newBoundCustomer(t, co.id, co.rep, 2)
	c := newBoundCustomer(t, co.id, co.rep, 1)
	unfollowed := newBoundCustomer(t, co.id, co.rep, 1) // bound, no follow-up relation: not listed
	notMine := newBoundCustomer(t, co.id, co.rep2, 1)
	followUp(t, co.id, co.rep, a.ID, &today, &yesterday)
	followUp(t, co.id, co.rep, b.ID, &yesterday, &threeAgo)
	followUp(t, co.id, co.rep, c.ID, nil, nil)
	followUp(t, co.id, co.rep2, notMine.ID, &today, nil)
	bind(t, other.id, other.rep, a.ID, 1)
	followUp(t, other.id, other.rep, a.ID, &threeAgo, nil)
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"customer/update_expected_pr/"+id(b.ID), url.Values{"expedted_pr": {"90%"}}), 200, "添加成功")
	srv.Exec(t, `UPDATE follow_ups SET last_follow_time = $1 WHERE user_id = $2 AND customer_id = $3`, threeAgo, co.rep.ID, b.ID)
	srv.Exec(t, `INSERT INTO customer_profiles (company_id, customer_id, expedted_pr, expected_time) VALUES ($1, $2, '30%', '2018-06-09')`, co.id, a.ID)
	srv.Exec(t, `INSERT INTO customer_profiles (company_id, customer_id, expedted_pr) VALUES ($1, $2, '99%')`, other.id, a.ID)

	r := srv.Get(t, co.rep, qyPath+"tongxunlu", nil)
	lt.Expect(t, r, 200, "查询成功")
	expectSame(t, "data keys", lt.KeysOf(r.Data), []string{"ret_data", "data_count"})
	var raw lt.Page
	r.Decode(t, &raw)
	expectSame(t, "item keys", lt.KeysOf(raw.RetData[0]), addressBookKeys)
	var d addressBookResp
	r.Decode(t, &d)
	if d.DataCount != 3 || len(d.RetData) != 3 {
		t.Fatalf("want the rep's 3 followed customers (not %d): %s", unfollowed.ID, r.Raw)
	}
	// Default order: expected probability descending, none last.
	got := []int64{d.RetData[0].CustomerID, d.RetData[1].CustomerID, d.RetData[2].CustomerID}
	expectSame(t, "order", got, []int64{b.ID, a.ID, c.ID})
	rb, ra, rc := d.RetData[0], d.RetData[1], d.RetData[2]
	if rb.LastFollowTime != "3天前" || rb.FollowStatus != threeAgo.Format("2006-01-02") || rb.LastActivityTime != threeAgo.Format("2006-01-02") ||
		rb.Source != 2 || *rb.ExpedtedPr != "90%" || rb.ExpectedTime != nil {
		t.Fatalf("row b: %+v", rb)
	}
	if ra.LastFollowTime != "今天" || ra.FollowStatus != "今天跟进" || ra.LastActivityTime != "昨天" || ra.Source != 1 ||
		*ra.ExpedtedPr != "30%" || *ra.ExpectedTime != "2018-06-09" || ra.Belonger != co.repName {
		t.Fatalf("row a: %+v", ra)
	}
	if rc.LastFollowTime != "" || rc.FollowStatus != "未跟进过" || rc.LastActivityTime != "" || rc.ExpedtedPr != nil {
		t.Fatalf("row c: %+v", rc)
	}
	// Filter by source, order by a whitelisted value, paging.
	r = srv.Get(t, co.rep, qyPath+"tongxunlu", url.Values{"customer__source": {"2"}})
	r.Decode(t, &d)
	if d.DataCount != 1 || d.RetData[0].CustomerID != b.ID {
		t.Fatalf("source 2: %s", r.Raw)
	}
	r = srv.Get(t, co.rep, qyPath+"tongxunlu", url.Values{"order": {"-last_follow_time"}, "length": {"1"}, "current_page": {"2"}})
	r.Decode(t, &d)
	if d.DataCount != 3 || len(d.RetData) != 1 || d.RetData[0].CustomerID != b.ID {
		t.Fatalf("page 2 of -last_follow_time: %s", r.Raw)
	}
	r = srv.Get(t, co.rep, qyPath+"tongxunlu", url.Values{"order": {"password"}, "customer_id": {id(a.ID)}})
	r.Decode(t, &d)
	if d.DataCount != 1 || d.RetData[0].CustomerID != a.ID {
		t.Fatalf("filter customer_id, unknown order ignored: %s", r.Raw)
	}
	// The other company's rep sees their own relation and profile.
	r = srv.Get(t, other.rep, qyPath+"tongxunlu", nil)
	r.Decode(t, &d)
	if d.DataCount != 1 || *d.RetData[0].ExpedtedPr != "99%" || d.RetData[0].LastFollowTime != "3天前" {
		t.Fatalf("other company: %s", r.Raw)
	}
	// Nothing yet: an empty page, not an error.
	r = srv.Get(t, co.admin, qyPath+"tongxunlu", url.Values{"customer__source": {"1"}})
	lt.Expect(t, r, 200, "查询成功")
	expectSame(t, "empty", string(r.Data), `{"ret_data":[],"data_count":0}`)
	lt.ExpectFields(t, srv.Get(t, co.rep, qyPath+"tongxunlu", url.Values{"current_page": {"0"}}), 402, true,
		map[string]string{"current_page": "页码数据类型错误"})
	r = srv.Get(t, co.rep, qyPath+"tongxunlu", url.Values{"customer__source": {"3"}})
	if r.Code != 402 || r.MsgString() != "请求异常" {
		t.Fatalf("bad source: %s", r.Raw)
	}
}

type phrasesResp struct {
	RetData []struct {
		UserID             string `json:"user_id"`
		FollowLanguageData []struct {
			LanguageID int64  `json:"language_id"`
			Language   string `json:"language"`
		} `json:"follow_language_data"`
		FollowLanguage []struct {
			LanguageID int64  `json:"language_id"`
			Language   string `json:"language"`
		} `json:"follow_language"`
	} `json:"ret_data"`
	DataCount int `json:"data_count"`
}

func phraseTexts(t *testing.T, p lt.Principal, q url.Values) ([]string, phrasesResp) {
	t.Helper()
	r := srv.Get(t, p, qyPath+"follow_language", q)
	lt.Expect(t, r, 200, "")
	var d phrasesResp
	r.Decode(t, &d)
	if len(d.RetData) != 1 || d.RetData[0].UserID != strconv.FormatInt(p.ID, 10) {
		t.Fatalf("one group for the caller: %s", r.Raw)
	}
	var raw lt.Page
	r.Decode(t, &raw)
	expectSame(t, "group keys", lt.KeysOf(raw.RetData[0]), []string{"user_id", "follow_language_data", "follow_language"})
	var out []string
	for i, p := range d.RetData[0].FollowLanguageData {
		if d.RetData[0].FollowLanguage[i] != p {
			t.Fatal("follow_language and follow_language_data differ")
		}
		out = append(out, p.Language)
	}
	return out, d
}

var globalPhrasesNewestFirst = []string{"客户多次查看小程序,合作意向强烈", "已成交客户,维护好后续关系", "已发报价,待客户反馈", "标记一下,需要给客户发送报价",
	"曾拜访过的客户", "见面聊过,客户有合作意向", "意向客户,需安排拜访", "计划近期安排拜访", "标记一下,客户有合作意向", "客户查看了公司产品,有合作意向"}

func TestE35E36E37Phrases(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	texts, d := phraseTexts(t, co.rep, nil)
	expectSame(t, "globals only", texts, globalPhrasesNewestFirst)
	expectSame(t, "own count", d.DataCount, 0)

	add := func(p lt.Principal, text string) *lt.Resp {
		return srv.Post(t, p, qyPath+"follow_language/add/0", url.Values{"custom_language": {text}})
	}
	lt.ExpectFields(t, add(co.rep, ""), 301, false, map[string]string{"custom_language": "自定义用语不能为空"})
	r := add(co.rep, "客户想要报价")
	lt.Expect(t, r, 200, "添加成功")
	lt.ExpectEmptyData(t, r)
	time.Sleep(5 * time.Millisecond)
	lt.Expect(t, add(co.rep, "客户周末有空"), 200, "添加成功")
	lt.ExpectFields(t, add(co.rep, "客户想要报价"), 301, false, map[string]string{"custom_language": "自定义常用语已存在"})
	lt.ExpectFields(t, add(co.rep, "计划近期安排拜访"), 301, false, map[string]string{"custom_language": "自定义常用语已存在"})
	// Unique per owner: a colleague and another company's rep may use the same text.
	lt.Expect(t, add(co.rep2, "客户想要报价"), 200, "添加成功")
	lt.Expect(t, add(other.rep, "别家的话术"), 200, "添加成功")

	texts, d = phraseTexts(t, co.rep, nil)
	expectSame(t, "own first, newest first, then globals", texts, append([]string{"客户周末有空", "客户想要报价"}, globalPhrasesNewestFirst...))
	expectSame(t, "own count", d.DataCount, 2)
	// Paging applies to the caller's phrases; globals come on every page.
	texts, d = phraseTexts(t, co.rep, url.Values{"length": {"1"}, "current_page": {"2"}, "order": {"create_date"}})
	expectSame(t, "page 2", texts, append([]string{"客户周末有空"}, globalPhrasesNewestFirst...))
	expectSame(t, "own count", d.DataCount, 2)
	texts, _ = phraseTexts(t, other.rep, nil)
	expectSame(t, "other company", texts, append([]string{"别家的话术"}, globalPhrasesNewestFirst...))
	lt.ExpectFields(t, srv.Get(t, co.rep, qyPath+"follow_language", url.Values{"length": {"-1"}}), 402, true,
		map[string]string{"length": "页显示数量类型错误"})

	var mine, colleagues, global int64
	srv.Scalar(t, &mine, `SELECT id FROM phrases WHERE user_id = $1 AND text = '客户想要报价'`, co.rep.ID)
	srv.Scalar(t, &colleagues, `SELECT id FROM phrases WHERE user_id = $1`, co.rep2.ID)
	srv.Scalar(t, &global, `SELECT id FROM phrases WHERE user_id IS NULL ORDER BY id LIMIT 1`)
	del := func(p lt.Principal, phrase int64) *lt.Resp {
		return srv.Post(t, p, qyPath+"follow_language/delete/"+id(phrase), nil)
	}
	lt.Expect(t, del(co.rep, colleagues), 302, "ID不存在")
	lt.Expect(t, del(co.rep, global), 302, "ID不存在")
	lt.Expect(t, del(co.rep, 999999999), 302, "ID不存在")
	r = del(co.rep, mine)
	lt.Expect(t, r, 200, "删除成功")
	lt.ExpectEmptyData(t, r)
	if srv.Count(t, `SELECT count(*) FROM phrases WHERE id IN ($1, $2)`, colleagues, global) != 2 ||
		srv.Count(t, `SELECT count(*) FROM phrases WHERE id = $1`, mine) != 0 {
		t.Fatal("delete touched the wrong phrases")
	}
}

func TestE38A4FollowNotes(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	bind(t, other.id, other.rep, cu.ID, 1)
	list := func(p lt.Principal, q url.Values) *lt.Resp { return srv.Get(t, p, qyPath+"follow_info", q) }
	q := url.Values{"customer_id": {id(cu.ID)}}
	// No relation yet: an empty list.
	r := list(co.rep, q)
	lt.Expect(t, r, 200, "")
	expectSame(t, "empty", string(r.Data), `{"ret_data":[],"data_count":0}`)

	add := func(p lt.Principal, cid int64, text string) *lt.Resp {
		return srv.Post(t, p, qyPath+"follow_info/add/"+id(cid), url.Values{"follow_info": {text}})
	}
	lt.ExpectFields(t, add(co.rep, cu.ID, ""), 301, false, map[string]string{"follow_info": "跟进信息不能为空"})
	lt.ExpectFields(t, add(co.rep2, cu.ID, "看不见"), 301, false, map[string]string{"customer_id": "客户不存在"})
	r = add(co.rep, cu.ID, "这个客户我惹不起")
	lt.Expect(t, r, 200, "添加成功")
	lt.ExpectEmptyData(t, r)
	if srv.Count(t, `SELECT count(*) FROM follow_ups WHERE user_id = $1 AND customer_id = $2 AND company_id = $3
		AND last_follow_time > now() - interval '1 minute'`, co.rep.ID, cu.ID, co.id) != 1 {
		t.Fatal("A4 did not set last_follow_time")
	}
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"customer/update_expected_time/"+id(cu.ID), url.Values{"expected_time": {"2018-06-14"}}), 200, "添加成功")
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"customer/update_expected_pr/"+id(cu.ID), url.Values{"expedted_pr": {"80%"}}), 200, "添加成功")
	lt.Expect(t, add(other.rep, cu.ID, "别家的笔记"), 200, "添加成功")

	r = list(co.rep, q)
	lt.Expect(t, r, 200, "")
	var raw lt.Page
	r.Decode(t, &raw)
	expectSame(t, "item keys", lt.KeysOf(raw.RetData[0]), []string{"user_customer_flowup__customer__headimgurl",
		"user_customer_flowup__user__avatar", "user_customer_flowup__user__username", "follow_info", "create_date"})
	var items []map[string]string
	for _, it := range raw.RetData {
		var m map[string]string
		_ = json.Unmarshal(it, &m)
		items = append(items, m)
	}
	expectSame(t, "count", raw.DataCount, 3)
	expectSame(t, "texts", []string{items[0]["follow_info"], items[1]["follow_info"], items[2]["follow_info"]},
		[]string{"这个客户我惹不起", "更新预计成交日期: 2018-06-14", "更新预计成交率为: 80%"})
	if items[0]["user_customer_flowup__user__username"] != co.repName || items[0]["user_customer_flowup__customer__headimgurl"] != "statics/imgs/Avator.jpg" ||
		items[0]["user_customer_flowup__user__avatar"] != "statics/imgs/setAvator.jpg" {
		t.Fatalf("item: %v", items[0])
	}
	if _, err := time.Parse("2006-01-02T15:04:05", items[0]["create_date"][:19]); err != nil {
		t.Fatalf("create_date %q", items[0]["create_date"])
	}
	// Paging: data_count stays the total.
	r = list(co.rep, url.Values{"customer_id": {id(cu.ID)}, "length": {"2"}, "current_page": {"2"}})
	r.Decode(t, &raw)
	if len(raw.RetData) != 1 || raw.DataCount != 3 {
		t.Fatalf("page 2: %s", r.Raw)
	}
	// The other company's rep sees only their own note.
	r = list(other.rep, q)
	r.Decode(t, &raw)
	if raw.DataCount != 1 || len(raw.RetData) != 1 {
		t.Fatalf("other company: %s", r.Raw)
	}
	lt.ExpectFields(t, list(co.rep, nil), 402, true, map[string]string{"customer_id": "客户ID不能为空"})
	lt.ExpectFields(t, list(co.rep, url.Values{"customer_id": {"x"}}), 402, true, map[string]string{"customer_id": "客户ID不能为空"}) // legacy-api E38
	lt.ExpectFields(t, list(co.rep2, q), 402, true, map[string]string{"customer_id": "客户不存在"})
	lt.ExpectFields(t, list(co.rep, url.Values{"customer_id": {"999999999"}}), 402, true, map[string]string{"customer_id": "客户不存在"})
}
