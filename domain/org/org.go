// Package org holds the organisation: companies (the tenants), roles with
// their level, the permission (menu) tree and enterprise users.
package org

import (
	"strings"
	"time"
)

// Level is a role's rank: the lower, the more powerful.
type Level int

const (
	LevelPlatformAdmin Level = 1
	LevelCompanyAdmin  Level = 2
	LevelMember        Level = 3
)

// Valid reports whether l is one of the three levels.
func (l Level) Valid() bool { return l >= LevelPlatformAdmin && l <= LevelMember }

// Built-in role names created by bootstrap.
const (
	RolePlatformAdmin = "超级管理员"
	RoleCompanyAdmin  = "管理员"
	RoleMember        = "普通用户"
)

// BuiltinRoles lists the roles bootstrap creates, in order.
func BuiltinRoles() []Role {
	return []Role{
		{Name: RolePlatformAdmin, Level: LevelPlatformAdmin},
		{Name: RoleCompanyAdmin, Level: LevelCompanyAdmin},
		{Name: RoleMember, Level: LevelMember},
	}
}

// Status of an enterprise user.
type Status int

const (
	StatusEnabled  Status = 1
	StatusDisabled Status = 2
)

// Label is the wire text of a status.
func (s Status) Label() string {
	if s == StatusEnabled {
		return "启用"
	}
	return "未启用"
}

// DefaultUserAvatar is the legacy default avatar of an enterprise user.
const DefaultUserAvatar = "statics/imgs/setAvator.jpg"

// Company is a tenant.
type Company struct {
	ID              int64
	Name            string
	Area            string
	Address         string
	CorpID          string
	TongxunluSecret string
	CreatedAt       time.Time
}

// MaskedSecret shows only the last four characters of the contacts secret.
func (c Company) MaskedSecret() string {
	r := []rune(c.TongxunluSecret)
	if len(r) == 0 {
		return ""
	}
	if len(r) <= 4 {
		return "****"
	}
	return "****" + string(r[len(r)-4:])
}

// Role is global: platform admins define roles, companies use them.
type Role struct {
	ID        int64
	Name      string
	Level     Level
	CreatedAt time.Time
}

// User is an enterprise user (sales rep, admin): owner of a business card.
type User struct {
	ID            int64
	CompanyID     int64
	CompanyName   string
	WeComUserID   string
	Username      string
	PasswordHash  string // "" when the user has no password (WeCom members)
	Gender        int
	Position      string
	RoleID        int64
	RoleName      string
	RoleLevel     Level
	Telephone     string
	Phone         string
	Wechat        string
	Email         string
	WechatPhone   string
	MingpianPhone string
	IsShowPhone   bool
	Country       int
	Token         string
	Avatar        string
	QRCode        string
	Status        Status
	Popularity    int
	Praise        int
	Forward       int
	Sign          string
	CreatedAt     time.Time
	LastLoginAt   *time.Time
	DeletedAt     *time.Time
}

// Active reports whether the user may use the service.
func (u User) Active() bool { return u.DeletedAt == nil && u.Status == StatusEnabled }

// Scope is the set of companies a query may touch.
type Scope struct {
	CompanyID    int64
	AllCompanies bool
}

// Actor is an authenticated enterprise user.
type Actor struct {
	UserID    int64
	CompanyID int64
	Level     Level
	Username  string
}

// IsPlatformAdmin: level 1.
func (a Actor) IsPlatformAdmin() bool { return a.Level == LevelPlatformAdmin }

// IsCompanyAdmin: level 2 or better (sees all of the company's customers).
func (a Actor) IsCompanyAdmin() bool { return a.Level <= LevelCompanyAdmin }

// Scope is what the actor may read: everything for platform admins, their
// own company otherwise.
func (a Actor) Scope() Scope {
	return Scope{CompanyID: a.CompanyID, AllCompanies: a.IsPlatformAdmin()}
}

// CanManageOrganisation: company, role and permission writes.
func (a Actor) CanManageOrganisation() bool { return a.IsPlatformAdmin() }

// CanWriteUsersIn: company admins within their company, platform admins anywhere.
func (a Actor) CanWriteUsersIn(companyID int64) bool {
	if a.IsPlatformAdmin() {
		return true
	}
	return a.Level == LevelCompanyAdmin && a.CompanyID == companyID
}

