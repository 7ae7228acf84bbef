package test

import (
	"net/url"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// Every organisation endpoint (E01–E04, E09–E19, A1, with their aliases)
// refuses a bad signature, a stale timestamp and a disabled user, and answers
// 402 to a method it does not take — before touching anything.
func TestOrgEndpointsAuthAndMethods(t *testing.T) {
	w := newOrgWorld(t)
	disabled := srv.NewUser(t, w.companyA, lt.PlatformAdmin, lt.Unique("disabled"))
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
	endpoints := []struct {
		method, path, wrong string
	}{
		{"GET", "/zhugeleida/qiyeweixin/user", "POST"},
		{"GET", "/zhugeleida/xiaochengxu/user", "POST"},
		{"POST", "/zhugeleida/qiyeweixin/user/add/0", "GET"},
		{"POST", "/zhugeleida/xiaochengxu/user/add/0", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/user/delete/" + id(w.memberA.ID), "PUT"},
		{"GET", "/zhugeleida/xiaochengxu/user/delete/" + id(w.memberA.ID), "PATCH"},
		{"POST", "/zhugeleida/qiyeweixin/user/update/" + id(w.memberA.ID), "GET"},
		{"POST", "/zhugeleida/xiaochengxu/user/update/" + id(w.memberA.ID), "GET"},
		{"GET", "/zhugeleida/admin/role", "PUT"},
		{"POST", "/zhugeleida/qiyeweixin/role", "DELETE"},
		{"POST", "/zhugeleida/admin/role/add/0", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/role/add/0", "GET"},
		{"POST", "/zhugeleida/admin/role/delete/1", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/role/delete/1", "GET"},
		{"POST", "/zhugeleida/admin/role/update/1", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/role/update/1", "GET"},
		{"GET", "/zhugeleida/qiyeweixin/quanxian", "POST"},
		{"GET", "/zhugeleida/xiaochengxu/quanxian", "POST"},
		{"POST", "/zhugeleida/qiyeweixin/quanxian/add/0", "GET"},
		{"POST", "/zhugeleida/xiaochengxu/quanxian/add/0", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/quanxian/delete/1", "GET"},
		{"POST", "/zhugeleida/xiaochengxu/quanxian/delete/1", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/quanxian/update/1", "GET"},
		{"POST", "/zhugeleida/xiaochengxu/quanxian/update/1", "GET"},
		{"GET", "/zhugeleida/admin/company", "PUT"},
		{"GET", "/zhugeleida/qiyeweixin/company", "PUT"},
		{"POST", "/zhugeleida/admin/company/add/0", "GET"},
		{"POST", "/zhugeleida/qiyeweixin/company/add/0", "GET"},
		{"POST", "/zhugeleida/admin/company/delete/" + id(w.companyB), "GET"},
		{"POST", "/zhugeleida/qiyeweixin/company/delete/" + id(w.companyB), "GET"},
		{"POST", "/zhugeleida/admin/company/update/" + id(w.companyB), "GET"},
		{"POST", "/zhugeleida/qiyeweixin/company/update/" + id(w.companyB), "GET"},
	}
	users, companies := srv.Count(t, `SELECT count(*) FROM users WHERE deleted_at IS NULL`), srv.Count(t, `SELECT count(*) FROM companies`)
	form := url.Values{"name": {lt.Unique("x")}, "username": {lt.Unique("x")}, "password": {"p"}, "path": {lt.Unique("/x")}, "title": {lt.Unique("x")}, "order_num": {"1"}}
	for _, e := range endpoints {
		t.Run(e.method+" "+e.path, func(t *testing.T) {
			badSig := lt.Sign(w.root, time.Now())
			badSig.Set("rand_str", "0123456789abcdef0123456789abcdef")
			lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: e.path, RawQuery: badSig.Encode(), Form: form}), 400, "token异常")
			lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: e.path, As: &w.root, At: time.Now().Add(-time.Hour), Form: form}), 400, "token异常")
			lt.Expect(t, srv.Do(t, lt.Request{Method: e.method, Path: e.path, As: &disabled, Form: form}), 306, "账户未启用")
			lt.Expect(t, srv.Do(t, lt.Request{Method: e.wrong, Path: e.path, As: &w.root, Form: form}), 402, "请求异常")
		})
	}
	if srv.Count(t, `SELECT count(*) FROM users WHERE deleted_at IS NULL`) != users || srv.Count(t, `SELECT count(*) FROM companies`) != companies {
		t.Fatal("a refused request wrote")
	}
}
