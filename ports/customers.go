package ports

import (
	"context"

	"leida/domain/customer"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/tag"
)

// ---- use cases the HTTP adapter calls

// InformationInput is the E06 form (raw values; Set tells a field was sent).
type InformationInput struct {
	Source      string
	Username    string
	UsernameSet bool
	Phone       string
	Email       string
	Company     string
	Position    string
	Address     string
	Birthday    string
	Mem         string
}

// CustomerUpdateInput is the E07 form: each field empty when not sent.
type CustomerUpdateInput struct {
	TagList      []string
	ExpedtedPr   string
	ExpectedTime string
}

// CustomerDesk is E05–E08, E39–E41 and A3 (customers and what the company knows of them).
type CustomerDesk interface {
	// CustomerDetail is E05; customerID is the raw query value.
	CustomerDetail(ctx context.Context, a org.Actor, customerID string) (customer.Detail, error)
	UpdateInformation(ctx context.Context, a org.Actor, customerID int64, in InformationInput) error
	UpdateCustomer(ctx context.Context, a org.Actor, customerID int64, in CustomerUpdateInput) error
	DeleteCustomer(ctx context.Context, a org.Actor, customerID int64) error
	UpdateExpectedTime(ctx context.Context, a org.Actor, customerID int64, expectedTime string) error
	UpdateExpectedPr(ctx context.Context, a org.Actor, customerID int64, expedtedPr string) error
	// UpdateTags is E41; tagList are the sent values of the field (none when absent).
	UpdateTags(ctx context.Context, a org.Actor, customerID int64, tagList []string) error
	// SearchCustomers is A3.
	SearchCustomers(ctx context.Context, a org.Actor, username string, q ListQuery) ([]customer.Customer, int, error)
}

// TagDesk is E20–E24 and A2 (customer tags).
type TagDesk interface {
	// TagsWithCustomers is E20: tags carried by customers the caller sees; total = tags kept.
	TagsWithCustomers(ctx context.Context, a org.Actor, q ListQuery) ([]tag.WithCustomers, int, error)
	// SearchTags is A2: E20 cut to the first tag.SearchLimit tags; total before the cut.
	SearchTags(ctx context.Context, a org.Actor, q ListQuery) ([]tag.WithCustomers, int, error)
	TagGroups(ctx context.Context, a org.Actor) ([]tag.Group, error)
	// AddTagWithCustomers is E22; customerList are the sent values of the field.
	AddTagWithCustomers(ctx context.Context, a org.Actor, name string, customerList []string) error
	AddCustomTag(ctx context.Context, a org.Actor, customerID int64, name string) error
	// ReplaceCustomerTags is E24; tagList are the sent values of the field.
	ReplaceCustomerTags(ctx context.Context, a org.Actor, customerID int64, tagList []string) error
}

// PhraseList is E35's answer.
type PhraseList struct {
	Own     []followup.Phrase // the caller's page
	OwnAll  int               // the caller's phrases in all
	Globals []followup.Phrase // every global phrase, newest first
}

// FollowUpDesk is E34–E38 and A4 (address book, phrases, follow-up notes).
type FollowUpDesk interface {
	// AddressBook is E34; source is the raw customer__source value.
	AddressBook(ctx context.Context, a org.Actor, source string, q ListQuery) ([]followup.Entry, int, error)
	ListPhrases(ctx context.Context, a org.Actor, q ListQuery) (PhraseList, error)
	AddPhrase(ctx context.Context, a org.Actor, text string) error
	DeletePhrase(ctx context.Context, a org.Actor, id int64) error
	// ListFollowNotes is E38; customerID is the raw query value.
	ListFollowNotes(ctx context.Context, a org.Actor, customerID string, q ListQuery) ([]followup.Note, int, error)
	AddFollowNote(ctx context.Context, a org.Actor, customerID int64, text string) error
}

// ---- repositories

// TagGroupSeeder creates the default tag groups of a company.
type TagGroupSeeder interface {
	// EnsureDefaultGroups creates the groups of tag.DefaultGroups the company
	// lacks, each with its example tags.
	EnsureDefaultGroups(ctx context.Context, companyID int64) error
}
