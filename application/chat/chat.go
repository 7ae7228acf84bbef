// Package chat is the chat between reps and customers: E25–E28 on the
// enterprise side, A10 on the customer side (D8).
package chat

import (
	"context"
	"strings"
	"time"

	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/paging"
	"leida/domain/validate"
	"leida/ports"
)

// DefaultLength is the page length of the contact list and histories.
const DefaultLength = 20

// Config is the use cases' configuration.
type Config struct {
	Location *time.Location // TIME_ZONE: the calendar of the contact list's relative times
}

// messages stores the messages of both sides.
type messages struct {
	tx      ports.TxRunner
	chats   MessageRepository
	metrics WriteMetrics // may be nil
}

// Desk is the enterprise side: E25–E28.
type Desk struct {
	messages
	clock ports.Clock
	cfg   Config
}

// NewDesk wires the enterprise side; metrics (may be nil) counts the messages written.
func NewDesk(tx ports.TxRunner, chats MessageRepository, clock ports.Clock, cfg Config, metrics WriteMetrics) *Desk {
	return &Desk{messages: messages{tx: tx, chats: chats, metrics: metrics}, clock: clock, cfg: cfg}
}

// Visitor is the customer side: A10 (D8).
type Visitor struct {
	messages
}

// NewVisitor wires the customer side; metrics (may be nil) counts the messages written.
func NewVisitor(tx ports.TxRunner, chats MessageRepository, metrics WriteMetrics) *Visitor {
	return &Visitor{messages{tx: tx, chats: chats, metrics: metrics}}
}

// ---- enterprise side

// Contacts is E25: the caller's latest message per customer, with its
// relative time as of now.
func (s *Desk) Contacts(ctx context.Context, a org.Actor, p paging.Page) ([]chat.Contact, int, error) {
	contacts, total, err := s.chats.Contacts(ctx, a.CompanyID, a.UserID, p)
	if err != nil {
		return nil, 0, err
	}
	now := s.clock.Now()
	for i := range contacts {
		contacts[i].When = chat.ContactTime(contacts[i].At, now, s.cfg.Location)
	}
	return contacts, total, nil
}

// conversation validates customer_id (recording errors on f) and checks the
// caller may see the customer.
func (s *Desk) conversation(ctx context.Context, a org.Actor, f *validate.Form, raw string) (chat.Conversation, error) {
	id := f.Int("customer_id", raw, chat.MsgCustomerRequired, chat.MsgCustomerRequired)
	if f.Failed("customer_id") {
		return chat.Conversation{}, nil
	}
	ok, err := s.chats.RepSeesCustomer(ctx, a.CompanyID, a.UserID, a.IsCompanyAdmin(), id)
	if err != nil {
		return chat.Conversation{}, err
	}
	if !ok {
		f.Add("customer_id", chat.MsgCustomerMissing)
	}
	return chat.Conversation{CompanyID: a.CompanyID, UserID: a.UserID, CustomerID: id}, nil
}

// History is E26: marks the customer's messages read for the rep, then
// returns page p of the conversation (page 1 = newest), oldest first.
func (s *Desk) History(ctx context.Context, a org.Actor, in ports.ChatHistoryInput) ([]chat.Message, error) {
	f := validate.New()
	conv, err := s.conversation(ctx, a, f, in.CustomerID)
	if err != nil {
		return nil, err
	}
	p := paging.Parse(f, in.CurrentPage, in.Length, DefaultLength)
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	return s.chats.ReadHistory(ctx, conv, chat.RepSide.Incoming(), true, p)
}

// Poll is E28: the customer's unread messages, each returned once.
func (s *Desk) Poll(ctx context.Context, a org.Actor, customerID string) ([]chat.Message, error) {
	f := validate.New()
	conv, err := s.conversation(ctx, a, f, customerID)
	if err != nil {
		return nil, err
	}
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	return s.chats.TakeUnread(ctx, conv, chat.RepSide.Incoming())
}

