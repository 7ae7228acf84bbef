package test

import (
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
