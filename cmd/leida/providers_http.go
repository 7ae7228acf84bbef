package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	"leida/ports"
)

func provideHTTPOptions(cfg config.Config, log *slog.Logger) leidahttp.Options {
	return leidahttp.Options{Location: cfg.TimeZone, PublicBaseURL: cfg.PublicBaseURL, MediaRoot: cfg.MediaRoot, Logger: log,
		TrustedProxies: cfg.TrustedProxies, RequestTimeout: cfg.RequestTimeout, MetricsElsewhere: cfg.MetricsAddr != ""}
}

func provideStreamOptions(cfg config.Config) leidahttp.StreamOptions {
	return leidahttp.StreamOptions{Heartbeat: cfg.StreamHeartbeat}
}

// provideMetrics makes the process's metrics registry (its own, not the
// global default), with the database pool's statistics.
func provideMetrics(db *postgres.DB) (*leidahttp.Metrics, error) {
	pool, err := db.PoolCollector("leida")
	if err != nil {
		return nil, err
	}
	return leidahttp.NewMetrics(pool), nil
}

// httpSet is the HTTP adapter: the handlers, the Echo server and the
// metrics it serves (which the use cases count writes into).
var httpSet = wire.NewSet(
	provideHTTPOptions, provideStreamOptions,
	provideMetrics, wire.Bind(new(ports.WriteMetrics), new(*leidahttp.Metrics)),
	wire.Struct(new(leidahttp.Handlers), "*"),
	leidahttp.NewServer,
)
