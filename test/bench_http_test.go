package test

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"math/rand/v2"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"regexp"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	"github.com/jackc/pgx/v5/pgxpool"
	"github.com/labstack/echo/v4"

	lt "leida/test/leidatest"
)

// BenchmarkHTTP measures the throughput (requests/second) and latency of
// several read endpoints of the real `leida serve` under
// `wrk -t2 -c16 -d15s --latency`, next to a bare Echo + pgx handler (one
// indexed query and a JSON envelope: the physical limit of this machine)
// measured in the same run, before and after the endpoints.
//
// The data set is one company with one rep under test (2,000 customers,
// 100,000 radar events and 20,000 chat messages over 60 days, one
// conversation of 1,000 messages) and four reps with small data.
//
// Run it with `make bench-http` (not part of `make test`). It installs wrk
// with apt-get when it is missing, and skips when that is not possible.
// Targets are printed, not enforced; the benchmark fails only on errors
// (a non-200 envelope, non-2xx responses, socket errors).
func BenchmarkHTTP(b *testing.B) {
	const (
		customers    = 2_000
		logs         = 100_000
		chats        = 20_000
		bigChat      = 1_000 // messages of the one big conversation (E26)
		otherReps    = 4
		otherCust    = 50  // customers of each other rep
		otherLogs    = 500 // access logs of each other rep
		otherChats   = 100 // chat messages of each other rep
		feedInterval = 20 * time.Millisecond
	)
	runStart := time.Now()
	wrk := ensureWrk(b)
	uptimeBefore := uptime()

	env := map[string]string{}
	for _, kv := range strings.Fields(os.Getenv("BENCH_HTTP_SERVE_ENV")) { // e.g. GOGC=400, to compare settings
		k, v, _ := strings.Cut(kv, "=")
		env[k] = v
	}
	s, err := lt.Start(lt.Options{Prefix: "benchhttp", Env: env})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	defer func() { // runs before Stop
		if b.Failed() {
			b.Logf("leida serve (pid %d): %s; log tail:\n%s", s.PID(), procState(s.PID()), tail(s.Logs(), 3000))
		}
	}()

	// ---- data set
	loadStart := time.Now()
	company := s.NewCompany(b, lt.Unique("HTTP压测"))
	rep := s.NewUser(b, company, lt.Member, lt.Unique("bench-rep"))
	var others []int64
	for range otherReps {
		others = append(others, s.NewUser(b, company, lt.Member, lt.Unique("bench-rep")).ID)
	}
	var first, last int64
	if err := s.DB.QueryRow(`WITH c AS (
			INSERT INTO customers (openid, user_type, username, token, headimgurl)
			SELECT 'benchhttp-' || g, 2, '客户' || g, md5('benchhttp-' || g), 'https://wx.qlogo.cn/mmopen/' || g
			FROM generate_series(1, $1::int) g
			RETURNING id)
		SELECT min(id), max(id) FROM c`, customers).Scan(&first, &last); err != nil {
		b.Fatal(err)
	}
	if last-first+1 != customers {
		b.Fatalf("customer ids %d..%d are not contiguous", first, last)
	}
	bigCustomer := first // the big conversation

	// The rep under test: every customer belongs to them (two-thirds came by
	// 扫码, the rest by 转发), with a follow-up relation and a profile.
	s.Exec(b, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + g, CASE WHEN g % 3 = 2 THEN 2 ELSE 1 END,
			now() - interval '60 days' - (g % 30) * interval '1 day'
		FROM generate_series(0, $4::int - 1) g`, company, rep.ID, first, customers)
	s.Exec(b, `INSERT INTO follow_ups (company_id, user_id, customer_id, last_follow_time, last_activity_time, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + g,
			CASE WHEN g % 5 = 4 THEN NULL ELSE now() - ((g * 37) % 1440) * interval '1 hour' END,
			CASE WHEN g % 7 = 6 THEN NULL ELSE now() - ((g * 53) % 86400) * interval '1 minute' END,
			now() - interval '60 days' - (g % 30) * interval '1 day'
		FROM generate_series(0, $4::int - 1) g`, company, rep.ID, first, customers)
	s.Exec(b, `INSERT INTO customer_profiles (company_id, customer_id, expected_time, expedted_pr)
		SELECT $1::bigint, $2::bigint + g,
			CASE WHEN g % 4 = 3 THEN NULL ELSE current_date + (g % 90) END,
			CASE WHEN g % 10 = 9 THEN NULL ELSE (10 * (1 + g % 9)) || '%' END
		FROM generate_series(0, $3::int - 1) g`, company, first, customers)
	// The other reps: 50 customers each (shared with the rep under test).
	s.Exec(b, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source)
		SELECT $1::bigint, r.id, $2::bigint + (r.n - 1) * $4::int + g, CASE WHEN g % 3 = 2 THEN 2 ELSE 1 END
		FROM unnest($3::bigint[]) WITH ORDINALITY r (id, n), generate_series(0, $4::int - 1) g`,
		company, first, others, otherCust)
	s.Exec(b, `INSERT INTO follow_ups (company_id, user_id, customer_id, last_follow_time, last_activity_time)
		SELECT $1::bigint, r.id, $2::bigint + (r.n - 1) * $4::int + g,
			now() - (g % 60) * interval '1 day', now() - (g % 30) * interval '1 day'
		FROM unnest($3::bigint[]) WITH ORDINALITY r (id, n), generate_series(0, $4::int - 1) g`,
		company, first, others, otherCust)

	// The stream triggers push every row to the live streams; that is for
	// live events, not for a bulk load of history. Only those two are
	// disabled: other triggers (summary tables) must run during the load.
	s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER access_logs_stream`)
	// New logs enter the unread feed through a trigger; this history was
	// read but for its last day, which is added to the feed below.
	s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER access_logs_unread`)
	s.Exec(b, `ALTER TABLE chat_messages DISABLE TRIGGER chat_messages_stream`)
	// 100,000 events over 60 days (half of them card views), spread over the
	// 2,000 customers; only the last day's are unread.
	s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
		SELECT $1::bigint, $2::bigint, $3::bigint + (g::bigint * 7919) % $4::int, a, ($5::text[])[a], at
		FROM (SELECT g, CASE WHEN g % 10 < 5 THEN 1 ELSE 1 + (g * 31) % 12 END AS a,
				now() - (g::double precision / $6::int) * interval '60 days' AS at
			FROM generate_series(1, $6::int) g) s`,
		company, rep.ID, first, customers, benchRemarks, logs)
	s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
		SELECT $1::bigint, r.id, $2::bigint + (r.n - 1) * $4::int + g % $4::int, x.a, ($5::text[])[x.a],
			now() - (g::double precision / $6::int) * interval '60 days'
		FROM unnest($3::bigint[]) WITH ORDINALITY r (id, n), generate_series(1, $6::int) g,
			LATERAL (SELECT 1 + (g * 31) % 12 AS a) x`,
		company, first, others, otherCust, benchRemarks, otherLogs)
	// 20,000 messages over 60 days: 1,000 with the big conversation's
	// customer, the rest spread over the other 1,999. All read but a few
	// recent ones from customers.
	s.Exec(b, `INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg, is_read, created_at)
		SELECT $1::bigint, $2::bigint, cust, st, ($5::text[])[1 + g % 6],
			NOT (st = 2 AND at > now() - interval '1 day' AND g % 3 = 0), at
		FROM (SELECT g,
				CASE WHEN g <= $6::int THEN $3::bigint ELSE $3::bigint + 1 + (g::bigint * 7919) % ($4::int - 1) END AS cust,
				1 + g % 2 AS st,
				now() - (CASE WHEN g <= $6::int THEN g::double precision / $6::int
					ELSE (g - $6::int)::double precision / ($7::int - $6::int) END) * interval '60 days' AS at
			FROM generate_series(1, $7::int) g) s`,
		company, rep.ID, first, customers, benchMessages, bigChat, chats)
	s.Exec(b, `INSERT INTO chat_messages (company_id, user_id, customer_id, send_type, msg, is_read, created_at)
		SELECT $1::bigint, r.id, $2::bigint + (r.n - 1) * $4::int + g % $4::int, 1 + g % 2, ($5::text[])[1 + g % 6], true,
			now() - (g::double precision / $6::int) * interval '60 days'
		FROM unnest($3::bigint[]) WITH ORDINALITY r (id, n), generate_series(1, $6::int) g`,
		company, first, others, otherCust, benchMessages, otherChats)
	s.Exec(b, `INSERT INTO radar_unread (log_id, company_id, user_id, action, created_at)
		SELECT id, company_id, user_id, action, created_at FROM access_logs WHERE user_id = $1 AND created_at > now() - interval '1 day'`, rep.ID)
	s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER access_logs_unread`)
	s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER access_logs_stream`)
	s.Exec(b, `ALTER TABLE chat_messages ENABLE TRIGGER chat_messages_stream`)
	s.Exec(b, `VACUUM ANALYZE customers, customer_belongers, follow_ups, customer_profiles, access_logs, radar_unread, chat_messages`)
	// Tables maintained by triggers during the load get statistics too.
	s.Exec(b, `ANALYZE`)
	for _, kv := range strings.Fields(os.Getenv("BENCH_HTTP_DB_SETTINGS")) { // e.g. plan_cache_mode=force_generic_plan
		k, v, _ := strings.Cut(kv, "=")
		s.Exec(b, fmt.Sprintf(`ALTER DATABASE %q SET %s = %s`, dbName(b, s), k, v))
		b.Logf("database setting for new connections: %s = %s", k, v)
	}
	if keep := os.Getenv("BENCH_HTTP_KEEP"); keep != "" { // a copy of the data set to study plans in
		name := dbName(b, s)
		cmd := exec.Command("sh", "-c", fmt.Sprintf("dropdb -h 127.0.0.1 -U postgres --if-exists %q && createdb -h 127.0.0.1 -U postgres %q && pg_dump -h 127.0.0.1 -U postgres %q | psql -q -h 127.0.0.1 -U postgres %q", keep, keep, name, keep))
		if out, err := cmd.CombinedOutput(); err != nil {
			b.Fatalf("copying the data set to %s: %v\n%s", keep, err, out)
		}
		b.Logf("data set copied to database %s (rep %d, big conversation customer %d)", keep, rep.ID, bigCustomer)
	}
	loadTook := time.Since(loadStart)
	b.Logf("loaded %d customers, %d access logs, %d chat messages (+ %d small reps) in %s",
		customers, logs, chats, otherReps, loadTook.Round(time.Millisecond))

	// ---- the bare reference: Echo + pgxpool, one indexed query, JSON
	bareURL, stopBare := startBare(b, s.DBURL)
	defer stopBare()
	bareTarget := bareURL + "/bare?id=" + strconv.FormatInt(rep.ID, 10)

	// ---- the runs
	type endpoint struct {
		name, path string
		query      url.Values
		target     float64 // % of bare (0: none)
		feed       bool    // new unread events arrive during the run
	}
	endpoints := []endpoint{
		{"E01 users", "/zhugeleida/qiyeweixin/user", nil, 50, false},
		{"E05 customer", "/zhugeleida/qiyeweixin/customer",
			url.Values{"customer_id": {strconv.FormatInt(bigCustomer, 10)}}, 0, false},
		{"E25 contacts", "/zhugeleida/qiyeweixin/contact", nil, 25, false},
		{"E26 chat history", "/zhugeleida/qiyeweixin/chat",
			url.Values{"customer_id": {strconv.FormatInt(bigCustomer, 10)}}, 25, false},
		{"E34 address book", "/zhugeleida/qiyeweixin/tongxunlu", nil, 15, false},
		{"E31 timeline", "/zhugeleida/qiyeweixin/action/time", nil, 20, false},
		{"E32 per customer", "/zhugeleida/qiyeweixin/action/customer", nil, 20, false},
		{"E33 per action", "/zhugeleida/qiyeweixin/action/count", nil, 20, false},
		{"E47 new events", "/zhugeleida/qiyeweixin/action/get_new_log", nil, 20, true},
	}
	signed := func(e endpoint) string {
		q := lt.Sign(rep, time.Now())
		for k, vs := range e.query {
			q[k] = vs
		}
		return s.URL + e.path + "?" + q.Encode()
	}

	type row struct {
		name   string
		res    wrkResult
		target float64
	}
	var rows []row
	var fed int64 // new events inserted while E47 was loaded
	run := func(name, target string) wrkResult {
		b.Helper()
		checkEnvelope(b, name, target) // a broken endpoint cannot produce fast numbers
		cpu0 := cpuNow(s.PID())
		stopProfile := profileServe(b, s.PID(), name)
		res, out, err := runWrk(wrk, target)
		stopProfile()
		res.cpu = cpuNow(s.PID()).since(cpu0, res.requests)
		if err != nil {
			b.Fatalf("%s: wrk: %v\n%s", name, err, out)
		}
		if res.non2xx > 0 || res.socketErrors > 0 {
			b.Errorf("%s: %d non-2xx responses, %d socket errors\n%s", name, res.non2xx, res.socketErrors, out)
		}
		checkEnvelope(b, name, target) // still fine after the load
		b.ReportMetric(res.rps, metricName(name)+"_req/s")
		b.Logf("%s: %.0f req/s, p50 %s, p99 %s (%d requests)", name, res.rps, res.p50, res.p99, res.requests)
		return res
	}

	b.ResetTimer()
	rows = append(rows, row{"bare (start)", run("bare1", bareTarget), 0})
	for _, e := range endpoints {
		if !selected(e.name) {
			continue
		}
		var stopFeed func() (int64, error)
		if e.feed {
			stopFeed = feedEvents(s, company, rep.ID, first, customers, feedInterval)
		}
		res := run(e.name, signed(e))
		if stopFeed != nil {
			n, err := stopFeed()
			fed = n
			if err != nil {
				b.Errorf("%s: inserting new events: %v", e.name, err)
			}
			b.Logf("%s: %d new events inserted during the run (%.0f/s)", e.name, n, float64(n)/wrkDuration.Seconds())
		}
		rows = append(rows, row{e.name, res, e.target})
	}
	rows = append(rows, row{"bare (end)", run("bare2", bareTarget), 0})
	b.StopTimer()

	// ---- the report
	bare := (rows[0].res.rps + rows[len(rows)-1].res.rps) / 2
	var sb strings.Builder
	fmt.Fprintf(&sb, "\nBenchmarkHTTP: wrk -t%d -c%d -d%s --latency, one rep with %d customers, %d access logs, %d chat messages\n\n",
		wrkThreads, wrkConns, wrkDuration, customers, logs, chats)
	sb.WriteString("| endpoint | req/s | p50 | p99 | % of bare | target | CPU µs/req: service, PostgreSQL |\n")
	sb.WriteString("| --- | ---: | ---: | ---: | ---: | --- | ---: |\n")
	for _, r := range rows {
		pct := 100 * r.res.rps / bare
		target := ""
		if r.target > 0 {
			mark := "✗"
			if pct >= r.target {
				mark = "✓"
			}
			target = fmt.Sprintf("≥ %.0f%% %s", r.target, mark)
		}
		fmt.Fprintf(&sb, "| %s | %.0f | %s | %s | %.1f%% | %s | %s |\n", r.name, r.res.rps, fmtDur(r.res.p50), fmtDur(r.res.p99), pct, target, r.res.cpu)
	}
	fmt.Fprintf(&sb, "\nbare reference: %.0f req/s (mean of start %.0f and end %.0f)\n", bare, rows[0].res.rps, rows[len(rows)-1].res.rps)
	fmt.Fprintf(&sb, "E47 feed: %d new unread events inserted during its run (%.0f/s)\n", fed, float64(fed)/wrkDuration.Seconds())
	rss, rssErr := rssKB(s.PID())
	if rssErr != nil {
		fmt.Fprintf(&sb, "leida serve RSS: unknown (%v)\n", rssErr)
	} else {
		mark := "✓ under 100 MB"
		if rss >= 100*1024 {
			mark = "✗ not under 100 MB"
		}
		fmt.Fprintf(&sb, "leida serve RSS after the runs: %.1f MB %s\n", float64(rss)/1024, mark)
		b.ReportMetric(float64(rss)/1024, "serve_rss_MB")
	}
	var pgVersion string
	if err := s.DB.QueryRow(`SHOW server_version`).Scan(&pgVersion); err != nil {
		pgVersion = "unknown (" + err.Error() + ")"
	}
	fmt.Fprintf(&sb, "Go %s, PostgreSQL %s, %s, %d CPUs\n", runtime.Version(), pgVersion, wrkVersion(wrk), runtime.NumCPU())
	fmt.Fprintf(&sb, "code: %s\n", codeVersion())
	fmt.Fprintf(&sb, "uptime before: %s\n", uptimeBefore)
	fmt.Fprintf(&sb, "uptime after:  %s\n", uptime())
	fmt.Fprintf(&sb, "data load %s, whole run %s\n", loadTook.Round(time.Millisecond), time.Since(runStart).Round(time.Second))
	b.Log(sb.String())
	fmt.Println(sb.String())
}

