package test

import (
	"encoding/json"
	"net/url"
	"testing"

	lt "leida/test/leidatest"
)

type tagCustomersResp struct {
	RetData []struct {
		ID           int64  `json:"id"`
		Name         string `json:"name"`
		TagID        int64  `json:"tag_id"`
		CustomerNum  int    `json:"customer_num"`
		CustomerList []struct {
			ID         int64  `json:"id"`
			Headimgurl string `json:"headimgurl"`
			Name       string `json:"name"`
		} `json:"customer_list"`
	} `json:"ret_data"`
	RetCount int `json:"ret_count"`
}

func TestE21TagGroupsOfANewCompany(t *testing.T) {
	co := newCRMCompany(t)
	r := srv.Get(t, co.rep, qyPath+"tag_list", nil)
	lt.Expect(t, r, 200, "请求成功")
	expectSame(t, "data keys", lt.KeysOf(r.Data), []string{"ret_data", "tag_count"})
	var d struct {
		RetData  []json.RawMessage `json:"ret_data"`
		TagCount int               `json:"tag_count"`
	}
	r.Decode(t, &d)
	got := []string{}
	for _, g := range d.RetData {
		expectSame(t, "group keys", lt.KeysOf(g), []string{"tags", "name"})
		var grp struct {
			Tags []struct {
				ID   int64  `json:"id"`
				Name string `json:"name"`
			} `json:"tags"`
			Name string `json:"name"`
		}
		_ = json.Unmarshal(g, &grp)
		got = append(got, grp.Name)
		for _, tg := range grp.Tags {
			got = append(got, " "+tg.Name)
		}
	}
	expectSame(t, "groups", got, []string{"基本功能", " 已婚", " 90后", "关注点", " 在意质量", " 在意服务", "级别", " 一般客户", " 重要客户", "自定义"})
	expectSame(t, "tag_count", d.TagCount, 4)
	// Bootstrap gave its company the groups too.
	if n := srv.Count(t, `SELECT count(*) FROM tags WHERE company_id = $1 AND parent_id IS NULL`, srv.CompanyID); n != 4 {
		t.Fatalf("bootstrap company has %d tag groups", n)
	}
	// A custom tag shows under 自定义 for the company, not for another one.
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"tag_list/add_tag/"+id(cu.ID), url.Values{"name": {"爱撸串"}}), 200, "添加成功")
	r = srv.Get(t, co.rep2, qyPath+"tag_list", nil)
	r.Decode(t, &d)
	var last struct {
		Tags []struct{ Name string } `json:"tags"`
	}
	_ = json.Unmarshal(d.RetData[3], &last)
	if len(last.Tags) != 1 || last.Tags[0].Name != "爱撸串" {
		t.Fatalf("custom tag not under 自定义: %s", r.Raw)
	}
	other := newCRMCompany(t)
	r = srv.Get(t, other.rep, qyPath+"tag_list", nil)
	r.Decode(t, &d)
	_ = json.Unmarshal(d.RetData[3], &last)
	if len(last.Tags) != 0 {
		t.Fatalf("another company's custom tag leaked: %s", r.Raw)
	}
}

