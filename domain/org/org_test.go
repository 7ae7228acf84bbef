package org

import (
	"strings"
	"testing"
)

func p(id int64, parent int64, order int, title string) Permission {
	perm := Permission{ID: id, OrderNum: order, Title: title}
	if parent != 0 {
		perm.ParentID = &parent
	}
	return perm
}

func TestBuildPermissionTreeOrdersDepthFirstAndDecorates(t *testing.T) {
	perms := []Permission{
		p(1, 0, 2, "系统"), p(2, 0, 1, "雷达"), p(3, 1, 2, "角色"), p(4, 1, 1, "用户"), p(5, 4, 1, "导入"), p(6, 99, 3, "孤儿"),
	}
	flat, roots := BuildPermissionTree(perms)
	var seq []string
	for _, n := range flat {
		seq = append(seq, n.DecoratedTitle)
	}
	want := "雷达|系统||----- 用户||--------- 导入||----- 角色|孤儿"
	if got := strings.Join(seq, "|"); got != want {
		t.Fatalf("flat = %s", got)
	}
	if len(roots) != 3 || roots[1].Title != "系统" || len(roots[1].Children) != 2 || roots[1].Children[0].ParentTitle != "系统" {
		t.Fatalf("roots %+v", roots)
	}
	if roots[1].Children[0].Children[0].Level != 3 {
		t.Fatal("level of grandchild")
	}
	// The same node objects are in both views.
	if flat[2] != roots[1].Children[0] {
		t.Fatal("nodes not shared")
	}
}

func TestIsDescendant(t *testing.T) {
	perms := []Permission{p(1, 0, 1, "a"), p(2, 1, 1, "b"), p(3, 2, 1, "c"), p(4, 0, 1, "d")}
	for _, c := range []struct {
		id, candidate int64
		want          bool
	}{{1, 1, true}, {1, 3, true}, {2, 3, true}, {3, 1, false}, {1, 4, false}} {
		if got := IsDescendant(perms, c.id, c.candidate); got != c.want {
			t.Errorf("IsDescendant(%d, %d) = %v", c.id, c.candidate, got)
		}
	}
}

func TestMaskedSecret(t *testing.T) {
	for in, want := range map[string]string{"": "", "abc": "****", "abcd": "****", "secret-12345": "****2345", "密钥一二三四五": "****二三四五"} {
		if got := (Company{TongxunluSecret: in}).MaskedSecret(); got != want {
			t.Errorf("%q → %q, want %q", in, got, want)
		}
	}
}

func TestActorRules(t *testing.T) {
	root := Actor{UserID: 1, CompanyID: 1, Level: LevelPlatformAdmin}
	admin := Actor{UserID: 2, CompanyID: 5, Level: LevelCompanyAdmin}
	member := Actor{UserID: 3, CompanyID: 5, Level: LevelMember}
	cases := []struct {
		name string
		got  bool
		want bool
	}{
		{"root manages organisation", root.CanManageOrganisation(), true},
		{"admin does not", admin.CanManageOrganisation(), false},
		{"root writes users anywhere", root.CanWriteUsersIn(9), true},
		{"admin writes own company", admin.CanWriteUsersIn(5), true},
		{"admin not another", admin.CanWriteUsersIn(6), false},
		{"member never", member.CanWriteUsersIn(5), false},
		{"admin grants admin", admin.CanGrant(LevelCompanyAdmin), true},
		{"admin cannot grant platform", admin.CanGrant(LevelPlatformAdmin), false},
		{"root grants platform", root.CanGrant(LevelPlatformAdmin), true},
		{"admin cannot touch a platform admin", admin.CanWriteUser(User{CompanyID: 5, RoleLevel: LevelPlatformAdmin}), false},
		{"admin edits colleague", admin.CanWriteUser(User{CompanyID: 5, RoleLevel: LevelCompanyAdmin}), true},
		{"company admin sees the company's customers", admin.IsCompanyAdmin(), true},
		{"member does not", member.IsCompanyAdmin(), false},
	}
	for _, c := range cases {
		if c.got != c.want {
			t.Errorf("%s: got %v", c.name, c.got)
		}
	}
}

func TestStatusLabel(t *testing.T) {
	if StatusEnabled.Label() != "启用" || StatusDisabled.Label() != "未启用" {
		t.Fatal("labels")
	}
}
