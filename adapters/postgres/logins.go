package postgres

import (
	"context"

	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// Logins is what the WeChat logins read and write beyond users and companies.
type Logins struct{ *DB }

// NewLogins makes the repository.
func NewLogins(db *DB) *Logins { return &Logins{db} }

var _ ports.LoginRepository = (*Logins)(nil)

// CustomerByOpenID finds the customer identity of an openid.
func (r *Logins) CustomerByOpenID(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error) {
	var row customerRow
	err := r.conn(ctx).Table("customers").Where("openid = ? AND user_type = ?", openid, int(userType)).Take(&row).Error
	if err != nil {
		return customer.Customer{}, translate(err)
	}
	return row.domain(), nil
}

// CreateCustomer inserts a customer identity; ErrDuplicate when the openid exists.
func (r *Logins) CreateCustomer(ctx context.Context, c *customer.Customer) error {
	var rows []customerRow
	err := r.conn(ctx).Raw(`INSERT INTO customers (openid, user_type, username, headimgurl, token) VALUES (?, ?, ?, ?, ?)
		ON CONFLICT (openid, user_type) DO NOTHING RETURNING id, created_at`,
		c.OpenID, int(c.UserType), c.Username, c.Headimgurl, c.Token).Scan(&rows).Error
	if err != nil {
		return translate(err)
	}
	if len(rows) == 0 {
		return ports.ErrDuplicate
	}
	c.ID, c.CreatedAt = rows[0].ID, rows[0].CreatedAt
	return nil
}

// MemberByWeComID finds the live user of the company with that WeCom UserID.
func (r *Logins) MemberByWeComID(ctx context.Context, companyID int64, wecomUserID string) (org.User, error) {
	users := &Users{r.DB}
	return users.one(users.base(ctx).Where("u.company_id = ? AND u.wecom_userid = ? AND u.deleted_at IS NULL",
		companyID, wecomUserID))
}

// MemberRoleID is the ordinary role: the built-in 普通用户, else any level-3 role.
func (r *Logins) MemberRoleID(ctx context.Context) (int64, error) {
	var ids []int64
	err := r.conn(ctx).Raw("SELECT id FROM roles WHERE level = ? ORDER BY (name = ?) DESC, id LIMIT 1",
		int(org.LevelMember), org.RoleMember).Scan(&ids).Error
	if err != nil {
		return 0, translate(err)
	}
	if len(ids) == 0 {
		return 0, ports.ErrNotFound
	}
	return ids[0], nil
}
