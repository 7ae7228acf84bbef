package fakewechat

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"

	"leida/ports"
)

// call sends one request over HTTP and decodes the JSON answer. body, when
// not nil, is sent as JSON (a string or []byte as it is), without a
// Content-Type unless ct is set.
func call(t *testing.T, s *Server, method, path string, q url.Values, body any) map[string]any {
	t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case string:
		rd = bytes.NewReader([]byte(b))
	case []byte:
		rd = bytes.NewReader(b)
	default:
		raw, err := json.Marshal(b)
		if err != nil {
			t.Fatal(err)
		}
		rd = bytes.NewReader(raw)
	}
	req, err := http.NewRequest(method, s.URL+path+"?"+q.Encode(), rd)
	if err != nil {
		t.Fatal(err)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var m map[string]any
	if err := json.NewDecoder(resp.Body).Decode(&m); err != nil {
		t.Fatal(err)
	}
	return m
}

func wecomToken(t *testing.T, s *Server, corpID, secret string) string {
	t.Helper()
	m := get(t, s, PathWeComToken, url.Values{"corpid": {corpID}, "corpsecret": {secret}})
	tok, _ := m["access_token"].(string)
	if errcode(m) != 0 || tok == "" {
		t.Fatalf("gettoken %s: %v", corpID, m)
	}
	return tok
}

func tq(tok string, kv ...string) url.Values {
	q := url.Values{"access_token": {tok}}
	for i := 0; i+1 < len(kv); i += 2 {
		q.Set(kv[i], kv[i+1])
	}
	return q
}

func userIDs(m map[string]any) []string {
	var ids []string
	list, _ := m["userlist"].([]any)
	for _, u := range list {
		ids = append(ids, u.(map[string]any)["userid"].(string))
	}
	return ids
}

func deptIDs(m map[string]any, key string) []int {
	var ids []int
	list, _ := m[key].([]any)
	for _, d := range list {
		ids = append(ids, int(d.(map[string]any)["id"].(float64)))
	}
	return ids
}

func TestDirectoryTokensAreBoundToTheirCorp(t *testing.T) {
	s := New()
	defer s.Close()
	a := s.AddCorp("corpA", "secretA")
	b := s.AddCorp("corpB", "secretB")
	// The OAuth corp may also sync its directory, with its own contacts secret.
	own := s.AddCorp(DefaultCorpID, "default-contacts")

	for _, tc := range []struct {
		corp, secret string
		code         int
	}{
		{"corpA", "secretA", 0},
		{"corpA", "secretB", 40001},
		{"corpB", "secretA", 40001},
		{"corpC", "secretA", 40013},
		{"corpA", "", 40001},
		{DefaultCorpID, DefaultCorpSecret, 0},
		{DefaultCorpID, "default-contacts", 0},
	} {
		m := get(t, s, PathWeComToken, url.Values{"corpid": {tc.corp}, "corpsecret": {tc.secret}})
		if errcode(m) != tc.code {
			t.Errorf("gettoken %s/%s: %v, want errcode %d", tc.corp, tc.secret, m, tc.code)
		}
	}

	tokA := wecomToken(t, s, "corpA", "secretA")
	tokB := wecomToken(t, s, "corpB", "secretB")
	oauth := wecomToken(t, s, DefaultCorpID, DefaultCorpSecret)
	ownTok := wecomToken(t, s, DefaultCorpID, "default-contacts")
	mini := get(t, s, PathToken, url.Values{"grant_type": {"client_credential"}, "appid": {DefaultAppID}, "secret": {DefaultAppSecret}})["access_token"].(string)

	create := call(t, s, http.MethodPost, PathUserCreate, tq(tokA), map[string]any{
		"userid": "zhangsan", "name": "张三", "mobile": "13800000000", "department": []int{1}})
	if errcode(create) != 0 || create["errmsg"] != "created" {
		t.Fatalf("create in A: %v", create)
	}
	if _, ok := a.Member("zhangsan"); !ok {
		t.Error("A's directory lacks the member A's token created")
	}
	if ms := b.Members(); len(ms) != 0 {
		t.Errorf("B's directory changed: %+v", ms)
	}
	if ms := own.Members(); len(ms) != 0 {
		t.Errorf("the default corp's directory changed: %+v", ms)
	}

	s.AddMember("oauth-code", ports.WeComMember{UserID: "zhangsan", Name: "张三"})
	for _, tc := range []struct {
		name string
		path string
		q    url.Values
		code int
	}{
		{"B's token does not see A's member", PathUserGet, tq(tokB, "userid", "zhangsan"), CodeUserIDNotFound},
		{"B's token lists B only", PathUserSimpleList, tq(tokB, "department_id", "1"), 0},
		{"A's token reads A", PathUserGet, tq(tokA, "userid", "ZhangSan"), 0},
		{"OAuth secret has no directory privilege", PathUserGet, tq(oauth, "userid", "zhangsan"), CodeNoPrivilege},
		{"the default corp's contacts secret reaches its own directory", PathUserGet, tq(ownTok, "userid", "zhangsan"), CodeUserIDNotFound},
		{"mini-program token", PathDepartmentList, tq(mini), 40014},
		{"missing token", PathDepartmentList, url.Values{}, 41001},
		{"junk token", PathDepartmentList, tq("junk"), 40014},
		{"contacts token cannot consume OAuth codes", PathUserInfo, tq(tokA, "code", "oauth-code"), 50001},
		{"default corp's contacts token cannot either", PathUserInfo, tq(ownTok, "code", "oauth-code"), 50001},
		{"OAuth token still can", PathUserInfo, tq(oauth, "code", "oauth-code"), 0},
	} {
		m := call(t, s, http.MethodGet, tc.path, tc.q, nil)
		if errcode(m) != tc.code {
			t.Errorf("%s: %v, want errcode %d", tc.name, m, tc.code)
		}
		if tc.path == PathUserSimpleList && tc.code == 0 && len(userIDs(m)) != 0 {
			t.Errorf("%s: %v", tc.name, m)
		}
	}

	// Expiry per corp, then for everyone.
	a.ExpireTokens()
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(tokA), nil)); c != 42001 {
		t.Errorf("A's expired token: errcode %d, want 42001", c)
	}
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(tokB), nil)); c != 0 {
		t.Errorf("B's token after A's expiry: errcode %d", c)
	}
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(wecomToken(t, s, "corpA", "secretA")), nil)); c != 0 {
		t.Errorf("A's fresh token: errcode %d", c)
	}
	s.ExpireTokens()
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(tokB), nil)); c != 42001 {
		t.Errorf("B's token after ExpireTokens: errcode %d, want 42001", c)
	}

	// A second AddCorp rotates the secret and keeps the directory.
	a2 := s.AddCorp("corpA", "rotated")
	if errcode(get(t, s, PathWeComToken, url.Values{"corpid": {"corpA"}, "corpsecret": {"secretA"}})) != 40001 {
		t.Error("the old secret still works after rotation")
	}
	if _, ok := a2.Member("zhangsan"); !ok {
		t.Error("rotation lost the directory")
	}
	if d, ok := s.Directory("corpA"); !ok || d.CorpID() != "corpA" {
		t.Error("Directory(corpA) not found")
	}
	if _, ok := s.Directory(DefaultCorpID + "x"); ok {
		t.Error("Directory of an unknown corp found")
	}
}

