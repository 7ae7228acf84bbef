package test

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	lt "leida/test/leidatest"
)

func TestE09ListRoles(t *testing.T) {
	w := newOrgWorld(t)
	for _, p := range []string{"/zhugeleida/admin/role", "/zhugeleida/qiyeweixin/role"} {
		r := srv.Get(t, w.memberA, p, url.Values{"length": {"0"}, "order": {"id"}})
		lt.Expect(t, r, 200, "")
		var pg lt.Page
		r.Decode(t, &pg)
		if pg.DataCount < 3 || len(pg.RetData) != pg.DataCount {
			t.Fatalf("roles %s", r.Raw)
		}
		if k := lt.KeysOf(pg.RetData[0]); strings.Join(k, ",") != "id,name,role_id,create_date,level" {
			t.Fatalf("keys %v", k)
		}
		var first struct {
			ID     int64  `json:"id"`
			Name   string `json:"name"`
			RoleID int64  `json:"role_id"`
			Level  int    `json:"level"`
		}
		_ = json.Unmarshal(pg.RetData[0], &first)
		if first.Name != "超级管理员" || first.Level != 1 || first.RoleID != first.ID {
			t.Fatalf("first role %+v", first)
		}
	}
	r := srv.Get(t, w.memberA, "/zhugeleida/admin/role", url.Values{"name": {"管理员"}})
	var pg lt.Page
	r.Decode(t, &pg)
	if pg.DataCount != 2 {
		t.Fatalf("name filter (contains) %s", r.Raw)
	}
	lt.ExpectFields(t, srv.Get(t, w.memberA, "/zhugeleida/admin/role", url.Values{"length": {"a"}}), 402, true,
		map[string]string{"length": "页显示数量类型错误"})
	lt.Expect(t, srv.Do(t, lt.Request{Method: "DELETE", Path: "/zhugeleida/admin/role", As: &w.memberA}), 402, "请求异常")
}

func TestE10E11E12Roles(t *testing.T) {
	w := newOrgWorld(t)
	name := lt.Unique("销售岗")
	t.Run("E10 add", func(t *testing.T) {
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/role/add/0", url.Values{"name": {name}}), 200, "添加成功")
		if srv.Count(t, `SELECT count(*) FROM roles WHERE name = $1 AND level = 3`, name) != 1 {
			t.Fatal("role not stored with level 3")
		}
		// The document's POST role is an alias of add.
		lvl2 := lt.Unique("主管岗")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/role", url.Values{"name": {lvl2}, "level": {"2"}}), 200, "添加成功")
		if srv.Count(t, `SELECT count(*) FROM roles WHERE name = $1 AND level = 2`, lvl2) != 1 {
			t.Fatal("level 2 role not stored")
		}
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/role/add/0", url.Values{}), 301, false, map[string]string{"name": "角色名不能为空"})
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/role/add/0", url.Values{"name": {name}, "level": {"1"}}), 301, false,
			map[string]string{"name": "角色名已存在", "level": "Select a valid choice. 1 is not one of the available choices."})
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/admin/role/add/0", url.Values{"name": {lt.Unique("x")}}), 404, "非法请求")
		lt.Expect(t, srv.Get(t, w.root, "/zhugeleida/qiyeweixin/role/add/0", nil), 402, "请求异常")
	})
	var roleID int64
	srv.Scalar(t, &roleID, `SELECT id FROM roles WHERE name = $1`, name)
	t.Run("E12 update", func(t *testing.T) {
		renamed := lt.Unique("改名岗")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/role/update/"+id(roleID), url.Values{"name": {renamed}, "level": {"2"}}), 200, "修改成功")
		if srv.Count(t, `SELECT count(*) FROM roles WHERE id = $1 AND name = $2 AND level = 2`, roleID, renamed) != 1 {
			t.Fatal("not updated")
		}
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/role/update/"+id(roleID), url.Values{"name": {renamed}}), 200, "修改成功")
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/role/update/"+id(roleID), url.Values{"name": {""}}), 303, false,
			map[string]string{"name": "角色名不能为空"})
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/role/update/"+id(roleID), url.Values{"name": {"管理员"}}), 303, false,
			map[string]string{"name": "角色已存在"})
		super := srv.RoleID(t, lt.PlatformAdmin)
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/role/update/"+id(super), url.Values{"name": {"超级管理员"}, "level": {"3"}}), 303, false,
			map[string]string{"level": "超级管理员角色的级别不能修改"})
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/role/update/987654321", url.Values{"name": {"x"}}), 302, "角色ID不存在")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/admin/role/update/"+id(roleID), url.Values{"name": {"x"}}), 404, "非法请求")
	})
	t.Run("E11 delete", func(t *testing.T) {
		holder := srv.NewUser(t, w.companyA, lt.Member, lt.Unique("持有人"))
		srv.Exec(t, `UPDATE users SET role_id = $1 WHERE id = $2`, roleID, holder.ID)
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/role/delete/"+id(roleID), nil), 303, "该角色下存在用户,请转移用户后再试")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/admin/role/delete/"+id(roleID), nil), 404, "非法请求")
		// A deleted user does not hold the role any more.
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(holder.ID), nil), 200, "删除成功")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/role/delete/"+id(roleID), nil), 200, "删除成功")
		if srv.Count(t, `SELECT count(*) FROM roles WHERE id = $1`, roleID) != 0 {
			t.Fatal("role still there")
		}
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/role/delete/"+id(roleID), nil), 302, "角色ID不存在")
		lt.Expect(t, srv.Get(t, w.root, "/zhugeleida/admin/role/delete/1", nil), 402, "请求异常")
	})
}

