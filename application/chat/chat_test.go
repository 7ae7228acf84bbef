package chat

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	"leida/application/apptest"
	chatmocks "leida/application/chat/mocks"
	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
	"leida/ports/mocks"
)

type deps struct {
	tx    *mocks.MockTxRunner
	chats *chatmocks.MockMessageRepository
}

// sides are both sides of the chat, on the same dependencies.
type sides struct {
	desk    *Desk
	visitor *Visitor
}

func newSides(tx ports.TxRunner, chats MessageRepository, clock ports.Clock, cfg Config, metrics WriteMetrics) sides {
	return sides{NewDesk(tx, chats, clock, cfg, metrics), NewVisitor(tx, chats, metrics)}
}

func newMocked(t *testing.T) (sides, deps) { return newMetered(t, nil) }

// newMetered reports its writes to m.
func newMetered(t *testing.T, m WriteMetrics) (sides, deps) {
	ctrl := gomock.NewController(t)
	d := deps{mocks.NewMockTxRunner(ctrl), chatmocks.NewMockMessageRepository(ctrl)}
	return newSides(d.tx, d.chats, clock.NewFixed(time.Date(2026, 11, 27, 12, 0, 0, 0, time.UTC)), Config{Location: time.UTC}, m), d
}

// inTx runs the function like a transaction runner, once.
func (d deps) inTx() {
	d.tx.EXPECT().Run(gomock.Any(), gomock.Any()).DoAndReturn(apptest.RunInline)
}

var (
	member = org.Actor{UserID: 3, CompanyID: 5, Level: org.LevelMember}
	admin  = org.Actor{UserID: 2, CompanyID: 5, Level: org.LevelCompanyAdmin}
	guest  = customer.Visitor{CustomerID: 40}
	conv   = chat.Conversation{CompanyID: 5, UserID: 3, CustomerID: 40}
)

func fields(t *testing.T, err error) string {
	t.Helper()
	e, ok := errs.As(err)
	if !ok || e.Fields == nil {
		t.Fatalf("want a validation error, got %v", err)
	}
	// the legacy object, one error per field in these tests
	var b strings.Builder
	b.WriteByte('{')
	for i, fe := range e.Fields {
		if i > 0 {
			b.WriteByte(',')
		}
		k, _ := json.Marshal(fe.Field)
		v, _ := json.Marshal(struct {
			Message string `json:"message"`
			Code    string `json:"code"`
		}{fe.Message, fe.Code})
		fmt.Fprintf(&b, "%s:[%s]", k, v)
	}
	b.WriteByte('}')
	return b.String()
}

func TestE27SendValidation(t *testing.T) {
	tests := []struct {
		name string
		in   ports.ChatSendInput
		want string
	}{
		{"all missing", ports.ChatSendInput{},
			`{"user_id":[{"message":"This field is required.","code":"required"}],"customer_id":[{"message":"客户ID不能为空","code":"required"}],"send_type":[{"message":"This field is required.","code":"required"}]}`},
		{"not integers", ports.ChatSendInput{UserID: "a", CustomerID: "b", SendType: "c"},
			`{"user_id":[{"message":"Enter a whole number.","code":"invalid"}],"customer_id":[{"message":"客户ID不能为空","code":"invalid"}],"send_type":[{"message":"Enter a whole number.","code":"invalid"}]}`},
		{"as another user", ports.ChatSendInput{UserID: "4", CustomerID: "40", SendType: "1"},
			`{"user_id":[{"message":"只能以自己的身份发送消息","code":""}]}`},
		{"as the customer", ports.ChatSendInput{UserID: "3", CustomerID: "40", SendType: "2"},
			`{"send_type":[{"message":"Select a valid choice. 2 is not one of the available choices.","code":"invalid_choice"}]}`},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			s, _ := newMocked(t) // nothing read or written
			err := s.desk.Send(context.Background(), member, tt.in)
			if apptest.Code(err) != 301 || fields(t, err) != tt.want {
				t.Fatalf("got %v", err)
			}
		})
	}
}

func TestE27SendToInvisibleCustomerIs302(t *testing.T) {
	s, d := newMocked(t)
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(3), false, int64(40)).Return(false, nil)
	err := s.desk.Send(context.Background(), member, ports.ChatSendInput{UserID: "3", CustomerID: "40", SendType: "1", Msg: "hi"})
	if apptest.Code(err) != 302 {
		t.Fatalf("got %v", err)
	}
}