func TestDepartmentOperations(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")
	tok := wecomToken(t, s, "corp", "sec")
	if err := dir.AddMember(Member{UserID: "u1", Name: "U1", Department: []int{1}}); err != nil {
		t.Fatal(err)
	}

	type step struct {
		name   string
		method string
		path   string
		q      []string // extra query pairs
		body   any
		code   int
		msg    string // the success errmsg, when code is 0
		id     int    // the created id, when not 0
	}
	post, getm := http.MethodPost, http.MethodGet
	deep := func(n int) []step { // a chain 100, 101, ... under department 2
		var out []step
		parent := 2
		for i := range n {
			out = append(out, step{fmt.Sprintf("chain %d", i), post, PathDepartmentCreate, nil,
				map[string]any{"name": "level", "parentid": parent, "id": 100 + i}, 0, "created", 100 + i})
			parent = 100 + i
		}
		return out
	}
	steps := []step{
		{"create with id", post, PathDepartmentCreate, nil, map[string]any{"name": "广州研发中心", "parentid": 1, "order": 10, "id": 2}, 0, "created", 2},
		{"create without id picks the next", post, PathDepartmentCreate, nil, map[string]any{"name": "邮箱产品部", "parentid": 2}, 0, "created", 3},
		{"numeric strings accepted", post, PathDepartmentCreate, nil, map[string]any{"name": "销售", "parentid": "1", "id": "7"}, 0, "created", 7},
		{"same name under the same parent", post, PathDepartmentCreate, nil, map[string]any{"name": "广州研发中心", "parentid": 1}, CodeDeptExists, "", 0},
		{"same name under another parent is fine", post, PathDepartmentCreate, nil, map[string]any{"name": "广州研发中心", "parentid": 7, "id": 8}, 0, "created", 8},
		{"id exists", post, PathDepartmentCreate, nil, map[string]any{"name": "x", "parentid": 1, "id": 3}, CodeDeptExists, "", 0},
		{"id of the root", post, PathDepartmentCreate, nil, map[string]any{"name": "x", "parentid": 1, "id": 1}, CodeDeptExists, "", 0},
		{"negative id", post, PathDepartmentCreate, nil, map[string]any{"name": "x", "parentid": 1, "id": -4}, CodeInvalidDeptID, "", 0},
		{"parent not found", post, PathDepartmentCreate, nil, map[string]any{"name": "x", "parentid": 99}, CodeParentNotFound, "", 0},
		{"parent missing", post, PathDepartmentCreate, nil, map[string]any{"name": "x"}, CodeParentNotFound, "", 0},
		{"name missing", post, PathDepartmentCreate, nil, map[string]any{"parentid": 1}, CodeDeptNameLength, "", 0},
		{"name too long", post, PathDepartmentCreate, nil, map[string]any{"name": strings.Repeat("部", 65), "parentid": 1}, CodeDeptNameLength, "", 0},
		{"name with forbidden characters", post, PathDepartmentCreate, nil, map[string]any{"name": "a:b", "parentid": 1}, CodeDeptNameChars, "", 0},
		{"order out of range", post, PathDepartmentCreate, nil, map[string]any{"name": "x", "parentid": 1, "order": -1}, CodeInvalidParameter, "", 0},
		{"not JSON", post, PathDepartmentCreate, nil, "name=x", CodeDataFormat, "", 0},
		{"create by GET", getm, PathDepartmentCreate, nil, nil, 43002, "", 0},

		{"rename", post, PathDepartmentUpdate, nil, map[string]any{"id": 3, "name": "邮箱部"}, 0, "updated", 0},
		{"move", post, PathDepartmentUpdate, nil, map[string]any{"id": 3, "parentid": 1, "order": 5}, 0, "updated", 0},
		{"update not found", post, PathDepartmentUpdate, nil, map[string]any{"id": 42, "name": "x"}, CodeDeptNotFound, "", 0},
		{"update without id", post, PathDepartmentUpdate, nil, map[string]any{"name": "x"}, CodeDeptNotFound, "", 0},
		{"rename onto a sibling's name", post, PathDepartmentUpdate, nil, map[string]any{"id": 3, "name": "销售"}, CodeDeptExists, "", 0},
		{"move next to a same-named one", post, PathDepartmentUpdate, nil, map[string]any{"id": 8, "parentid": 1}, CodeDeptExists, "", 0},
		{"move under a missing parent", post, PathDepartmentUpdate, nil, map[string]any{"id": 3, "parentid": 99}, CodeParentNotFound, "", 0},
		{"move under itself", post, PathDepartmentUpdate, nil, map[string]any{"id": 7, "parentid": 7}, CodeDeptCycle, "", 0},
		{"move under its child", post, PathDepartmentUpdate, nil, map[string]any{"id": 7, "parentid": 8}, CodeDeptCycle, "", 0},
		{"move the root", post, PathDepartmentUpdate, nil, map[string]any{"id": 1, "parentid": 2}, CodeDeptCycle, "", 0},
		{"rename the root", post, PathDepartmentUpdate, nil, map[string]any{"id": 1, "name": "某某公司"}, 0, "updated", 0},
		{"bad name on update", post, PathDepartmentUpdate, nil, map[string]any{"id": 3, "name": ""}, CodeDeptNameLength, "", 0},

		{"delete the root", getm, PathDepartmentDelete, []string{"id", "1"}, nil, CodeDeleteRoot, "", 0},
		{"delete with sub-departments", getm, PathDepartmentDelete, []string{"id", "7"}, nil, CodeDeptHasChildren, "", 0},
		{"delete not found", getm, PathDepartmentDelete, []string{"id", "42"}, nil, CodeDeptNotFound, "", 0},
		{"delete without id", getm, PathDepartmentDelete, nil, nil, CodeDeptNotFound, "", 0},
		{"delete by POST", post, PathDepartmentDelete, []string{"id", "8"}, nil, 43001, "", 0},
		{"delete a leaf", getm, PathDepartmentDelete, []string{"id", "8"}, nil, 0, "deleted", 0},
		{"delete it again", getm, PathDepartmentDelete, []string{"id", "8"}, nil, CodeDeptNotFound, "", 0},
		{"list by POST", post, PathDepartmentList, nil, nil, 43001, "", 0},
		{"list of a missing department", getm, PathDepartmentList, []string{"id", "42"}, nil, CodeDeptNotFound, "", 0},
	}
	steps = append(steps, deep(13)...) // levels 3..15 under 1 → 2
	steps = append(steps, step{"a 16th level", post, PathDepartmentCreate, nil, map[string]any{"name": "level", "parentid": 112}, CodeDeptTooDeep, "", 0})
	steps = append(steps, step{"moving a subtree too deep", post, PathDepartmentUpdate, nil, map[string]any{"id": 7, "parentid": 112}, CodeDeptTooDeep, "", 0})

	for _, st := range steps {
		m := call(t, s, st.method, st.path, tq(tok, st.q...), st.body)
		if errcode(m) != st.code {
			t.Errorf("%s: %v, want errcode %d", st.name, m, st.code)
			continue
		}
		if st.code == 0 && m["errmsg"] != st.msg {
			t.Errorf("%s: errmsg %q, want %q", st.name, m["errmsg"], st.msg)
		}
		if st.id != 0 && m["id"] != float64(st.id) {
			t.Errorf("%s: id %v, want %d", st.name, m["id"], st.id)
		}
	}

	// A department with a member answers 60005.
	if err := dir.AddMember(Member{UserID: "u3", Name: "U3", Department: []int{3}}); err != nil {
		t.Fatal(err)
	}
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentDelete, tq(tok, "id", "3"), nil)); c != CodeDeptHasMembers {
		t.Errorf("delete with members: errcode %d, want %d", c, CodeDeptHasMembers)
	}

	root, _ := dir.Department(1)
	if root.Name != "某某公司" || root.ParentID != 0 {
		t.Errorf("root = %+v", root)
	}
	d3, _ := dir.Department(3)
	if d3.Name != "邮箱部" || d3.ParentID != 1 || d3.Order != 5 {
		t.Errorf("department 3 = %+v", d3)
	}

	// The list: the whole tree parents first, siblings by order (larger first).
	all := call(t, s, http.MethodGet, PathDepartmentList, tq(tok), nil)
	ids := deptIDs(all, "department")
	want := []int{1, 2}
	for i := range 13 {
		want = append(want, 100+i)
	}
	want = append(want, 3, 7) // 2 (order 10), 3 (order 5), 7 (order 0) under 1
	if !slices.Equal(ids, want) {
		t.Errorf("department/list ids = %v, want %v", ids, want)
	}
	first := all["department"].([]any)[1].(map[string]any)
	if first["name"] != "广州研发中心" || first["parentid"] != 1.0 || first["order"] != 10.0 {
		t.Errorf("department 2 on the wire: %v", first)
	}
	if _, ok := first["department_leader"].([]any); !ok {
		t.Errorf("department_leader not an array: %v", first)
	}
	sub := call(t, s, http.MethodGet, PathDepartmentList, tq(tok, "id", "111"), nil)
	if ids := deptIDs(sub, "department"); !slices.Equal(ids, []int{111, 112}) {
		t.Errorf("department/list?id=111 = %v", ids)
	}
	simple := call(t, s, http.MethodGet, PathDepartmentSimpleList, tq(tok, "id", "7"), nil)
	if ids := deptIDs(simple, "department_id"); errcode(simple) != 0 || !slices.Equal(ids, []int{7}) {
		t.Errorf("department/simplelist?id=7 = %v", simple)
	}
	one := call(t, s, http.MethodGet, PathDepartmentGet, tq(tok, "id", "2"), nil)
	if d, _ := one["department"].(map[string]any); errcode(one) != 0 || d["name"] != "广州研发中心" {
		t.Errorf("department/get?id=2 = %v", one)
	}
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentGet, tq(tok, "id", "42"), nil)); c != CodeDeptNotFound {
		t.Errorf("department/get of a missing one: %d", c)
	}
	if n := dir.Requests(PathDepartmentCreate); n != 29 {
		t.Errorf("Directory.Requests(create) = %d, want 29 (GET refused before the token)", n)
	}
}

