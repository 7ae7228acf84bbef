package directory

import (
	"reflect"
	"strings"
	"testing"
)

func TestMakePlanBringsLeidaInLineAndASecondRunChangesNothing(t *testing.T) {
	remoteDepts := []Department{
		{ID: 1, Name: "公司", ParentID: 0},
		{ID: 3, Name: "华东销售", ParentID: 2, Order: 1},
		{ID: 2, Name: "销售部", ParentID: 1, Order: 2},
		{ID: 4, Name: "市场部", ParentID: 1, Order: 1},
	}
	remoteMembers := []Member{
		{UserID: "zhangsan", Name: "张三", Departments: []int64{3}, Position: "经理", Mobile: "13800000001", Active: true},
		{UserID: "lisi", Name: "李四", Departments: []int64{1, 4}, Position: "专员", Mobile: "13800000002", Active: true},
		{UserID: "wangwu", Name: "王五", Departments: []int64{2}, Active: false},
		{UserID: "zhaoliu", Name: "赵六", Departments: []int64{4}, Active: true},
	}
	local := []LocalDepartment{
		{ID: 10, WeComID: 2, Name: "销售", ParentID: 0},       // renamed in WeCom
		{ID: 11, WeComID: 9, Name: "旧部门", ParentID: 10},     // gone from WeCom
		{ID: 12, WeComID: 8, Name: "旧部门的上级", ParentID: 0},   // gone too, parent of nothing
		{ID: 13, WeComID: 0, Name: "Leida 自建", ParentID: 0}, // not in WeCom: left alone
		{ID: 14, WeComID: 7, Name: "旧子部门", ParentID: 11},    // gone, child of 11
	}
	users := []LocalUser{
		{ID: 1, WeComUserID: "zhangsan", Name: "张三", Position: "销售", Phone: "13800000001", Enabled: true, Departments: []int64{2}},
		{ID: 2, WeComUserID: "wangwu", Name: "王五", Enabled: true, Departments: []int64{2}},
		{ID: 3, WeComUserID: "left", Name: "离职", Enabled: true},
		{ID: 4, WeComUserID: "", Name: "admin", Enabled: true},        // typed in: left alone
		{ID: 5, WeComUserID: "gone-off", Name: "已停用", Enabled: false}, // gone but already disabled
		{ID: 6, WeComUserID: "zhaoliu", Name: "赵六", Enabled: false, Departments: []int64{4}},
	}
	p := MakePlan(remoteDepts, remoteMembers, local, users)

	if got := ids(p.CreateDepartments); !reflect.DeepEqual(got, []int64{4, 3}) {
		t.Errorf("created departments %v, want [4 3] (parents first, siblings by order)", got)
	}
	if len(p.UpdateDepartments) != 1 || p.UpdateDepartments[0].Local.ID != 10 || p.UpdateDepartments[0].To.Name != "销售部" {
		t.Errorf("updated departments %+v", p.UpdateDepartments)
	}
	var deleted []int64
	for _, d := range p.DeleteDepartments {
		deleted = append(deleted, d.ID)
	}
	if !reflect.DeepEqual(deleted, []int64{14, 11, 12}) {
		t.Errorf("deleted departments %v, want [14 11 12] (children first)", deleted)
	}
	if len(p.CreateUsers) != 1 || p.CreateUsers[0].UserID != "lisi" {
		t.Errorf("created users %+v (an inactive member is not created)", p.CreateUsers)
	}
	if len(p.UpdateUsers) != 1 || p.UpdateUsers[0].Local.ID != 1 ||
		!reflect.DeepEqual(p.UpdateUsers[0].Fields(), []string{"position", "departments"}) {
		t.Errorf("updated users %+v", p.UpdateUsers)
	}
	var disabled []int64
	for _, u := range p.DisableUsers {
		disabled = append(disabled, u.ID)
	}
	if !reflect.DeepEqual(disabled, []int64{3, 2}) {
		t.Errorf("disabled users %v, want [3 2] (by userid: left, wangwu)", disabled)
	}
	lines := strings.Join(p.Lines(), "\n")
	for _, want := range []string{"department created: 市场部 (WeCom id 4)", "department updated: 销售 → 销售部 (WeCom id 2)",
		"department deleted: 旧子部门 (WeCom id 7)", "user created (disabled): 李四 (WeCom userid lisi)",
		"user updated: 张三 (WeCom userid zhangsan): position, departments", "user disabled: 离职 (WeCom userid left)"} {
		if !strings.Contains(lines, want) {
			t.Errorf("lines lack %q:\n%s", want, lines)
		}
	}

	// Leida after applying the plan: a second run plans nothing.
	after := []LocalDepartment{
		{ID: 10, WeComID: 2, Name: "销售部", ParentID: 0},
		{ID: 13, WeComID: 0, Name: "Leida 自建", ParentID: 0},
		{ID: 15, WeComID: 4, Name: "市场部", ParentID: 0},
		{ID: 16, WeComID: 3, Name: "华东销售", ParentID: 10},
	}
	afterUsers := []LocalUser{
		{ID: 1, WeComUserID: "zhangsan", Name: "张三", Position: "经理", Phone: "13800000001", Enabled: true, Departments: []int64{3}},
		{ID: 2, WeComUserID: "wangwu", Name: "王五", Enabled: false, Departments: []int64{2}},
		{ID: 3, WeComUserID: "left", Name: "离职", Enabled: false},
		{ID: 4, Name: "admin", Enabled: true},
		{ID: 5, WeComUserID: "gone-off", Name: "已停用"},
		{ID: 6, WeComUserID: "zhaoliu", Name: "赵六", Enabled: false, Departments: []int64{4}},
		{ID: 7, WeComUserID: "lisi", Name: "李四", Position: "专员", Phone: "13800000002", Departments: []int64{4}},
	}
	if again := MakePlan(remoteDepts, remoteMembers, after, afterUsers); !again.Empty() {
		t.Fatalf("second run plans %v", again.Lines())
	}
}

