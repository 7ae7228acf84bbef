// Package chat holds the conversation between a rep (enterprise user) and a
// customer: messages, who reads which unread flags, the contact list's
// relative time, and the events pushed to streams.
package chat

import (
	"strings"
	"time"
)

// SendType is the direction of a message.
type SendType int

const (
	RepToCustomer SendType = 1 // 用户发送给客户
	CustomerToRep SendType = 2 // 客户发送给用户
)

// Side is who is reading a conversation.
type Side int

const (
	RepSide      Side = 1
	CustomerSide Side = 2
)

// Incoming is the direction whose unread flags the side consumes: only the
// recipient reads a message (D8, legacy-api 5.7).
func (s Side) Incoming() SendType {
	if s == RepSide {
		return CustomerToRep
	}
	return RepToCustomer
}

// Outgoing is the direction of what the side sends.
func (s Side) Outgoing() SendType {
	if s == RepSide {
		return RepToCustomer
	}
	return CustomerToRep
}

// Conversation is the pair (rep, customer) inside the rep's company.
type Conversation struct {
	CompanyID  int64
	UserID     int64
	CustomerID int64
}

// Message is one chat message with the customer's display data.
type Message struct {
	ID             int64
	CompanyID      int64
	UserID         int64
	CustomerID     int64
	SendType       SendType
	Msg            string
	IsRead         bool
	CreatedAt      time.Time
	CustomerName   string
	CustomerAvatar string
}

// Contact is one line of the contact list: the latest message with a customer.
type Contact struct {
	CustomerID     int64
	CustomerName   string
	CustomerAvatar string
	Msg            string
	At             time.Time
	When           string // At as the contact list shows it (ContactTime)
	Unread         int    // the customer's messages the rep has not read
}

// MaxMsgLen bounds a chat message (characters): the legacy had no bound, and
// every contact list and history would carry a huge one.
const MaxMsgLen = 5000

// Messages of the endpoints.
const (
	MsgCustomerRequired = "客户ID不能为空"
	MsgCustomerMissing  = "客户不存在"
	MsgRepRequired      = "用户id不能为空"
	MsgRepMissing       = "用户ID不存在"
	MsgNotYourself      = "只能以自己的身份发送消息"
)

// ContactTime is the contact list's dateTime (legacy-api 5.8, calendar
// logic in loc): the same day → HH:MM; the previous day → 昨天; the same
// year → MM-DD; otherwise YYYY.
func ContactTime(t, now time.Time, loc *time.Location) string {
	t, now = t.In(loc), now.In(loc)
	ty, tm, td := t.Date()
	ny, nm, nd := now.Date()
	day := time.Date(ty, tm, td, 0, 0, 0, 0, time.UTC)
	today := time.Date(ny, nm, nd, 0, 0, 0, 0, time.UTC)
	switch {
	case day.Equal(today):
		return t.Format("15:04")
	case day.Equal(today.AddDate(0, 0, -1)):
		return "昨天"
	case ty == ny:
		return t.Format("01-02")
	}
	return t.Format("2006")
}

// AbsoluteSrc makes an image path absolute (D3): a relative stored path is
// prefixed with the public base URL; absolute URLs are returned as stored.
func AbsoluteSrc(src, base string) string {
	if src == "" {
		return ""
	}
	lower := strings.ToLower(src)
	if strings.HasPrefix(lower, "http://") || strings.HasPrefix(lower, "https://") || strings.HasPrefix(src, "//") {
		return src
	}
	if !strings.HasSuffix(base, "/") {
		base += "/"
	}
	return base + strings.TrimLeft(src, "/")
}
