// Package directory is a company's WeCom contacts directory (通讯录) as Leida
// keeps it in line: departments and members on the WeCom side, and the plan
// that brings Leida's departments and users to match them.
package directory

import (
	"fmt"
	"slices"
	"sort"
	"strings"
	"time"

	"leida/domain/org"
)

// RootDepartment is the id of the department every WeCom directory has at
// its top (the company itself); Leida does not keep it as a department.
const RootDepartment = 1

// Corp is a company's WeCom credentials for its contacts directory: its
// corp id and the contacts-synchronisation secret (通讯录 secret).
type Corp struct {
	ID     string
	Secret string
}

// Configured reports whether the company has a WeCom directory Leida writes to.
func (c Corp) Configured() bool { return c.ID != "" && c.Secret != "" }

// Department is a WeCom department.
type Department struct {
	ID       int64 // WeCom's id
	Name     string
	ParentID int64
	Order    int64
}

// Member is a WeCom member.
type Member struct {
	UserID      string // WeCom's userid
	Name        string
	Departments []int64 // WeCom department ids
	Position    string
	Mobile      string
	Gender      int // 0 unknown, 1 male, 2 female
	Email       string
	Avatar      string
	// Active is false for a member WeCom disabled or who has left (status 2, 5).
	Active bool
}

// NewUser is the user of a member the synchronisation sees for the first
// time: a new WeCom member (disabled, org.NewWeComMember) with its position
// and mobile.
func (m Member) NewUser(companyID, roleID int64, token string) org.User {
	u := org.NewWeComMember(companyID, m.UserID, m.Name, m.Avatar, m.Gender, roleID, token)
	u.Position, u.Phone = m.Position, m.Mobile
	return u
}

// LocalDepartment is a department as Leida keeps it.
type LocalDepartment struct {
	ID        int64 // Leida's id
	CompanyID int64
	WeComID   int64 // 0: not (yet) in WeCom
	Name      string
	ParentID  int64 // Leida's id of the parent; 0 at the top
	Order     int64
	CreatedAt time.Time
}

// LocalUser is a user of the company as the synchronisation sees it.
type LocalUser struct {
	ID          int64
	WeComUserID string
	Name        string
	Position    string
	Phone       string
	Enabled     bool
	Departments []int64 // WeCom ids of its departments
}

// Plan is what a synchronisation changes, in the order it applies it.
type Plan struct {
	CreateDepartments []Department      // new in WeCom (parents before children)
	UpdateDepartments []DepartmentMove  // renamed or moved, or Leida's of the same name linked
	DeleteDepartments []LocalDepartment // gone from WeCom (children before parents)
	CreateUsers       []Member          // new members: created disabled, an admin enables them
	UpdateUsers       []UserChange
	DisableUsers      []LocalUser // gone from WeCom, or disabled there
}

// DepartmentMove is a department whose name or parent changed.
type DepartmentMove struct {
	Local LocalDepartment
	To    Department
}

// UserChange is a member whose details changed.
type UserChange struct {
	Local LocalUser
	To    Member
}

// Empty reports whether the plan changes nothing.
func (p Plan) Empty() bool {
	return len(p.CreateDepartments)+len(p.UpdateDepartments)+len(p.DeleteDepartments)+
		len(p.CreateUsers)+len(p.UpdateUsers)+len(p.DisableUsers) == 0
}

// Lines says what the plan changes, one line a change, for `leida wecom sync`.
func (p Plan) Lines() []string {
	var out []string
	for _, d := range p.CreateDepartments {
		out = append(out, fmt.Sprintf("department created: %s (WeCom id %d)", d.Name, d.ID))
	}
	for _, m := range p.UpdateDepartments {
		if m.Local.WeComID == 0 {
			out = append(out, fmt.Sprintf("department linked: %s (WeCom id %d)", m.To.Name, m.To.ID))
			continue
		}
		out = append(out, fmt.Sprintf("department updated: %s → %s (WeCom id %d)", m.Local.Name, m.To.Name, m.To.ID))
	}
	for _, d := range p.DeleteDepartments {
		out = append(out, fmt.Sprintf("department deleted: %s (WeCom id %d)", d.Name, d.WeComID))
	}
	for _, m := range p.CreateUsers {
		out = append(out, fmt.Sprintf("user created (disabled): %s (WeCom userid %s)", m.Name, m.UserID))
	}
	for _, c := range p.UpdateUsers {
		out = append(out, fmt.Sprintf("user updated: %s (WeCom userid %s): %s", c.To.Name, c.To.UserID,
			strings.Join(c.Fields(), ", ")))
	}
	for _, u := range p.DisableUsers {
		out = append(out, fmt.Sprintf("user disabled: %s (WeCom userid %s)", u.Name, u.WeComUserID))
	}
	return out
}

// Fields names what changed.
func (c UserChange) Fields() []string {
	var f []string
	if c.Local.Name != c.To.Name {
		f = append(f, "name")
	}
	if c.Local.Position != c.To.Position {
		f = append(f, "position")
	}
	if c.Local.Phone != c.To.Mobile {
		f = append(f, "phone")
	}
	if !sameSet(c.Local.Departments, memberDepartments(c.To)) {
		f = append(f, "departments")
	}
	return f
}

// memberDepartments are a member's departments Leida keeps (not the root).
func memberDepartments(m Member) []int64 {
	var out []int64
	for _, d := range m.Departments {
		if d != RootDepartment && !slices.Contains(out, d) {
			out = append(out, d)
		}
	}
	slices.Sort(out)
	return out
}

func sameSet(a, b []int64) bool {
	a, b = slices.Clone(a), slices.Clone(b)
	slices.Sort(a)
	slices.Sort(b)
	return slices.Equal(slices.Compact(a), slices.Compact(b))
}

