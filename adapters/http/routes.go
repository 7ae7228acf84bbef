package http

import "github.com/labstack/echo/v4"

var (
	get       = []string{"GET"}
	post      = []string{"POST"}
	getPost   = []string{"GET", "POST"}
	anyMethod []string // every method
)

// route is one line of the route table.
type route struct {
	methods []string // nil: any method
	path    string
	auth    authKind
	handle  func(*Handlers, echo.Context) error
	// methodMsg is the 402 text for a wrong method (the logins say 请求方式异常).
	methodMsg string
}

const (
	qy    = "/zhugeleida/qiyeweixin"
	xcx   = "/zhugeleida/xiaochengxu"
	admin = "/zhugeleida/admin"
)

// routeTable lists every path Leida serves, with its methods and auth kind.
// Aliases (D2) are listed explicitly next to the path they mirror.
func routeTable() []route {
	return []route{
		// health
		{get, "/healthz", authNone, (*Handlers).Healthz, ""},
		{get, "/readyz", authNone, (*Handlers).Readyz, ""},

		// A12 admin login
		{anyMethod, admin + "/login", authNone, (*Handlers).Login, ""},
		{anyMethod, "/zhugeleida/gongzhonghao/login", authNone, (*Handlers).Login, ""},

		// E01–E04 users (alias under xiaochengxu)
		{get, qy + "/user", authUser, (*Handlers).ListUsers, ""},
		{post, qy + "/user/add/:id", authUser, (*Handlers).AddUser, ""},
		{getPost, qy + "/user/delete/:id", authUser, (*Handlers).DeleteUser, ""},
		{post, qy + "/user/update/:id", authUser, (*Handlers).UpdateUser, ""},
		{get, xcx + "/user", authUser, (*Handlers).ListUsers, ""},
		{post, xcx + "/user/add/:id", authUser, (*Handlers).AddUser, ""},
		{getPost, xcx + "/user/delete/:id", authUser, (*Handlers).DeleteUser, ""},
		{post, xcx + "/user/update/:id", authUser, (*Handlers).UpdateUser, ""},

		// E09–E12 roles, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/role", authUser, (*Handlers).RoleIndex, ""},
		{post, qy + "/role/add/:id", authUser, (*Handlers).AddRole, ""},
		{post, qy + "/role/delete/:id", authUser, (*Handlers).DeleteRole, ""},
		{post, qy + "/role/update/:id", authUser, (*Handlers).UpdateRole, ""},
		{getPost, admin + "/role", authUser, (*Handlers).RoleIndex, ""},
		{post, admin + "/role/add/:id", authUser, (*Handlers).AddRole, ""},
		{post, admin + "/role/delete/:id", authUser, (*Handlers).DeleteRole, ""},
		{post, admin + "/role/update/:id", authUser, (*Handlers).UpdateRole, ""},

		// A1, E13–E15 permissions (alias under xiaochengxu)
		{get, qy + "/quanxian", authUser, (*Handlers).PermissionTree, ""},
		{post, qy + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, ""},
		{post, qy + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, ""},
		{post, qy + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, ""},
		{get, xcx + "/quanxian", authUser, (*Handlers).PermissionTree, ""},
		{post, xcx + "/quanxian/add/:id", authUser, (*Handlers).AddPermission, ""},
		{post, xcx + "/quanxian/delete/:id", authUser, (*Handlers).DeletePermission, ""},
		{post, xcx + "/quanxian/update/:id", authUser, (*Handlers).UpdatePermission, ""},

		// E16–E19 companies, under qiyeweixin (document) and admin (implementation)
		{getPost, qy + "/company", authUser, (*Handlers).CompanyIndex, ""},
		{post, qy + "/company/add/:id", authUser, (*Handlers).AddCompany, ""},
		{post, qy + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, ""},
		{post, qy + "/company/update/:id", authUser, (*Handlers).UpdateCompany, ""},
		{getPost, admin + "/company", authUser, (*Handlers).CompanyIndex, ""},
		{post, admin + "/company/add/:id", authUser, (*Handlers).AddCompany, ""},
		{post, admin + "/company/delete/:id", authUser, (*Handlers).DeleteCompany, ""},
		{post, admin + "/company/update/:id", authUser, (*Handlers).UpdateCompany, ""},
	}
}
