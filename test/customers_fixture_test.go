package test

import (
	"net/url"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

const qyPath = "/zhugeleida/qiyeweixin/"

// crmCompany is a company created through E17 (so it has its tag groups),
// with an admin and two members.
type crmCompany struct {
	id               int64
	name             string
	admin, rep, rep2 lt.Principal
	repName          string
}

func newCRMCompany(t *testing.T) crmCompany {
	t.Helper()
	c := crmCompany{name: lt.Unique("客户公司")}
	lt.Expect(t, srv.Post(t, srv.Admin, "/zhugeleida/admin/company/add/0", url.Values{"name": {c.name}}), 200, "添加成功")
	srv.Scalar(t, &c.id, `SELECT id FROM companies WHERE name = $1`, c.name)
	c.repName = lt.Unique("rep")
	c.admin = srv.NewUser(t, c.id, lt.CompanyAdmin, lt.Unique("crmadmin"))
	c.rep = srv.NewUser(t, c.id, lt.Member, c.repName)
	c.rep2 = srv.NewUser(t, c.id, lt.Member, lt.Unique("rep2-"))
	return c
}

// bind makes the customer belong to the user (source 1 扫码, 2 转发).
func bind(t *testing.T, companyID int64, user lt.Principal, customerID int64, source int) {
	t.Helper()
	srv.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, $4)`,
		companyID, user.ID, customerID, source)
}

// newBoundCustomer is a fresh customer bound to user.
func newBoundCustomer(t *testing.T, companyID int64, user lt.Principal, source int) lt.Principal {
	t.Helper()
	cu := srv.NewCustomer(t, lt.Unique("客户"))
	bind(t, companyID, user, cu.ID, source)
	return cu
}

// tagID is the id of the company's tag of that name.
func tagID(t *testing.T, companyID int64, name string) int64 {
	t.Helper()
	var id int64
	srv.Scalar(t, &id, `SELECT id FROM tags WHERE company_id = $1 AND name = $2 ORDER BY id LIMIT 1`, companyID, name)
	return id
}

func notesOf(t *testing.T, user lt.Principal, customerID int64) []string {
	t.Helper()
	return srv.Strings(t, `SELECT n.note FROM follow_notes n JOIN follow_ups f ON f.id = n.follow_up_id
		WHERE f.user_id = $1 AND f.customer_id = $2 ORDER BY n.id`, user.ID, customerID)
}

func tagNamesOf(t *testing.T, companyID, customerID int64) []string {
	t.Helper()
	return srv.Strings(t, `SELECT t.name FROM customer_tags ct JOIN tags t ON t.id = ct.tag_id
		WHERE ct.company_id = $1 AND ct.customer_id = $2 ORDER BY t.id`, companyID, customerID)
}

// shanghaiNoon is noon, daysAgo calendar days ago, in Asia/Shanghai.
func shanghaiNoon(t *testing.T, daysAgo int) time.Time {
	t.Helper()
	sh, err := time.LoadLocation("Asia/Shanghai")
	if err != nil {
		t.Fatal(err)
	}
	y, m, d := time.Now().In(sh).Date()
	return time.Date(y, m, d-daysAgo, 12, 0, 0, 0, sh)
}

// endpointCase is one endpoint for the auth and method checks.
type endpointCase struct {
	name, method, path string
	wrongMethod        string
}

var crmEndpoints = []endpointCase{
	{"E05", "GET", qyPath + "customer", "POST"},
	{"E06", "POST", qyPath + "customer/update_information/1", "GET"},
	{"E07", "POST", qyPath + "customer/update_customer/1", "GET"},
	{"E08", "POST", qyPath + "customer/delete/1", "PUT"},
	{"E20", "GET", qyPath + "tag_customer", "POST"},
	{"E21", "GET", qyPath + "tag_list", "POST"},
	{"E22", "POST", qyPath + "tag_customer/add/0", "GET"},
	{"E23", "POST", qyPath + "tag_list/add_tag/1", "GET"},
	{"E24", "POST", qyPath + "tag_list/customer_tag/1", "GET"},
	{"E34", "GET", qyPath + "tongxunlu", "POST"},
	{"E35", "GET", qyPath + "follow_language", "POST"},
	{"E36", "POST", qyPath + "follow_language/add/0", "GET"},
	{"E37", "POST", qyPath + "follow_language/delete/1", "GET"},
	{"E38", "GET", qyPath + "follow_info", "POST"},
	{"E39", "POST", qyPath + "customer/update_expected_time/1", "GET"},
	{"E40", "POST", qyPath + "customer/update_expected_pr/1", "GET"},
	{"E41", "POST", qyPath + "customer/update_tag/1", "GET"},
	{"A2", "GET", qyPath + "search/get_tag", "POST"},
	{"A3", "GET", qyPath + "search/get_user", "POST"},
	{"A4", "POST", qyPath + "follow_info/add/1", "GET"},
}

// TestCRMEndpointsAuthAndMethod checks, for every endpoint of issue 3, a
// bad signature, a stale timestamp, a disabled user and a wrong method.
func TestCRMEndpointsAuthAndMethod(t *testing.T) {
	co := newCRMCompany(t)
	disabled := srv.NewUser(t, co.id, lt.Member, lt.Unique("disabled"))
	srv.Exec(t, `UPDATE users SET status = 2 WHERE id = $1`, disabled.ID)
	for _, ep := range crmEndpoints {
		t.Run(ep.name, func(t *testing.T) {
			q := lt.Sign(co.rep, time.Now())
			q.Set("rand_str", "0123456789abcdef0123456789abcdef")
			r := srv.Do(t, lt.Request{Method: ep.method, Path: ep.path, RawQuery: q.Encode(), Form: url.Values{}})
			lt.Expect(t, r, 400, "token异常")
			lt.ExpectEmptyData(t, r)
			r = srv.Do(t, lt.Request{Method: ep.method, Path: ep.path, As: &co.rep, At: time.Now().Add(-time.Hour), Form: url.Values{}})
			lt.Expect(t, r, 400, "token异常")
			r = srv.Do(t, lt.Request{Method: ep.method, Path: ep.path, As: &disabled, Form: url.Values{}})
			lt.Expect(t, r, 306, "账户未启用")
			r = srv.Do(t, lt.Request{Method: ep.wrongMethod, Path: ep.path, As: &co.rep})
			lt.Expect(t, r, 402, "请求异常")
			lt.ExpectEmptyData(t, r)
		})
	}
}
