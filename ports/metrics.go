package ports

import (
	"leida/domain/chat"
	"leida/domain/radar"
)

// WriteMetrics counts what the use cases wrote, called once the write's
// transaction has committed (so a rolled-back write is never counted).
// The metrics adapter implements it; nil means nothing is counted.
type WriteMetrics interface {
	RadarEventWritten(a radar.Action)
	ChatMessageWritten(t chat.SendType)
}
