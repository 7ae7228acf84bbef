package test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"testing"

	lt "leida/test/leidatest"
)

const whPath = "/zhugeleida/qiyeweixin/webhook"

// webhookItem is a D9 webhook list item.
type webhookItem struct {
	ID             int64    `json:"id"`
	URL            string   `json:"url"`
	Events         []string `json:"events"`
	Enabled        bool     `json:"enabled"`
	DisabledReason string   `json:"disabled_reason"`
	FailingSince   *string  `json:"failing_since"`
	CreateDate     string   `json:"create_date"`
	UpdateDate     string   `json:"update_date"`
	Secret         *string  `json:"secret"`
}

var webhookKeys = []string{"id", "url", "events", "enabled", "disabled_reason", "failing_since", "create_date", "update_date"}

func addWebhook(t *testing.T, s *lt.Server, admin lt.Principal, hookURL string, events string) webhookItem {
	t.Helper()
	r := s.Post(t, admin, whPath, url.Values{"url": {hookURL}, "events": {events}})
	lt.Expect(t, r, 200, "添加成功")
	var w webhookItem
	r.Decode(t, &w)
	return w
}

func listWebhooks(t *testing.T, s *lt.Server, admin lt.Principal) []webhookItem {
	t.Helper()
	r := s.Get(t, admin, whPath, nil)
	lt.Expect(t, r, 200, "查询成功")
	var p lt.Page
	r.Decode(t, &p)
	out := make([]webhookItem, len(p.RetData))
	for i, raw := range p.RetData {
		if keys := lt.KeysOf(raw); !reflect.DeepEqual(keys, webhookKeys) {
			t.Fatalf("item keys %v, want %v", keys, webhookKeys)
		}
		if err := json.Unmarshal(raw, &out[i]); err != nil {
			t.Fatal(err)
		}
	}
	if p.DataCount != len(out) {
		t.Fatalf("data_count %d for %d items", p.DataCount, len(out))
	}
	return out
}