func TestE20TagsWithCustomers(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	c1 := newBoundCustomer(t, co.id, co.rep, 1)
	c2 := newBoundCustomer(t, co.id, co.rep, 1)
	c3 := newBoundCustomer(t, co.id, co.rep2, 1) // not the rep's
	bind(t, other.id, other.rep, c1.ID, 1)
	set := func(p lt.Principal, c lt.Principal, companyID int64, names ...string) {
		list := "["
		for i, n := range names {
			if i > 0 {
				list += ","
			}
			list += id(tagID(t, companyID, n))
		}
		lt.Expect(t, srv.Post(t, p, qyPath+"customer/update_tag/"+id(c.ID), url.Values{"tag_list": {list + "]"}}), 200, "添加成功")
	}
	set(co.rep, c1, co.id, "已婚", "重要客户")
	set(co.rep, c2, co.id, "重要客户")
	set(co.rep2, c3, co.id, "已婚", "一般客户")
	set(other.rep, c1, other.id, "90后")

	r := srv.Get(t, co.rep, qyPath+"tag_customer", nil)
	lt.Expect(t, r, 200, "")
	expectSame(t, "data keys", lt.KeysOf(r.Data), []string{"ret_data", "ret_count"})
	var d tagCustomersResp
	r.Decode(t, &d)
	if d.RetCount != 2 || len(d.RetData) != 2 {
		t.Fatalf("want the rep's two tags: %s", r.Raw)
	}
	first, second := d.RetData[0], d.RetData[1]
	if first.Name != "重要客户" || first.CustomerNum != 2 || first.TagID != first.ID || len(first.CustomerList) != 2 ||
		first.CustomerList[0].ID != c1.ID || first.CustomerList[1].ID != c2.ID || first.CustomerList[0].Headimgurl != "statics/imgs/Avator.jpg" {
		t.Fatalf("most used tag first with its customers in link order: %s", r.Raw)
	}
	if second.Name != "已婚" || second.CustomerNum != 1 {
		t.Fatalf("second tag: %s", r.Raw)
	}
	var raw lt.Page
	r.Decode(t, &raw)
	expectSame(t, "item keys", lt.KeysOf(raw.RetData[0]), []string{"id", "name", "tag_id", "customer_num", "customer_list"})
	// The admin sees the whole company: 已婚 has two customers.
	r = srv.Get(t, co.admin, qyPath+"tag_customer", url.Values{"name": {"已"}})
	r.Decode(t, &d)
	if d.RetCount != 1 || d.RetData[0].Name != "已婚" || d.RetData[0].CustomerNum != 2 {
		t.Fatalf("admin view filtered by name: %s", r.Raw)
	}
	// Another company sees its own tags only.
	r = srv.Get(t, other.rep, qyPath+"tag_customer", nil)
	r.Decode(t, &d)
	if d.RetCount != 1 || d.RetData[0].Name != "90后" {
		t.Fatalf("other company: %s", r.Raw)
	}
	// Nobody's customers: an empty list.
	r = srv.Get(t, newCRMCompany(t).rep, qyPath+"tag_customer", nil)
	lt.Expect(t, r, 200, "")
	expectSame(t, "empty", string(r.Data), `{"ret_data":[],"ret_count":0}`)
	lt.ExpectFields(t, srv.Get(t, co.rep, qyPath+"tag_customer", url.Values{"length": {"x"}}), 402, true,
		map[string]string{"length": "页显示数量类型错误"})
}

func TestA2SearchTagsKeepsNine(t *testing.T) {
	co := newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	for i := 0; i < 11; i++ {
		lt.Expect(t, srv.Post(t, co.rep, qyPath+"tag_list/add_tag/"+id(cu.ID), url.Values{"name": {lt.Unique("标签")}}), 200, "添加成功")
	}
	r := srv.Get(t, co.rep, qyPath+"search/get_tag", nil)
	lt.Expect(t, r, 200, "")
	var d tagCustomersResp
	r.Decode(t, &d)
	if len(d.RetData) != 9 || d.RetCount != 11 {
		t.Fatalf("want 9 of 11: %s", r.Raw)
	}
}

func TestE22AddTagWithCustomers(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	c1 := newBoundCustomer(t, co.id, co.rep, 1)
	c2 := newBoundCustomer(t, co.id, co.rep, 1)
	foreign := newBoundCustomer(t, other.id, other.rep, 1)
	path := qyPath + "tag_customer/add/0"
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{}), 301, false,
		map[string]string{"name": "标签不能为空", "customer_list": "This field is required."})
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{"name": {"新标签"}, "customer_list": {"2,3"}}), 301, false,
		map[string]string{"customer_list": "Enter a valid JSON."})
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{"name": {"已婚"}, "customer_list": {"[1]"}}), 301, false,
		map[string]string{"name": "标签名已存在"})
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"name": {"新标签"}, "customer_list": {"[]"}}), 302, "标签关联客户不能为空")
	// Only customers the caller sees are linked; none of them → 302.
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"name": {"新标签"}, "customer_list": {"[" + id(foreign.ID) + "]"}}), 302, "标签关联客户不能为空")
	name := lt.Unique("客户不好惹")
	r := srv.Post(t, co.rep, path, url.Values{"name": {name}, "customer_list": {"[" + id(c1.ID) + "," + id(c2.ID) + "," + id(foreign.ID) + "]"}})
	lt.Expect(t, r, 200, "添加成功")
	lt.ExpectEmptyData(t, r)
	var group string
	var creator int64
	if err := srv.DB.QueryRow(`SELECT g.name, t.user_id FROM tags t JOIN tags g ON g.id = t.parent_id WHERE t.company_id = $1 AND t.name = $2`,
		co.id, name).Scan(&group, &creator); err != nil {
		t.Fatal(err)
	}
	if group != "自定义" || creator != co.rep.ID {
		t.Fatalf("tag under %q by %d", group, creator)
	}
	expectSame(t, "c1 tags", tagNamesOf(t, co.id, c1.ID), []string{name})
	expectSame(t, "c2 tags", tagNamesOf(t, co.id, c2.ID), []string{name})
	expectSame(t, "foreign tags", tagNamesOf(t, co.id, foreign.ID), []string{})
	// The same name is free in another company.
	lt.Expect(t, srv.Post(t, other.rep, path, url.Values{"name": {name}, "customer_list": {"[" + id(foreign.ID) + "]"}}), 200, "添加成功")
}

