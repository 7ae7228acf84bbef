package main

import (
	"github.com/google/wire"

	"leida/ports"
)

// customersSet provides issue 3: customers, tags, follow-ups.
var customersSet = wire.NewSet(
	wire.InterfaceValue(new(ports.CustomerDesk), struct{}{}),
	wire.InterfaceValue(new(ports.TagDesk), struct{}{}),
	wire.InterfaceValue(new(ports.FollowUpDesk), struct{}{}),
)
