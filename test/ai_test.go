package test

import (
	"encoding/json"
	"net/url"
	"reflect"
	"strconv"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// D10: the AI close probability — outcomes, the stored score and its
// explanation, E34's order, rescoring after events, the hot-lead alert.

const aiQY = "/zhugeleida/qiyeweixin"

func outcome(t *testing.T, p lt.Principal, cust int64, form url.Values) *lt.Resp {
	t.Helper()
	return srv.Post(t, p, aiQY+"/customer/update_outcome/"+strconv.FormatInt(cust, 10), form)
}

func TestD10UpdateOutcome(t *testing.T) {
	co := newCRMCompany(t)
	other := newCRMCompany(t)
	cu := newBoundCustomer(t, co.id, co.rep, 1)
	lt.ExpectFields(t, outcome(t, co.rep, cu.ID, url.Values{}), 301, false, map[string]string{"outcome": "This field is required."})
	lt.ExpectFields(t, outcome(t, co.rep, cu.ID, url.Values{"outcome": {"maybe"}}), 301, false,
		map[string]string{"outcome": "Select a valid choice. maybe is not one of the available choices."})
	tomorrow := time.Now().In(chatZone).AddDate(0, 0, 1).Format("2006-01-02")
	lt.ExpectFields(t, outcome(t, co.rep, cu.ID, url.Values{"outcome": {"won"}, "closed_at": {tomorrow}}), 301, false,
		map[string]string{"closed_at": "成交日期不能晚于今天"})
	lt.ExpectFields(t, outcome(t, co.rep, cu.ID, url.Values{"outcome": {"won"}, "closed_at": {"2026-13-01"}}), 301, false,
		map[string]string{"closed_at": "Enter a valid date."})
	// Invisible: another rep (a member), another company's admin, an unknown id.
	lt.Expect(t, outcome(t, co.rep2, cu.ID, url.Values{"outcome": {"won"}}), 302, "客户不存在")
	lt.Expect(t, outcome(t, other.admin, cu.ID, url.Values{"outcome": {"won"}}), 302, "客户不存在")
	lt.Expect(t, outcome(t, co.rep, 999999999, url.Values{"outcome": {"won"}}), 302, "客户不存在")
	if n := srv.Count(t, `SELECT count(*) FROM customer_profiles WHERE customer_id = $1 AND outcome <> 0`, cu.ID); n != 0 {
		t.Fatal("a refused outcome was written")
	}

	lt.Expect(t, outcome(t, co.rep, cu.ID, url.Values{"outcome": {"won"}, "closed_at": {"2026-11-20"}}), 200, "修改成功")
	var state string
	var closed *time.Time
	if err := srv.DB.QueryRow(`SELECT outcome::text, closed_at FROM customer_profiles WHERE company_id = $1 AND customer_id = $2`,
		co.id, cu.ID).Scan(&state, &closed); err != nil || state != "1" || closed == nil || closed.Format("2006-01-02") != "2026-11-20" {
		t.Fatalf("stored %s %v %v", state, closed, err)
	}
	detail := func(p lt.Principal) map[string]any {
		var d struct {
			RetData []map[string]any `json:"ret_data"`
		}
		srv.Get(t, p, aiQY+"/customer", url.Values{"customer_id": {id(cu.ID)}}).Decode(t, &d)
		if len(d.RetData) != 1 {
			t.Fatalf("E05: %v", d)
		}
		return d.RetData[0]
	}
	if got := detail(co.rep)["outcome"]; got != "won" {
		t.Fatalf("E05 outcome %v", got)
	}
	// A company admin may mark it too (D6); reopening writes its note.
	lt.Expect(t, outcome(t, co.admin, cu.ID, url.Values{"outcome": {"lost"}}), 200, "修改成功")
	lt.Expect(t, outcome(t, co.rep, cu.ID, url.Values{"outcome": {"open"}}), 200, "修改成功")
	if got := detail(co.rep)["outcome"]; got != "open" {
		t.Fatalf("E05 outcome after reopening %v", got)
	}
	notes := srv.Strings(t, `SELECT n.note FROM follow_notes n JOIN follow_ups f ON f.id = n.follow_up_id
		WHERE f.company_id = $1 AND f.customer_id = $2 ORDER BY n.id`, co.id, cu.ID)
	expectSame(t, "notes", notes, []string{"标记为成交", "标记为输单", "重新跟进"})
	if n := srv.Count(t, `SELECT count(*) FROM customer_profiles WHERE company_id = $1 AND customer_id = $2`, other.id, cu.ID); n != 0 {
		t.Fatal("the outcome leaked into another company's profile")
	}
}

type aiAnswer struct {
	CustomerID int64  `json:"customer_id"`
	AIPr       string `json:"ai_pr"`
	Tier       string `json:"tier"`
	Reasons    []struct {
		Text   string `json:"text"`
		Points int    `json:"points"`
	} `json:"reasons"`
	Model     string  `json:"model"`
	DealsUsed int     `json:"deals_used"`
	TrainedAt *string `json:"trained_at"`
}

func explain(t *testing.T, p lt.Principal, cust int64) (*lt.Resp, aiAnswer) {
	t.Helper()
	r := srv.Get(t, p, aiQY+"/customer/ai_pr", url.Values{"customer_id": {id(cust)}})
	var a aiAnswer
	if r.Code == 200 {
		r.Decode(t, &a)
	}
	return r, a
}

// waitScored waits for the customer's stored score to be newer than since.
func waitScored(t *testing.T, company, cust int64, since time.Time) (int, time.Duration) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for {
		var pr *int
		var at *time.Time
		_ = srv.DB.QueryRow(`SELECT ai_pr, ai_scored_at FROM customer_profiles WHERE company_id = $1 AND customer_id = $2`,
			company, cust).Scan(&pr, &at)
		if pr != nil && at != nil && at.After(since) {
			return *pr, at.Sub(since)
		}
		if time.Now().After(deadline) {
			t.Fatalf("customer %d not rescored within 5 s", cust)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func deref(p *int) any {
	if p == nil {
		return nil
	}
	return *p
}

func cardEvent(t *testing.T, cust lt.Principal, rep int64, path string, extra ...string) {
	t.Helper()
	q := url.Values{"uid": {id(rep)}}
	for i := 0; i+1 < len(extra); i += 2 {
		q.Set(extra[i], extra[i+1])
	}
	lt.Expect(t, srv.Get(t, cust, "/zhugeleida/xiaochengxu"+path, q), 200, "记录日志成功")
}

// An event rescores its customer (the stored score moves, with reasons);
// the explanation endpoint answers it, for the visible only.
func TestD10ScoreFollowsEventsAndIsExplained(t *testing.T) {
	co, other := newCRMCompany(t), newCRMCompany(t)
	cust := srv.NewCustomer(t, lt.Unique("热客户"))
	bind(t, co.id, co.rep, cust.ID, 1)

	r, a := explain(t, co.rep, cust.ID)
	lt.Expect(t, r, 200, "查询成功")
	var raw map[string]json.RawMessage
	r.Decode(t, &raw)
	expectSame(t, "keys", lt.KeysOf(r.Data), []string{"customer_id", "ai_pr", "tier", "reasons", "model", "deals_used", "trained_at"})
	if a.Model != "prior" || a.DealsUsed != 0 || a.TrainedAt != nil || a.CustomerID != cust.ID {
		t.Fatalf("before any training: %+v", a)
	}
	before, _ := strconv.Atoi(a.AIPr)

	t0 := time.Now()
	cardEvent(t, cust, co.rep.ID, "/mingpian/calling")
	first, took := waitScored(t, co.id, cust.ID, t0)
	t.Logf("rescored %s after the event", took.Round(time.Millisecond))
	for range 3 {
		cardEvent(t, cust, co.rep.ID, "/mingpian/calling")
	}
	cardEvent(t, cust, co.rep.ID, "/action/record", "action", "7")
	cardEvent(t, cust, co.rep.ID, "/action/record", "action", "5")
	t1 := time.Now()
	cardEvent(t, cust, co.rep.ID, "/mingpian/save_phone")
	after, _ := waitScored(t, co.id, cust.ID, t1)
	if after <= first || after <= before {
		t.Fatalf("score did not rise with high-intent events: %d → %d → %d", before, first, after)
	}
	_, a = explain(t, co.rep, cust.ID)
	if a.AIPr != strconv.Itoa(after) || len(a.Reasons) == 0 || a.Reasons[0].Points <= 0 {
		t.Fatalf("explanation %+v (stored %d)", a, after)
	}
	found := false
	for _, reason := range a.Reasons {
		if strings.Contains(reason.Text, "拨打您的电话4次") && reason.Points > 0 {
			found = true
		}
	}
	if !found {
		t.Fatalf("the calls are not among the reasons: %+v", a.Reasons)
	}
	// E05 and E32 carry the stored score.
	var d struct {
		RetData []map[string]any `json:"ret_data"`
	}
	srv.Get(t, co.rep, aiQY+"/customer", url.Values{"customer_id": {id(cust.ID)}}).Decode(t, &d)
	if d.RetData[0]["ai_pr"] != strconv.Itoa(after) {
		t.Fatalf("E05 ai_pr %v, stored %d", d.RetData[0]["ai_pr"], after)
	}
	var e32 []map[string]any
	srv.Get(t, co.rep, aiQY+"/action/customer", nil).Decode(t, &e32)
	if len(e32) != 1 || e32[0]["ai_pr"] != strconv.Itoa(after) {
		t.Fatalf("E32 %v", e32)
	}
	// Tenancy: invisible customers answer 302, bad ids the validation error.
	lt.Expect(t, srv.Get(t, co.rep2, aiQY+"/customer/ai_pr", url.Values{"customer_id": {id(cust.ID)}}), 302, "客户不存在")
	lt.Expect(t, srv.Get(t, other.admin, aiQY+"/customer/ai_pr", url.Values{"customer_id": {id(cust.ID)}}), 302, "客户不存在")
	lt.ExpectFields(t, srv.Get(t, co.rep, aiQY+"/customer/ai_pr", url.Values{"customer_id": {"x"}}), 402, true,
		map[string]string{"customer_id": "客户ID不能为空"})
}

// Training (`leida ai train`) builds the company's own model from its
// closed deals; E34 orders by the stored score.
func TestD10TrainingAndAddressBookOrder(t *testing.T) {
	co := newCRMCompany(t)
	var ids []int64
	for i := range 40 {
		cu := srv.NewCustomer(t, lt.Unique("成交客户"))
		bind(t, co.id, co.rep, cu.ID, 1)
		srv.Exec(t, `INSERT INTO follow_ups (company_id, user_id, customer_id) VALUES ($1, $2, $3) ON CONFLICT DO NOTHING`, co.id, co.rep.ID, cu.ID)
		if i < 30 { // closed deals: the callers won
			won := i%3 == 0
			for range map[bool]int{true: 4, false: 0}[won] {
				cardEvent(t, cu, co.rep.ID, "/mingpian/calling")
			}
			form := url.Values{"outcome": {map[bool]string{true: "won", false: "lost"}[won]}, "closed_at": {time.Now().In(chatZone).Format("2006-01-02")}}
			lt.Expect(t, outcome(t, co.rep, cu.ID, form), 200, "修改成功")
		} else {
			ids = append(ids, cu.ID)
			if i%2 == 0 {
				cardEvent(t, cu, co.rep.ID, "/mingpian/calling")
			}
		}
	}
	out, err := srv.Command("ai", "train", "--company", id(co.id))
	if err != nil {
		t.Fatal(err)
	}
	var trained map[string]any
	if err := json.Unmarshal([]byte(out), &trained); err != nil {
		t.Fatalf("%s: %v", out, err)
	}
	for _, k := range []string{"company_id", "model", "deals", "won", "lost", "auc", "brier", "trained_at"} {
		if _, ok := trained[k]; !ok {
			t.Fatalf("training line %s lacks %s", out, k)
		}
	}
	if trained["model"] != "naive_bayes" || trained["deals"] != float64(30) || trained["won"] != float64(10) || trained["scored"] != float64(10) {
		t.Fatalf("trained %s", out)
	}
	_, a := explain(t, co.rep, ids[0])
	if a.Model != "naive_bayes" || a.DealsUsed != 30 || a.TrainedAt == nil {
		t.Fatalf("after training %+v", a)
	}
	order := func(o string) []int64 {
		var page struct {
			RetData []struct {
				CustomerID int64  `json:"customer_id"`
				AIPr       string `json:"ai_pr"`
			} `json:"ret_data"`
		}
		srv.Get(t, co.rep, aiQY+"/tongxunlu", url.Values{"order": {o}, "length": {"100"}}).Decode(t, &page)
		var out []int64
		prev := -1
		for _, it := range page.RetData {
			pr, err := strconv.Atoi(it.AIPr)
			if it.AIPr == "" {
				pr = -1
			} else if err != nil {
				t.Fatalf("ai_pr %q", it.AIPr)
			}
			if o == "ai_pr" && pr < prev && pr >= 0 || o == "-ai_pr" && prev >= 0 && pr > prev {
				t.Fatalf("order %s broken at %d after %d", o, pr, prev)
			}
			if pr >= 0 {
				prev = pr
			}
			out = append(out, it.CustomerID)
		}
		return out
	}
	asc, desc := order("ai_pr"), order("-ai_pr")
	if len(asc) != 40 || reflect.DeepEqual(asc, desc) {
		t.Fatalf("E34 by ai_pr: %v / %v", asc, desc)
	}
}

// A rise of 15 points within a day alerts the customer's reps once.
func TestD10HotLeadAlertOnceADay(t *testing.T) {
	co := newCRMCompany(t)
	cust := srv.NewCustomer(t, lt.Unique("要买的客户"))
	bind(t, co.id, co.rep, cust.ID, 1)
	t0 := time.Now()
	lt.Expect(t, srv.Get(t, cust, "/zhugeleida/xiaochengxu/mingpian", url.Values{"uid": {id(co.rep.ID)}}), 200, "查询成功") // E42
	start, _ := waitScored(t, co.id, cust.ID, t0)
	stream := openStream(t, srv, co.rep, aiQY+"/stream", nil, nil)
	for range 3 {
		cardEvent(t, cust, co.rep.ID, "/mingpian/calling")
	}
	cardEvent(t, cust, co.rep.ID, "/action/record", "action", "7")
	cardEvent(t, cust, co.rep.ID, "/action/record", "action", "7")
	cardEvent(t, cust, co.rep.ID, "/action/record", "action", "5")
	cardEvent(t, cust, co.rep.ID, "/mingpian/save_phone")
	var hot map[string]any
	deadline := time.Now().Add(8 * time.Second)
	for hot == nil && time.Now().Before(deadline) {
		select {
		case ev := <-stream.events:
			if ev.Event == "hot_lead" {
				if err := json.Unmarshal([]byte(ev.Data), &hot); err != nil {
					t.Fatal(err)
				}
			}
		case <-time.After(100 * time.Millisecond):
		}
	}
	if hot == nil || hot["customer_id"] != float64(cust.ID) {
		var pr, base *int
		var hotAt *time.Time
		_ = srv.DB.QueryRow(`SELECT ai_pr, ai_baseline, hot_lead_at FROM customer_profiles WHERE company_id = $1 AND customer_id = $2`,
			co.id, cust.ID).Scan(&pr, &base, &hotAt)
		t.Fatalf("no hot_lead (score %d at the start; now %v, baseline %v, alerted %v; %d stream events)", start, deref(pr), deref(base),
			hotAt, srv.Count(t, `SELECT count(*) FROM stream_events WHERE event = 'hot_lead' AND principal_id = $1`, co.rep.ID))
	}
	if pr := hot["ai_pr"].(float64); int(pr) < start+15 && hot["tier"] != "A" {
		t.Fatalf("hot lead at %v from %d", hot["ai_pr"], start)
	}
	if reasons, _ := hot["reasons"].([]any); len(reasons) == 0 {
		t.Fatalf("hot lead without reasons: %v", hot)
	}
	// More activity the same day: no second alert.
	for range 3 {
		cardEvent(t, cust, co.rep.ID, "/mingpian/calling")
	}
	t1 := time.Now()
	cardEvent(t, cust, co.rep.ID, "/mingpian/save_phone")
	waitScored(t, co.id, cust.ID, t1)
	deadline = time.Now().Add(time.Second)
	for time.Now().Before(deadline) {
		select {
		case ev := <-stream.events:
			if ev.Event == "hot_lead" {
				t.Fatalf("a second hot_lead the same day: %s", ev.Data)
			}
		case <-time.After(50 * time.Millisecond):
		}
	}
}