// Send is E27: the caller sends to a customer it may see.
func (s *Desk) Send(ctx context.Context, a org.Actor, in ports.ChatSendInput) error {
	f := validate.New()
	userID := f.Int("user_id", in.UserID, "", "")
	customerID := f.Int("customer_id", in.CustomerID, chat.MsgCustomerRequired, chat.MsgCustomerRequired)
	sendType := chat.SendType(f.Int("send_type", in.SendType, "", ""))
	if !f.Failed("send_type") && sendType != chat.RepSide.Outgoing() {
		// A rep writes as itself: 1 (用户发送给客户) only.
		f.InvalidChoice("send_type", strings.TrimSpace(in.SendType))
	}
	if !f.Failed("user_id") && userID != a.UserID {
		f.Add("user_id", chat.MsgNotYourself)
	}
	f.MaxLen("msg", in.Msg, chat.MaxMsgLen)
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	ok, err := s.chats.RepSeesCustomer(ctx, a.CompanyID, a.UserID, a.IsCompanyAdmin(), customerID)
	if err != nil {
		return err
	}
	if !ok {
		return errs.NotFound(chat.MsgCustomerMissing)
	}
	conv := chat.Conversation{CompanyID: a.CompanyID, UserID: a.UserID, CustomerID: customerID}
	return s.send(ctx, conv, chat.RepToCustomer, in.Msg)
}

// send stores the message, which touches the follow-up relation, in one transaction.
// Once committed, the message is counted.
func (s messages) send(ctx context.Context, conv chat.Conversation, t chat.SendType, msg string) error {
	err := s.tx.Run(ctx, func(ctx context.Context) error {
		m := chat.Message{CompanyID: conv.CompanyID, UserID: conv.UserID, CustomerID: conv.CustomerID, SendType: t, Msg: msg}
		return s.chats.Insert(ctx, &m)
	})
	if err == nil && s.metrics != nil {
		s.metrics.ChatMessageWritten(t)
	}
	return err
}

// ---- customer side

// conversation validates uid (recording errors on f) and finds the rep the
// customer belongs to.
func (s *Visitor) conversation(ctx context.Context, v customer.Visitor, f *validate.Form, raw string) (conv chat.Conversation, found bool, err error) {
	uid := f.Int("uid", raw, chat.MsgRepRequired, chat.MsgRepRequired)
	if f.Failed("uid") {
		return chat.Conversation{}, false, nil
	}
	companyID, err := s.chats.RepOfCustomer(ctx, v.CustomerID, uid)
	if err != nil {
		return chat.Conversation{}, false, ports.NotFoundAs(err, nil) // not one of the customer's reps: not found
	}
	return chat.Conversation{CompanyID: companyID, UserID: uid, CustomerID: v.CustomerID}, true, nil
}

func repMissing() error { return errs.NotFound(chat.MsgRepMissing) }

// History is A10 history: marks the rep's messages read for the customer,
// then returns page p (page 1 = oldest, as the legacy A10), oldest first.
func (s *Visitor) History(ctx context.Context, v customer.Visitor, in ports.VisitorChatInput) ([]chat.Message, error) {
	f := validate.New()
	conv, found, err := s.conversation(ctx, v, f, in.UID)
	if err != nil {
		return nil, err
	}
	p := paging.Parse(f, in.CurrentPage, in.Length, DefaultLength)
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	if !found {
		return nil, repMissing()
	}
	return s.chats.ReadHistory(ctx, conv, chat.CustomerSide.Incoming(), false, p)
}

// Poll is A10 getmsg: the rep's unread messages, each returned once.
func (s *Visitor) Poll(ctx context.Context, v customer.Visitor, uid string) ([]chat.Message, error) {
	f := validate.New()
	conv, found, err := s.conversation(ctx, v, f, uid)
	if err != nil {
		return nil, err
	}
	if err := f.ErrRequest(); err != nil {
		return nil, err
	}
	if !found {
		return nil, repMissing()
	}
	return s.chats.TakeUnread(ctx, conv, chat.CustomerSide.Incoming())
}

// Send is A10 send_msg: the customer writes to a rep it belongs to.
func (s *Visitor) Send(ctx context.Context, v customer.Visitor, uid, msg string) error {
	f := validate.New()
	conv, found, err := s.conversation(ctx, v, f, uid)
	if err != nil {
		return err
	}
	f.MaxLen("msg", msg, chat.MaxMsgLen)
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	if !found {
		return repMissing()
	}
	return s.send(ctx, conv, chat.CustomerToRep, msg)
}
