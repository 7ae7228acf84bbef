package ai

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/ai Repository,CustomerRepository,FollowUpRepository

import (
	"context"
	"time"

	"leida/domain/ai"
	"leida/domain/customer"
	"leida/ports"
)

// Repository is what the AI close probability reads and writes.
type Repository interface {
	// Signals gathers each customer's signals as of its moment, from data
	// strictly before that moment (the company's logs, chats, notes, profile).
	Signals(ctx context.Context, companyID int64, at []ports.SignalsAt) (map[int64]ai.Signals, error)
	// Deals lists the company's closed deals.
	Deals(ctx context.Context, companyID int64) ([]ports.Deal, error)
	// OpenCustomers lists the company's customers whose deal is open.
	OpenCustomers(ctx context.Context, companyID int64) ([]int64, error)
	// Companies lists every company (for training).
	Companies(ctx context.Context) ([]int64, error)
	// CompaniesToTrain lists the companies with customers whose model is
	// missing, trained before staleBefore, or behind by newOutcomes outcomes.
	CompaniesToTrain(ctx context.Context, staleBefore time.Time, newOutcomes int) ([]int64, error)
	// Model is the company's stored model (ErrNotFound when none).
	Model(ctx context.Context, companyID int64) (ports.StoredModel, error)
	// PooledCounts sums the stored bin counts of every company but one.
	PooledCounts(ctx context.Context, exceptCompanyID int64) (ai.Counts, error)
	SaveModel(ctx context.Context, m ports.StoredModel) error
	// SaveScores stores scores and returns the customers that became hot
	// leads (the score rose by HotRise within a day, or entered tier A; at
	// most once a day each) with their reps.
	SaveScores(ctx context.Context, companyID int64, scores []ports.CustomerScore, hotRise int) ([]ports.HotLead, error)
	// Score is a customer's stored score (ErrNotFound when not scored yet).
	Score(ctx context.Context, companyID, customerID int64) (ports.CustomerScore, error)
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

// CustomerRepository finds the customers the caller sees.
type CustomerRepository interface {
	// Visible finds the customer if the viewer may see it (ErrNotFound otherwise).
	Visible(ctx context.Context, v customer.Viewer, id int64) (customer.Customer, error)
}

// FollowUpRepository notes a deal's outcome in the follow-up relation.
type FollowUpRepository interface {
	// Follow creates or updates the relation (user, customer) with
	// last_follow_time = at and returns its id.
	Follow(ctx context.Context, companyID, userID, customerID int64, at time.Time) (int64, error)
	AddNote(ctx context.Context, companyID, followUpID int64, text string, at time.Time) error
}
