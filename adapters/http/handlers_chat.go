package http

import (
	"time"

	"github.com/labstack/echo/v4"

	"leida/application/chat"
	dchat "leida/domain/chat"
	"leida/ports"
)

// ---- E25–E28 chat (enterprise side), A10 (customer side)

type contactItem struct {
	CustomerID int64  `json:"customer_id"`
	Src        string `json:"src"`
	Name       string `json:"name"`
	DateTime   string `json:"dateTime"`
	Msg        string `json:"msg"`
	// Beyond the legacy (additive): the customer's messages the rep has not read.
	UnreadCount int `json:"unread_count"`
}

// historyItem is an E26 item (document key order).
type historyItem struct {
	CustomerID int64  `json:"customer_id"`
	UserID     int64  `json:"user_id"`
	Src        string `json:"src"`
	Name       string `json:"name"`
	DateTime   string `json:"dateTime"`
	Msg        string `json:"msg"`
	SendType   int    `json:"send_type"`
}

// pollItem is an E28 item (document key order); also the SSE chat event.
type pollItem struct {
	CustomerID int64  `json:"customer_id"`
	UserID     int64  `json:"user_id"`
	Src        string `json:"src"`
	Name       string `json:"name"`
	DateTime   string `json:"dateTime"`
	SendType   int    `json:"send_type"`
	Msg        string `json:"msg"`
}

const (
	msgHistory      = "分页获取聊天消息成功"
	msgHistoryEmpty = "No new data"
	msgPoll         = "实时获取-最新聊天记录成功"
	msgPollEmpty    = "没有得到实时聊天信息"
	msgSent         = "send msg successful"
)

func (h *Handlers) historyItems(ms []dchat.Message) []historyItem {
	out := make([]historyItem, len(ms))
	for i, m := range ms {
		out[i] = historyItem{CustomerID: m.CustomerID, UserID: m.UserID, Src: dchat.AbsoluteSrc(m.CustomerAvatar, h.Config.PublicBaseURL),
			Name: m.CustomerName, DateTime: wireTime(m.CreatedAt, h.Config.Location), Msg: m.Msg, SendType: int(m.SendType)}
	}
	return out
}

func (h *Handlers) pollItem(m dchat.Message) pollItem {
	return pollItemOf(m, h.Config.PublicBaseURL, h.Config.Location)
}

// pollItemOf is the E28 item of a message (also the SSE chat event and the
// chat.message webhook).
func pollItemOf(m dchat.Message, publicBaseURL string, loc *time.Location) pollItem {
	return pollItem{CustomerID: m.CustomerID, UserID: m.UserID, Src: dchat.AbsoluteSrc(m.CustomerAvatar, publicBaseURL),
		Name: m.CustomerName, DateTime: wireTime(m.CreatedAt, loc), SendType: int(m.SendType), Msg: m.Msg}
}

func (h *Handlers) pollItems(ms []dchat.Message) []pollItem {
	out := make([]pollItem, len(ms))
	for i, m := range ms {
		out[i] = h.pollItem(m)
	}
	return out
}

func (h *Handlers) presentHistory(c echo.Context, ms []dchat.Message) error {
	msg := msgHistory
	if len(ms) == 0 {
		msg = msgHistoryEmpty
	}
	return ok(c, msg, h.historyItems(ms))
}

func (h *Handlers) presentPoll(c echo.Context, ms []dchat.Message) error {
	msg := msgPoll
	if len(ms) == 0 {
		msg = msgPollEmpty
	}
	return ok(c, msg, h.pollItems(ms))
}

// ChatContacts is E25: the latest message per customer, relative dateTime.
func (h *Handlers) ChatContacts(c echo.Context) error {
	q, err := listQuery(c, chat.DefaultLength)
	if err != nil {
		return err
	}
	contacts, total, err := h.Chats.Contacts(c.Request().Context(), actor(c), q.Page)
	if err != nil {
		return err
	}
	items := make([]contactItem, len(contacts))
	for i, ct := range contacts {
		items[i] = contactItem{CustomerID: ct.CustomerID, Src: dchat.AbsoluteSrc(ct.CustomerAvatar, h.Config.PublicBaseURL),
			Name: ct.CustomerName, DateTime: ct.When, Msg: ct.Msg, UnreadCount: ct.Unread}
	}
	return ok(c, "", newPage(items, total))
}

// ChatHistory is E26.
func (h *Handlers) ChatHistory(c echo.Context) error {
	ms, err := h.Chats.History(c.Request().Context(), actor(c), ports.ChatHistoryInput{
		CustomerID: query(c, "customer_id"), CurrentPage: query(c, "current_page"), Length: query(c, "length")})
	if err != nil {
		return err
	}
	return h.presentHistory(c, ms)
}

// ChatSend is E27: user_id and customer_id travel in the body.
func (h *Handlers) ChatSend(c echo.Context) error {
	err := h.Chats.Send(c.Request().Context(), actor(c), ports.ChatSendInput{
		UserID: formValue(c, "user_id"), CustomerID: formValue(c, "customer_id"),
		Msg: formValue(c, "msg"), SendType: formValue(c, "send_type")})
	if err != nil {
		return err
	}
	return ok(c, msgSent, nil)
}

// ChatPoll is E28.
func (h *Handlers) ChatPoll(c echo.Context) error {
	ms, err := h.Chats.Poll(c.Request().Context(), actor(c), query(c, "customer_id"))
	if err != nil {
		return err
	}
	return h.presentPoll(c, ms)
}

// VisitorChatHistory is A10 history (customer token; uid = the rep).
func (h *Handlers) VisitorChatHistory(c echo.Context) error {
	ms, err := h.VisitorChats.History(c.Request().Context(), visitor(c), ports.VisitorChatInput{
		UID: query(c, "uid"), CurrentPage: query(c, "current_page"), Length: query(c, "length")})
	if err != nil {
		return err
	}
	return h.presentHistory(c, ms)
}

// VisitorChatPoll is A10 getmsg.
func (h *Handlers) VisitorChatPoll(c echo.Context) error {
	ms, err := h.VisitorChats.Poll(c.Request().Context(), visitor(c), query(c, "uid"))
	if err != nil {
		return err
	}
	return h.presentPoll(c, ms)
}

// VisitorChatSend is A10 send_msg: uid in the body or the query.
func (h *Handlers) VisitorChatSend(c echo.Context) error {
	uid := form(c, "uid")
	if !uid.Sent {
		uid = queryField(c, "uid")
	}
	if err := h.VisitorChats.Send(c.Request().Context(), visitor(c), uid.Value, formValue(c, "msg")); err != nil {
		return err
	}
	return ok(c, msgSent, nil)
}
