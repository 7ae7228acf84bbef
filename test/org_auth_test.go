package test

import (
	"fmt"
	"net/http"
	"net/url"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

const usersPath = "/zhugeleida/qiyeweixin/user"

// D5: the signed-request check, on an enterprise endpoint.
func TestD5SignedRequests(t *testing.T) {
	w := newOrgWorld(t)
	good := lt.Sign(w.memberA, time.Now())

	t.Run("valid signature", func(t *testing.T) {
		lt.Expect(t, srv.Do(t, lt.Request{Path: usersPath, RawQuery: good.Encode()}), 200, "查询成功")
	})
	bad := func(name string, q url.Values) {
		t.Run(name, func(t *testing.T) {
			r := srv.Do(t, lt.Request{Path: usersPath, RawQuery: q.Encode()})
			lt.Expect(t, r, 400, "token异常")
			lt.ExpectEmptyData(t, r)
		})
	}
	with := func(k, v string) url.Values {
		q := url.Values{}
		for kk, vv := range good {
			q[kk] = vv
		}
		if v == "" {
			q.Del(k)
		} else {
			q.Set(k, v)
		}
		return q
	}
	bad("wrong rand_str", with("rand_str", strings.Repeat("0", 32)))
	bad("upper-case rand_str", with("rand_str", strings.ToUpper(good.Get("rand_str"))))
	bad("missing rand_str", with("rand_str", ""))
	bad("missing timestamp", with("timestamp", ""))
	bad("missing user_id", with("user_id", ""))
	bad("non-numeric user_id", with("user_id", "abc"))
	bad("unknown user_id", with("user_id", "987654321"))
	bad("another user's id", with("user_id", id(w.memberB.ID)))
	bad("stale timestamp", lt.Sign(w.memberA, time.Now().Add(-time.Hour)))
	bad("future timestamp", lt.Sign(w.memberA, time.Now().Add(time.Hour)))
	bad("seconds instead of milliseconds", func() url.Values {
		q := lt.Sign(w.memberA, time.Now())
		q.Set("timestamp", id(time.Now().Unix()))
		return q
	}())
	t.Run("within the window", func(t *testing.T) {
		r := srv.Do(t, lt.Request{Path: usersPath, As: &w.memberA, At: time.Now().Add(-5 * time.Minute)})
		lt.Expect(t, r, 200, "查询成功")
	})
	t.Run("a customer token is not an enterprise token", func(t *testing.T) {
		c := srv.NewCustomer(t, "访客")
		r := srv.Do(t, lt.Request{Path: usersPath, As: &c})
		lt.Expect(t, r, 400, "token异常")
	})
	t.Run("auth comes before the method check", func(t *testing.T) {
		r := srv.Do(t, lt.Request{Method: "PUT", Path: usersPath, RawQuery: with("rand_str", "x").Encode()})
		lt.Expect(t, r, 400, "token异常")
	})
}

func TestD5DisabledAndDeletedUsersAre306(t *testing.T) {
	w := newOrgWorld(t)
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, w.memberA.ID)
	lt.Expect(t, srv.Get(t, w.memberA, usersPath, nil), 306, "账户未启用")
	srv.Exec(t, `UPDATE users SET deleted_at = now(), status = 1 WHERE id = $1`, w.memberB.ID)
	lt.Expect(t, srv.Get(t, w.memberB, usersPath, nil), 306, "账户未启用")
	// A bad signature of a disabled user says nothing about its status.
	r := srv.Do(t, lt.Request{Path: usersPath, Query: url.Values{"user_id": {id(w.memberA.ID)}, "timestamp": {"1"}, "rand_str": {"x"}}})
	lt.Expect(t, r, 400, "token异常")
}

