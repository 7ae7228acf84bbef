package test

import (
	"encoding/json"
	"os"
	"os/exec"
	"strings"
	"testing"

	lt "leida/test/leidatest"
)

// `leida seed --demo` gives `make run` a living product: every demo rep's
// address book, radar and contact list have something to show, and a second
// run changes nothing.
func TestSeedDemoMakesALivingDemo(t *testing.T) {
	s, err := lt.Start(lt.Options{Prefix: "demo"})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Stop()
	bin, _ := lt.Binary()
	seed := func() string {
		cmd := exec.Command(bin, "seed", "--demo")
		cmd.Env = append(os.Environ(), "DATABASE_URL="+s.DBURL, "MEDIA_ROOT="+s.MediaRoot)
		out, err := cmd.CombinedOutput()
		if err != nil {
			t.Fatalf("seed: %v\n%s", err, out)
		}
		return string(out)
	}
	out := seed()
	if !strings.Contains(out, "demo data loaded") {
		t.Fatalf("first run: %s", out)
	}
	// Its last line names whom to try the demo as (make run signs a curl line for each).
	var guide struct {
		RepID        int64  `json:"rep_user_id"`
		RepName      string `json:"rep_username"`
		CustomerID   int64  `json:"customer_id"`
		CustomerName string `json:"customer_username"`
	}
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &guide); err != nil || guide.RepName != "张聪" || guide.CustomerName != "王小明" {
		t.Fatalf("guide line: %v %s", err, out)
	}
	if n := s.Count(t, `SELECT count(*) FROM chat_messages WHERE user_id = $1 AND customer_id = $2`, guide.RepID, guide.CustomerID); n == 0 {
		t.Fatal("the demo rep and customer have no chat")
	}
	counts := func() string {
		var b strings.Builder
		for _, table := range []string{"users", "customers", "customer_belongers", "follow_notes", "access_logs", "chat_messages", "tags", "user_photos"} {
			b.WriteString(table + "=" + id(int64(s.Count(t, `SELECT count(*) FROM `+table))) + " ")
		}
		return b.String()
	}
	before := counts()
	if out := seed(); !strings.Contains(out, "already present") || counts() != before {
		t.Fatalf("second run: %s\n%s\n%s", out, before, counts())
	}

	rep := lt.Principal{}
	s.Scalar(t, &rep.ID, `SELECT id FROM users WHERE username = '张聪'`)
	s.Scalar(t, &rep.Token, `SELECT token FROM users WHERE id = $1`, rep.ID)
	// First the unread feed: opening the timeline marks its page read.
	r := s.Get(t, rep, "/zhugeleida/qiyeweixin/action/get_new_log", nil)
	lt.Expect(t, r, 200, "查询日志记录成功")
	if rows, _ := r.DataMap(t)["ret_data"].([]any); len(rows) == 0 {
		t.Error("no unread radar events in the demo")
	}
	for path, msg := range map[string]string{
		"/zhugeleida/qiyeweixin/tongxunlu":   "查询成功",
		"/zhugeleida/qiyeweixin/action/time": "查询日志记录成功",
		"/zhugeleida/qiyeweixin/contact":     "",
		"/zhugeleida/qiyeweixin/tag_user":    "",
	} {
		r := s.Get(t, rep, path, nil)
		lt.Expect(t, r, 200, msg)
		d := r.DataMap(t)
		if rows, _ := d["ret_data"].([]any); len(rows) == 0 {
			t.Errorf("%s is empty for the demo rep: %s", path, r.Raw)
		}
	}
}
