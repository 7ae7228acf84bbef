package test

import (
	"bytes"
	"context"
	"fmt"
	"net/url"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// The exact answer of a request the database cannot serve (D3).
const dbUnavailable = `{"code":503,"msg":"服务暂不可用","data":{}}`

// faultTimeout is the fault servers' REQUEST_TIMEOUT (statement_timeout
// defaults to a tenth less).
const faultTimeout = 1500 * time.Millisecond

// verdict is what one request got: ok (code 200), an exact 503 of the
// database, or anything else (a problem, described).
func verdict(r *lt.Resp, err error) (ok, outage bool, problem string) {
	switch {
	case err != nil:
		return false, false, "transport: " + err.Error()
	case r.Status == 200 && r.Code == 200:
		return true, false, ""
	case r.Status == 503 && string(bytes.TrimRight(r.Raw, "\n")) == dbUnavailable:
		return false, true, ""
	}
	return false, false, fmt.Sprintf("HTTP %d %s", r.Status, r.Raw)
}

// want503 asserts the exact 503 envelope of the database.
func want503(t *testing.T, what string, r *lt.Resp, err error) {
	t.Helper()
	if _, outage, problem := verdict(r, err); !outage {
		t.Fatalf("%s: want HTTP 503 %s, got %s", what, dbUnavailable, problem)
	}
}

// noInternalErrors: dependency failures are warnings, never internal errors.
func noInternalErrors(t *testing.T, name string, s *lt.Server) {
	t.Helper()
	for _, line := range strings.Split(s.Logs(), "\n") {
		if strings.Contains(line, `"msg":"internal error"`) {
			t.Errorf("%s logged an internal error: %s", name, line)
		}
	}
}

// faultWorld is a rep with a customer on the fault cluster.
type faultWorld struct {
	s         *lt.Server
	rep, cust lt.Principal
	company   int64
}

func (w faultWorld) read() (*lt.Resp, error) {
	return w.s.Send(lt.Request{Path: "/zhugeleida/qiyeweixin/user", As: &w.s.Admin})
}

func (w faultWorld) write(msg string) (*lt.Resp, error) {
	return w.s.Send(lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/chat/send_msg/0", As: &w.rep,
		Form: url.Values{"user_id": {strconv.FormatInt(w.rep.ID, 10)}, "customer_id": {strconv.FormatInt(w.cust.ID, 10)},
			"msg": {msg}, "send_type": {"1"}}})
}

// traffic sends reads and writes in a loop and tallies what they got.
type traffic struct {
	mu             sync.Mutex
	acked          []string // writes answered 200
	reads, writes  [3]int   // ok, 503, other
	problems       []string
	firstOKRead    time.Time // first 200 after mark
	firstOKWrite   time.Time
	mark           time.Time
	stop           chan struct{}
	wg             sync.WaitGroup
	sentSinceStart int
}

func (tr *traffic) note(counts *[3]int, first *time.Time, kind string, r *lt.Resp, err error) bool {
	ok, outage, problem := verdict(r, err)
	tr.mu.Lock()
	defer tr.mu.Unlock()
	tr.sentSinceStart++
	switch {
	case ok:
		counts[0]++
		if !tr.mark.IsZero() && first.IsZero() {
			*first = time.Now()
		}
	case outage:
		counts[1]++
	default:
		counts[2]++
		tr.problems = append(tr.problems, kind+": "+problem)
	}
	return ok
}

func startTraffic(w faultWorld) *traffic {
	tr := &traffic{stop: make(chan struct{})}
	tr.wg.Add(2)
	go func() {
		defer tr.wg.Done()
		for i := 0; ; i++ {
			select {
			case <-tr.stop:
				return
			default:
			}
			msg := fmt.Sprintf("fault-write-%d", i)
			r, err := w.write(msg)
			if tr.note(&tr.writes, &tr.firstOKWrite, "write", r, err) {
				tr.mu.Lock()
				tr.acked = append(tr.acked, msg)
				tr.mu.Unlock()
			}
			time.Sleep(10 * time.Millisecond)
		}
	}()
	go func() {
		defer tr.wg.Done()
		for {
			select {
			case <-tr.stop:
				return
			default:
			}
			r, err := w.read()
			tr.note(&tr.reads, &tr.firstOKRead, "read", r, err)
			time.Sleep(10 * time.Millisecond)
		}
	}()
	return tr
}

