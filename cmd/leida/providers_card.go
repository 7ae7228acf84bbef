package main

import (
	"github.com/google/wire"

	"leida/adapters/config"
	"leida/adapters/postgres"
	"leida/adapters/qrcode"
	"leida/adapters/storage"
	"leida/adapters/wechat"
	appcard "leida/application/card"
	"leida/application/demo"
	"leida/application/logins"
	appradar "leida/application/radar"
	"leida/domain/card"
	"leida/ports"
)

func provideWeCom(cfg config.Config, clock ports.Clock) *wechat.WeCom {
	return wechat.NewWeCom(wechat.WeComConfig{BaseURL: cfg.WecomAPIBaseURL, CorpID: cfg.WecomCorpID,
		CorpSecret: cfg.WecomSecret}, nil, clock)
}

func provideMiniProgram(cfg config.Config, clock ports.Clock) *wechat.MiniProgram {
	return wechat.NewMiniProgram(wechat.MiniProgramConfig{BaseURL: cfg.WechatAPIBaseURL, AppID: cfg.WechatAppID,
		AppSecret: cfg.WechatAppSecret}, nil, clock)
}

func provideFileStore(cfg config.Config) storage.Local { return storage.Local{Root: cfg.MediaRoot} }

// provideCardConfig: the wxacode opens the mini-program card page; a local
// QR code (no WeChat credentials) encodes the same page on the front-end.
func provideCardConfig(cfg config.Config) appcard.Config {
	return appcard.Config{PagePath: card.DefaultPagePath, CardURL: cfg.FrontendBaseURL + "/" + card.DefaultPagePath}
}

func provideLoginConfig(cfg config.Config) logins.Config {
	return logins.Config{FrontendBaseURL: cfg.FrontendBaseURL, FrontendErrorPath: cfg.FrontendErrorPath}
}

func provideRadar(logs ports.AccessLogRepository, clock ports.Clock, cfg config.Config) *appradar.Service {
	return appradar.NewService(logs, clock, cfg.TimeZone)
}

// cardSet provides issue 4: WeChat logins, the business card, the radar.
var cardSet = wire.NewSet(
	postgres.NewCards, wire.Bind(new(ports.CardRepository), new(*postgres.Cards)),
	postgres.NewAccessLogs, wire.Bind(new(ports.AccessLogRepository), new(*postgres.AccessLogs)),
	postgres.NewLogins, wire.Bind(new(ports.LoginRepository), new(*postgres.Logins)),
	provideWeCom, wire.Bind(new(ports.WeComGateway), new(*wechat.WeCom)),
	provideMiniProgram, wire.Bind(new(ports.MiniProgramGateway), new(*wechat.MiniProgram)),
	provideFileStore, wire.Bind(new(ports.FileStore), new(storage.Local)),
	wire.InterfaceValue(new(ports.QRMaker), qrcode.Local{}),
	provideCardConfig, provideLoginConfig,
	appcard.NewVisits, wire.Bind(new(ports.CardVisits), new(*appcard.Visits)),
	appcard.NewEditor, wire.Bind(new(ports.CardEditor), new(*appcard.Editor)),
	provideRadar, wire.Bind(new(ports.Radar), new(*appradar.Service)),
	logins.NewService, wire.Bind(new(ports.WeChatLogins), new(*logins.Service)),
	wire.Struct(new(demo.RadarStores), "*"),
)
