package fakewechat

// The WeCom contacts directory (通讯录管理): departments and members of any
// number of corps, each reached with a token of its own contacts-sync secret.
//
// Request and answer shapes follow the WeCom server API documents on
// developer.work.weixin.qq.com: department/create, update, delete, list
// (document/path/90205, 90206, 90207, 90208), department/simplelist and get
// (document/path/95406, document/36260), user/create (document/path/90195),
// user/get, update, delete (90196, 90197, 90198), user/simplelist and list
// (90200, 90201). Errcodes are those of the global errcode page
// (document/path/90313); errmsg texts are close to the real ones ("userid
// existed", "userid not found", "mobile existed:<userid>", "no privilege to
// access/modify contact/party/agent" are the real words; the others are
// paraphrased, and WeCom itself says to test errcode, never errmsg).
// fetch_child on user/list and user/simplelist is the parameter of the
// versions the legacy used (since dropped from the documents); the fake still
// honours it.
//
// Like the real service, a JSON field of the wrong type is ignored rather
// than refused, and the success errmsg then ends with
// ". Warning: wrong json format. "; numeric strings are accepted for numbers.

import (
	"cmp"
	"encoding/json"
	"fmt"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"
)

// Paths of the contacts directory API.
const (
	PathDepartmentList       = "/cgi-bin/department/list"
	PathDepartmentSimpleList = "/cgi-bin/department/simplelist"
	PathDepartmentGet        = "/cgi-bin/department/get"
	PathDepartmentCreate     = "/cgi-bin/department/create"
	PathDepartmentUpdate     = "/cgi-bin/department/update"
	PathDepartmentDelete     = "/cgi-bin/department/delete"
	PathUserList             = "/cgi-bin/user/list"
	PathUserSimpleList       = "/cgi-bin/user/simplelist"
	PathUserGet              = "/cgi-bin/user/get"
	PathUserCreate           = "/cgi-bin/user/create"
	PathUserUpdate           = "/cgi-bin/user/update"
	PathUserDelete           = "/cgi-bin/user/delete"
)

// Errcodes the directory answers, from the global errcode page
// (developer.work.weixin.qq.com/document/path/90313).
const (
	CodeInvalidUserID       = 40003  // 无效的UserID: empty or malformed userid
	CodeMissingUserID       = 41009  // 缺少userid参数
	CodeMissingDepartment   = 41019  // 缺少 department 参数 (user/create)
	CodeInvalidParameter    = 40058  // 不合法的参数: e.g. a department order out of [0, 2^32)
	CodeDataFormat          = 47001  // 数据格式错误: body is not a JSON object
	CodeDeptNameLength      = 60001  // 部门长度不符合限制: empty or over 64 characters
	CodeDeptNotFound        = 60003  // 部门ID不存在
	CodeParentNotFound      = 60004  // 父部门不存在
	CodeDeptHasMembers      = 60005  // 部门下存在成员
	CodeDeptHasChildren     = 60006  // 部门下存在子部门
	CodeDeleteRoot          = 60007  // 不允许删除根部门
	CodeDeptExists          = 60008  // 部门已存在: same id, or same name under the same parent
	CodeDeptNameChars       = 60009  // 部门名称含有非法字符 \:*?"<>|
	CodeDeptCycle           = 60010  // 部门存在循环关系
	CodeNoPrivilege         = 60011  // 指定的成员/部门/标签参数无权限: token not of the contacts-sync secret
	CodeUserIDExists        = 60102  // UserID已存在 (case-insensitive)
	CodeMobileInvalid       = 60103  // 手机号码不合法
	CodeMobileExists        = 60104  // 手机号码已存在
	CodeEmailInvalid        = 60105  // 邮箱不合法
	CodeEmailExists         = 60106  // 邮箱已存在
	CodeTooManyDepartments  = 60110  // 用户所属部门数量超过限制 (100)
	CodeUserIDNotFound      = 60111  // UserID不存在
	CodeUserNameInvalid     = 60112  // 成员name参数不合法
	CodeInvalidDeptID       = 60123  // 无效的部门id
	CodeMobileAndEmailEmpty = 60129  // 成员手机和邮箱都为空
	CodeDeptTooDeep         = 81002  // 部门最多15层
	CodePositionInvalid     = 301012 // 参数 position 不合法: over 128 characters
)

// Department is a department of a corp's directory.
type Department struct {
	ID       int    `json:"id"`
	Name     string `json:"name"`
	NameEn   string `json:"name_en,omitempty"`
	ParentID int    `json:"parentid"` // 0 for the root, department 1
	// Order sorts siblings, larger first; [0, 2^32).
	Order            int      `json:"order"`
	DepartmentLeader []string `json:"department_leader"`
}

// Member statuses (the status field of user/get and user/list).
const (
	StatusActive    = 1 // 已激活
	StatusDisabled  = 2 // 已禁用
	StatusInactive  = 4 // 未激活: created and not yet joined
	StatusLeftCorp  = 5 // 退出企业
	maxDeptDepth    = 15
	maxMemberDepts  = 100
	maxPositionLen  = 128
	maxNameLen      = 64
	maxUserIDLen    = 64
	wrongJSONFormat = ". Warning: wrong json format. "
)

