// Package customer holds the WeChat visitor: an identity shared by all
// companies, and what each company learns about it.
package customer

import "time"

// DefaultAvatar is the legacy default avatar of a customer.
const DefaultAvatar = "statics/imgs/Avator.jpg"

// UserType is where the customer came from.
type UserType int

const (
	UserTypeOfficialAccount UserType = 1 // 微信公众号
	UserTypeMiniProgram     UserType = 2 // 微信小程序
)

// Customer is the shared WeChat identity.
type Customer struct {
	ID         int64
	OpenID     string
	UserType   UserType
	Username   string
	Headimgurl string
	Sex        int
	Token      string
	CreatedAt  time.Time
}

// Visitor is an authenticated mini-program customer.
type Visitor struct {
	CustomerID int64
}