// D9: company admins add, list, update and delete their webhook endpoints;
// the secret is shown once; members and other companies are refused.
func TestD9WebhookEndpoints(t *testing.T) {
	company := srv.NewCompany(t, lt.Unique("钩子公司"))
	admin := srv.NewUser(t, company, lt.CompanyAdmin, lt.Unique("whadmin"))
	member := srv.NewUser(t, company, lt.Member, lt.Unique("whmember"))
	otherAdmin := srv.NewUser(t, srv.NewCompany(t, lt.Unique("别家钩子")), lt.CompanyAdmin, lt.Unique("whother"))

	if got := listWebhooks(t, srv, admin); len(got) != 0 {
		t.Fatalf("new company lists %v", got)
	}
	w := addWebhook(t, srv, admin, "https://crm.example.com/hooks/leida?k=1", "chat.message, radar.event")
	if w.Secret == nil || !regexp.MustCompile(`^whsec_[0-9a-f]{64}$`).MatchString(*w.Secret) {
		t.Fatalf("secret %v", w.Secret)
	}
	if !reflect.DeepEqual(w.Events, []string{"radar.event", "chat.message"}) || !w.Enabled || w.FailingSince != nil || w.DisabledReason != "" {
		t.Fatalf("added %+v", w)
	}
	w2 := addWebhook(t, srv, admin, "http://erp.example.cn:8080/in", `["customer.ai_pr","customer.outcome"]`)
	if !reflect.DeepEqual(w2.Events, []string{"customer.outcome", "customer.ai_pr"}) {
		t.Fatalf("JSON list: %+v", w2.Events)
	}
	list := listWebhooks(t, srv, admin)
	if len(list) != 2 || list[0].ID != w.ID || list[1].ID != w2.ID || list[0].Secret != nil {
		t.Fatalf("list %+v (oldest first, no secret)", list)
	}

	// Bad input: the add form's field errors (301).
	for _, tc := range []struct {
		form url.Values
		want map[string]string
	}{
		{url.Values{}, map[string]string{"url": "This field is required.", "events": "This field is required."}},
		{url.Values{"url": {"ftp://x.example.com/"}, "events": {"radar.event"}}, map[string]string{"url": "Enter a valid URL."}},
		{url.Values{"url": {"crm.example.com/hook"}, "events": {"radar.event"}}, map[string]string{"url": "Enter a valid URL."}},
		{url.Values{"url": {"http://127.0.0.1:9/hook"}, "events": {"radar.event"}},
			map[string]string{"url": "Enter a public address: loopback, private and reserved addresses are not allowed."}},
		{url.Values{"url": {"http://localhost/hook"}, "events": {"radar.event"}},
			map[string]string{"url": "Enter a public address: loopback, private and reserved addresses are not allowed."}},
		{url.Values{"url": {"http://169.254.169.254/latest"}, "events": {"radar.event"}},
			map[string]string{"url": "Enter a public address: loopback, private and reserved addresses are not allowed."}},
		{url.Values{"url": {"https://crm.example.com/" + strings.Repeat("a", 2100)}, "events": {"radar.event"}},
			map[string]string{"url": "Enter a valid URL."}},
		{url.Values{"url": {"https://crm.example.com/"}, "events": {"radar.event,radar.*"}},
			map[string]string{"events": "Select a valid choice. radar.* is not one of the available choices."}},
		{url.Values{"url": {"https://crm.example.com/"}, "events": {" , "}}, map[string]string{"events": "This field is required."}},
	} {
		lt.ExpectFields(t, srv.Post(t, admin, whPath, tc.form), 301, false, tc.want)
	}
	// NUL bytes and invalid UTF-8 are refused at the boundary, writing nothing.
	before := srv.Count(t, `SELECT count(*) FROM webhook_endpoints`)
	for _, b := range badTexts {
		lt.ExpectFields(t, srv.Post(t, admin, whPath, url.Values{"url": {"https://crm.example.com/" + b.value}, "events": {"radar.event"}}),
			301, false, map[string]string{"url": b.msg})
		lt.ExpectFields(t, srv.Post(t, admin, whPath+"/update/"+id(w.ID), url.Values{"events": {b.value}}), 301, false,
			map[string]string{"events": b.msg})
	}
	if after := srv.Count(t, `SELECT count(*) FROM webhook_endpoints`); after != before {
		t.Fatalf("refused requests wrote endpoints: %d → %d", before, after)
	}

	// Members and another company's admin: 非法请求 / not found, nothing changed.
	lt.Expect(t, srv.Get(t, member, whPath, nil), 404, "非法请求")
	lt.Expect(t, srv.Post(t, member, whPath, url.Values{"url": {"https://a.example.com/"}, "events": {"radar.event"}}), 404, "非法请求")
	lt.Expect(t, srv.Post(t, otherAdmin, whPath+"/update/"+id(w.ID), url.Values{"enabled": {"false"}}), 302, "webhook不存在")
	lt.Expect(t, srv.Post(t, otherAdmin, whPath+"/delete/"+id(w.ID), nil), 302, "webhook不存在")
	lt.Expect(t, srv.Get(t, otherAdmin, whPath+"/deliveries", url.Values{"webhook_id": {id(w.ID)}}), 302, "webhook不存在")
	if got := listWebhooks(t, srv, otherAdmin); len(got) != 0 {
		t.Fatalf("the other company sees %v", got)
	}

	// Update: what is sent changes; the update form's errors are 303.
	r := srv.Post(t, admin, whPath+"/update/"+id(w.ID), url.Values{"events": {"customer.outcome"}, "enabled": {"false"}})
	lt.Expect(t, r, 200, "修改成功")
	var up webhookItem
	r.Decode(t, &up)
	if up.URL != w.URL || !reflect.DeepEqual(up.Events, []string{"customer.outcome"}) || up.Enabled || up.Secret != nil {
		t.Fatalf("updated %+v", up)
	}
	lt.ExpectFields(t, srv.Post(t, admin, whPath+"/update/"+id(w.ID), url.Values{"url": {"nope"}, "enabled": {"maybe"}}), 303, false,
		map[string]string{"url": "Enter a valid URL.", "enabled": "Select a valid choice. maybe is not one of the available choices."})
	lt.Expect(t, srv.Post(t, admin, whPath+"/update/999999999", url.Values{"enabled": {"1"}}), 302, "webhook不存在")
	lt.Expect(t, srv.Get(t, admin, whPath+"/update/"+id(w.ID), nil), 402, "请求异常")

	// Deliveries: the query is checked (402, errors in data); none yet.
	lt.ExpectFields(t, srv.Get(t, admin, whPath+"/deliveries", nil), 402, true, map[string]string{"webhook_id": "This field is required."})
	lt.ExpectFields(t, srv.Get(t, admin, whPath+"/deliveries", url.Values{"webhook_id": {"x"}}), 402, true,
		map[string]string{"webhook_id": "Enter a whole number."})
	r = srv.Get(t, admin, whPath+"/deliveries", url.Values{"webhook_id": {id(w.ID)}})
	lt.Expect(t, r, 200, "查询成功")
	if string(r.Data) != `{"ret_data":[],"data_count":0}` {
		t.Fatalf("deliveries %s", r.Data)
	}

	// Delete, then it is gone.
	lt.Expect(t, srv.Post(t, admin, whPath+"/delete/"+id(w.ID), nil), 200, "删除成功")
	lt.Expect(t, srv.Post(t, admin, whPath+"/delete/"+id(w.ID), nil), 302, "webhook不存在")
	if got := listWebhooks(t, srv, admin); len(got) != 1 || got[0].ID != w2.ID {
		t.Fatalf("after delete %+v", got)
	}
	// Never more than 20 per company.
	for i := 1; i < 20; i++ {
		addWebhook(t, srv, admin, "https://crm.example.com/"+id(int64(i)), "radar.event")
	}
	lt.Expect(t, srv.Post(t, admin, whPath, url.Values{"url": {"https://crm.example.com/21"}, "events": {"radar.event"}}), 301, "最多可添加20个webhook")
}