func TestMemberOperations(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")
	tok := wecomToken(t, s, "corp", "sec")
	if _, err := dir.AddDepartment(Department{ID: 2, Name: "销售部"}); err != nil {
		t.Fatal(err)
	}

	type step struct {
		name   string
		method string
		path   string
		q      []string
		body   any
		code   int
		msg    string
	}
	post, getm := http.MethodPost, http.MethodGet
	base := func(kv ...any) map[string]any {
		m := map[string]any{"userid": "1530000000000", "name": "张三", "mobile": "13800000000", "department": []int{2}, "position": "销售"}
		for i := 0; i+1 < len(kv); i += 2 {
			if kv[i+1] == nil {
				delete(m, kv[i].(string))
			} else {
				m[kv[i].(string)] = kv[i+1]
			}
		}
		return m
	}
	steps := []step{
		{"create as the legacy did", post, PathUserCreate, nil, base(), 0, "created"},
		{"userid exists", post, PathUserCreate, nil, base("mobile", "13900000000"), CodeUserIDExists, ""},
		{"userid exists, other case", post, PathUserCreate, nil, map[string]any{"userid": "LiSi", "name": "李四", "mobile": "13700000000", "department": []int{1}}, 0, "created"},
		{"userid exists ignoring case", post, PathUserCreate, nil, map[string]any{"userid": "lisi", "name": "x", "mobile": "13700000001", "department": []int{1}}, CodeUserIDExists, ""},
		{"mobile exists", post, PathUserCreate, nil, base("userid", "wangwu"), CodeMobileExists, ""},
		{"department not found", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "department", []int{2, 9}), CodeDeptNotFound, ""},
		{"department missing", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "department", nil), CodeMissingDepartment, ""},
		{"department empty", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "department", []int{}), CodeMissingDepartment, ""},
		{"name missing", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "name", nil), CodeUserNameInvalid, ""},
		{"name too long", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "name", strings.Repeat("名", 65)), CodeUserNameInvalid, ""},
		{"userid missing", post, PathUserCreate, nil, base("userid", nil, "mobile", "13600000000"), CodeMissingUserID, ""},
		{"userid malformed", post, PathUserCreate, nil, base("userid", "-bad", "mobile", "13600000000"), CodeInvalidUserID, ""},
		{"userid with a space", post, PathUserCreate, nil, base("userid", "a b", "mobile", "13600000000"), CodeInvalidUserID, ""},
		{"mobile malformed", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "138abc"), CodeMobileInvalid, ""},
		{"email malformed", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "email", "nope"), CodeEmailInvalid, ""},
		{"mobile and email empty", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", nil), CodeMobileAndEmailEmpty, ""},
		{"position too long", post, PathUserCreate, nil, base("userid", "wangwu", "mobile", "13600000000", "position", strings.Repeat("职", 129)), CodePositionInvalid, ""},
		{"email only, disabled", post, PathUserCreate, nil, map[string]any{"userid": "wangwu", "name": "王五", "email": "wangwu@example.com", "department": []int{1, 2}, "gender": "2", "enable": 0}, 0, "created"},
		{"email exists ignoring case", post, PathUserCreate, nil, map[string]any{"userid": "zhao", "name": "赵", "email": "WangWu@example.com", "department": []int{1}}, CodeEmailExists, ""},
		{"create by GET", getm, PathUserCreate, nil, nil, 43002, ""},
		{"body not JSON", post, PathUserCreate, nil, "userid=x", CodeDataFormat, ""},

		{"update as the legacy did", post, PathUserUpdate, nil, map[string]any{"userid": "1530000000000", "name": "张三丰", "position": "经理", "department": []int{1}, "mobile": "13800000009"}, 0, "updated"},
		{"update not found", post, PathUserUpdate, nil, map[string]any{"userid": "nobody", "name": "x"}, CodeUserIDNotFound, ""},
		{"update without userid", post, PathUserUpdate, nil, map[string]any{"name": "x"}, CodeMissingUserID, ""},
		{"update onto another's mobile", post, PathUserUpdate, nil, map[string]any{"userid": "1530000000000", "mobile": "13700000000"}, CodeMobileExists, ""},
		{"update to a missing department", post, PathUserUpdate, nil, map[string]any{"userid": "1530000000000", "department": []int{5}}, CodeDeptNotFound, ""},
		{"update with an empty name", post, PathUserUpdate, nil, map[string]any{"userid": "1530000000000", "name": ""}, CodeUserNameInvalid, ""},
		{"enable the disabled one", post, PathUserUpdate, nil, map[string]any{"userid": "wangwu", "enable": 1}, 0, "updated"},

		{"get", getm, PathUserGet, []string{"userid", "1530000000000"}, nil, 0, "ok"},
		{"get missing", getm, PathUserGet, []string{"userid", "nobody"}, nil, CodeUserIDNotFound, ""},
		{"get without userid", getm, PathUserGet, nil, nil, CodeMissingUserID, ""},

		{"delete by GET", getm, PathUserDelete, []string{"userid", "lisi"}, nil, 0, "deleted"},
		{"delete by POST as the legacy did", post, PathUserDelete, []string{"userid", "wangwu"}, nil, 0, "deleted"},
		{"delete again", getm, PathUserDelete, []string{"userid", "wangwu"}, nil, CodeUserIDNotFound, ""},
		{"delete without userid", getm, PathUserDelete, nil, nil, CodeMissingUserID, ""},
		{"delete by PUT", http.MethodPut, PathUserDelete, []string{"userid", "x"}, nil, 43001, ""},
	}
	for _, st := range steps {
		m := call(t, s, st.method, st.path, tq(tok, st.q...), st.body)
		if errcode(m) != st.code {
			t.Errorf("%s: %v, want errcode %d", st.name, m, st.code)
			continue
		}
		if st.code == 0 && m["errmsg"] != st.msg {
			t.Errorf("%s: errmsg %q, want %q", st.name, m["errmsg"], st.msg)
		}
		if st.path == PathUserGet && st.code == 0 {
			if m["name"] != "张三丰" || m["position"] != "经理" || m["mobile"] != "13800000009" || m["gender"] != "0" ||
				m["status"] != 4.0 || m["enable"] != 1.0 || fmt.Sprint(m["department"]) != "[1]" || m["main_department"] != 1.0 {
				t.Errorf("user/get = %v", m)
			}
		}
	}
	ms := dir.Members()
	if len(ms) != 1 || ms[0].UserID != "1530000000000" || ms[0].Name != "张三丰" || ms[0].Status != StatusInactive {
		t.Errorf("members after the steps: %+v", ms)
	}

	// A disabled member is status 2, enable 0; enabling restores the status.
	if err := dir.AddMember(Member{UserID: "old", Name: "老员工", Mobile: "13500000000"}); err != nil {
		t.Fatal(err)
	}
	for _, tc := range []struct {
		enable, status int
	}{{0, StatusDisabled}, {1, StatusActive}} {
		if m := call(t, s, http.MethodPost, PathUserUpdate, tq(tok), map[string]any{"userid": "old", "enable": tc.enable}); errcode(m) != 0 {
			t.Fatalf("enable=%d: %v", tc.enable, m)
		}
		g := call(t, s, http.MethodGet, PathUserGet, tq(tok, "userid", "old"), nil)
		if g["status"] != float64(tc.status) || g["enable"] != float64(tc.enable) {
			t.Errorf("after enable=%d: status %v enable %v", tc.enable, g["status"], g["enable"])
		}
	}
}

