// Package webhook holds the rules of outbound webhooks: the events an
// endpoint subscribes to, how a delivery is signed, when a failed delivery is
// tried again and when it is given up, when an endpoint that keeps failing is
// disabled, and which addresses a delivery may go to.
package webhook

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"net/netip"
	"net/url"
	"strings"
	"time"

	"leida/domain/chat"
	"leida/domain/customer"
)

// Event is the type of a webhook event, as receivers see it in "type".
type Event string

// The events an endpoint can subscribe to.
const (
	RadarEvent      Event = "radar.event"      // a customer's action on the rep's radar (the E47 item)
	ChatMessage     Event = "chat.message"     // a chat message, either direction (the E28 item)
	CustomerOutcome Event = "customer.outcome" // a customer marked won, lost or open again
	CustomerAIPr    Event = "customer.ai_pr"   // the hot-lead rule fired on a customer's ai_pr (D10)
)

// Events lists every event in the order lists show them.
var Events = []Event{RadarEvent, ChatMessage, CustomerOutcome, CustomerAIPr}

// Valid reports whether e is a known event.
func (e Event) Valid() bool {
	for _, k := range Events {
		if e == k {
			return true
		}
	}
	return false
}

// ErrUnknownEvent is returned for an event name that is not in Events.
var ErrUnknownEvent = errors.New("unknown webhook event")

// ErrNoEvents is returned for an empty subscription.
var ErrNoEvents = errors.New("no webhook event")

// ParseEvents turns subscribed names into events: known names only, at least
// one, each once, in the order of Events (so equal subscriptions compare equal).
func ParseEvents(names []string) ([]Event, error) {
	seen := map[Event]bool{}
	for _, n := range names {
		e := Event(strings.TrimSpace(n))
		if e == "" {
			continue
		}
		if !e.Valid() {
			return nil, ErrUnknownEvent
		}
		seen[e] = true
	}
	if len(seen) == 0 {
		return nil, ErrNoEvents
	}
	out := make([]Event, 0, len(seen))
	for _, e := range Events {
		if seen[e] {
			out = append(out, e)
		}
	}
	return out, nil
}

// SplitEvents reads a subscription as forms send it: names separated by
// commas, or a JSON list of names (the legacy front-ends' list syntax).
func SplitEvents(list string) []string {
	list = strings.TrimSpace(list)
	if strings.HasPrefix(list, "[") {
		var names []string
		if json.Unmarshal([]byte(list), &names) == nil {
			return names
		}
		return []string{list} // not a list of names: refused as an unknown event
	}
	return strings.Split(list, ",")
}

// Subscribes reports whether a subscription includes e.
func Subscribes(events []Event, e Event) bool {
	for _, k := range events {
		if k == e {
			return true
		}
	}
	return false
}

// Headers of a delivery.
const (
	SignatureHeader = "X-Leida-Signature" // "sha256=" + hex HMAC-SHA256 of the body under the endpoint's secret
	TimestampHeader = "X-Leida-Timestamp" // Unix seconds when the attempt was sent
	EventHeader     = "X-Leida-Event"     // the event type
	DeliveryHeader  = "X-Leida-Delivery"  // the event id, the same on every attempt
)

// signaturePrefix names the algorithm in SignatureHeader.
const signaturePrefix = "sha256="

// Sign is the SignatureHeader value of body under secret.
func Sign(secret string, body []byte) string {
	m := hmac.New(sha256.New, []byte(secret))
	m.Write(body)
	return signaturePrefix + hex.EncodeToString(m.Sum(nil))
}

// Verify reports whether header is the signature of body under secret, in
// constant time (what a receiver does).
func Verify(secret string, body []byte, header string) bool {
	return hmac.Equal([]byte(Sign(secret, body)), []byte(header))
}

// secretPrefix makes a secret recognisable where it is pasted.
const secretPrefix = "whsec_"

// NewSecret is a fresh random endpoint secret (256 bits).
func NewSecret() string {
	b := make([]byte, 32)
	_, _ = rand.Read(b) // crypto/rand.Read does not fail (Go 1.24+)
	return secretPrefix + hex.EncodeToString(b)
}

// The delivery schedule.
const (
	// AttemptTimeout is how long one attempt may take, connection included.
	AttemptTimeout = 10 * time.Second
	// FirstRetryDelay is the wait after the first failed attempt; each further
	// failure doubles it, up to MaxRetryDelay.
	FirstRetryDelay = 10 * time.Second
	MaxRetryDelay   = time.Hour
	// RetryWindow is how long after the event a delivery is tried at all.
	RetryWindow = 24 * time.Hour
	// DisableAfter is how long an endpoint may fail every attempt before it
	// is disabled.
	DisableAfter = 24 * time.Hour
)

