//go:build wireinject

package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	"leida/ports"
)

// initApp builds the whole service from configuration.
func initApp(cfg config.Config, log *slog.Logger) (*App, func(), error) {
	wire.Build(
		postgresSet,
		adapterSet,
		applicationSet,
		httpSet,
		customersSet,
		cardSet,
		chatSet,
		aiSet,
		metricsSet,
		wire.Struct(new(App), "*"),
	)
	return nil, nil, nil
}

// initStore builds only persistence (for migrate and sign).
func initStore(cfg config.Config) (*postgres.DB, func(), error) {
	wire.Build(provideDB)
	return nil, nil, nil
}

var _ = ports.ErrNotFound
var _ = leidahttp.NewServer
