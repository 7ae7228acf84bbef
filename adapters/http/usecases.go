package http

//go:generate go tool mockgen -destination=mocks/usecases.go -package=mocks leida/adapters/http Authenticator,UserAdmin,HealthChecker

import (
	"context"

	"leida/domain/card"
	"leida/domain/chat"
	"leida/domain/customer"
	"leida/domain/directory"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/paging"
	"leida/domain/radar"
	"leida/domain/tag"
	"leida/domain/webhook"
	"leida/ports"
)

// The use cases the handlers call, declared here by their consumer; the
// application's use-case structs implement them (cmd/leida binds them).
// Their inputs and results are in ports, shared with the application.

// Authenticator checks signed requests and password logins.
type Authenticator interface {
	AuthenticateUser(ctx context.Context, c ports.Credentials) (org.Actor, error)
	AuthenticateCustomer(ctx context.Context, c ports.Credentials) (customer.Visitor, error)
	Login(ctx context.Context, in ports.LoginInput) (ports.LoginResult, error)
}

// UserAdmin is E01–E04.
type UserAdmin interface {
	ListUsers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.User, int, error)
	AddUser(ctx context.Context, a org.Actor, in ports.UserInput) (org.User, error)
	DeleteUser(ctx context.Context, a org.Actor, id int64) error
	UpdateUser(ctx context.Context, a org.Actor, id int64, in ports.UserInput) error
}

// RoleAdmin is E09–E12.
type RoleAdmin interface {
	ListRoles(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.Role, int, error)
	AddRole(ctx context.Context, a org.Actor, in ports.RoleInput) (org.Role, error)
	DeleteRole(ctx context.Context, a org.Actor, id int64) error
	UpdateRole(ctx context.Context, a org.Actor, id int64, in ports.RoleInput) error
}

// PermissionAdmin is E13–E15 and A1.
type PermissionAdmin interface {
	PermissionTree(ctx context.Context, a org.Actor) (flat, roots []*org.PermissionNode, err error)
	AddPermission(ctx context.Context, a org.Actor, in ports.PermissionInput) (org.Permission, error)
	DeletePermission(ctx context.Context, a org.Actor, id int64) error
	UpdatePermission(ctx context.Context, a org.Actor, id int64, in ports.PermissionInput) error
}

// CompanyAdmin is E16–E19.
type CompanyAdmin interface {
	ListCompanies(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.Company, int, error)
	AddCompany(ctx context.Context, a org.Actor, in ports.CompanyInput) (org.Company, error)
	DeleteCompany(ctx context.Context, a org.Actor, id int64) error
	UpdateCompany(ctx context.Context, a org.Actor, id int64, in ports.CompanyInput) error
}

// CustomerDesk is E05–E08, E39–E41 and A3 (customers and what the company knows of them).
type CustomerDesk interface {
	// CustomerDetail is E05; customerID is the raw query value.
	CustomerDetail(ctx context.Context, a org.Actor, customerID string) (customer.Detail, error)
	UpdateInformation(ctx context.Context, a org.Actor, customerID int64, in ports.InformationInput) error
	UpdateCustomer(ctx context.Context, a org.Actor, customerID int64, in ports.CustomerUpdateInput) error
	DeleteCustomer(ctx context.Context, a org.Actor, customerID int64) error
	UpdateExpectedTime(ctx context.Context, a org.Actor, customerID int64, expectedTime string) error
	UpdateExpectedPr(ctx context.Context, a org.Actor, customerID int64, expectedPr string) error
	// UpdateTags is E41; tagList are the sent values of the field (none when absent).
	UpdateTags(ctx context.Context, a org.Actor, customerID int64, tagList []string) error
	// SearchCustomers is A3.
	SearchCustomers(ctx context.Context, a org.Actor, username string, q ports.ListQuery) ([]customer.Customer, int, error)
	// ExportCustomers calls each for every customer the caller sees.
	ExportCustomers(ctx context.Context, a org.Actor, each func(customer.ExportRow) error) error
}

