package org

import (
	"context"
	"strings"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Companies implements the HTTP adapter\'s CompanyAdmin (E16–E19).
type Companies struct {
	companies CompanyRepository
	tx        ports.TxRunner
	tagGroups ports.TagGroupSeeder
}

// NewCompanies wires the company use cases.
func NewCompanies(companies CompanyRepository, tx ports.TxRunner, tagGroups ports.TagGroupSeeder) *Companies {
	return &Companies{companies: companies, tx: tx, tagGroups: tagGroups}
}

// ListCompanies lists all companies to platform admins and their own company
// to everyone else, with the contacts secret masked for non-platform admins.
func (s *Companies) ListCompanies(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.Company, int, error) {
	list, n, err := s.companies.List(ctx, a.Scope(), q)
	if err != nil {
		return nil, 0, err
	}
	if !a.IsPlatformAdmin() {
		for i := range list {
			list[i].TongxunluSecret = list[i].MaskedSecret()
		}
	}
	return list, n, nil
}

func (s *Companies) checkForm(ctx context.Context, in ports.CompanyInput, exceptID int64, takenMsg string, code int) (string, error) {
	f := validate.New()
	name, err := f.Unique("name", in.Name, "公司名不能为空", 128, takenMsg, func(name string) (bool, error) {
		return s.companies.NameTaken(ctx, name, exceptID)
	})
	if err != nil {
		return name, err
	}
	f.MaxLen("corp_id", strings.TrimSpace(in.CorpID.Value), 128)
	f.MaxLen("tongxunlu_secret", strings.TrimSpace(in.TongxunluSecret.Value), 256)
	f.MaxLen("area", strings.TrimSpace(in.Area.Value), 128)
	f.MaxLen("address", strings.TrimSpace(in.Address.Value), validate.MaxLongText)
	return name, f.Err(code)
}

// apply sets the optional fields that were sent.
func apply(c *org.Company, in ports.CompanyInput) {
	for _, f := range []struct {
		to *string
		in validate.Field
	}{{&c.CorpID, in.CorpID}, {&c.TongxunluSecret, in.TongxunluSecret}, {&c.Area, in.Area}, {&c.Address, in.Address}} {
		if f.in.Sent {
			*f.to = strings.TrimSpace(f.in.Value)
		}
	}
}

func duplicateCompany(err error, msg string, code int) error {
	return ports.DuplicateAs(err, validate.Refused(code, "name", msg))
}

// AddCompany creates a company (E17).
func (s *Companies) AddCompany(ctx context.Context, a org.Actor, in ports.CompanyInput) (org.Company, error) {
	if !a.CanManageOrganisation() {
		return org.Company{}, errs.Forbidden()
	}
	name, err := s.checkForm(ctx, in, 0, "公司名已存在", errs.CodeInvalidData)
	if err != nil {
		return org.Company{}, err
	}
	c := org.Company{Name: name}
	apply(&c, in)
	err = s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.companies.Create(ctx, &c); err != nil {
			return err
		}
		return s.tagGroups.EnsureDefaultGroups(ctx, c.ID)
	})
	if err != nil {
		return org.Company{}, duplicateCompany(err, "公司名已存在", errs.CodeInvalidData)
	}
	return c, nil
}

// DeleteCompany deletes a company without live users (E18); its data goes
// with it. The check and the deletion are one step of the repository, so a
// user added meanwhile is never deleted with the company.
func (s *Companies) DeleteCompany(ctx context.Context, a org.Actor, id int64) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	return deleteUnused(s.companies.Delete(ctx, a.Scope(), id), "公司ID不存在",
		errs.Conflict(errs.CodeInvalidForm, "该企业有关联用户,请转移用户后再试"))
}

// UpdateCompany changes a company (E19); absent optional fields stay.
func (s *Companies) UpdateCompany(ctx context.Context, a org.Actor, id int64, in ports.CompanyInput) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	c, err := s.companies.InScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound("公司ID不存在"))
	}
	name, err := s.checkForm(ctx, in, id, "公司名称已经存在", errs.CodeInvalidForm)
	if err != nil {
		return err
	}
	c.Name = name
	apply(&c, in)
	return duplicateCompany(s.companies.Save(ctx, c), "公司名称已经存在", errs.CodeInvalidForm)
}
