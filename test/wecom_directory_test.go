package test

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
	"testing"

	"leida/test/fakewechat"
	lt "leida/test/leidatest"
)

// A13/A14 `leida wecom sync --company N`: the company's WeCom directory,
// read with its own corp_id and tongxunlu_secret, brought into Leida; a
// second run changes nothing; members gone from WeCom are disabled.
func TestA13A14WeComSyncCommand(t *testing.T) {
	w := startWeChatServer(t)
	s, fake := w.Server, w.fake
	dir := fake.AddCorp("wwdirectoryA", "contacts-secret-A")
	sales, err := dir.AddDepartment(fakewechat.Department{Name: "销售部", ParentID: 1, Order: 2})
	if err != nil {
		t.Fatal(err)
	}
	east, err := dir.AddDepartment(fakewechat.Department{Name: "华东", ParentID: sales})
	if err != nil {
		t.Fatal(err)
	}
	for _, m := range []fakewechat.Member{
		{UserID: "zhangsan", Name: "张三", Department: []int{east}, Position: "经理", Mobile: "13800000001", Gender: "1"},
		{UserID: "lisi", Name: "李四", Department: []int{sales}, Position: "专员", Mobile: "13800000002", Gender: "2"},
	} {
		if err := dir.AddMember(m); err != nil {
			t.Fatal(err)
		}
	}
	company := s.NewCompany(t, lt.Unique("通讯录公司"))
	s.Exec(t, `UPDATE companies SET corp_id = 'wwdirectoryA', tongxunlu_secret = 'contacts-secret-A' WHERE id = $1`, company)
	// A typed-in user of the company is left alone.
	typed := s.NewUser(t, company, lt.Member, lt.Unique("手工"))

	out, err := s.Command("wecom", "sync", "--company", id(company))
	if err != nil {
		t.Fatal(err)
	}
	want := []string{
		"department created: 销售部 (WeCom id " + id(int64(sales)) + ")",
		"department created: 华东 (WeCom id " + id(int64(east)) + ")",
		"user created (disabled): 李四 (WeCom userid lisi)",
		"user created (disabled): 张三 (WeCom userid zhangsan)",
	}
	if got := strings.Split(strings.TrimSpace(out), "\n"); strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Fatalf("first run printed:\n%s\nwant:\n%s", out, strings.Join(want, "\n"))
	}
	expectSame(t, "disabled WeCom users", s.Count(t, `SELECT count(*) FROM users WHERE company_id = $1 AND wecom_userid IN ('zhangsan', 'lisi')
		AND status = 2 AND password_hash = '' AND deleted_at IS NULL`, company), 2)
	expectSame(t, "张三's details", s.Strings(t, `SELECT username || '/' || position || '/' || phone || '/' || gender FROM users WHERE wecom_userid = 'zhangsan'`),
		[]string{"张三/经理/13800000001/1"})
	expectSame(t, "华东 under 销售部", s.Count(t, `SELECT count(*) FROM departments d JOIN departments p ON p.id = d.parent_id
		WHERE d.company_id = $1 AND d.name = '华东' AND p.name = '销售部'`, company), 1)
	expectSame(t, "张三 in 华东", s.Strings(t, `SELECT d.name FROM user_departments ud JOIN departments d ON d.id = ud.department_id
		JOIN users u ON u.id = ud.user_id WHERE u.wecom_userid = 'zhangsan'`), []string{"华东"})

	if out, err := s.Command("wecom", "sync", "--company", id(company)); err != nil || out != "" {
		t.Fatalf("second run: %q, %v", out, err)
	}

	// WeCom changes: 张三 promoted and moved, 李四 leaves.
	if err := dir.UpdateMember(fakewechat.Member{UserID: "zhangsan", Name: "张三", Department: []int{sales}, Position: "总监", Mobile: "13800000001"}); err != nil {
		t.Fatal(err)
	}
	if err := dir.RemoveMember("lisi"); err != nil {
		t.Fatal(err)
	}
	s.Exec(t, `UPDATE users SET status = 1 WHERE wecom_userid = 'lisi'`) // an admin had enabled 李四
	out, err = s.Command("wecom", "sync", "--company", id(company))
	if err != nil {
		t.Fatal(err)
	}
	want = []string{"user updated: 张三 (WeCom userid zhangsan): position, departments", "user disabled: 李四 (WeCom userid lisi)"}
	if got := strings.TrimSpace(out); got != strings.Join(want, "\n") {
		t.Fatalf("third run printed:\n%s", out)
	}
	expectSame(t, "李四 disabled, not deleted", s.Count(t, `SELECT count(*) FROM users WHERE wecom_userid = 'lisi' AND status = 2 AND deleted_at IS NULL`), 1)
	expectSame(t, "the typed-in user", s.Count(t, `SELECT count(*) FROM users WHERE id = $1 AND status = 1`, typed.ID), 1)

	// Refusals: no such company; a company without WeCom credentials; a
	// wrong secret (WeCom's errcode); nothing written.
	if _, err := s.Command("wecom", "sync", "--company", "999999999"); err == nil || !strings.Contains(err.Error(), "no company 999999999") {
		t.Fatalf("unknown company: %v", err)
	}
	bare := s.NewCompany(t, lt.Unique("无企微"))
	if _, err := s.Command("wecom", "sync", "--company", id(bare)); err == nil || !strings.Contains(err.Error(), "no WeCom corp_id") {
		t.Fatalf("no credentials: %v", err)
	}
	s.Exec(t, `UPDATE companies SET corp_id = 'wwdirectoryA', tongxunlu_secret = 'wrong' WHERE id = $1`, bare)
	if _, err := s.Command("wecom", "sync", "--company", id(bare)); err == nil || !strings.Contains(err.Error(), "errcode 40001") {
		t.Fatalf("wrong secret: %v", err)
	}
	expectSame(t, "nothing written for the refused", s.Count(t, `SELECT count(*) FROM users WHERE company_id = $1`, bare), 0)
	if _, err := s.Command("wecom", "sync"); err == nil || !strings.Contains(err.Error(), "--company N is required") {
		t.Fatalf("no --company: %v", err)
	}
}