// TagDesk is E20–E24 and A2 (customer tags).
type TagDesk interface {
	// TagsWithCustomers is E20: tags carried by customers the caller sees; total = tags kept.
	TagsWithCustomers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]tag.WithCustomers, int, error)
	// SearchTags is A2: E20 cut to the first tag.SearchLimit tags; total before the cut.
	SearchTags(ctx context.Context, a org.Actor, q ports.ListQuery) ([]tag.WithCustomers, int, error)
	TagGroups(ctx context.Context, a org.Actor) ([]tag.Group, error)
	// AddTagWithCustomers is E22; customerList are the sent values of the field.
	AddTagWithCustomers(ctx context.Context, a org.Actor, name string, customerList []string) error
	AddCustomTag(ctx context.Context, a org.Actor, customerID int64, name string) error
	// ReplaceCustomerTags is E24; tagList are the sent values of the field.
	ReplaceCustomerTags(ctx context.Context, a org.Actor, customerID int64, tagList []string) error
}

// FollowUpDesk is E34–E38 and A4 (address book, phrases, follow-up notes).
type FollowUpDesk interface {
	// AddressBook is E34; source is the raw customer__source value.
	AddressBook(ctx context.Context, a org.Actor, source string, q ports.ListQuery) ([]followup.Entry, int, error)
	ListPhrases(ctx context.Context, a org.Actor, q ports.ListQuery) (ports.PhraseList, error)
	AddPhrase(ctx context.Context, a org.Actor, text string) error
	DeletePhrase(ctx context.Context, a org.Actor, id int64) error
	// ListFollowNotes is E38; customerID is the raw query value.
	ListFollowNotes(ctx context.Context, a org.Actor, customerID string, q ports.ListQuery) ([]followup.Note, int, error)
	AddFollowNote(ctx context.Context, a org.Actor, customerID int64, text string) error
}

// WeChatLogins is E29 and E30.
type WeChatLogins interface {
	// WeComLogin runs the WeCom OAuth landing of company companyID and returns
	// where to redirect the browser (the front-end, or its error page).
	WeComLogin(ctx context.Context, companyID int64, code string) (redirect string, err error)
	MiniProgramLogin(ctx context.Context, in ports.MiniProgramLoginInput) (ports.MiniProgramLoginResult, error)
}

// CardVisits is the card as customers see it: E42–E46, A8, A9, action/record.
type CardVisits interface {
	ViewCard(ctx context.Context, v customer.Visitor, uid string, q ports.ListQuery) (ports.CardView, error)
	MyCards(ctx context.Context, v customer.Visitor, q ports.ListQuery) ([]card.Membership, int, error)
	Record(ctx context.Context, v customer.Visitor, uid string, ev ports.CardEvent) error
	RecordAction(ctx context.Context, v customer.Visitor, uid, action string) error
}

// CardEditor is the card as its owner edits it: A6, A7, E48–E53.
type CardEditor interface {
	MyCard(ctx context.Context, a org.Actor, q ports.ListQuery) ([]card.Card, error)
	SavePhone(ctx context.Context, a org.Actor, in ports.CardPhoneInput) error
	SaveInfo(ctx context.Context, a org.Actor, in ports.CardInfoInput) error
	SaveSign(ctx context.Context, a org.Actor, sign string) error
	UploadPhoto(ctx context.Context, a org.Actor, f ports.Upload) (card.Photo, error)
	DeletePhoto(ctx context.Context, a org.Actor, photoID string) error
	Photos(ctx context.Context, a org.Actor) ([]card.Photo, error)
	Tags(ctx context.Context, a org.Actor) ([]card.Tag, error)
	AddTag(ctx context.Context, a org.Actor, name string) (card.Tag, error)
	KeepTags(ctx context.Context, a org.Actor, tagList string) error
	DeleteTag(ctx context.Context, a org.Actor, id string) error
	// GenerateQRCode makes and stores the card's QR code (E48) and returns
	// its stored (relative) URL.
	GenerateQRCode(ctx context.Context, a org.Actor) (string, error)
}

