package postgres

import (
	"context"
	"time"

	"gorm.io/gorm"
	"gorm.io/gorm/clause"

	"leida/domain/org"
	"leida/ports"
)

// userRow is the model of users.
type userRow struct {
	ID            int64
	CompanyID     int64
	WecomUserid   string
	Username      string
	PasswordHash  string
	Gender        int
	Position      string
	RoleID        *int64
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
	QrCode        string
	Status        int
	Popularity    int
	Praise        int
	Forward       int
	Sign          string
	CreatedAt     time.Time `gorm:"default:now()"`
	LastLoginAt   *time.Time
	DeletedAt     *time.Time
}

func (userRow) TableName() string { return "users" }

// userView is a user joined with its role and company.
type userView struct {
	User        userRow `gorm:"embedded"`
	RoleName    *string
	RoleLevel   *int
	CompanyName string
}

func (v userView) domain() org.User {
	r := v.User
	u := org.User{
		ID: r.ID, CompanyID: r.CompanyID, CompanyName: v.CompanyName, WeComUserID: r.WecomUserid, Username: r.Username,
		PasswordHash: r.PasswordHash, Gender: r.Gender, Position: r.Position, Telephone: r.Telephone, Phone: r.Phone,
		Wechat: r.Wechat, Email: r.Email, WechatPhone: r.WechatPhone, MingpianPhone: r.MingpianPhone,
		IsShowPhone: r.IsShowPhone, Country: r.Country, Token: r.Token, Avatar: r.Avatar, QRCode: r.QrCode,
		Status: org.Status(r.Status), Popularity: r.Popularity, Praise: r.Praise, Forward: r.Forward, Sign: r.Sign,
		CreatedAt: r.CreatedAt, LastLoginAt: r.LastLoginAt, DeletedAt: r.DeletedAt,
	}
	if r.RoleID != nil {
		u.RoleID = *r.RoleID
	}
	if v.RoleName != nil {
		u.RoleName = *v.RoleName
	}
	if v.RoleLevel != nil {
		u.RoleLevel = org.Level(*v.RoleLevel)
	}
	return u
}

// newUserRow is the row of u's writable columns (every column but id and
// created_at; no role is NULL).
func newUserRow(u org.User) userRow {
	var role *int64
	if u.RoleID != 0 {
		role = &u.RoleID
	}
	return userRow{
		CompanyID: u.CompanyID, WecomUserid: u.WeComUserID, Username: u.Username,
		PasswordHash: u.PasswordHash, Gender: u.Gender, Position: u.Position, RoleID: role,
		Telephone: u.Telephone, Phone: u.Phone, Wechat: u.Wechat, Email: u.Email,
		WechatPhone: u.WechatPhone, MingpianPhone: u.MingpianPhone, IsShowPhone: u.IsShowPhone,
		Country: u.Country, Token: u.Token, Avatar: u.Avatar, QrCode: u.QRCode, Status: int(u.Status),
		Popularity: u.Popularity, Praise: u.Praise, Forward: u.Forward, Sign: u.Sign,
		LastLoginAt: u.LastLoginAt, DeletedAt: u.DeletedAt,
	}
}

// Users is the user repository.
type Users struct{ *DB }

// NewUsers makes the repository.
func NewUsers(db *DB) *Users { return &Users{db} }

// userSelect reads a userView.
const userSelect = "u.*, r.name AS role_name, r.level AS role_level, c.name AS company_name"

func (r *Users) base(ctx context.Context) *gorm.DB {
	return r.conn(ctx).Table("users u").Select(userSelect).
		Joins("LEFT JOIN roles r ON r.id = u.role_id").
		Joins("JOIN companies c ON c.id = u.company_id")
}

func (r *Users) one(q *gorm.DB) (org.User, error) {
	var row userView
	if err := q.Take(&row).Error; err != nil {
		return org.User{}, translate(err)
	}
	return row.domain(), nil
}

// Principal finds a user, deleted ones included, with the columns
// authentication reads: every request does it, so it reads no more.
func (r *Users) Principal(ctx context.Context, id int64) (org.User, error) {
	return r.one(r.conn(ctx).Table("users u").
		Select("u.id, u.company_id, u.username, u.token, u.status, u.deleted_at, r.level AS role_level").
		Joins("LEFT JOIN roles r ON r.id = u.role_id").Where("u.id = ?", id))
}

// InScope finds a live user inside scope.
func (r *Users) InScope(ctx context.Context, s org.Scope, id int64) (org.User, error) {
	return r.one(r.base(ctx).Scopes(orgScope(s, "u.company_id")).Where("u.id = ? AND u.deleted_at IS NULL", id))
}

