package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/directory"
	"leida/domain/org"
	"leida/ports"
)

// A plan applied and read back plans nothing: what the store writes is what
// the synchronisation compares next time.
func TestDirectoryApplyThenLocalPlansNothing(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store := postgres.NewDirectory(f.db)
	remote := []directory.Department{{ID: 1, Name: "公司"}, {ID: 2, Name: "销售部", ParentID: 1}, {ID: 3, Name: "华东", ParentID: 2},
		{ID: 4, Name: "华东", ParentID: 1}}
	members := []directory.Member{
		{UserID: "zs", Name: "张三", Departments: []int64{3, 1}, Position: "经理", Mobile: "13800000001", Active: true},
		{UserID: "ls", Name: "李四", Departments: []int64{4}, Active: true},
	}
	local, users, err := store.Local(ctx, f.company)
	if err != nil {
		t.Fatal(err)
	}
	plan := directory.MakePlan(remote, members, local, users)
	var newUsers []org.User
	for i, m := range plan.CreateUsers {
		newUsers = append(newUsers, m.NewUser(f.company, 0, "tok"+string(rune('a'+i))+"0123456789abcdef0123456789ab"))
	}
	if err := store.Apply(ctx, f.company, plan, newUsers); err != nil {
		t.Fatal(err)
	}
	local, users, err = store.Local(ctx, f.company)
	if err != nil {
		t.Fatal(err)
	}
	if again := directory.MakePlan(remote, members, local, users); !again.Empty() {
		t.Fatalf("second run plans %v", again.Lines())
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE company_id = $1 AND wecom_userid <> '' AND status = 2`, f.company); n != 2 {
		t.Fatalf("%d disabled WeCom users, want 2", n)
	}
	if n := f.count(t, `SELECT count(*) FROM departments d JOIN departments p ON p.id = d.parent_id WHERE d.wecom_id = 3 AND p.wecom_id = 2`); n != 1 {
		t.Fatal("华东 (3) is not under 销售部 (2)")
	}
	// WeCom drops a member and a department: the user is disabled, never deleted.
	plan = directory.MakePlan(remote[:3], members[:1], local, users)
	if len(plan.DisableUsers) != 0 || len(plan.DeleteDepartments) != 1 {
		t.Fatalf("plan %v", plan.Lines())
	}
	if err := store.Apply(ctx, f.company, plan, nil); err != nil {
		t.Fatal(err)
	}
	if n := f.count(t, `SELECT count(*) FROM users WHERE wecom_userid = 'ls' AND deleted_at IS NULL`); n != 1 {
		t.Fatal("李四 was deleted")
	}
}

func TestDirectoryDeleteDepartmentRefusesMembersAndChildrenAndRollsBackOnWeCom(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store := postgres.NewDirectory(f.db)
	parent := directory.LocalDepartment{CompanyID: f.company, Name: "销售部", WeComID: 2}
	if err := store.CreateDepartment(ctx, &parent); err != nil {
		t.Fatal(err)
	}
	child := directory.LocalDepartment{CompanyID: f.company, Name: "华东", ParentID: parent.ID}
	if err := store.CreateDepartment(ctx, &child); err != nil {
		t.Fatal(err)
	}
	dup := directory.LocalDepartment{CompanyID: f.company, Name: "华东"}
	if err := store.CreateDepartment(ctx, &dup); !errors.Is(err, ports.ErrDuplicate) {
		t.Fatalf("same name: %v", err)
	}
	other := directory.LocalDepartment{CompanyID: f.other, Name: "华东"}
	if err := store.CreateDepartment(ctx, &other); err != nil {
		t.Fatalf("same name in another company: %v", err)
	}
	never := func() error { t.Fatal("WeCom called for a refused delete"); return nil }
	if err := store.DeleteDepartment(ctx, f.company, parent.ID, never); !errors.Is(err, ports.ErrInUse) {
		t.Fatalf("with a child: %v", err)
	}
	if err := f.db.ExecForTest(ctx, `INSERT INTO user_departments (company_id, user_id, department_id) VALUES (?, ?, ?)`,
		f.company, f.rep, child.ID); err != nil {
		t.Fatal(err)
	}
	if err := store.DeleteDepartment(ctx, f.company, child.ID, never); !errors.Is(err, ports.ErrInUse) {
		t.Fatalf("with a member: %v", err)
	}
	if err := store.DeleteDepartment(ctx, f.other, child.ID, never); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("another company's: %v", err)
	}
	// A deleted (hidden) member does not hold the department; WeCom refusing rolls the delete back.
	if err := f.db.ExecForTest(ctx, `UPDATE users SET deleted_at = now() WHERE id = ?`, f.rep); err != nil {
		t.Fatal(err)
	}
	refused := errors.New("wecom refused")
	if err := store.DeleteDepartment(ctx, f.company, child.ID, func() error { return refused }); !errors.Is(err, refused) {
		t.Fatalf("WeCom refusing: %v", err)
	}
	if _, err := store.DepartmentInScope(ctx, org.Scope{CompanyID: f.company}, child.ID); err != nil {
		t.Fatalf("rolled back: %v", err)
	}
	if err := store.DeleteDepartment(ctx, f.company, child.ID, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
	if err := store.DeleteDepartment(ctx, f.company, parent.ID, func() error { return nil }); err != nil {
		t.Fatal(err)
	}
}

// The daily synchronisation's claim: one instance a day per company, and
// only companies with WeCom credentials are listed.
func TestDirectoryDailyClaimIsOncePerDay(t *testing.T) {
	f := newCardFixture(t)
	ctx := context.Background()
	store := postgres.NewDirectory(f.db)
	if err := f.db.ExecForTest(ctx, `UPDATE companies SET corp_id = 'ww', tongxunlu_secret = 's' WHERE id = ?`, f.company); err != nil {
		t.Fatal(err)
	}
	ids, err := store.CompaniesWithDirectory(ctx)
	if err != nil || len(ids) != 1 || ids[0] != f.company {
		t.Fatalf("companies %v, %v", ids, err)
	}
	results := make(chan bool, 8)
	for range 8 {
		go func() {
			ok, err := store.ClaimSync(ctx, f.company, 24*time.Hour)
			if err != nil {
				t.Error(err)
			}
			results <- ok
		}()
	}
	won := 0
	for range 8 {
		if <-results {
			won++
		}
	}
	if won != 1 {
		t.Fatalf("%d of 8 concurrent claims won, want 1", won)
	}
	if err := f.db.ExecForTest(ctx, `UPDATE companies SET directory_synced_at = now() - interval '25 hours' WHERE id = ?`, f.company); err != nil {
		t.Fatal(err)
	}
	if ok, err := store.ClaimSync(ctx, f.company, 24*time.Hour); err != nil || !ok {
		t.Fatalf("a day later: %v, %v", ok, err)
	}
}
