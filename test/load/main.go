// Command load is the chat and push load script (issue 5). It is not part
// of `make test`. Run it with
//
//	go run ./test/load                      # 200 conversations, 30 s
//	go run ./test/load -conversations 50 -duration 10s
//
// Or, from the repository root, `make load` once the Makefile has that target.
//
// It builds `leida`, starts TWO `leida serve` instances on ONE throw-away
// database (loopback only), and for the given duration runs the given number
// of concurrent conversations: in each, a customer writes through one
// instance and the rep answers through the other, one message per -interval
// (1s) per conversation. Every
// participant keeps an SSE stream open on the instance it does not write to
// and polls getmsg; at the end the script reports messages sent, delivered
// by poll, delivered by push, lost (missing from either channel; must be 0)
// and the delivery latencies. It exits non-zero when anything was lost or
// delivered twice by poll.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"slices"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

type options struct {
	conversations int
	duration      time.Duration
	interval      time.Duration // between two messages of one conversation
	pollEvery     time.Duration
	drain         time.Duration
}

func main() {
	var o options
	flag.IntVar(&o.conversations, "conversations", 200, "concurrent conversations (at most 1000)")
	flag.DurationVar(&o.duration, "duration", 30*time.Second, "how long messages are sent (at most 5m)")
	flag.DurationVar(&o.interval, "interval", time.Second, "pause between two messages of a conversation (at least 50ms)")
	flag.DurationVar(&o.pollEvery, "poll", time.Second, "getmsg polling interval per participant (at least 100ms)")
	flag.DurationVar(&o.drain, "drain", 5*time.Second, "how long to wait for deliveries after the last send")
	flag.Parse()
	// Bounded: the script must not turn into a stress tool by accident.
	if o.conversations < 1 || o.conversations > 1000 || o.duration <= 0 || o.duration > 5*time.Minute ||
		o.interval < 50*time.Millisecond || o.pollEvery < 100*time.Millisecond {
		fmt.Fprintln(os.Stderr, "load: options out of bounds")
		os.Exit(2)
	}
	if err := run(o); err != nil {
		fmt.Fprintln(os.Stderr, "load:", err)
		os.Exit(1)
	}
}

// tb adapts the fixtures (which take a testing.TB) to a program.
type tb struct{ testing.TB }

func (tb) Helper()                      {}
func (tb) Fatal(args ...any)            { panic(fmt.Sprint(args...)) }
func (tb) Fatalf(f string, args ...any) { panic(fmt.Sprintf(f, args...)) }
func (tb) Errorf(f string, args ...any) { fmt.Fprintf(os.Stderr, f+"\n", args...) }
func (tb) Logf(f string, args ...any)   { fmt.Printf(f+"\n", args...) }
func (tb) Cleanup(func())               {}
func (tb) Name() string                 { return "load" }

type participant struct {
	p        lt.Principal
	stream   string // path of its SSE stream
	poll     string // path of getmsg
	pollArgs url.Values
	writeVia *lt.Server // instance it writes through
	readVia  *lt.Server // instance its stream is on
}

// tracker records deliveries per message key ("c<conv>-<n>" + direction).
type tracker struct {
	mu         sync.Mutex
	sent       map[string]time.Time
	push       map[string]time.Duration
	poll       map[string]time.Duration
	pollDup    int
	pushDup    int
	sendErrors atomic.Int64
	pollErrors atomic.Int64
}

func (k *tracker) delivered(key string, byPush bool, at time.Time) {
	k.mu.Lock()
	defer k.mu.Unlock()
	sent, ok := k.sent[key]
	if !ok {
		return // not ours (cannot happen) or not yet recorded: see send
	}
	m, dup := k.poll, &k.pollDup
	if byPush {
		m, dup = k.push, &k.pushDup
	}
	if _, seen := m[key]; seen {
		*dup++
		return
	}
	m[key] = at.Sub(sent)
}

