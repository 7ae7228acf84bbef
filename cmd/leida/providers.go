package main

import (
	"log/slog"

	"github.com/google/wire"
	"github.com/labstack/echo/v4"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	appcard "leida/application/card"
	appchat "leida/application/chat"
	"leida/application/demo"
	appdirectory "leida/application/directory"
	apporg "leida/application/org"
	"leida/application/stream"
	"leida/application/webhooks"
)

// App is everything the commands need. Building it starts nothing: the
// commands start what they use (serve: the stream hub, the AI upkeep).
type App struct {
	DB        *postgres.DB
	Server    *echo.Echo
	Streams   *stream.Hub
	Bootstrap *apporg.Bootstrap
	Demo      *demo.Seeder
	AI        *appai.Service
	Metrics   *leidahttp.Metrics
	Webhooks  *webhooks.Worker
	Directory *appdirectory.Sync
}

func provideHTTPConfig(cfg config.Config, log *slog.Logger) leidahttp.Config {
	return leidahttp.Config{Location: cfg.TimeZone, PublicBaseURL: cfg.PublicBaseURL, MediaRoot: cfg.MediaRoot, Logger: log,
		TrustedProxies: cfg.TrustedProxies, RequestTimeout: cfg.RequestTimeout, MetricsElsewhere: cfg.MetricsAddr != ""}
}

func provideStreamConfig(cfg config.Config) leidahttp.StreamConfig {
	return leidahttp.StreamConfig{Heartbeat: cfg.StreamHeartbeat}
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
func provideWebhookBodies(cfg config.Config) leidahttp.WebhookBodies {
	return leidahttp.WebhookBodies{Location: cfg.TimeZone, PublicBaseURL: cfg.PublicBaseURL}
}

var httpSet = wire.NewSet(
	provideWebhookBodies, wire.Bind(new(webhooks.BodyFormatter), new(leidahttp.WebhookBodies)),
	provideHTTPConfig, provideStreamConfig,
	provideMetrics,
	wire.Bind(new(appcard.WriteMetrics), new(*leidahttp.Metrics)),
	wire.Bind(new(appchat.WriteMetrics), new(*leidahttp.Metrics)),
	wire.Struct(new(leidahttp.Handlers), "*"),
	leidahttp.NewServer,
)
