package postgres

import (
	"context"
	"io"
	"log/slog"
	"sync/atomic"
	"testing"
	"time"

	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/testutil"
)

// A LISTEN connection that cannot be made is retried, and every retry is
// reported to the OnReconnect hook (the reconnect counter).
func TestListenerReportsEachReconnect(t *testing.T) {
	l := NewListener("postgres://postgres@127.0.0.1:1/none?sslmode=disable&connect_timeout=1",
		slog.New(slog.NewTextHandler(io.Discard, nil)))
	var n atomic.Int64
	l.OnReconnect = func() { n.Add(1) }
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan struct{})
	go func() {
		defer close(done)
		_ = l.Listen(ctx, func() { t.Error("connected to a closed port") }, nil)
	}()
	deadline := time.Now().Add(5 * time.Second)
	for n.Load() < 2 && time.Now().Before(deadline) {
		time.Sleep(10 * time.Millisecond)
	}
	cancel()
	<-done
	if n.Load() < 2 {
		t.Fatalf("reconnects reported: %d", n.Load())
	}
}

// The pool collector reads sql.DB.Stats: the go_sql_* metrics, labelled
// with the database's name, without connecting.
func TestPoolCollector(t *testing.T) {
	db, err := Open("postgres://postgres@127.0.0.1:1/none?sslmode=disable", time.UTC) // lazy: never connects
	if err != nil {
		t.Fatal(err)
	}
	defer db.Close()
	c, err := db.PoolCollector("leida")
	if err != nil {
		t.Fatal(err)
	}
	reg := prometheus.NewRegistry()
	reg.MustRegister(c)
	for _, name := range []string{"go_sql_open_connections", "go_sql_in_use_connections", "go_sql_idle_connections",
		"go_sql_wait_count_total", "go_sql_wait_duration_seconds_total", "go_sql_max_open_connections"} {
		if n, err := testutil.GatherAndCount(reg, name); err != nil || n != 1 {
			t.Errorf("%s: %d %v", name, n, err)
		}
	}
}
