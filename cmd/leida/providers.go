package main

import (
	"log/slog"

	"github.com/google/wire"
	"github.com/labstack/echo/v4"

	"leida/adapters/clock"
	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	"leida/adapters/security"
	appai "leida/application/ai"
	"leida/application/auth"
	"leida/application/demo"
	apporg "leida/application/org"
	"leida/ports"
)

// App is everything the commands need.
type App struct {
	DB        *postgres.DB
	Server    *echo.Echo
	Bootstrap *apporg.Bootstrap
	Demo      *demo.Seeder
	AI        *appai.Service
	Metrics   *leidahttp.Metrics
}

func provideDB(cfg config.Config) (*postgres.DB, func(), error) {
	db, err := postgres.OpenWith(cfg.DatabaseURL, cfg.TimeZone, postgres.Settings{StatementTimeout: cfg.StatementTimeout})
	if err != nil {
		return nil, nil, err
	}
	return db, func() { _ = db.Close() }, nil
}

var postgresSet = wire.NewSet(
	provideDB,
	postgres.NewUsers, wire.Bind(new(ports.UserRepository), new(*postgres.Users)),
	postgres.NewRoles, wire.Bind(new(ports.RoleRepository), new(*postgres.Roles)),
	postgres.NewPermissions, wire.Bind(new(ports.PermissionRepository), new(*postgres.Permissions)),
	postgres.NewCompanies, wire.Bind(new(ports.CompanyRepository), new(*postgres.Companies)),
	postgres.NewCustomerIdentities, wire.Bind(new(ports.CustomerIdentityRepository), new(*postgres.CustomerIdentities)),
	postgres.NewLoginFailures, wire.Bind(new(ports.LoginFailures), new(*postgres.LoginFailures)),
	wire.Bind(new(ports.TxRunner), new(*postgres.DB)),
	wire.Bind(new(ports.HealthChecker), new(*postgres.DB)),
)

func provideAuthConfig(cfg config.Config) auth.Config {
	return auth.Config{MaxSkew: cfg.AuthMaxSkew, Limits: auth.DefaultLoginLimits}
}

var adapterSet = wire.NewSet(
	wire.InterfaceValue(new(ports.Clock), clock.System{}),
	wire.InterfaceValue(new(ports.TokenSource), security.Tokens{}),
	wire.InterfaceValue(new(ports.PasswordHasher), security.Argon2{}),
)

var applicationSet = wire.NewSet(
	provideAuthConfig,
	auth.NewService, wire.Bind(new(ports.Authenticator), new(*auth.Service)),
	apporg.NewUsers, wire.Bind(new(ports.UserAdmin), new(*apporg.Users)),
	apporg.NewRoles, wire.Bind(new(ports.RoleAdmin), new(*apporg.Roles)),
	apporg.NewPermissions, wire.Bind(new(ports.PermissionAdmin), new(*apporg.Permissions)),
	apporg.NewCompanies, wire.Bind(new(ports.CompanyAdmin), new(*apporg.Companies)),
	apporg.NewBootstrap, wire.Bind(new(ports.Bootstrapper), new(*apporg.Bootstrap)),
	demo.NewSeeder,
)

func provideHTTPOptions(cfg config.Config, log *slog.Logger) leidahttp.Options {
	return leidahttp.Options{Location: cfg.TimeZone, PublicBaseURL: cfg.PublicBaseURL, MediaRoot: cfg.MediaRoot, Logger: log,
		TrustedProxies: cfg.TrustedProxies, RequestTimeout: cfg.RequestTimeout, MetricsElsewhere: cfg.MetricsAddr != ""}
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

var metricsSet = wire.NewSet(
	provideMetrics,
	wire.Bind(new(ports.WriteMetrics), new(*leidahttp.Metrics)),
)

var httpSet = wire.NewSet(
	provideHTTPOptions,
	wire.Struct(new(leidahttp.Handlers), "*"),
	leidahttp.NewServer,
)
