package tag

import (
	"reflect"
	"testing"
)

func TestParseIDList(t *testing.T) {
	tests := []struct {
		name    string
		values  []string
		lenient bool
		want    []int64
		ok      bool
	}{
		{"json", []string{"[1,2]"}, false, []int64{1, 2}, true},
		{"json with spaces", []string{" [ 3 , 4 ] "}, false, []int64{3, 4}, true},
		{"json strings", []string{`["5","6"]`}, false, []int64{5, 6}, true},
		{"empty json", []string{"[]"}, false, []int64{}, true},
		{"duplicates kept once", []string{"[7,7,8]"}, false, []int64{7, 8}, true},
		{"last value wins", []string{"[1]", "[2]"}, false, []int64{2}, true},
		{"not json", []string{"1,2"}, false, nil, false},
		{"broken json", []string{"[1,"}, false, nil, false},
		{"not numbers", []string{`["a"]`}, false, nil, false},
		{"object", []string{`{"a":1}`}, false, nil, false},
		{"missing", nil, false, nil, false},
		{"lenient json", []string{"[1,2]"}, true, []int64{1, 2}, true},
		{"lenient comma list", []string{"1, 12"}, true, []int64{1, 12}, true},
		{"lenient repeated keys", []string{"3", "14"}, true, []int64{3, 14}, true},
		{"lenient empty clears", []string{""}, true, []int64{}, true},
		{"lenient garbage", []string{"x"}, true, nil, false},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := ParseIDList(tc.values, tc.lenient)
			if ok != tc.ok || (ok && !reflect.DeepEqual(got, tc.want)) {
				t.Errorf("got %v %v, want %v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func ptr(v int64) *int64 { return &v }

func TestBuildGroups(t *testing.T) {
	all := []Tag{
		{ID: 5, ParentID: ptr(1), Name: "已婚"},
		{ID: 1, Name: "基本功能"},
		{ID: 2, Name: "自定义"},
		{ID: 9, ParentID: ptr(1), Name: "90后"},
		{ID: 3, Name: "空组"},
		{ID: 7, ParentID: ptr(2), Name: "爱撸串"},
		{ID: 8, ParentID: ptr(99), Name: "orphan"},
	}
	got := BuildGroups(all)
	var names []string
	for _, g := range got {
		names = append(names, g.Name)
		for _, t := range g.Tags {
			names = append(names, " "+t.Name)
		}
	}
	want := []string{"基本功能", " 已婚", " 90后", "自定义", " 爱撸串", "空组"}
	if !reflect.DeepEqual(names, want) {
		t.Errorf("got %q, want %q", names, want)
	}
	if got[2].Tags == nil {
		t.Error("an empty group must have an empty, non-nil tag list")
	}
}

func TestKeepTagged(t *testing.T) {
	c := func(n int) []CustomerRef { return make([]CustomerRef, n) }
	list := []WithCustomers{
		{Tag: Tag{ID: 1}, Customers: c(1)},
		{Tag: Tag{ID: 2}, Customers: c(0)},
		{Tag: Tag{ID: 3}, Customers: c(3)},
		{Tag: Tag{ID: 4}, Customers: c(1)},
		{Tag: Tag{ID: 5}, Customers: c(3)},
	}
	var ids []int64
	for _, t := range KeepTagged(list) {
		ids = append(ids, t.ID)
	}
	if want := []int64{3, 5, 1, 4}; !reflect.DeepEqual(ids, want) {
		t.Errorf("got %v, want %v (stable, most customers first, untagged dropped)", ids, want)
	}
}

func TestDefaultGroups(t *testing.T) {
	var names []string
	for _, g := range DefaultGroups() {
		names = append(names, g.Name)
	}
	if want := []string{GroupBasic, GroupConcerns, GroupLevel, GroupCustom}; !reflect.DeepEqual(names, want) {
		t.Errorf("groups %v", names)
	}
}
