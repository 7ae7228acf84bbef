package http

import (
	"strconv"
	"time"

	"github.com/labstack/echo/v4"

	dchat "leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/radar"
	"leida/ports"
)

func radarQuery(c echo.Context, list ports.ListQuery) ports.RadarQuery {
	return ports.RadarQuery{Action: query(c, "action"), ID: query(c, "id"), From: query(c, "create_date__gte"),
		To: query(c, "create_date__lt"), List: list}
}

type timelineItem struct {
	UserID     int64  `json:"user_id"`
	CustomerID int64  `json:"customer_id"`
	Headimgurl string `json:"headimgurl"`
	Log        string `json:"log"`
	CreateDate string `json:"create_date"`
}

// RadarTimeline is E31.
func (h *Handlers) RadarTimeline(c echo.Context) error {
	q, err := listQuery(c, 10)
	if err != nil {
		return err
	}
	logs, total, err := h.Radar.Timeline(c.Request().Context(), actor(c), radarQuery(c, q))
	if err != nil {
		return err
	}
	items := make([]timelineItem, len(logs))
	for i, l := range logs {
		items[i] = timelineItem{UserID: l.UserID, CustomerID: l.CustomerID, Headimgurl: l.Headimgurl, Log: l.Line(),
			CreateDate: wireTime(l.CreatedAt, h.Config.Location)}
	}
	return ok(c, "查询日志记录成功", newPage(items, total))
}

type countName struct {
	Count int    `json:"count"`
	Name  string `json:"name"`
}

type customerItem struct {
	TotalCount          int    `json:"totalCount"`
	CustomerID          int64  `json:"customer_id"`
	CustomerUsernameDoc string `json:"customer__username"`
	UserID              string `json:"user_id"`
	Headimgurl          string `json:"headimgurl"`
	Detail              object `json:"detail"`
	ActionCount         int    `json:"action_count"`
	CustomerUsername    string `json:"customer_username"`
	AIPr                string `json:"ai_pr"` // D10
}

// RadarByCustomer is E32 (D4: the document's item plus action_count and customer_username).
func (h *Handlers) RadarByCustomer(c echo.Context) error {
	q, err := listQuery(c, 10)
	if err != nil {
		return err
	}
	a := actor(c)
	sums, err := h.Radar.ByCustomer(c.Request().Context(), a, radarQuery(c, q))
	if err != nil {
		return err
	}
	uid := strconv.FormatInt(a.UserID, 10)
	items := make([]customerItem, len(sums))
	for i, s := range sums {
		detail := object{}
		for _, ac := range s.ByAction {
			detail = append(detail, field{strconv.Itoa(int(ac.Action)), countName{ac.Count, ac.Action.Label()}})
		}
		items[i] = customerItem{TotalCount: s.Total, CustomerID: s.CustomerID, CustomerUsernameDoc: s.Username, UserID: uid,
			Headimgurl: s.Headimgurl, Detail: detail, ActionCount: s.Total, CustomerUsername: s.Username,
			AIPr: customer.AIPrText(s.AIPr)}
	}
	return ok(c, "查询日志记录成功", items)
}

type actionCounts struct {
	Action object `json:"action"`
	Detail object `json:"detail"`
	UserID string `json:"user_id"`
}

// RadarByAction is E33 (D4: a one-element array).
func (h *Handlers) RadarByAction(c echo.Context) error {
	a := actor(c)
	counts, err := h.Radar.ByAction(c.Request().Context(), a, radarQuery(c, ports.ListQuery{}))
	if err != nil {
		return err
	}
	out := actionCounts{Action: object{}, Detail: object{}, UserID: strconv.FormatInt(a.UserID, 10)}
	for _, act := range radar.All() {
		out.Action = append(out.Action, field{strconv.Itoa(int(act)), act.Label()})
	}
	for _, ac := range counts {
		out.Detail = append(out.Detail, field{strconv.Itoa(int(ac.Action)), ac.Count})
	}
	return ok(c, "查询日志记录成功", []actionCounts{out})
}

// radarItem is the E47 item, and the data of an SSE radar event (D8).
type radarItem struct {
	UserID     int64  `json:"user_id"`
	CustomerID int64  `json:"customer_id"`
	Action     string `json:"action"`
	Log        string `json:"log"`
	CreateDate string `json:"create_date"`
}

// radarItemOf is the E47 item of a log.
func radarItemOf(l radar.Log, loc *time.Location) radarItem {
	return radarItem{UserID: l.UserID, CustomerID: l.CustomerID, Action: l.Action.Label(), Log: l.Line(),
		CreateDate: wireTime(l.CreatedAt, loc)}
}

// radarEventItem is the E47 item of a pushed access log (the SSE radar
// event, the radar.event webhook).
func radarEventItem(r dchat.RadarEvent, loc *time.Location) radarItem {
	return radarItemOf(radar.Log{UserID: r.UserID, CustomerID: r.CustomerID, Action: radar.Action(r.Action), Remark: r.Remark,
		CustomerUsername: r.CustomerName, CreatedAt: r.CreatedAt}, loc)
}

// RadarNewEvents is E47: each unread event once (paging validated, ignored).
func (h *Handlers) RadarNewEvents(c echo.Context) error {
	if _, err := listQuery(c, 10); err != nil {
		return err
	}
	logs, err := h.Radar.NewEvents(c.Request().Context(), actor(c), query(c, "action"), query(c, "order"))
	if err != nil {
		return err
	}
	items := make([]radarItem, len(logs))
	for i, l := range logs {
		items[i] = radarItemOf(l, h.Config.Location)
	}
	return ok(c, "查询日志记录成功", newPage(items, len(items)))
}

type detailItem struct {
	Count  int    `json:"count"`
	Name   string `json:"name"`
	Action int    `json:"action"`
}

type customerDetail struct {
	TotalCount int          `json:"totalCount"`
	CustomerID int64        `json:"customer_id"`
	Detail     []detailItem `json:"detail"`
}

// RadarCustomerDetail is A5: a one-element array holding an object keyed by customer id.
func (h *Handlers) RadarCustomerDetail(c echo.Context) error {
	sums, err := h.Radar.CustomerDetail(c.Request().Context(), actor(c), query(c, "customer_id"))
	if err != nil {
		return err
	}
	byCustomer := object{}
	for _, s := range sums {
		d := customerDetail{TotalCount: s.Total, CustomerID: s.CustomerID, Detail: make([]detailItem, len(s.ByAction))}
		for i, ac := range s.ByAction {
			d.Detail[i] = detailItem{Count: ac.Count, Name: ac.Action.Label(), Action: int(ac.Action)}
		}
		byCustomer = append(byCustomer, field{strconv.FormatInt(s.CustomerID, 10), d})
	}
	return ok(c, "查询日志记录成功", []object{byCustomer})
}
