package postgres

import (
	"context"
	"slices"
	"time"

	"leida/domain/chat"
	"leida/domain/paging"
	"leida/ports"
)

// Chats is the chat repository.
type Chats struct{ *DB }

// NewChats makes the repository.
func NewChats(db *DB) *Chats { return &Chats{db} }

// messageRow is the model of chat_messages; created_at is the database's
// clock unless the message carries a time.
type messageRow struct {
	ID         int64
	CompanyID  int64
	UserID     int64
	CustomerID int64
	SendType   int
	Msg        string
	IsRead     bool
	CreatedAt  time.Time `gorm:"default:now()"`
}

func (messageRow) TableName() string { return "chat_messages" }

// messageView is a message joined with its customer.
type messageView struct {
	Message        messageRow `gorm:"embedded"`
	CustomerName   string
	CustomerAvatar string
}

func (v messageView) domain() chat.Message {
	r := v.Message
	return chat.Message{ID: r.ID, CompanyID: r.CompanyID, UserID: r.UserID, CustomerID: r.CustomerID,
		SendType: chat.SendType(r.SendType), Msg: r.Msg, IsRead: r.IsRead, CreatedAt: r.CreatedAt,
		CustomerName: v.CustomerName, CustomerAvatar: v.CustomerAvatar}
}

func messages(rows []messageView) []chat.Message {
	out := make([]chat.Message, len(rows))
	for i, r := range rows {
		out[i] = r.domain()
	}
	return out
}

// RepSeesCustomer: a belonger row of the rep, or of anyone in the company for admins.
func (r *Chats) RepSeesCustomer(ctx context.Context, companyID, userID int64, admin bool, customerID int64) (bool, error) {
	return exists(r.conn(ctx).Table("customer_belongers").Scopes(tenant(companyID)).
		Where("customer_id = ? AND (user_id = ? OR ?)", customerID, userID, admin))
}

// RepOfCustomer is the company of the live rep the customer belongs to.
func (r *Chats) RepOfCustomer(ctx context.Context, customerID, userID int64) (int64, error) {
	var ids []int64
	err := r.conn(ctx).Table("customer_belongers b").
		Joins("JOIN users u ON u.id = b.user_id AND u.company_id = b.company_id AND u.deleted_at IS NULL").
		Where("b.customer_id = ? AND b.user_id = ?", customerID, userID).Pluck("b.company_id", &ids).Error
	if err != nil {
		return 0, translate(err)
	}
	if len(ids) == 0 {
		return 0, ports.ErrNotFound
	}
	return ids[0], nil
}

var contactList = listSpec{
	orders:       map[string]string{"latest": "cv.last_at"},
	defaultOrder: "-latest",
	tieBreaker:   "cv.last_message_id",
}

type contactRow struct {
	CustomerID     int64
	CustomerName   string
	CustomerAvatar string
	Msg            string
	At             time.Time
	Unread         int
}

// Contacts reads the rep's conversations, latest message first, from the
// conversation rows the message triggers maintain (one statement).
func (r *Chats) Contacts(ctx context.Context, companyID, userID int64, p paging.Page) ([]chat.Contact, int, error) {
	q := r.conn(ctx).Table("chat_conversations cv").
		Joins("JOIN customers c ON c.id = cv.customer_id").
		Joins("JOIN chat_messages m ON m.id = cv.last_message_id").
		Scopes(tenant(companyID)).Where("cv.user_id = ?", userID)
	count := r.conn(ctx).Table("chat_rep_totals").Select("COALESCE(sum(conversations), 0)").
		Scopes(tenant(companyID)).Where("user_id = ?", userID)
	rows, total, err := pageCounted[contactRow](q,
		"cv.customer_id, c.username AS customer_name, c.headimgurl AS customer_avatar, m.msg, cv.last_at AS at, cv.rep_unread AS unread",
		count, contactList, ports.ListQuery{Page: p})
	if err != nil {
		return nil, 0, err
	}
	out := make([]chat.Contact, len(rows))
	for i, row := range rows {
		out[i] = chat.Contact{CustomerID: row.CustomerID, CustomerName: row.CustomerName, CustomerAvatar: row.CustomerAvatar,
			Msg: row.Msg, At: row.At, Unread: row.Unread}
	}
	return out, total, nil
}

