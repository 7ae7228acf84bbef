// Package customers implements the CRM use cases: customers and what a
// company knows of them (E05–E08, E39–E41, A3), tags (E20–E24, A2), and the
// follow-up side (address book, phrases, notes: E34–E38, A4).
package customers

import (
	"context"
	"errors"
	"strings"
	"time"

	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/followup"
	"leida/domain/org"
	"leida/domain/tag"
	"leida/domain/validate"
	"leida/ports"
)

// Config is the use cases' configuration.
type Config struct {
	// Location is TIME_ZONE: relative days are calendar days there.
	Location *time.Location
}

// viewer is how the actor sees customers (D6): members through their own
// belonger rows, company and platform admins the whole company.
func viewer(a org.Actor) customer.Viewer {
	return customer.Viewer{CompanyID: a.CompanyID, UserID: a.UserID, WholeCompany: a.IsCompanyAdmin()}
}

// follow records a follow-up by the actor: the relation's last_follow_time
// and a note, in the caller's transaction.
func follow(ctx context.Context, repo FollowUpRepository, a org.Actor, customerID int64, note string, now time.Time) error {
	id, err := repo.Follow(ctx, a.CompanyID, a.UserID, customerID, now)
	if err != nil {
		return err
	}
	return repo.AddNote(ctx, a.CompanyID, id, note, now)
}

// Customers implements the HTTP adapter\'s CustomerDesk.
type Customers struct {
	tx        ports.TxRunner
	customers CustomerRepository
	tags      TagRepository
	followUps FollowUpRepository
	clock     ports.Clock
}

// NewCustomers wires the customer use cases.
func NewCustomers(tx ports.TxRunner, customers CustomerRepository, tags TagRepository,
	followUps FollowUpRepository, clock ports.Clock) *Customers {
	return &Customers{tx: tx, customers: customers, tags: tags, followUps: followUps, clock: clock}
}

// CustomerDetail is E05: 302 客户不存在 unless the caller sees the customer.
func (s *Customers) CustomerDetail(ctx context.Context, a org.Actor, raw string) (customer.Detail, error) {
	id, ok := validate.ParseInt(raw)
	if !ok || id <= 0 {
		return customer.Detail{}, errs.NotFound("客户不存在")
	}
	d, err := s.customers.Detail(ctx, viewer(a), id)
	if err != nil {
		return customer.Detail{}, ports.NotFoundAs(err, errs.NotFound("客户不存在"))
	}
	return d, nil
}

// visibleOnForm records 客户不存在 on field when the actor does not see the customer.
func visibleOnForm(ctx context.Context, customers CustomerRepository, f *validate.Form, a org.Actor, id int64, field string) error {
	_, err := customers.Visible(ctx, viewer(a), id)
	if errors.Is(err, ports.ErrNotFound) {
		f.Add(field, "客户不存在")
		return nil
	}
	return err
}

// UpdateInformation is E06: overwrites the company's information on the
// customer; username, when given, becomes the memo name.
func (s *Customers) UpdateInformation(ctx context.Context, a org.Actor, id int64, in ports.InformationInput) error {
	f := validate.New()
	if err := visibleOnForm(ctx, s.customers, f, a, id, "id"); err != nil {
		return err
	}
	f.Int("source", in.Source, "客户来源不能为空", "")
	memo := strings.TrimSpace(in.Username.Value)
	f.MaxLen("username", memo, 64)
	info := customer.Information{
		Phone: f.OptionalMobile("phone", in.Phone), Email: f.OptionalEmail("email", in.Email),
		Company: strings.TrimSpace(in.Company), Position: strings.TrimSpace(in.Position), Address: strings.TrimSpace(in.Address), Mem: strings.TrimSpace(in.Mem),
	}
	f.MaxLen("address", info.Address, validate.MaxLongText)
	f.MaxLen("mem", info.Mem, validate.MaxLongText) // optional (D4)
	f.MaxLen("email", info.Email, 254)
	f.MaxLen("company", info.Company, 256)
	f.MaxLen("position", info.Position, 256)
	if d, ok := f.OptionalDate("birthday", in.Birthday); ok {
		info.Birthday = &d
	}
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.customers.SaveInformation(ctx, a.CompanyID, id, info); err != nil {
			return err
		}
		if !in.Username.Sent || memo == "" {
			return nil
		}
		return s.customers.UpdateProfile(ctx, a.CompanyID, id, func(p *customer.Profile) { p.MemoName = &memo })
	})
}

