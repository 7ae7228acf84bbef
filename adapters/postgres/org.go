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

// roleRow is the model of roles.
type roleRow struct {
	ID        int64
	Name      string
	Level     int
	CreatedAt time.Time `gorm:"default:now()"`
}

func (roleRow) TableName() string { return "roles" }

func (r roleRow) domain() org.Role {
	return org.Role{ID: r.ID, Name: r.Name, Level: org.Level(r.Level), CreatedAt: r.CreatedAt}
}

// Roles is the role repository.
type Roles struct{ *DB }

// NewRoles makes the repository.
func NewRoles(db *DB) *Roles { return &Roles{db} }

func (r *Roles) one(q *gorm.DB) (org.Role, error) {
	var row roleRow
	if err := q.Take(&row).Error; err != nil {
		return org.Role{}, translate(err)
	}
	return row.domain(), nil
}

// ByID finds a role.
func (r *Roles) ByID(ctx context.Context, id int64) (org.Role, error) {
	return r.one(r.conn(ctx).Where("id = ?", id))
}

// ByName finds a role by its name.
func (r *Roles) ByName(ctx context.Context, name string) (org.Role, error) {
	return r.one(r.conn(ctx).Where("name = ?", name))
}

// NameTaken reports whether another role has the name.
func (r *Roles) NameTaken(ctx context.Context, name string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Model(&roleRow{}).Where("name = ? AND id <> ?", name, exceptID))
}

var roleList = listSpec{
	filters:      map[string]filterSpec{"id": {"id", integer}, "name": {"name", contains}, "create_date": {"created_at", instant}},
	orders:       map[string]string{"create_date": "created_at", "id": "id", "name": "name", "level": "level"},
	defaultOrder: "-create_date", tieBreaker: "id",
}

