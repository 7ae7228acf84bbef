package test

import (
	"context"
	"database/sql"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"net/url"
	"sync"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// Issue 9.14: deleting a company (E18) or a role (E11) and adding users to
// it (E02) at the same time never deletes or orphans a user.

// waitForLockWait returns once a backend of the server's database waits for a lock.
func waitForLockWait(t *testing.T) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		if srv.Count(t, `SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() AND wait_event_type = 'Lock'`) > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("nothing waits for a lock")
}

// answerWhileHeld runs hold in a transaction, sends r, and commits once r
// waits for a lock of the transaction; it returns r's answer.
func answerWhileHeld(t *testing.T, hold func(*sql.Tx), r lt.Request) *lt.Resp {
	t.Helper()
	tx, err := srv.DB.BeginTx(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	defer tx.Rollback()
	hold(tx)
	answer := make(chan *lt.Resp, 1)
	go func() {
		resp, err := srv.Send(r)
		if err != nil {
			t.Error(err)
		}
		answer <- resp
	}()
	waitForLockWait(t)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	return <-answer
}

// companyAndRole makes a company and a role, and names the one deleted:
// the role when deleteRole, else the company.
func companyAndRole(t *testing.T, deleteRole bool) (company, role, target int64) {
	t.Helper()
	company, role = srv.NewCompany(t, lt.Unique("删除中")), newRole(t)
	if deleteRole {
		return company, role, role
	}
	return company, role, company
}

func newRole(t *testing.T) int64 {
	t.Helper()
	var role int64
	srv.Scalar(t, &role, `INSERT INTO roles (name, level) VALUES ($1, 3) RETURNING id`, lt.Unique("临时岗"))
	return role
}

// A user being added commits while the deletion runs: the deletion waits for
// it and answers in use; the user keeps its company and role.
func TestE18E11WaitForAUserBeingAdded(t *testing.T) {
	for _, c := range []struct {
		name, path, msg string
	}{
		{"company", "/zhugeleida/admin/company/delete/", "该企业有关联用户,请转移用户后再试"},
		{"role", "/zhugeleida/admin/role/delete/", "该角色下存在用户,请转移用户后再试"},
	} {
		t.Run(c.name, func(t *testing.T) {
			company, role, target := companyAndRole(t, c.name == "role")
			var user int64
			r := answerWhileHeld(t, func(tx *sql.Tx) {
				if err := tx.QueryRow(`INSERT INTO users (company_id, role_id, username, token, status) VALUES ($1, $2, $3, $4, 1) RETURNING id`,
					company, role, lt.Unique("正在加入"), lt.NewToken()).Scan(&user); err != nil {
					t.Fatal(err)
				}
			}, lt.Request{Method: "POST", Path: c.path + id(target), As: &srv.Admin, Form: url.Values{}})
			lt.Expect(t, r, 303, c.msg)
			if srv.Count(t, `SELECT count(*) FROM users WHERE id = $1 AND company_id = $2 AND role_id = $3`, user, company, role) != 1 {
				t.Fatal("the user lost its company or role")
			}
		})
	}
}

// The other order: the company (or role) is being deleted while E02 adds a
// user to it; the add waits, then answers the form's error for the gone
// company or role (never a 500), and writes nothing.
func TestE02IntoACompanyOrRoleBeingDeleted(t *testing.T) {
	for _, c := range []struct{ table, field, msg string }{
		{"companies", "company_id", "公司id不存在"},
		{"roles", "role_id", "角色ID不存在"},
	} {
		t.Run(c.table, func(t *testing.T) {
			company, role, target := companyAndRole(t, c.table == "roles")
			name := lt.Unique("迟到")
			r := answerWhileHeld(t, func(tx *sql.Tx) {
				if _, err := tx.Exec(`DELETE FROM `+c.table+` WHERE id = $1`, target); err != nil {
					t.Fatal(err)
				}
			}, lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/user/add/0", As: &srv.Admin,
				Form: url.Values{"username": {name}, "password": {"secret1"}, "role_id": {id(role)}, "company_id": {id(company)}}})
			lt.ExpectFields(t, r, 301, false, map[string]string{c.field: c.msg})
			if srv.Count(t, `SELECT count(*) FROM users WHERE username = $1`, name) != 0 {
				t.Fatal("user written")
			}
		})
	}
}