// Member is a member of a corp's directory. Enable is not a field: it is 0
// exactly when Status is StatusDisabled.
type Member struct {
	UserID         string `json:"userid"`
	Name           string `json:"name"`
	Alias          string `json:"alias"`
	Department     []int  `json:"department"`
	Order          []int  `json:"order"` // one per department
	MainDepartment int    `json:"main_department"`
	Position       string `json:"position"`
	Mobile         string `json:"mobile"`
	Gender         string `json:"gender"` // "0" unknown, "1" male, "2" female
	Email          string `json:"email"`
	Telephone      string `json:"telephone"`
	Avatar         string `json:"avatar"`
	Status         int    `json:"status"`
}

func (m Member) clone() Member {
	m.Department = slices.Clone(m.Department)
	m.Order = slices.Clone(m.Order)
	return m
}

func (d Department) clone() Department {
	d.DepartmentLeader = slices.Clone(d.DepartmentLeader)
	if d.DepartmentLeader == nil {
		d.DepartmentLeader = []string{}
	}
	return d
}

// Error is a directory change refused, with the errcode and errmsg the API
// would answer.
type Error struct {
	Code int
	Msg  string
}

func (e *Error) Error() string { return fmt.Sprintf("wecom errcode %d: %s", e.Code, e.Msg) }

func fail(code int, format string, args ...any) *Error {
	return &Error{code, fmt.Sprintf(format, args...)}
}

// asError keeps a nil *Error a nil error.
func asError(e *Error) error {
	if e == nil {
		return nil
	}
	return e
}

// dirState is one corp's directory; the Server's mu guards it.
type dirState struct {
	corpID   string
	depts    map[int]*Department
	members  map[string]*memberRec // by lower-cased userid
	seq      int                   // creation order of members
	requests map[string]int
	calls    []Call
}

// Call is a directory request a corp's token was accepted for, in the order
// received: what the client sent and the errcode it got.
type Call struct {
	Method  string
	Path    string
	Query   url.Values      // without access_token
	Body    json.RawMessage // nil for GET
	Errcode int
	Errmsg  string
}

type memberRec struct {
	m        Member
	seq      int
	reenable int // the status to restore when a disabled member is enabled
}

// Directory is the test's handle on one corp's contacts directory: seed it,
// read what the service wrote, expire its tokens. Safe for concurrent use;
// it hands out copies.
type Directory struct {
	s *Server
	d *dirState
}

// AddCorp makes gettoken accept corpID with secret as its contacts-sync
// secret and returns the corp's directory, which holds the root department 1
// (named after the corp). Tokens of that secret reach that corp's directory
// only. Adding the corp of WithWeCom keeps its OAuth secret working; adding a
// corp twice replaces its contacts secret and keeps its directory.
func (s *Server) AddCorp(corpID, secret string) *Directory {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.corps[corpID]
	if !ok {
		c = &corp{}
		s.corps[corpID] = c
	}
	c.contactsSecret = secret
	if c.dir == nil {
		c.dir = &dirState{
			corpID:   corpID,
			depts:    map[int]*Department{1: {ID: 1, Name: corpID, Order: 100000000, DepartmentLeader: []string{}}},
			members:  map[string]*memberRec{},
			requests: map[string]int{},
		}
	}
	return &Directory{s: s, d: c.dir}
}

// Directory returns the directory of a corp added with AddCorp.
func (s *Server) Directory(corpID string) (*Directory, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	c, ok := s.corps[corpID]
	if !ok || c.dir == nil {
		return nil, false
	}
	return &Directory{s: s, d: c.dir}, true
}

// CorpID is the directory's corp.
func (x *Directory) CorpID() string { return x.d.corpID }

// Departments returns every department, parents before their children and
// siblings by Order (larger first), then id.
func (x *Directory) Departments() []Department {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return x.d.subtree(1)
}

// Department returns one department.
func (x *Directory) Department(id int) (Department, bool) {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	d, ok := x.d.depts[id]
	if !ok {
		return Department{}, false
	}
	return d.clone(), true
}

// Members returns every member in creation order.
func (x *Directory) Members() []Member {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return x.d.list(nil)
}

// Member returns one member; userids compare case-insensitively.
func (x *Directory) Member(userID string) (Member, bool) {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	r, ok := x.d.members[strings.ToLower(userID)]
	if !ok {
		return Member{}, false
	}
	return r.m.clone(), true
}

// AddDepartment seeds a department as department/create would make it and
// returns its id: ID 0 picks the next free id, ParentID 0 means the root. A
// refusal is an *Error with the API's errcode.
func (x *Directory) AddDepartment(d Department) (int, error) {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	req := deptReq{Name: &d.Name, ParentID: ptr(cmp.Or(d.ParentID, 1)), Order: &d.Order}
	if d.ID != 0 {
		req.ID = &d.ID
	}
	if d.NameEn != "" {
		req.NameEn = &d.NameEn
	}
	id, err := x.d.createDept(req)
	if err != nil {
		return 0, err
	}
	x.d.depts[id].DepartmentLeader = slices.Clone(d.DepartmentLeader)
	return id, nil
}