// MakePlan compares WeCom's directory with Leida's: departments by WeCom
// id, users by WeCom userid. Users without a WeCom userid (typed in by an
// admin) and departments not in WeCom yet are left alone; users are never
// deleted, only disabled.
func MakePlan(remoteDepts []Department, remoteMembers []Member, local []LocalDepartment, users []LocalUser) Plan {
	var p Plan
	localByWeCom := map[int64]LocalDepartment{}
	for _, d := range local {
		if d.WeComID != 0 {
			localByWeCom[d.WeComID] = d
		}
	}
	remoteByID := map[int64]Department{}
	for _, d := range remoteDepts {
		if d.ID != RootDepartment {
			remoteByID[d.ID] = d
		}
	}
	// Names are unique within a company: a WeCom department takes the name
	// of a Leida department not in WeCom yet by linking to it; two WeCom
	// departments of one name (under different parents) keep it apart by
	// their id.
	unlinked := map[string]LocalDepartment{}
	for _, l := range local {
		if l.WeComID == 0 {
			unlinked[l.Name] = l
		}
	}
	taken := map[string]bool{}
	for _, d := range parentsFirst(remoteDepts) {
		if taken[d.Name] {
			d.Name = fmt.Sprintf("%s (%d)", d.Name, d.ID)
		}
		taken[d.Name] = true
		l, ok := localByWeCom[d.ID]
		if !ok {
			if u, same := unlinked[d.Name]; same {
				delete(unlinked, d.Name)
				p.UpdateDepartments = append(p.UpdateDepartments, DepartmentMove{Local: u, To: d})
				continue
			}
			p.CreateDepartments = append(p.CreateDepartments, d)
			continue
		}
		if l.Name != d.Name || parentWeComID(l, local) != d.ParentID {
			p.UpdateDepartments = append(p.UpdateDepartments, DepartmentMove{Local: l, To: d})
		}
	}
	var gone []LocalDepartment
	for _, l := range local {
		if _, ok := remoteByID[l.WeComID]; l.WeComID != 0 && !ok {
			gone = append(gone, l)
		}
	}
	p.DeleteDepartments = childrenFirst(gone)

	usersByID := map[string]LocalUser{}
	for _, u := range users {
		if u.WeComUserID != "" {
			usersByID[u.WeComUserID] = u
		}
	}
	seen := map[string]bool{}
	members := slices.Clone(remoteMembers)
	sort.Slice(members, func(i, j int) bool { return members[i].UserID < members[j].UserID })
	for _, m := range members {
		if m.UserID == "" || seen[m.UserID] {
			continue
		}
		seen[m.UserID] = true
		u, ok := usersByID[m.UserID]
		switch {
		case !ok && m.Active:
			p.CreateUsers = append(p.CreateUsers, m)
		case !ok:
		case !m.Active && u.Enabled:
			p.DisableUsers = append(p.DisableUsers, u)
		default:
			if c := (UserChange{Local: u, To: m}); len(c.Fields()) > 0 {
				p.UpdateUsers = append(p.UpdateUsers, c)
			}
		}
	}
	for _, u := range users {
		if u.WeComUserID != "" && !seen[u.WeComUserID] && u.Enabled {
			p.DisableUsers = append(p.DisableUsers, u)
		}
	}
	sort.Slice(p.DisableUsers, func(i, j int) bool { return p.DisableUsers[i].WeComUserID < p.DisableUsers[j].WeComUserID })
	return p
}

// parentWeComID is the WeCom id of a local department's parent (the root
// when it has none).
func parentWeComID(d LocalDepartment, all []LocalDepartment) int64 {
	for _, p := range all {
		if p.ID == d.ParentID && d.ParentID != 0 {
			return p.WeComID
		}
	}
	return RootDepartment
}

// parentsFirst orders departments (the root left out) so that a parent
// comes before its children, siblings by order then id.
func parentsFirst(ds []Department) []Department {
	children := map[int64][]Department{}
	ids := map[int64]bool{}
	for _, d := range ds {
		ids[d.ID] = true
	}
	for _, d := range ds {
		if d.ID == RootDepartment {
			continue
		}
		parent := d.ParentID
		if !ids[parent] || parent == d.ID {
			parent = RootDepartment // an orphan hangs under the root
		}
		children[parent] = append(children[parent], d)
	}
	var out []Department
	var walk func(id int64, depth int)
	walk = func(id int64, depth int) {
		kids := children[id]
		sort.Slice(kids, func(i, j int) bool {
			if kids[i].Order != kids[j].Order {
				return kids[i].Order < kids[j].Order
			}
			return kids[i].ID < kids[j].ID
		})
		for _, k := range kids {
			if depth > len(ds) {
				return // a cycle: WeCom never sends one, never loop on it
			}
			out = append(out, k)
			walk(k.ID, depth+1)
		}
	}
	walk(RootDepartment, 0)
	return out
}

// childrenFirst orders local departments so that a child is deleted before
// its parent.
func childrenFirst(ds []LocalDepartment) []LocalDepartment {
	depth := func(d LocalDepartment) int {
		n := 0
		for cur := d; cur.ParentID != 0 && n <= len(ds); n++ {
			found := false
			for _, p := range ds {
				if p.ID == cur.ParentID {
					cur, found = p, true
					break
				}
			}
			if !found {
				break
			}
		}
		return n
	}
	out := slices.Clone(ds)
	sort.SliceStable(out, func(i, j int) bool {
		if di, dj := depth(out[i]), depth(out[j]); di != dj {
			return di > dj
		}
		return out[i].ID < out[j].ID
	})
	return out
}
