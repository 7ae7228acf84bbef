package ports

import (
	"context"

	"leida/domain/followup"
	"leida/domain/validate"
)

// ---- what the HTTP adapter and the use cases exchange

// InformationInput is the E06 form (raw values).
type InformationInput struct {
	Source   string
	Username validate.Field
	Phone    string
	Email    string
	Company  string
	Position string
	Address  string
	Birthday string
	Mem      string
}

// CustomerUpdateInput is the E07 form: each field empty when not sent.
type CustomerUpdateInput struct {
	TagList      []string
	ExpectedPr   string
	ExpectedTime string
}

// PhraseList is E35's answer.
type PhraseList struct {
	Own     []followup.Phrase // the caller's page
	OwnAll  int               // the caller's phrases in all
	Globals []followup.Phrase // every global phrase, newest first
}

// ---- shared by several consumers

// TagGroupSeeder creates the default tag groups of a company.
type TagGroupSeeder interface {
	// EnsureDefaultGroups creates the groups of tag.DefaultGroups the company
	// lacks, each with its example tags.
	EnsureDefaultGroups(ctx context.Context, companyID int64) error
}