// Details are the live users of ids inside scope, whole (the A13 list).
func (r *Users) Details(ctx context.Context, s org.Scope, ids []int64) (map[int64]org.User, error) {
	var rows []userView
	if err := r.base(ctx).Scopes(orgScope(s, "u.company_id")).Where("u.id IN ? AND u.deleted_at IS NULL", ids).
		Find(&rows).Error; err != nil {
		return nil, translate(err)
	}
	out := make(map[int64]org.User, len(rows))
	for _, row := range rows {
		u := row.domain()
		out[u.ID] = u
	}
	return out, nil
}

// ByUsername finds the live user who logs in with username.
func (r *Users) ByUsername(ctx context.Context, username string) (org.User, error) {
	return r.one(r.base(ctx).Where("u.username = ? AND u.deleted_at IS NULL", username).
		Order("(u.password_hash <> '') DESC, u.id"))
}

// ForLogin finds the live user who logs in with username, else the latest
// deleted one.
func (r *Users) ForLogin(ctx context.Context, username string) (org.User, error) {
	return r.one(r.base(ctx).Where("u.username = ?", username).
		Order("(u.deleted_at IS NULL) DESC, (u.password_hash <> '') DESC, u.deleted_at DESC, u.id"))
}

// UsernameTaken reports whether a live user other than exceptID has the name.
func (r *Users) UsernameTaken(ctx context.Context, username string, exceptID int64) (bool, error) {
	var n int64
	err := r.conn(ctx).Model(&userRow{}).Where("username = ? AND deleted_at IS NULL AND id <> ?", username, exceptID).Count(&n).Error
	return n > 0, translate(err)
}

var userList = listSpec{
	filters: map[string]filterSpec{
		"id": {"u.id", integer}, "username": {"u.username", contains}, "role__name": {"r.name", contains},
		"company__name": {"c.name", contains}, "create_date": {"u.created_at", instant},
		"last_login_date": {"u.last_login_at", instant},
	},
	orders: map[string]string{"create_date": "u.created_at", "last_login_date": "u.last_login_at",
		"username": "u.username", "id": "u.id"},
	defaultOrder: "-create_date",
	tieBreaker:   "u.id",
}

// userListSelect is what a line of the user list shows (reading every
// column of every user on the page costs more than the rest of the request).
const userListSelect = `u.id, u.company_id, u.username, u.role_id, u.status, u.created_at, u.last_login_at,
	r.name AS role_name, r.level AS role_level, c.name AS company_name`

// List pages through the live users in scope, with the fields of a list line.
func (r *Users) List(ctx context.Context, s org.Scope, q ports.ListQuery) ([]org.User, int, error) {
	base := r.base(ctx).Scopes(orgScope(s, "u.company_id")).Where("u.deleted_at IS NULL")
	base = r.applyFilters(base, userList, q.Filters)
	rows, total, err := page[userView](base, userListSelect, userList, q)
	if err != nil {
		return nil, 0, err
	}
	out := make([]org.User, len(rows))
	for i, row := range rows {
		out[i] = row.domain()
	}
	return out, total, nil
}

// Create inserts u and sets its id and creation time.
func (r *Users) Create(ctx context.Context, u *org.User) error {
	row := newUserRow(*u)
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return missingReference(translate(err))
	}
	u.ID, u.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// missingReference: a foreign key refused the write (its company or role
// is gone, e.g. deleted concurrently).
func missingReference(err error) error {
	if isForeignKey(err) {
		return ports.ErrMissingReference
	}
	return err
}

// Update locks the live user id in scope, applies fn and saves every column.
func (r *Users) Update(ctx context.Context, s org.Scope, id int64, fn func(*org.User) error) error {
	return r.Run(ctx, func(ctx context.Context) error {
		u, err := r.one(r.base(ctx).Scopes(orgScope(s, "u.company_id")).Where("u.id = ? AND u.deleted_at IS NULL", id).
			Clauses(clause.Locking{Strength: "UPDATE", Table: clause.Table{Name: "u"}}))
		if err != nil {
			return err
		}
		if err := fn(&u); err != nil {
			return err
		}
		res := r.conn(ctx).Model(&userRow{}).Where("id = ?", id).Select("*").Omit("id", "created_at").Updates(newUserRow(u))
		if res.Error != nil {
			return missingReference(translate(res.Error))
		}
		if res.RowsAffected == 0 {
			return ports.ErrNotFound
		}
		return nil
	})
}