func TestE27SendWritesMessageAndFollowUpInOneTransaction(t *testing.T) {
	s, d := newMocked(t)
	at := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(2), true, int64(40)).Return(true, nil)
	d.inTx()
	d.chats.EXPECT().Insert(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, m *chat.Message) error {
		want := chat.Message{CompanyID: 5, UserID: 2, CustomerID: 40, SendType: chat.RepToCustomer, Msg: "hi"}
		if *m != want {
			t.Errorf("inserted %+v", *m)
		}
		m.ID, m.CreatedAt = 9, at
		return nil
	})
	if err := s.desk.Send(context.Background(), admin, ports.ChatSendInput{UserID: " 2", CustomerID: "40", SendType: "1", Msg: "hi"}); err != nil {
		t.Fatal(err)
	}
}

func TestE26HistoryValidation(t *testing.T) {
	s, d := newMocked(t)
	_, err := s.desk.History(context.Background(), member, ports.ChatHistoryInput{CurrentPage: "x", Length: "-1"})
	if apptest.Code(err) != 402 || fields(t, err) != `{"customer_id":[{"message":"客户ID不能为空","code":"required"}],"current_page":[{"message":"页码数据类型错误","code":"invalid"}],"length":[{"message":"页显示数量类型错误","code":"invalid"}]}` {
		t.Fatalf("got %v", err)
	}
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(3), false, int64(41)).Return(false, nil)
	_, err = s.desk.History(context.Background(), member, ports.ChatHistoryInput{CustomerID: "41"})
	if apptest.Code(err) != 402 || fields(t, err) != `{"customer_id":[{"message":"客户不存在","code":""}]}` {
		t.Fatalf("got %v", err)
	}
}

func TestE26HistoryMarksIncomingReadThenReadsNewestPage(t *testing.T) {
	s, d := newMocked(t)
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(3), false, int64(40)).Return(true, nil)
	d.chats.EXPECT().ReadHistory(gomock.Any(), conv, chat.CustomerToRep, true, paging.Page{Number: 2, Length: 20}).
		Return([]chat.Message{{ID: 1}}, nil)
	got, err := s.desk.History(context.Background(), member, ports.ChatHistoryInput{CustomerID: "40", CurrentPage: "2"})
	if err != nil || len(got) != 1 {
		t.Fatal(got, err)
	}
}

func TestE28PollTakesOnlyIncoming(t *testing.T) {
	s, d := newMocked(t)
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(3), false, int64(40)).Return(true, nil)
	d.chats.EXPECT().TakeUnread(gomock.Any(), conv, chat.CustomerToRep).Return(nil, nil)
	if _, err := s.desk.Poll(context.Background(), member, "40"); err != nil {
		t.Fatal(err)
	}
}

