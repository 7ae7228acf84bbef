package main

import (
	"leida/application/demo"
	"log/slog"

	"github.com/google/wire"

	"leida/adapters/config"
	leidahttp "leida/adapters/http"
	"leida/adapters/postgres"
	appchat "leida/application/chat"
	"leida/application/stream"
	"leida/ports"
)

func provideChatSettings(cfg config.Config) appchat.Settings {
	return appchat.Settings{Location: cfg.TimeZone}
}

func provideChatDesk(s *appchat.Service) ports.ChatDesk { return s.Desk() }

func provideVisitorChat(s *appchat.Service) ports.VisitorChat { return s.Visitor() }

func provideStreamListener(cfg config.Config, log *slog.Logger, m *leidahttp.Metrics) *postgres.Listener {
	l := postgres.NewListener(cfg.DatabaseURL, log)
	l.OnReconnect = m.ListenerReconnected
	return l
}

// provideStreamHub starts the fan-out of push events (LISTEN, pruning); the
// cleanup ends open streams and stops it.
func provideStreamHub(events ports.StreamEventRepository, listener ports.StreamListener, clock ports.Clock, log *slog.Logger) (*stream.Hub, func()) {
	h := stream.NewHub(events, listener, clock, log, stream.Options{})
	h.Start()
	return h, h.Stop
}

func provideStreamOptions(cfg config.Config) leidahttp.StreamOptions {
	return leidahttp.StreamOptions{Heartbeat: cfg.StreamHeartbeat}
}

// chatSet provides issue 5: chat and push streams.
var chatSet = wire.NewSet(
	postgres.NewChats, wire.Bind(new(ports.ChatRepository), new(*postgres.Chats)),
	postgres.NewStreamEvents, wire.Bind(new(ports.StreamEventRepository), new(*postgres.StreamEvents)),
	provideStreamListener, wire.Bind(new(ports.StreamListener), new(*postgres.Listener)),
	appchat.New, provideChatSettings, provideChatDesk, provideVisitorChat,
	provideStreamHub, wire.Bind(new(ports.EventStreams), new(*stream.Hub)),
	provideStreamOptions,
	wire.Struct(new(demo.ChatStores), "*"),
)