func TestD2Routing(t *testing.T) {
	w := newOrgWorld(t)
	t.Run("unknown route is an HTTP 404 envelope", func(t *testing.T) {
		r := srv.Get(t, w.adminA, "/zhugeleida/qiyeweixin/nothing_here", nil)
		lt.ExpectStatus(t, r, 404, 404, "非法请求")
		lt.ExpectEmptyData(t, r)
	})
	t.Run("non-numeric path id is unknown", func(t *testing.T) {
		r := srv.Post(t, w.root, "/zhugeleida/admin/role/delete/abc", nil)
		lt.ExpectStatus(t, r, 404, 404, "非法请求")
	})
	t.Run("trailing and doubled slashes are tolerated", func(t *testing.T) {
		lt.Expect(t, srv.Get(t, w.adminA, usersPath+"/", nil), 200, "查询成功")
		lt.Expect(t, srv.Get(t, w.adminA, "/"+usersPath, nil), 200, "查询成功")
		lt.Expect(t, srv.Get(t, w.adminA, "//zhugeleida//qiyeweixin/user//", nil), 200, "查询成功")
	})
	t.Run("wrong method is 402", func(t *testing.T) {
		for _, m := range []string{"POST", "PUT", "DELETE", "PATCH"} {
			r := srv.Do(t, lt.Request{Method: m, Path: usersPath, As: &w.adminA, Form: url.Values{}})
			lt.Expect(t, r, 402, "请求异常")
			lt.ExpectEmptyData(t, r)
		}
		lt.Expect(t, srv.Get(t, w.root, "/zhugeleida/admin/role/add/0", nil), 402, "请求异常")
	})
	t.Run("request id and JSON content type", func(t *testing.T) {
		r := srv.Get(t, w.adminA, usersPath, nil)
		if r.Header.Get("X-Request-Id") == "" || !strings.HasPrefix(r.Header.Get("Content-Type"), "application/json") {
			t.Fatalf("headers %v", r.Header)
		}
	})
	t.Run("CORS pre-flight echoes the origin", func(t *testing.T) {
		h := http.Header{"Origin": {"http://front.example"}, "Access-Control-Request-Method": {"POST"},
			"Access-Control-Request-Headers": {"content-type"}}
		r := srv.Do(t, lt.Request{Method: "OPTIONS", Path: usersPath, Header: h})
		if r.Status/100 != 2 || r.Header.Get("Access-Control-Allow-Origin") != "http://front.example" ||
			r.Header.Get("Access-Control-Allow-Credentials") != "true" || r.Header.Get("Access-Control-Max-Age") != "86400" {
			t.Fatalf("pre-flight: %d %v", r.Status, r.Header)
		}
		r = srv.Do(t, lt.Request{Path: usersPath, As: &w.adminA, Header: http.Header{"Origin": {"http://front.example"}}})
		if r.Header.Get("Access-Control-Allow-Origin") != "http://front.example" {
			t.Fatalf("simple request CORS: %v", r.Header)
		}
	})
	t.Run("body over the limit is refused", func(t *testing.T) {
		big := url.Values{"name": {strings.Repeat("x", 17<<20)}}
		r := srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/role/add/0", As: &w.root, Form: big})
		lt.ExpectStatus(t, r, 413, 413, "请求体过大")
	})
}

// A12 and its alias.
func TestA12AdminLogin(t *testing.T) {
	w := newOrgWorld(t)
	name := lt.Unique("login")
	r := srv.Post(t, w.root, "/zhugeleida/qiyeweixin/user/add/0", url.Values{"username": {name}, "password": {"pa<ss>&1"},
		"role_id": {id(srv.RoleID(t, lt.Member))}, "company_id": {id(w.companyA)}})
	lt.Expect(t, r, 200, "添加成功")
	var uid int64
	var token string
	srv.Scalar(t, &uid, `SELECT id FROM users WHERE username = $1`, name)
	srv.Scalar(t, &token, `SELECT token FROM users WHERE id = $1`, uid)

	client := http.Header{"X-Forwarded-For": {clientAddress()}}
	login := func(path, user, pw string) *lt.Resp {
		return srv.Do(t, lt.Request{Method: "POST", Path: path, Form: url.Values{"username": {user}, "password": {pw}}, Header: client})
	}
	for _, path := range []string{"/zhugeleida/admin/login", "/zhugeleida/gongzhonghao/login"} {
		r = login(path, name, "pa<ss>&1")
		lt.Expect(t, r, 200, "登录成功")
		if got := lt.KeysOf(r.Data); strings.Join(got, ",") != "token,user_id,set_avatar" {
			t.Fatalf("data keys %v", got)
		}
		d := r.DataMap(t)
		if d["token"] != token || d["user_id"] != float64(uid) || d["set_avatar"] != "statics/imgs/setAvator.jpg" {
			t.Fatalf("login data %s", r.Raw)
		}
	}
	if n := srv.Count(t, `SELECT count(*) FROM users WHERE id = $1 AND last_login_at > now() - interval '1 minute'`, uid); n != 1 {
		t.Fatal("last_login_at not set")
	}
	lt.Expect(t, login("/zhugeleida/admin/login", name, "wrong"), 401, "账号或密码错误")
	lt.Expect(t, login("/zhugeleida/admin/login", lt.Unique("nobody"), "x"), 401, "账号或密码错误")
	lt.Expect(t, login("/zhugeleida/admin/login", "", ""), 401, "账号或密码错误")
	// GET carries no body: no credentials.
	lt.Expect(t, srv.Do(t, lt.Request{Path: "/zhugeleida/admin/login", Query: url.Values{"username": {name}, "password": {"pa<ss>&1"}}}), 401, "账号或密码错误")

	t.Run("disabled user with the right password", func(t *testing.T) {
		srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, uid)
		defer srv.Exec(t, `UPDATE users SET status = 1 WHERE id = $1`, uid)
		lt.Expect(t, login("/zhugeleida/admin/login", name, "pa<ss>&1"), 306, "账户未启用")
	})
	t.Run("legacy MD5 hash logs in once and is rehashed", func(t *testing.T) {
		legacy := lt.Unique("legacy")
		lu := srv.NewUser(t, w.companyA, lt.Member, legacy)
		srv.Exec(t, `UPDATE users SET password_hash = 'e10adc3949ba59abbe56e057f20f883e' WHERE id = $1`, lu.ID) // md5("123456")
		lt.Expect(t, login("/zhugeleida/admin/login", legacy, "123456"), 200, "登录成功")
		var hash string
		srv.Scalar(t, &hash, `SELECT password_hash FROM users WHERE id = $1`, lu.ID)
		if !strings.HasPrefix(hash, "$argon2id$") {
			t.Fatalf("not rehashed: %s", hash)
		}
		lt.Expect(t, login("/zhugeleida/admin/login", legacy, "123456"), 200, "登录成功")
		lt.Expect(t, login("/zhugeleida/admin/login", legacy, "1234567"), 401, "账号或密码错误")
	})
	t.Run("rate limited from the 11th failure for a username", func(t *testing.T) {
		victim := lt.Unique("victim")
		srv.NewUser(t, w.companyA, lt.Member, victim)
		for i := 0; i < 10; i++ {
			lt.Expect(t, login("/zhugeleida/admin/login", victim, "guess"), 401, "账号或密码错误")
		}
		r := login("/zhugeleida/admin/login", victim, "guess")
		lt.ExpectStatus(t, r, 429, 429, "请求过于频繁")
		// Another username from the same address still gets through.
		lt.Expect(t, login("/zhugeleida/admin/login", name, "pa<ss>&1"), 200, "登录成功")
	})
	t.Run("the limit holds across instances on one database", func(t *testing.T) {
		second, err := lt.Start(lt.Options{DBURL: srv.DBURL, Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1"}})
		if err != nil {
			t.Fatal(err)
		}
		defer second.Stop()
		victim := lt.Unique("victim")
		srv.NewUser(t, w.companyA, lt.Member, victim)
		for i := 0; i < 10; i++ {
			lt.Expect(t, login("/zhugeleida/admin/login", victim, "guess"), 401, "账号或密码错误")
		}
		r := second.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Form: url.Values{"username": {victim}, "password": {"guess"}},
			Header: http.Header{"X-Forwarded-For": {clientAddress()}}})
		lt.ExpectStatus(t, r, 429, 429, "请求过于频繁")
	})
}

