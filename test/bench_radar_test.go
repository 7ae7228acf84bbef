package test

import (
	"fmt"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// BenchmarkRadar loads 10,000,000 access logs into one company (100 reps
// over a year): one rep holds 1,000,000 of them over 20,000 customers, all
// unread (a rep who never opens the feed); the other 99 share the rest,
// with only their last day unread. Logs come in visits (a card view, then
// a few more actions by the same customer). It then measures, through
// HTTP, the latency of E31, E32, E33, E47 and A5 (one customer) for the big
// rep: with one client, and with 16 concurrent clients.
//
// Run it with `make bench` (not part of `make test`); RADAR_BENCH_LOGS
// scales the data set down (e.g. 1000000) for a quicker look.
func BenchmarkRadar(b *testing.B) {
	logs := 10_000_000
	if v, err := strconv.Atoi(os.Getenv("RADAR_BENCH_LOGS")); err == nil && v >= 100_000 {
		logs = v
	}
	const (
		reps          = 100
		bigCustomers  = 20_000
		repCustomers  = 1_000 // of each other rep
		days          = 365
		perVisit      = 3 // logs per visit on average
		chunk         = 1_000_000
		single        = 200 // timed requests with one client
		concurrent    = 16
		perConcurrent = 50
	)
	bigLogs := logs / 10
	s, err := lt.Start(lt.Options{Prefix: "bench"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	uptimeBefore := uptime()

	start := time.Now()
	company := s.NewCompany(b, lt.Unique("雷达压测"))
	big := s.NewUser(b, company, lt.Member, lt.Unique("bench-big-rep"))
	var others []int64
	for range reps - 1 {
		others = append(others, s.NewUser(b, company, lt.Member, lt.Unique("bench-rep")).ID)
	}
	customers := bigCustomers + (reps-1)*repCustomers
	var first int64
	s.Scalar(b, &first, `WITH c AS (
			INSERT INTO customers (openid, user_type, username, token)
			SELECT 'bench-' || g, 2, '客户' || g, md5('bench-' || g) FROM generate_series(1, $1::int) g
			RETURNING id)
		SELECT min(id) FROM c`, customers)
	// The stream trigger pushes live events; a bulk load of history skips
	// it. The summary triggers run, so the rollups hold the whole history.
	s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER access_logs_stream`)
	// New logs enter the unread feed through a trigger; of this history, the
	// big rep's all and the others' last day are put in the feed below.
	s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER access_logs_unread`)
	// Visit v (g / perVisit) of the big rep: a customer, a time over the
	// year; its first log a card view, then other actions seconds apart.
	for from := 1; from <= bigLogs; from += chunk {
		to := min(from+chunk-1, bigLogs)
		s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
			SELECT $1::bigint, $2::bigint, $3::bigint + (v::bigint * 7919) % $4::int,
				CASE WHEN g % $5::int = 0 THEN 1 ELSE 2 + (g * 31) % 11 END, '查看了您的官网',
				now() - (v::double precision / ($6::int / $5::int)) * ($7::int * interval '1 day') - (g % $5::int) * interval '20 seconds'
			FROM (SELECT g, g / $5::int AS v FROM generate_series($8::int, $9::int) g) s`,
			company, big.ID, first, bigCustomers, perVisit, bigLogs, days, from, to)
	}
	otherLogs := logs - bigLogs
	for from := 1; from <= otherLogs; from += chunk {
		to := min(from+chunk-1, otherLogs)
		s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
			SELECT $1::bigint, ($2::bigint[])[1 + v % $3::int],
				$4::bigint + (v % $3::int) * $5::int + (v::bigint * 7919) % $5::int,
				CASE WHEN g % $6::int = 0 THEN 1 ELSE 2 + (g * 31) % 11 END, '查看了您的官网', at
			FROM (SELECT g, v, now() - (v::double precision / ($7::int / $6::int)) * ($8::int * interval '1 day')
					- (g % $6::int) * interval '20 seconds' AS at
				FROM (SELECT g, g / $6::int AS v FROM generate_series($9::int, $10::int) g) g) s`,
			company, others, reps-1, first+bigCustomers, repCustomers, perVisit, otherLogs, days, from, to)
	}
	s.Exec(b, `INSERT INTO radar_unread (log_id, company_id, user_id, action, created_at)
		SELECT id, company_id, user_id, action, created_at FROM access_logs
		WHERE company_id = $1 AND (user_id = $2 OR created_at > now() - interval '1 day')`, company, big.ID)
	s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER access_logs_unread`)
	s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER access_logs_stream`)
	loaded := time.Since(start)
	s.Exec(b, `VACUUM ANALYZE access_logs, radar_unread`)
	s.Exec(b, `ANALYZE`)
	prepared := time.Since(start)
	var n, unread int64
	s.Scalar(b, &n, `SELECT count(*) FROM access_logs WHERE company_id = $1`, company)
	s.Scalar(b, &unread, `SELECT count(*) FROM radar_unread WHERE user_id = $1`, big.ID)
	var topCustomer int64
	s.Scalar(b, &topCustomer, `SELECT customer_id FROM radar_customer_actions WHERE company_id = $1 AND user_id = $2
		GROUP BY customer_id ORDER BY sum(n) DESC, customer_id LIMIT 1`, company, big.ID)
	b.Logf("loaded %d logs (big rep: %d unread) in %s; vacuumed and analysed after %s", n, unread, loaded.Round(time.Second),
		prepared.Round(time.Second))

	type endpoint struct {
		name, path string
		query      url.Values
	}
	endpoints := []endpoint{
		{"E31", "/zhugeleida/qiyeweixin/action/time", nil},
		{"E32", "/zhugeleida/qiyeweixin/action/customer", nil},
		{"E33", "/zhugeleida/qiyeweixin/action/count", nil},
		{"E47", "/zhugeleida/qiyeweixin/action/get_new_log", nil},
		{"A5", "/zhugeleida/qiyeweixin/action/customer_detail", url.Values{"customer_id": {strconv.FormatInt(topCustomer, 10)}}},
	}
	call := func(e endpoint) (time.Duration, error) {
		t0 := time.Now()
		r, err := s.Send(lt.Request{Path: e.path, As: &big, Query: e.query})
		d := time.Since(t0)
		if err != nil {
			return d, err
		}
		if r.Code != 200 {
			return d, fmt.Errorf("%s: code %d: %s", e.name, r.Code, r.Raw)
		}
		return d, nil
	}
	pct := func(took []time.Duration, p int) time.Duration {
		slices.Sort(took)
		return took[(len(took)-1)*p/100]
	}
	var table strings.Builder
	fmt.Fprintf(&table, "\nBenchmarkRadar: %d logs in one company, %d reps; the big rep: %d logs, %d unread at the start\n\n",
		n, reps, bigLogs, unread)
	table.WriteString("| endpoint | 1 client p50 | 1 client p99 | 16 clients p50 | 16 clients p99 |\n| --- | ---: | ---: | ---: | ---: |\n")
	b.ResetTimer()
	for range b.N {
		for _, e := range endpoints {
			var one []time.Duration
			for i := -20; i < single; i++ { // 20 warm-up requests
				d, err := call(e)
				if err != nil {
					b.Fatal(err)
				}
				if i >= 0 {
					one = append(one, d)
				}
			}
			var mu sync.Mutex
			var many []time.Duration
			var wg sync.WaitGroup
			errc := make(chan error, concurrent)
			for range concurrent {
				wg.Add(1)
				go func() {
					defer wg.Done()
					for i := -5; i < perConcurrent; i++ { // 5 warm-up requests each (the pool grows to 16 connections)
						d, err := call(e)
						if err != nil {
							errc <- err
							return
						}
						if i >= 0 {
							mu.Lock()
							many = append(many, d)
							mu.Unlock()
						}
					}
				}()
			}
			wg.Wait()
			close(errc)
			if err := <-errc; err != nil {
				b.Fatal(err)
			}
			p50, p99, cp50, cp99 := pct(one, 50), pct(one, 99), pct(many, 50), pct(many, 99)
			for _, m := range []struct {
				v    time.Duration
				unit string
			}{{p50, "_p50_ms"}, {p99, "_p99_ms"}, {cp99, "_c16_p99_ms"}} {
				b.ReportMetric(float64(m.v.Microseconds())/1000, e.name+m.unit)
			}
			fmt.Fprintf(&table, "| %s | %s | %s | %s | %s |\n", e.name, fmtDur(p50), fmtDur(p99), fmtDur(cp50), fmtDur(cp99))
			if p50 > 10*time.Millisecond || p99 > 50*time.Millisecond || cp99 > 100*time.Millisecond {
				b.Errorf("%s: p50 %s, p99 %s, p99 with 16 clients %s: over 10 / 50 / 100 ms", e.name, p50, p99, cp99)
			}
		}
	}
	b.StopTimer()
	s.Scalar(b, &unread, `SELECT count(*) FROM radar_unread WHERE user_id = $1`, big.ID)
	fmt.Fprintf(&table, "\nload %s (+ vacuum/analyse: %s in all); big rep unread after the runs: %d\n", loaded.Round(time.Second),
		prepared.Round(time.Second), unread)
	if rss, err := rssKB(s.PID()); err == nil {
		fmt.Fprintf(&table, "leida serve RSS after the runs: %.1f MB\n", float64(rss)/1024)
	}
	fmt.Fprintf(&table, "uptime before: %s\nuptime after:  %s\n", uptimeBefore, uptime())
	b.Log(table.String())
	fmt.Println(table.String())
}
