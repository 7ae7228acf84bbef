package wechat

import (
	"context"
	"reflect"
	"testing"

	"leida/domain/directory"
	"leida/test/fakewechat"
)

func newDirectory(t *testing.T) (*Directory, *fakewechat.Directory, directory.Corp) {
	t.Helper()
	fake := start(t)
	corp := directory.Corp{ID: "wwcorpA", Secret: "contacts-secret-A"}
	dir := fake.AddCorp(corp.ID, corp.Secret)
	return NewDirectory(fake.URL, nil, nil, 0), dir, corp
}

func TestDirectoryCreatesListsUpdatesAndDeletes(t *testing.T) {
	ctx := context.Background()
	c, fake, corp := newDirectory(t)
	sales, err := c.CreateDepartment(ctx, corp, "销售部", 0)
	if err != nil || sales < 2 {
		t.Fatalf("create department: %d, %v", sales, err)
	}
	east, err := c.CreateDepartment(ctx, corp, "华东", sales)
	if err != nil {
		t.Fatal(err)
	}
	if d, ok := fake.Department(int(east)); !ok || d.ParentID != int(sales) || d.Name != "华东" {
		t.Fatalf("WeCom has %+v", d)
	}
	m := directory.Member{UserID: "zhangsan", Name: "张三", Departments: []int64{east}, Position: "经理", Mobile: "13800000001", Gender: 1}
	if err := c.CreateMember(ctx, corp, m); err != nil {
		t.Fatal(err)
	}
	m.Position = "总监"
	if err := c.UpdateMember(ctx, corp, m); err != nil {
		t.Fatal(err)
	}
	depts, err := c.Departments(ctx, corp)
	if err != nil || len(depts) != 3 {
		t.Fatalf("departments %+v, %v", depts, err)
	}
	members, err := c.Members(ctx, corp)
	if err != nil || len(members) != 1 {
		t.Fatalf("members %+v, %v", members, err)
	}
	got := members[0]
	if got.UserID != "zhangsan" || got.Name != "张三" || got.Position != "总监" || got.Mobile != "13800000001" ||
		got.Gender != 1 || !reflect.DeepEqual(got.Departments, []int64{east}) || !got.Active {
		t.Fatalf("member %+v (a member created through the API is not yet activated, but active to Leida)", got)
	}
	if err := c.UpdateDepartment(ctx, corp, directory.Department{ID: east, Name: "华东区", ParentID: sales}); err != nil {
		t.Fatal(err)
	}
	// WeCom refuses to delete a department with members: its errcode comes back.
	gatewayError(t, c.DeleteDepartment(ctx, corp, east), fakewechat.CodeDeptHasMembers)
	if err := c.DeleteMember(ctx, corp, "zhangsan"); err != nil {
		t.Fatal(err)
	}
	if err := c.DeleteDepartment(ctx, corp, east); err != nil {
		t.Fatal(err)
	}
	gatewayError(t, c.DeleteMember(ctx, corp, "zhangsan"), fakewechat.CodeUserIDNotFound)
	if fake.Requests(fakewechat.PathWeComToken) > 1 {
		t.Fatalf("%d token requests: the token is cached per corp", fake.Requests(fakewechat.PathWeComToken))
	}
}

func TestDirectoryKeepsATokenPerCorpAndNeedsCredentials(t *testing.T) {
	ctx := context.Background()
	c, _, corpA := newDirectory(t)
	if _, err := c.Departments(ctx, directory.Corp{ID: corpA.ID}); err == nil {
		t.Fatal("no secret: want an error")
	}
	if _, err := c.Departments(ctx, directory.Corp{ID: corpA.ID, Secret: "wrong"}); err == nil {
		t.Fatal("wrong secret: want an error")
	}
	if _, err := c.Departments(ctx, corpA); err != nil {
		t.Fatal(err)
	}
}
