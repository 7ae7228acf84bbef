package postgres_test

import (
	"context"
	"errors"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/tag"
	"leida/ports"
)

type crmFixture struct {
	db        *postgres.DB
	customers *postgres.Customers
	tags      *postgres.Tags
	followUps *postgres.FollowUps
	phrases   *postgres.Phrases
	companyA  int64
	companyB  int64
	repA      int64
	rep2A     int64
	repB      int64
}

func newCRMFixture(t *testing.T) crmFixture {
	t.Helper()
	db, _ := pgtest.New(t, time.UTC)
	ctx := context.Background()
	f := crmFixture{db: db, customers: postgres.NewCustomers(db), tags: postgres.NewTags(db),
		followUps: postgres.NewFollowUps(db), phrases: postgres.NewPhrases(db)}
	companies, users := postgres.NewCompanies(db), postgres.NewUsers(db)
	mk := func(name string) int64 {
		c := org.Company{Name: name}
		if err := companies.Create(ctx, &c); err != nil {
			t.Fatal(err)
		}
		if err := f.tags.EnsureDefaultGroups(ctx, c.ID); err != nil {
			t.Fatal(err)
		}
		return c.ID
	}
	user := func(companyID int64, name string) int64 {
		u := org.User{CompanyID: companyID, Username: name, Token: name + "00000000000000000000000000000000"[len(name):], Status: org.StatusEnabled}
		if err := users.Create(ctx, &u); err != nil {
			t.Fatal(err)
		}
		return u.ID
	}
	f.companyA, f.companyB = mk("甲"), mk("乙")
	f.repA, f.rep2A, f.repB = user(f.companyA, "repa"), user(f.companyA, "rep2a"), user(f.companyB, "repb")
	return f
}

func (f crmFixture) newCustomer(t *testing.T, name string) int64 {
	t.Helper()
	c := customer.Customer{OpenID: "o-" + name, UserType: customer.UserTypeMiniProgram, Username: name, Headimgurl: customer.DefaultAvatar,
		Sex: 1, Token: name + "11111111111111111111111111111111"[len(name):]}
	if err := f.customers.CreateIdentity(context.Background(), &c); err != nil {
		t.Fatal(err)
	}
	return c.ID
}

func TestCustomersVisibilityAndForget(t *testing.T) {
	f := newCRMFixture(t)
	ctx := context.Background()
	cid := f.newCustomer(t, "shared")
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(f.customers.Bind(ctx, f.companyA, f.repA, cid, customer.SourceForward))
	must(f.customers.Bind(ctx, f.companyA, f.repA, cid, customer.SourceScan)) // idempotent
	must(f.customers.Bind(ctx, f.companyB, f.repB, cid, customer.SourceScan))
	memberA := customer.Viewer{CompanyID: f.companyA, UserID: f.repA}
	if _, err := f.customers.Visible(ctx, memberA, cid); err != nil {
		t.Fatal(err)
	}
	if _, err := f.customers.Visible(ctx, customer.Viewer{CompanyID: f.companyA, UserID: f.rep2A}, cid); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("a colleague without a binding: %v", err)
	}
	if _, err := f.customers.Visible(ctx, customer.Viewer{CompanyID: f.companyA, UserID: f.rep2A, WholeCompany: true}, cid); err != nil {
		t.Fatalf("the company sees it: %v", err)
	}
	pr := "80%"
	must(f.customers.UpdateProfile(ctx, f.companyA, cid, func(p *customer.Profile) { p.ExpectedPr = &pr }))
	day := time.Date(2018, 6, 14, 0, 0, 0, 0, time.UTC)
	must(f.customers.SaveInformation(ctx, f.companyA, cid, customer.Information{Phone: "13812345678", Birthday: &day, Mem: "m"}))
	must(f.customers.SaveInformation(ctx, f.companyB, cid, customer.Information{Mem: "b"}))
	group, err := f.tags.Group(ctx, f.companyA, tag.GroupCustom)
	must(err)
	tg := tag.Tag{CompanyID: f.companyA, ParentID: &group.ID, Name: "爱撸串"}
	must(f.tags.Create(ctx, &tg))
	must(f.tags.ReplaceCustomerTags(ctx, f.companyA, cid, []int64{tg.ID}))
	id, err := f.followUps.Follow(ctx, f.companyA, f.repA, cid, time.Now())
	must(err)
	must(f.followUps.AddNote(ctx, f.companyA, id, "note", time.Now()))

	d, err := f.customers.Detail(ctx, memberA, cid)
	must(err)
	if d.Source != customer.SourceForward || *d.ExpectedPr != "80%" || d.Information.Phone != "13812345678" ||
		d.Information.Birthday.Format("2006-01-02") != "2018-06-14" || len(d.Tags) != 1 || d.Tags[0] != "爱撸串" || d.Username != "shared" {
		t.Fatalf("detail %+v %+v", d, d.Information)
	}
	dB, err := f.customers.Detail(ctx, customer.Viewer{CompanyID: f.companyB, UserID: f.repB}, cid)
	must(err)
	if dB.ExpectedPr != nil || dB.Information.Mem != "b" || len(dB.Tags) != 0 {
		t.Fatalf("company B sees company A's knowledge: %+v", dB)
	}

	remaining, err := f.customers.Unbind(ctx, f.companyA, f.repA, cid)
	must(err)
	if remaining != 0 {
		t.Fatalf("remaining %d", remaining)
	}
	must(f.customers.Forget(ctx, f.companyA, cid))
	if _, err := f.customers.Detail(ctx, customer.Viewer{CompanyID: f.companyA, WholeCompany: true}, cid); !errors.Is(err, ports.ErrNotFound) {
		t.Fatalf("company A still sees the customer: %v", err)
	}
	dB, err = f.customers.Detail(ctx, customer.Viewer{CompanyID: f.companyB, UserID: f.repB}, cid)
	if err != nil || dB.Information.Mem != "b" {
		t.Fatalf("company B lost its data: %v", err)
	}
}