// Rounds of concurrent E02 adds with an E18 and an E11 of the company and
// role they add to, each started at a random moment. Either a deletion is
// refused (303) and every acknowledged user is there with its company and
// role, or it happened (200) and no add was acknowledged (each answered the
// form's error) — never a user deleted with, or orphaned from, what it was
// added to; never a 500.
func TestE18E11AgainstConcurrentE02NeverLoseAUser(t *testing.T) {
	const rounds, adders = 12, 3
	outcomes := map[string]int{}
	for round := range rounds {
		company, role := srv.NewCompany(t, lt.Unique("并发公司")), newRole(t)
		var wg sync.WaitGroup
		var mu sync.Mutex
		var acked []string
		var delCompany, delRole *lt.Resp
		send := func(r lt.Request, delay time.Duration) *lt.Resp {
			time.Sleep(delay)
			resp, err := srv.Send(r)
			if err != nil {
				t.Error(err)
				return &lt.Resp{}
			}
			return resp
		}
		// An add spends tens of milliseconds hashing the password before it
		// writes: deletions start within a wider span, so that they land
		// before, among and after the writes.
		jitter := func(span int) time.Duration { return time.Duration(rand.IntN(span)) * time.Millisecond }
		for range adders {
			name := lt.Unique("并发用户")
			wg.Add(1)
			go func() {
				defer wg.Done()
				r := send(lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/user/add/0", As: &srv.Admin,
					Form: url.Values{"username": {name}, "password": {"secret1"}, "role_id": {id(role)}, "company_id": {id(company)}}}, jitter(20))
				mu.Lock()
				defer mu.Unlock()
				switch {
				case r.Status == 200 && r.Code == 200:
					acked = append(acked, name)
				case r.Status == 200 && r.Code == 301:
					var fields lt.FieldErrors
					if err := json.Unmarshal(r.Msg, &fields); err != nil || len(fields) == 0 {
						t.Errorf("add refused without fields: %s", r.Raw)
					}
					for f, errs := range fields {
						if !(f == "company_id" && errs[0].Message == "公司id不存在") && !(f == "role_id" && errs[0].Message == "角色ID不存在") {
							t.Errorf("add refused for another reason: %s", r.Raw)
						}
					}
				default:
					t.Errorf("add: HTTP %d %s", r.Status, r.Raw)
				}
			}()
		}
		wg.Add(2)
		go func() {
			defer wg.Done()
			delCompany = send(lt.Request{Method: "POST", Path: "/zhugeleida/admin/company/delete/" + id(company), As: &srv.Admin, Form: url.Values{}}, jitter(200))
		}()
		go func() {
			defer wg.Done()
			delRole = send(lt.Request{Method: "POST", Path: "/zhugeleida/admin/role/delete/" + id(role), As: &srv.Admin, Form: url.Values{}}, jitter(200))
		}()
		wg.Wait()
		if t.Failed() {
			t.FailNow()
		}
		deleted := func(r *lt.Resp, inUse string) bool {
			switch {
			case r.Status == 200 && r.Code == 200 && r.MsgString() == "删除成功":
				return true
			case r.Status == 200 && r.Code == 303 && r.MsgString() == inUse:
				return false
			}
			t.Fatalf("round %d: delete answered HTTP %d %s", round, r.Status, r.Raw)
			return false
		}
		companyGone, roleGone := deleted(delCompany, "该企业有关联用户,请转移用户后再试"), deleted(delRole, "该角色下存在用户,请转移用户后再试")
		if len(acked) > 0 && (companyGone || roleGone) {
			t.Fatalf("round %d: %d users added, yet company deleted %v, role deleted %v", round, len(acked), companyGone, roleGone)
		}
		for _, name := range acked {
			if srv.Count(t, `SELECT count(*) FROM users WHERE username = $1 AND company_id = $2 AND role_id = $3 AND deleted_at IS NULL`,
				name, company, role) != 1 {
				t.Fatalf("round %d: acknowledged user %s lost its company or role", round, name)
			}
		}
		if n := srv.Count(t, `SELECT count(*) FROM users WHERE company_id = $1 OR role_id = $2`, company, role); n != len(acked) {
			t.Fatalf("round %d: %d users of the company or role, %d adds acknowledged", round, n, len(acked))
		}
		if companyGone != (srv.Count(t, `SELECT count(*) FROM companies WHERE id = $1`, company) == 0) ||
			roleGone != (srv.Count(t, `SELECT count(*) FROM roles WHERE id = $1`, role) == 0) {
			t.Fatalf("round %d: a deletion's answer and the database disagree", round)
		}
		outcomes[fmt.Sprintf("company deleted %v, role deleted %v, %d added", companyGone, roleGone, len(acked))]++
	}
	t.Logf("outcomes: %v", outcomes)
}
