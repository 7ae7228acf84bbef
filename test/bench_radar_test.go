package test

import (
	"net/url"
	"slices"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// BenchmarkRadar loads 1,000,000 access logs for one company (10 reps,
// 20,000 customers, 90 days) into its own server's database and measures,
// through HTTP, the p50/p99 latency of E31, E32, E33 and E47 for a rep.
// Run it with `make bench` (go test -bench, not part of `make test`).
func BenchmarkRadar(b *testing.B) {
	const (
		reps      = 10
		customers = 20_000
		logs      = 1_000_000
		days      = 90
		requests  = 200
	)
	s, err := lt.Start(lt.Options{Prefix: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()

	start := time.Now()
	company := s.NewCompany(b, lt.Unique("雷达压测"))
	var repIDs []int64
	var principals []lt.Principal
	for i := 0; i < reps; i++ {
		p := s.NewUser(b, company, lt.Member, lt.Unique("bench-rep"))
		principals = append(principals, p)
		repIDs = append(repIDs, p.ID)
	}
	var firstCustomer int64
	s.Scalar(b, &firstCustomer, `WITH c AS (
			INSERT INTO customers (openid, user_type, username, token)
			SELECT 'bench-' || g, 2, '客户' || g, md5('bench-' || g) FROM generate_series(1, $1) g
			RETURNING id)
		SELECT min(id) FROM c`, customers)
	// The push-stream trigger (one notification per insert) is for live
	// events, not for a bulk load of history.
	s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER access_logs_stream`)
	// Logs spread evenly over 90 days; only the last day's are unread.
	s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, is_new, created_at)
		SELECT $1, ($2::bigint[])[1 + g % $3], $4 + (g::bigint * 7919) % $5, 1 + (g * 31) % 12, '查看了您的官网',
			at > now() - interval '1 day', at
		FROM (SELECT g, now() - (g::double precision / $6) * interval '90 days' AS at
		      FROM generate_series(1, $6) g) s`,
		company, repIDs, reps, firstCustomer, customers, logs)
	s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER access_logs_stream`)
	s.Exec(b, `VACUUM ANALYZE access_logs`)
	s.Exec(b, `ANALYZE customers`)
	b.Logf("loaded %d logs in %s", logs, time.Since(start).Round(time.Second))

	type endpoint struct {
		name, path string
		query      url.Values
		before     func(p lt.Principal) // untimed preparation
	}
	newEvents := func(p lt.Principal) {
		// A few fresh events, so each poll of the feed has something to return.
		s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark)
			SELECT $1, $2, $3 + g, 10, '拨打您的手机' FROM generate_series(1, 5) g`, company, p.ID, firstCustomer)
	}
	endpoints := []endpoint{
		{"E31", "/zhugeleida/qiyeweixin/action/time", nil, nil},
		{"E32", "/zhugeleida/qiyeweixin/action/customer", nil, nil},
		{"E33", "/zhugeleida/qiyeweixin/action/count", nil, nil},
		{"E47", "/zhugeleida/qiyeweixin/action/get_new_log", nil, newEvents},
	}
	b.ResetTimer()
	for range b.N {
		for _, e := range endpoints {
			var took []time.Duration
			for i := -20; i < requests; i++ { // 20 warm-up requests
				p := principals[(i+20)%reps]
				if e.before != nil {
					e.before(p)
				}
				t0 := time.Now()
				r, err := s.Send(lt.Request{Path: e.path, As: &p, Query: e.query})
				d := time.Since(t0)
				if err != nil || r.Code != 200 {
					b.Fatalf("%s: %v %v", e.name, err, r)
				}
				if i >= 0 {
					took = append(took, d)
				}
			}
			slices.Sort(took)
			p50 := took[len(took)/2]
			p99 := took[len(took)*99/100]
			b.ReportMetric(float64(p50.Microseconds())/1000, e.name+"_p50_ms")
			b.ReportMetric(float64(p99.Microseconds())/1000, e.name+"_p99_ms")
			b.Logf("%s p50 %s p99 %s", e.name, p50, p99)
			if p50 >= 20*time.Millisecond {
				b.Errorf("%s p50 %s is not under 20ms", e.name, p50)
			}
		}
	}
}
