package http

import (
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/labstack/echo/v4"

	"leida/domain/customer"
	"leida/domain/radar"
	"leida/ports"
)

// ---- exports that open in Excel (D9)

var (
	customerExportHeader = []string{"客户ID", "客户名称", "备注名", "电话", "公司", "职位", "来源", "所属销售", "标签",
		"预计成交日期", "预计成交率", "AI成交率", "成交状态", "最后活动时间", "最后跟进时间"}
	actionExportHeader = []string{"时间", "客户ID", "客户名称", "行为", "记录"}
)

// exportTime is a date-time cell in the configured zone ("" for none).
func exportTime(t *time.Time, loc *time.Location) string {
	if t == nil || t.IsZero() {
		return ""
	}
	return t.In(loc).Format(time.DateTime)
}

// exportCSV streams a CSV attachment of the rows produce writes. The file
// starts with the first row (or at the end, for none), so an error found
// before any row, such as a bad filter, is still an envelope; one after is
// logged and the connection cut, so the client sees a broken download,
// never a short file that looks whole.
func (h *Handlers) exportCSV(c echo.Context, name string, header []string, produce func(row func(cells ...string) error) error) error {
	var out *csvStream
	start := func() error {
		var err error
		if out == nil {
			out, err = startCSV(c, name, time.Now().In(h.Config.Location), header)
		}
		return err
	}
	err := produce(func(cells ...string) error {
		if err := start(); err != nil {
			return err
		}
		return out.Row(cells...)
	})
	if err == nil {
		if err = start(); err == nil {
			err = out.Close()
		}
	}
	if err != nil && out != nil {
		h.logger().Error("export cut short", "request_id", requestID(c), "export", name, "error", err.Error())
		panic(http.ErrAbortHandler)
	}
	return err
}

// ExportCustomers is customer/export: the caller's visible customers (D6).
func (h *Handlers) ExportCustomers(c echo.Context) error {
	loc := h.Config.Location
	return h.exportCSV(c, "customers", customerExportHeader, func(row func(...string) error) error {
		return h.Customers.ExportCustomers(c.Request().Context(), actor(c), func(r customer.ExportRow) error {
			var expected string
			if r.ExpectedTime != nil {
				expected = r.ExpectedTime.Format(time.DateOnly)
			}
			return row(strconv.FormatInt(r.ID, 10), r.Name, r.MemoName, r.Phone, r.Company, r.Position, r.Source.Label(),
				strings.Join(r.Belongers, ", "), strings.Join(r.Tags, ", "), expected, r.ExpectedPr, customer.AIPrText(r.AIPr),
				r.Outcome.Label(), exportTime(r.LastActivity, loc), exportTime(r.LastFollow, loc))
		})
	})
}

// ExportActions is action/export: the caller's radar events with E31's
// filters, newest first.
func (h *Handlers) ExportActions(c echo.Context) error {
	loc := h.Config.Location
	q := radarQuery(c, ports.ListQuery{})
	return h.exportCSV(c, "actions", actionExportHeader, func(row func(...string) error) error {
		return h.Radar.ExportTimeline(c.Request().Context(), actor(c), q, func(l radar.Log) error {
			return row(exportTime(&l.CreatedAt, loc), strconv.FormatInt(l.CustomerID, 10), l.CustomerUsername, l.Action.Label(), l.Line())
		})
	})
}
