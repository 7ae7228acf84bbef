package main

import (
	"github.com/google/wire"

	"leida/adapters/clock"
	"leida/adapters/config"
	"leida/adapters/qrcode"
	"leida/adapters/security"
	"leida/adapters/storage"
	webhooksender "leida/adapters/webhook"
	"leida/adapters/wechat"
	appcard "leida/application/card"
	appdirectory "leida/application/directory"
	"leida/application/logins"
	apporg "leida/application/org"
	"leida/application/webhooks"
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

func provideWebhookSender(cfg config.Config) *webhooksender.Sender {
	return webhooksender.NewSender(cfg.WebhookAllowPrivate)
}

func provideDirectoryGateway(cfg config.Config, clock ports.Clock) *wechat.Directory {
	return wechat.NewDirectory(cfg.WecomAPIBaseURL, nil, clock, 0)
}

func provideFileStore(cfg config.Config) storage.Local { return storage.Local{Root: cfg.MediaRoot} }

// externalSet is the rest of the outside world: the clock, tokens and
// password hashing, the WeChat and WeCom clients, the file store, QR codes,
// the webhook receivers.
var externalSet = wire.NewSet(
	wire.InterfaceValue(new(ports.Clock), clock.System{}),
	wire.InterfaceValue(new(ports.TokenSource), security.Tokens{}),
	wire.InterfaceValue(new(ports.PasswordHasher), security.Argon2{}),
	provideWeCom, wire.Bind(new(logins.WeComGateway), new(*wechat.WeCom)),
	provideMiniProgram,
	wire.Bind(new(logins.MiniProgramGateway), new(*wechat.MiniProgram)),
	wire.Bind(new(appcard.MiniProgramGateway), new(*wechat.MiniProgram)),
	provideFileStore, wire.Bind(new(ports.FileStore), new(storage.Local)),
	wire.InterfaceValue(new(appcard.QRMaker), qrcode.Local{}),
	provideWebhookSender, wire.Bind(new(webhooks.Sender), new(*webhooksender.Sender)),
	provideDirectoryGateway, wire.Bind(new(appdirectory.Gateway), new(*wechat.Directory)),
	wire.Bind(new(apporg.DirectoryWriter), new(*wechat.Directory)),
)