func TestUserListFetchChild(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")
	tok := wecomToken(t, s, "corp", "sec")
	// 1 ─┬─ 2 ── 3
	//    └─ 4
	for _, d := range []Department{{ID: 2, Name: "华南", ParentID: 1}, {ID: 3, Name: "广州", ParentID: 2}, {ID: 4, Name: "华北", ParentID: 1}} {
		if _, err := dir.AddDepartment(d); err != nil {
			t.Fatal(err)
		}
	}
	for _, m := range []Member{
		{UserID: "boss", Name: "老板", Department: []int{1}},
		{UserID: "south", Name: "南", Department: []int{2}, Position: "经理", Mobile: "13800000001", Gender: "1", Email: "s@example.com", Avatar: "http://wework.qpic.cn/a/0"},
		{UserID: "gz", Name: "广", Department: []int{3}},
		{UserID: "both", Name: "两边", Department: []int{3, 4}, Status: StatusDisabled},
		{UserID: "north", Name: "北", Department: []int{4}},
	} {
		if err := dir.AddMember(m); err != nil {
			t.Fatal(err)
		}
	}
	for _, tc := range []struct {
		dept, child string
		want        []string
	}{
		{"1", "0", []string{"boss"}},
		{"1", "1", []string{"boss", "south", "gz", "both", "north"}},
		{"2", "0", []string{"south"}},
		{"2", "1", []string{"south", "gz", "both"}},
		{"3", "", []string{"gz", "both"}},
		{"4", "1", []string{"both", "north"}},
	} {
		for _, path := range []string{PathUserList, PathUserSimpleList} {
			m := call(t, s, http.MethodGet, path, tq(tok, "department_id", tc.dept, "fetch_child", tc.child), nil)
			if got := userIDs(m); errcode(m) != 0 || !slices.Equal(got, tc.want) {
				t.Errorf("%s department_id=%s fetch_child=%s: %v (%v), want %v", path, tc.dept, tc.child, got, m["errmsg"], tc.want)
			}
		}
	}
	for _, q := range [][]string{{"department_id", "9"}, {"department_id", "x"}, {}} {
		if c := errcode(call(t, s, http.MethodGet, PathUserList, tq(tok, q...), nil)); c != CodeDeptNotFound {
			t.Errorf("user/list %v: errcode %d, want %d", q, c, CodeDeptNotFound)
		}
	}
	m := call(t, s, http.MethodGet, PathUserList, tq(tok, "department_id", "2"), nil)
	u := m["userlist"].([]any)[0].(map[string]any)
	for k, v := range map[string]any{"userid": "south", "name": "南", "position": "经理", "mobile": "13800000001", "gender": "1",
		"email": "s@example.com", "avatar": "http://wework.qpic.cn/a/0", "status": 1.0, "enable": 1.0, "main_department": 2.0} {
		if u[k] != v {
			t.Errorf("user/list %s = %v, want %v", k, u[k], v)
		}
	}
	if fmt.Sprint(u["department"]) != "[2]" {
		t.Errorf("user/list department = %v", u["department"])
	}
	simple := call(t, s, http.MethodGet, PathUserSimpleList, tq(tok, "department_id", "2"), nil)
	if su := simple["userlist"].([]any)[0].(map[string]any); len(su) != 3 || su["name"] != "南" {
		t.Errorf("user/simplelist item = %v", su)
	}
	both := call(t, s, http.MethodGet, PathUserGet, tq(tok, "userid", "both"), nil)
	if both["status"] != 2.0 || both["enable"] != 0.0 {
		t.Errorf("seeded disabled member: %v", both)
	}
}

