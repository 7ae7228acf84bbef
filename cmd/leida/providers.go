package main

import (
	"github.com/labstack/echo/v4"

	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appai "leida/application/ai"
	"leida/application/demo"
	apporg "leida/application/org"
	"leida/application/stream"
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
}
