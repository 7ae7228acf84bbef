package main

import (
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
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
	"leida/domain/card"
	"leida/ports"
)

func provideAuthConfig(cfg config.Config) auth.Config {
	return auth.Config{MaxSkew: cfg.AuthMaxSkew, Limits: auth.DefaultLoginLimits}
}

func provideCustomerConfig(cfg config.Config) appcustomers.Config {
	return appcustomers.Config{Location: cfg.TimeZone}
}

// provideCardConfig: the wxacode opens the mini-program card page; a local
// QR code (no WeChat credentials) encodes the same page on the front-end.
func provideCardConfig(cfg config.Config) appcard.Config {
	return appcard.Config{PagePath: card.DefaultPagePath, CardURL: cfg.FrontendBaseURL + "/" + card.DefaultPagePath}
}

func provideLoginConfig(cfg config.Config) logins.Config {
	return logins.Config{FrontendBaseURL: cfg.FrontendBaseURL, FrontendErrorPath: cfg.FrontendErrorPath}
}

func provideRadarConfig(cfg config.Config) appradar.Config {
	return appradar.Config{Location: cfg.TimeZone}
}

func provideChatConfig(cfg config.Config) appchat.Config {
	return appchat.Config{Location: cfg.TimeZone}
}

// provideStreamHub makes the fan-out of push events; serve starts it.
func provideStreamHub(events stream.EventRepository, listener stream.Listener, clock ports.Clock, log *slog.Logger) *stream.Hub {
	return stream.NewHub(events, listener, clock, log, stream.Config{})
}

func provideAIConfig(cfg config.Config) appai.Config {
	return appai.Config{Location: cfg.TimeZone, Pool: cfg.AIPoolCompanies}
}

func provideAI(store appai.Repository, customers appai.CustomerRepository, followUps appai.FollowUpRepository, tx ports.TxRunner,
	clock ports.Clock, cfg appai.Config, log *slog.Logger) *appai.Service {
	return appai.New(store, customers, followUps, tx, clock, cfg, log)
}

func provideWebhookEndpoints(store webhooks.EndpointStore, cfg config.Config) *webhooks.Endpoints {
	return webhooks.NewEndpoints(store, cfg.WebhookAllowPrivate)
}

func provideWebhookWorker(q webhooks.Queue, bodies webhooks.BodyFormatter, sender webhooks.Sender, log *slog.Logger) *webhooks.Worker {
	return webhooks.NewWorker(q, bodies, sender, webhooks.WorkerSettings{}, log)
}

// applicationSet is the use cases, bound to the interfaces the HTTP adapter
// declares, and the demo data seeder.
var applicationSet = wire.NewSet(
	provideWebhookEndpoints, wire.Bind(new(leidahttp.WebhookAdmin), new(*webhooks.Endpoints)),
	provideWebhookWorker,
	appdirectory.NewSync,
	appdirectory.NewDepartments, wire.Bind(new(leidahttp.DepartmentAdmin), new(*appdirectory.Departments)),
	apporg.NewDirectoryMembers, wire.Bind(new(leidahttp.DirectoryUserAdmin), new(*apporg.DirectoryMembers)),
	provideAuthConfig, auth.NewService, wire.Bind(new(leidahttp.Authenticator), new(*auth.Service)),
	apporg.NewUsers, wire.Bind(new(leidahttp.UserAdmin), new(*apporg.Users)),
	apporg.NewRoles, wire.Bind(new(leidahttp.RoleAdmin), new(*apporg.Roles)),
	apporg.NewPermissions, wire.Bind(new(leidahttp.PermissionAdmin), new(*apporg.Permissions)),
	apporg.NewCompanies, wire.Bind(new(leidahttp.CompanyAdmin), new(*apporg.Companies)),
	apporg.NewBootstrap,
	provideCustomerConfig, appcustomers.NewCustomers, wire.Bind(new(leidahttp.CustomerDesk), new(*appcustomers.Customers)),
	appcustomers.NewTags, wire.Bind(new(leidahttp.TagDesk), new(*appcustomers.Tags)),
	appcustomers.NewFollowUps, wire.Bind(new(leidahttp.FollowUpDesk), new(*appcustomers.FollowUps)),
	provideLoginConfig, logins.NewService, wire.Bind(new(leidahttp.WeChatLogins), new(*logins.Service)),
	provideCardConfig, appcard.NewVisits, wire.Bind(new(leidahttp.CardVisits), new(*appcard.Visits)),
	appcard.NewEditor, wire.Bind(new(leidahttp.CardEditor), new(*appcard.Editor)),
	provideRadarConfig, appradar.NewService, wire.Bind(new(leidahttp.Radar), new(*appradar.Service)),
	provideChatConfig, appchat.NewDesk, wire.Bind(new(leidahttp.ChatDesk), new(*appchat.Desk)),
	appchat.NewVisitor, wire.Bind(new(leidahttp.VisitorChat), new(*appchat.Visitor)),
	provideStreamHub, wire.Bind(new(leidahttp.EventStreams), new(*stream.Hub)),
	provideAIConfig, provideAI, wire.Bind(new(leidahttp.AIScores), new(*appai.Service)),
	wire.Struct(new(demo.CustomerStores), "*"),
	wire.Struct(new(demo.RadarStores), "*"),
	wire.Struct(new(demo.ChatStores), "*"),
	demo.NewSeeder,
)