func TestWrongJSONTypeIsIgnoredWithAWarning(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")
	tok := wecomToken(t, s, "corp", "sec")
	if _, err := dir.AddDepartment(Department{ID: 2, Name: "二"}); err != nil {
		t.Fatal(err)
	}
	if err := dir.AddMember(Member{UserID: "u", Name: "U", Mobile: "13800000000"}); err != nil {
		t.Fatal(err)
	}
	// department as a string, not an array: WeCom ignores it and warns.
	m := call(t, s, http.MethodPost, PathUserUpdate, tq(tok), `{"userid":"u","name":"新","department":"2"}`)
	if errcode(m) != 0 || !strings.HasPrefix(m["errmsg"].(string), "updated") || !strings.Contains(m["errmsg"].(string), "Warning: wrong json format") {
		t.Errorf("update with a string department: %v", m)
	}
	if u, _ := dir.Member("u"); u.Name != "新" || !slices.Equal(u.Department, []int{1}) {
		t.Errorf("member = %+v", u)
	}
	// On create, the ignored department is missing.
	m = call(t, s, http.MethodPost, PathUserCreate, tq(tok), `{"userid":"v","name":"V","mobile":"13900000000","department":"1"}`)
	if errcode(m) != CodeMissingDepartment {
		t.Errorf("create with a string department: %v", m)
	}
	// A userid given as a number is taken as its digits.
	m = call(t, s, http.MethodPost, PathUserCreate, tq(tok), `{"userid":1530000000001,"name":"V","mobile":"13900000000","department":[1]}`)
	if _, ok := dir.Member("1530000000001"); errcode(m) != 0 || m["errmsg"] != "created" || !ok {
		t.Errorf("create with a numeric userid: %v", m)
	}
}