func TestE23AddCustomTag(t *testing.T) {
	co := newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	bind(t, co.id, co.rep2, cu.ID, 1)
	path := qyPath + "tag_list/add_tag/" + id(cu.ID)
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{}), 301, false, map[string]string{"name": "标签不能为空"})
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"name": {"爱吃串"}}), 200, "添加成功")
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{"name": {"爱吃串"}}), 301, false, map[string]string{"name": "标签名已存在"})
	// Unique per creator: a colleague may use the same name.
	lt.Expect(t, srv.Post(t, co.rep2, path, url.Values{"name": {"爱吃串"}}), 200, "添加成功")
	expectSame(t, "tags", tagNamesOf(t, co.id, cu.ID), []string{"爱吃串", "爱吃串"})
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"tag_list/add_tag/999999999", url.Values{"name": {"别的"}}), 302, "标签关联客户不能为空")
	o := newCRMCompany(t)
	stranger := newBoundCustomer(t, o.id, o.rep, 1)
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"tag_list/add_tag/"+id(stranger.ID), url.Values{"name": {"别的"}}), 302, "标签关联客户不能为空")
}

func TestE24ReplaceCustomerTags(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	path := qyPath + "tag_list/customer_tag/" + id(cu.ID)
	married, important, level := tagID(t, co.id, "已婚"), tagID(t, co.id, "重要客户"), tagID(t, co.id, "级别")
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {"[" + id(married) + "," + id(important) + "]"}}), 200, "添加成功")
	expectSame(t, "json list", tagNamesOf(t, co.id, cu.ID), []string{"已婚", "重要客户"})
	// An unknown id, a group header or another company's tag refuses the whole list; nothing changes.
	for _, bad := range []string{"999999999", id(level), id(tagID(t, other.id, "已婚"))} {
		lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {id(important) + "," + bad}}), 302, "标签不存在")
		expectSame(t, "refused list "+bad, tagNamesOf(t, co.id, cu.ID), []string{"已婚", "重要客户"})
	}
	// A comma list (a repeated id counts once).
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {id(important) + "," + id(important)}}), 200, "添加成功")
	expectSame(t, "comma list", tagNamesOf(t, co.id, cu.ID), []string{"重要客户"})
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {id(married), id(important)}}), 200, "添加成功")
	expectSame(t, "repeated keys", tagNamesOf(t, co.id, cu.ID), []string{"已婚", "重要客户"})
	lt.Expect(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {"[]"}}), 200, "添加成功")
	expectSame(t, "cleared", tagNamesOf(t, co.id, cu.ID), []string{})
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{"tag_list": {"[1,x]"}}), 301, false, map[string]string{"tag_list": "Enter a valid JSON."})
	lt.ExpectFields(t, srv.Post(t, co.rep, path, url.Values{}), 301, false, map[string]string{"tag_list": "This field is required."})
	lt.Expect(t, srv.Post(t, co.rep2, path, url.Values{"tag_list": {"[]"}}), 302, "标签关联客户不能为空")
	lt.Expect(t, srv.Post(t, other.admin, path, url.Values{"tag_list": {"[]"}}), 302, "标签关联客户不能为空")
}
