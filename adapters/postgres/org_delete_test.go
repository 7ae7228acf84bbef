package postgres_test

import (
	"context"
	"database/sql"
	"errors"
	"fmt"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/org"
	"leida/ports"
)

// Deleting companies and roles in use.

type deleteFixture struct {
	cardFixture
	companies *postgres.Companies
	roles     *postgres.Roles
	users     *postgres.Users
}

func newDeleteFixture(t *testing.T) deleteFixture {
	f := newCardFixture(t)
	return deleteFixture{f, postgres.NewCompanies(f.db), postgres.NewRoles(f.db), postgres.NewUsers(f.db)}
}

var everywhere = org.Scope{AllCompanies: true}

// waitForLockWait returns once a backend of the test database waits for a
// row lock.
func waitForLockWait(t *testing.T, raw *sql.DB) {
	t.Helper()
	deadline := time.Now().Add(10 * time.Second)
	for time.Now().Before(deadline) {
		var n int
		if err := raw.QueryRow(`SELECT count(*) FROM pg_stat_activity
			WHERE datname = current_database() AND wait_event_type = 'Lock'`).Scan(&n); err != nil {
			t.Fatal(err)
		}
		if n > 0 {
			return
		}
		time.Sleep(5 * time.Millisecond)
	}
	t.Fatal("no backend waits for a lock")
}

// A user insert in progress holds FOR KEY SHARE on its company's and role's
// rows until it commits. The deletion waits for it, and then sees the user:
// in use. (A single DELETE ... WHERE NOT EXISTS would decide in the snapshot
// taken before the wait, miss the user, and delete it with the company.)
func TestDeleteWaitsForAUserBeingAddedAndRefuses(t *testing.T) {
	f := newDeleteFixture(t)
	ctx := context.Background()
	var roleID, empty int64
	if err := f.raw.QueryRow(`INSERT INTO roles (name, level) VALUES ('临时', 3) RETURNING id`).Scan(&roleID); err != nil {
		t.Fatal(err)
	}
	if err := f.raw.QueryRow(`INSERT INTO companies (name) VALUES ('空') RETURNING id`).Scan(&empty); err != nil {
		t.Fatal(err)
	}
	for _, c := range []struct {
		name string
		del  func() error
	}{
		{"company", func() error { return f.companies.Delete(ctx, everywhere, empty) }},
		{"role", func() error { return f.roles.Delete(ctx, roleID) }},
	} {
		t.Run(c.name, func(t *testing.T) {
			tx, err := f.raw.BeginTx(ctx, nil)
			if err != nil {
				t.Fatal(err)
			}
			name := "late-" + c.name
			var userID int64
			if err := tx.QueryRow(`INSERT INTO users (company_id, role_id, username, token) VALUES ($1, $2, $3::text, md5($3::text)) RETURNING id`,
				empty, roleID, name).Scan(&userID); err != nil {
				t.Fatal(err)
			}
			done := make(chan error, 1)
			go func() { done <- c.del() }()
			waitForLockWait(t, f.raw)
			if err := tx.Commit(); err != nil {
				t.Fatal(err)
			}
			if err := <-done; !errors.Is(err, ports.ErrInUse) {
				t.Fatalf("delete: %v, want ErrInUse", err)
			}
			if n := f.count(t, `SELECT count(*) FROM users WHERE id = $1 AND company_id = $2 AND role_id = $3`, userID, empty, roleID); n != 1 {
				t.Fatal("the user lost its company or role")
			}
			// Without live users the deletion goes through.
			if _, err := f.raw.Exec(`UPDATE users SET deleted_at = now() WHERE id = $1`, userID); err != nil {
				t.Fatal(err)
			}
		})
	}
	if err := f.companies.Delete(ctx, everywhere, f.other); !errors.Is(err, ports.ErrInUse) {
		t.Fatalf("company with a live user: %v", err)
	}
	if err := f.roles.Delete(ctx, roleID); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE role_id = $1`, roleID); n != 0 {
		t.Fatal("deleted users keep a deleted role")
	}
	if err := f.companies.Delete(ctx, org.Scope{CompanyID: f.company}, empty); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("company out of scope: %v", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE company_id = $1`, empty); n != 2 {
		t.Fatalf("deleted users of the company: %d", n)
	}
	if err := f.companies.Delete(ctx, everywhere, empty); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE company_id = $1`, empty); n != 0 {
		t.Fatal("deleted users survive their company")
	}
	if err := f.companies.Delete(ctx, everywhere, empty); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("deleted twice: %v", err)
	}
	if err := f.roles.Delete(ctx, roleID); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("role deleted twice: %v", err)
	}
}

// The other order: the deletion holds the row, a user insert waits for it
// and then fails its foreign key — ErrMissingReference, nothing written.
func TestUserAddedWhileItsCompanyIsDeletedFails(t *testing.T) {
	f := newDeleteFixture(t)
	ctx := context.Background()
	var empty int64
	if err := f.raw.QueryRow(`INSERT INTO companies (name) VALUES ('空') RETURNING id`).Scan(&empty); err != nil {
		t.Fatal(err)
	}
	tx, err := f.raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx.Exec(`DELETE FROM companies WHERE id = $1`, empty); err != nil {
		t.Fatal(err)
	}
	done := make(chan error, 1)
	go func() {
		u := org.User{CompanyID: empty, Username: "迟到", Token: "0123456789abcdef0123456789abcdef", Status: org.StatusEnabled}
		done <- f.users.Create(ctx, &u)
	}()
	waitForLockWait(t, f.raw)
	if err := tx.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-done; !errors.Is(err, ports.ErrMissingReference) {
		t.Fatalf("create: %v, want ErrMissingReference", err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE username = '迟到'`); n != 0 {
		t.Fatal("user written")
	}
}