// List pages through roles.
func (r *Roles) List(ctx context.Context, q ports.ListQuery) ([]org.Role, int, error) {
	rows, total, err := page[roleRow](r.applyFilters(r.conn(ctx).Model(&roleRow{}), roleList, q.Filters), "roles.*", roleList, q)
	out := make([]org.Role, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, err
}

// Create inserts a role.
func (r *Roles) Create(ctx context.Context, role *org.Role) error {
	row := roleRow{Name: role.Name, Level: int(role.Level)}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	role.ID, role.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Save writes a role's name and level.
func (r *Roles) Save(ctx context.Context, role org.Role) error {
	return affected(r.conn(ctx).Model(&roleRow{}).Where("id = ?", role.ID).Select("name", "level").
		Updates(roleRow{Name: role.Name, Level: int(role.Level)}))
}

// Delete removes a role no live user holds (ErrInUse otherwise); deleted
// users holding it lose it (ON DELETE SET NULL). See deleteUnused.
func (r *Roles) Delete(ctx context.Context, id int64) error {
	return r.deleteUnused(ctx, &roleRow{}, "role_id", id, org.Scope{AllCompanies: true})
}

// ---- permissions

// permissionRow is the model of permissions.
type permissionRow struct {
	ID         int64
	Path       string
	Icon       string
	Title      string
	ParentID   *int64
	OrderNum   int
	OperUserID *int64
	Component  string
	CreatedAt  time.Time `gorm:"default:now()"`
}

func (permissionRow) TableName() string { return "permissions" }

func newPermissionRow(p org.Permission) permissionRow {
	return permissionRow{Path: p.Path, Icon: p.Icon, Title: p.Title, ParentID: p.ParentID, OrderNum: p.OrderNum,
		OperUserID: p.OperUserID, Component: p.Component}
}

// permissionView is a permission with the name of its last editor.
type permissionView struct {
	Permission   permissionRow `gorm:"embedded"`
	OperUsername *string
}

func (v permissionView) domain() org.Permission {
	p := v.Permission
	out := org.Permission{ID: p.ID, Path: p.Path, Icon: p.Icon, Title: p.Title, ParentID: p.ParentID, OrderNum: p.OrderNum,
		OperUserID: p.OperUserID, Component: p.Component, CreatedAt: p.CreatedAt}
	if v.OperUsername != nil {
		out.OperUsername = *v.OperUsername
	}
	return out
}

// Permissions is the permission repository.
type Permissions struct{ *DB }

// NewPermissions makes the repository.
func NewPermissions(db *DB) *Permissions { return &Permissions{db} }

func (r *Permissions) base(ctx context.Context) *gorm.DB {
	return r.conn(ctx).Table("permissions p").Select("p.*, u.username AS oper_username").
		Joins("LEFT JOIN users u ON u.id = p.oper_user_id")
}

// ByID finds a permission.
func (r *Permissions) ByID(ctx context.Context, id int64) (org.Permission, error) {
	var row permissionView
	if err := r.base(ctx).Where("p.id = ?", id).Take(&row).Error; err != nil {
		return org.Permission{}, translate(err)
	}
	return row.domain(), nil
}

// All returns every permission by id.
func (r *Permissions) All(ctx context.Context) ([]org.Permission, error) {
	var rows []permissionView
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
	return exists(r.conn(ctx).Model(&permissionRow{}).Where("path = ? AND id <> ?", path, exceptID))
}

// TitleTaken reports whether another permission has the title.
func (r *Permissions) TitleTaken(ctx context.Context, title string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Model(&permissionRow{}).Where("title = ? AND id <> ?", title, exceptID))
}

// CountChildren counts direct children.
func (r *Permissions) CountChildren(ctx context.Context, id int64) (int, error) {
	var n int64
	err := r.conn(ctx).Model(&permissionRow{}).Where("parent_id = ?", id).Count(&n).Error
	return int(n), translate(err)
}

// Create inserts a permission.
func (r *Permissions) Create(ctx context.Context, p *org.Permission) error {
	row := newPermissionRow(*p)
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	p.ID, p.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Save writes a permission.
func (r *Permissions) Save(ctx context.Context, p org.Permission) error {
	return affected(r.conn(ctx).Model(&permissionRow{}).Where("id = ?", p.ID).Select("*").Omit("id", "created_at").
		Updates(newPermissionRow(p)))
}

// Delete removes a permission; a child added meanwhile makes it ErrDuplicate
// (the foreign key refuses).
func (r *Permissions) Delete(ctx context.Context, id int64) error {
	err := affected(r.conn(ctx).Where("id = ?", id).Delete(&permissionRow{}))
	if isForeignKey(err) {
		return ports.ErrDuplicate
	}
	return err
}

// ---- companies

// companyRow is the model of companies.
type companyRow struct {
	ID              int64
	Name            string
	Area            string
	Address         string
	CorpID          string
	TongxunluSecret string
	CreatedAt       time.Time `gorm:"default:now()"`
}

func (companyRow) TableName() string { return "companies" }

func newCompanyRow(c org.Company) companyRow {
	return companyRow{Name: c.Name, Area: c.Area, Address: c.Address, CorpID: c.CorpID, TongxunluSecret: c.TongxunluSecret}
}

func (c companyRow) domain() org.Company {
	return org.Company{ID: c.ID, Name: c.Name, Area: c.Area, Address: c.Address, CorpID: c.CorpID,
		TongxunluSecret: c.TongxunluSecret, CreatedAt: c.CreatedAt}
}

// Companies is the company repository.
type Companies struct{ *DB }

// NewCompanies makes the repository.
func NewCompanies(db *DB) *Companies { return &Companies{db} }

func (r *Companies) one(q *gorm.DB) (org.Company, error) {
	var row companyRow
	if err := q.Take(&row).Error; err != nil {
		return org.Company{}, translate(err)
	}
	return row.domain(), nil
}

// InScope finds a company inside scope.
func (r *Companies) InScope(ctx context.Context, s org.Scope, id int64) (org.Company, error) {
	return r.one(r.conn(ctx).Scopes(orgScope(s, "id")).Where("id = ?", id))
}

// ByName finds a company by name.
func (r *Companies) ByName(ctx context.Context, name string) (org.Company, error) {
	return r.one(r.conn(ctx).Where("name = ?", name))
}

// NameTaken reports whether another company has the name.
func (r *Companies) NameTaken(ctx context.Context, name string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Model(&companyRow{}).Where("name = ? AND id <> ?", name, exceptID))
}

var companyList = listSpec{
	filters:      map[string]filterSpec{"id": {"id", integer}, "name": {"name", contains}, "create_date": {"created_at", instant}},
	orders:       map[string]string{"create_date": "created_at", "id": "id", "name": "name"},
	defaultOrder: "-create_date", tieBreaker: "id",
}

// List pages through companies in scope.
func (r *Companies) List(ctx context.Context, s org.Scope, q ports.ListQuery) ([]org.Company, int, error) {
	base := r.applyFilters(r.conn(ctx).Model(&companyRow{}).Scopes(orgScope(s, "id")), companyList, q.Filters)
	rows, total, err := page[companyRow](base, "companies.*", companyList, q)
	out := make([]org.Company, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, err
}

// Create inserts a company.
func (r *Companies) Create(ctx context.Context, c *org.Company) error {
	row := newCompanyRow(*c)
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	c.ID, c.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// Save writes a company.
func (r *Companies) Save(ctx context.Context, c org.Company) error {
	return affected(r.conn(ctx).Model(&companyRow{}).Where("id = ?", c.ID).Select("*").Omit("id", "created_at").
		Updates(newCompanyRow(c)))
}

// Delete removes a company inside scope without live users (ErrInUse
// otherwise) and, through the foreign keys, its data and its deleted users.
// See deleteUnused.
func (r *Companies) Delete(ctx context.Context, s org.Scope, id int64) error {
	return r.deleteUnused(ctx, &companyRow{}, "company_id", id, s)
}

// deleteUnused deletes row id of model's table (inside scope, on the row's
// id: a company) unless a live user refers to it through users.column, atomically against concurrent user
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
func (d *DB) deleteUnused(ctx context.Context, model any, column string, id int64, s org.Scope) error {
	return d.Run(ctx, func(ctx context.Context) error {
		var ids []int64
		if err := d.conn(ctx).Model(model).Scopes(orgScope(s, "id")).Where("id = ?", id).
			Clauses(clause.Locking{Strength: "UPDATE"}).Pluck("id", &ids).Error; err != nil {
			return translate(err)
		}
		if len(ids) == 0 {
			return ports.ErrNotFound
		}
		inUse, err := exists(d.conn(ctx).Model(&userRow{}).Where(column+" = ? AND deleted_at IS NULL", id))
		if err != nil {
			return err
		}
		if inUse {
			return ports.ErrInUse
		}
		return affected(d.conn(ctx).Where("id = ?", id).Delete(model))
	})
}

// ---- customer identities

// customerRow is the model of customers (the shared identity).
type customerRow struct {
	ID         int64
	Openid     string
	UserType   int
	Username   string
	Headimgurl string
	Sex        int
	Token      string
	CreatedAt  time.Time `gorm:"default:now()"`
}

func (customerRow) TableName() string { return "customers" }

func (c customerRow) domain() customer.Customer {
	return customer.Customer{ID: c.ID, OpenID: c.Openid, UserType: customer.UserType(c.UserType), Username: c.Username,
		Headimgurl: c.Headimgurl, Sex: c.Sex, Token: c.Token, CreatedAt: c.CreatedAt}
}

// CustomerIdentities reads the shared customer identity.
type CustomerIdentities struct{ *DB }

// NewCustomerIdentities makes the repository.
func NewCustomerIdentities(db *DB) *CustomerIdentities { return &CustomerIdentities{db} }

// ByID finds a customer.
func (r *CustomerIdentities) ByID(ctx context.Context, id int64) (customer.Customer, error) {
	var row customerRow
	if err := r.conn(ctx).Where("id = ?", id).Take(&row).Error; err != nil {
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
	var model any = &userRow{}
	if customer {
		model = &customerRow{}
	}
	var token string
	err := d.conn(ctx).Model(model).Select("token").Where("id = ?", id).Take(&token).Error
	return token, translate(err) // ports.ErrNotFound when absent
}
