package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	"leida/application/auth"
	appcard "leida/application/card"
	appchat "leida/application/chat"
	appcustomers "leida/application/customers"
	"leida/application/demo"
	appdirectory "leida/application/directory"
	"leida/application/logins"
	apporg "leida/application/org"
	appradar "leida/application/radar"
	"leida/application/stream"
	"leida/application/webhooks"
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
// stream notifications, each bound to the ports its consumers declare.
var persistenceSet = wire.NewSet(
	provideDB,
	postgres.NewDirectory,
	wire.Bind(new(appdirectory.SyncStore), new(*postgres.Directory)),
	wire.Bind(new(appdirectory.DepartmentStore), new(*postgres.Directory)),
	wire.Bind(new(apporg.MembershipRepository), new(*postgres.Directory)),
	postgres.NewWebhooks,
	wire.Bind(new(webhooks.EndpointStore), new(*postgres.Webhooks)),
	wire.Bind(new(webhooks.Queue), new(*postgres.Webhooks)),
	wire.Bind(new(ports.TxRunner), new(*postgres.DB)),
	wire.Bind(new(leidahttp.HealthChecker), new(*postgres.DB)),
	postgres.NewUsers,
	wire.Bind(new(auth.UserRepository), new(*postgres.Users)),
	wire.Bind(new(apporg.UserRepository), new(*postgres.Users)),
	wire.Bind(new(apporg.UserDetailsRepository), new(*postgres.Users)),
	wire.Bind(new(logins.UserRepository), new(*postgres.Users)),
	wire.Bind(new(demo.UserRepository), new(*postgres.Users)),
	postgres.NewRoles,
	wire.Bind(new(apporg.RoleRepository), new(*postgres.Roles)),
	wire.Bind(new(demo.RoleRepository), new(*postgres.Roles)),
	postgres.NewPermissions,
	wire.Bind(new(apporg.PermissionRepository), new(*postgres.Permissions)),
	wire.Bind(new(demo.PermissionRepository), new(*postgres.Permissions)),
	postgres.NewCompanies,
	wire.Bind(new(apporg.CompanyRepository), new(*postgres.Companies)),
	wire.Bind(new(logins.CompanyRepository), new(*postgres.Companies)),
	wire.Bind(new(demo.CompanyRepository), new(*postgres.Companies)),
	postgres.NewCustomerIdentities, wire.Bind(new(auth.CustomerRepository), new(*postgres.CustomerIdentities)),
	postgres.NewLoginFailures, wire.Bind(new(auth.LoginFailures), new(*postgres.LoginFailures)),
	postgres.NewCustomers,
	wire.Bind(new(appcustomers.CustomerRepository), new(*postgres.Customers)),
	wire.Bind(new(appai.CustomerRepository), new(*postgres.Customers)),
	wire.Bind(new(demo.CustomerRepository), new(*postgres.Customers)),
	postgres.NewTags,
	wire.Bind(new(appcustomers.TagRepository), new(*postgres.Tags)),
	wire.Bind(new(demo.TagRepository), new(*postgres.Tags)),
	wire.Bind(new(ports.TagGroupSeeder), new(*postgres.Tags)),
	postgres.NewFollowUps,
	wire.Bind(new(appcustomers.FollowUpRepository), new(*postgres.FollowUps)),
	wire.Bind(new(appai.FollowUpRepository), new(*postgres.FollowUps)),
	wire.Bind(new(demo.FollowUpRepository), new(*postgres.FollowUps)),
	postgres.NewPhrases,
	wire.Bind(new(appcustomers.PhraseRepository), new(*postgres.Phrases)),
	wire.Bind(new(demo.PhraseRepository), new(*postgres.Phrases)),
	postgres.NewLogins,
	wire.Bind(new(logins.AccountRepository), new(*postgres.Logins)),
	wire.Bind(new(demo.AccountRepository), new(*postgres.Logins)),
	postgres.NewCards,
	wire.Bind(new(appcard.VisitorCardRepository), new(*postgres.Cards)),
	wire.Bind(new(appcard.OwnerCardRepository), new(*postgres.Cards)),
	wire.Bind(new(logins.CardRepository), new(*postgres.Cards)),
	wire.Bind(new(demo.CardRepository), new(*postgres.Cards)),
	postgres.NewAccessLogs,
	wire.Bind(new(appcard.AccessLogRepository), new(*postgres.AccessLogs)),
	wire.Bind(new(appradar.AccessLogRepository), new(*postgres.AccessLogs)),
	wire.Bind(new(demo.AccessLogRepository), new(*postgres.AccessLogs)),
	postgres.NewChats,
	wire.Bind(new(appchat.MessageRepository), new(*postgres.Chats)),
	wire.Bind(new(demo.MessageRepository), new(*postgres.Chats)),
	postgres.NewStreamEvents, wire.Bind(new(stream.EventRepository), new(*postgres.StreamEvents)),
	provideStreamListener, wire.Bind(new(stream.Listener), new(*postgres.Listener)),
	postgres.NewAI, wire.Bind(new(appai.Repository), new(*postgres.AI)),
)