// clientAddress is a documentation address (RFC 5737) unique in this run: the
// client a test's logins come from, behind the trusted proxy.
func clientAddress() string {
	n := lt.Unique("")
	v, _ := strconv.Atoi(n)
	return fmt.Sprintf("198.51.%d.%d", v/250%250, v%250+1)
}

// D5: from the 31st failure of one client address within 15 minutes, every
// login from it is refused, whatever the username; other addresses go on.
func TestD5LoginLimitPerClientAddress(t *testing.T) {
	w := newOrgWorld(t)
	name := lt.Unique("ipuser")
	lt.Expect(t, srv.Post(t, w.root, "/zhugeleida/qiyeweixin/user/add/0", url.Values{"username": {name}, "password": {"right"},
		"role_id": {id(srv.RoleID(t, lt.Member))}, "company_id": {id(w.companyA)}}), 200, "添加成功")
	attacker := http.Header{"X-Forwarded-For": {clientAddress()}}
	login := func(h http.Header, user, pw string) *lt.Resp {
		return srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Form: url.Values{"username": {user}, "password": {pw}}, Header: h})
	}
	for i := 0; i < 30; i++ {
		lt.Expect(t, login(attacker, lt.Unique("spray"), "guess"), 401, "账号或密码错误")
	}
	lt.ExpectStatus(t, login(attacker, name, "right"), 429, 429, "请求过于频繁")
	lt.Expect(t, login(http.Header{"X-Forwarded-For": {clientAddress()}}, name, "right"), 200, "登录成功")
}

// graceful shutdown: SIGTERM ends `leida serve` cleanly.
func TestServeStopsOnSIGTERM(t *testing.T) {
	s, err := lt.Start(lt.Options{Prefix: "stop"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	if err := s.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() { done <- s.Wait() }()
	select {
	case err := <-done:
		if err != nil {
			t.Fatalf("exit: %v\n%s", err, s.Logs())
		}
	case <-time.After(10 * time.Second):
		t.Fatal("did not stop within 10s")
	}
	if !strings.Contains(s.Logs(), `"msg":"stopped"`) {
		t.Fatalf("no clean stop in logs:\n%s", s.Logs())
	}
}

// Logging: one line per request, never the signature, tokens or passwords.
func TestRequestLogNeverHoldsSecrets(t *testing.T) {
	w := newOrgWorld(t)
	q := lt.Sign(w.adminA, time.Now())
	srv.Do(t, lt.Request{Path: usersPath, RawQuery: q.Encode()})
	srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Form: url.Values{"username": {"x"}, "password": {"hunter2-secret"}}})
	time.Sleep(100 * time.Millisecond)
	logs := srv.Logs()
	for _, secret := range []string{q.Get("rand_str"), w.adminA.Token, "hunter2-secret", "rand_str"} {
		if strings.Contains(logs, secret) {
			t.Fatalf("log holds %q", secret)
		}
	}
	if !strings.Contains(logs, `"path":"/zhugeleida/qiyeweixin/user"`) || !strings.Contains(logs, `"request_id"`) {
		t.Fatal("request line missing")
	}
}
