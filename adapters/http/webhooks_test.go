package http

import (
	"testing"
	"time"

	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/radar"
	"leida/domain/webhook"
)

func TestWebhookBodies(t *testing.T) {
	loc := time.FixedZone("CST", 8*3600)
	b := WebhookBodies{Location: loc, PublicBaseURL: "https://leida.example.com/"}
	at := time.Date(2026, 12, 1, 2, 3, 4, 0, time.UTC)
	day := time.Date(2026, 11, 30, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		m    webhook.Message
		want string
	}{
		{webhook.Message{EventID: 7, CompanyID: 3, Event: webhook.RadarEvent, At: at,
			Radar: &chat.RadarEvent{LogID: 9, UserID: 2, CustomerID: 5, Action: int(radar.ViewCard), Remark: "首次查看你的名片,沟通从此刻开始",
				CustomerName: "王小明", CreatedAt: at}},
			`{"id":7,"type":"radar.event","time":"2026-12-01T10:03:04+08:00","company_id":3,"data":{"user_id":2,"customer_id":5,"action":"` +
				radar.ViewCard.Label() + `","log":"王小明首次查看你的名片,沟通从此刻开始","create_date":"2026-12-01T10:03:04"}}`},
		{webhook.Message{EventID: 8, CompanyID: 3, Event: webhook.ChatMessage, At: at,
			Chat: &chat.Message{ID: 4, UserID: 2, CustomerID: 5, SendType: chat.SendType(2), Msg: "<你好>&", CreatedAt: at,
				CustomerName: "王小明", CustomerAvatar: "statics/imgs/Avator.jpg"}},
			`{"id":8,"type":"chat.message","time":"2026-12-01T10:03:04+08:00","company_id":3,"data":{"customer_id":5,"user_id":2,` +
				`"src":"https://leida.example.com/statics/imgs/Avator.jpg","name":"王小明","dateTime":"2026-12-01T10:03:04","send_type":2,"msg":"<你好>&"}}`},
		{webhook.Message{EventID: 9, CompanyID: 3, Event: webhook.CustomerOutcome, At: at,
			Outcome: &webhook.OutcomeChange{CustomerID: 5, CustomerName: "王小明", Outcome: customer.OutcomeWon, Previous: customer.OutcomeOpen, ClosedAt: &day}},
			`{"id":9,"type":"customer.outcome","time":"2026-12-01T10:03:04+08:00","company_id":3,"data":{"customer_id":5,"customer_username":"王小明","outcome":"won","previous":"open","closed_at":"2026-11-30"}}`},
		{webhook.Message{EventID: 10, CompanyID: 3, Event: webhook.CustomerOutcome, At: at,
			Outcome: &webhook.OutcomeChange{CustomerID: 5, Outcome: customer.OutcomeOpen, Previous: customer.OutcomeLost}},
			`{"id":10,"type":"customer.outcome","time":"2026-12-01T10:03:04+08:00","company_id":3,"data":{"customer_id":5,"customer_username":"","outcome":"open","previous":"lost","closed_at":null}}`},
		{webhook.Message{EventID: 11, CompanyID: 3, Event: webhook.CustomerAIPr, At: at, HotLead: []byte(`{"customer_id":5,"ai_pr":81}`)},
			`{"id":11,"type":"customer.ai_pr","time":"2026-12-01T10:03:04+08:00","company_id":3,"data":{"customer_id":5,"ai_pr":81}}`},
	} {
		got, err := b.Body(tc.m)
		if err != nil || string(got) != tc.want {
			t.Errorf("%s:\n got %s (%v)\nwant %s", tc.m.Event, got, err, tc.want)
		}
	}
	if _, err := b.Body(webhook.Message{EventID: 1, Event: webhook.RadarEvent}); err == nil {
		t.Fatal("a message without facts: want an error")
	}
}
