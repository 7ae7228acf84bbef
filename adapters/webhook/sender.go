// Package webhook sends webhook deliveries over HTTP: one signed JSON POST
// an attempt, bounded in time, to public addresses only unless told
// otherwise. The address is checked on every connection after DNS
// resolution, so a name that resolves (or is re-pointed) to a private
// address is refused too; no proxy from the environment is used (it would
// hide the address) and redirects are not followed (a 3xx is a failed
// attempt, as any non-2xx).
package webhook

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"net"
	"net/http"
	"net/netip"
	"strconv"
	"syscall"
	"time"

	"leida/domain/webhook"
)

// maxAnswer is how much of an answer is read (then the connection is reused).
const maxAnswer = 64 << 10

// errPrivateAddress is the error of a connection refused by the address policy.
var errPrivateAddress = errors.New("refused: the address is loopback, private or reserved (WEBHOOK_ALLOW_PRIVATE is off)")

// Sender posts deliveries.
type Sender struct {
	hc *http.Client
}

// NewSender is a Sender; allowPrivate lets deliveries reach loopback and
// private addresses (tests, an intranet CRM).
func NewSender(allowPrivate bool) *Sender {
	dialer := &net.Dialer{
		Timeout: webhook.AttemptTimeout,
		Control: func(_, address string, _ syscall.RawConn) error {
			host, _, err := net.SplitHostPort(address)
			if err != nil {
				return err
			}
			ip, err := netip.ParseAddr(host)
			if err != nil || !webhook.AllowedAddr(ip, allowPrivate) {
				return errPrivateAddress
			}
			return nil
		},
	}
	tr := &http.Transport{
		Proxy:                 nil,
		DialContext:           dialer.DialContext,
		TLSHandshakeTimeout:   webhook.AttemptTimeout,
		ResponseHeaderTimeout: webhook.AttemptTimeout,
		MaxIdleConnsPerHost:   4,
		IdleConnTimeout:       90 * time.Second,
	}
	return &Sender{hc: &http.Client{
		Transport:     tr,
		Timeout:       webhook.AttemptTimeout,
		CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse },
	}}
}

// Send makes one attempt.
func (s *Sender) Send(ctx context.Context, a webhook.Attempt) webhook.Result {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, a.URL, bytes.NewReader(a.Body))
	if err != nil {
		return webhook.Result{Error: "invalid URL"}
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	req.Header.Set("User-Agent", "Leida-Webhooks/1")
	req.Header.Set(webhook.SignatureHeader, webhook.Sign(a.Secret, a.Body))
	req.Header.Set(webhook.TimestampHeader, strconv.FormatInt(a.SentAt.Unix(), 10))
	req.Header.Set(webhook.EventHeader, string(a.Event))
	req.Header.Set(webhook.DeliveryHeader, strconv.FormatInt(a.EventID, 10))
	res, err := s.hc.Do(req)
	if err != nil {
		return webhook.Result{Error: describe(err)}
	}
	defer res.Body.Close()
	_, _ = io.Copy(io.Discard, io.LimitReader(res.Body, maxAnswer))
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		return webhook.Result{OK: true, Status: res.StatusCode}
	}
	return webhook.Result{Status: res.StatusCode, Error: fmt.Sprintf("HTTP %d", res.StatusCode)}
}

// describe says why a request failed, without the URL (it may carry a
// receiver's token in its query).
func describe(err error) string {
	switch {
	case errors.Is(err, errPrivateAddress):
		return errPrivateAddress.Error()
	case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
		return "timeout after " + webhook.AttemptTimeout.String()
	case errors.Is(err, syscall.ECONNREFUSED):
		return "connection refused"
	case errors.Is(err, context.Canceled):
		return "canceled"
	}
	var dnsErr *net.DNSError
	if errors.As(err, &dnsErr) {
		return "DNS: " + dnsErr.Err
	}
	return "network error"
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}
