package test

import (
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// download is a signed GET of an export, the raw answer.
func download(t *testing.T, p lt.Principal, path string, q url.Values) (*http.Response, string) {
	t.Helper()
	v := lt.Sign(p, time.Now())
	for k, vs := range q {
		v[k] = vs
	}
	res, err := http.Get(srv.URL + path + "?" + v.Encode())
	if err != nil {
		t.Fatal(err)
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	if err != nil {
		t.Fatal(err)
	}
	if err := srv.CheckAnswer(http.MethodGet, path, res.StatusCode, res.Header, b); err != nil {
		t.Fatalf("the file does not match /openapi.json: %v", err)
	}
	return res, string(b)
}

func expectCSV(t *testing.T, res *http.Response, name string) {
	t.Helper()
	day := time.Now().In(shanghai).Format("20060102")
	if res.StatusCode != 200 || res.Header.Get("Content-Type") != "text/csv; charset=utf-8" ||
		res.Header.Get("Content-Disposition") != `attachment; filename="`+name+`-`+day+`.csv"` {
		t.Fatalf("HTTP %d %v", res.StatusCode, res.Header)
	}
}

const csvHeaderCustomers = "\ufeff客户ID,客户名称,备注名,电话,公司,职位,来源,所属销售,标签,预计成交日期,预计成交率,AI成交率,成交状态,最后活动时间,最后跟进时间\r\n"

// D9 customer/export: the caller's visible customers (a rep its own, an
// admin the company's), byte for byte, formulas neutralised.
func TestD9CustomerExport(t *testing.T) {
	co := newCRMCompany(t)
	c1 := newBoundCustomer(t, co.id, co.rep, 1)
	c2 := newBoundCustomer(t, co.id, co.rep2, 2)
	bind(t, co.id, co.rep2, c1.ID, 2) // c1 belongs to both reps
	other := newCRMCompany(t)
	newBoundCustomer(t, other.id, other.rep, 1)
	var name1, name2 string
	srv.Scalar(t, &name1, `SELECT username FROM customers WHERE id = $1`, c1.ID)
	srv.Scalar(t, &name2, `SELECT username FROM customers WHERE id = $1`, c2.ID)
	srv.Exec(t, `INSERT INTO customer_information (company_id, customer_id, phone, company, position) VALUES ($1, $2, '+8613800000000', '=HYPERLINK("http://x")', '@经理')`, co.id, c1.ID)
	srv.Exec(t, `INSERT INTO customer_profiles (company_id, customer_id, memo_name, expected_time, expedted_pr, ai_pr, outcome) VALUES ($1, $2, '-老王', '2026-12-24', '80%', 67, 1)`, co.id, c1.ID)
	srv.Exec(t, `INSERT INTO tags (company_id, name) VALUES ($1, '重点'), ($1, 'VIP, 大客户')`, co.id)
	srv.Exec(t, `INSERT INTO customer_tags (company_id, customer_id, tag_id) SELECT $1, $2, id FROM tags WHERE company_id = $1 AND name IN ('重点', 'VIP, 大客户')`, co.id, c1.ID)
	srv.Exec(t, `INSERT INTO follow_ups (company_id, user_id, customer_id, last_follow_time, last_activity_time)
		VALUES ($1, $2, $3, '2026-11-30 02:03:04+00', '2026-12-01 10:00:00+00')`, co.id, co.rep.ID, c1.ID)

	res, body := download(t, co.rep, qyPath+"customer/export", nil)
	expectCSV(t, res, "customers")
	want := csvHeaderCustomers + fmt.Sprintf("%d,%s,'-老王,'+8613800000000,\"'=HYPERLINK(\"\"http://x\"\")\",'@经理,扫码,\"%s, %s\",\"重点, VIP, 大客户\",2026-12-24,80%%,67,已成交,2026-12-01 18:00:00,2026-11-30 10:03:04\r\n",
		c1.ID, name1, co.repName, userName(t, co.rep2))
	if body != want {
		t.Fatalf("rep's export:\n%q\nwant\n%q", body, want)
	}
	// The admin sees both, by id; the rep2-only customer has no details.
	_, body = download(t, co.admin, qyPath+"customer/export", nil)
	lines := strings.Split(strings.TrimSuffix(body, "\r\n"), "\r\n")
	if len(lines) != 3 || !strings.HasPrefix(lines[1], fmt.Sprint(c1.ID)+",") ||
		lines[2] != fmt.Sprintf("%d,%s,,,,,转发,%s,,,,,跟进中,,", c2.ID, name2, userName(t, co.rep2)) {
		t.Fatalf("admin's export:\n%s", body)
	}
	// Another company's admin sees none of them.
	_, body = download(t, other.admin, qyPath+"customer/export", nil)
	if strings.Contains(body, name1) || strings.Contains(body, name2) || strings.Count(body, "\r\n") != 2 {
		t.Fatalf("other company's export:\n%s", body)
	}
	// Wrong method and a bad signature are envelopes, not files.
	lt.Expect(t, srv.Post(t, co.rep, qyPath+"customer/export", nil), 402, "请求异常")
	bad := co.rep
	bad.Token = lt.NewToken()
	lt.Expect(t, srv.Get(t, bad, qyPath+"customer/export", nil), 400, "token异常")
}

func userName(t *testing.T, p lt.Principal) string {
	t.Helper()
	var n string
	srv.Scalar(t, &n, `SELECT username FROM users WHERE id = $1`, p.ID)
	return n
}

// D9 action/export: the caller's radar events with E31's filters, newest
// first, nothing marked read; a bad filter is the E31 envelope.
func TestD9ActionExport(t *testing.T) {
	co := newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	var name string
	srv.Scalar(t, &name, `SELECT username FROM customers WHERE id = $1`, cu.ID)
	srv.Exec(t, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at) VALUES
		($1, $2, $3, 1, '首次查看你的名片,沟通从此刻开始', '2026-11-30 01:00:00+00'),
		($1, $2, $3, 10, '拨打您的手机', '2026-12-01 01:00:00+00'),
		($1, $4, $3, 1, '别人的', '2026-12-01 02:00:00+00')`, co.id, co.rep.ID, cu.ID, co.rep2.ID)
	res, body := download(t, co.rep, qyPath+"action/export", nil)
	expectCSV(t, res, "actions")
	want := "\ufeff时间,客户ID,客户名称,行为,记录\r\n" +
		fmt.Sprintf("2026-12-01 09:00:00,%d,%s,拨打电话,%s拨打您的手机\r\n", cu.ID, name, name) +
		fmt.Sprintf("2026-11-30 09:00:00,%d,%s,查看名片,\"%s首次查看你的名片,沟通从此刻开始\"\r\n", cu.ID, name, name)
	if body != want {
		t.Fatalf("export:\n%q\nwant\n%q", body, want)
	}
	_, body = download(t, co.rep, qyPath+"action/export", url.Values{"action": {"10"}})
	if strings.Count(body, "\r\n") != 2 || !strings.Contains(body, "拨打您的手机") {
		t.Fatalf("action=10:\n%s", body)
	}
	// Exporting marks nothing read: the new-event feed still has both.
	if n := srv.Count(t, `SELECT count(*) FROM radar_unread WHERE user_id = $1`, co.rep.ID); n != 2 {
		t.Fatalf("%d unread after the export, want 2", n)
	}
	lt.ExpectFields(t, srv.Get(t, co.rep, qyPath+"action/export", url.Values{"action": {"abc"}}), 402, true,
		map[string]string{"action": "Enter a whole number."})
}