// markReturn starts timing the first 200s (the database is back).
func (tr *traffic) markReturn() {
	tr.mu.Lock()
	tr.mark = time.Now()
	tr.mu.Unlock()
}

func (tr *traffic) recovered() bool {
	tr.mu.Lock()
	defer tr.mu.Unlock()
	return !tr.firstOKRead.IsZero() && !tr.firstOKWrite.IsZero()
}

func (tr *traffic) end() {
	close(tr.stop)
	tr.wg.Wait()
}

// waitOK polls until probe answers 200 and returns how long that took.
func waitOK(t *testing.T, what string, within time.Duration, probe func() (*lt.Resp, error)) time.Duration {
	t.Helper()
	began := time.Now()
	for {
		r, err := probe()
		ok, outage, problem := verdict(r, err)
		if ok {
			return time.Since(began)
		}
		if !outage {
			t.Fatalf("%s: while recovering got %s", what, problem)
		}
		if time.Since(began) > within {
			t.Fatalf("%s: no 200 within %v", what, within)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func probe(s *lt.Server, path string) func() (*lt.Resp, error) {
	return func() (*lt.Resp, error) { return s.Send(lt.Request{Path: path}) }
}

// TestDatabaseFaults runs `leida serve` against a PostgreSQL cluster of its
// own and takes the database away under it: not there at start-up (issue
// 9.11), shut down under traffic, frozen (9.10), and a backend killed in
// the middle of a statement (9.9). Every failed request answers exactly 503
// 服务暂不可用; the service recovers by itself within 5 s of the database's
// return; every write acknowledged with 200 is in the database afterwards.
func TestDatabaseFaults(t *testing.T) {
	c := newPGCluster(t)
	dbURL := c.url("leida_fault")
	env := map[string]string{"REQUEST_TIMEOUT": faultTimeout.String()}
	servers := map[string]*lt.Server{}
	start := func(name string, opts lt.Options) *lt.Server {
		t.Helper()
		opts.DBURL, opts.Env, opts.NoBootstrap = dbURL, env, true
		s, err := lt.Start(opts)
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		servers[name] = s
		t.Cleanup(s.Stop)
		return s
	}
	defer func() {
		for name, s := range servers {
			noInternalErrors(t, name, s)
		}
		if t.Failed() {
			for name, s := range servers {
				logs := s.Logs()
				if len(logs) > 3000 {
					logs = logs[len(logs)-3000:]
				}
				t.Logf("---- %s log (tail) ----\n%s", name, logs)
			}
		}
	}()
	nobody := lt.Principal{ID: 1, Token: lt.NewToken()}

	// 11: serve starts while the server is down (its database does not even
	// exist): it listens, is alive, answers 503 and is not ready; it creates
	// the database and migrates it once PostgreSQL is there.
	main := start("serve", lt.Options{})
	if r, err := main.Send(lt.Request{Path: "/healthz"}); err != nil || r.Status != 200 {
		t.Fatalf("healthz while the database is down: %v %v", r, err)
	}
	r, err := main.Send(lt.Request{Path: "/readyz"})
	want503(t, "readyz at start-up without a database", r, err)
	r, err = main.Send(lt.Request{Path: "/zhugeleida/qiyeweixin/user", As: &nobody})
	want503(t, "read at start-up without a database", r, err)
	r, err = main.Send(lt.Request{Method: "POST", Path: "/zhugeleida/qiyeweixin/chat/send_msg/0", As: &nobody, Form: url.Values{"msg": {"x"}}})
	want503(t, "write at start-up without a database", r, err)
	time.Sleep(300 * time.Millisecond)
	if !strings.Contains(main.Logs(), "database unavailable: serving 503 until it answers and its migrations are applied; retrying") {
		t.Fatalf("the wait is not logged:\n%s", main.Logs())
	}
	c.start(t)
	migrated := waitOK(t, "readyz after the database appeared", 15*time.Second, probe(main, "/readyz"))
	t.Logf("start-up during the outage: ready %v after PostgreSQL started (database created, migrations applied)", migrated)
	if err := main.Bootstrap(); err != nil {
		t.Fatal(err)
	}
	w := faultWorld{s: main}
	w.company = main.NewCompany(t, lt.Unique("故障公司"))
	w.rep = main.NewUser(t, w.company, lt.Member, lt.Unique("faultrep"))
	w.cust = main.NewCustomer(t, lt.Unique("故障客户"))
	main.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source) VALUES ($1, $2, $3, 1)`,
		w.company, w.rep.ID, w.cust.ID)

	t.Run("ShutdownUnderTraffic", func(t *testing.T) {
		tr := startTraffic(w)
		time.Sleep(400 * time.Millisecond)
		c.stop(t, "fast")
		down := time.Now()
		// 11: instances started during the outage come up and answer 503,
		// with and without migrations to apply.
		migrating := start("serve (started during the outage)", lt.Options{})
		noMigrate := start("serve --no-migrate (started during the outage)", lt.Options{ServeArgs: []string{"--no-migrate"}})
		for name, s := range map[string]*lt.Server{"serve": migrating, "serve --no-migrate": noMigrate} {
			r, err := s.Send(lt.Request{Path: "/readyz"})
			want503(t, name+" readyz during the outage", r, err)
			r, err = s.Send(lt.Request{Path: "/zhugeleida/qiyeweixin/user", As: &main.Admin})
			want503(t, name+" read during the outage", r, err)
			r, err = s.Send(lt.Request{Path: "/healthz"})
			if err != nil || r.Status != 200 {
				t.Fatalf("%s healthz during the outage: %v", name, err)
			}
		}
		r, err := main.Send(lt.Request{Path: "/readyz"})
		want503(t, "readyz during the outage", r, err)
		time.Sleep(time.Second - time.Since(down))
		c.start(t)
		tr.markReturn()
		back := time.Now()
		timings := map[string]time.Duration{}
		timings["serve --no-migrate (started during the outage)"] = waitOK(t, "--no-migrate instance", 5*time.Second, func() (*lt.Resp, error) {
			return noMigrate.Send(lt.Request{Path: "/zhugeleida/qiyeweixin/user", As: &main.Admin})
		})
		timings["serve (started during the outage)"] = waitOK(t, "migrating instance", 5*time.Second, probe(migrating, "/readyz"))
		for !tr.recovered() && time.Since(back) < 5*time.Second {
			time.Sleep(10 * time.Millisecond)
		}
		time.Sleep(300 * time.Millisecond) // some traffic after the return
		tr.end()
		if len(tr.problems) > 0 {
			t.Fatalf("%d answers other than 200 and the exact 503, e.g. %s", len(tr.problems), tr.problems[0])
		}
		if !tr.recovered() {
			t.Fatalf("no 200 within 5 s of the database's return (reads %v, writes %v)", tr.reads, tr.writes)
		}
		if tr.reads[1] == 0 || tr.writes[1] == 0 {
			t.Fatalf("the outage was not seen: reads %v, writes %v (ok, 503, other)", tr.reads, tr.writes)
		}
		read, write := tr.firstOKRead.Sub(back), tr.firstOKWrite.Sub(back)
		if read > 5*time.Second || write > 5*time.Second {
			t.Fatalf("first 200 after %v (read) / %v (write)", read, write)
		}
		// Every acknowledged write is there.
		stored := map[string]bool{}
		for _, m := range main.Strings(t, `SELECT msg FROM chat_messages WHERE user_id = $1 AND customer_id = $2`, w.rep.ID, w.cust.ID) {
			stored[m] = true
		}
		missing := 0
		for _, m := range tr.acked {
			if !stored[m] {
				missing++
				t.Errorf("acknowledged write %q is missing", m)
			}
		}
		t.Logf("outage of %v: reads %d ok / %d 503, writes %d ok / %d 503; first 200 %v (read) and %v (write) after PostgreSQL was back; "+
			"%d acknowledged writes, %d found, %d stored in all; instances started during the outage answered 200 after %v",
			back.Sub(down).Round(time.Millisecond), tr.reads[0], tr.reads[1], tr.writes[0], tr.writes[1],
			read.Round(time.Millisecond), write.Round(time.Millisecond), len(tr.acked), len(tr.acked)-missing, len(stored), timings)
	})

	t.Run("FrozenDatabase", func(t *testing.T) {
		waitOK(t, "before freezing", 5*time.Second, w.read)
		c.freeze()
		frozen := true
		defer func() {
			if frozen {
				c.thaw()
			}
		}()
		type result struct {
			what string
			r    *lt.Resp
			err  error
			took time.Duration
		}
		results := make(chan result, 3)
		for what, call := range map[string]func() (*lt.Resp, error){
			"read":   w.read,
			"write":  func() (*lt.Resp, error) { return w.write("fault-frozen") },
			"readyz": probe(main, "/readyz"),
		} {
			go func() {
				began := time.Now()
				r, err := call()
				results <- result{what, r, err, time.Since(began)}
			}()
		}
		for range 3 {
			res := <-results
			want503(t, res.what+" with the database frozen", res.r, res.err)
			if res.took > faultTimeout+time.Second {
				t.Errorf("%s answered after %v (REQUEST_TIMEOUT %v)", res.what, res.took, faultTimeout)
			}
			t.Logf("frozen database: %s answered 503 after %v", res.what, res.took.Round(time.Millisecond))
		}
		c.thaw()
		frozen = false
		back := waitOK(t, "after thawing", 5*time.Second, w.read)
		// The pool holds no broken connection: every request succeeds.
		for i := range 30 {
			if ok, _, problem := verdict(w.read()); !ok {
				t.Fatalf("request %d after thawing: %s", i, problem)
			}
		}
		t.Logf("frozen database: first 200 %v after thawing; 30 requests in a row 200", back.Round(time.Millisecond))
	})

	t.Run("BackendKilledMidStatement", func(t *testing.T) {
		waitOK(t, "before the kill", 5*time.Second, w.read)
		// Hold a lock the authentication's read waits for, so that a
		// request is in the middle of a statement, then kill its backend.
		ctx := context.Background()
		lock, err := main.DB.BeginTx(ctx, nil)
		if err != nil {
			t.Fatal(err)
		}
		defer lock.Rollback()
		if _, err := lock.Exec(`LOCK TABLE users IN ACCESS EXCLUSIVE MODE`); err != nil {
			t.Fatal(err)
		}
		type result struct {
			r   *lt.Resp
			err error
		}
		done := make(chan result, 1)
		go func() {
			r, err := w.read()
			done <- result{r, err}
		}()
		var pid int
		deadline := time.Now().Add(faultTimeout / 2)
		for pid == 0 && time.Now().Before(deadline) {
			_ = main.DB.QueryRow(`SELECT pid FROM pg_stat_activity WHERE datname = current_database()
				AND wait_event_type = 'Lock' AND pid <> pg_backend_pid() LIMIT 1`).Scan(&pid)
			time.Sleep(5 * time.Millisecond)
		}
		if pid == 0 {
			t.Fatal("no request waiting on the lock")
		}
		logged := len(main.Logs())
		if err := syscall.Kill(pid, syscall.SIGKILL); err != nil {
			t.Fatal(err)
		}
		killed := time.Now()
		res := <-done
		answered := time.Since(killed)
		want503(t, "request whose backend was killed", res.r, res.err)
		if answered > time.Second {
			t.Fatalf("answered %v after the kill", answered)
		}
		// The request's failure is logged, as a dependency failure that
		// says why (the connection ended under the statement).
		var failure string
		for wait := time.Now().Add(2 * time.Second); failure == "" && time.Now().Before(wait); time.Sleep(20 * time.Millisecond) {
			for _, line := range strings.Split(main.Logs()[logged:], "\n") {
				if strings.Contains(line, `"msg":"dependency unavailable"`) {
					failure = line
					break
				}
			}
		}
		if !strings.Contains(failure, "EOF") && !strings.Contains(failure, "connection reset") {
			t.Errorf("the lost connection is not logged as such: %q", failure)
		}
		// PostgreSQL restarts after a backend crash; the service follows.
		c.waitRestarted(t, 10*time.Second)
		back := waitOK(t, "after the crash", 5*time.Second, w.read)
		t.Logf("backend killed mid-statement: 503 %v after the kill; first 200 %v after PostgreSQL restarted",
			answered.Round(time.Millisecond), back.Round(time.Millisecond))
	})
}