func TestEnsureDefaultGroupsIsIdempotent(t *testing.T) {
	f := newCRMFixture(t)
	ctx := context.Background()
	if err := f.tags.EnsureDefaultGroups(ctx, f.companyA); err != nil {
		t.Fatal(err)
	}
	all, err := f.tags.All(ctx, f.companyA)
	if err != nil {
		t.Fatal(err)
	}
	groups := tag.BuildGroups(all)
	want := tag.DefaultGroups()
	if len(groups) != len(want) {
		t.Fatalf("groups %+v", groups)
	}
	for i, g := range groups {
		if g.Name != want[i].Name || len(g.Tags) != len(want[i].Tags) {
			t.Fatalf("group %d: %+v", i, g)
		}
		for j, tg := range g.Tags {
			if tg.Name != want[i].Tags[j] {
				t.Fatalf("tag %s", tg.Name)
			}
		}
	}
}

func TestFollowUpsOneRelationPerRep(t *testing.T) {
	f := newCRMFixture(t)
	ctx := context.Background()
	cid := f.newCustomer(t, "c1")
	if err := f.customers.Bind(ctx, f.companyA, f.repA, cid, customer.SourceScan); err != nil {
		t.Fatal(err)
	}
	first, err := f.followUps.Follow(ctx, f.companyA, f.repA, cid, time.Now().Add(-time.Hour))
	if err != nil {
		t.Fatal(err)
	}
	if err := f.followUps.SetActivity(ctx, f.companyA, f.repA, cid, time.Now()); err != nil {
		t.Fatal(err)
	}
	second, err := f.followUps.Follow(ctx, f.companyA, f.repA, cid, time.Now())
	if err != nil || first != second {
		t.Fatalf("one relation: %d %d %v", first, second, err)
	}
	entries, total, err := f.followUps.AddressBook(ctx, f.companyA, f.repA, 0, ports.ListQuery{})
	if err != nil || total != 1 || entries[0].LastActivityTime == nil || entries[0].LastFollowTime == nil {
		t.Fatalf("address book %+v %d %v", entries, total, err)
	}
}

func TestMigrationBackfillsTagGroupsAndGlobalPhrases(t *testing.T) {
	db, _ := pgtest.New(t, time.UTC)
	ctx := context.Background()
	globals, err := postgres.NewPhrases(db).Globals(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if len(globals) != len(followup.GlobalPhrases) {
		t.Fatalf("%d global phrases", len(globals))
	}
	for i, p := range globals { // newest first
		if want := followup.GlobalPhrases[len(followup.GlobalPhrases)-1-i]; p.Text != want {
			t.Fatalf("global %d: %q, want %q", i, p.Text, want)
		}
	}
	// Roll back to before 00002, add a company, migrate again.
	for {
		st, err := db.MigrationStatuses(ctx)
		if err != nil {
			t.Fatal(err)
		}
		applied2 := false
		for _, s := range st {
			if s.Version == 2 && s.Applied {
				applied2 = true
			}
		}
		if !applied2 {
			break
		}
		if err := db.MigrateDown(ctx); err != nil {
			t.Fatal(err)
		}
	}
	c := org.Company{Name: "老公司"}
	if err := postgres.NewCompanies(db).Create(ctx, &c); err != nil {
		t.Fatal(err)
	}
	if _, err := db.MigrateUp(ctx); err != nil {
		t.Fatal(err)
	}
	all, err := postgres.NewTags(db).All(ctx, c.ID)
	if err != nil {
		t.Fatal(err)
	}
	var names []string
	for _, g := range tag.BuildGroups(all) {
		names = append(names, g.Name)
		for _, tg := range g.Tags {
			names = append(names, " "+tg.Name)
		}
	}
	var want []string
	for _, g := range tag.DefaultGroups() {
		want = append(want, g.Name)
		for _, n := range g.Tags {
			want = append(want, " "+n)
		}
	}
	if len(names) != len(want) {
		t.Fatalf("backfilled %q, want %q", names, want)
	}
	for i := range want {
		if names[i] != want[i] {
			t.Fatalf("backfilled %q, want %q", names, want)
		}
	}
}
