package demo

import (
	"context"
	"fmt"
	"time"

	"leida/domain/chat"
)

// ChatStores are what the demo conversations are written through (chats.go).
type ChatStores struct {
	Chats MessageRepository
}

// demoLine is one message of a demo conversation, ago before the seeding.
type demoLine struct {
	from chat.SendType
	text string
	ago  time.Duration
}

// demoConversations are chats between demo reps and their customers, by
// index in demoRelations. The customer's last message of a conversation is
// left unread for the rep, so the contact list and the poll have something new.
var demoConversations = []struct {
	relation int
	lines    []demoLine
}{
	{0, []demoLine{
		{chat.CustomerToRep, "你好,我想了解一下你们的企业服务套餐", 26 * time.Hour},
		{chat.RepToCustomer, "您好!我们有基础版和旗舰版两种,我把介绍发给您", 25*time.Hour + 50*time.Minute},
		{chat.CustomerToRep, "旗舰版支持多少人同时使用?", 3 * time.Hour},
		{chat.RepToCustomer, "旗舰版不限人数,另外赠送一年的上门培训", 2*time.Hour + 45*time.Minute},
		{chat.CustomerToRep, "好的,下周可以安排一次演示吗?", 20 * time.Minute},
	}},
	{1, []demoLine{
		{chat.RepToCustomer, "李总您好,上次说的方案我整理好了", 5 * 24 * time.Hour},
		{chat.CustomerToRep, "收到,我们内部先讨论一下", 4 * 24 * time.Hour},
	}},
	{3, []demoLine{
		{chat.CustomerToRep, "报价单收到了,能再优惠一点吗?", 2 * 24 * time.Hour},
		{chat.RepToCustomer, "我跟领导申请一下,今天给您回复", 47 * time.Hour},
		{chat.RepToCustomer, "已经申请到九折,合同今天可以发您", 30 * time.Hour},
	}},
	{8, []demoLine{
		{chat.CustomerToRep, "你好,稳健型的理财产品有哪些?", 40 * 24 * time.Hour},
		{chat.RepToCustomer, "您好,目前主推的是一年期的固收产品,年化4.2%", 40*24*time.Hour - 10*time.Minute},
		{chat.CustomerToRep, "明天上午我来网点详细聊", 90 * time.Minute},
	}},
}

// seedChats writes the demo conversations with their follow-up times.
// Inside the seeding transaction, after the customers and the radar.
func (s *Seeder) seedChats(ctx context.Context) error {
	now := s.radar.Clock.Now()
	for _, dc := range demoConversations {
		r := demoRelations[dc.relation]
		rep, err := s.users.ByUsername(ctx, r.rep)
		if err != nil {
			return fmt.Errorf("rep %s: %w", r.rep, err)
		}
		customerID, err := s.demoCustomer(ctx, r.customer)
		if err != nil {
			return err
		}
		conv := chat.Conversation{CompanyID: rep.CompanyID, UserID: rep.ID, CustomerID: customerID}
		for i, l := range dc.lines {
			last := i == len(dc.lines)-1
			m := chat.Message{CompanyID: conv.CompanyID, UserID: conv.UserID, CustomerID: conv.CustomerID, SendType: l.from,
				Msg: l.text, CreatedAt: now.Add(-l.ago), IsRead: !(last && l.from == chat.CustomerToRep)}
			if err := s.chats.Chats.Insert(ctx, &m); err != nil {
				return fmt.Errorf("chat of %s: %w", r.rep, err)
			}
		}
	}
	return nil
}