// Concurrent adds and a deletion, many times: either the deletion is
// refused and every added user keeps its company and role, or it happened
// and no add succeeded — never a user deleted with, or orphaned from, what
// it was added to.
func TestDeleteAgainstConcurrentAddsNeverLosesAUser(t *testing.T) {
	f := newDeleteFixture(t)
	ctx := context.Background()
	const rounds, adders = 40, 4
	deleted := map[bool]int{}
	for round := range rounds {
		company := org.Company{Name: fmt.Sprint("并发", round)}
		if err := f.companies.Create(ctx, &company); err != nil {
			t.Fatal(err)
		}
		role := org.Role{Name: fmt.Sprint("并发岗", round), Level: org.LevelMember}
		if err := f.roles.Create(ctx, &role); err != nil {
			t.Fatal(err)
		}
		var wg sync.WaitGroup
		start := make(chan struct{})
		added := make([]int64, adders)
		var delCompany, delRole error
		for i := range adders {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				u := org.User{CompanyID: company.ID, RoleID: role.ID, Username: fmt.Sprintf("u%d-%d", round, i),
					Token: fmt.Sprintf("%032x", round*100+i), Status: org.StatusEnabled}
				switch err := f.users.Create(ctx, &u); {
				case err == nil:
					added[i] = u.ID
				case !errors.Is(err, ports.ErrMissingReference):
					t.Errorf("add: %v", err)
				}
			}()
		}
		wg.Add(2)
		go func() { defer wg.Done(); <-start; delCompany = f.companies.Delete(ctx, everywhere, company.ID) }()
		go func() { defer wg.Done(); <-start; delRole = f.roles.Delete(ctx, role.ID) }()
		close(start)
		wg.Wait()
		for what, err := range map[string]error{"company": delCompany, "role": delRole} {
			if err != nil && !errors.Is(err, ports.ErrInUse) {
				t.Fatalf("round %d: delete %s: %v", round, what, err)
			}
		}
		n := 0
		for _, id := range added {
			if id == 0 {
				continue
			}
			n++
			if delCompany == nil || delRole == nil {
				t.Fatalf("round %d: user %d was added (company deleted: %v, role deleted: %v)", round, id, delCompany == nil, delRole == nil)
			}
			if f.count(t, `SELECT count(*) FROM users WHERE id = $1 AND company_id = $2 AND role_id = $3`, id, company.ID, role.ID) != 1 {
				t.Fatalf("round %d: user %d lost its company or role", round, id)
			}
		}
		if live := f.count(t, `SELECT count(*) FROM users WHERE company_id = $1 OR role_id = $2`, company.ID, role.ID); live != n {
			t.Fatalf("round %d: %d users of the company or role, %d adds succeeded", round, live, n)
		}
		deleted[delCompany == nil]++
	}
	t.Logf("company deleted in %d rounds, refused in %d", deleted[true], deleted[false])
}