type companyItem struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	CompanyID       int64  `json:"company_id"`
	CreateDate      string `json:"create_date"`
	CorpID          string `json:"corp_id"`
	TongxunluSecret string `json:"tongxunlu_secret"`
}

func listCompanies(t *testing.T, p lt.Principal, q url.Values) ([]companyItem, int) {
	t.Helper()
	r := srv.Get(t, p, "/zhugeleida/admin/company", q)
	lt.Expect(t, r, 200, "")
	var pg struct {
		RetData []companyItem `json:"ret_data"`
		Count   int           `json:"data_count"`
	}
	r.Decode(t, &pg)
	return pg.RetData, pg.Count
}

func TestE16toE19Companies(t *testing.T) {
	w := newOrgWorld(t)
	srv.Exec(t, `UPDATE companies SET corp_id = 'wwcorpA', tongxunlu_secret = 'sEcReT-abcd1234' WHERE id = $1`, w.companyA)
	t.Run("E16 tenancy and masking", func(t *testing.T) {
		items, n := listCompanies(t, w.adminA, nil)
		if n != 1 || len(items) != 1 || items[0].ID != w.companyA || items[0].CompanyID != w.companyA {
			t.Fatalf("company admin sees %+v", items)
		}
		if items[0].TongxunluSecret != "****1234" || items[0].CorpID != "wwcorpA" {
			t.Fatalf("secret not masked: %+v", items[0])
		}
		items, _ = listCompanies(t, w.memberB, nil)
		if len(items) != 1 || items[0].ID != w.companyB {
			t.Fatalf("member of B sees %+v", items)
		}
		items, _ = listCompanies(t, w.root, url.Values{"name": {w.nameA}})
		if len(items) != 1 || items[0].TongxunluSecret != "sEcReT-abcd1234" {
			t.Fatalf("platform admin view %+v", items)
		}
		r := srv.Get(t, w.root, "/zhugeleida/qiyeweixin/company", url.Values{"id": {id(w.companyB)}})
		lt.Expect(t, r, 200, "")
		var raw lt.Page
		r.Decode(t, &raw)
		if len(raw.RetData) != 1 || strings.Join(lt.KeysOf(raw.RetData[0]), ",") != "id,name,company_id,create_date,corp_id,tongxunlu_secret" {
			t.Fatalf("item %s", r.Raw)
		}
		lt.ExpectFields(t, srv.Get(t, w.root, "/zhugeleida/admin/company", url.Values{"current_page": {"-1"}}), 402, true,
			map[string]string{"current_page": "页码数据类型错误"})
	})
	name := lt.Unique("新公司<&>")
	t.Run("E17 add", func(t *testing.T) {
		r := srv.Post(t, w.root, "/zhugeleida/admin/company/add/0", url.Values{"name": {name}, "corp_id": {"  wwX  "}, "tongxunlu_secret": {" s3 "}})
		lt.Expect(t, r, 200, "添加成功")
		items, _ := listCompanies(t, w.root, url.Values{"name": {name}})
		if len(items) != 1 || items[0].CorpID != "wwX" || items[0].TongxunluSecret != "s3" {
			t.Fatalf("stored %+v", items)
		}
		// HTML-sensitive characters travel unescaped.
		raw := srv.Get(t, w.root, "/zhugeleida/admin/company", url.Values{"name": {name}}).Raw
		if !strings.Contains(string(raw), "<&>") {
			t.Fatalf("HTML escaping on: %s", raw)
		}
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/company", url.Values{"name": {lt.Unique("文档别名")}}), 200, "添加成功")
		// The document sends name among the query parameters (D1: serve both); the body wins.
		inQuery := lt.Unique("查询参数公司")
		r = srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/company/add/0", As: &w.root,
			Query: url.Values{"name": {inQuery}}, Form: url.Values{}})
		lt.Expect(t, r, 200, "添加成功")
		if items, _ := listCompanies(t, w.root, url.Values{"name": {inQuery}}); len(items) != 1 || items[0].Name != inQuery {
			t.Fatalf("company named in the query string: %+v", items)
		}
		inBody := lt.Unique("正文公司")
		r = srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/company/add/0", As: &w.root,
			Query: url.Values{"name": {lt.Unique("被忽略")}}, Form: url.Values{"name": {inBody}}})
		lt.Expect(t, r, 200, "添加成功")
		if items, _ := listCompanies(t, w.root, url.Values{"name": {inBody}}); len(items) != 1 {
			t.Fatalf("body name not used: %+v", items)
		}
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/company/add/0", url.Values{}), 301, false, map[string]string{"name": "公司名不能为空"})
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/company/add/0", url.Values{"name": {name}}), 301, false, map[string]string{"name": "公司名已存在"})
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/admin/company/add/0", url.Values{"name": {lt.Unique("x")}}), 404, "非法请求")
	})
	var newID int64
	srv.Scalar(t, &newID, `SELECT id FROM companies WHERE name = $1`, name)
	t.Run("E19 update", func(t *testing.T) {
		renamed := lt.Unique("改名公司")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/company/update/"+id(newID), url.Values{"name": {renamed}, "tongxunlu_secret": {"n3w"}}), 200, "修改成功")
		items, _ := listCompanies(t, w.root, url.Values{"id": {id(newID)}})
		if items[0].Name != renamed || items[0].TongxunluSecret != "n3w" || items[0].CorpID != "wwX" {
			t.Fatalf("after update %+v", items[0])
		}
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/company/update/"+id(newID), url.Values{"name": {w.nameA}}), 303, false,
			map[string]string{"name": "公司名称已经存在"})
		lt.ExpectFields(t, srv.Post(t, w.root, "/zhugeleida/admin/company/update/"+id(newID), url.Values{}), 303, false,
			map[string]string{"name": "公司名不能为空"})
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/company/update/987654321", url.Values{"name": {"x"}}), 302, "公司ID不存在")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/admin/company/update/"+id(w.companyA), url.Values{"name": {"mine"}}), 404, "非法请求")
	})
	t.Run("E18 delete", func(t *testing.T) {
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/company/delete/"+id(w.companyB), nil), 303, "该企业有关联用户,请转移用户后再试")
		lt.Expect(t, srv.Post(t, w.adminB, "/zhugeleida/admin/company/delete/"+id(w.companyB), nil), 404, "非法请求")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/admin/company/delete/"+id(newID), nil), 200, "删除成功")
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/company/delete/"+id(newID), nil), 302, "公司ID不存在")
		if srv.Count(t, `SELECT count(*) FROM companies WHERE id = $1`, newID) != 0 {
			t.Fatal("company still there")
		}
		lt.Expect(t, srv.Get(t, w.root, "/zhugeleida/admin/company/delete/"+id(newID), nil), 402, "请求异常")
	})
}