func TestDirectoryFailNextCountsAndDelay(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")
	tok := wecomToken(t, s, "corp", "sec")
	body := map[string]any{"userid": "u", "name": "U", "mobile": "13800000000", "department": []int{1}}

	s.FailNext(PathUserCreate, -1, "system busy")
	s.FailNext(PathUserCreate, 45009, "api freq out of limit")
	for _, want := range []int{-1, 45009, 0, CodeUserIDExists} {
		if c := errcode(call(t, s, http.MethodPost, PathUserCreate, tq(tok), body)); c != want {
			t.Errorf("create: errcode %d, want %d", c, want)
		}
	}
	if n := len(dir.Members()); n != 1 {
		t.Errorf("%d members, want 1 (failures change nothing)", n)
	}
	if n := s.Requests(PathUserCreate); n != 4 {
		t.Errorf("Requests(create) = %d, want 4", n)
	}
	// The corp's own counter sees the requests its token was accepted for.
	if n := dir.Requests(PathUserCreate); n != 2 {
		t.Errorf("Directory.Requests(create) = %d, want 2", n)
	}
	call(t, s, http.MethodGet, PathUserDelete, tq("junk", "userid", "u"), nil)
	if c := s.Counts()[PathUserDelete]; c != 1 {
		t.Errorf("Counts()[delete] = %d", c)
	}
	if c := dir.Counts()[PathUserDelete]; c != 0 {
		t.Errorf("Directory.Counts()[delete] = %d (a junk token is not the corp's)", c)
	}

	calls := dir.Calls()
	if len(calls) != 2 || calls[0].Path != PathUserCreate || calls[0].Errcode != 0 || calls[0].Errmsg != "created" ||
		calls[1].Errcode != CodeUserIDExists || !strings.Contains(string(calls[0].Body), `"mobile":"13800000000"`) || calls[0].Query.Has("access_token") {
		t.Errorf("Calls = %+v", calls)
	}
	calls[0].Body[0] = 'X'
	if dir.Calls()[0].Body[0] != '{' {
		t.Error("Calls shares its bodies")
	}
	call(t, s, http.MethodPost, PathUserDelete, tq(tok, "userid", "u"), nil)
	if last := dir.Calls()[2]; last.Method != http.MethodPost || last.Query.Get("userid") != "u" || last.Errmsg != "deleted" {
		t.Errorf("delete call = %+v", last)
	}

	s.FailNext(PathDepartmentList, 60011, "no privilege")
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(tok), nil)); c != 60011 {
		t.Errorf("department/list FailNext: %d", c)
	}
	if c := errcode(call(t, s, http.MethodGet, PathDepartmentList, tq(tok), nil)); c != 0 {
		t.Errorf("department/list after the failure: %d", c)
	}
}