// UpdateDepartment replaces a department's name, English name, parent (0 for
// the root), order and leaders, as department/update would.
func (x *Directory) UpdateDepartment(d Department) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	req := deptReq{ID: &d.ID, Name: &d.Name, NameEn: &d.NameEn, Order: &d.Order}
	if d.ID != 1 || d.ParentID != 0 {
		req.ParentID = ptr(cmp.Or(d.ParentID, 1))
	}
	if err := x.d.updateDept(req); err != nil {
		return err
	}
	x.d.depts[d.ID].DepartmentLeader = slices.Clone(d.DepartmentLeader)
	return nil
}

// RemoveDepartment deletes a department as department/delete would.
func (x *Directory) RemoveDepartment(id int) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return asError(x.d.deleteDept(id))
}

// AddMember seeds a member as user/create would, except that mobile and
// email may both be empty, an empty Department means [1] and Status 0 means
// StatusActive (any status may be seeded).
func (x *Directory) AddMember(m Member) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if len(m.Department) == 0 {
		m.Department = []int{1}
	}
	if err := x.d.createUser(memberReq(m), true); err != nil {
		return err
	}
	r := x.d.members[strings.ToLower(m.UserID)]
	r.m.Avatar = m.Avatar
	r.m.Status = cmp.Or(m.Status, StatusActive)
	r.reenable = StatusActive
	return nil
}

// UpdateMember replaces every field of the member with m.UserID as
// user/update would; Status 0 keeps the current status.
func (x *Directory) UpdateMember(m Member) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	if err := x.d.updateUser(memberReq(m), true); err != nil {
		return err
	}
	r := x.d.members[strings.ToLower(m.UserID)]
	r.m.Avatar = m.Avatar
	if m.Status != 0 && m.Status != r.m.Status {
		if m.Status == StatusDisabled {
			r.reenable = r.m.Status
		}
		r.m.Status = m.Status
	}
	return nil
}

// RemoveMember deletes a member as user/delete would.
func (x *Directory) RemoveMember(userID string) error {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return asError(x.d.deleteUser(userID))
}

// Requests counts the requests to path this corp's tokens were accepted for
// (Server.Requests counts every request, FailNext answers included).
func (x *Directory) Requests(path string) int {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return x.d.requests[path]
}

// Counts returns a copy of this corp's per-path counters (accepted tokens).
func (x *Directory) Counts() map[string]int {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	return maps.Clone(x.d.requests)
}

// Calls returns the requests this corp's tokens were accepted for, in order
// (answers forced by FailNext come before the token check and are only in
// Server.Requests).
func (x *Directory) Calls() []Call {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	out := make([]Call, 0, len(x.d.calls))
	for _, c := range x.d.calls {
		c.Query = maps.Clone(c.Query)
		for k, v := range c.Query {
			c.Query[k] = slices.Clone(v)
		}
		c.Body = slices.Clone(c.Body)
		out = append(out, c)
	}
	return out
}

// ExpireTokens expires the tokens issued so far for this corp (any of its
// secrets): calls with them answer 42001 until a new token is fetched.
func (x *Directory) ExpireTokens() {
	x.s.mu.Lock()
	defer x.s.mu.Unlock()
	for _, t := range x.s.tokens {
		if t.kind == PathWeComToken && t.corp == x.d.corpID {
			t.expired = true
		}
	}
}

func ptr[T any](v T) *T { return &v }

// ---- HTTP ----

type dirHandler struct {
	methods []string // accepted methods; the first is reported when refused
	serve   func(d *dirState, r *http.Request, b *jsonBody) reply
}

var directoryAPI map[string]dirHandler

func init() {
	get, post := []string{http.MethodGet}, []string{http.MethodPost}
	directoryAPI = map[string]dirHandler{
		PathDepartmentList:       {get, (*dirState).httpDeptList},
		PathDepartmentSimpleList: {get, (*dirState).httpDeptSimpleList},
		PathDepartmentGet:        {get, (*dirState).httpDeptGet},
		PathDepartmentCreate:     {post, (*dirState).httpDeptCreate},
		PathDepartmentUpdate:     {post, (*dirState).httpDeptUpdate},
		PathDepartmentDelete:     {get, (*dirState).httpDeptDelete},
		PathUserList:             {get, (*dirState).httpUserList},
		PathUserSimpleList:       {get, (*dirState).httpUserSimpleList},
		PathUserGet:              {get, (*dirState).httpUserGet},
		PathUserCreate:           {post, (*dirState).httpUserCreate},
		PathUserUpdate:           {post, (*dirState).httpUserUpdate},
		// WeCom documents GET; the legacy sent POST with the userid in the query.
		PathUserDelete: {[]string{http.MethodGet, http.MethodPost}, (*dirState).httpUserDelete},
	}
}