// The remark of each action (1–12) as the service writes it.
var benchRemarks = []string{"查看你的名片第2次,把握深度交流的机会", "正在查看你发布的产品,尽快把握商机", "查看了公司的动态",
	"查看了您的官网", "复制了您的微信号", "转发了你的名片,你的人脉圈正在裂变", "咨询了您的产品", "保存了您的电话,可以考虑拜访",
	"觉得您非常靠谱", "拨打您的手机", "播放了您的语音介绍", "复制了您的邮箱"}

var benchMessages = []string{"您好,请问这款产品的价格是多少?", "好的,我稍后把资料发给您。", "可以安排下周三上门演示吗?",
	"收到,谢谢!", "合同我们这边已经在走流程了,预计月底能签。", "[图片]"}

const (
	wrkThreads  = 2
	wrkConns    = 16
	wrkDuration = 15 * time.Second
)

// ensureWrk returns the path of wrk, installing it with apt-get (as root, or
// through sudo -n) when it is missing; it skips the benchmark when it cannot.
func ensureWrk(b *testing.B) string {
	b.Helper()
	if p, err := exec.LookPath("wrk"); err == nil {
		return p
	}
	const script = "apt-get update && apt-get install -y wrk"
	var cmd *exec.Cmd
	if os.Geteuid() == 0 {
		cmd = exec.Command("sh", "-c", script)
	} else {
		cmd = exec.Command("sudo", "-n", "sh", "-c", script)
	}
	cmd.Env = append(os.Environ(), "DEBIAN_FRONTEND=noninteractive")
	b.Logf("wrk is not on PATH; installing it: %s", strings.Join(cmd.Args, " "))
	t0 := time.Now()
	out, err := cmd.CombinedOutput()
	if err != nil {
		b.Skipf("wrk is not installed and `%s` failed (%v); install wrk to run this benchmark:\n%s",
			strings.Join(cmd.Args, " "), err, tail(string(out), 2000))
	}
	p, err := exec.LookPath("wrk")
	if err != nil {
		b.Skipf("wrk is still not on PATH after installing it: %v\n%s", err, tail(string(out), 2000))
	}
	b.Logf("installed wrk (%s) in %s", p, time.Since(t0).Round(time.Second))
	return p
}

