package postgres

import (
	"context"
	"errors"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// ---- roles

type roleRow struct {
	ID        int64
	Name      string
	Level     int
	CreatedAt time.Time
}

func (r roleRow) domain() org.Role {
	return org.Role{ID: r.ID, Name: r.Name, Level: org.Level(r.Level), CreatedAt: r.CreatedAt}
}

// Roles is the role repository.
type Roles struct{ *DB }

// NewRoles makes the repository.
func NewRoles(db *DB) *Roles { return &Roles{db} }

var _ ports.RoleRepository = (*Roles)(nil)

func (r *Roles) one(q *gorm.DB) (org.Role, error) {
	var row roleRow
	if err := q.Take(&row).Error; err != nil {
		return org.Role{}, translate(err)
	}
	return row.domain(), nil
}

// ByID finds a role.
func (r *Roles) ByID(ctx context.Context, id int64) (org.Role, error) {
	return r.one(r.conn(ctx).Table("roles").Where("id = ?", id))
}

// ByName finds a role by its name.
func (r *Roles) ByName(ctx context.Context, name string) (org.Role, error) {
	return r.one(r.conn(ctx).Table("roles").Where("name = ?", name))
}

// NameTaken reports whether another role has the name.
func (r *Roles) NameTaken(ctx context.Context, name string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Table("roles").Where("name = ? AND id <> ?", name, exceptID))
}

var roleList = listSpec{
	filters:      map[string]filterSpec{"id": {"id", integer}, "name": {"name", contains}, "create_date": {"created_at", instant}},
	orders:       map[string]string{"create_date": "created_at", "id": "id", "name": "name", "level": "level"},
	defaultOrder: "-create_date", tieBreaker: "id",
}

