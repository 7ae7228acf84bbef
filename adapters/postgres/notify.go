package postgres

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"
	"time"

	"github.com/jackc/pgx/v5"

	"leida/domain/chat"
	"leida/ports"
)

// StreamChannel is the NOTIFY channel the stream triggers use (migration 00004).
const StreamChannel = "leida_stream"

// StreamEvents reads the push streams' events (filled by triggers).
type StreamEvents struct{ *DB }

// NewStreamEvents makes the repository.
func NewStreamEvents(db *DB) *StreamEvents { return &StreamEvents{db} }

// LastSeq is the principal's newest sequence (0 when none).
func (r *StreamEvents) LastSeq(ctx context.Context, p chat.Principal) (int64, error) {
	var seq int64
	err := r.conn(ctx).Table("stream_cursors").Select("last_seq").Where("principal_kind = ? AND principal_id = ?", int(p.Kind), p.ID).
		Scan(&seq).Error
	return seq, translate(err)
}

// streamPayload is the JSON the triggers write.
type streamPayload struct {
	ID                 int64     `json:"id"`
	UserID             int64     `json:"user_id"`
	CustomerID         int64     `json:"customer_id"`
	SendType           int       `json:"send_type"`
	Msg                string    `json:"msg"`
	Action             int       `json:"action"`
	Remark             string    `json:"remark"`
	CreatedAt          time.Time `json:"created_at"`
	CustomerUsername   string    `json:"customer_username"`
	CustomerHeadimgurl string    `json:"customer_headimgurl"`
}

// chatMessage is the chat message a stream or outbox payload describes.
func (pl streamPayload) chatMessage(companyID int64) chat.Message {
	return chat.Message{ID: pl.ID, CompanyID: companyID, UserID: pl.UserID, CustomerID: pl.CustomerID,
		SendType: chat.SendType(pl.SendType), Msg: pl.Msg, CreatedAt: pl.CreatedAt,
		CustomerName: pl.CustomerUsername, CustomerAvatar: pl.CustomerHeadimgurl}
}

// radarEvent is the access log a stream or outbox payload describes.
func (pl streamPayload) radarEvent() chat.RadarEvent {
	return chat.RadarEvent{LogID: pl.ID, UserID: pl.UserID, CustomerID: pl.CustomerID, Action: pl.Action,
		Remark: pl.Remark, CustomerName: pl.CustomerUsername, CreatedAt: pl.CreatedAt}
}

// After lists the principal's events with seq > after, in order.
func (r *StreamEvents) After(ctx context.Context, p chat.Principal, after int64, limit int) ([]chat.StreamEvent, error) {
	var rows []struct {
		Seq       int64
		CompanyID int64
		Event     string
		Payload   string
	}
	err := r.conn(ctx).Table("stream_events").Select("seq, company_id, event, payload::text AS payload").
		Where("principal_kind = ? AND principal_id = ? AND seq > ?", int(p.Kind), p.ID, after).Order("seq").Limit(limit).
		Find(&rows).Error
	if err != nil {
		return nil, translate(err)
	}
	out := make([]chat.StreamEvent, 0, len(rows))
	for _, row := range rows {
		var pl streamPayload
		if err := json.Unmarshal([]byte(row.Payload), &pl); err != nil {
			return nil, fmt.Errorf("stream event %d: %w", row.Seq, err)
		}
		ev := chat.StreamEvent{Seq: row.Seq, Name: row.Event}
		switch row.Event {
		case chat.EventChat:
			m := pl.chatMessage(row.CompanyID)
			ev.Chat = &m
		case chat.EventRadar:
			r := pl.radarEvent()
			ev.Radar = &r
		case chat.EventHotLead:
			ev.Data = []byte(row.Payload)
		}
		out = append(out, ev)
	}
	return out, nil
}

// Prune deletes events created before t.
func (r *StreamEvents) Prune(ctx context.Context, before time.Time) (int64, error) {
	res := r.conn(ctx).Table("stream_events").Where("created_at < ?", before).Delete(nil)
	return res.RowsAffected, translate(res.Error)
}

// Listener holds one dedicated connection that LISTENs on StreamChannel,
// reconnecting with backoff when it drops.
type Listener struct {
	url string
	log *slog.Logger
	// idle is how long to wait for a notification before pinging the server.
	idle time.Duration
	// OnReconnect, when set, is called each time the connection dropped (or
	// could not be made) and is retried (for the metrics).
	OnReconnect func()
}

// NewListener makes a listener for the database at url.
func NewListener(url string, log *slog.Logger) *Listener {
	if log == nil {
		log = slog.Default()
	}
	return &Listener{url: url, log: log, idle: 30 * time.Second}
}

// Listen runs until ctx ends.
func (l *Listener) Listen(ctx context.Context, connected func(), wake func(ports.StreamWake)) error {
	backoff := 100 * time.Millisecond
	for {
		err := l.session(ctx, connected, wake, func() { backoff = 100 * time.Millisecond })
		if ctx.Err() != nil {
			return nil
		}
		l.log.Warn("stream listener disconnected; reconnecting", "error", err.Error(), "backoff_ms", backoff.Milliseconds())
		if l.OnReconnect != nil {
			l.OnReconnect()
		}
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(backoff):
		}
		backoff = min(backoff*2, 5*time.Second)
	}
}

// session is one connection's lifetime.
func (l *Listener) session(ctx context.Context, connected func(), wake func(ports.StreamWake), reset func()) error {
	connectCtx, cancel := context.WithTimeout(ctx, 10*time.Second)
	conn, err := pgx.Connect(connectCtx, l.url)
	cancel()
	if err != nil {
		return err
	}
	defer func() {
		closeCtx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		defer cancel()
		_ = conn.Close(closeCtx)
	}()
	// Raw SQL: LISTEN, on the listener's own pgx connection.
	if _, err := conn.Exec(ctx, "LISTEN "+StreamChannel); err != nil {
		return err
	}
	reset()
	l.log.Debug("stream listener connected")
	connected()
	for {
		waitCtx, cancel := context.WithTimeout(ctx, l.idle)
		n, err := conn.WaitForNotification(waitCtx)
		cancel()
		switch {
		case err == nil:
			if w, ok := parseWake(n.Payload); ok {
				wake(w)
			}
		case ctx.Err() != nil:
			return ctx.Err()
		case errors.Is(err, context.DeadlineExceeded) || isTimeout(err):
			// Idle: make sure the connection is still alive.
			pingCtx, cancel := context.WithTimeout(ctx, 5*time.Second)
			err := conn.Ping(pingCtx)
			cancel()
			if err != nil {
				return err
			}
		default:
			return err
		}
	}
}

func isTimeout(err error) bool {
	var t interface{ Timeout() bool }
	return errors.As(err, &t) && t.Timeout()
}

// parseWake reads "kind:id:seq".
func parseWake(payload string) (ports.StreamWake, bool) {
	parts := strings.Split(payload, ":")
	if len(parts) != 3 {
		return ports.StreamWake{}, false
	}
	kind, err1 := strconv.Atoi(parts[0])
	id, err2 := strconv.ParseInt(parts[1], 10, 64)
	seq, err3 := strconv.ParseInt(parts[2], 10, 64)
	if err1 != nil || err2 != nil || err3 != nil {
		return ports.StreamWake{}, false
	}
	return ports.StreamWake{Principal: chat.Principal{Kind: chat.PrincipalKind(kind), ID: id}, Seq: seq}, true
}