// answerDirectory serves a directory path; s.mu is held. Unlike wxacode, a
// POST body is read as JSON whatever its Content-Type, like the real service.
func (s *Server) answerDirectory(r *http.Request, body []byte, h dirHandler) reply {
	if !slices.Contains(h.methods, r.Method) {
		if h.methods[0] == http.MethodPost {
			return errReply(43002, "require POST method")
		}
		return errReply(43001, "require GET method")
	}
	tok := r.URL.Query().Get("access_token")
	if rep, ok := s.checkToken(tok, PathWeComToken); !ok {
		return rep
	}
	t := s.tokens[tok]
	c := s.corps[t.corp]
	if !t.contacts || c == nil || c.dir == nil {
		return errReply(CodeNoPrivilege, "no privilege to access/modify contact/party/agent")
	}
	c.dir.requests[r.URL.Path]++
	rep := c.dir.serve(r, body, h)
	q := r.URL.Query()
	q.Del("access_token")
	call := Call{Method: r.Method, Path: r.URL.Path, Query: q}
	if r.Method == http.MethodPost {
		call.Body = slices.Clone(body)
	}
	if m, ok := rep.json.(map[string]any); ok {
		call.Errcode, _ = m["errcode"].(int)
		call.Errmsg, _ = m["errmsg"].(string)
	} else {
		call.Errmsg = "ok" // user/get's struct answer
	}
	c.dir.calls = append(c.dir.calls, call)
	return rep
}

func (d *dirState) serve(r *http.Request, body []byte, h dirHandler) reply {
	var b *jsonBody
	if r.Method == http.MethodPost && slices.Equal(h.methods, []string{http.MethodPost}) {
		var ok bool
		if b, ok = parseJSONBody(body); !ok {
			return errReply(CodeDataFormat, "data format error")
		}
	}
	return h.serve(d, r, b)
}

func okReply(msg string, b *jsonBody, extra map[string]any) reply {
	if b != nil && b.wrong {
		msg += wrongJSONFormat
	}
	m := map[string]any{"errcode": 0, "errmsg": msg}
	for k, v := range extra {
		m[k] = v
	}
	return reply{json: m}
}

func errorReply(err *Error) reply { return errReply(err.Code, err.Msg) }

// queryInt reads an integer query parameter: ok is false when it is absent
// or not a number.
func queryInt(r *http.Request, key string) (int, bool) {
	n, err := strconv.Atoi(strings.TrimSpace(r.URL.Query().Get(key)))
	return n, err == nil
}

func (d *dirState) httpDeptList(r *http.Request, _ *jsonBody) reply {
	root := 1
	if r.URL.Query().Has("id") && r.URL.Query().Get("id") != "" {
		id, ok := queryInt(r, "id")
		if _, found := d.depts[id]; !ok || !found {
			return errorReply(fail(CodeDeptNotFound, "department not found"))
		}
		root = id
	}
	return okReply("ok", nil, map[string]any{"department": d.subtree(root)})
}

func (d *dirState) httpDeptSimpleList(r *http.Request, b *jsonBody) reply {
	rep := d.httpDeptList(r, b)
	m := rep.json.(map[string]any)
	if m["errcode"] != 0 {
		return rep
	}
	ids := []map[string]int{}
	for _, x := range m["department"].([]Department) {
		ids = append(ids, map[string]int{"id": x.ID, "parentid": x.ParentID, "order": x.Order})
	}
	delete(m, "department")
	m["department_id"] = ids
	return rep
}

func (d *dirState) httpDeptGet(r *http.Request, _ *jsonBody) reply {
	id, ok := queryInt(r, "id")
	x, found := d.depts[id]
	if !ok || !found {
		return errorReply(fail(CodeDeptNotFound, "department not found"))
	}
	return okReply("ok", nil, map[string]any{"department": x.clone()})
}

func (d *dirState) httpDeptCreate(_ *http.Request, b *jsonBody) reply {
	req := deptReq{ID: b.int("id"), Name: b.str("name"), NameEn: b.str("name_en"), ParentID: b.int("parentid"), Order: b.int("order")}
	id, err := d.createDept(req)
	if err != nil {
		return errorReply(err)
	}
	return okReply("created", b, map[string]any{"id": id})
}

func (d *dirState) httpDeptUpdate(_ *http.Request, b *jsonBody) reply {
	req := deptReq{ID: b.int("id"), Name: b.str("name"), NameEn: b.str("name_en"), ParentID: b.int("parentid"), Order: b.int("order")}
	if err := d.updateDept(req); err != nil {
		return errorReply(err)
	}
	return okReply("updated", b, nil)
}

func (d *dirState) httpDeptDelete(r *http.Request, _ *jsonBody) reply {
	id, ok := queryInt(r, "id")
	if !ok {
		return errorReply(fail(CodeDeptNotFound, "department not found"))
	}
	if err := d.deleteDept(id); err != nil {
		return errorReply(err)
	}
	return okReply("deleted", nil, nil)
}