// setExpectedTime is E39 inside the caller's transaction.
func (s *Customers) setExpectedTime(ctx context.Context, a org.Actor, id int64, raw string) error {
	f := validate.New()
	if err := visibleOnForm(ctx, s.customers, f, a, id, "customer_id"); err != nil {
		return err
	}
	d := f.Date("expected_time", raw, "预计成交日期")
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	if err := s.customers.UpdateProfile(ctx, a.CompanyID, id, func(p *customer.Profile) { p.ExpectedTime = &d }); err != nil {
		return err
	}
	return follow(ctx, s.followUps, a, id, followup.ExpectedTimeNote(d), s.clock.Now())
}

// setExpectedPr is E40 inside the caller's transaction.
func (s *Customers) setExpectedPr(ctx context.Context, a org.Actor, id int64, raw string) error {
	f := validate.New()
	if err := visibleOnForm(ctx, s.customers, f, a, id, "customer_id"); err != nil {
		return err
	}
	pr := f.Required("expedted_pr", raw, "预计成交概率")
	f.MaxLen("expedted_pr", pr, 64)
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	if err := s.customers.UpdateProfile(ctx, a.CompanyID, id, func(p *customer.Profile) { p.ExpectedPr = &pr }); err != nil {
		return err
	}
	return follow(ctx, s.followUps, a, id, followup.ExpectedPrNote(pr), s.clock.Now())
}

// tagListForm reads a JSON list of ids: 301 with the field error when
// missing or not a list.
func tagListForm(field string, values []string, lenient bool) ([]int64, error) {
	f := validate.New()
	if len(values) == 0 || (!lenient && strings.TrimSpace(values[len(values)-1]) == "") {
		f.AddCode(field, validate.MsgRequired, validate.CodeRequired)
		return nil, f.Err(errs.CodeInvalidData)
	}
	ids, ok := tag.ParseIDList(values, lenient)
	if !ok {
		f.AddCode(field, "Enter a valid JSON.", validate.CodeInvalid)
		return nil, f.Err(errs.CodeInvalidData)
	}
	return ids, nil
}

// setTags is E41 inside the caller's transaction.
func (s *Customers) setTags(ctx context.Context, a org.Actor, id int64, values []string) error {
	ids, err := tagListForm("tag_list", values, false)
	if err != nil {
		return err
	}
	if _, err := s.customers.Visible(ctx, viewer(a), id); err != nil {
		return ports.NotFoundAs(err, errs.NotFound("客户不存在"))
	}
	found, err := s.tags.Existing(ctx, a.CompanyID, ids)
	if err != nil {
		return err
	}
	if len(found) == 0 {
		return errs.InvalidMsg(errs.CodeInvalidData, "用户标签不存在")
	}
	keep := make([]int64, len(found))
	names := make([]string, len(found))
	for i, t := range found {
		keep[i], names[i] = t.ID, t.Name
	}
	if err := s.tags.ReplaceCustomerTags(ctx, a.CompanyID, id, keep); err != nil {
		return err
	}
	return follow(ctx, s.followUps, a, id, followup.TagsNote(names), s.clock.Now())
}

// UpdateExpectedTime is E39.
func (s *Customers) UpdateExpectedTime(ctx context.Context, a org.Actor, id int64, raw string) error {
	return s.tx.Run(ctx, func(ctx context.Context) error { return s.setExpectedTime(ctx, a, id, raw) })
}

