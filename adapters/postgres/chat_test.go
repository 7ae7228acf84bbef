package postgres_test

import (
	"context"
	"sync"
	"testing"
	"time"

	"leida/adapters/postgres"
	"leida/domain/chat"
	"leida/domain/paging"
	"leida/ports"
)

type chatFixture struct {
	dbFixture
	rep, rep2, admin  int64
	cust, cust2, lost int64
}

func newChatFixture(t *testing.T) chatFixture {
	t.Helper()
	f := chatFixture{dbFixture: newDBFixture(t)}
	f.rep, f.rep2, f.admin = f.user(t, f.company, "rep"), f.user(t, f.company, "rep2"), f.user(t, f.other, "x")
	cust := func(name, avatar string) int64 {
		return f.one(t, `INSERT INTO customers (openid, username, headimgurl, token) VALUES ($1::text, $1::text, $2, md5($1::text)) RETURNING id`, name, avatar)
	}
	f.cust, f.cust2, f.lost = cust("c1", "statics/imgs/Avator.jpg"), cust("c2", "http://wx/x.jpg"), cust("c3", "")
	f.exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id) VALUES ($1, $2, $3), ($1, $2, $4), ($1, $5, $6)`,
		f.company, f.rep, f.cust, f.cust2, f.rep2, f.lost)
	return f
}

func (f chatFixture) send(t *testing.T, r *postgres.Chats, c chat.Conversation, st chat.SendType, msg string) chat.Message {
	t.Helper()
	m := chat.Message{CompanyID: c.CompanyID, UserID: c.UserID, CustomerID: c.CustomerID, SendType: st, Msg: msg}
	if err := r.Insert(context.Background(), &m); err != nil {
		t.Fatal(err)
	}
	return m
}

func TestChatVisibility(t *testing.T) {
	f := newChatFixture(t)
	r := postgres.NewChats(f.db)
	ctx := context.Background()
	tests := []struct {
		name          string
		company, user int64
		admin         bool
		customer      int64
		want          bool
	}{
		{"own belonger", f.company, f.rep, false, f.cust, true},
		{"colleague's customer", f.company, f.rep, false, f.lost, false},
		{"admin sees the company's customers", f.company, f.rep, true, f.lost, true},
		{"other company, even admin", f.other, f.admin, true, f.cust, false},
		{"absent customer", f.company, f.rep, true, 999999, false},
	}
	for _, tt := range tests {
		got, err := r.RepSeesCustomer(ctx, tt.company, tt.user, tt.admin, tt.customer)
		if err != nil || got != tt.want {
			t.Errorf("%s: got %v %v", tt.name, got, err)
		}
	}
	if c, err := r.RepOfCustomer(ctx, f.cust, f.rep); err != nil || c != f.company {
		t.Errorf("RepOfCustomer: %d %v", c, err)
	}
	if _, err := r.RepOfCustomer(ctx, f.lost, f.rep); err != ports.ErrNotFound {
		t.Errorf("not a belonger: %v", err)
	}
	f.exec(t, `UPDATE users SET deleted_at = now() WHERE id = $1`, f.rep2)
	if _, err := r.RepOfCustomer(ctx, f.lost, f.rep2); err != ports.ErrNotFound {
		t.Errorf("deleted rep: %v", err)
	}
}

func TestChatContactsHistoryAndReadFlags(t *testing.T) {
	f := newChatFixture(t)
	r := postgres.NewChats(f.db)
	ctx := context.Background()
	c1 := chat.Conversation{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust}
	c2 := chat.Conversation{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust2}
	f.send(t, r, c1, chat.RepToCustomer, "a")
	f.send(t, r, c2, chat.CustomerToRep, "b")
	f.send(t, r, c1, chat.CustomerToRep, "c") // c1 is now the latest conversation
	// another rep's conversation does not show up
	f.send(t, r, chat.Conversation{CompanyID: f.company, UserID: f.rep2, CustomerID: f.lost}, chat.CustomerToRep, "z")

	contacts, total, err := r.Contacts(ctx, f.company, f.rep, paging.Page{Number: 1, Length: 20})
	if err != nil || total != 2 || len(contacts) != 2 || contacts[0].Msg != "c" || contacts[0].CustomerID != f.cust ||
		contacts[1].Msg != "b" || contacts[0].CustomerAvatar != "statics/imgs/Avator.jpg" || contacts[0].CustomerName != "c1" {
		t.Fatalf("contacts %+v %d %v", contacts, total, err)
	}
	contacts, total, _ = r.Contacts(ctx, f.company, f.rep, paging.Page{Number: 2, Length: 1})
	if total != 2 || len(contacts) != 1 || contacts[0].Msg != "b" {
		t.Fatalf("page 2: %+v", contacts)
	}
	if contacts, total, _ = r.Contacts(ctx, f.other, f.rep, paging.Page{Number: 1, Length: 20}); total != 0 || len(contacts) != 0 {
		t.Fatalf("other company: %+v", contacts)
	}

	for i := range 5 {
		f.send(t, r, c1, chat.RepToCustomer, string(rune('d'+i)))
	}
	// c1: a c d e f g h — page 1 of 3 newest-first is f g h, in ascending order.
	page, err := r.ReadHistory(ctx, c1, chat.CustomerToRep, true, paging.Page{Number: 1, Length: 3})
	if err != nil || len(page) != 3 || page[0].Msg != "f" || page[2].Msg != "h" {
		t.Fatalf("history newest page: %+v %v", page, err)
	}
	page, _ = r.ReadHistory(ctx, c1, chat.CustomerToRep, false, paging.Page{Number: 1, Length: 3})
	if len(page) != 3 || page[0].Msg != "a" || page[2].Msg != "d" {
		t.Fatalf("history oldest page: %+v", page)
	}
	if page, _ = r.ReadHistory(ctx, c1, chat.CustomerToRep, true, paging.Page{Number: 9, Length: 3}); len(page) != 0 {
		t.Fatalf("beyond the end: %+v", page)
	}

	// Reading the history as the rep consumed the customer's message; the
	// customer takes only the rep's.
	got, err := r.TakeUnread(ctx, c1, chat.CustomerToRep)
	if err != nil || len(got) != 0 {
		t.Fatalf("rep poll after the history: %+v %v", got, err)
	}
	if got, err = r.TakeUnread(ctx, c1, chat.RepToCustomer); err != nil || len(got) != 6 || !got[0].IsRead {
		t.Fatalf("customer poll: %+v %v", got, err)
	}
	if _, err := r.ReadHistory(ctx, c1, chat.RepToCustomer, false, paging.Page{Number: 1, Length: 1}); err != nil {
		t.Fatal(err)
	}
	if got, _ = r.TakeUnread(ctx, c1, chat.RepToCustomer); len(got) != 0 {
		t.Fatalf("after history: %+v", got)
	}
	var unread int
	_ = f.raw.QueryRow(`SELECT count(*) FROM chat_messages WHERE NOT is_read`).Scan(&unread)
	if unread != 2 { // b (c2) and z (another rep)
		t.Fatalf("unread left: %d", unread)
	}
}

// Concurrent pollers and senders: every message is taken exactly once.
func TestChatTakeUnreadRace(t *testing.T) {
	f := newChatFixture(t)
	r := postgres.NewChats(f.db)
	ctx := context.Background()
	c1 := chat.Conversation{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust}
	const n = 200
	var mu sync.Mutex
	seen := map[int64]int{}
	done := make(chan struct{})
	var pollers sync.WaitGroup
	for range 4 {
		pollers.Add(1)
		go func() {
			defer pollers.Done()
			for {
				// Only an empty take that started after every send committed
				// proves nothing is left (an earlier one may predate a commit).
				finished := false
				select {
				case <-done:
					finished = true
				default:
				}
				got, err := r.TakeUnread(ctx, c1, chat.CustomerToRep)
				if err != nil {
					t.Error(err)
					return
				}
				mu.Lock()
				for _, m := range got {
					seen[m.ID]++
				}
				mu.Unlock()
				if finished && len(got) == 0 {
					return
				}
			}
		}()
	}
	var senders sync.WaitGroup
	for i := range 4 {
		senders.Add(1)
		go func() {
			defer senders.Done()
			for range n / 4 {
				f.send(t, r, c1, chat.CustomerToRep, "m")
			}
			_ = i
		}()
	}
	senders.Wait()
	close(done)
	pollers.Wait()
	if len(seen) != n {
		t.Fatalf("taken %d of %d", len(seen), n)
	}
	for id, k := range seen {
		if k != 1 {
			t.Fatalf("message %d taken %d times", id, k)
		}
	}
}

// A message moves the follow-up relation: a customer's the activity time, a
// rep's the follow time; times only move forward.
func TestChatInsertTouchesTheFollowUp(t *testing.T) {
	f := newChatFixture(t)
	r := postgres.NewChats(f.db)
	ctx := context.Background()
	t1 := time.Date(2024, 1, 1, 0, 0, 0, 0, time.UTC)
	t2 := t1.Add(time.Hour)
	for _, m := range []chat.Message{
		{SendType: chat.CustomerToRep, CreatedAt: t1},
		{SendType: chat.RepToCustomer, CreatedAt: t2},
		{SendType: chat.RepToCustomer, CreatedAt: t1}, // back-dated: the follow time stays
	} {
		m.CompanyID, m.UserID, m.CustomerID, m.Msg = f.company, f.rep, f.cust, "m"
		if err := r.Insert(ctx, &m); err != nil {
			t.Fatal(err)
		}
	}
	var n int
	var follow, activity time.Time
	_ = f.raw.QueryRow(`SELECT count(*) OVER (), last_follow_time, last_activity_time FROM follow_ups WHERE user_id = $1 AND customer_id = $2`,
		f.rep, f.cust).Scan(&n, &follow, &activity)
	if n != 1 || !follow.Equal(t2) || !activity.Equal(t1) {
		t.Fatalf("follow-up: %d %v %v", n, follow, activity)
	}
}

// The triggers number each principal's events in commit order and notify.
func TestStreamEventsAndListener(t *testing.T) {
	f := newChatFixture(t)
	r := postgres.NewChats(f.db)
	events := postgres.NewStreamEvents(f.db)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()

	connected := make(chan struct{}, 4)
	wakes := make(chan ports.StreamWake, 16)
	l := postgres.NewListener(f.url, nil)
	go func() {
		_ = l.Listen(ctx, func() { connected <- struct{}{} }, func(w ports.StreamWake) { wakes <- w })
	}()
	select {
	case <-connected:
	case <-time.After(5 * time.Second):
		t.Fatal("listener did not connect")
	}

	c1 := chat.Conversation{CompanyID: f.company, UserID: f.rep, CustomerID: f.cust}
	sent := f.send(t, r, c1, chat.RepToCustomer, "hello\nworld")
	f.send(t, r, c1, chat.CustomerToRep, "back")
	f.exec(t, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark) VALUES ($1, $2, $3, 10, '拨打您的手机')`,
		f.company, f.rep, f.cust)

	custP := chat.Principal{Kind: chat.PrincipalCustomer, ID: f.cust}
	repP := chat.Principal{Kind: chat.PrincipalUser, ID: f.rep}
	want := map[ports.StreamWake]bool{{Principal: custP, Seq: 1}: true, {Principal: repP, Seq: 1}: true, {Principal: repP, Seq: 2}: true}
	for range 3 {
		select {
		case w := <-wakes:
			if !want[w] {
				t.Fatalf("unexpected wake %+v", w)
			}
			delete(want, w)
		case <-time.After(5 * time.Second):
			t.Fatalf("missing wakes %v", want)
		}
	}

	evs, err := events.After(ctx, custP, 0, 10)
	if err != nil || len(evs) != 1 || evs[0].Name != chat.EventChat || evs[0].Chat.Msg != "hello\nworld" ||
		evs[0].Chat.ID != sent.ID || evs[0].Chat.CustomerName != "c1" || !evs[0].Chat.CreatedAt.Equal(sent.CreatedAt) {
		t.Fatalf("customer events %+v %v", evs, err)
	}
	evs, _ = events.After(ctx, repP, 0, 10)
	if len(evs) != 2 || evs[0].Chat == nil || evs[0].Chat.Msg != "back" || evs[1].Radar == nil ||
		evs[1].Radar.Action != 10 || evs[1].Radar.CustomerName != "c1" || evs[1].Radar.Remark != "拨打您的手机" {
		t.Fatalf("rep events %+v", evs)
	}
	if evs, _ = events.After(ctx, repP, 1, 10); len(evs) != 1 || evs[0].Seq != 2 {
		t.Fatalf("after 1: %+v", evs)
	}
	if n, _ := events.LastSeq(ctx, repP); n != 2 {
		t.Fatalf("last seq %d", n)
	}
	if n, _ := events.LastSeq(ctx, chat.Principal{Kind: chat.PrincipalUser, ID: f.rep2}); n != 0 {
		t.Fatalf("last seq of nobody %d", n)
	}

	// The listener survives its connection being killed.
	f.exec(t, `SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE query LIKE 'LISTEN%' AND datname = current_database()`)
	select {
	case <-connected:
	case <-time.After(10 * time.Second):
		t.Fatal("listener did not reconnect")
	}
	f.send(t, r, c1, chat.CustomerToRep, "again")
	select {
	case w := <-wakes:
		if w.Principal != repP || w.Seq != 3 {
			t.Fatalf("after reconnect %+v", w)
		}
	case <-time.After(5 * time.Second):
		t.Fatal("no wake after reconnect")
	}

	// Pruning.
	f.exec(t, `UPDATE stream_events SET created_at = now() - interval '2 days' WHERE seq = 1`)
	if n, err := events.Prune(ctx, time.Now().Add(-24*time.Hour)); err != nil || n != 2 {
		t.Fatalf("pruned %d %v", n, err)
	}
	if n, _ := events.LastSeq(ctx, repP); n != 3 {
		t.Fatalf("the sequence survives pruning: %d", n)
	}
}

