package postgres

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/directory"
	"leida/domain/org"
	"leida/ports"
)

// Directory stores a company's departments and its users' membership of
// them (migration 00010), and what the WeCom synchronisation reads and writes.
type Directory struct{ *DB }

// NewDirectory makes the store.
func NewDirectory(db *DB) *Directory { return &Directory{db} }

// departmentRow is the model of departments.
type departmentRow struct {
	ID        int64
	CompanyID int64
	Name      string
	ParentID  *int64
	WecomID   int64
	SortOrder int64
	CreatedAt time.Time `gorm:"default:now()"`
}

func (departmentRow) TableName() string { return "departments" }

func (r departmentRow) domain() directory.LocalDepartment {
	d := directory.LocalDepartment{ID: r.ID, CompanyID: r.CompanyID, WeComID: r.WecomID, Name: r.Name, Order: r.SortOrder,
		CreatedAt: r.CreatedAt}
	if r.ParentID != nil {
		d.ParentID = *r.ParentID
	}
	return d
}

func newDepartmentRow(d directory.LocalDepartment) departmentRow {
	return departmentRow{ID: d.ID, CompanyID: d.CompanyID, Name: d.Name, ParentID: orNil(d.ParentID), WecomID: d.WeComID,
		SortOrder: d.Order}
}

// userDepartmentRow is the model of user_departments.
type userDepartmentRow struct {
	CompanyID    int64
	UserID       int64
	DepartmentID int64
}

func (userDepartmentRow) TableName() string { return "user_departments" }

// Corp is the company's WeCom corp id and contacts secret.
func (r *Directory) Corp(ctx context.Context, companyID int64) (directory.Corp, error) {
	var row companyRow
	if err := r.conn(ctx).Select("corp_id", "tongxunlu_secret").Where("id = ?", companyID).Take(&row).Error; err != nil {
		return directory.Corp{}, translate(err)
	}
	return directory.Corp{ID: row.CorpID, Secret: row.TongxunluSecret}, nil
}

var departmentList = listSpec{
	filters: map[string]filterSpec{
		"id":          {"departments.id", integer},
		"name":        {"departments.name", contains},
		"create_date": {"departments.created_at", instant},
	},
	orders:       map[string]string{"create_date": "departments.created_at", "id": "departments.id"},
	defaultOrder: "-create_date",
	tieBreaker:   "departments.id",
}

// ListDepartments is the departments in scope, newest first (A14: no paging).
func (r *Directory) ListDepartments(ctx context.Context, scope org.Scope, filters map[string]string) ([]directory.LocalDepartment, error) {
	var rows []departmentRow
	q := r.applyFilters(r.conn(ctx).Model(&departmentRow{}).Scopes(orgScope(scope, "departments.company_id")), departmentList, filters)
	if err := q.Order("departments.created_at DESC, departments.id DESC").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]directory.LocalDepartment, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// DepartmentInScope finds a department in scope.
func (r *Directory) DepartmentInScope(ctx context.Context, scope org.Scope, id int64) (directory.LocalDepartment, error) {
	var row departmentRow
	if err := r.conn(ctx).Scopes(orgScope(scope, "company_id")).Where("id = ?", id).Take(&row).Error; err != nil {
		return directory.LocalDepartment{}, translate(err)
	}
	return row.domain(), nil
}

// DepartmentNameTaken reports whether another department of the company has the name.
func (r *Directory) DepartmentNameTaken(ctx context.Context, companyID int64, name string, exceptID int64) (bool, error) {
	return exists(r.conn(ctx).Model(&departmentRow{}).Scopes(tenant(companyID)).Where("name = ? AND id <> ?", name, exceptID))
}

// CreateDepartment inserts a department; ErrDuplicate when the name is taken.
func (r *Directory) CreateDepartment(ctx context.Context, d *directory.LocalDepartment) error {
	row := newDepartmentRow(*d)
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	*d = row.domain()
	return nil
}

// SaveDepartment writes a department's name, parent and WeCom id.
func (r *Directory) SaveDepartment(ctx context.Context, d directory.LocalDepartment) error {
	row := newDepartmentRow(d)
	return affected(r.conn(ctx).Model(&departmentRow{}).Scopes(tenant(d.CompanyID)).Where("id = ?", d.ID).
		Select("name", "parent_id", "wecom_id").Updates(&row))
}