// List pages through roles.
func (r *Roles) List(ctx context.Context, q ports.ListQuery) ([]org.Role, int, error) {
	rows, total, err := page[roleRow](r.applyFilters(r.conn(ctx).Table("roles"), roleList, q.Filters), "roles.*", roleList, q)
	out := make([]org.Role, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, err
}

// Create inserts a role.
func (r *Roles) Create(ctx context.Context, role *org.Role) error {
	return r.insert(ctx, "roles", map[string]any{"name": role.Name, "level": int(role.Level)}, &role.ID, &role.CreatedAt)
}

// Save writes a role's name and level.
func (r *Roles) Save(ctx context.Context, role org.Role) error {
	return affected(r.conn(ctx).Table("roles").Where("id = ?", role.ID).
		Updates(map[string]any{"name": role.Name, "level": int(role.Level)}))
}

// Delete removes a role no live user holds (ErrInUse otherwise); deleted
// users holding it lose it (ON DELETE SET NULL). See deleteUnused.
func (r *Roles) Delete(ctx context.Context, id int64) error {
	return r.deleteUnused(ctx, "roles", "role_id", id, org.Scope{AllCompanies: true})
}

// ---- permissions

type permissionRow struct {
	ID           int64
	Path         string
	Icon         string
	Title        string
	ParentID     *int64
	OrderNum     int
	OperUserID   *int64
	OperUsername *string
	Component    string
	CreatedAt    time.Time
}

func (p permissionRow) domain() org.Permission {
	out := org.Permission{ID: p.ID, Path: p.Path, Icon: p.Icon, Title: p.Title, ParentID: p.ParentID, OrderNum: p.OrderNum,
		OperUserID: p.OperUserID, Component: p.Component, CreatedAt: p.CreatedAt}
	if p.OperUsername != nil {
		out.OperUsername = *p.OperUsername
	}
	return out
}

// Permissions is the permission repository.
type Permissions struct{ *DB }

// NewPermissions makes the repository.
func NewPermissions(db *DB) *Permissions { return &Permissions{db} }

var _ ports.PermissionRepository = (*Permissions)(nil)

func (r *Permissions) base(ctx context.Context) *gorm.DB {
	return r.conn(ctx).Table("permissions p").Select("p.*, u.username AS oper_username").
		Joins("LEFT JOIN users u ON u.id = p.oper_user_id")
}

// ByID finds a permission.
func (r *Permissions) ByID(ctx context.Context, id int64) (org.Permission, error) {
	var row permissionRow
	if err := r.base(ctx).Where("p.id = ?", id).Take(&row).Error; err != nil {
		return org.Permission{}, translate(err)
	}
	return row.domain(), nil
}

// All returns every permission by id.
func (r *Permissions) All(ctx context.Context) ([]org.Permission, error) {
	var rows []permissionRow
	if err := r.base(ctx).Order("p.id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]org.Permission, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// PathTaken reports whether another permission has the path.
func (r *Permissions) PathTaken(ctx context.Context, path string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Table("permissions").Where("path = ? AND id <> ?", path, exceptID))
}

// TitleTaken reports whether another permission has the title.
func (r *Permissions) TitleTaken(ctx context.Context, title string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Table("permissions").Where("title = ? AND id <> ?", title, exceptID))
}

// CountChildren counts direct children.
func (r *Permissions) CountChildren(ctx context.Context, id int64) (int, error) {
	var n int64
	err := r.conn(ctx).Table("permissions").Where("parent_id = ?", id).Count(&n).Error
	return int(n), translate(err)
}

func permissionColumns(p org.Permission) map[string]any {
	return map[string]any{"path": p.Path, "icon": p.Icon, "title": p.Title, "parent_id": p.ParentID,
		"order_num": p.OrderNum, "oper_user_id": p.OperUserID, "component": p.Component}
}

// Create inserts a permission.
func (r *Permissions) Create(ctx context.Context, p *org.Permission) error {
	return r.insert(ctx, "permissions", permissionColumns(*p), &p.ID, &p.CreatedAt)
}

// Save writes a permission.
func (r *Permissions) Save(ctx context.Context, p org.Permission) error {
	return affected(r.conn(ctx).Table("permissions").Where("id = ?", p.ID).Updates(permissionColumns(p)))
}

// Delete removes a permission; a child added meanwhile makes it ErrDuplicate
// (the foreign key refuses).
func (r *Permissions) Delete(ctx context.Context, id int64) error {
	err := affected(r.conn(ctx).Exec("DELETE FROM permissions WHERE id = ?", id))
	if isForeignKey(err) {
		return ports.ErrDuplicate
	}
	return err
}

// ---- companies

type companyRow struct {
	ID              int64
	Name            string
	Area            string
	Address         string
	CorpID          string
	TongxunluSecret string
	CreatedAt       time.Time
}

func (c companyRow) domain() org.Company {
	return org.Company{ID: c.ID, Name: c.Name, Area: c.Area, Address: c.Address, CorpID: c.CorpID,
		TongxunluSecret: c.TongxunluSecret, CreatedAt: c.CreatedAt}
}

// Companies is the company repository.
type Companies struct{ *DB }

// NewCompanies makes the repository.
func NewCompanies(db *DB) *Companies { return &Companies{db} }

var _ ports.CompanyRepository = (*Companies)(nil)

func (r *Companies) one(q *gorm.DB) (org.Company, error) {
	var row companyRow
	if err := q.Take(&row).Error; err != nil {
		return org.Company{}, translate(err)
	}
	return row.domain(), nil
}

// InScope finds a company inside scope.
func (r *Companies) InScope(ctx context.Context, s org.Scope, id int64) (org.Company, error) {
	return r.one(scoped(r.conn(ctx).Table("companies"), "id", s).Where("id = ?", id))
}

// ByName finds a company by name.
func (r *Companies) ByName(ctx context.Context, name string) (org.Company, error) {
	return r.one(r.conn(ctx).Table("companies").Where("name = ?", name))
}

// NameTaken reports whether another company has the name.
func (r *Companies) NameTaken(ctx context.Context, name string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Table("companies").Where("name = ? AND id <> ?", name, exceptID))
}

var companyList = listSpec{
	filters:      map[string]filterSpec{"id": {"id", integer}, "name": {"name", contains}, "create_date": {"created_at", instant}},
	orders:       map[string]string{"create_date": "created_at", "id": "id", "name": "name"},
	defaultOrder: "-create_date", tieBreaker: "id",
}

