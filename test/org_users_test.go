package test

import (
	"net/url"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

type userItem struct {
	ID            int64   `json:"id"`
	Username      string  `json:"username"`
	RoleName      string  `json:"role_name"`
	RoleID        int64   `json:"role_id"`
	CreateDate    string  `json:"create_date"`
	LastLoginDate *string `json:"last_login_date"`
	Status        string  `json:"status"`
}

type userPage struct {
	RetData   []userItem `json:"ret_data"`
	DataCount int        `json:"data_count"`
}

func listUsers(t *testing.T, p lt.Principal, q url.Values) userPage {
	t.Helper()
	r := srv.Get(t, p, usersPath, q)
	lt.Expect(t, r, 200, "查询成功")
	var pg userPage
	r.Decode(t, &pg)
	return pg
}

func TestE01ListUsers(t *testing.T) {
	w := newOrgWorld(t)
	t.Run("shape and tenancy", func(t *testing.T) {
		r := srv.Get(t, w.adminA, usersPath, url.Values{"length": {"0"}})
		lt.Expect(t, r, 200, "查询成功")
		if k := lt.KeysOf(r.Data); strings.Join(k, ",") != "ret_data,data_count" {
			t.Fatalf("data keys %v", k)
		}
		var raw lt.Page
		r.Decode(t, &raw)
		if len(raw.RetData) != 2 {
			t.Fatalf("company A has 2 users, got %s", r.Raw)
		}
		if k := lt.KeysOf(raw.RetData[0]); strings.Join(k, ",") != "id,username,role_name,role_id,create_date,last_login_date,status" {
			t.Fatalf("item keys %v", k)
		}
		var pg userPage
		r.Decode(t, &pg)
		for _, u := range pg.RetData {
			if u.ID == w.adminB.ID || u.ID == w.memberB.ID {
				t.Fatal("company A sees company B's users")
			}
			if u.Status != "启用" || u.LastLoginDate != nil {
				t.Fatalf("item %+v", u)
			}
			if _, err := time.Parse("2006-01-02T15:04:05", u.CreateDate[:19]); err != nil {
				t.Fatalf("create_date %q", u.CreateDate)
			}
		}
		if pg.DataCount != 2 {
			t.Fatalf("data_count %d", pg.DataCount)
		}
		// A member reads too (only writes are refused).
		if got := listUsers(t, w.memberA, nil); got.DataCount != 2 {
			t.Fatalf("member sees %d", got.DataCount)
		}
		// The platform admin sees every company.
		all := listUsers(t, w.root, url.Values{"length": {"0"}})
		seen := map[int64]bool{}
		for _, u := range all.RetData {
			seen[u.ID] = true
		}
		if !seen[w.adminA.ID] || !seen[w.memberB.ID] || all.DataCount < 5 {
			t.Fatalf("platform admin list %+v", all)
		}
	})
	t.Run("paging, order and filters", func(t *testing.T) {
		for i := 0; i < 3; i++ {
			srv.NewUser(t, w.companyA, lt.Member, lt.Unique("zz分页"))
		}
		p1 := listUsers(t, w.adminA, url.Values{"length": {"2"}, "current_page": {"1"}, "order": {"id"}})
		p3 := listUsers(t, w.adminA, url.Values{"length": {"2"}, "current_page": {"3"}, "order": {"id"}})
		if len(p1.RetData) != 2 || p1.DataCount != 5 || len(p3.RetData) != 1 || p3.DataCount != 5 {
			t.Fatalf("pages %+v %+v", p1, p3)
		}
		if p1.RetData[0].ID != w.adminA.ID || p1.RetData[0].ID > p1.RetData[1].ID {
			t.Fatalf("order=id %+v", p1.RetData)
		}
		def := listUsers(t, w.adminA, nil)
		if def.RetData[0].ID < def.RetData[len(def.RetData)-1].ID {
			t.Fatal("default order is not newest first")
		}
		bogus := listUsers(t, w.adminA, url.Values{"order": {"password_hash"}})
		if bogus.RetData[0].ID != def.RetData[0].ID {
			t.Fatal("unknown order is not ignored")
		}
		empty := listUsers(t, w.adminA, url.Values{"current_page": {"99"}})
		if len(empty.RetData) != 0 || empty.DataCount != 5 {
			t.Fatalf("page past the end %+v", empty)
		}
		if got := listUsers(t, w.adminA, url.Values{"username": {"zz分页"}}); got.DataCount != 3 {
			t.Fatalf("username filter %d", got.DataCount)
		}
		if got := listUsers(t, w.adminA, url.Values{"role__name": {"管理"}}); got.DataCount != 1 || got.RetData[0].ID != w.adminA.ID {
			t.Fatalf("role__name filter %+v", got)
		}
		if got := listUsers(t, w.adminA, url.Values{"id": {id(w.memberA.ID)}}); got.DataCount != 1 {
			t.Fatalf("id filter %+v", got)
		}
		if got := listUsers(t, w.adminA, url.Values{"id": {id(w.memberB.ID)}}); got.DataCount != 0 {
			t.Fatal("id filter crosses companies")
		}
		if got := listUsers(t, w.root, url.Values{"company__name": {w.nameB}}); got.DataCount != 2 {
			t.Fatalf("company__name filter %+v", got)
		}
		today := time.Now().In(shanghai).Format("2006-01-02")
		if got := listUsers(t, w.adminA, url.Values{"create_date": {today}}); got.DataCount != 5 {
			t.Fatalf("create_date filter %d", got.DataCount)
		}
	})
	t.Run("bad paging", func(t *testing.T) {
		r := srv.Get(t, w.adminA, usersPath, url.Values{"current_page": {"x"}, "length": {"-1"}})
		lt.ExpectFields(t, r, 402, true, map[string]string{"current_page": "页码数据类型错误", "length": "页显示数量类型错误"})
		r = srv.Get(t, w.adminA, usersPath, url.Values{"current_page": {"0"}})
		lt.ExpectFields(t, r, 402, true, map[string]string{"current_page": "页码数据类型错误"})
		// Sent but empty is invalid too (legacy-api 1.4, 1.7); only an absent parameter takes the default.
		r = srv.Get(t, w.adminA, usersPath, url.Values{"current_page": {""}, "length": {" "}})
		lt.ExpectFields(t, r, 402, true, map[string]string{"current_page": "页码数据类型错误", "length": "页显示数量类型错误"})
		r = srv.Get(t, w.adminA, usersPath, url.Values{"length": {""}})
		lt.ExpectFields(t, r, 402, true, map[string]string{"length": "页显示数量类型错误"})
	})
	t.Run("alias under xiaochengxu", func(t *testing.T) {
		lt.Expect(t, srv.Get(t, w.adminA, "/zhugeleida/xiaochengxu/user", nil), 200, "查询成功")
	})
}

var shanghai, _ = time.LoadLocation("Asia/Shanghai")

func addUser(t *testing.T, as lt.Principal, form url.Values) *lt.Resp {
	t.Helper()
	return srv.Post(t, as, "/zhugeleida/qiyeweixin/user/add/0", form)
}

func TestE02AddUser(t *testing.T) {
	w := newOrgWorld(t)
	member := id(srv.RoleID(t, lt.Member))
	admin := id(srv.RoleID(t, lt.CompanyAdmin))
	super := id(srv.RoleID(t, lt.PlatformAdmin))
	t.Run("company admin adds a member to their company", func(t *testing.T) {
		name := lt.Unique("新员工")
		r := addUser(t, w.adminA, url.Values{"userid": {"wx-" + name}, "username": {name}, "password": {"secret1"},
			"role_id": {member}, "company_id": {id(w.companyA)}})
		lt.Expect(t, r, 200, "添加成功")
		lt.ExpectEmptyData(t, r)
		var status, company int64
		var hash, wecom, token string
		srv.Scalar(t, &status, `SELECT status FROM users WHERE username = $1`, name)
		srv.Scalar(t, &company, `SELECT company_id FROM users WHERE username = $1`, name)
		srv.Scalar(t, &hash, `SELECT password_hash FROM users WHERE username = $1`, name)
		srv.Scalar(t, &wecom, `SELECT wecom_userid FROM users WHERE username = $1`, name)
		srv.Scalar(t, &token, `SELECT token FROM users WHERE username = $1`, name)
		if status != 1 || company != w.companyA || !strings.HasPrefix(hash, "$argon2id$") || strings.Contains(hash, "secret1") ||
			wecom != "wx-"+name || len(token) != 32 {
			t.Fatalf("stored: status=%d company=%d hash=%s wecom=%s token=%s", status, company, hash, wecom, token)
		}
		lt.Expect(t, srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login",
			Form: url.Values{"username": {name}, "password": {"secret1"}}}), 200, "登录成功")
	})
	t.Run("status 2 creates a disabled user", func(t *testing.T) {
		name := lt.Unique("停用")
		lt.Expect(t, addUser(t, w.root, url.Values{"username": {name}, "password": {"p"}, "role_id": {member},
			"company_id": {id(w.companyB)}, "status": {"2"}}), 200, "添加成功")
		if srv.Count(t, `SELECT count(*) FROM users WHERE username = $1 AND status = 2 AND company_id = $2`, name, w.companyB) != 1 {
			t.Fatal("not stored disabled in company B")
		}
	})
	t.Run("alias under xiaochengxu", func(t *testing.T) {
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/xiaochengxu/user/add/0", url.Values{"username": {lt.Unique("别名")},
			"password": {"p"}, "role_id": {member}, "company_id": {id(w.companyA)}}), 200, "添加成功")
	})
	t.Run("validation", func(t *testing.T) {
		before := srv.Count(t, `SELECT count(*) FROM users`)
		lt.ExpectFields(t, addUser(t, w.adminA, url.Values{}), 301, false, map[string]string{
			"username": "用户名不能为空", "password": "密码不能为空", "role_id": "角色不能为空", "company_id": "公司不能为空"})
		lt.ExpectFields(t, addUser(t, w.adminA, url.Values{"username": {"  "}, "password": {"p"}, "role_id": {"x"}, "company_id": {"1.5"}}),
			301, false, map[string]string{"username": "用户名不能为空", "role_id": "Enter a whole number.", "company_id": "Enter a whole number."})
		lt.ExpectFields(t, addUser(t, w.root, url.Values{"username": {lt.Unique("u")}, "password": {"p"}, "role_id": {"999999"},
			"company_id": {"999999"}, "status": {"3"}}), 301, false, map[string]string{"role_id": "角色ID不存在", "company_id": "公司id不存在",
			"status": "Select a valid choice. 3 is not one of the available choices."})
		// A username is taken across companies (it is the login name).
		var taken string
		srv.Scalar(t, &taken, `SELECT username FROM users WHERE id = $1`, w.memberB.ID)
		lt.ExpectFields(t, addUser(t, w.adminA, url.Values{"username": {taken}, "password": {"p"}, "role_id": {member},
			"company_id": {id(w.companyA)}}), 301, false, map[string]string{"username": "用户名已存在"})
		if after := srv.Count(t, `SELECT count(*) FROM users`); after != before {
			t.Fatal("a refused add wrote a user")
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		before := srv.Count(t, `SELECT count(*) FROM users`)
		cases := []struct {
			as   lt.Principal
			form url.Values
		}{
			{w.memberA, url.Values{"role_id": {member}, "company_id": {id(w.companyA)}}}, // members do not write users
			{w.adminA, url.Values{"role_id": {member}, "company_id": {id(w.companyB)}}},  // not into another company
			{w.adminA, url.Values{"role_id": {super}, "company_id": {id(w.companyA)}}},   // nobody but root makes platform admins
			{w.adminB, url.Values{"role_id": {admin}, "company_id": {id(w.companyA)}}},
		}
		for _, c := range cases {
			c.form.Set("username", lt.Unique("x"))
			c.form.Set("password", "p")
			r := addUser(t, c.as, c.form)
			lt.Expect(t, r, 404, "非法请求")
		}
		if after := srv.Count(t, `SELECT count(*) FROM users`); after != before {
			t.Fatal("a forbidden add wrote a user")
		}
	})
	t.Run("wrong method", func(t *testing.T) {
		lt.Expect(t, srv.Get(t, w.adminA, "/zhugeleida/qiyeweixin/user/add/0", nil), 402, "请求异常")
	})
}

