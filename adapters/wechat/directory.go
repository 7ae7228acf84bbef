package wechat

import (
	"context"
	"net/http"
	"net/url"
	"strconv"
	"sync"
	"time"

	"leida/domain/directory"
	"leida/ports"
)

// Directory calls the WeCom contacts API of any company, with the
// company's own credentials; one token cache per corp. Safe for concurrent use.
type Directory struct {
	t     transport
	clock ports.Clock

	mu     sync.Mutex
	tokens map[directory.Corp]*tokenCache
}

// NewDirectory makes the client for the WeCom API at baseURL; hc nil means
// a default http.Client, clock nil the system clock, timeout 0 DefaultTimeout.
func NewDirectory(baseURL string, hc *http.Client, clock ports.Clock, timeout time.Duration) *Directory {
	return &Directory{t: newTransport(baseURL, hc, timeout), clock: clock, tokens: map[directory.Corp]*tokenCache{}}
}

func (d *Directory) cache(c directory.Corp) *tokenCache {
	d.mu.Lock()
	defer d.mu.Unlock()
	tc, ok := d.tokens[c]
	if !ok {
		tc = newTokenCache(d.clock, func(ctx context.Context) (tokenAnswer, error) {
			return d.t.token(ctx, "wecom gettoken (contacts)", "/cgi-bin/gettoken", url.Values{"corpid": {c.ID}, "corpsecret": {c.Secret}})
		})
		d.tokens[c] = tc
	}
	return tc
}

// call sends one directory request with the corp's token into out.
func (d *Directory) call(ctx context.Context, c directory.Corp, op, method, path string, q url.Values, body any, out interface{ check(string) error }) error {
	if c.ID == "" || c.Secret == "" {
		return notConfigured(op, "the company's WeCom corp_id / tongxunlu_secret")
	}
	return d.cache(c).withToken(ctx, op, func(tok string) error {
		qq := url.Values{"access_token": {tok}}
		for k, v := range q {
			qq[k] = v
		}
		a, err := d.t.do(ctx, op, method, path, qq, body, maxJSONAnswer)
		if err != nil {
			return err
		}
		return decode(op, a, out)
	})
}

type wireDepartment struct {
	ID       int64  `json:"id"`
	Name     string `json:"name"`
	ParentID int64  `json:"parentid"`
	Order    int64  `json:"order"`
}

type wireMember struct {
	UserID     string  `json:"userid"`
	Name       string  `json:"name"`
	Department []int64 `json:"department"`
	Position   string  `json:"position"`
	Mobile     string  `json:"mobile"`
	Gender     flexInt `json:"gender"`
	Email      string  `json:"email"`
	Avatar     string  `json:"avatar"`
	Status     int     `json:"status"` // 1 active, 2 disabled, 4 not yet activated, 5 left
}

// Departments lists every department of the corp, the root included.
func (d *Directory) Departments(ctx context.Context, c directory.Corp) ([]directory.Department, error) {
	var r struct {
		status
		Department []wireDepartment `json:"department"`
	}
	if err := d.call(ctx, c, "wecom department/list", http.MethodGet, "/cgi-bin/department/list", nil, nil, &r); err != nil {
		return nil, err
	}
	out := make([]directory.Department, len(r.Department))
	for i, w := range r.Department {
		out[i] = directory.Department{ID: w.ID, Name: w.Name, ParentID: w.ParentID, Order: w.Order}
	}
	return out, nil
}

// Members lists every member of the corp (the root department with its
// descendants).
func (d *Directory) Members(ctx context.Context, c directory.Corp) ([]directory.Member, error) {
	var r struct {
		status
		UserList []wireMember `json:"userlist"`
	}
	q := url.Values{"department_id": {strconv.Itoa(directory.RootDepartment)}, "fetch_child": {"1"}}
	if err := d.call(ctx, c, "wecom user/list", http.MethodGet, "/cgi-bin/user/list", q, nil, &r); err != nil {
		return nil, err
	}
	out := make([]directory.Member, len(r.UserList))
	for i, w := range r.UserList {
		out[i] = directory.Member{UserID: w.UserID, Name: w.Name, Departments: w.Department, Position: w.Position,
			Mobile: w.Mobile, Gender: int(w.Gender), Email: w.Email, Avatar: w.Avatar, Active: w.Status != 2 && w.Status != 5}
	}
	return out, nil
}

// memberBody is what create and update send: only what Leida manages.
func memberBody(m directory.Member) map[string]any {
	b := map[string]any{"userid": m.UserID, "name": m.Name, "position": m.Position, "mobile": m.Mobile}
	if len(m.Departments) > 0 {
		b["department"] = m.Departments
	} else {
		b["department"] = []int64{directory.RootDepartment}
	}
	if m.Gender == 1 || m.Gender == 2 {
		b["gender"] = strconv.Itoa(m.Gender)
	}
	return b
}

// CreateMember adds a member.
func (d *Directory) CreateMember(ctx context.Context, c directory.Corp, m directory.Member) error {
	var r status
	return d.call(ctx, c, "wecom user/create", http.MethodPost, "/cgi-bin/user/create", nil, memberBody(m), &r)
}

// UpdateMember changes a member.
func (d *Directory) UpdateMember(ctx context.Context, c directory.Corp, m directory.Member) error {
	var r status
	return d.call(ctx, c, "wecom user/update", http.MethodPost, "/cgi-bin/user/update", nil, memberBody(m), &r)
}

// DeleteMember removes a member.
func (d *Directory) DeleteMember(ctx context.Context, c directory.Corp, userID string) error {
	var r status
	return d.call(ctx, c, "wecom user/delete", http.MethodGet, "/cgi-bin/user/delete", url.Values{"userid": {userID}}, nil, &r)
}

// CreateDepartment adds a department under parentID and returns WeCom's id for it.
func (d *Directory) CreateDepartment(ctx context.Context, c directory.Corp, name string, parentID int64) (int64, error) {
	var r struct {
		status
		ID int64 `json:"id"`
	}
	if parentID == 0 {
		parentID = directory.RootDepartment
	}
	err := d.call(ctx, c, "wecom department/create", http.MethodPost, "/cgi-bin/department/create", nil,
		map[string]any{"name": name, "parentid": parentID}, &r)
	if err == nil && r.ID == 0 {
		err = failure("wecom department/create", "answer has no id")
	}
	return r.ID, err
}

// UpdateDepartment renames or moves a department.
func (d *Directory) UpdateDepartment(ctx context.Context, c directory.Corp, dep directory.Department) error {
	var r status
	parent := dep.ParentID
	if parent == 0 {
		parent = directory.RootDepartment
	}
	return d.call(ctx, c, "wecom department/update", http.MethodPost, "/cgi-bin/department/update", nil,
		map[string]any{"id": dep.ID, "name": dep.Name, "parentid": parent}, &r)
}

// DeleteDepartment removes a department (WeCom refuses one with members or children).
func (d *Directory) DeleteDepartment(ctx context.Context, c directory.Corp, id int64) error {
	var r status
	return d.call(ctx, c, "wecom department/delete", http.MethodGet, "/cgi-bin/department/delete",
		url.Values{"id": {strconv.FormatInt(id, 10)}}, nil, &r)
}