// CanGrant reports whether the actor may give a user a role of level l
// (nobody but a platform admin makes platform admins).
func (a Actor) CanGrant(l Level) bool { return a.IsPlatformAdmin() || l >= LevelCompanyAdmin }

// CanWriteUser: the target is in reach and not above the actor's rank.
func (a Actor) CanWriteUser(target User) bool {
	return a.CanWriteUsersIn(target.CompanyID) && a.CanGrant(target.RoleLevel)
}

// Permission is a node of the front-end menu tree.
type Permission struct {
	ID           int64
	Path         string
	Icon         string
	Title        string
	ParentID     *int64
	OrderNum     int
	OperUserID   *int64
	OperUsername string
	Component    string
	CreatedAt    time.Time
}

// PermissionNode is a permission placed in the tree.
type PermissionNode struct {
	Permission
	ParentTitle    string
	Level          int
	DecoratedTitle string
	Children       []*PermissionNode
}

// BuildPermissionTree orders permissions depth-first: roots by order_num,
// each followed by its children by order_num. It returns the flat list and
// the roots; the nodes are shared. Titles below the root are decorated as
// the legacy did ("|----- 标题" on level 2).
func BuildPermissionTree(perms []Permission) (flat []*PermissionNode, roots []*PermissionNode) {
	byID := make(map[int64]*Permission, len(perms))
	children := map[int64][]Permission{}
	var top []Permission
	for i := range perms {
		byID[perms[i].ID] = &perms[i]
	}
	for _, p := range perms {
		if p.ParentID == nil || byID[*p.ParentID] == nil {
			top = append(top, p)
		} else {
			children[*p.ParentID] = append(children[*p.ParentID], p)
		}
	}
	sortPerms := func(ps []Permission) {
		for i := 1; i < len(ps); i++ {
			for j := i; j > 0 && less(ps[j], ps[j-1]); j-- {
				ps[j], ps[j-1] = ps[j-1], ps[j]
			}
		}
	}
	var walk func(p Permission, level int, parentTitle string) *PermissionNode
	walk = func(p Permission, level int, parentTitle string) *PermissionNode {
		n := &PermissionNode{Permission: p, ParentTitle: parentTitle, Level: level, DecoratedTitle: decorate(p.Title, level), Children: []*PermissionNode{}}
		flat = append(flat, n)
		kids := children[p.ID]
		sortPerms(kids)
		for _, k := range kids {
			n.Children = append(n.Children, walk(k, level+1, p.Title))
		}
		return n
	}
	sortPerms(top)
	for _, p := range top {
		roots = append(roots, walk(p, 1, ""))
	}
	return flat, roots
}

func less(a, b Permission) bool {
	if a.OrderNum != b.OrderNum {
		return a.OrderNum < b.OrderNum
	}
	return a.ID < b.ID
}

func decorate(title string, level int) string {
	if level <= 1 {
		return title
	}
	return "|" + strings.Repeat("-", 4*(level-1)+1) + " " + title
}

// IsDescendant reports whether candidate is id itself or lies below it, so
// that making candidate the parent of id would create a cycle.
func IsDescendant(perms []Permission, id, candidate int64) bool {
	parent := map[int64]*int64{}
	for _, p := range perms {
		parent[p.ID] = p.ParentID
	}
	for cur, steps := &candidate, 0; cur != nil && steps <= len(perms); steps++ {
		if *cur == id {
			return true
		}
		cur = parent[*cur]
	}
	return false
}

// NewWeComMember is the user of a WeCom member Leida sees for the first time
// (E29 login, the directory synchronisation): disabled until an admin
// enables it (D6), its name cut to 32 characters (its userid when WeCom
// gives none), the default avatar for a missing or over-long one, an
// unknown gender as 0.
func NewWeComMember(companyID int64, wecomUserID, name, avatar string, gender int, roleID int64, token string) User {
	name = strings.TrimSpace(name)
	if name == "" {
		name = wecomUserID
	}
	if r := []rune(name); len(r) > 32 {
		name = string(r[:32])
	}
	if avatar == "" || len(avatar) > 256 {
		avatar = DefaultUserAvatar
	}
	if gender < 0 || gender > 2 {
		gender = 0
	}
	return User{CompanyID: companyID, WeComUserID: wecomUserID, Username: name, Gender: gender, RoleID: roleID,
		IsShowPhone: true, Token: token, Avatar: avatar, Status: StatusDisabled}
}