// departmentItem is an A14 list item.
type departmentItem struct {
	ID           int64  `json:"id"`
	Name         string `json:"name"`
	ParentID     int64  `json:"parentid"`
	DepartmentID int64  `json:"department_id"`
	CreateDate   string `json:"create_date"`
	CompanyID    int64  `json:"company_id"`
	Order        int64  `json:"order"`
}

// A14: company admins write departments to their company's WeCom directory
// and to Leida in one unit: WeCom refusing keeps nothing (its errcode is the
// answer's code); the parent is saved; names are unique per company, not
// globally; a department with members or children is not deleted.
func TestA14DepartmentsWriteThroughToWeCom(t *testing.T) {
	w := startWeChatServer(t)
	s, fake := w.Server, w.fake
	dir := fake.AddCorp("wwdeptA", "contacts-A")
	company := s.NewCompany(t, lt.Unique("部门公司"))
	s.Exec(t, `UPDATE companies SET corp_id = 'wwdeptA', tongxunlu_secret = 'contacts-A' WHERE id = $1`, company)
	admin := s.NewUser(t, company, lt.CompanyAdmin, lt.Unique("deptadmin"))
	member := s.NewUser(t, company, lt.Member, lt.Unique("deptmember"))
	otherCo := s.NewCompany(t, lt.Unique("别家部门"))
	otherAdmin := s.NewUser(t, otherCo, lt.CompanyAdmin, lt.Unique("deptother"))
	const path = "/zhugeleida/admin/department"

	list := func(p lt.Principal) []departmentItem {
		t.Helper()
		r := s.Get(t, p, path, nil)
		lt.Expect(t, r, 200, "查询成功")
		var pg struct {
			RetData   []departmentItem `json:"ret_data"`
			DataCount int              `json:"data_count"`
		}
		r.Decode(t, &pg)
		if pg.DataCount != len(pg.RetData) {
			t.Fatalf("data_count %d for %d", pg.DataCount, len(pg.RetData))
		}
		return pg.RetData
	}
	lt.Expect(t, s.Post(t, admin, path+"/add/0", url.Values{"name": {"销售部"}}), 200, "添加成功")
	sales := list(admin)[0]
	wecomSales, ok := dir.Department(int(sales.DepartmentID))
	if !ok || wecomSales.Name != "销售部" || wecomSales.ParentID != 1 || sales.ParentID != 0 || sales.CompanyID != company {
		t.Fatalf("Leida %+v, WeCom %+v", sales, wecomSales)
	}
	lt.Expect(t, s.Post(t, admin, path+"/add/0", url.Values{"name": {"华东"}, "parentid": {id(sales.ID)}}), 200, "添加成功")
	east := list(admin)[0]
	if east.ParentID != sales.ID {
		t.Fatalf("the parent was not saved: %+v", east)
	}
	if d, _ := dir.Department(int(east.DepartmentID)); d.ParentID != int(sales.DepartmentID) {
		t.Fatalf("WeCom parent %+v", d)
	}
	// Unique per company, not globally; field errors; another company's parent.
	lt.ExpectFields(t, s.Post(t, admin, path+"/add/0", url.Values{"name": {"销售部"}}), 301, false, map[string]string{"name": "部门名已存在"})
	lt.ExpectFields(t, s.Post(t, admin, path+"/add/0", url.Values{}), 301, false, map[string]string{"name": "This field is required."})
	lt.ExpectFields(t, s.Post(t, admin, path+"/add/0", url.Values{"name": {"a|b"}}), 301, false, map[string]string{"name": `部门名不能含有 \:*?"<>| 字符`})
	lt.Expect(t, s.Post(t, otherAdmin, path+"/add/0", url.Values{"name": {"销售部"}}), 200, "添加成功") // no WeCom: Leida only
	lt.ExpectFields(t, s.Post(t, otherAdmin, path+"/add/0", url.Values{"name": {"x"}, "parentid": {id(sales.ID)}}), 301, false,
		map[string]string{"parentid": "上级部门不存在"})
	if got := list(otherAdmin); len(got) != 1 || got[0].DepartmentID != 0 {
		t.Fatalf("the other company's departments %+v", got)
	}
	// WeCom refusing: its errcode is the answer, nothing is kept.
	fake.FailNext(fakewechat.PathDepartmentCreate, 60009, "department name invalid")
	lt.Expect(t, s.Post(t, admin, path+"/add/0", url.Values{"name": {"市场部"}}), 60009, "企业微信验证未通过")
	expectSame(t, "nothing kept", s.Count(t, `SELECT count(*) FROM departments WHERE company_id = $1`, company), 2)

	// Update: in WeCom too; 303 errors; not found; another company's.
	lt.Expect(t, s.Post(t, admin, path+"/update/"+id(east.ID), url.Values{"name": {"华东区"}}), 200, "修改成功")
	if d, _ := dir.Department(int(east.DepartmentID)); d.Name != "华东区" {
		t.Fatalf("WeCom kept %+v", d)
	}
	lt.ExpectFields(t, s.Post(t, admin, path+"/update/"+id(east.ID), url.Values{"name": {"销售部"}}), 303, false, map[string]string{"name": "部门名已存在"})
	lt.Expect(t, s.Post(t, admin, path+"/update/999999999", url.Values{"name": {"x"}}), 302, "部门ID不存在")
	lt.Expect(t, s.Post(t, otherAdmin, path+"/update/"+id(east.ID), url.Values{"name": {"x"}}), 302, "部门ID不存在")
	lt.ExpectFields(t, s.Post(t, admin, path+"/update/"+id(sales.ID), url.Values{"parentid": {id(east.ID)}}), 303, false,
		map[string]string{"parentid": "上级部门不存在"}) // under its own child: a cycle
	fake.FailNext(fakewechat.PathDepartmentUpdate, 60003, "department not found")
	lt.Expect(t, s.Post(t, admin, path+"/update/"+id(east.ID), url.Values{"name": {"华南"}}), 60003, "企业微信验证未通过")
	expectSame(t, "name kept", s.Strings(t, `SELECT name FROM departments WHERE id = $1`, east.ID), []string{"华东区"})

	// Delete: not with children or members; members refused; WeCom too.
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(sales.ID), nil), 304, "含有子级数据,请先删除或转移子级数据")
	s.Exec(t, `INSERT INTO user_departments (company_id, user_id, department_id) VALUES ($1, $2, $3)`, company, member.ID, east.ID)
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(east.ID), nil), 304, "含有子级数据,请先删除或转移子级数据")
	s.Exec(t, `DELETE FROM user_departments WHERE department_id = $1`, east.ID)
	lt.Expect(t, s.Get(t, member, path, nil), 404, "非法请求")
	lt.Expect(t, s.Post(t, member, path+"/delete/"+id(east.ID), nil), 404, "非法请求")
	lt.Expect(t, s.Post(t, otherAdmin, path+"/delete/"+id(east.ID), nil), 302, "部门ID不存在")
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(east.ID), nil), 200, "删除成功")
	if _, ok := dir.Department(int(east.DepartmentID)); ok {
		t.Fatal("still in WeCom")
	}
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(east.ID), nil), 302, "部门ID不存在")
	lt.Expect(t, s.Get(t, admin, path+"/delete/"+id(sales.ID), nil), 402, "请求异常")
	if got := list(s.Admin); len(got) != 2 {
		t.Fatalf("the platform admin sees %d departments, want both companies' 2", len(got))
	}
}