// DeleteDepartment removes a department without live members or children
// in a transaction that commits only when inWeCom succeeds.
func (r *Directory) DeleteDepartment(ctx context.Context, companyID, id int64, inWeCom func() error) error {
	return translate(r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		var row departmentRow
		if err := db.Scopes(tenant(companyID)).Clauses(clause.Locking{Strength: "UPDATE"}).Where("id = ?", id).Take(&row).Error; err != nil {
			return err
		}
		children, err := exists(db.Model(&departmentRow{}).Where("parent_id = ?", id))
		if err != nil {
			return err
		}
		members, err := exists(db.Model(&userDepartmentRow{}).Scopes(tenant(companyID)).
			Joins("JOIN users u ON u.id = user_departments.user_id AND u.deleted_at IS NULL").
			Where("user_departments.department_id = ?", id))
		if err != nil {
			return err
		}
		if children || members {
			return ports.ErrInUse
		}
		if err := db.Delete(&row).Error; err != nil {
			return err
		}
		return inWeCom()
	}))
}

// Local is the company's departments and the users the synchronisation
// compares with WeCom (live users; WeCom ids of their departments).
func (r *Directory) Local(ctx context.Context, companyID int64) ([]directory.LocalDepartment, []directory.LocalUser, error) {
	var depts []departmentRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Order("id").Find(&depts).Error; err != nil {
		return nil, nil, translate(err)
	}
	wecomOf := map[int64]int64{}
	local := make([]directory.LocalDepartment, len(depts))
	for i, d := range depts {
		local[i] = d.domain()
		wecomOf[d.ID] = d.WecomID
	}
	var users []userRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Where("deleted_at IS NULL").Order("id").Find(&users).Error; err != nil {
		return nil, nil, translate(err)
	}
	var members []userDepartmentRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Find(&members).Error; err != nil {
		return nil, nil, translate(err)
	}
	deptsOf := map[int64][]int64{}
	for _, m := range members {
		if w := wecomOf[m.DepartmentID]; w != 0 {
			deptsOf[m.UserID] = append(deptsOf[m.UserID], w)
		}
	}
	out := make([]directory.LocalUser, len(users))
	for i, u := range users {
		out[i] = directory.LocalUser{ID: u.ID, WeComUserID: u.WecomUserid, Name: u.Username, Position: u.Position, Phone: u.Phone,
			Enabled: org.Status(u.Status) == org.StatusEnabled, Departments: deptsOf[u.ID]}
	}
	return local, out, nil
}

// Apply makes a synchronisation plan's changes in one transaction.
func (r *Directory) Apply(ctx context.Context, companyID int64, plan directory.Plan, newUsers []org.User) error {
	return translate(r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		idOf := map[int64]int64{} // WeCom id → Leida id
		var existing []departmentRow
		if err := db.Scopes(tenant(companyID)).Find(&existing).Error; err != nil {
			return err
		}
		for _, d := range existing {
			if d.WecomID != 0 {
				idOf[d.WecomID] = d.ID
			}
		}
		for _, m := range plan.UpdateDepartments {
			idOf[m.To.ID] = m.Local.ID // a linked one is WeCom's from now on
		}
		parentOf := func(wecomParent int64) *int64 { return orNil(idOf[wecomParent]) }
		for _, d := range plan.CreateDepartments {
			row := departmentRow{CompanyID: companyID, Name: d.Name, ParentID: parentOf(d.ParentID), WecomID: d.ID, SortOrder: d.Order}
			if err := db.Create(&row).Error; err != nil {
				return err
			}
			idOf[d.ID] = row.ID
		}
		for _, m := range plan.UpdateDepartments {
			if err := db.Model(&departmentRow{}).Where("id = ?", m.Local.ID).
				Updates(map[string]any{"name": m.To.Name, "parent_id": parentOf(m.To.ParentID), "sort_order": m.To.Order,
					"wecom_id": m.To.ID}).Error; err != nil {
				return err
			}
		}
		for _, d := range plan.DeleteDepartments {
			// Children first (the plan's order); children Leida made itself move up.
			if err := db.Model(&departmentRow{}).Where("parent_id = ?", d.ID).Update("parent_id", orNil(d.ParentID)).Error; err != nil {
				return err
			}
			if err := db.Delete(&departmentRow{}, d.ID).Error; err != nil {
				return err
			}
		}
		setDepartments := func(userID int64, wecomIDs []int64) error {
			if err := db.Where("user_id = ?", userID).Delete(&userDepartmentRow{}).Error; err != nil {
				return err
			}
			for _, w := range wecomIDs {
				if id := idOf[w]; id != 0 {
					if err := db.Clauses(clause.OnConflict{DoNothing: true}).
						Create(&userDepartmentRow{CompanyID: companyID, UserID: userID, DepartmentID: id}).Error; err != nil {
						return err
					}
				}
			}
			return nil
		}
		for i, m := range plan.CreateUsers {
			row := newUserRow(newUsers[i])
			if err := db.Create(&row).Error; err != nil {
				return missingReference(err)
			}
			if err := setDepartments(row.ID, m.Departments); err != nil {
				return err
			}
		}
		for _, c := range plan.UpdateUsers {
			if err := db.Model(&userRow{}).Where("id = ?", c.Local.ID).
				Updates(map[string]any{"username": trimRunes(c.To.Name, 32), "position": c.To.Position, "phone": c.To.Mobile}).Error; err != nil {
				return err
			}
			if err := setDepartments(c.Local.ID, c.To.Departments); err != nil {
				return err
			}
		}
		for _, u := range plan.DisableUsers {
			if err := db.Model(&userRow{}).Where("id = ?", u.ID).Update("status", int(org.StatusDisabled)).Error; err != nil {
				return err
			}
		}
		return nil
	}))
}

