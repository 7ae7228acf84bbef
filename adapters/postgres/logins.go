package postgres

import (
	"context"

	"gorm.io/gorm/clause"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// Logins is what the WeChat logins read and write beyond users and companies.
type Logins struct{ *DB }

// NewLogins makes the repository.
func NewLogins(db *DB) *Logins { return &Logins{db} }

// CustomerByOpenID finds the customer identity of an openid.
func (r *Logins) CustomerByOpenID(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error) {
	var row customerRow
	err := r.conn(ctx).Where("openid = ? AND user_type = ?", openid, int(userType)).Take(&row).Error
	if err != nil {
		return customer.Customer{}, translate(err)
	}
	return row.domain(), nil
}

// CreateCustomer inserts a customer identity; ErrDuplicate when the openid exists.
func (r *Logins) CreateCustomer(ctx context.Context, c *customer.Customer) error {
	// sex keeps the column's default, as a WeChat login does not tell it.
	row := customerRow{Openid: c.OpenID, UserType: int(c.UserType), Username: c.Username, Headimgurl: c.Headimgurl, Token: c.Token}
	res := r.conn(ctx).Omit("sex").
		Clauses(clause.OnConflict{Columns: []clause.Column{{Name: "openid"}, {Name: "user_type"}}, DoNothing: true}).
		Create(&row)
	if res.Error != nil {
		return translate(res.Error)
	}
	if res.RowsAffected == 0 {
		return ports.ErrDuplicate
	}
	c.ID, c.CreatedAt = row.ID, row.CreatedAt
	return nil
}

// MemberByWeComID finds the live user of the company with that WeCom UserID.
func (r *Logins) MemberByWeComID(ctx context.Context, companyID int64, wecomUserID string) (org.User, error) {
	users := &Users{r.DB}
	return users.one(users.base(ctx).Scopes(tenant(companyID)).Where("u.wecom_userid = ? AND u.deleted_at IS NULL", wecomUserID))
}

// MemberRoleID is the ordinary role: the built-in 普通用户, else any level-3 role.
func (r *Logins) MemberRoleID(ctx context.Context) (int64, error) {
	var ids []int64
	err := r.conn(ctx).Model(&roleRow{}).Where("level = ?", int(org.LevelMember)).
		Order(clause.OrderBy{Expression: clause.Expr{SQL: "(name = ?) DESC, id", Vars: []any{org.RoleMember}}}).
		Limit(1).Pluck("id", &ids).Error
	if err != nil {
		return 0, translate(err)
	}
	if len(ids) == 0 {
		return 0, ports.ErrNotFound
	}
	return ids[0], nil
}
