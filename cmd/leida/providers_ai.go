package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	"leida/ports"
)

func provideAISettings(cfg config.Config) appai.Settings {
	return appai.Settings{Location: cfg.TimeZone, Pool: cfg.AIPoolCompanies}
}

func provideAI(store ports.AIStore, customers ports.CustomerRepository, followUps ports.FollowUpRepository, tx ports.TxRunner,
	clock ports.Clock, settings appai.Settings, log *slog.Logger) *appai.Service {
	return appai.New(store, customers, followUps, tx, clock, settings, log)
}

// aiSet is the AI close probability (D10).
var aiSet = wire.NewSet(
	postgres.NewAI, wire.Bind(new(ports.AIStore), new(*postgres.AI)),
	provideAISettings, provideAI, wire.Bind(new(ports.AIScores), new(*appai.Service)),
)
