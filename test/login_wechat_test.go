package test

import (
	"bytes"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"leida/ports"
	"leida/test/fakewechat"
	lt "leida/test/leidatest"
)

// wechatServer is a second leida wired to a fake WeChat/WeCom server.
type wechatServer struct {
	*lt.Server
	fake *fakewechat.Server
}

const wxFrontend = "http://front.example"

func startWeChatServer(t *testing.T) wechatServer {
	t.Helper()
	fake := fakewechat.New()
	s, err := lt.Start(lt.Options{Prefix: "wx", Env: map[string]string{
		"WECHAT_API_BASE_URL": fake.URL, "WECHAT_APP_ID": fakewechat.DefaultAppID, "WECHAT_APP_SECRET": fakewechat.DefaultAppSecret,
		"WECOM_API_BASE_URL": fake.URL, "WECOM_CORP_ID": fakewechat.DefaultCorpID, "WECOM_SECRET": fakewechat.DefaultCorpSecret,
		"FRONTEND_BASE_URL": wxFrontend, "FRONTEND_ERROR_PATH": "/err_page",
	}})
	if err != nil {
		fake.Close()
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Stop(); fake.Close() })
	return wechatServer{s, fake}
}

func TestE29E30E48WithWeChat(t *testing.T) {
	w := startWeChatServer(t)
	t.Run("E30MiniProgramLogin", func(t *testing.T) { testE30(t, w) })
	t.Run("E29WeComLogin", func(t *testing.T) { testE29(t, w) })
	t.Run("E48WxaCode", func(t *testing.T) { testE48WxaCode(t, w) })
}

func mpLogin(w wechatServer, t *testing.T, q url.Values) *lt.Resp {
	return w.Do(t, lt.Request{Path: "/zhugeleida/xiaochengxu/login", Query: q})
}

