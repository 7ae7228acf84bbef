package main

import (
	"github.com/google/wire"

	"leida/adapters/config"
	"leida/adapters/postgres"
	appcustomers "leida/application/customers"
	"leida/application/demo"
	"leida/ports"
)

func provideCustomerSettings(cfg config.Config) appcustomers.Settings {
	return appcustomers.Settings{Location: cfg.TimeZone}
}

// customersSet provides issue 3: customers, tags, follow-ups.
var customersSet = wire.NewSet(
	postgres.NewCustomers, wire.Bind(new(ports.CustomerRepository), new(*postgres.Customers)),
	postgres.NewTags, wire.Bind(new(ports.TagRepository), new(*postgres.Tags)),
	wire.Bind(new(ports.TagGroupSeeder), new(*postgres.Tags)),
	postgres.NewFollowUps, wire.Bind(new(ports.FollowUpRepository), new(*postgres.FollowUps)),
	postgres.NewPhrases, wire.Bind(new(ports.PhraseRepository), new(*postgres.Phrases)),
	provideCustomerSettings,
	appcustomers.NewCustomers, wire.Bind(new(ports.CustomerDesk), new(*appcustomers.Customers)),
	appcustomers.NewTags, wire.Bind(new(ports.TagDesk), new(*appcustomers.Tags)),
	appcustomers.NewFollowUps, wire.Bind(new(ports.FollowUpDesk), new(*appcustomers.FollowUps)),
	wire.Struct(new(demo.CustomerStores), "*"),
)