type permNode struct {
	ID       int64       `json:"id"`
	Path     string      `json:"path"`
	Title    string      `json:"title"`
	PidID    any         `json:"pid_id"`
	PidName  string      `json:"pid__name"`
	OrderNum int         `json:"order_num"`
	Oper     string      `json:"oper_user__username"`
	Level    int         `json:"level"`
	Children []*permNode `json:"children"`
	Expand   bool        `json:"expand"`
}

func permissionTree(t *testing.T, p lt.Principal) (flat, tree []*permNode) {
	t.Helper()
	r := srv.Get(t, p, "/zhugeleida/qiyeweixin/quanxian", nil)
	lt.Expect(t, r, 200, "查询成功")
	var out struct {
		Flat []*permNode `json:"ret_data"`
		Tree []*permNode `json:"result_data_tree"`
	}
	r.Decode(t, &out)
	return out.Flat, out.Tree
}

func TestA1E13E14E15Permissions(t *testing.T) {
	w := newOrgWorld(t)
	root := lt.Unique("/p")
	add := func(as lt.Principal, f url.Values) *lt.Resp {
		return srv.Post(t, as, "/zhugeleida/qiyeweixin/quanxian/add/0", f)
	}
	lt.Expect(t, add(w.root, url.Values{"path": {root}, "title": {root + "标题"}, "order_num": {"9000"}, "icon": {"ios-x"}}), 200, "添加成功")
	var rootID int64
	srv.Scalar(t, &rootID, `SELECT id FROM permissions WHERE path = $1`, root)
	lt.Expect(t, add(w.root, url.Values{"path": {root + "/b"}, "title": {root + "子B"}, "order_num": {"2"}, "pid_id": {id(rootID)}}), 200, "添加成功")
	lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/xiaochengxu/quanxian/add/0", url.Values{"path": {root + "/a"}, "title": {root + "子A"},
		"order_num": {"1"}, "pid_id": {id(rootID)}, "component": {"x/a"}}), 200, "添加成功")
	var childA int64
	srv.Scalar(t, &childA, `SELECT id FROM permissions WHERE path = $1`, root+"/a")
	lt.Expect(t, add(w.root, url.Values{"path": {root + "/a/1"}, "title": {root + "孙"}, "order_num": {"1"}, "pid_id": {id(childA)}}), 200, "添加成功")

	t.Run("A1 tree", func(t *testing.T) {
		flat, tree := permissionTree(t, w.memberA)
		var node *permNode
		for _, n := range tree {
			if n.Path == root {
				node = n
			}
		}
		if node == nil || node.PidID != "" || node.PidName != "" || node.Level != 1 || !node.Expand || node.Oper == "" {
			t.Fatalf("root node %+v", node)
		}
		if len(node.Children) != 2 || node.Children[0].Path != root+"/a" || node.Children[1].Path != root+"/b" {
			t.Fatalf("children not ordered by order_num: %+v", node.Children)
		}
		a := node.Children[0]
		if a.Title != "|----- "+root+"子A" || a.PidID != float64(rootID) || a.PidName != root+"标题" || a.Level != 2 {
			t.Fatalf("child %+v", a)
		}
		if len(a.Children) != 1 || a.Children[0].Title != "|--------- "+root+"孙" || a.Children[0].Level != 3 {
			t.Fatalf("grandchild %+v", a.Children)
		}
		// Depth-first flat list: root, A, grandchild, B.
		var seq []string
		for _, n := range flat {
			if strings.HasPrefix(n.Path, root) {
				seq = append(seq, n.Path)
			}
		}
		if strings.Join(seq, " ") != root+" "+root+"/a "+root+"/a/1 "+root+"/b" {
			t.Fatalf("flat order %v", seq)
		}
	})
	t.Run("E13 validation", func(t *testing.T) {
		lt.ExpectFields(t, add(w.root, url.Values{}), 301, false, map[string]string{"path": "访问路径不能为空", "title": "功能名称不能为空", "order_num": "排序值不能为空"})
		lt.ExpectFields(t, add(w.root, url.Values{"path": {root}, "title": {root + "标题"}, "order_num": {"x"}, "pid_id": {"y"}}), 301, false,
			map[string]string{"path": "路径已存在", "title": "功能名称已存在", "order_num": "排序值只能为数组类型", "pid_id": "父级id类型异常"})
		lt.ExpectFields(t, add(w.root, url.Values{"path": {lt.Unique("/q")}, "title": {lt.Unique("t")}, "order_num": {"1"}, "pid_id": {"987654321"}}), 301, false,
			map[string]string{"pid_id": "父级ID不存在"})
		lt.Expect(t, add(w.adminA, url.Values{"path": {lt.Unique("/q")}, "title": {lt.Unique("t")}, "order_num": {"1"}}), 404, "非法请求")
	})
	t.Run("E13 order (the document's parameter table) is an alias of order_num", func(t *testing.T) {
		path := lt.Unique("/doc")
		lt.Expect(t, add(w.root, url.Values{"path": {path}, "title": {lt.Unique("文档")}, "order": {"7"}}), 200, "添加成功")
		if srv.Count(t, `SELECT count(*) FROM permissions WHERE path = $1 AND order_num = 7`, path) != 1 {
			t.Fatal("order not stored as order_num")
		}
		lt.ExpectFields(t, add(w.root, url.Values{"path": {lt.Unique("/doc")}, "title": {lt.Unique("文档")}, "order": {"x"}}), 301, false,
			map[string]string{"order_num": "排序值只能为数组类型"})
		// order_num wins when both are sent.
		path = lt.Unique("/doc")
		lt.Expect(t, add(w.root, url.Values{"path": {path}, "title": {lt.Unique("文档")}, "order_num": {"3"}, "order": {"8"}}), 200, "添加成功")
		if srv.Count(t, `SELECT count(*) FROM permissions WHERE path = $1 AND order_num = 3`, path) != 1 {
			t.Fatal("order_num not preferred")
		}
		lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/quanxian/update/"+id(rootID),
			url.Values{"path": {root}, "title": {root + "标题"}, "order": {"9001"}, "icon": {"ios-x"}}), 200, "修改成功")
		if srv.Count(t, `SELECT count(*) FROM permissions WHERE id = $1 AND order_num = 9001`, rootID) != 1 {
			t.Fatal("E15 ignored order")
		}
	})
	t.Run("E15 update", func(t *testing.T) {
		upd := "/zhugeleida/qiyeweixin/quanxian/update/"
		lt.Expect(t, srv.Post(t, w.root, upd+id(childA), url.Values{"path": {root + "/a"}, "title": {root + "子A改"}, "order_num": {"5"}, "pid_id": {id(rootID)}}), 200, "修改成功")
		if srv.Count(t, `SELECT count(*) FROM permissions WHERE id = $1 AND title = $2 AND order_num = 5`, childA, root+"子A改") != 1 {
			t.Fatal("not updated")
		}
		lt.ExpectFields(t, srv.Post(t, w.root, upd+id(rootID), url.Values{"path": {root}, "title": {root + "标题"}, "order_num": {"1"}, "pid_id": {id(childA)}}), 301, false,
			map[string]string{"pid_id": "不能将自身或子级设为父级"})
		lt.ExpectFields(t, srv.Post(t, w.root, upd+id(childA), url.Values{"path": {root}, "title": {root + "子A改"}, "order_num": {"1"}}), 301, false,
			map[string]string{"path": "路径已存在"})
		r := srv.Post(t, w.root, upd+"987654321", url.Values{"path": {"/x"}, "title": {"x"}, "order_num": {"1"}})
		if r.Code != 303 || string(r.Msg) != "{}" {
			t.Fatalf("missing row: %s", r.Raw)
		}
		lt.Expect(t, srv.Post(t, w.memberA, upd+id(childA), url.Values{"path": {"/x"}, "title": {"x"}, "order_num": {"1"}}), 404, "非法请求")
	})
	t.Run("E14 delete", func(t *testing.T) {
		del := "/zhugeleida/qiyeweixin/quanxian/delete/"
		lt.Expect(t, srv.Post(t, w.root, del+id(rootID), nil), 304, "含有子级数据,请先删除或转移子级数据")
		lt.Expect(t, srv.Post(t, w.adminA, del+id(childA), nil), 404, "非法请求")
		lt.Expect(t, srv.Post(t, w.root, del+"987654321", nil), 302, "用户ID不存在")
		var grand int64
		srv.Scalar(t, &grand, `SELECT id FROM permissions WHERE path = $1`, root+"/a/1")
		lt.Expect(t, srv.Post(t, w.root, del+id(grand), nil), 200, "删除成功")
		lt.Expect(t, srv.Post(t, w.root, del+id(childA), nil), 200, "删除成功")
		if srv.Count(t, `SELECT count(*) FROM permissions WHERE id IN ($1, $2)`, grand, childA) != 0 {
			t.Fatal("not deleted")
		}
		lt.Expect(t, srv.Get(t, w.root, del+id(rootID), nil), 402, "请求异常")
	})
}
