package test

import (
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