func TestE03DeleteUser(t *testing.T) {
	w := newOrgWorld(t)
	victim := srv.NewUser(t, w.companyA, lt.Member, lt.Unique("待删"))
	victim2 := srv.NewUser(t, w.companyA, lt.Member, lt.Unique("待删"))
	t.Run("POST deletes softly and rotates the token", func(t *testing.T) {
		r := srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(victim.ID), nil)
		lt.Expect(t, r, 200, "删除成功")
		lt.ExpectEmptyData(t, r)
		var token string
		srv.Scalar(t, &token, `SELECT token FROM users WHERE id = $1 AND deleted_at IS NOT NULL AND status = 2`, victim.ID)
		if token == victim.Token {
			t.Fatal("token not rotated")
		}
		lt.Expect(t, srv.Get(t, victim, usersPath, nil), 400, "token异常")
		for _, u := range listUsers(t, w.adminA, url.Values{"length": {"0"}}).RetData {
			if u.ID == victim.ID {
				t.Fatal("deleted user still listed")
			}
		}
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(victim.ID), nil), 302, "用户ID不存在")
	})
	t.Run("GET deletes too (document)", func(t *testing.T) {
		lt.Expect(t, srv.Get(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(victim2.ID), nil), 200, "删除成功")
	})
	t.Run("refusals", func(t *testing.T) {
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/987654321", nil), 302, "用户ID不存在")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(w.memberB.ID), nil), 302, "用户ID不存在")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(w.adminA.ID), nil), 305, "不允许删除自己")
		lt.Expect(t, srv.Post(t, w.memberA, "/zhugeleida/qiyeweixin/user/delete/"+id(w.adminA.ID), nil), 404, "非法请求")
		lt.Expect(t, srv.Post(t, w.adminA, "/zhugeleida/qiyeweixin/user/delete/"+id(srv.Admin.ID), nil), 302, "用户ID不存在")
		lt.Expect(t, srv.Do(t, lt.Request{Method: "PUT", Path: "/zhugeleida/qiyeweixin/user/delete/1", As: &w.adminA}), 402, "请求异常")
		if srv.Count(t, `SELECT count(*) FROM users WHERE id IN ($1, $2) AND deleted_at IS NULL`, w.memberB.ID, w.adminA.ID) != 2 {
			t.Fatal("a refused delete deleted")
		}
	})
}

