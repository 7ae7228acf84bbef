package radar

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/radar AccessLogRepository

import (
	"context"

	"leida/domain/paging"
	"leida/domain/radar"
	"leida/ports"
)

// AccessLogRepository reads the rep's radar and marks its events read.
type AccessLogRepository interface {
	Timeline(ctx context.Context, companyID, userID int64, f ports.RadarFilter, q ports.ListQuery) ([]radar.Log, int, error)
	// ExportLogs calls each for every matching log of the rep, newest
	// first, reading batch logs at a time.
	ExportLogs(ctx context.Context, companyID, userID int64, f ports.RadarFilter, batch int, each func(radar.Log) error) error
	// MarkRead clears the unread flag of exactly these logs of the rep.
	MarkRead(ctx context.Context, companyID, userID int64, ids []int64) error
	ByCustomer(ctx context.Context, companyID, userID int64, f ports.RadarFilter, p paging.Page) ([]radar.CustomerSummary, error)
	ByAction(ctx context.Context, companyID, userID int64, f ports.RadarFilter) ([]radar.ActionCount, error)
	// ClaimNew marks at most limit unread logs of the rep read and returns
	// exactly them, newest first (oldest first when !newestFirst).
	ClaimNew(ctx context.Context, companyID, userID int64, action radar.Action, newestFirst bool, limit int) ([]radar.Log, error)
	// CustomerDetail counts the rep's logs per customer and action (customerID 0: every customer).
	CustomerDetail(ctx context.Context, companyID, userID, customerID int64) ([]radar.CustomerSummary, error)
}
