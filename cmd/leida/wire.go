//go:build wireinject

package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	"leida/adapters/postgres"
)

// initApp builds the whole service from configuration, one provider set
// per layer.
func initApp(cfg config.Config, log *slog.Logger) (*App, func(), error) {
	wire.Build(
		persistenceSet,
		externalSet,
		applicationSet,
		httpSet,
		wire.Struct(new(App), "*"),
	)
	return nil, nil, nil
}

// initStore builds only persistence (for migrate and sign).
func initStore(cfg config.Config) (*postgres.DB, func(), error) {
	wire.Build(provideDB)
	return nil, nil, nil
}