// listed answers the members of department_id (and its descendants with
// fetch_child=1); ok is false with the error reply otherwise.
func (d *dirState) listed(r *http.Request) ([]Member, reply, bool) {
	id, ok := queryInt(r, "department_id")
	if _, found := d.depts[id]; !ok || !found {
		return nil, errorReply(fail(CodeDeptNotFound, "department not found")), false
	}
	in := map[int]bool{id: true}
	if r.URL.Query().Get("fetch_child") == "1" {
		for _, x := range d.subtree(id) {
			in[x.ID] = true
		}
	}
	return d.list(in), reply{}, true
}

func (d *dirState) httpUserList(r *http.Request, _ *jsonBody) reply {
	ms, rep, ok := d.listed(r)
	if !ok {
		return rep
	}
	list := make([]wireMember, 0, len(ms))
	for _, m := range ms {
		list = append(list, toWire(m))
	}
	return okReply("ok", nil, map[string]any{"userlist": list})
}

func (d *dirState) httpUserSimpleList(r *http.Request, _ *jsonBody) reply {
	ms, rep, ok := d.listed(r)
	if !ok {
		return rep
	}
	list := make([]map[string]any, 0, len(ms))
	for _, m := range ms {
		list = append(list, map[string]any{"userid": m.UserID, "name": m.Name, "department": m.Department})
	}
	return okReply("ok", nil, map[string]any{"userlist": list})
}

func (d *dirState) httpUserGet(r *http.Request, _ *jsonBody) reply {
	id := r.URL.Query().Get("userid")
	if id == "" {
		return errorReply(fail(CodeMissingUserID, "missing userid"))
	}
	rec, ok := d.members[strings.ToLower(id)]
	if !ok {
		return errorReply(fail(CodeUserIDNotFound, "userid not found"))
	}
	w := toWire(rec.m.clone())
	return reply{json: struct {
		Errcode int    `json:"errcode"`
		Errmsg  string `json:"errmsg"`
		wireMember
	}{0, "ok", w}}
}

func (d *dirState) httpUserCreate(_ *http.Request, b *jsonBody) reply {
	if err := d.createUser(b.userReq(), false); err != nil {
		return errorReply(err)
	}
	return okReply("created", b, nil)
}

func (d *dirState) httpUserUpdate(_ *http.Request, b *jsonBody) reply {
	if err := d.updateUser(b.userReq(), false); err != nil {
		return errorReply(err)
	}
	return okReply("updated", b, nil)
}

func (d *dirState) httpUserDelete(r *http.Request, _ *jsonBody) reply {
	if err := d.deleteUser(r.URL.Query().Get("userid")); err != nil {
		return errorReply(err)
	}
	return okReply("deleted", nil, nil)
}

// wireMember is a member as user/get and user/list answer it.
type wireMember struct {
	Member
	Enable         int   `json:"enable"`
	IsLeaderInDept []int `json:"is_leader_in_dept"`
}

func toWire(m Member) wireMember {
	enable := 1
	if m.Status == StatusDisabled {
		enable = 0
	}
	if m.Department == nil {
		m.Department = []int{}
	}
	if m.Order == nil {
		m.Order = []int{}
	}
	return wireMember{Member: m, Enable: enable, IsLeaderInDept: make([]int, len(m.Department))}
}

// ---- request bodies ----

// jsonBody is a JSON object body read field by field: a field of the wrong
// type counts as absent and sets wrong, as the real service warns.
type jsonBody struct {
	f     map[string]json.RawMessage
	wrong bool
}

func parseJSONBody(body []byte) (*jsonBody, bool) {
	var f map[string]json.RawMessage
	if err := json.Unmarshal(body, &f); err != nil || f == nil {
		return nil, false
	}
	return &jsonBody{f: f}, true
}

func (b *jsonBody) raw(key string) (json.RawMessage, bool) {
	v, ok := b.f[key]
	if !ok || string(v) == "null" {
		return nil, false
	}
	return v, true
}

// str reads a string; a number is taken as its digits.
func (b *jsonBody) str(key string) *string {
	v, ok := b.raw(key)
	if !ok {
		return nil
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		return &s
	}
	var n json.Number
	if json.Unmarshal(v, &n) == nil {
		s = n.String()
		return &s
	}
	b.wrong = true
	return nil
}

func rawInt(v json.RawMessage) (int, bool) {
	var n int64
	if json.Unmarshal(v, &n) == nil {
		return int(n), true
	}
	var s string
	if json.Unmarshal(v, &s) == nil {
		if n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64); err == nil {
			return int(n), true
		}
	}
	return 0, false
}

// int reads an integer, from a number or a numeric string.
func (b *jsonBody) int(key string) *int {
	v, ok := b.raw(key)
	if !ok {
		return nil
	}
	n, ok := rawInt(v)
	if !ok {
		b.wrong = true
		return nil
	}
	return &n
}

// ints reads an array of integers.
func (b *jsonBody) ints(key string) *[]int {
	v, ok := b.raw(key)
	if !ok {
		return nil
	}
	var items []json.RawMessage
	if json.Unmarshal(v, &items) != nil {
		b.wrong = true
		return nil
	}
	out := make([]int, 0, len(items))
	for _, it := range items {
		n, ok := rawInt(it)
		if !ok {
			b.wrong = true
			return nil
		}
		out = append(out, n)
	}
	return &out
}

