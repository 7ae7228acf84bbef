package http

import (
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/org"
	"leida/ports"
)

// ---- A12 login

type loginData struct {
	Token     string `json:"token"`
	UserID    int64  `json:"user_id"`
	SetAvatar string `json:"set_avatar"`
}

// Login is A12: username and password from the form body.
func (h *Handlers) Login(c echo.Context) error {
	res, err := h.Auth.Login(c.Request().Context(), ports.LoginInput{
		Username: formValue(c, "username"), Password: formValue(c, "password"), ClientIP: c.RealIP(),
	})
	if err != nil {
		return err
	}
	return ok(c, "登录成功", loginData{Token: res.Token, UserID: res.UserID, SetAvatar: res.Avatar})
}

// ---- E01–E04 users

type userItem struct {
	ID            int64  `json:"id"`
	Username      string `json:"username"`
	RoleName      string `json:"role_name"`
	RoleID        int64  `json:"role_id"`
	CreateDate    string `json:"create_date"`
	LastLoginDate any    `json:"last_login_date"`
	Status        string `json:"status"`
}

// ListUsers is E01.
func (h *Handlers) ListUsers(c echo.Context) error {
	q, err := listQuery(c, 10, "id", "username", "role__name", "company__name", "create_date", "last_login_date")
	if err != nil {
		return err
	}
	users, total, err := h.Users.ListUsers(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	items := make([]userItem, len(users))
	for i, u := range users {
		items[i] = userItemOf(u, h.Config.Location)
	}
	return ok(c, "查询成功", newPage(items, total))
}

// userItemOf is the E01 item of a user.
func userItemOf(u org.User, loc *time.Location) userItem {
	return userItem{ID: u.ID, Username: u.Username, RoleName: u.RoleName, RoleID: u.RoleID,
		CreateDate: wireTime(u.CreatedAt, loc), LastLoginDate: wireTimePtr(u.LastLoginAt, loc), Status: u.Status.Label()}
}

func userInput(c echo.Context) ports.UserInput {
	return ports.UserInput{
		WeComUserID: formValue(c, "userid"), Username: formValue(c, "username"), Password: formValue(c, "password"),
		RoleID: formValue(c, "role_id"), CompanyID: formValue(c, "company_id"), Status: formValue(c, "status"),
	}
}

// AddUser is E02.
func (h *Handlers) AddUser(c echo.Context) error {
	if _, err := h.Users.AddUser(c.Request().Context(), actor(c), userInput(c)); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeleteUser is E03.
func (h *Handlers) DeleteUser(c echo.Context) error {
	if err := h.Users.DeleteUser(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// UpdateUser is E04.
func (h *Handlers) UpdateUser(c echo.Context) error {
	if err := h.Users.UpdateUser(c.Request().Context(), actor(c), pathID(c), userInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

// ---- E09–E12 roles

type roleItem struct {
	ID         int64  `json:"id"`
	Name       string `json:"name"`
	RoleID     int64  `json:"role_id"`
	CreateDate string `json:"create_date"`
	Level      int    `json:"level"`
}

// RoleIndex is E09 on GET and E10 (the document's POST role) on POST.
func (h *Handlers) RoleIndex(c echo.Context) error {
	if c.Request().Method == "POST" {
		return h.AddRole(c)
	}
	q, err := listQuery(c, 10, "id", "name", "create_date")
	if err != nil {
		return err
	}
	roles, total, err := h.Roles.ListRoles(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	items := make([]roleItem, len(roles))
	for i, r := range roles {
		items[i] = roleItem{ID: r.ID, Name: r.Name, RoleID: r.ID, CreateDate: wireTime(r.CreatedAt, h.Config.Location), Level: int(r.Level)}
	}
	return ok(c, "", newPage(items, total))
}

func roleInput(c echo.Context) ports.RoleInput {
	return ports.RoleInput{Name: formValue(c, "name"), Level: formValue(c, "level")}
}

// AddRole is E10.
func (h *Handlers) AddRole(c echo.Context) error {
	if _, err := h.Roles.AddRole(c.Request().Context(), actor(c), roleInput(c)); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeleteRole is E11.
func (h *Handlers) DeleteRole(c echo.Context) error {
	if err := h.Roles.DeleteRole(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// UpdateRole is E12.
func (h *Handlers) UpdateRole(c echo.Context) error {
	if err := h.Roles.UpdateRole(c.Request().Context(), actor(c), pathID(c), roleInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

// ---- A1, E13–E15 permissions

type permissionNode struct {
	ID               int64             `json:"id"`
	Path             string            `json:"path"`
	Icon             string            `json:"icon"`
	Title            string            `json:"title"`
	PidID            any               `json:"pid_id"`
	PidName          string            `json:"pid__name"`
	OrderNum         int               `json:"order_num"`
	CreateDate       string            `json:"create_date"`
	Component        string            `json:"component"`
	OperUserUsername string            `json:"oper_user__username"`
	Level            int               `json:"level"`
	Children         []*permissionNode `json:"children"`
	Expand           bool              `json:"expand"`
}

type permissionTree struct {
	RetData        []*permissionNode `json:"ret_data"`
	ResultDataTree []*permissionNode `json:"result_data_tree"`
}

// PermissionTree is A1: the flat list and the tree share their nodes.
func (h *Handlers) PermissionTree(c echo.Context) error {
	flat, roots, err := h.Permissions.PermissionTree(c.Request().Context(), actor(c))
	if err != nil {
		return err
	}
	wire := map[*org.PermissionNode]*permissionNode{}
	var convert func(n *org.PermissionNode) *permissionNode
	convert = func(n *org.PermissionNode) *permissionNode {
		if w, ok := wire[n]; ok {
			return w
		}
		var pid any = ""
		if n.ParentID != nil {
			pid = *n.ParentID
		}
		w := &permissionNode{ID: n.ID, Path: n.Path, Icon: n.Icon, Title: n.DecoratedTitle, PidID: pid, PidName: n.ParentTitle,
			OrderNum: n.OrderNum, CreateDate: wireTime(n.CreatedAt, h.Config.Location), Component: n.Component,
			OperUserUsername: n.OperUsername, Level: n.Level, Children: []*permissionNode{}, Expand: true}
		wire[n] = w
		for _, k := range n.Children {
			w.Children = append(w.Children, convert(k))
		}
		return w
	}
	out := permissionTree{RetData: []*permissionNode{}, ResultDataTree: []*permissionNode{}}
	for _, n := range roots {
		out.ResultDataTree = append(out.ResultDataTree, convert(n))
	}
	for _, n := range flat {
		out.RetData = append(out.RetData, convert(n))
	}
	return ok(c, "查询成功", out)
}

// permissionInput reads E13/E15's form; the document's parameter table
// names the sort key order, the implementation order_num (D1: serve both).
func permissionInput(c echo.Context) ports.PermissionInput {
	return ports.PermissionInput{Path: formValue(c, "path"), Icon: formValue(c, "icon"), Title: formValue(c, "title"),
		ParentID: formValue(c, "pid_id"), OrderNum: firstForm(c, "order_num", "order"), Component: formValue(c, "component")}
}

// AddPermission is E13.
func (h *Handlers) AddPermission(c echo.Context) error {
	if _, err := h.Permissions.AddPermission(c.Request().Context(), actor(c), permissionInput(c)); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeletePermission is E14.
func (h *Handlers) DeletePermission(c echo.Context) error {
	if err := h.Permissions.DeletePermission(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// UpdatePermission is E15.
func (h *Handlers) UpdatePermission(c echo.Context) error {
	if err := h.Permissions.UpdatePermission(c.Request().Context(), actor(c), pathID(c), permissionInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

// ---- E16–E19 companies

type companyItem struct {
	ID              int64  `json:"id"`
	Name            string `json:"name"`
	CompanyID       int64  `json:"company_id"`
	CreateDate      string `json:"create_date"`
	CorpID          string `json:"corp_id"`
	TongxunluSecret string `json:"tongxunlu_secret"`
}

// CompanyIndex is E16 on GET and E17 (the document's POST company) on POST.
func (h *Handlers) CompanyIndex(c echo.Context) error {
	if c.Request().Method == "POST" {
		return h.AddCompany(c)
	}
	q, err := listQuery(c, 10, "id", "name", "create_date")
	if err != nil {
		return err
	}
	list, total, err := h.Companies.ListCompanies(c.Request().Context(), actor(c), q)
	if err != nil {
		return err
	}
	items := make([]companyItem, len(list))
	for i, co := range list {
		items[i] = companyItem{ID: co.ID, Name: co.Name, CompanyID: co.ID, CreateDate: wireTime(co.CreatedAt, h.Config.Location),
			CorpID: co.CorpID, TongxunluSecret: co.TongxunluSecret}
	}
	return ok(c, "", newPage(items, total))
}

func companyInput(c echo.Context) ports.CompanyInput {
	return ports.CompanyInput{Name: formValue(c, "name"), CorpID: form(c, "corp_id"),
		TongxunluSecret: form(c, "tongxunlu_secret"), Area: form(c, "area"), Address: form(c, "address")}
}

// AddCompany is E17. The document passes name among the query parameters,
// the implementation in the body (D1: serve both; the body wins).
func (h *Handlers) AddCompany(c echo.Context) error {
	in := companyInput(c)
	if !form(c, "name").Sent {
		in.Name = query(c, "name")
	}
	if _, err := h.Companies.AddCompany(c.Request().Context(), actor(c), in); err != nil {
		return err
	}
	return ok(c, "添加成功", nil)
}

// DeleteCompany is E18.
func (h *Handlers) DeleteCompany(c echo.Context) error {
	if err := h.Companies.DeleteCompany(c.Request().Context(), actor(c), pathID(c)); err != nil {
		return err
	}
	return ok(c, "删除成功", nil)
}

// UpdateCompany is E19.
func (h *Handlers) UpdateCompany(c echo.Context) error {
	if err := h.Companies.UpdateCompany(c.Request().Context(), actor(c), pathID(c), companyInput(c)); err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}
