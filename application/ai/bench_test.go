package ai_test

import (
	"context"
	"testing"
	"time"

	"leida/adapters/clock"
	"leida/adapters/postgres"
	"leida/adapters/postgres/pgtest"
	appai "leida/application/ai"
	"leida/domain/radar"
)

// BenchmarkAITraining trains a company with 10,000 closed deals, 1,000
// open customers and 1,000,000 logs (plus chats and notes), loaded in bulk,
// through the real training path: signals as of every closing day, the
// fit, and the rescoring of every open customer. Target: ≤ 30 s.
func BenchmarkAITraining(b *testing.B) {
	db, url := pgtest.New(b, time.UTC)
	raw := openRaw(b, url)
	ctx := context.Background()
	exec := func(q string, args ...any) {
		b.Helper()
		if _, err := raw.Exec(q, args...); err != nil {
			b.Fatalf("%s: %v", q, err)
		}
	}
	const deals, open, logs = 10_000, 1_000, 1_000_000
	start := time.Now()
	var company, rep, first int64
	_ = raw.QueryRow(`INSERT INTO companies (name) VALUES ('训练压测') RETURNING id`).Scan(&company)
	_ = raw.QueryRow(`INSERT INTO users (company_id, username, token, status) VALUES ($1, 'r', md5('r'), 1) RETURNING id`, company).Scan(&rep)
	_ = raw.QueryRow(`WITH c AS (INSERT INTO customers (openid, user_type, username, token)
		SELECT 'ai-' || g, 2, '客户' || g, md5('ai-' || g) FROM generate_series(1, $1::int) g RETURNING id) SELECT min(id) FROM c`,
		deals+open).Scan(&first)
	exec(`INSERT INTO customer_belongers (company_id, user_id, customer_id, source, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + g, 1 + g % 2, now() - interval '400 days' FROM generate_series(0, $4::int - 1) g`,
		company, rep, first, deals+open)
	exec(`INSERT INTO follow_ups (company_id, user_id, customer_id) SELECT $1::bigint, $2::bigint, $3::bigint + g
		FROM generate_series(0, $4::int - 1) g`, company, rep, first, deals+open)
	exec(`INSERT INTO customer_profiles (company_id, customer_id, outcome, closed_at, updated_at)
		SELECT $1::bigint, $2::bigint + g, CASE WHEN g >= $3::int THEN 0 WHEN g % 4 = 0 THEN 1 ELSE 2 END,
			CASE WHEN g < $3::int THEN current_date - (g % 360) END, now() - interval '1 year'
		FROM generate_series(0, $4::int - 1) g`, company, first, deals, deals+open)
	// The bulk load keeps the push and rescore triggers out; the summaries run.
	for _, tr := range []string{"access_logs_stream", "access_logs_ai_queue"} {
		exec(`ALTER TABLE access_logs DISABLE TRIGGER ` + tr)
	}
	exec(`INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + (g::bigint * 7919) % $4::int, 1 + (g * 31) % 12, 'r',
			now() - (g::double precision / $5::int) * interval '400 days'
		FROM generate_series(1, $5::int) g`, company, rep, first, deals+open, logs)
	for _, tr := range []string{"access_logs_stream", "access_logs_ai_queue"} {
		exec(`ALTER TABLE access_logs ENABLE TRIGGER ` + tr)
	}
	exec(`ALTER TABLE chat_messages DISABLE TRIGGER chat_messages_stream`)
	exec(`INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg, is_read, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + (g::bigint * 104729) % $4::int, 1 + g % 2, 'm', true,
			now() - (g::double precision / 50000) * interval '400 days' FROM generate_series(1, 50000) g`, company, rep, first, deals+open)
	exec(`ALTER TABLE chat_messages ENABLE TRIGGER chat_messages_stream`)
	exec(`INSERT INTO follow_notes (company_id, follow_up_id, note, created_at)
		SELECT $1::bigint, f.id, '更新预计成交率为: ' || (10 * (f.id % 10)) || '%', now() - (f.id % 300) * interval '1 day'
		FROM follow_ups f WHERE f.company_id = $1`, company)
	exec(`DELETE FROM ai_rescore`)
	exec(`VACUUM ANALYZE`)
	b.Logf("loaded %d deals, %d open customers, %d logs in %s", deals, open, logs, time.Since(start).Round(time.Second))
	svc := appai.New(postgres.NewAI(db), postgres.NewCustomers(db), postgres.NewFollowUps(db), db, clock.System{},
		appai.Config{Pool: true}, nil)
	b.ResetTimer()
	for range b.N {
		t0 := time.Now()
		got, err := svc.Train(ctx, company)
		if err != nil {
			b.Fatal(err)
		}
		took := time.Since(t0)
		b.ReportMetric(took.Seconds(), "train_s")
		b.Logf("trained %+v in %s", got, took.Round(time.Millisecond))
		if got.Deals != deals || got.Scored != open {
			b.Fatalf("%+v", got)
		}
		if took > 30*time.Second {
			b.Errorf("training took %s, over 30 s", took)
		}
	}
}

// BenchmarkEventWriteWithRescoreQueue is the cost the AI adds to writing a
// radar event: the same card-event write with the rescore trigger on, and off.
func BenchmarkEventWriteWithRescoreQueue(b *testing.B) {
	db, url := pgtest.New(b, time.UTC)
	raw := openRaw(b, url)
	ctx := context.Background()
	var company, rep, cust int64
	_ = raw.QueryRow(`INSERT INTO companies (name) VALUES ('写入') RETURNING id`).Scan(&company)
	_ = raw.QueryRow(`INSERT INTO users (company_id, username, token, status) VALUES ($1, 'w', md5('w'), 1) RETURNING id`, company).Scan(&rep)
	_ = raw.QueryRow(`INSERT INTO customers (openid, username, token) VALUES ('w', 'w', md5('w')) RETURNING id`).Scan(&cust)
	logs := postgres.NewAccessLogs(db)
	write := func(b *testing.B) {
		for range b.N {
			err := db.Run(ctx, func(ctx context.Context) error {
				l := radar.Log{CompanyID: company, UserID: rep, CustomerID: cust, Action: radar.CallPhone, Remark: "r"}
				return logs.Record(ctx, &l)
			})
			if err != nil {
				b.Fatal(err)
			}
		}
	}
	b.Run("with the rescore queue", write)
	if _, err := raw.Exec(`ALTER TABLE access_logs DISABLE TRIGGER access_logs_ai_queue`); err != nil {
		b.Fatal(err)
	}
	b.Run("without", write)
}