// List pages through companies in scope.
func (r *Companies) List(ctx context.Context, s org.Scope, q ports.ListQuery) ([]org.Company, int, error) {
	base := r.applyFilters(scoped(r.conn(ctx).Table("companies"), "id", s), companyList, q.Filters)
	rows, total, err := page[companyRow](base, "companies.*", companyList, q)
	out := make([]org.Company, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, err
}

func companyColumns(c org.Company) map[string]any {
	return map[string]any{"name": c.Name, "area": c.Area, "address": c.Address, "corp_id": c.CorpID,
		"tongxunlu_secret": c.TongxunluSecret}
}

// Create inserts a company.
func (r *Companies) Create(ctx context.Context, c *org.Company) error {
	return r.insert(ctx, "companies", companyColumns(*c), &c.ID, &c.CreatedAt)
}

// Save writes a company.
func (r *Companies) Save(ctx context.Context, c org.Company) error {
	return affected(r.conn(ctx).Table("companies").Where("id = ?", c.ID).Updates(companyColumns(c)))
}

// Delete removes a company inside scope without live users (ErrInUse
// otherwise) and, through the foreign keys, its data and its deleted users.
// See deleteUnused.
func (r *Companies) Delete(ctx context.Context, s org.Scope, id int64) error {
	return r.deleteUnused(ctx, "companies", "company_id", id, s)
}

// deleteUnused deletes row id of table (a company: only inside scope) unless a live user
// refers to it through users.column, atomically against concurrent user
// writes. One DELETE ... WHERE NOT EXISTS would not do: a user insert
// holds FOR KEY SHARE on the row it refers to (its foreign-key check) until
// it commits; the DELETE waits for that lock and then goes on with its
// NOT EXISTS evaluated in the snapshot taken before the wait, which misses
// the user, whom the cascade then deletes (or orphans). So, in one
// transaction: lock the row FOR UPDATE (waiting for such inserts, and
// making later ones wait), then check for live users in a statement of its
// own, whose snapshot (READ COMMITTED, the default) includes every insert
// the lock waited for, then delete. An insert that waited for the lock
// fails its foreign key once the row is gone. (Under REPEATABLE READ the
// race ends in a serialization failure of the delete, never in a lost user.)
func (d *DB) deleteUnused(ctx context.Context, table, column string, id int64, s org.Scope) error {
	return d.Run(ctx, func(ctx context.Context) error {
		find := d.conn(ctx).Table(table).Where("id = ?", id)
		if table == "companies" {
			find = scoped(find, "id", s)
		}
		var ids []int64
		if err := find.Clauses(clause.Locking{Strength: "UPDATE"}).Pluck("id", &ids).Error; err != nil {
			return translate(err)
		}
		if len(ids) == 0 {
			return ports.ErrNotFound
		}
		inUse, err := exists(d.conn(ctx).Table("users").Where(column+" = ? AND deleted_at IS NULL", id))
		if err != nil {
			return err
		}
		if inUse {
			return ports.ErrInUse
		}
		return affected(d.conn(ctx).Exec("DELETE FROM "+table+" WHERE id = ?", id))
	})
}

// ---- customer identities

type customerRow struct {
	ID         int64
	Openid     string
	UserType   int
	Username   string
	Headimgurl string
	Sex        int
	Token      string
	CreatedAt  time.Time
}

func (c customerRow) domain() customer.Customer {
	return customer.Customer{ID: c.ID, OpenID: c.Openid, UserType: customer.UserType(c.UserType), Username: c.Username,
		Headimgurl: c.Headimgurl, Sex: c.Sex, Token: c.Token, CreatedAt: c.CreatedAt}
}

// CustomerIdentities reads the shared customer identity.
type CustomerIdentities struct{ *DB }

// NewCustomerIdentities makes the repository.
func NewCustomerIdentities(db *DB) *CustomerIdentities { return &CustomerIdentities{db} }

var _ ports.CustomerIdentityRepository = (*CustomerIdentities)(nil)

// ByID finds a customer.
func (r *CustomerIdentities) ByID(ctx context.Context, id int64) (customer.Customer, error) {
	var row customerRow
	if err := r.conn(ctx).Table("customers").Where("id = ?", id).Take(&row).Error; err != nil {
		return customer.Customer{}, translate(err)
	}
	return row.domain(), nil
}

// ---- helpers

func exists(q *gorm.DB) (bool, error) {
	var n int64
	err := q.Limit(1).Count(&n).Error
	return n > 0, translate(err)
}

// affected turns "no row changed" into ErrNotFound.
func affected(res *gorm.DB) error {
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ports.ErrNotFound
	}
	return nil
}

func isForeignKey(err error) bool {
	return err != nil && (errors.Is(err, gorm.ErrForeignKeyViolated) || pgCode(err) == "23503")
}

// TokenOf reads the token of a user or customer (for `leida sign`).
func (d *DB) TokenOf(ctx context.Context, id int64, customer bool) (string, error) {
	table := "users"
	if customer {
		table = "customers"
	}
	var token string
	err := d.conn(ctx).Table(table).Select("token").Where("id = ?", id).Take(&token).Error
	return token, translate(err) // ports.ErrNotFound when absent
}