func TestA10VisitorSide(t *testing.T) {
	t.Run("uid required", func(t *testing.T) {
		s, _ := newMocked(t)
		err := s.visitor.Send(context.Background(), guest, "", "hi")
		if apptest.Code(err) != 301 || fields(t, err) != `{"uid":[{"message":"用户id不能为空","code":"required"}]}` {
			t.Fatalf("got %v", err)
		}
		_, err = s.visitor.Poll(context.Background(), guest, "x")
		if apptest.Code(err) != 402 || fields(t, err) != `{"uid":[{"message":"用户id不能为空","code":"invalid"}]}` {
			t.Fatalf("got %v", err)
		}
	})
	t.Run("rep the customer does not belong to", func(t *testing.T) {
		s, d := newMocked(t)
		d.chats.EXPECT().RepOfCustomer(gomock.Any(), int64(40), int64(9)).Return(int64(0), ports.ErrNotFound).Times(3)
		if err := s.visitor.Send(context.Background(), guest, "9", "hi"); apptest.Code(err) != 302 {
			t.Fatalf("send: %v", err)
		}
		if _, err := s.visitor.Poll(context.Background(), guest, "9"); apptest.Code(err) != 302 {
			t.Fatalf("poll: %v", err)
		}
		if _, err := s.visitor.History(context.Background(), guest, ports.VisitorChatInput{UID: "9"}); apptest.Code(err) != 302 {
			t.Fatalf("history: %v", err)
		}
	})
	t.Run("send as the customer, activity time", func(t *testing.T) {
		s, d := newMocked(t)
		at := time.Date(2024, 6, 1, 10, 0, 0, 0, time.UTC)
		d.chats.EXPECT().RepOfCustomer(gomock.Any(), int64(40), int64(3)).Return(int64(5), nil)
		d.inTx()
		d.chats.EXPECT().Insert(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, m *chat.Message) error {
			if m.SendType != chat.CustomerToRep || m.CompanyID != 5 || m.UserID != 3 || m.CustomerID != 40 {
				t.Errorf("inserted %+v", *m)
			}
			m.CreatedAt = at
			return nil
		})
		if err := s.visitor.Send(context.Background(), guest, "3", "hi"); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("history oldest first, marks the rep's messages", func(t *testing.T) {
		s, d := newMocked(t)
		d.chats.EXPECT().RepOfCustomer(gomock.Any(), int64(40), int64(3)).Return(int64(5), nil)
		d.chats.EXPECT().ReadHistory(gomock.Any(), conv, chat.RepToCustomer, false, paging.Page{Number: 1, Length: 20}).Return(nil, nil)
		if _, err := s.visitor.History(context.Background(), guest, ports.VisitorChatInput{UID: "3"}); err != nil {
			t.Fatal(err)
		}
	})
	t.Run("poll takes the rep's messages", func(t *testing.T) {
		s, d := newMocked(t)
		d.chats.EXPECT().RepOfCustomer(gomock.Any(), int64(40), int64(3)).Return(int64(5), nil)
		d.chats.EXPECT().TakeUnread(gomock.Any(), conv, chat.RepToCustomer).Return(nil, nil)
		if _, err := s.visitor.Poll(context.Background(), guest, "3"); err != nil {
			t.Fatal(err)
		}
	})
}

// E25: the contact list's relative times are computed with the injected
// clock, in the configured zone.
func TestContactsCarryRelativeTimes(t *testing.T) {
	ctrl := gomock.NewController(t)
	chats := chatmocks.NewMockMessageRepository(ctrl)
	sh, _ := time.LoadLocation("Asia/Shanghai")
	now := time.Date(2026, 11, 27, 9, 0, 0, 0, sh)
	s := NewDesk(nil, chats, clock.NewFixed(now), Config{Location: sh}, nil)
	a := org.Actor{UserID: 3, CompanyID: 1, Level: org.LevelMember}
	chats.EXPECT().Contacts(gomock.Any(), int64(1), int64(3), paging.Page{Number: 1, Length: 20}).Return([]chat.Contact{
		{CustomerID: 1, At: now.Add(-time.Hour)},
		{CustomerID: 2, At: time.Date(2026, 11, 26, 23, 30, 0, 0, sh)},
		{CustomerID: 3, At: time.Date(2026, 3, 2, 8, 0, 0, 0, sh)},
		{CustomerID: 4, At: time.Date(2025, 12, 31, 8, 0, 0, 0, sh)},
	}, 4, nil)
	got, total, err := s.Contacts(context.Background(), a, paging.Page{Number: 1, Length: 20})
	if err != nil || total != 4 {
		t.Fatal(err, total)
	}
	want := []string{"08:00", "昨天", "03-02", "2025"}
	for i, c := range got {
		if c.When != want[i] {
			t.Errorf("contact %d: %q, want %q", c.CustomerID, c.When, want[i])
		}
	}
}

// counted records the metrics calls.
type counted struct{ sent []chat.SendType }

func (c *counted) RadarEventWritten(radar.Action)     {}
func (c *counted) ChatMessageWritten(t chat.SendType) { c.sent = append(c.sent, t) }

// A message is counted once its transaction committed, never when the write failed.
func TestSentMessagesAreCountedAfterCommit(t *testing.T) {
	m := &counted{}
	s, d := newMetered(t, m)
	d.chats.EXPECT().RepSeesCustomer(gomock.Any(), int64(5), int64(2), true, int64(40)).Return(true, nil).Times(2)
	d.chats.EXPECT().RepOfCustomer(gomock.Any(), int64(40), int64(3)).Return(int64(5), nil)
	d.tx.EXPECT().Run(gomock.Any(), gomock.Any()).Times(3).DoAndReturn(apptest.RunInline)
	refused := errors.New("refused")
	gomock.InOrder(
		d.chats.EXPECT().Insert(gomock.Any(), gomock.Any()).Return(nil),
		d.chats.EXPECT().Insert(gomock.Any(), gomock.Any()).Return(refused),
		d.chats.EXPECT().Insert(gomock.Any(), gomock.Any()).Return(nil),
	)
	in := ports.ChatSendInput{UserID: "2", CustomerID: "40", SendType: "1", Msg: "hi"}
	if err := s.desk.Send(context.Background(), admin, in); err != nil {
		t.Fatal(err)
	}
	if err := s.desk.Send(context.Background(), admin, in); !errors.Is(err, refused) {
		t.Fatal(err)
	}
	if err := s.visitor.Send(context.Background(), guest, "3", "hi"); err != nil {
		t.Fatal(err)
	}
	if len(m.sent) != 2 || m.sent[0] != chat.RepToCustomer || m.sent[1] != chat.CustomerToRep {
		t.Fatalf("counted %v", m.sent)
	}
}