func testE30(t *testing.T, w wechatServer) {
	company := w.NewCompany(t, lt.Unique("登录公司"))
	rep := w.NewUser(t, company, lt.Member, lt.Unique("rep"))
	w.fake.AddSession("code-1", "openid-1")
	r := mpLogin(w, t, url.Values{"code": {"code-1"}, "user_type": {"2"}, "source": {"1"}})
	lt.Expect(t, r, 200, "返回成功")
	var first struct {
		CID   int64  `json:"cid"`
		Token string `json:"token"`
	}
	r.Decode(t, &first)
	if len(first.Token) != 32 || strings.ToLower(first.Token) != first.Token || lt.KeysOf(r.Data)[0] != "cid" {
		t.Fatalf("login: %s", r.Raw)
	}
	if n := w.Count(t, `SELECT count(*) FROM customers WHERE id = $1 AND openid = 'openid-1' AND user_type = 2 AND token = $2`,
		first.CID, first.Token); n != 1 {
		t.Fatalf("customer row %d", n)
	}
	if n := w.Count(t, `SELECT count(*) FROM customer_belongers WHERE customer_id = $1`, first.CID); n != 0 {
		t.Fatalf("belonger without uid")
	}
	// The token works on customer endpoints.
	cust := lt.Principal{ID: first.CID, Token: first.Token, Customer: true}
	lt.Expect(t, w.Get(t, cust, "/zhugeleida/xiaochengxu/mingpian/all", nil), 200, "查询成功")
	// Second login: same customer and token; uid makes it belong to the rep with the login's source.
	w.fake.AddSession("code-2", "openid-1")
	r = mpLogin(w, t, url.Values{"code": {"code-2"}, "user_type": {"2"}, "source": {"2"}, "uid": {id(rep.ID)}})
	lt.Expect(t, r, 200, "返回成功")
	var second struct {
		CID   int64  `json:"cid"`
		Token string `json:"token"`
	}
	r.Decode(t, &second)
	if second != first {
		t.Fatalf("second login %v vs %v", second, first)
	}
	if n := w.Count(t, `SELECT count(*) FROM customer_belongers WHERE customer_id = $1 AND user_id = $2 AND source = 2
		AND company_id = $3`, first.CID, rep.ID, company); n != 1 {
		t.Fatalf("belonger %d", n)
	}
	// A later card view keeps the login's source.
	lt.Expect(t, w.Get(t, cust, "/zhugeleida/xiaochengxu/mingpian", url.Values{"uid": {id(rep.ID)}}), 200, "查询成功")
	if n := w.Count(t, `SELECT count(*) FROM customer_belongers WHERE customer_id = $1 AND source = 2`, first.CID); n != 1 {
		t.Fatalf("source changed")
	}
	// A new customer with uid.
	w.fake.AddSession("code-3", "openid-3")
	r = mpLogin(w, t, url.Values{"code": {"code-3"}, "user_type": {"1"}, "source": {"1"}, "uid": {id(rep.ID)}})
	lt.Expect(t, r, 200, "返回成功")
	if n := w.Count(t, `SELECT count(*) FROM customers c JOIN customer_belongers b ON b.customer_id = c.id
		WHERE c.openid = 'openid-3' AND c.user_type = 1 AND b.user_id = $1 AND b.source = 1`, rep.ID); n != 1 {
		t.Fatalf("new customer with uid")
	}
	// WeChat refuses the code: 301 with WeChat's errmsg.
	r = mpLogin(w, t, url.Values{"code": {"unknown-code"}, "user_type": {"2"}, "source": {"1"}})
	if r.Code != 301 || string(r.Msg) != `{"code":[{"message":"invalid code","code":"invalid"}]}` {
		t.Fatalf("wechat error: %s", r.Raw)
	}
	w.fake.AddSession("code-4", "openid-4")
	w.fake.FailNext(fakewechat.PathSession, 45011, "api minute-quota reach limit")
	r = mpLogin(w, t, url.Values{"code": {"code-4"}, "user_type": {"2"}, "source": {"1"}})
	if r.Code != 301 || string(r.Msg) != `{"code":[{"message":"api minute-quota reach limit","code":"invalid"}]}` {
		t.Fatalf("quota: %s", r.Raw)
	}
	// Validation.
	lt.ExpectFields(t, mpLogin(w, t, nil), 301, false, map[string]string{"code": "js code 不能为空",
		"user_type": "客户访问类型不能为空", "source": "客户来源不能为空"})
	lt.ExpectFields(t, mpLogin(w, t, url.Values{"code": {"c"}, "user_type": {"x"}, "source": {"3"}, "uid": {"u"}}), 301, false,
		map[string]string{"user_type": "Enter a whole number.", "source": "Select a valid choice. 3 is not one of the available choices.",
			"uid": "Enter a whole number."})
	lt.ExpectFields(t, mpLogin(w, t, url.Values{"code": {"code-4"}, "user_type": {"2"}, "source": {"1"}, "uid": {"99999999"}}), 301, false,
		map[string]string{"uid": "用户ID不存在"})
	if n := w.Count(t, `SELECT count(*) FROM customers WHERE openid = 'openid-4'`); n != 0 {
		t.Fatalf("refused login created a customer")
	}
	lt.Expect(t, w.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/xiaochengxu/login"}), 402, "请求方式异常")
}

func wecomLogin(w wechatServer, t *testing.T, company int64, code string) string {
	t.Helper()
	r := w.Do(t, lt.Request{Path: "/zhugeleida/qiyeweixin/work_weixin_auth/" + id(company), Query: url.Values{"code": {code},
		"user_type": {"1"}, "source": {"2"}}})
	if r.Status != 302 {
		t.Fatalf("want a 302, got %d %s", r.Status, r.Raw)
	}
	return r.Header.Get("Location")
}

func testE29(t *testing.T, w wechatServer) {
	company := w.NewCompany(t, lt.Unique("企微公司"))
	errPage := wxFrontend + "/err_page"
	avatar := "http://wework.qpic.cn/a b&c=1"
	w.fake.AddMember("oauth-1", ports.WeComMember{UserID: "zhangsan", Name: "张三", Avatar: avatar, Gender: 2})
	// First visit: created disabled with the ordinary role in the path's company.
	if loc := wecomLogin(w, t, company, "oauth-1"); loc != errPage {
		t.Fatalf("first visit went to %q", loc)
	}
	var userID int64
	var status, gender, level int
	var token, gotAvatar string
	if err := w.DB.QueryRow(`SELECT u.id, u.status, u.gender, r.level, u.token, u.avatar FROM users u JOIN roles r ON r.id = u.role_id
		WHERE u.company_id = $1 AND u.wecom_userid = 'zhangsan' AND u.username = '张三' AND u.position = ''`, company).
		Scan(&userID, &status, &gender, &level, &token, &gotAvatar); err != nil {
		t.Fatal(err)
	}
	if status != 2 || level != 3 || gender != 2 || len(token) != 32 || gotAvatar != avatar {
		t.Fatalf("new member: status %d level %d gender %d avatar %q", status, level, gender, gotAvatar)
	}
	// Still disabled: error page, no second row.
	if loc := wecomLogin(w, t, company, "oauth-1"); loc != errPage {
		t.Fatalf("disabled member went to %q", loc)
	}
	if n := w.Count(t, `SELECT count(*) FROM users WHERE wecom_userid = 'zhangsan'`); n != 1 {
		t.Fatalf("members %d", n)
	}
	// Enabled: the front-end with the encoded token, id and avatar.
	w.Exec(t, `UPDATE users SET status = 1 WHERE id = $1`, userID)
	loc := wecomLogin(w, t, company, "oauth-1")
	want := wxFrontend + "?token=" + token + "&id=" + id(userID) + "&avatar=" + url.QueryEscape(avatar)
	if loc != want {
		t.Fatalf("welcome %q, want %q", loc, want)
	}
	u, _ := url.Parse(loc)
	if u.Query().Get("avatar") != avatar {
		t.Fatalf("avatar does not round-trip: %q", loc)
	}
	// The same WeCom member in another company is another user.
	company2 := w.NewCompany(t, lt.Unique("企微公司"))
	if loc := wecomLogin(w, t, company2, "oauth-1"); loc != errPage {
		t.Fatalf("other company: %q", loc)
	}
	if n := w.Count(t, `SELECT count(*) FROM users WHERE wecom_userid = 'zhangsan' AND company_id = $1 AND status = 2`, company2); n != 1 {
		t.Fatalf("member of company 2: %d", n)
	}
	// Failures land on the error page and create nothing.
	before := w.Count(t, `SELECT count(*) FROM users`)
	w.fake.AddNonMember("oauth-outsider", "openid-x")
	w.fake.AddMember("oauth-2", ports.WeComMember{UserID: "lisi", Name: "李四"})
	w.fake.FailNext(fakewechat.PathUserDetail, 40129, "invalid user_ticket")
	for _, c := range []struct {
		company int64
		code    string
	}{{99999999, "oauth-1"}, {company, "oauth-unknown"}, {company, "oauth-outsider"}, {company, ""}, {company, "oauth-2"}} {
		if loc := wecomLogin(w, t, c.company, c.code); loc != errPage {
			t.Fatalf("%v went to %q", c, loc)
		}
	}
	if n := w.Count(t, `SELECT count(*) FROM users`); n != before {
		t.Fatalf("failures created %d users", n-before)
	}
	w.fake.FailNext(fakewechat.PathWeComToken, 40001, "invalid credential")
	w.fake.ExpireTokens()
	if loc := wecomLogin(w, t, company, "oauth-1"); loc != errPage {
		t.Fatalf("token failure went to %q", loc)
	}
	// An expired token is refreshed once and the login works.
	w.fake.ExpireTokens()
	if loc := wecomLogin(w, t, company, "oauth-1"); loc != want {
		t.Fatalf("after expiry %q", loc)
	}
	r := w.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/work_weixin_auth/" + id(company)})
	lt.Expect(t, r, 402, "请求方式异常")
}

func testE48WxaCode(t *testing.T, w wechatServer) {
	company := w.NewCompany(t, lt.Unique("码公司"))
	rep := w.NewUser(t, company, lt.Member, lt.Unique("rep"))
	r := w.Get(t, rep, "/zhugeleida/qiyeweixin/qr_code_auth", nil)
	lt.Expect(t, r, 200, "生成小程序二维码成功")
	rel := "statics/zhugeleida/imgs/xiaochengxu/qr_code/" + id(rep.ID) + "_qrcode.jpg"
	if string(r.Data) != `{"qr_code":"`+rel+`"}` { // the stored image's URL (an extra key, D1.4)
		t.Fatalf("data %s", r.Data)
	}
	var qr string
	w.Scalar(t, &qr, `SELECT qr_code FROM users WHERE id = $1`, rep.ID)
	if qr != rel {
		t.Fatalf("qr_code %q", qr)
	}
	onDisk, err := os.ReadFile(filepath.Join(w.MediaRoot, "zhugeleida/imgs/xiaochengxu/qr_code", id(rep.ID)+"_qrcode.jpg"))
	if err != nil || !bytes.Equal(onDisk, fakewechat.DefaultQR()) {
		t.Fatalf("stored image: %v", err)
	}
	served := w.Do(t, lt.Request{Path: "/" + rel})
	if served.Status != 200 || !bytes.Equal(served.Raw, onDisk) {
		t.Fatalf("served %d", served.Status)
	}
	reqs := w.fake.QRRequests()
	if last := reqs[len(reqs)-1]; last.Path != "pages/mingpian/index?uid="+id(rep.ID)+"&source=1" || last.Width != 430 {
		t.Fatalf("wxacode request %+v", last)
	}
	// A non-image answer is an error and changes nothing.
	rep2 := w.NewUser(t, company, lt.Member, lt.Unique("rep"))
	w.fake.SetQRAnswer("text/html", []byte("<html>oops</html>"))
	r = w.Get(t, rep2, "/zhugeleida/qiyeweixin/qr_code_auth", nil)
	if r.Code != 301 || !strings.Contains(string(r.Msg), `"qr_code":[{"message":`) {
		t.Fatalf("non-image: %s", r.Raw)
	}
	w.fake.SetQRAnswer("image/jpeg", fakewechat.DefaultQR())
	w.fake.FailNext(fakewechat.PathWxaCode, 45009, "reach max api daily quota limit")
	r = w.Get(t, rep2, "/zhugeleida/qiyeweixin/qr_code_auth", nil)
	if r.Code != 301 || string(r.Msg) != `{"qr_code":[{"message":"reach max api daily quota limit","code":"invalid"}]}` {
		t.Fatalf("wechat error: %s", r.Raw)
	}
	w.Scalar(t, &qr, `SELECT qr_code FROM users WHERE id = $1`, rep2.ID)
	if qr != "" {
		t.Fatalf("failed QR recorded %q", qr)
	}
	if _, err := os.Stat(filepath.Join(w.MediaRoot, "zhugeleida/imgs/xiaochengxu/qr_code", id(rep2.ID)+"_qrcode.jpg")); !os.IsNotExist(err) {
		t.Fatalf("failed QR stored: %v", err)
	}
}