// RetryDelay is the wait after the n-th consecutive failed attempt (n ≥ 1).
func RetryDelay(failures int) time.Duration {
	if failures < 1 {
		failures = 1
	}
	d := FirstRetryDelay
	for i := 1; i < failures; i++ {
		d *= 2
		if d >= MaxRetryDelay {
			return MaxRetryDelay
		}
	}
	return d
}

// Status is the state of one delivery of an event to one endpoint.
type Status string

// Delivery states.
const (
	Pending   Status = "pending"   // waiting for its next attempt
	Delivered Status = "delivered" // an attempt got a 2xx answer
	Failed    Status = "failed"    // retries exhausted, or its endpoint disabled
)

// Delivery is one event's delivery to one endpoint: its schedule and how
// its last attempt went.
type Delivery struct {
	Status         Status
	Attempts       int       // attempts made
	CreatedAt      time.Time // when the event was committed
	NextAt         time.Time // when the next attempt is due (zero unless Pending)
	LastAttemptAt  time.Time // zero: not attempted yet
	LastStatusCode int       // the HTTP status of the last attempt; 0: no answer came
	LastError      string
	DeliveredAt    time.Time // zero unless Delivered
}

// Attempted records an attempt that ended at now with res: delivered on a
// 2xx; else the delivery waits RetryDelay, or fails for good when the next
// attempt would fall beyond RetryWindow after the event.
func (d Delivery) Attempted(res Result, now time.Time) Delivery {
	d.Attempts++
	d.LastAttemptAt, d.LastStatusCode, d.LastError = now, res.Status, res.Error
	d.NextAt = time.Time{}
	if res.OK {
		d.Status, d.DeliveredAt = Delivered, now
		return d
	}
	if next := now.Add(RetryDelay(d.Attempts)); next.Sub(d.CreatedAt) <= RetryWindow {
		d.Status, d.NextAt = Pending, next
		return d
	}
	d.Status = Failed
	return d
}

// Health is an endpoint's record of failure: since when every attempt to it
// failed (zero while the last attempt succeeded).
type Health struct {
	FailingSince time.Time
}

// After records an attempt's outcome at now.
func (h Health) After(ok bool, now time.Time) Health {
	if ok {
		return Health{}
	}
	if h.FailingSince.IsZero() {
		h.FailingSince = now
	}
	return h
}

// ShouldDisable reports whether the endpoint has failed every attempt for
// DisableAfter.
func (h Health) ShouldDisable(now time.Time) bool {
	return !h.FailingSince.IsZero() && now.Sub(h.FailingSince) >= DisableAfter
}

// URLMaxLen is the longest endpoint URL, in bytes.
const URLMaxLen = 2048

// URL errors.
var (
	ErrURLInvalid = errors.New("the webhook URL must be an absolute http or https URL")
	ErrURLPrivate = errors.New("the webhook URL points to a loopback, private or reserved address")
)

// CheckURL says whether raw may be an endpoint: absolute http(s) with a host,
// at most URLMaxLen bytes, and — unless allowPrivate — not naming localhost
// or a loopback, private or reserved IP. Names are checked again, after
// resolution, for every connection (AllowedAddr), which is what keeps a name
// that resolves to a private address out.
func CheckURL(raw string, allowPrivate bool) (*url.URL, error) {
	if raw == "" || len(raw) > URLMaxLen || strings.TrimSpace(raw) != raw {
		return nil, ErrURLInvalid
	}
	u, err := url.Parse(raw)
	if err != nil || (u.Scheme != "http" && u.Scheme != "https") || u.Hostname() == "" || u.Opaque != "" {
		return nil, ErrURLInvalid
	}
	if allowPrivate {
		return u, nil
	}
	host := strings.ToLower(strings.TrimSuffix(u.Hostname(), "."))
	if host == "localhost" || strings.HasSuffix(host, ".localhost") {
		return nil, ErrURLPrivate
	}
	if ip, err := netip.ParseAddr(host); err == nil && !AllowedAddr(ip, false) {
		return nil, ErrURLPrivate
	}
	return u, nil
}

