package ports

import (
	"time"

	"leida/domain/ai"
)

// Deal is a customer whose deal ended, as the company recorded it.
type Deal struct {
	CustomerID int64
	Won        bool
	ClosedAt   time.Time // the closing day's midnight in the configured zone
}

// SignalsAt asks for a customer's signals as of a moment.
type SignalsAt struct {
	CustomerID int64
	At         time.Time
}

// StoredModel is a company's trained model and its training figures.
type StoredModel struct {
	CompanyID int64
	Model     ai.Model
	Counts    ai.Counts
	AUC       *float64
	Brier     *float64
	Holdout   int
	TrainedAt time.Time
}

// CustomerScore is a stored score.
type CustomerScore struct {
	CustomerID int64
	AIPr       int
	Tier       string
	Reasons    []ai.Reason
	Model      string
	ScoredAt   time.Time
}

// HotLead is a customer whose score rose enough to alert its reps.
type HotLead struct {
	CustomerID int64
	Reps       []int64
}

// Explanation is the ai_pr endpoint's answer.
type Explanation struct {
	CustomerID int64
	Score      CustomerScore
	Model      string
	DealsUsed  int
	TrainedAt  *time.Time
}