// Two transactions for one principal: the second gets its number only after
// the first commits, so a reader never sees seq n+1 before seq n.
func TestStreamSequenceFollowsCommitOrder(t *testing.T) {
	f := newChatFixture(t)
	ctx := context.Background()
	tx1, err := f.raw.BeginTx(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := tx1.Exec(`INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg) VALUES ($1, $2, $3, 2, 'first')`,
		f.company, f.rep, f.cust); err != nil {
		t.Fatal(err)
	}
	second := make(chan error, 1)
	go func() {
		_, err := f.raw.Exec(`INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg) VALUES ($1, $2, $3, 2, 'second')`,
			f.company, f.rep, f.cust2)
		second <- err
	}()
	select {
	case err := <-second:
		t.Fatalf("the second writer did not wait: %v", err)
	case <-time.After(300 * time.Millisecond):
	}
	if err := tx1.Commit(); err != nil {
		t.Fatal(err)
	}
	if err := <-second; err != nil {
		t.Fatal(err)
	}
	evs, _ := postgres.NewStreamEvents(f.db).After(ctx, chat.Principal{Kind: chat.PrincipalUser, ID: f.rep}, 0, 10)
	if len(evs) != 2 || evs[0].Chat.Msg != "first" || evs[1].Chat.Msg != "second" || evs[1].Seq != 2 {
		t.Fatalf("%+v", evs)
	}
}
