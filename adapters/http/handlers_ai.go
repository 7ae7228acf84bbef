package http

import (
	"github.com/labstack/echo/v4"

	"leida/domain/ai"
	"leida/domain/customer"
)

// ---- D10 the AI close probability

// UpdateOutcome records how a customer's deal ended (won, lost, open).
func (h *Handlers) UpdateOutcome(c echo.Context) error {
	err := h.AI.SetOutcome(c.Request().Context(), actor(c), pathID(c), formValue(c, "outcome"), formValue(c, "closed_at"))
	if err != nil {
		return err
	}
	return ok(c, "修改成功", nil)
}

type aiExplanation struct {
	CustomerID int64       `json:"customer_id"`
	AIPr       string      `json:"ai_pr"`
	Tier       string      `json:"tier"`
	Reasons    []ai.Reason `json:"reasons"`
	Model      string      `json:"model"`
	DealsUsed  int         `json:"deals_used"`
	TrainedAt  any         `json:"trained_at"` // null before the first training
}

// ExplainAIPr is the customer's AI close probability with its reasons.
func (h *Handlers) ExplainAIPr(c echo.Context) error {
	e, err := h.AI.Explain(c.Request().Context(), actor(c), query(c, "customer_id"))
	if err != nil {
		return err
	}
	pr := e.Score.AIPr
	out := aiExplanation{CustomerID: e.CustomerID, AIPr: customer.AIPrText(&pr), Tier: e.Score.Tier, Reasons: e.Score.Reasons,
		Model: e.Model, DealsUsed: e.DealsUsed, TrainedAt: wireTimePtr(e.TrainedAt, h.Config.Location)}
	if out.Reasons == nil {
		out.Reasons = []ai.Reason{}
	}
	return ok(c, "查询成功", out)
}