// Radar is E31–E33, E47 and A5, always scoped to the calling rep.
type Radar interface {
	Timeline(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.Log, int, error)
	ByCustomer(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.CustomerSummary, error)
	ByAction(ctx context.Context, a org.Actor, q ports.RadarQuery) ([]radar.ActionCount, error)
	NewEvents(ctx context.Context, a org.Actor, action, order string) ([]radar.Log, error)
	CustomerDetail(ctx context.Context, a org.Actor, customerID string) ([]radar.CustomerSummary, error)
	// ExportTimeline calls each for every log E31 lists with the same filters, unpaged.
	ExportTimeline(ctx context.Context, a org.Actor, q ports.RadarQuery, each func(radar.Log) error) error
}

// AIScores are the AI close probability's use cases.
type AIScores interface {
	// SetOutcome is update_outcome: the caller records how a visible customer's deal ended.
	SetOutcome(ctx context.Context, a org.Actor, customerID int64, outcome, closedAt string) error
	// Explain is the customer's stored score with its reasons (ai_pr endpoint).
	Explain(ctx context.Context, a org.Actor, customerID string) (ports.Explanation, error)
}

// ChatDesk is the enterprise side: E25–E28.
type ChatDesk interface {
	Contacts(ctx context.Context, a org.Actor, p paging.Page) ([]chat.Contact, int, error)
	History(ctx context.Context, a org.Actor, in ports.ChatHistoryInput) ([]chat.Message, error)
	Send(ctx context.Context, a org.Actor, in ports.ChatSendInput) error
	Poll(ctx context.Context, a org.Actor, customerID string) ([]chat.Message, error)
}

// VisitorChat is the customer side (A10, D8).
type VisitorChat interface {
	History(ctx context.Context, v customer.Visitor, in ports.VisitorChatInput) ([]chat.Message, error)
	Poll(ctx context.Context, v customer.Visitor, uid string) ([]chat.Message, error)
	Send(ctx context.Context, v customer.Visitor, uid, msg string) error
}

// EventStreams opens push streams (D8).
type EventStreams interface {
	// Open subscribes the principal; lastEventID (may be "") resumes after that event.
	Open(ctx context.Context, p chat.Principal, lastEventID string) (ports.StreamSubscription, error)
	// Shutdown ends every open stream and refuses new ones.
	Shutdown()
}

// WebhookAdmin is the company admins' webhook endpoints and their deliveries.
type WebhookAdmin interface {
	ListWebhooks(ctx context.Context, a org.Actor) ([]webhook.Endpoint, error)
	AddWebhook(ctx context.Context, a org.Actor, in ports.WebhookInput) (webhook.Endpoint, error)
	UpdateWebhook(ctx context.Context, a org.Actor, id int64, in ports.WebhookInput) (webhook.Endpoint, error)
	DeleteWebhook(ctx context.Context, a org.Actor, id int64) error
	WebhookDeliveries(ctx context.Context, a org.Actor, webhookID string) ([]webhook.DeliveryRecord, error)
}

// DirectoryUserAdmin is A13: users kept in the company's WeCom directory too.
type DirectoryUserAdmin interface {
	ListDirectoryUsers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]ports.DirectoryUser, int, error)
	AddDirectoryUser(ctx context.Context, a org.Actor, in ports.DirectoryUserInput) (org.User, error)
	UpdateDirectoryUser(ctx context.Context, a org.Actor, id int64, in ports.DirectoryUserInput) error
	DeleteDirectoryUser(ctx context.Context, a org.Actor, id int64) error
}

// DepartmentAdmin is A14: a company's departments, in WeCom and in Leida.
type DepartmentAdmin interface {
	ListDepartments(ctx context.Context, a org.Actor, filters map[string]string) ([]directory.LocalDepartment, error)
	AddDepartment(ctx context.Context, a org.Actor, in ports.DepartmentInput) (directory.LocalDepartment, error)
	UpdateDepartment(ctx context.Context, a org.Actor, id int64, in ports.DepartmentInput) error
	DeleteDepartment(ctx context.Context, a org.Actor, id int64) error
}

// HealthChecker tells whether the database answers.
type HealthChecker interface {
	Ping(ctx context.Context) error
}
