package logins

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/logins AccountRepository,UserRepository,CompanyRepository,CardRepository,WeComGateway,MiniProgramGateway

import (
	"context"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/org"
	"leida/ports"
)

// AccountRepository finds and creates the WeChat identities of customers and finds
// WeCom members.
type AccountRepository interface {
	CustomerByOpenID(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error)
	// CreateCustomer inserts c; ErrDuplicate when the openid exists (a concurrent login).
	CreateCustomer(ctx context.Context, c *customer.Customer) error
	// MemberByWeComID finds the live user of the company with that WeCom UserID.
	MemberByWeComID(ctx context.Context, companyID int64, wecomUserID string) (org.User, error)
	// MemberRoleID is the ordinary (level 3) role new WeCom members get.
	MemberRoleID(ctx context.Context) (int64, error)
}

// UserRepository creates the users of new WeCom members.
type UserRepository interface {
	// Create inserts u; ErrDuplicate when the login name is taken,
	// ErrMissingReference when its company or role does not exist (any more).
	Create(ctx context.Context, u *org.User) error
}

// CompanyRepository finds the company of a WeCom landing.
type CompanyRepository interface {
	InScope(ctx context.Context, scope org.Scope, id int64) (org.Company, error)
}

// CardRepository binds a logged-in customer to the card it came from.
type CardRepository interface {
	// Owner finds the live card owner and so the tenant of a customer-side
	// card event; lock serialises the events of one card (row lock until the
	// transaction ends).
	Owner(ctx context.Context, userID int64, lock bool) (card.Owner, error)
	// EnsureBelonger creates the (user, customer) belonger row when missing.
	EnsureBelonger(ctx context.Context, companyID, userID, customerID int64, source int) error
}

// WeComGateway is what the staff OAuth login needs from WeCom.
type WeComGateway interface {
	// MemberByCode exchanges an OAuth code for the member's details. A code
	// of someone outside the corp yields an error wrapping ErrNotMember.
	MemberByCode(ctx context.Context, code string) (ports.WeComMember, error)
}

// MiniProgramGateway is what the mini-program login (E30) needs from WeChat.
type MiniProgramGateway interface {
	// Session exchanges a wx.login code for the visitor's openid.
	Session(ctx context.Context, code string) (openid string, err error)
}