func TestMakePlanKeepsDepartmentNamesUniquePerCompany(t *testing.T) {
	remote := []Department{{ID: 1, Name: "公司"}, {ID: 2, Name: "北京", ParentID: 1}, {ID: 3, Name: "销售部", ParentID: 2},
		{ID: 4, Name: "上海", ParentID: 1}, {ID: 5, Name: "销售部", ParentID: 4}, {ID: 6, Name: "市场部", ParentID: 1}}
	local := []LocalDepartment{{ID: 20, Name: "市场部"}} // made in Leida, not in WeCom yet
	p := MakePlan(remote, nil, local, nil)
	var names []string
	for _, d := range p.CreateDepartments {
		names = append(names, d.Name)
	}
	if want := []string{"北京", "销售部", "上海", "销售部 (5)"}; !reflect.DeepEqual(names, want) {
		t.Fatalf("created %q, want %q", names, want)
	}
	if len(p.UpdateDepartments) != 1 || p.UpdateDepartments[0].Local.ID != 20 || p.UpdateDepartments[0].To.ID != 6 {
		t.Fatalf("linked %+v", p.UpdateDepartments)
	}
	if lines := strings.Join(p.Lines(), "\n"); !strings.Contains(lines, "department linked: 市场部 (WeCom id 6)") {
		t.Fatal(lines)
	}
	after := []LocalDepartment{{ID: 20, WeComID: 6, Name: "市场部"}, {ID: 21, WeComID: 2, Name: "北京"},
		{ID: 22, WeComID: 3, Name: "销售部", ParentID: 21}, {ID: 23, WeComID: 4, Name: "上海"}, {ID: 24, WeComID: 5, Name: "销售部 (5)", ParentID: 23}}
	if again := MakePlan(remote, nil, after, nil); !again.Empty() {
		t.Fatalf("second run: %v", again.Lines())
	}
}

func TestParentsFirstSurvivesOrphansAndCycles(t *testing.T) {
	got := ids(parentsFirst([]Department{{ID: 5, ParentID: 99}, {ID: 6, ParentID: 6}, {ID: 7, ParentID: 8}, {ID: 8, ParentID: 7}}))
	if !reflect.DeepEqual(got, []int64{5, 6}) {
		t.Fatalf("got %v: orphans hang under the root, a cycle is not walked", got)
	}
}

func ids(ds []Department) []int64 {
	var out []int64
	for _, d := range ds {
		out = append(out, d.ID)
	}
	return out
}