// UpdateExpectedPr is E40 (for the caller, not the legacy's customer-as-user).
func (s *Customers) UpdateExpectedPr(ctx context.Context, a org.Actor, id int64, raw string) error {
	return s.tx.Run(ctx, func(ctx context.Context) error { return s.setExpectedPr(ctx, a, id, raw) })
}

// UpdateTags is E41.
func (s *Customers) UpdateTags(ctx context.Context, a org.Actor, id int64, values []string) error {
	return s.tx.Run(ctx, func(ctx context.Context) error { return s.setTags(ctx, a, id, values) })
}

// UpdateCustomer is E07: E41 (if tag_list), then E40 (if expedted_pr), then
// E39 (if expected_time), in one transaction; the first failure answers
// that endpoint's error and nothing is written.
func (s *Customers) UpdateCustomer(ctx context.Context, a org.Actor, id int64, in ports.CustomerUpdateInput) error {
	var steps []func(context.Context) error
	if len(in.TagList) > 0 && strings.TrimSpace(in.TagList[len(in.TagList)-1]) != "" {
		steps = append(steps, func(ctx context.Context) error { return s.setTags(ctx, a, id, in.TagList) })
	}
	if strings.TrimSpace(in.ExpectedPr) != "" {
		steps = append(steps, func(ctx context.Context) error { return s.setExpectedPr(ctx, a, id, in.ExpectedPr) })
	}
	if strings.TrimSpace(in.ExpectedTime) != "" {
		steps = append(steps, func(ctx context.Context) error { return s.setExpectedTime(ctx, a, id, in.ExpectedTime) })
	}
	if len(steps) == 0 {
		f := validate.New()
		if err := visibleOnForm(ctx, s.customers, f, a, id, "customer_id"); err != nil {
			return err
		}
		return f.Err(errs.CodeInvalidForm)
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		for _, step := range steps {
			if err := step(ctx); err != nil {
				return err
			}
		}
		return nil
	})
}

// DeleteCustomer is E08. Company admins remove everything the company knows
// about the customer; a member removes only their own binding and
// follow-up, and the company's knowledge goes when no rep keeps the
// customer. The shared identity always stays.
func (s *Customers) DeleteCustomer(ctx context.Context, a org.Actor, id int64) error {
	if _, err := s.customers.Visible(ctx, viewer(a), id); err != nil {
		return ports.NotFoundAs(err, errs.NotFound("用户ID不存在"))
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		if a.IsCompanyAdmin() {
			return s.customers.Forget(ctx, a.CompanyID, id)
		}
		remaining, err := s.customers.Unbind(ctx, a.CompanyID, a.UserID, id)
		if err != nil || remaining > 0 {
			return err
		}
		return s.customers.Forget(ctx, a.CompanyID, id)
	})
}

// ExportCustomers calls each for every customer the caller sees (D6: a
// member its own, a company admin the company's), by id.
func (s *Customers) ExportCustomers(ctx context.Context, a org.Actor, each func(customer.ExportRow) error) error {
	return s.customers.ExportCustomers(ctx, viewer(a), exportBatch, each)
}

// exportBatch is how many customers an export reads at a time.
const exportBatch = 1000

// SearchCustomers is A3: visible customers whose name contains username.
func (s *Customers) SearchCustomers(ctx context.Context, a org.Actor, username string, q ports.ListQuery) ([]customer.Customer, int, error) {
	f := validate.New()
	name := f.Required("username", username, validate.MsgRequired)
	if err := f.ErrRequest(); err != nil {
		return nil, 0, err
	}
	filters := map[string]string{"username": name}
	for k, v := range q.Filters {
		if k != "username" {
			filters[k] = v
		}
	}
	q.Filters = filters
	return s.customers.Search(ctx, viewer(a), q)
}