func wrkVersion(wrk string) string {
	out, _ := exec.Command(wrk, "-v").CombinedOutput() // exits 1 after printing the version
	line, _, _ := strings.Cut(strings.TrimSpace(string(out)), "\n")
	if f := strings.Fields(line); len(f) >= 2 {
		return f[0] + " " + f[1]
	}
	return "wrk"
}

// startBare serves the reference handler on a free loopback port: one
// indexed query through a pgx pool and a small JSON envelope.
func startBare(b *testing.B, dbURL string) (string, func()) {
	b.Helper()
	cfg, err := pgxpool.ParseConfig(dbURL)
	if err != nil {
		b.Fatal(err)
	}
	cfg.MaxConns = 20
	pool, err := pgxpool.NewWithConfig(context.Background(), cfg)
	if err != nil {
		b.Fatal(err)
	}
	type user struct {
		ID        int64     `json:"id"`
		Username  string    `json:"username"`
		CreatedAt time.Time `json:"created_at"`
	}
	type envelope struct {
		Code int    `json:"code"`
		Msg  string `json:"msg"`
		Data any    `json:"data"`
	}
	e := echo.New()
	e.HideBanner, e.HidePort = true, true
	e.GET("/bare", func(c echo.Context) error {
		id, err := strconv.ParseInt(c.QueryParam("id"), 10, 64)
		if err != nil {
			return c.JSON(http.StatusOK, envelope{301, "bad id", struct{}{}})
		}
		var u user
		err = pool.QueryRow(c.Request().Context(), `SELECT id, username, created_at FROM users WHERE id = $1`, id).
			Scan(&u.ID, &u.Username, &u.CreatedAt)
		if err != nil {
			return c.JSON(http.StatusInternalServerError, envelope{500, err.Error(), struct{}{}})
		}
		return c.JSON(http.StatusOK, envelope{200, "ok", u})
	})
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		pool.Close()
		b.Fatal(err)
	}
	srv := &http.Server{Handler: e, ReadHeaderTimeout: 10 * time.Second}
	go func() { _ = srv.Serve(ln) }()
	return "http://" + ln.Addr().String(), func() {
		ctx, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(ctx)
		pool.Close()
	}
}