type userReq struct {
	UserID, Name, Alias, Position, Mobile, Gender, Email, Telephone *string
	Department, Order                                               *[]int
	MainDepartment, Enable                                          *int
}

func (b *jsonBody) userReq() userReq {
	return userReq{
		UserID: b.str("userid"), Name: b.str("name"), Alias: b.str("alias"), Position: b.str("position"),
		Mobile: b.str("mobile"), Gender: b.str("gender"), Email: b.str("email"), Telephone: b.str("telephone"),
		Department: b.ints("department"), Order: b.ints("order"),
		MainDepartment: b.int("main_department"), Enable: b.int("enable"),
	}
}

// memberReq is the request that sets every field of m.
func memberReq(m Member) userReq {
	req := userReq{
		UserID: &m.UserID, Name: &m.Name, Alias: &m.Alias, Position: &m.Position, Mobile: &m.Mobile,
		Gender: &m.Gender, Email: &m.Email, Telephone: &m.Telephone,
		Department: ptr(slices.Clone(m.Department)), Order: ptr(slices.Clone(m.Order)),
	}
	if m.MainDepartment != 0 {
		req.MainDepartment = &m.MainDepartment
	}
	return req
}

type deptReq struct {
	ID, ParentID, Order *int
	Name, NameEn        *string
}

// ---- the directory's rules; s.mu is held ----

// subtree is root and its descendants, parents first, siblings by order
// (larger first) then id.
func (d *dirState) subtree(root int) []Department {
	children := map[int][]*Department{}
	for _, x := range d.depts {
		if x.ID != 1 {
			children[x.ParentID] = append(children[x.ParentID], x)
		}
	}
	for _, c := range children {
		slices.SortFunc(c, func(a, b *Department) int {
			return cmp.Or(cmp.Compare(b.Order, a.Order), cmp.Compare(a.ID, b.ID))
		})
	}
	out := []Department{}
	var walk func(x *Department)
	walk = func(x *Department) {
		out = append(out, x.clone())
		for _, c := range children[x.ID] {
			walk(c)
		}
	}
	if x, ok := d.depts[root]; ok {
		walk(x)
	}
	return out
}

// list is the members in any department of in (all with nil), in creation
// order.
func (d *dirState) list(in map[int]bool) []Member {
	recs := make([]*memberRec, 0, len(d.members))
	for _, r := range d.members {
		if in == nil || slices.ContainsFunc(r.m.Department, func(id int) bool { return in[id] }) {
			recs = append(recs, r)
		}
	}
	slices.SortFunc(recs, func(a, b *memberRec) int { return cmp.Compare(a.seq, b.seq) })
	out := make([]Member, 0, len(recs))
	for _, r := range recs {
		out = append(out, r.m.clone())
	}
	return out
}

// depth is 1 for the root, 2 for its children...
func (d *dirState) depth(id int) int {
	n := 0
	for x, ok := d.depts[id]; ok && n <= len(d.depts); x, ok = d.depts[x.ParentID] {
		n++
	}
	return n
}

// height is the number of levels of id's subtree (1 for a leaf).
func (d *dirState) height(id int) int {
	h := 0
	for _, x := range d.depts {
		if x.ID != 1 && x.ParentID == id {
			h = max(h, d.height(x.ID))
		}
	}
	return h + 1
}

// isDescendant reports whether id is anc or below it.
func (d *dirState) isDescendant(id, anc int) bool {
	for n := 0; n <= len(d.depts); n++ {
		if id == anc {
			return true
		}
		x, ok := d.depts[id]
		if !ok || x.ID == 1 {
			return false
		}
		id = x.ParentID
	}
	return false
}

func checkDeptName(name string) *Error {
	if name == "" || utf8.RuneCountInString(name) > maxNameLen {
		return fail(CodeDeptNameLength, "invalid department name length, must be 1 to %d characters", maxNameLen)
	}
	if strings.ContainsAny(name, `\:*?"<>|`) {
		return fail(CodeDeptNameChars, `department name contains invalid characters \:*?"<>|`)
	}
	return nil
}

func (d *dirState) siblingNamed(parent int, name string, except int) bool {
	for _, x := range d.depts {
		if x.ID != 1 && x.ID != except && x.ParentID == parent && x.Name == name {
			return true
		}
	}
	return false
}

