package main

import (
	"github.com/google/wire"

	"leida/ports"
)

// cardSet provides issue 4: WeChat logins, the business card, the radar.
var cardSet = wire.NewSet(
	wire.InterfaceValue(new(ports.WeChatLogins), struct{}{}),
	wire.InterfaceValue(new(ports.CardVisits), struct{}{}),
	wire.InterfaceValue(new(ports.CardEditor), struct{}{}),
	wire.InterfaceValue(new(ports.Radar), struct{}{}),
)