func TestE04UpdateUser(t *testing.T) {
	w := newOrgWorld(t)
	member := id(srv.RoleID(t, lt.Member))
	admin := id(srv.RoleID(t, lt.CompanyAdmin))
	super := id(srv.RoleID(t, lt.PlatformAdmin))
	path := "/zhugeleida/qiyeweixin/user/update/"
	t.Run("rename and promote", func(t *testing.T) {
		name := lt.Unique("改名")
		lt.Expect(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{"username": {name}, "role_id": {admin}}), 200, "修改成功")
		var got string
		var role int64
		srv.Scalar(t, &got, `SELECT username FROM users WHERE id = $1`, w.memberA.ID)
		srv.Scalar(t, &role, `SELECT role_id FROM users WHERE id = $1`, w.memberA.ID)
		if got != name || id(role) != admin {
			t.Fatalf("stored %s %d", got, role)
		}
		// The token survives a rename.
		lt.Expect(t, srv.Get(t, w.memberA, usersPath, nil), 200, "查询成功")
		srv.Exec(t, `UPDATE users SET role_id = $1 WHERE id = $2`, srv.RoleID(t, lt.Member), w.memberA.ID)
	})
	t.Run("a new password rotates the token", func(t *testing.T) {
		u := srv.NewUser(t, w.companyA, lt.Member, lt.Unique("换密码"))
		var name string
		srv.Scalar(t, &name, `SELECT username FROM users WHERE id = $1`, u.ID)
		lt.Expect(t, srv.Post(t, w.adminA, path+id(u.ID), url.Values{"username": {name}, "password": {"newpass"}}), 200, "修改成功")
		lt.Expect(t, srv.Get(t, u, usersPath, nil), 400, "token异常")
		lt.Expect(t, srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login",
			Form: url.Values{"username": {name}, "password": {"newpass"}}}), 200, "登录成功")
	})
	t.Run("disabling rotates the token", func(t *testing.T) {
		u := srv.NewUser(t, w.companyA, lt.Member, lt.Unique("停用"))
		var name string
		srv.Scalar(t, &name, `SELECT username FROM users WHERE id = $1`, u.ID)
		lt.Expect(t, srv.Post(t, w.adminA, path+id(u.ID), url.Values{"username": {name}, "status": {"2"}}), 200, "修改成功")
		lt.Expect(t, srv.Get(t, u, usersPath, nil), 400, "token异常")
		if srv.Count(t, `SELECT count(*) FROM users WHERE id = $1 AND status = 2`, u.ID) != 1 {
			t.Fatal("not disabled")
		}
	})
	t.Run("validation", func(t *testing.T) {
		lt.ExpectFields(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{}), 301, false,
			map[string]string{"username": "用户名不能为空"})
		var taken string
		srv.Scalar(t, &taken, `SELECT username FROM users WHERE id = $1`, w.adminA.ID)
		lt.ExpectFields(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{"username": {taken}, "role_id": {"x"}}), 301, false,
			map[string]string{"username": "用户名已存在", "role_id": "Enter a whole number."})
		// Keeping one's own name is not a conflict.
		lt.Expect(t, srv.Post(t, w.adminA, path+id(w.adminA.ID), url.Values{"username": {taken}}), 200, "修改成功")
	})
	t.Run("not found is 303 with msg {}", func(t *testing.T) {
		for _, target := range []int64{987654321, w.memberB.ID} {
			r := srv.Post(t, w.adminA, path+id(target), url.Values{"username": {"x"}})
			if r.Code != 303 || string(r.Msg) != "{}" || string(r.Data) != "{}" {
				t.Fatalf("got %s", r.Raw)
			}
		}
	})
	t.Run("forbidden", func(t *testing.T) {
		var name string
		srv.Scalar(t, &name, `SELECT username FROM users WHERE id = $1`, w.memberA.ID)
		lt.Expect(t, srv.Post(t, w.memberA, path+id(w.memberA.ID), url.Values{"username": {"me"}}), 404, "非法请求")
		lt.Expect(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{"username": {name}, "company_id": {id(w.companyB)}}), 404, "非法请求")
		lt.Expect(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{"username": {name}, "role_id": {super}}), 404, "非法请求")
		var company, role int64
		srv.Scalar(t, &company, `SELECT company_id FROM users WHERE id = $1`, w.memberA.ID)
		srv.Scalar(t, &role, `SELECT role_id FROM users WHERE id = $1`, w.memberA.ID)
		if company != w.companyA || id(role) != member {
			t.Fatal("a forbidden update changed the user")
		}
		// The platform admin may move users between companies.
		lt.Expect(t, srv.Post(t, w.root, path+id(w.memberA.ID), url.Values{"username": {name}, "company_id": {id(w.companyB)}}), 200, "修改成功")
		lt.Expect(t, srv.Post(t, w.adminA, path+id(w.memberA.ID), url.Values{"username": {name}}), 303, "")
	})
	t.Run("wrong method", func(t *testing.T) {
		lt.Expect(t, srv.Get(t, w.adminA, path+id(w.memberA.ID), nil), 402, "请求异常")
	})
}