func (d *dirState) createDept(req deptReq) (int, *Error) {
	name := ""
	if req.Name != nil {
		name = *req.Name
	}
	if err := checkDeptName(name); err != nil {
		return 0, err
	}
	if req.NameEn != nil && *req.NameEn != "" {
		if err := checkDeptName(*req.NameEn); err != nil {
			return 0, err
		}
	}
	if req.ParentID == nil {
		return 0, fail(CodeParentNotFound, "parent department not found")
	}
	parent := *req.ParentID
	if _, ok := d.depts[parent]; !ok {
		return 0, fail(CodeParentNotFound, "parent department not found: %d", parent)
	}
	id := 0
	if req.ID != nil {
		id = *req.ID
		if id < 1 || id > 1<<31-1 {
			return 0, fail(CodeInvalidDeptID, "invalid party id %d", id)
		}
		if _, ok := d.depts[id]; ok {
			return 0, fail(CodeDeptExists, "department existed: %d", id)
		}
	}
	if d.siblingNamed(parent, name, 0) {
		return 0, fail(CodeDeptExists, "department existed: name %q under %d", name, parent)
	}
	order := 0
	if req.Order != nil {
		order = *req.Order
		if order < 0 || order >= 1<<32 {
			return 0, fail(CodeInvalidParameter, "invalid order %d", order)
		}
	}
	if d.depth(parent)+1 > maxDeptDepth {
		return 0, fail(CodeDeptTooDeep, "department level exceeds the limit of %d", maxDeptDepth)
	}
	if id == 0 {
		for x := range d.depts {
			id = max(id, x)
		}
		id++
	}
	nd := &Department{ID: id, Name: name, ParentID: parent, Order: order, DepartmentLeader: []string{}}
	if req.NameEn != nil {
		nd.NameEn = *req.NameEn
	}
	d.depts[id] = nd
	return id, nil
}

func (d *dirState) updateDept(req deptReq) *Error {
	if req.ID == nil {
		return fail(CodeDeptNotFound, "department not found")
	}
	x, ok := d.depts[*req.ID]
	if !ok {
		return fail(CodeDeptNotFound, "department not found: %d", *req.ID)
	}
	name, parent, order := x.Name, x.ParentID, x.Order
	if req.Name != nil {
		if err := checkDeptName(*req.Name); err != nil {
			return err
		}
		name = *req.Name
	}
	if req.NameEn != nil && *req.NameEn != "" {
		if err := checkDeptName(*req.NameEn); err != nil {
			return err
		}
	}
	if req.ParentID != nil && *req.ParentID != x.ParentID {
		p := *req.ParentID
		if _, ok := d.depts[p]; !ok {
			return fail(CodeParentNotFound, "parent department not found: %d", p)
		}
		if d.isDescendant(p, x.ID) {
			return fail(CodeDeptCycle, "department %d cannot move under itself or its descendant %d", x.ID, p)
		}
		if d.depth(p)+d.height(x.ID) > maxDeptDepth {
			return fail(CodeDeptTooDeep, "department level exceeds the limit of %d", maxDeptDepth)
		}
		parent = p
	}
	if req.Order != nil {
		if *req.Order < 0 || *req.Order >= 1<<32 {
			return fail(CodeInvalidParameter, "invalid order %d", *req.Order)
		}
		order = *req.Order
	}
	if x.ID != 1 && d.siblingNamed(parent, name, x.ID) {
		return fail(CodeDeptExists, "department existed: name %q under %d", name, parent)
	}
	x.Name, x.ParentID, x.Order = name, parent, order
	if req.NameEn != nil {
		x.NameEn = *req.NameEn
	}
	return nil
}

func (d *dirState) deleteDept(id int) *Error {
	if _, ok := d.depts[id]; !ok {
		return fail(CodeDeptNotFound, "department not found: %d", id)
	}
	if id == 1 {
		return fail(CodeDeleteRoot, "not allow to delete root department")
	}
	for _, x := range d.depts {
		if x.ID != 1 && x.ParentID == id {
			return fail(CodeDeptHasChildren, "department contains sub-department")
		}
	}
	for _, r := range d.members {
		if slices.Contains(r.m.Department, id) {
			return fail(CodeDeptHasMembers, "department contains user")
		}
	}
	delete(d.depts, id)
	return nil
}