// reserved are ranges no public receiver lives in, beyond what netip's
// predicates name.
var reserved = []netip.Prefix{
	netip.MustParsePrefix("0.0.0.0/8"),       // "this network"
	netip.MustParsePrefix("100.64.0.0/10"),   // carrier-grade NAT
	netip.MustParsePrefix("192.0.0.0/24"),    // IETF protocol assignments
	netip.MustParsePrefix("192.0.2.0/24"),    // documentation
	netip.MustParsePrefix("198.18.0.0/15"),   // benchmarking
	netip.MustParsePrefix("198.51.100.0/24"), // documentation
	netip.MustParsePrefix("203.0.113.0/24"),  // documentation
	netip.MustParsePrefix("240.0.0.0/4"),     // reserved, and broadcast
	netip.MustParsePrefix("64:ff9b::/96"),    // NAT64: may reach private IPv4
	netip.MustParsePrefix("2001:db8::/32"),   // documentation
}

// AllowedAddr reports whether a delivery may connect to ip: any address when
// allowPrivate, else only a public unicast one (IPv4-mapped IPv6 judged as
// its IPv4).
func AllowedAddr(ip netip.Addr, allowPrivate bool) bool {
	if !ip.IsValid() {
		return false
	}
	if allowPrivate {
		return true
	}
	ip = ip.Unmap()
	if ip.IsLoopback() || ip.IsPrivate() || ip.IsUnspecified() || ip.IsLinkLocalUnicast() ||
		ip.IsMulticast() || ip.IsLinkLocalMulticast() || ip.IsInterfaceLocalMulticast() {
		return false
	}
	for _, p := range reserved {
		if p.Contains(ip) {
			return false
		}
	}
	return true
}

// Endpoint is a company's receiver of events.
type Endpoint struct {
	ID        int64
	CompanyID int64
	URL       string
	Events    []Event
	// Secret signs the deliveries; shown to the admin only when created.
	Secret  string
	Enabled bool
	// DisabledReason says why deliveries stopped (empty while enabled).
	DisabledReason string
	Health         Health
	CreatedBy      int64
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

// DisabledAfterFailures is the reason an endpoint failing for DisableAfter
// is disabled with: what its admin reads in the list.
func DisabledAfterFailures(since time.Time, lastError string) string {
	return "every delivery failed since " + since.UTC().Format(time.RFC3339) + " (last: " + lastError + "); update the endpoint to enable it again"
}

// DeliveryRecord is a delivery as an endpoint's admin sees it.
type DeliveryRecord struct {
	ID      int64
	EventID int64
	Event   Event
	Delivery
}

// Enable turns deliveries on or off by its admin's hand; turning them on
// forgets the failures that disabled it.
func (e *Endpoint) Enable(on bool) {
	e.Enabled = on
	if on {
		e.DisabledReason = ""
		e.Health = Health{}
	}
}

// Message is one event of the outbox: what happened, in which company and
// when; exactly one of the facts is set, after Event.
type Message struct {
	EventID   int64
	CompanyID int64
	Event     Event
	At        time.Time
	Radar     *chat.RadarEvent // RadarEvent: the access log
	Chat      *chat.Message    // ChatMessage
	Outcome   *OutcomeChange   // CustomerOutcome
	// HotLead is the hot-lead alert as the reps' stream shows it (JSON),
	// for CustomerAIPr.
	HotLead []byte
}

// OutcomeChange is a customer marked won, lost or open again.
type OutcomeChange struct {
	CustomerID   int64
	CustomerName string
	Outcome      customer.Outcome
	Previous     customer.Outcome
	ClosedAt     *time.Time // the closing day, for won and lost
}

// Attempt is one delivery attempt to make: Body is the same on every attempt
// of an event.
type Attempt struct {
	URL     string
	Secret  string
	EventID int64
	Event   Event
	Body    []byte
	SentAt  time.Time
}

// Result is how an attempt went: OK for a 2xx; Status is the HTTP status
// (0 when no answer came) and Error says why it failed.
type Result struct {
	OK     bool
	Status int
	Error  string
}

// Attempted records an attempt to the endpoint that ended at now with res:
// its failure record follows, and an endpoint that has failed every attempt
// for DisableAfter is disabled with the reason its admin reads.
func (e *Endpoint) Attempted(res Result, now time.Time) {
	e.Health = e.Health.After(res.OK, now)
	if e.Enabled && e.Health.ShouldDisable(now) {
		e.Enabled = false
		e.DisabledReason = DisabledAfterFailures(e.Health.FailingSince, res.Error)
	}
}
