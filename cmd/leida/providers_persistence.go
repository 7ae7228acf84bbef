package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	"leida/ports"
)

func provideDB(cfg config.Config) (*postgres.DB, func(), error) {
	db, err := postgres.OpenWith(cfg.DatabaseURL, cfg.TimeZone, postgres.Config{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return nil, nil, err
	}
	return db, func() { _ = db.Close() }, nil
}

// provideStreamListener makes the LISTEN connection's client; it connects
// when the stream hub starts.
func provideStreamListener(cfg config.Config, log *slog.Logger, m *leidahttp.Metrics) *postgres.Listener {
	l := postgres.NewListener(cfg.DatabaseURL, log)
	l.OnReconnect = m.ListenerReconnected
	return l
}

// persistenceSet is PostgreSQL: the database, its repositories and the
// stream notifications, bound to the ports the application declares.
var persistenceSet = wire.NewSet(
	provideDB,
	wire.Bind(new(ports.TxRunner), new(*postgres.DB)),
	wire.Bind(new(ports.HealthChecker), new(*postgres.DB)),
	postgres.NewUsers, wire.Bind(new(ports.UserRepository), new(*postgres.Users)),
	postgres.NewRoles, wire.Bind(new(ports.RoleRepository), new(*postgres.Roles)),
	postgres.NewPermissions, wire.Bind(new(ports.PermissionRepository), new(*postgres.Permissions)),
	postgres.NewCompanies, wire.Bind(new(ports.CompanyRepository), new(*postgres.Companies)),
	postgres.NewCustomerIdentities, wire.Bind(new(ports.CustomerIdentityRepository), new(*postgres.CustomerIdentities)),
	postgres.NewLoginFailures, wire.Bind(new(ports.LoginFailures), new(*postgres.LoginFailures)),
	postgres.NewCustomers, wire.Bind(new(ports.CustomerRepository), new(*postgres.Customers)),
	postgres.NewTags, wire.Bind(new(ports.TagRepository), new(*postgres.Tags)),
	wire.Bind(new(ports.TagGroupSeeder), new(*postgres.Tags)),
	postgres.NewFollowUps, wire.Bind(new(ports.FollowUpRepository), new(*postgres.FollowUps)),
	postgres.NewPhrases, wire.Bind(new(ports.PhraseRepository), new(*postgres.Phrases)),
	postgres.NewCards, wire.Bind(new(ports.CardRepository), new(*postgres.Cards)),
	postgres.NewAccessLogs, wire.Bind(new(ports.AccessLogRepository), new(*postgres.AccessLogs)),
	postgres.NewLogins, wire.Bind(new(ports.LoginRepository), new(*postgres.Logins)),
	postgres.NewChats, wire.Bind(new(ports.ChatRepository), new(*postgres.Chats)),
	postgres.NewStreamEvents, wire.Bind(new(ports.StreamEventRepository), new(*postgres.StreamEvents)),
	provideStreamListener, wire.Bind(new(ports.StreamListener), new(*postgres.Listener)),
	postgres.NewAI, wire.Bind(new(ports.AIStore), new(*postgres.AI)),
)