func run(o options) error {
	fmt.Printf("starting two leida instances on one database ...\n")
	a, err := lt.Start(lt.Options{Prefix: "load"})
	if err != nil {
		return err
	}
	defer a.Stop()
	b, err := lt.Start(lt.Options{DBURL: a.DBURL})
	if err != nil {
		return err
	}
	defer b.Stop()
	for _, s := range []*lt.Server{a, b} {
		if !strings.HasPrefix(s.URL, "http://127.0.0.1:") {
			return fmt.Errorf("not loopback: %s", s.URL)
		}
	}

	t := tb{}
	company := a.NewCompany(t, "压测公司")
	type conv struct{ rep, cust participant }
	convs := make([]conv, o.conversations)
	for i := range convs {
		rep := a.NewUser(t, company, lt.Member, fmt.Sprintf("rep%d", i))
		cust := a.NewCustomer(t, fmt.Sprintf("cust%d", i))
		a.Exec(t, `INSERT INTO customer_belongers (company_id, user_id, customer_id) VALUES ($1, $2, $3)`, company, rep.ID, cust.ID)
		convs[i] = conv{
			rep: participant{p: rep, stream: "/zhugeleida/qiyeweixin/stream", poll: "/zhugeleida/qiyeweixin/chat/getmsg/0",
				pollArgs: url.Values{"customer_id": {strconv.FormatInt(cust.ID, 10)}}, writeVia: b, readVia: a},
			cust: participant{p: cust, stream: "/zhugeleida/xiaochengxu/stream", poll: "/zhugeleida/xiaochengxu/chat/getmsg/0",
				pollArgs: url.Values{"uid": {strconv.FormatInt(rep.ID, 10)}}, writeVia: a, readVia: b},
		}
	}

	http.DefaultTransport.(*http.Transport).MaxIdleConnsPerHost = 4 * o.conversations
	client := &http.Client{Timeout: 30 * time.Second}
	k := &tracker{sent: map[string]time.Time{}, push: map[string]time.Duration{}, poll: map[string]time.Duration{}}

	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	var readers sync.WaitGroup
	streamsUp := make(chan error, 2*o.conversations)
	for _, c := range convs {
		for _, p := range []participant{c.rep, c.cust} {
			readers.Add(1)
			go func() {
				defer readers.Done()
				stream(ctx, p, k, streamsUp)
			}()
		}
	}
	for range 2 * o.conversations {
		if err := <-streamsUp; err != nil {
			return fmt.Errorf("opening streams: %w", err)
		}
	}
	fmt.Printf("%d conversations, %d SSE streams open; sending for %v (one message per %v per conversation) ...\n",
		o.conversations, 2*o.conversations, o.duration, o.interval)

	pollCtx, stopPolls := context.WithCancel(context.Background())
	var pollers sync.WaitGroup
	for _, c := range convs {
		for _, p := range []participant{c.rep, c.cust} {
			pollers.Add(1)
			go func() {
				defer pollers.Done()
				poller(pollCtx, client, p, o.pollEvery, k)
			}()
		}
	}

	deadline := time.Now().Add(o.duration)
	var senders sync.WaitGroup
	for i, c := range convs {
		senders.Add(1)
		go func() {
			defer senders.Done()
			time.Sleep(time.Duration(i) * o.interval / time.Duration(len(convs))) // spread the starts
			for n := 0; time.Now().Before(deadline); n++ {
				from, to := c.cust, c.rep
				if n%2 == 1 {
					from, to = c.rep, c.cust
				}
				key := fmt.Sprintf("c%d-%d", i, n)
				send(client, from, to, key, k)
				time.Sleep(o.interval)
			}
		}()
	}
	senders.Wait()
	fmt.Printf("sending done; draining for %v ...\n", o.drain)
	time.Sleep(o.drain)
	stopPolls()
	pollers.Wait()
	// Final poll round: whatever is still unread.
	for _, c := range convs {
		for _, p := range []participant{c.rep, c.cust} {
			pollOnce(context.Background(), client, p, k)
		}
	}
	cancel()
	readers.Wait()
	return report(k)
}

// send writes one message; the key travels in the text.
func send(client *http.Client, from, to participant, key string, k *tracker) {
	form := url.Values{"msg": {key}}
	path := "/zhugeleida/xiaochengxu/chat/send_msg/0"
	if !from.p.Customer {
		path = "/zhugeleida/qiyeweixin/chat/send_msg/0"
		form.Set("user_id", strconv.FormatInt(from.p.ID, 10))
		form.Set("customer_id", strconv.FormatInt(to.p.ID, 10))
		form.Set("send_type", "1")
	} else {
		form.Set("uid", strconv.FormatInt(to.p.ID, 10))
	}
	q := lt.Sign(from.p, time.Now())
	k.mu.Lock()
	k.sent[key] = time.Now()
	k.mu.Unlock()
	resp, err := client.PostForm(from.writeVia.URL+path+"?"+q.Encode(), form)
	if err == nil {
		var env struct{ Code int }
		err = json.NewDecoder(resp.Body).Decode(&env)
		resp.Body.Close()
		if err == nil && env.Code != 200 {
			err = fmt.Errorf("code %d", env.Code)
		}
	}
	if err != nil {
		k.sendErrors.Add(1)
		k.mu.Lock()
		delete(k.sent, key) // not sent: not expected either
		k.mu.Unlock()
	}
}