var checkClient = &http.Client{Timeout: 30 * time.Second}

// checkEnvelope GETs target once and fails unless it answers HTTP 200 with
// envelope code 200.
func checkEnvelope(b *testing.B, name, target string) {
	b.Helper()
	resp, err := checkClient.Get(target)
	if err != nil {
		b.Fatalf("%s: %v", name, err)
	}
	defer resp.Body.Close()
	body, err := io.ReadAll(resp.Body)
	if err != nil {
		b.Fatalf("%s: reading the answer: %v", name, err)
	}
	var env struct {
		Code int `json:"code"`
	}
	if err := json.Unmarshal(body, &env); err != nil || resp.StatusCode != http.StatusOK || env.Code != 200 {
		b.Fatalf("%s: want HTTP 200 with code 200, got HTTP %d: %s", name, resp.StatusCode, tail(string(body), 500))
	}
}

// feedEvents inserts one unread access log per interval on average for the rep
// (single-row INSERTs, triggers enabled) until the returned stop is called;
// stop returns how many it inserted and the first error.
func feedEvents(s *lt.Server, company, user, first int64, customers int, interval time.Duration) func() (int64, error) {
	ctx, cancel := context.WithCancel(context.Background())
	var (
		n       atomic.Int64
		wg      sync.WaitGroup
		firstEr error
	)
	wg.Add(1)
	go func() {
		defer wg.Done()
		start := time.Now()
		tick := time.NewTicker(interval)
		defer tick.Stop()
		for {
			select {
			case <-ctx.Done():
				return
			case <-tick.C:
			}
			// Catch up when an insert took longer than the interval (the
			// machine is saturated by the load), to keep the rate.
			for due := int64(time.Since(start) / interval); n.Load() < due && ctx.Err() == nil; {
				a := 1 + rand.IntN(12)
				_, err := s.DB.ExecContext(ctx, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark)
					VALUES ($1, $2, $3, $4, $5)`, company, user, first+int64(rand.IntN(customers)), a, benchRemarks[a-1])
				if err != nil {
					if ctx.Err() == nil && firstEr == nil {
						firstEr = err
					}
					break
				}
				n.Add(1)
			}
		}
	}()
	return func() (int64, error) {
		cancel()
		wg.Wait()
		return n.Load(), firstEr
	}
}

// wrkResult is what wrk --latency reports, with the CPU spent meanwhile.
type wrkResult struct {
	rps          float64
	p50, p99     time.Duration
	requests     int64
	non2xx       int64
	socketErrors int64
	cpu          cpuPerRequest
}

// profileServe records a CPU profile of leida serve with perf (call graph)
// while a run lasts, into $BENCH_HTTP_PERF/<name>.perf, when that variable
// names a directory; `perf report -i` reads it.
func profileServe(b *testing.B, pid int, name string) (stop func()) {
	dir := os.Getenv("BENCH_HTTP_PERF")
	if dir == "" || strings.HasPrefix(name, "bare") {
		return func() {}
	}
	cmd := exec.Command("perf", "record", "-F", "997", "-g", "-p", strconv.Itoa(pid),
		"-o", dir+"/"+metricName(name)+".perf")
	if err := cmd.Start(); err != nil {
		b.Logf("perf: %v", err)
		return func() {}
	}
	return func() {
		_ = cmd.Process.Signal(os.Interrupt)
		_ = cmd.Wait()
	}
}

func dbName(b *testing.B, s *lt.Server) string {
	var name string
	s.Scalar(b, &name, `SELECT current_database()`)
	return name
}

// selected reports whether BENCH_HTTP_ONLY (comma-separated name prefixes,
// e.g. "E01,E34"; empty: all) names the endpoint.
func selected(name string) bool {
	only := os.Getenv("BENCH_HTTP_ONLY")
	if only == "" {
		return true
	}
	for _, p := range strings.Split(only, ",") {
		if p = strings.TrimSpace(p); p != "" && strings.HasPrefix(name, p) {
			return true
		}
	}
	return false
}

// cpuSample is the CPU time (clock ticks) used so far by leida serve, by
// this benchmark process (which serves the bare reference) and by every
// PostgreSQL process.
type cpuSample struct{ leida, bench, postgres int64 }

// cpuPerRequest is where a run's CPU went, per request: the service (leida
// serve, or the benchmark process for the bare reference) and PostgreSQL.
type cpuPerRequest struct{ service, postgres float64 }

func (c cpuPerRequest) String() string {
	if c == (cpuPerRequest{}) {
		return ""
	}
	return fmt.Sprintf("%.0f, %.0f", c.service, c.postgres)
}

func (s cpuSample) since(before cpuSample, requests int64) cpuPerRequest {
	if requests == 0 {
		return cpuPerRequest{}
	}
	const tickµs = 1e6 / 100 // USER_HZ
	service := s.leida - before.leida
	if b := s.bench - before.bench; b > service {
		service = b // the bare reference, served by this process
	}
	return cpuPerRequest{service: float64(service) * tickµs / float64(requests),
		postgres: float64(s.postgres-before.postgres) * tickµs / float64(requests)}
}

func cpuNow(leidaPID int) cpuSample {
	out := cpuSample{leida: procTicks(leidaPID), bench: procTicks(os.Getpid())}
	dirs, _ := os.ReadDir("/proc")
	for _, d := range dirs {
		pid, err := strconv.Atoi(d.Name())
		if err != nil {
			continue
		}
		if comm, _ := os.ReadFile(fmt.Sprintf("/proc/%d/comm", pid)); strings.TrimSpace(string(comm)) == "postgres" {
			out.postgres += procTicks(pid)
		}
	}
	return out
}

// procTicks is utime + stime of the process (fields 14 and 15 of /proc/pid/stat).
func procTicks(pid int) int64 {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/stat", pid))
	if err != nil {
		return 0
	}
	_, rest, ok := strings.Cut(string(raw), ") ") // the command may contain spaces
	if !ok {
		return 0
	}
	f := strings.Fields(rest)
	if len(f) < 13 {
		return 0
	}
	u, _ := strconv.ParseInt(f[11], 10, 64)
	st, _ := strconv.ParseInt(f[12], 10, 64)
	return u + st
}

var (
	reRPS      = regexp.MustCompile(`(?m)^Requests/sec:\s+([\d.]+)`)
	reP50      = regexp.MustCompile(`(?m)^\s+50%\s+([\d.]+)(us|ms|s|m|h)\s*$`)
	reP99      = regexp.MustCompile(`(?m)^\s+99%\s+([\d.]+)(us|ms|s|m|h)\s*$`)
	reRequests = regexp.MustCompile(`(?m)^\s+(\d+) requests in `)
	reNon2xx   = regexp.MustCompile(`(?m)^\s+Non-2xx or 3xx responses:\s+(\d+)`)
	reSocket   = regexp.MustCompile(`(?m)^\s+Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)`)
)

// runWrk loads target with the fixed wrk settings and parses the report.
func runWrk(wrk, target string) (wrkResult, string, error) {
	ctx, cancel := context.WithTimeout(context.Background(), wrkDuration+time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, wrk, "-t"+strconv.Itoa(wrkThreads), "-c"+strconv.Itoa(wrkConns),
		"-d"+strconv.Itoa(int(wrkDuration.Seconds()))+"s", "--latency", target)
	raw, err := cmd.CombinedOutput()
	out := string(raw)
	if err != nil {
		return wrkResult{}, out, err
	}
	res, err := parseWrk(out)
	return res, out, err
}

func parseWrk(out string) (wrkResult, error) {
	var r wrkResult
	m := reRPS.FindStringSubmatch(out)
	if m == nil {
		return r, errors.New("no Requests/sec line")
	}
	r.rps, _ = strconv.ParseFloat(m[1], 64)
	var err error
	if r.p50, err = wrkLatency(reP50, out); err != nil {
		return r, fmt.Errorf("50%%: %w", err)
	}
	if r.p99, err = wrkLatency(reP99, out); err != nil {
		return r, fmt.Errorf("99%%: %w", err)
	}
	if m := reRequests.FindStringSubmatch(out); m != nil {
		r.requests, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reNon2xx.FindStringSubmatch(out); m != nil {
		r.non2xx, _ = strconv.ParseInt(m[1], 10, 64)
	}
	if m := reSocket.FindStringSubmatch(out); m != nil {
		for _, v := range m[1:] {
			n, _ := strconv.ParseInt(v, 10, 64)
			r.socketErrors += n
		}
	}
	return r, nil
}

func wrkLatency(re *regexp.Regexp, out string) (time.Duration, error) {
	m := re.FindStringSubmatch(out)
	if m == nil {
		return 0, errors.New("no latency line")
	}
	v, err := strconv.ParseFloat(m[1], 64)
	if err != nil {
		return 0, err
	}
	unit := map[string]time.Duration{"us": time.Microsecond, "ms": time.Millisecond, "s": time.Second,
		"m": time.Minute, "h": time.Hour}[m[2]]
	return time.Duration(v * float64(unit)), nil
}

func fmtDur(d time.Duration) string {
	switch {
	case d < time.Millisecond:
		return fmt.Sprintf("%dµs", d.Microseconds())
	case d < time.Second:
		return fmt.Sprintf("%.2fms", float64(d.Microseconds())/1000)
	default:
		return fmt.Sprintf("%.2fs", d.Seconds())
	}
}

// metricName is name without spaces or parentheses (b.ReportMetric units).
func metricName(name string) string {
	name, _, _ = strings.Cut(name, " ")
	return name
}

func rssKB(pid int) (int64, error) {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return 0, err
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "VmRSS:"); ok {
			f := strings.Fields(v)
			if len(f) == 0 {
				break
			}
			return strconv.ParseInt(f[0], 10, 64)
		}
	}
	return 0, errors.New("no VmRSS in /proc/status")
}

// codeVersion names the commit measured, and whether the tree had changes.
func codeVersion() string {
	out, err := exec.Command("git", "describe", "--always", "--dirty").Output()
	if err != nil {
		return "unknown (not a git checkout?)"
	}
	v := strings.TrimSpace(string(out))
	if strings.HasSuffix(v, "-dirty") {
		v += " (uncommitted changes in the working tree)"
	}
	return v
}

// procState is the State line of /proc/<pid>/status ("Z (zombie)" once
// the process has exited).
func procState(pid int) string {
	raw, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", pid))
	if err != nil {
		return "gone"
	}
	for _, line := range strings.Split(string(raw), "\n") {
		if v, ok := strings.CutPrefix(line, "State:"); ok {
			return "state " + strings.TrimSpace(v)
		}
	}
	return "state unknown"
}

func uptime() string {
	if out, err := exec.Command("uptime").Output(); err == nil {
		return strings.TrimSpace(string(out))
	}
	if raw, err := os.ReadFile("/proc/loadavg"); err == nil {
		return "load average (/proc/loadavg): " + strings.TrimSpace(string(raw))
	}
	return "unknown"
}

func tail(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return "…" + s[len(s)-n:]
}