// messageColumns read a messageView of messages aliased m joined with customers aliased c.
const messageColumns = `m.id, m.company_id, m.user_id, m.customer_id, m.send_type, m.msg, m.is_read, m.created_at,
	c.username AS customer_name, c.headimgurl AS customer_avatar`

// ReadHistory marks every unread message of direction t read and reads one
// page of the conversation, in one statement (the marking is a
// data-modifying WITH ahead of the read, whose snapshot precedes it); the
// page is returned oldest first.
func (r *Chats) ReadHistory(ctx context.Context, c chat.Conversation, t chat.SendType, newestFirst bool, p paging.Page) ([]chat.Message, error) {
	// The conversation index's order (created_at is never NULL).
	dir := " ASC"
	if newestFirst {
		dir = " DESC"
	}
	var rows []messageView
	err := r.conn(ctx).Clauses(with{SQL: `marked AS (
			UPDATE chat_messages SET is_read = true
			WHERE company_id = ? AND user_id = ? AND customer_id = ? AND send_type = ? AND NOT is_read)`,
		Vars: []any{c.CompanyID, c.UserID, c.CustomerID, int(t)}}).
		Table("chat_messages m").Select(messageColumns).Joins("JOIN customers c ON c.id = m.customer_id").
		Scopes(tenant(c.CompanyID), paged(p)).Where("m.user_id = ? AND m.customer_id = ?", c.UserID, c.CustomerID).
		Order("m.created_at" + dir + ", m.id" + dir).Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	if newestFirst {
		slices.Reverse(rows)
	}
	return messages(rows), nil
}

// TakeUnread flips and returns the unread messages in one statement: a
// concurrent taker blocks on the same rows and then skips them (they are no
// longer unread), and a message committed meanwhile stays for the next call.
func (r *Chats) TakeUnread(ctx context.Context, c chat.Conversation, t chat.SendType) ([]chat.Message, error) {
	var rows []messageView
	// Raw SQL: a claim (UPDATE ... RETURNING in a data-modifying CTE) joined in the same statement.
	err := r.conn(ctx).Raw(`WITH m AS (
			UPDATE chat_messages SET is_read = true
			WHERE company_id = ? AND user_id = ? AND customer_id = ? AND send_type = ? AND NOT is_read
			RETURNING id, company_id, user_id, customer_id, send_type, msg, is_read, created_at)
		SELECT `+messageColumns+` FROM m JOIN customers c ON c.id = m.customer_id
		ORDER BY m.created_at, m.id`, c.CompanyID, c.UserID, c.CustomerID, int(t)).Scan(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	return messages(rows), nil
}

// Insert stores m and moves the conversation's follow-up relation forward
// to the message's time (last_follow_time for a rep's message,
// last_activity_time for a customer's; created when missing). The relation is
// locked first, as every write about a (rep, customer) pair does, so these
// writes and E08's deletion never wait for each other in a cycle. The time is
// the transaction's clock, unless m.CreatedAt is set (back-dated demo history).
func (r *Chats) Insert(ctx context.Context, m *chat.Message) error {
	col := lastFollowTime
	if m.SendType == chat.CustomerToRep {
		col = lastActivityTime
	}
	if _, err := r.touchFollowUp(ctx, m.CompanyID, m.UserID, m.CustomerID, col, m.CreatedAt); err != nil {
		return err
	}
	row := messageRow{CompanyID: m.CompanyID, UserID: m.UserID, CustomerID: m.CustomerID, SendType: int(m.SendType), Msg: m.Msg,
		IsRead: m.IsRead, CreatedAt: m.CreatedAt}
	if err := r.conn(ctx).Create(&row).Error; err != nil {
		return translate(err)
	}
	m.ID, m.CreatedAt = row.ID, row.CreatedAt
	return nil
}