func stream(ctx context.Context, p participant, k *tracker, up chan<- error) {
	req, _ := http.NewRequestWithContext(ctx, "GET", p.readVia.URL+p.stream+"?"+lt.Sign(p.p, time.Now()).Encode(), nil)
	resp, err := http.DefaultClient.Do(req)
	if err != nil || resp.StatusCode != 200 || !strings.HasPrefix(resp.Header.Get("Content-Type"), "text/event-stream") {
		if err == nil {
			err = fmt.Errorf("HTTP %d %s", resp.StatusCode, resp.Header.Get("Content-Type"))
		}
		up <- err
		return
	}
	defer resp.Body.Close()
	r := bufio.NewReader(resp.Body)
	// Wait for the greeting so that the subscription is registered.
	if line, err := r.ReadString('\n'); err != nil || !strings.HasPrefix(line, "retry:") {
		up <- fmt.Errorf("no greeting: %q %v", line, err)
		return
	}
	up <- nil
	for {
		line, err := r.ReadString('\n')
		if err != nil {
			if !errors.Is(err, context.Canceled) && ctx.Err() == nil && err != io.EOF {
				fmt.Fprintln(os.Stderr, "stream:", err)
			}
			return
		}
		if data, ok := strings.CutPrefix(line, "data: "); ok {
			var item struct{ Msg string }
			if json.Unmarshal([]byte(data), &item) == nil {
				k.delivered(item.Msg, true, time.Now())
			}
		}
	}
}

func poller(ctx context.Context, client *http.Client, p participant, every time.Duration, k *tracker) {
	tick := time.NewTicker(every)
	defer tick.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-tick.C:
			pollOnce(ctx, client, p, k)
		}
	}
}

func pollOnce(ctx context.Context, client *http.Client, p participant, k *tracker) {
	q := lt.Sign(p.p, time.Now())
	for key, v := range p.pollArgs {
		q[key] = v
	}
	// Alternate instances: polling works on either.
	via := p.readVia
	if time.Now().UnixNano()%2 == 0 {
		via = p.writeVia
	}
	req, _ := http.NewRequestWithContext(ctx, "GET", via.URL+p.poll+"?"+q.Encode(), nil)
	resp, err := client.Do(req)
	if err != nil {
		if ctx.Err() == nil {
			k.pollErrors.Add(1)
		}
		return
	}
	defer resp.Body.Close()
	var env struct {
		Code int
		Data []struct{ Msg string }
	}
	if err := json.NewDecoder(resp.Body).Decode(&env); err != nil || env.Code != 200 {
		k.pollErrors.Add(1)
		return
	}
	now := time.Now()
	for _, m := range env.Data {
		k.delivered(m.Msg, false, now)
	}
}

func percentile(ds []time.Duration, p float64) time.Duration {
	if len(ds) == 0 {
		return 0
	}
	slices.Sort(ds)
	i := int(float64(len(ds)-1) * p)
	return ds[i]
}

func report(k *tracker) error {
	k.mu.Lock()
	defer k.mu.Unlock()
	var pushLat, pollLat []time.Duration
	lostPush, lostPoll, lost := 0, 0, 0
	for key := range k.sent {
		d, okPush := k.push[key]
		e, okPoll := k.poll[key]
		if okPush {
			pushLat = append(pushLat, d)
		} else {
			lostPush++
		}
		if okPoll {
			pollLat = append(pollLat, e)
		} else {
			lostPoll++
		}
		if !okPush || !okPoll {
			lost++
		}
	}
	fmt.Printf("messages sent:          %d (send errors %d)\n", len(k.sent), k.sendErrors.Load())
	fmt.Printf("delivered by poll:      %d (missing %d, duplicates %d, poll errors %d)\n", len(pollLat), lostPoll, k.pollDup, k.pollErrors.Load())
	fmt.Printf("delivered by push:      %d (missing %d, duplicates %d)\n", len(pushLat), lostPush, k.pushDup)
	fmt.Printf("lost:                   %d\n", lost)
	fmt.Printf("push latency p50/p99/max: %v / %v / %v\n", percentile(pushLat, 0.5), percentile(pushLat, 0.99), percentile(pushLat, 1))
	fmt.Printf("poll latency p50/p99/max: %v / %v / %v (bounded by the poll interval)\n", percentile(pollLat, 0.5), percentile(pollLat, 0.99), percentile(pollLat, 1))
	if lost > 0 || k.pollDup > 0 || k.sendErrors.Load() > 0 {
		return fmt.Errorf("lost %d, poll duplicates %d, send errors %d", lost, k.pollDup, k.sendErrors.Load())
	}
	return nil
}