// A13: admin/user writes the company's WeCom directory and Leida in one
// unit; WeCom's real answers (created, updated, deleted) are success; its
// refusal keeps nothing; a Leida failure after WeCom accepted is undone in
// WeCom; departments of another company are out of reach.
func TestA13UsersWriteThroughToWeCom(t *testing.T) {
	w := startWeChatServer(t)
	s, fake := w.Server, w.fake
	dir := fake.AddCorp("wwusersA", "contacts-U")
	company := s.NewCompany(t, lt.Unique("成员公司"))
	s.Exec(t, `UPDATE companies SET corp_id = 'wwusersA', tongxunlu_secret = 'contacts-U' WHERE id = $1`, company)
	admin := s.NewUser(t, company, lt.CompanyAdmin, lt.Unique("useradmin"))
	otherCo := s.NewCompany(t, lt.Unique("别家成员"))
	otherAdmin := s.NewUser(t, otherCo, lt.CompanyAdmin, lt.Unique("userother"))
	const path = "/zhugeleida/admin/user"
	lt.Expect(t, s.Post(t, admin, "/zhugeleida/admin/department/add/0", url.Values{"name": {"销售部"}}), 200, "添加成功")
	var deptID, deptWeCom int64
	s.Scalar(t, &deptID, `SELECT id FROM departments WHERE company_id = $1`, company)
	s.Scalar(t, &deptWeCom, `SELECT wecom_id FROM departments WHERE id = $1`, deptID)
	lt.Expect(t, s.Post(t, otherAdmin, "/zhugeleida/admin/department/add/0", url.Values{"name": {"别家部门"}}), 200, "添加成功")
	var otherDept int64
	s.Scalar(t, &otherDept, `SELECT id FROM departments WHERE company_id = $1`, otherCo)

	name := lt.Unique("王五")
	form := url.Values{"username": {name}, "password": {"pw-123456"}, "role_id": {id(s.RoleID(t, lt.Member))},
		"company_id": {id(company)}, "position": {"销售经理"}, "phone": {"13800000001"}, "mingpian_phone": {"13800000002"},
		"department_id": {"[" + id(deptID) + "]"}, "userid": {"wangwu"}}
	lt.Expect(t, s.Post(t, admin, path+"/add/0", form), 200, "添加成功")
	m, ok := dir.Member("wangwu")
	if !ok || m.Name != name || m.Position != "销售经理" || m.Mobile != "13800000001" || len(m.Department) != 1 || int64(m.Department[0]) != deptWeCom {
		t.Fatalf("WeCom member %+v", m)
	}
	var userID int64
	s.Scalar(t, &userID, `SELECT id FROM users WHERE wecom_userid = 'wangwu' AND company_id = $1`, company)

	r := s.Get(t, admin, path, url.Values{"username": {name}})
	lt.Expect(t, r, 200, "查询成功")
	var pg struct {
		RetData   []json.RawMessage `json:"ret_data"`
		DataCount int               `json:"data_count"`
	}
	r.Decode(t, &pg)
	if pg.DataCount != 1 || len(pg.RetData) != 1 {
		t.Fatalf("list %s", r.Raw)
	}
	keys := []string{"id", "username", "role_name", "role_id", "create_date", "last_login_date", "status", "userid", "position",
		"mingpian_phone", "phone", "avatar", "qr_code", "company", "company_id", "department", "department_id", "gender"}
	expectSame(t, "A13 item keys", lt.KeysOf(pg.RetData[0]), keys)
	var item map[string]any
	_ = json.Unmarshal(pg.RetData[0], &item)
	if item["userid"] != "wangwu" || item["position"] != "销售经理" || item["mingpian_phone"] != "13800000002" || item["department"] != "销售部" ||
		fmt.Sprint(item["department_id"]) != fmt.Sprintf("[%d]", deptID) || item["company_id"] != float64(company) {
		t.Fatalf("item %s", pg.RetData[0])
	}

	// Bad input: A13's fields with E02's in one object; another company's department.
	bad := url.Values{"username": {lt.Unique("x")}, "password": {"p"}, "role_id": {id(s.RoleID(t, lt.Member))}, "company_id": {id(company)}}
	lt.ExpectFields(t, s.Post(t, admin, path+"/add/0", bad), 301, false, map[string]string{"position": "职位不能为空",
		"phone": "手机号不能为空", "mingpian_phone": "名片手机号不能为空"})
	bad.Set("position", "p")
	bad.Set("phone", "13800000003")
	bad.Set("mingpian_phone", "12345")
	bad.Set("department_id", "[x]")
	r = s.Post(t, admin, path+"/add/0", bad)
	if r.Code != 301 || !strings.Contains(string(r.Msg), "mingpian_phone") || !strings.Contains(string(r.Msg), "部门ID格式错误") {
		t.Fatalf("bad mobile and list: %s", r.Raw)
	}
	bad.Set("mingpian_phone", "13800000004")
	bad.Set("department_id", "["+id(otherDept)+"]")
	lt.Expect(t, s.Post(t, admin, path+"/add/0", bad), 404, "非法请求")

	// WeCom refusing: its errcode, nothing kept.
	before := s.Count(t, `SELECT count(*) FROM users WHERE company_id = $1`, company)
	fake.FailNext(fakewechat.PathUserCreate, 60104, "mobile existed:someone")
	bad.Del("department_id")
	lt.Expect(t, s.Post(t, admin, path+"/add/0", bad), 60104, "企业微信验证未通过")
	expectSame(t, "nothing kept after WeCom refused", s.Count(t, `SELECT count(*) FROM users WHERE company_id = $1`, company), before)

	// Leida failing after WeCom accepted: WeCom is put back.
	fn := lt.Unique("leida_test_fail_user_")
	s.Exec(t, `CREATE FUNCTION `+fn+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.wecom_userid = 'doomed' THEN RAISE EXCEPTION 'user refused by test'; END IF; RETURN NEW; END $$`)
	s.Exec(t, `CREATE TRIGGER `+fn+` BEFORE INSERT ON users FOR EACH ROW EXECUTE FUNCTION `+fn+`()`)
	bad.Set("userid", "doomed")
	lt.ExpectStatus(t, s.Post(t, admin, path+"/add/0", bad), 500, 500, "服务器内部错误")
	s.Exec(t, `DROP FUNCTION `+fn+`() CASCADE`)
	if _, ok := dir.Member("doomed"); ok {
		t.Fatal("WeCom keeps the member Leida failed to add")
	}
	var created, deleted bool
	for _, c := range dir.Calls() {
		created = created || c.Path == fakewechat.PathUserCreate && strings.Contains(string(c.Body), "doomed") && c.Errcode == 0
		deleted = deleted || c.Path == fakewechat.PathUserDelete && c.Query.Get("userid") == "doomed" && c.Errcode == 0
	}
	if !created || !deleted {
		t.Fatalf("WeCom calls: created %v, compensated %v", created, deleted)
	}

	// Update: in WeCom too (its "updated" is success); not found: 303 {}.
	lt.Expect(t, s.Post(t, admin, path+"/update/"+id(userID), url.Values{"username": {name}, "position": {"总监"}, "department_id": {"[]"}}), 200, "修改成功")
	if m, _ := dir.Member("wangwu"); m.Position != "总监" {
		t.Fatalf("WeCom position %q", m.Position)
	}
	expectSame(t, "position", s.Strings(t, `SELECT position FROM users WHERE id = $1`, userID), []string{"总监"})
	expectSame(t, "departments cleared", s.Count(t, `SELECT count(*) FROM user_departments WHERE user_id = $1`, userID), 0)
	r = s.Post(t, admin, path+"/update/999999999", url.Values{"username": {"x"}})
	if r.Code != 303 || string(r.Msg) != "{}" {
		t.Fatalf("missing user: %s", r.Raw)
	}
	// Leida failing after WeCom accepted the update: WeCom gets the old values back.
	fn2 := lt.Unique("leida_test_fail_user_update_")
	s.Exec(t, `CREATE FUNCTION `+fn2+`() RETURNS trigger LANGUAGE plpgsql AS $$
		BEGIN IF NEW.position = '注定失败' THEN RAISE EXCEPTION 'user update refused by test'; END IF; RETURN NEW; END $$`)
	s.Exec(t, `CREATE TRIGGER `+fn2+` BEFORE UPDATE ON users FOR EACH ROW EXECUTE FUNCTION `+fn2+`()`)
	lt.ExpectStatus(t, s.Post(t, admin, path+"/update/"+id(userID), url.Values{"username": {name}, "position": {"注定失败"}}), 500, 500, "服务器内部错误")
	s.Exec(t, `DROP FUNCTION `+fn2+`() CASCADE`)
	if m, _ := dir.Member("wangwu"); m.Position != "总监" {
		t.Fatalf("WeCom position %q after the compensation, want 总监", m.Position)
	}
	expectSame(t, "position after the failed update", s.Strings(t, `SELECT position FROM users WHERE id = $1`, userID), []string{"总监"})
	fake.FailNext(fakewechat.PathUserUpdate, 60111, "userid not found")
	lt.Expect(t, s.Post(t, admin, path+"/update/"+id(userID), url.Values{"username": {name}, "position": {"不变"}}), 60111, "企业微信验证未通过")
	expectSame(t, "position kept", s.Strings(t, `SELECT position FROM users WHERE id = $1`, userID), []string{"总监"})

	// Delete: not oneself; WeCom's "deleted" is success; then gone.
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(admin.ID), nil), 305, "不允许删除自己")
	lt.Expect(t, s.Post(t, otherAdmin, path+"/delete/"+id(userID), nil), 302, "用户ID不存在")
	fake.FailNext(fakewechat.PathUserDelete, 60111, "userid not found")
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(userID), nil), 60111, "企业微信验证未通过")
	expectSame(t, "not deleted when WeCom refused", s.Count(t, `SELECT count(*) FROM users WHERE id = $1 AND deleted_at IS NULL`, userID), 1)
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(userID), nil), 200, "删除成功")
	if _, ok := dir.Member("wangwu"); ok {
		t.Fatal("still in WeCom")
	}
	lt.Expect(t, s.Post(t, admin, path+"/delete/"+id(userID), nil), 302, "用户ID不存在")
	member := s.NewUser(t, company, lt.Member, lt.Unique("usermember"))
	lt.Expect(t, s.Get(t, member, path, nil), 404, "非法请求")
}
