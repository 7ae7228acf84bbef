package test

import (
	"bufio"
	"fmt"
	"io"
	"net/http"
	"os"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

// BenchmarkExport measures the memory of action/export and customer/export
// as the export grows: one rep with 100,000 and then 1,000,000 radar events
// (and 10,000 / 100,000 customers), each export downloaded through HTTP while
// the server's resident memory is sampled every 10 ms. Constant memory means
// the peak above the idle server stays the same at 10 times the rows.
//
// Run it with `make bench-export` (not part of `make test`).
func BenchmarkExport(b *testing.B) {
	s, err := lt.Start(lt.Options{Prefix: "benchexp"})
	if err != nil {
		b.Fatal(err)
	}
	defer s.Stop()
	b.Logf("uptime before: %s", uptime())
	company := s.NewCompany(b, lt.Unique("导出压测"))
	type size struct{ logs, customers int }
	fmt.Printf("%-10s %-14s %12s %12s %14s %14s %12s\n", "export", "rows", "bytes", "seconds", "rows/s", "idle RSS MB", "peak +MB")
	for _, sz := range []size{{100_000, 10_000}, {1_000_000, 100_000}} {
		rep := s.NewUser(b, company, lt.Member, lt.Unique("bench-export-rep"))
		var first int64
		s.Scalar(b, &first, `WITH c AS (
				INSERT INTO customers (openid, user_type, username, token)
				SELECT 'exp-' || $2::bigint || '-' || g, 2, '客户' || g, md5('exp-' || $2::bigint || '-' || g) FROM generate_series(1, $1::int) g
				RETURNING id)
			SELECT min(id) FROM c`, sz.customers, rep.ID)
		s.Exec(b, `INSERT INTO customer_belongers (company_id, user_id, customer_id, source)
			SELECT $1, $2, id, 1 FROM customers WHERE id >= $3 AND id < $3 + $4`, company, rep.ID, first, sz.customers)
		// History, not live events: the triggers of live writes are skipped.
		s.Exec(b, `ALTER TABLE access_logs DISABLE TRIGGER USER`)
		s.Exec(b, `INSERT INTO access_logs (company_id, user_id, customer_id, action, remark, created_at)
			SELECT $1, $2, $3::bigint + g % $4::int, 1 + g % 12, '查看了您的官网', now() - g * interval '1 second'
			FROM generate_series(1, $5::int) g`, company, rep.ID, first, sz.customers, sz.logs)
		s.Exec(b, `ALTER TABLE access_logs ENABLE TRIGGER USER`)
		s.Exec(b, `ANALYZE access_logs, customers, customer_belongers`)
		for _, ex := range []struct {
			name, path string
			rows       int
		}{{"action", "action/export", sz.logs}, {"customer", "customer/export", sz.customers}} {
			idle := settled(b, s.PID())
			peak := idle
			stop := make(chan struct{})
			var wg sync.WaitGroup
			wg.Add(1)
			go func() {
				defer wg.Done()
				for {
					select {
					case <-stop:
						return
					case <-time.After(10 * time.Millisecond):
						if m := rssMB(b, s.PID()); m > peak {
							peak = m
						}
					}
				}
			}()
			start := time.Now()
			res, err := http.Get(s.URL + qyPath + ex.path + "?" + lt.Sign(rep, time.Now()).Encode())
			if err != nil {
				b.Fatal(err)
			}
			lines, bytes := 0, int64(0)
			sc := bufio.NewReader(res.Body)
			for {
				line, err := sc.ReadString('\n')
				bytes += int64(len(line))
				if strings.HasSuffix(line, "\n") {
					lines++
				}
				if err == io.EOF {
					break
				}
				if err != nil {
					b.Fatal(err)
				}
			}
			res.Body.Close()
			took := time.Since(start)
			close(stop)
			wg.Wait()
			if lines != ex.rows+1 {
				b.Fatalf("%s: %d lines for %d rows", ex.name, lines, ex.rows)
			}
			fmt.Printf("%-10s %-14d %12d %12.2f %14.0f %14.1f %12.1f\n", ex.name, ex.rows, bytes, took.Seconds(),
				float64(ex.rows)/took.Seconds(), idle, peak-idle)
		}
	}
	b.Logf("uptime after: %s", uptime())
}

// settled waits (up to a minute) until the server's resident memory holds
// still for 5 s — the background work a bulk load sets off (the AI scoring
// a company's new customers) is over — and returns it.
func settled(b *testing.B, pid int) float64 {
	last := rssMB(b, pid)
	for start, still := time.Now(), time.Now(); time.Since(start) < time.Minute; {
		time.Sleep(500 * time.Millisecond)
		now := rssMB(b, pid)
		if now > last+1 || now < last-1 {
			last, still = now, time.Now()
			continue
		}
		if time.Since(still) >= 5*time.Second {
			break
		}
	}
	return last
}

// rssMB is the process's resident memory (VmRSS), in MB.
func rssMB(b *testing.B, pid int) float64 {
	raw, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		b.Fatal(err)
	}
	for _, l := range strings.Split(string(raw), "\n") {
		if f := strings.Fields(l); len(f) >= 2 && f[0] == "VmRSS:" {
			kb, _ := strconv.ParseFloat(f[1], 64)
			return kb / 1024
		}
	}
	return 0
}
