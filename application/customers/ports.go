package customers

//go:generate go tool mockgen -destination=mocks/ports.go -package=mocks leida/application/customers CustomerRepository,TagRepository,FollowUpRepository,PhraseRepository

import (
	"context"
	"time"

	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/paging"
	"leida/domain/tag"
	"leida/ports"
)

// CustomerRepository stores what companies know about customers; every
// method is scoped by the viewer's (or the given) company.
type CustomerRepository interface {
	// Visible finds the customer if the viewer may see it (ErrNotFound otherwise).
	Visible(ctx context.Context, v customer.Viewer, id int64) (customer.Customer, error)
	// Detail is the customer as the viewer's company knows it (ErrNotFound when invisible).
	Detail(ctx context.Context, v customer.Viewer, id int64) (customer.Detail, error)
	// Search lists visible customers whose name contains q.Filters["username"].
	Search(ctx context.Context, v customer.Viewer, q ports.ListQuery) ([]customer.Customer, int, error)
	// ExportCustomers calls each for every customer the viewer sees, by
	// id, reading batch customers at a time.
	ExportCustomers(ctx context.Context, v customer.Viewer, batch int, each func(customer.ExportRow) error) error
	// SaveInformation overwrites (or creates) the company's information on the customer.
	SaveInformation(ctx context.Context, companyID, customerID int64, info customer.Information) error
	// UpdateProfile applies fn to the company's profile of the customer (created when missing).
	UpdateProfile(ctx context.Context, companyID, customerID int64, fn func(*customer.Profile)) error
	// Unbind removes the user's belonger row and follow-up relation (with its
	// notes) and returns how many reps of the company still keep the customer.
	Unbind(ctx context.Context, companyID, userID, customerID int64) (remaining int, err error)
	// Forget removes everything the company knows about the customer; the
	// shared identity stays.
	Forget(ctx context.Context, companyID, customerID int64) error
}

// TagRepository stores a company's tags and their links to customers.
type TagRepository interface {
	All(ctx context.Context, companyID int64) ([]tag.Tag, error)
	// WithCustomers lists the company's tags (filters id, name; order
	// create_date, id, name) with the customers the viewer sees, tags
	// without customers included.
	WithCustomers(ctx context.Context, v customer.Viewer, q ports.ListQuery) ([]tag.WithCustomers, error)
	// NameTaken: among all the company's tags (creatorID 0) or the creator's.
	NameTaken(ctx context.Context, companyID int64, name string, creatorID int64) (bool, error)
	// Group finds the company's group of that name, creating it when missing.
	Group(ctx context.Context, companyID int64, name string) (tag.Tag, error)
	Create(ctx context.Context, t *tag.Tag) error
	// Existing keeps the ids that are tags (not groups) of the company, in the given order.
	Existing(ctx context.Context, companyID int64, ids []int64) ([]tag.Tag, error)
	// Link attaches the company's tag to the customers (already linked ones
	// are kept; a tag of another company attaches nothing).
	Link(ctx context.Context, companyID, tagID int64, customerIDs []int64) error
	// ReplaceCustomerTags makes the company's tags of the customer exactly tagIDs.
	ReplaceCustomerTags(ctx context.Context, companyID, customerID int64, tagIDs []int64) error
}

// FollowUpRepository stores follow-up relations and notes.
type FollowUpRepository interface {
	// Follow creates or updates the relation (user, customer) with
	// last_follow_time = at and returns its id.
	Follow(ctx context.Context, companyID, userID, customerID int64, at time.Time) (int64, error)
	AddNote(ctx context.Context, companyID, followUpID int64, text string, at time.Time) error
	// Notes pages through the notes of the relation (user, customer) in the
	// company, oldest first; total counts them all.
	Notes(ctx context.Context, companyID, userID, customerID int64, p paging.Page) ([]followup.Note, int, error)
	// AddressBook lists the user's relations with customers bound to them
	// (source 0 = any), filters customer_id and create_date; order
	// customer__expedted_pr (default, descending), last_follow_time, last_activity_time.
	AddressBook(ctx context.Context, companyID, userID int64, source int, q ports.ListQuery) ([]followup.Entry, int, error)
}

// PhraseRepository stores canned phrases: the global ones (no company, no
// owner), readable by everyone, and each rep's own, in the rep's company.
type PhraseRepository interface {
	// Own pages through the user's phrases in the company (order
	// create_date, id; default newest first).
	Own(ctx context.Context, companyID, userID int64, q ports.ListQuery) ([]followup.Phrase, int, error)
	// Globals lists the global phrases, newest first.
	Globals(ctx context.Context) ([]followup.Phrase, error)
	// Taken reports whether the user (in the company) or the global list
	// already has the text.
	Taken(ctx context.Context, companyID, userID int64, text string) (bool, error)
	Create(ctx context.Context, p *followup.Phrase) error
	// DeleteOwn deletes the user's phrase in the company (ErrNotFound for
	// anyone else's, a global one included).
	DeleteOwn(ctx context.Context, companyID, userID, id int64) error
}