func TestDirectorySeedingAndCopies(t *testing.T) {
	s := New()
	defer s.Close()
	dir := s.AddCorp("corp", "sec")

	id, err := dir.AddDepartment(Department{Name: "自动", DepartmentLeader: []string{"boss"}})
	if err != nil || id != 2 {
		t.Fatalf("AddDepartment = %d, %v", id, err)
	}
	for _, tc := range []struct {
		name string
		err  error
		code int
	}{
		{"duplicate name", func() error { _, err := dir.AddDepartment(Department{Name: "自动"}); return err }(), CodeDeptExists},
		{"missing parent", func() error { _, err := dir.AddDepartment(Department{Name: "x", ParentID: 9}); return err }(), CodeParentNotFound},
		{"member of a missing department", dir.AddMember(Member{UserID: "u", Name: "U", Department: []int{9}}), CodeDeptNotFound},
		{"member without name", dir.AddMember(Member{UserID: "u"}), CodeUserNameInvalid},
		{"update a missing member", dir.UpdateMember(Member{UserID: "nobody", Name: "x"}), CodeUserIDNotFound},
		{"remove a missing member", dir.RemoveMember("nobody"), CodeUserIDNotFound},
		{"remove the root", dir.RemoveDepartment(1), CodeDeleteRoot},
		{"update a missing department", dir.UpdateDepartment(Department{ID: 9, Name: "x"}), CodeDeptNotFound},
	} {
		var e *Error
		if !errors.As(tc.err, &e) || e.Code != tc.code {
			t.Errorf("%s: %v, want errcode %d", tc.name, tc.err, tc.code)
		}
	}
	if err := dir.RemoveDepartment(2); err != nil {
		t.Errorf("RemoveDepartment(2) = %v, want nil", err)
	}
	if _, err := dir.AddDepartment(Department{ID: 2, Name: "二", Order: 3}); err != nil {
		t.Fatal(err)
	}
	if err := dir.AddMember(Member{UserID: "u", Name: "U", Department: []int{2}, Mobile: "13800000000"}); err != nil {
		t.Fatal(err)
	}
	if err := dir.UpdateMember(Member{UserID: "U", Name: "改名", Department: []int{1, 2}, Mobile: "13800000000", Position: "p"}); err != nil {
		t.Fatal(err)
	}
	if err := dir.UpdateDepartment(Department{ID: 2, Name: "二部", Order: 7, DepartmentLeader: []string{"u"}}); err != nil {
		t.Fatal(err)
	}

	m, _ := dir.Member("u")
	m.Department[0] = 99
	ms := dir.Members()
	ms[0].Order[0] = 99
	ds := dir.Departments()
	ds[1].DepartmentLeader[0] = "changed"
	d2, _ := dir.Department(2)
	d2.DepartmentLeader[0] = "changed"

	m, _ = dir.Member("u")
	if m.Name != "改名" || !slices.Equal(m.Department, []int{1, 2}) || !slices.Equal(m.Order, []int{0, 0}) || m.Position != "p" || m.Status != StatusActive || m.MainDepartment != 2 {
		t.Errorf("member = %+v (a returned copy was shared?)", m)
	}
	d2, _ = dir.Department(2)
	if d2.Name != "二部" || d2.Order != 7 || d2.ParentID != 1 || !slices.Equal(d2.DepartmentLeader, []string{"u"}) {
		t.Errorf("department 2 = %+v (a returned copy was shared?)", d2)
	}
	if err := dir.RemoveMember("u"); err != nil {
		t.Errorf("RemoveMember = %v", err)
	}
	if _, ok := dir.Member("u"); ok {
		t.Error("member still there")
	}
}