func validUserID(id string) bool {
	if id == "" || len(id) > maxUserIDLen {
		return false
	}
	for i, c := range id {
		alnum := c < utf8.RuneSelf && (c >= '0' && c <= '9' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z')
		if !alnum && (i == 0 || !strings.ContainsRune("_-@.", c)) {
			return false
		}
	}
	return true
}

func validMobile(s string) bool {
	if len(s) > 32 || strings.Trim(s, " ") == "" {
		return false
	}
	return strings.Trim(s, "0123456789+- ") == ""
}

func validEmail(s string) bool {
	at := strings.LastIndexByte(s, '@')
	return len(s) >= 6 && len(s) <= 64 && at > 0 && at < len(s)-1 && !strings.ContainsAny(s, " \t\r\n")
}

func normGender(g string) string {
	if g == "1" || g == "2" {
		return g
	}
	return "0"
}

// owner is the member (other than self) holding the mobile or email value.
func (d *dirState) owner(self string, get func(Member) string, v string, fold bool) (string, bool) {
	for k, r := range d.members {
		if k == self {
			continue
		}
		w := get(r.m)
		if w != "" && (w == v || fold && strings.EqualFold(w, v)) {
			return r.m.UserID, true
		}
	}
	return "", false
}

// checkUser validates the fields req sets against m (the member as it
// stands, zero for a creation) and applies them to m.
func (d *dirState) checkUser(self string, m *Member, req userReq, creating, seed bool) *Error {
	if req.Name != nil || creating {
		name := ""
		if req.Name != nil {
			name = *req.Name
		}
		if name == "" || utf8.RuneCountInString(name) > maxNameLen {
			return fail(CodeUserNameInvalid, "invalid name, must be 1 to %d characters", maxNameLen)
		}
		m.Name = name
	}
	if req.Department != nil || creating {
		var depts []int
		if req.Department != nil {
			depts = *req.Department
		}
		if len(depts) == 0 {
			return fail(CodeMissingDepartment, "missing department")
		}
		if len(depts) > maxMemberDepts {
			return fail(CodeTooManyDepartments, "department count exceeds the limit of %d", maxMemberDepts)
		}
		for _, id := range depts {
			if _, ok := d.depts[id]; !ok {
				return fail(CodeDeptNotFound, "department not found: %d", id)
			}
		}
		m.Department = nil
		for _, id := range depts {
			if !slices.Contains(m.Department, id) {
				m.Department = append(m.Department, id)
			}
		}
		if !slices.Contains(m.Department, m.MainDepartment) {
			m.MainDepartment = m.Department[0]
		}
		if len(m.Order) != len(m.Department) {
			m.Order = make([]int, len(m.Department))
		}
	}
	if req.Order != nil && len(*req.Order) == len(m.Department) {
		m.Order = slices.Clone(*req.Order)
	}
	if req.MainDepartment != nil && slices.Contains(m.Department, *req.MainDepartment) {
		m.MainDepartment = *req.MainDepartment
	}
	if req.Mobile != nil {
		if *req.Mobile != "" && !validMobile(*req.Mobile) {
			return fail(CodeMobileInvalid, "mobile invalid: %s", *req.Mobile)
		}
		m.Mobile = *req.Mobile
	}
	if req.Email != nil {
		if *req.Email != "" && !validEmail(*req.Email) {
			return fail(CodeEmailInvalid, "email invalid: %s", *req.Email)
		}
		m.Email = *req.Email
	}
	if !seed && m.Mobile == "" && m.Email == "" {
		return fail(CodeMobileAndEmailEmpty, "mobile and email can not be both empty")
	}
	if req.Position != nil {
		if utf8.RuneCountInString(*req.Position) > maxPositionLen {
			return fail(CodePositionInvalid, "invalid position, at most %d characters", maxPositionLen)
		}
		m.Position = *req.Position
	}
	if m.Mobile != "" {
		if who, ok := d.owner(self, func(x Member) string { return x.Mobile }, m.Mobile, false); ok {
			return fail(CodeMobileExists, "mobile existed:%s", who)
		}
	}
	if m.Email != "" {
		if who, ok := d.owner(self, func(x Member) string { return x.Email }, m.Email, true); ok {
			return fail(CodeEmailExists, "email existed:%s", who)
		}
	}
	if req.Gender != nil {
		m.Gender = normGender(*req.Gender)
	}
	if m.Gender == "" {
		m.Gender = "0"
	}
	if req.Alias != nil {
		m.Alias = *req.Alias
	}
	if req.Telephone != nil {
		m.Telephone = *req.Telephone
	}
	return nil
}

func (d *dirState) createUser(req userReq, seed bool) *Error {
	if req.UserID == nil || *req.UserID == "" {
		return fail(CodeMissingUserID, "missing userid")
	}
	id := *req.UserID
	if !validUserID(id) {
		return fail(CodeInvalidUserID, "invalid userid %q", id)
	}
	key := strings.ToLower(id)
	if _, ok := d.members[key]; ok {
		return fail(CodeUserIDExists, "userid existed")
	}
	m := Member{UserID: id}
	if err := d.checkUser(key, &m, req, true, seed); err != nil {
		return err
	}
	m.Status = StatusInactive
	if req.Enable != nil && *req.Enable == 0 {
		m.Status = StatusDisabled
	}
	d.seq++
	d.members[key] = &memberRec{m: m, seq: d.seq, reenable: StatusInactive}
	return nil
}

func (d *dirState) updateUser(req userReq, seed bool) *Error {
	if req.UserID == nil || *req.UserID == "" {
		return fail(CodeMissingUserID, "missing userid")
	}
	key := strings.ToLower(*req.UserID)
	r, ok := d.members[key]
	if !ok {
		return fail(CodeUserIDNotFound, "userid not found")
	}
	m := r.m.clone()
	if err := d.checkUser(key, &m, req, false, seed); err != nil {
		return err
	}
	if req.Enable != nil {
		switch {
		case *req.Enable == 0 && m.Status != StatusDisabled:
			r.reenable = m.Status
			m.Status = StatusDisabled
		case *req.Enable != 0 && m.Status == StatusDisabled:
			m.Status = cmp.Or(r.reenable, StatusInactive)
		}
	}
	r.m = m
	return nil
}

func (d *dirState) deleteUser(userID string) *Error {
	if userID == "" {
		return fail(CodeMissingUserID, "missing userid")
	}
	key := strings.ToLower(userID)
	if _, ok := d.members[key]; !ok {
		return fail(CodeUserIDNotFound, "userid not found")
	}
	delete(d.members, key)
	return nil
}
