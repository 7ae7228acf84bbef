package customers

import (
	"context"
	"errors"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/tag"
	"leida/domain/validate"
	"leida/ports"
)

// Tags implements the HTTP adapter\'s TagDesk.
type Tags struct {
	tx        ports.TxRunner
	tags      TagRepository
	customers CustomerRepository
}

// NewTags wires the tag use cases.
func NewTags(tx ports.TxRunner, tags TagRepository, customers CustomerRepository) *Tags {
	return &Tags{tx: tx, tags: tags, customers: customers}
}

// TagsWithCustomers is E20: the company's tags carried by customers the
// caller sees, most carried first.
func (s *Tags) TagsWithCustomers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]tag.WithCustomers, int, error) {
	list, err := s.tags.WithCustomers(ctx, viewer(a), q)
	if err != nil {
		return nil, 0, err
	}
	kept := tag.KeepTagged(list)
	return kept, len(kept), nil
}

// SearchTags is A2: E20 cut to the first tag.SearchLimit tags.
func (s *Tags) SearchTags(ctx context.Context, a org.Actor, q ports.ListQuery) ([]tag.WithCustomers, int, error) {
	kept, total, err := s.TagsWithCustomers(ctx, a, q)
	if len(kept) > tag.SearchLimit {
		kept = kept[:tag.SearchLimit]
	}
	return kept, total, err
}

// TagGroups is E21: the company's groups with their tags.
func (s *Tags) TagGroups(ctx context.Context, a org.Actor) ([]tag.Group, error) {
	all, err := s.tags.All(ctx, a.CompanyID)
	if err != nil {
		return nil, err
	}
	return tag.BuildGroups(all), nil
}

// checkName validates a new tag's name: unique in the company (creatorID
// 0) or among the creator's tags.
func (s *Tags) checkName(ctx context.Context, f *validate.Form, companyID int64, raw string, creatorID int64) (string, error) {
	return f.Unique("name", raw, "标签不能为空", 64, "标签名已存在", func(name string) (bool, error) {
		return s.tags.NameTaken(ctx, companyID, name, creatorID)
	})
}

// createCustom creates the actor's tag under 自定义 and links the customers.
func (s *Tags) createCustom(ctx context.Context, a org.Actor, name string, customerIDs []int64) error {
	err := s.tx.Run(ctx, func(ctx context.Context) error {
		group, err := s.tags.Group(ctx, a.CompanyID, tag.GroupCustom)
		if err != nil {
			return err
		}
		creator := a.UserID
		t := tag.Tag{CompanyID: a.CompanyID, ParentID: &group.ID, CreatorID: &creator, Name: name}
		if err := s.tags.Create(ctx, &t); err != nil {
			return err
		}
		return s.tags.Link(ctx, a.CompanyID, t.ID, customerIDs)
	})
	return ports.DuplicateAs(err, validate.Refused(errs.CodeInvalidData, "name", "标签名已存在"))
}

// AddTagWithCustomers is E22: a new custom tag (under 自定义, created by the
// caller) on the listed customers the caller sees.
func (s *Tags) AddTagWithCustomers(ctx context.Context, a org.Actor, rawName string, customerList []string) error {
	f := validate.New()
	name, err := s.checkName(ctx, f, a.CompanyID, rawName, 0)
	if err != nil {
		return err
	}
	var ids []int64
	if len(customerList) == 0 {
		f.AddCode("customer_list", validate.MsgRequired, validate.CodeRequired)
	} else if ids, err = tagListForm("customer_list", customerList, false); err != nil {
		e, _ := errs.As(err)
		for _, fe := range e.Fields {
			f.AddCode(fe.Field, fe.Message, fe.Code)
		}
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	var keep []int64
	for _, id := range ids {
		_, err := s.customers.Visible(ctx, viewer(a), id)
		if errors.Is(err, ports.ErrNotFound) {
			continue
		}
		if err != nil {
			return err
		}
		keep = append(keep, id)
	}
	if len(keep) == 0 {
		return errs.NotFound("标签关联客户不能为空")
	}
	return s.createCustom(ctx, a, name, keep)
}

// AddCustomTag is E23: a new tag of the caller (unique among their own)
// under 自定义, on the customer.
func (s *Tags) AddCustomTag(ctx context.Context, a org.Actor, customerID int64, rawName string) error {
	f := validate.New()
	name, err := s.checkName(ctx, f, a.CompanyID, rawName, a.UserID)
	if err != nil {
		return err
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	if _, err := s.customers.Visible(ctx, viewer(a), customerID); err != nil {
		return ports.NotFoundAs(err, errs.NotFound("标签关联客户不能为空"))
	}
	return s.createCustom(ctx, a, name, []int64{customerID})
}

// ReplaceCustomerTags is E24: the customer's tags become the listed ones (an
// empty list clears them). An id that is not one of the company's tags
// refuses the whole list (302 标签不存在), and nothing changes.
func (s *Tags) ReplaceCustomerTags(ctx context.Context, a org.Actor, customerID int64, tagList []string) error {
	ids, err := tagListForm("tag_list", tagList, true)
	if err != nil {
		return err
	}
	if _, err := s.customers.Visible(ctx, viewer(a), customerID); err != nil {
		return ports.NotFoundAs(err, errs.NotFound("标签关联客户不能为空"))
	}
	return s.tx.Run(ctx, func(ctx context.Context) error {
		found, err := s.tags.Existing(ctx, a.CompanyID, ids)
		if err != nil {
			return err
		}
		if len(found) != len(tag.Unique(ids)) {
			return errs.NotFound(tag.MsgTagMissing)
		}
		keep := make([]int64, len(found))
		for i, t := range found {
			keep[i] = t.ID
		}
		return s.tags.ReplaceCustomerTags(ctx, a.CompanyID, customerID, keep)
	})
}