func TestDirectoryConcurrentCorps(t *testing.T) {
	s := New()
	defer s.Close()
	const corps, perCorp = 3, 20
	dirs := make([]*Directory, corps)
	toks := make([]string, corps)
	for i := range corps {
		dirs[i] = s.AddCorp(fmt.Sprintf("corp%d", i), fmt.Sprintf("sec%d", i))
		toks[i] = wecomToken(t, s, fmt.Sprintf("corp%d", i), fmt.Sprintf("sec%d", i))
	}
	var wg sync.WaitGroup
	errs := make(chan string, corps*perCorp*4)
	for c := range corps {
		for i := range perCorp {
			wg.Add(1)
			go func() {
				defer wg.Done()
				tok := toks[c]
				dm := call(t, s, http.MethodPost, PathDepartmentCreate, tq(tok), map[string]any{"name": fmt.Sprintf("d%d", i), "parentid": 1})
				if errcode(dm) != 0 {
					errs <- fmt.Sprintf("corp%d department %d: %v", c, i, dm)
					return
				}
				dept := int(dm["id"].(float64))
				um := call(t, s, http.MethodPost, PathUserCreate, tq(tok), map[string]any{
					"userid": fmt.Sprintf("u%d", i), "name": "n", "mobile": fmt.Sprintf("138%08d", i), "department": []int{dept}})
				if errcode(um) != 0 {
					errs <- fmt.Sprintf("corp%d user %d: %v", c, i, um)
				}
				// Readers and seeders alongside the writers.
				call(t, s, http.MethodGet, PathUserList, tq(tok, "department_id", "1", "fetch_child", "1"), nil)
				_ = dirs[c].Members()
				_ = dirs[c].Departments()
				if err := dirs[c].AddMember(Member{UserID: fmt.Sprintf("seed%d", i), Name: "s"}); err != nil {
					errs <- fmt.Sprintf("corp%d seed %d: %v", c, i, err)
				}
				// The same userid in several corps at once is fine: directories are separate.
				call(t, s, http.MethodPost, PathUserUpdate, tq(tok), map[string]any{"userid": fmt.Sprintf("u%d", i), "position": "p"})
			}()
		}
	}
	wg.Wait()
	close(errs)
	for e := range errs {
		t.Error(e)
	}
	for c, d := range dirs {
		if n := len(d.Departments()); n != perCorp+1 {
			t.Errorf("corp%d: %d departments, want %d", c, n, perCorp+1)
		}
		if n := len(d.Members()); n != 2*perCorp {
			t.Errorf("corp%d: %d members, want %d", c, n, 2*perCorp)
		}
		m := call(t, s, http.MethodGet, PathUserList, tq(toks[c], "department_id", "1", "fetch_child", "1"), nil)
		if n := len(userIDs(m)); n != 2*perCorp {
			t.Errorf("corp%d: user/list has %d, want %d", c, n, 2*perCorp)
		}
	}
	if n := s.Requests(PathUserCreate); n != corps*perCorp {
		t.Errorf("Requests(create) = %d", n)
	}
}
