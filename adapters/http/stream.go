package http

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/chat"
)

// StreamConfig tunes the push streams.
type StreamConfig struct {
	// Heartbeat is the interval of the comment line that keeps proxies from
	// closing idle streams (15s by default).
	Heartbeat time.Duration
}

// DefaultHeartbeat is the SSE heartbeat interval (D8).
const DefaultHeartbeat = 15 * time.Second

// UserStream is qiyeweixin/stream: chat messages from customers and radar events.
func (h *Handlers) UserStream(c echo.Context) error {
	return h.serveStream(c, chat.Principal{Kind: chat.PrincipalUser, ID: actor(c).UserID})
}

// CustomerStream is xiaochengxu/stream: chat messages from reps.
func (h *Handlers) CustomerStream(c echo.Context) error {
	return h.serveStream(c, chat.Principal{Kind: chat.PrincipalCustomer, ID: visitor(c).CustomerID})
}

func lastEventID(c echo.Context) string {
	if v := c.Request().Header.Get("Last-Event-ID"); v != "" {
		return v
	}
	return query(c, "last_event_id")
}

// serveStream writes Server-Sent Events until the client leaves or the
// service shuts down.
func (h *Handlers) serveStream(c echo.Context, p chat.Principal) error {
	ctx := c.Request().Context()
	sub, err := h.Streams.Open(ctx, p, lastEventID(c))
	if err != nil {
		return err
	}
	defer sub.Close()
	defer h.Metrics.streamOpened(p.Kind)()

	w := c.Response()
	// The server's read timeout would otherwise cancel a long stream.
	rc := http.NewResponseController(w)
	_ = rc.SetReadDeadline(time.Time{})
	_ = rc.SetWriteDeadline(time.Time{})
	hd := w.Header()
	hd.Set(echo.HeaderContentType, "text/event-stream; charset=utf-8")
	hd.Set(echo.HeaderCacheControl, "no-cache")
	hd.Set(echo.HeaderConnection, "keep-alive")
	hd.Set("X-Accel-Buffering", "no")
	c.Set(ctxEnvelopeCode, 200)
	w.WriteHeader(http.StatusOK)
	if _, err := w.Write([]byte("retry: 3000\n: connected\n\n")); err != nil {
		return nil
	}
	w.Flush()

	beat := h.StreamConfig.Heartbeat
	if beat <= 0 {
		beat = DefaultHeartbeat
	}
	ticker := time.NewTicker(beat)
	defer ticker.Stop()
	var buf bytes.Buffer
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-sub.Done():
			return nil
		case <-ticker.C:
			if _, err := w.Write([]byte(": heartbeat\n\n")); err != nil {
				return nil
			}
			w.Flush()
		case <-sub.Wake():
			evs, err := sub.Next(ctx)
			if err != nil {
				if ctx.Err() == nil {
					h.logger().Warn("reading stream events", "request_id", requestID(c), "error", err.Error())
				}
				return nil // the client reconnects with Last-Event-ID
			}
			if len(evs) == 0 {
				continue
			}
			buf.Reset()
			sent := evs[:0]
			for _, ev := range evs {
				if h.writeEvent(&buf, ev) {
					sent = append(sent, ev)
				}
			}
			if _, err := w.Write(buf.Bytes()); err != nil {
				return nil
			}
			w.Flush()
			h.Metrics.pushed(sent)
		}
	}
}

// writeEvent renders one SSE event: id, event name, one data line of JSON;
// false for an event of no known kind (nothing written).
func (h *Handlers) writeEvent(buf *bytes.Buffer, ev chat.StreamEvent) bool {
	var data any
	switch {
	case ev.Chat != nil:
		data = h.pollItem(*ev.Chat)
	case ev.Radar != nil:
		data = radarEventItem(*ev.Radar, h.Config.Location)
	case ev.Data != nil:
		data = json.RawMessage(ev.Data)
	default:
		return false
	}
	enc := json.NewEncoder(buf)
	enc.SetEscapeHTML(false)
	fmt.Fprintf(buf, "id: %s\nevent: %s\ndata: ", strconv.FormatInt(ev.Seq, 10), ev.Name)
	_ = enc.Encode(data) // one line, ends with \n (JSON escapes newlines inside strings)
	buf.WriteByte('\n')
	return true
}
