package ports

//go:generate go tool mockgen -destination=mocks/ai.go -package=mocks leida/ports AIStore

import (
	"context"
	"time"

	"leida/domain/ai"
	"leida/domain/customer"
	"leida/domain/org"
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

// AIStore is what the AI close probability reads and writes.
type AIStore interface {
	// Signals gathers each customer's signals as of its moment, from data
	// strictly before that moment (the company's logs, chats, notes, profile).
	Signals(ctx context.Context, companyID int64, at []SignalsAt) (map[int64]ai.Signals, error)
	// Deals lists the company's closed deals.
	Deals(ctx context.Context, companyID int64) ([]Deal, error)
	// OpenCustomers lists the company's customers whose deal is open.
	OpenCustomers(ctx context.Context, companyID int64) ([]int64, error)
	// Companies lists every company (for training).
	Companies(ctx context.Context) ([]int64, error)
	// CompaniesToTrain lists the companies with customers whose model is
	// missing, trained before staleBefore, or behind by newOutcomes outcomes.
	CompaniesToTrain(ctx context.Context, staleBefore time.Time, newOutcomes int) ([]int64, error)
	// Model is the company's stored model (ErrNotFound when none).
	Model(ctx context.Context, companyID int64) (StoredModel, error)
	// PooledCounts sums the stored bin counts of every company but one.
	PooledCounts(ctx context.Context, exceptCompanyID int64) (ai.Counts, error)
	SaveModel(ctx context.Context, m StoredModel) error
	// SaveScores stores scores and returns the customers that became hot
	// leads (the score rose by HotRise within a day, or entered tier A; at
	// most once a day each) with their reps.
	SaveScores(ctx context.Context, companyID int64, scores []CustomerScore, hotRise int) ([]HotLead, error)
	// Score is a customer's stored score (ErrNotFound when not scored yet).
	Score(ctx context.Context, companyID, customerID int64) (CustomerScore, error)
	// SetOutcome records how the deal ended (outcome 0 reopens it) and counts
	// one more outcome toward the next training; it returns those counted.
	SetOutcome(ctx context.Context, companyID, customerID int64, outcome customer.Outcome, closedAt *time.Time) (newOutcomes int, err error)
	// TakeRescores removes and returns up to limit queued customers.
	TakeRescores(ctx context.Context, limit int) (map[int64][]int64, error)
	// Queue queues customers to rescore.
	Queue(ctx context.Context, companyID int64, customerIDs []int64) error
	// TryTrainingLock holds the company's training lock for the call of fn
	// when no other instance holds it (reports false otherwise).
	TryTrainingLock(ctx context.Context, companyID int64, fn func(ctx context.Context) error) (bool, error)
}

// AIScores are the AI close probability's use cases.
type AIScores interface {
	// SetOutcome is update_outcome: the caller records how a visible customer's deal ended.
	SetOutcome(ctx context.Context, a org.Actor, customerID int64, outcome, closedAt string) error
	// Explain is the customer's stored score with its reasons (ai_pr endpoint).
	Explain(ctx context.Context, a org.Actor, customerID string) (Explanation, error)
}

// Explanation is the ai_pr endpoint's answer.
type Explanation struct {
	CustomerID int64
	Score      CustomerScore
	Model      string
	DealsUsed  int
	TrainedAt  *time.Time
}