func trimRunes(s string, n int) string {
	if r := []rune(s); len(r) > n {
		return string(r[:n])
	}
	return s
}

// MemberRoleID is the ordinary role.
func (r *Directory) MemberRoleID(ctx context.Context) (int64, error) {
	return (&Logins{r.DB}).MemberRoleID(ctx)
}

// CompaniesWithDirectory lists the companies with WeCom credentials.
func (r *Directory) CompaniesWithDirectory(ctx context.Context) ([]int64, error) {
	var ids []int64
	err := r.conn(ctx).Model(&companyRow{}).Where("corp_id <> '' AND tongxunlu_secret <> ''").Order("id").Pluck("id", &ids).Error
	return ids, translate(err)
}

// ClaimSync marks the company synchronised now unless it was within every:
// one instance wins the claim.
func (r *Directory) ClaimSync(ctx context.Context, companyID int64, every time.Duration) (bool, error) {
	res := r.conn(ctx).Model(&companyRow{}).
		Where("id = ? AND (directory_synced_at IS NULL OR directory_synced_at <= now() - make_interval(secs => ?))", companyID, every.Seconds()).
		Update("directory_synced_at", gorm.Expr("now()"))
	return res.RowsAffected == 1, translate(res.Error)
}

// DepartmentsIn are the company's departments among ids.
func (r *Directory) DepartmentsIn(ctx context.Context, companyID int64, ids []int64) ([]directory.LocalDepartment, error) {
	var rows []departmentRow
	if err := r.conn(ctx).Scopes(tenant(companyID)).Where("id IN ?", ids).Order("id").Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make([]directory.LocalDepartment, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, nil
}

// SetUserDepartments makes the user's departments exactly ids (the
// company's).
func (r *Directory) SetUserDepartments(ctx context.Context, companyID, userID int64, ids []int64) error {
	return translate(r.Run(ctx, func(ctx context.Context) error {
		db := r.conn(ctx)
		if err := db.Scopes(tenant(companyID)).Where("user_id = ?", userID).Delete(&userDepartmentRow{}).Error; err != nil {
			return err
		}
		for _, id := range ids {
			if err := db.Create(&userDepartmentRow{CompanyID: companyID, UserID: userID, DepartmentID: id}).Error; err != nil {
				return err
			}
		}
		return nil
	}))
}

// UserDepartments are the departments of each of the users, by id.
func (r *Directory) UserDepartments(ctx context.Context, userIDs []int64) (map[int64][]directory.LocalDepartment, error) {
	var rows []struct {
		UserID int64
		Dept   departmentRow `gorm:"embedded"`
	}
	err := r.conn(ctx).Model(&userDepartmentRow{}).Select("user_departments.user_id, d.*").
		Joins("JOIN departments d ON d.id = user_departments.department_id").
		Where("user_departments.user_id IN ?", userIDs).Order("user_departments.user_id, d.id").Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := map[int64][]directory.LocalDepartment{}
	for _, row := range rows {
		out[row.UserID] = append(out[row.UserID], row.Dept.domain())
	}
	return out, nil
}
