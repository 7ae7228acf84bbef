package directory

import (
	"context"
	"errors"
	"strings"

	"leida/domain/directory"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Department form messages (legacy A14).
const (
	msgDeptNameTaken   = "部门名已存在"
	msgDeptNotFound    = "部门ID不存在"
	msgDeptParent      = "上级部门不存在"
	msgDeptNameChars   = `部门名不能含有 \:*?"<>| 字符`
	msgDeptHasChildren = "含有子级数据,请先删除或转移子级数据"
	deptNameMaxLen     = 64 // WeCom's limit
)

// Departments manages a company's departments, in WeCom and in Leida.
type Departments struct {
	store DepartmentStore
	gw    Gateway
}

// NewDepartments is the department admin.
func NewDepartments(store DepartmentStore, gw Gateway) *Departments {
	return &Departments{store: store, gw: gw}
}

// ListDepartments is A14's list: the departments in the caller's reach, newest first.
func (s *Departments) ListDepartments(ctx context.Context, a org.Actor, filters map[string]string) ([]directory.LocalDepartment, error) {
	if !a.IsCompanyAdmin() {
		return nil, errs.Forbidden()
	}
	return s.store.ListDepartments(ctx, a.Scope(), filters)
}

// checkName validates a department name into f: required, at most WeCom's
// 64 characters, none WeCom refuses, not taken in the company.
func (s *Departments) checkName(ctx context.Context, f *validate.Form, companyID int64, name string, exceptID int64) (string, error) {
	if strings.ContainsAny(name, `\:*?"<>|`) {
		f.Add("name", msgDeptNameChars)
		return name, nil
	}
	return f.Unique("name", name, validate.MsgRequired, deptNameMaxLen, msgDeptNameTaken, func(v string) (bool, error) {
		return s.store.DepartmentNameTaken(ctx, companyID, v, exceptID)
	})
}

// targetCompany is the company a form writes to: the platform admin's
// choice, else the caller's own; another company is out of reach.
func targetCompany(a org.Actor, f *validate.Form, company validate.Field) (int64, error) {
	if !company.Sent || strings.TrimSpace(company.Value) == "" {
		return a.CompanyID, nil
	}
	id, ok := validate.ParseInt(company.Value)
	if !ok {
		f.AddCode("company_id", validate.MsgInt, "invalid")
		return 0, nil
	}
	if id != a.CompanyID && !a.IsPlatformAdmin() {
		return 0, errs.Forbidden()
	}
	return id, nil
}

// parent resolves the parent field: a department of the same company.
func (s *Departments) parent(ctx context.Context, f *validate.Form, companyID int64, v validate.Field) (directory.LocalDepartment, error) {
	if !v.Sent || strings.TrimSpace(v.Value) == "" || strings.TrimSpace(v.Value) == "0" {
		return directory.LocalDepartment{}, nil
	}
	id, ok := validate.ParseInt(v.Value)
	if !ok {
		f.AddCode("parentid", validate.MsgInt, "invalid")
		return directory.LocalDepartment{}, nil
	}
	p, err := s.store.DepartmentInScope(ctx, org.Scope{CompanyID: companyID}, id)
	if err != nil {
		if errors.Is(err, ports.ErrNotFound) {
			f.Add("parentid", msgDeptParent)
			return directory.LocalDepartment{}, nil
		}
		return directory.LocalDepartment{}, err
	}
	return p, nil
}

// AddDepartment creates a department in WeCom (when the company has its directory
// there) and in Leida; WeCom refusing keeps nothing, Leida failing after
// WeCom accepted removes it from WeCom again.
func (s *Departments) AddDepartment(ctx context.Context, a org.Actor, form ports.DepartmentInput) (directory.LocalDepartment, error) {
	if !a.IsCompanyAdmin() {
		return directory.LocalDepartment{}, errs.Forbidden()
	}
	f := validate.New()
	companyID, err := targetCompany(a, f, form.Company)
	if err != nil {
		return directory.LocalDepartment{}, err
	}
	name, err := s.checkName(ctx, f, companyID, form.Name.Value, 0)
	if err != nil {
		return directory.LocalDepartment{}, err
	}
	parent, err := s.parent(ctx, f, companyID, form.ParentID)
	if err != nil {
		return directory.LocalDepartment{}, err
	}
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return directory.LocalDepartment{}, err
	}
	corp, err := s.store.Corp(ctx, companyID)
	if err != nil {
		return directory.LocalDepartment{}, err
	}
	d := directory.LocalDepartment{CompanyID: companyID, Name: name, ParentID: parent.ID}
	if corp.Configured() {
		if d.WeComID, err = s.gw.CreateDepartment(ctx, corp, name, weComParent(parent)); err != nil {
			return directory.LocalDepartment{}, weComRefused(err)
		}
	}
	if err := s.store.CreateDepartment(ctx, &d); err != nil {
		if d.WeComID != 0 {
			_ = s.gw.DeleteDepartment(context.WithoutCancel(ctx), corp, d.WeComID) // compensate
		}
		return directory.LocalDepartment{}, ports.DuplicateAs(err, validate.Refused(errs.CodeInvalidData, "name", msgDeptNameTaken))
	}
	return d, nil
}

// weComParent is the WeCom id a department goes under.
func weComParent(parent directory.LocalDepartment) int64 {
	if parent.WeComID != 0 {
		return parent.WeComID
	}
	return directory.RootDepartment
}

// UpdateDepartment renames or moves a department, in WeCom first; Leida failing
// afterwards puts WeCom back.
func (s *Departments) UpdateDepartment(ctx context.Context, a org.Actor, id int64, form ports.DepartmentInput) error {
	if !a.IsCompanyAdmin() {
		return errs.Forbidden()
	}
	cur, err := s.store.DepartmentInScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound(msgDeptNotFound))
	}
	f := validate.New()
	next := cur
	if form.Name.Sent {
		if next.Name, err = s.checkName(ctx, f, cur.CompanyID, form.Name.Value, cur.ID); err != nil {
			return err
		}
	}
	var parent directory.LocalDepartment
	if form.ParentID.Sent {
		if parent, err = s.parent(ctx, f, cur.CompanyID, form.ParentID); err != nil {
			return err
		}
		below, err := s.isBelow(ctx, cur.CompanyID, parent, cur.ID)
		if err != nil {
			return err
		}
		if below {
			f.Add("parentid", msgDeptParent) // under itself: a cycle
		}
		next.ParentID = parent.ID
	}
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	if next == cur {
		return nil
	}
	corp, err := s.store.Corp(ctx, cur.CompanyID)
	if err != nil {
		return err
	}
	writeWeCom := corp.Configured() && cur.WeComID != 0
	var oldParent directory.LocalDepartment
	if writeWeCom {
		if cur.ParentID != 0 {
			if oldParent, err = s.store.DepartmentInScope(ctx, org.Scope{CompanyID: cur.CompanyID}, cur.ParentID); err != nil {
				return err
			}
		}
		if !form.ParentID.Sent {
			parent = oldParent
		}
		err := s.gw.UpdateDepartment(ctx, corp, directory.Department{ID: cur.WeComID, Name: next.Name, ParentID: weComParent(parent)})
		if err != nil {
			return weComRefused(err)
		}
	}
	if err := s.store.SaveDepartment(ctx, next); err != nil {
		if writeWeCom {
			_ = s.gw.UpdateDepartment(context.WithoutCancel(ctx), corp,
				directory.Department{ID: cur.WeComID, Name: cur.Name, ParentID: weComParent(oldParent)}) // compensate
		}
		return ports.NotFoundAs(err, errs.NotFound(msgDeptNotFound))
	}
	return nil
}

// maxDepth bounds the walk up a department's parents (WeCom allows 15 levels).
const maxDepth = 32

// isBelow reports whether d is the department id or one of its descendants
// (moving id under d would make a cycle).
func (s *Departments) isBelow(ctx context.Context, companyID int64, d directory.LocalDepartment, id int64) (bool, error) {
	for depth := 0; d.ID != 0 && depth < maxDepth; depth++ {
		if d.ID == id {
			return true, nil
		}
		if d.ParentID == 0 {
			return false, nil
		}
		var err error
		if d, err = s.store.DepartmentInScope(ctx, org.Scope{CompanyID: companyID}, d.ParentID); err != nil {
			return false, err
		}
	}
	return d.ID != 0, nil // deeper than any real tree: treat as a cycle
}

// DeleteDepartment removes a department without live members or children, from WeCom
// and from Leida.
func (s *Departments) DeleteDepartment(ctx context.Context, a org.Actor, id int64) error {
	if !a.IsCompanyAdmin() {
		return errs.Forbidden()
	}
	cur, err := s.store.DepartmentInScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound(msgDeptNotFound))
	}
	corp, err := s.store.Corp(ctx, cur.CompanyID)
	if err != nil {
		return err
	}
	// Leida first, in a transaction that WeCom's refusal rolls back: the
	// delete cannot be compensated (WeCom would give the department a new id).
	err = s.store.DeleteDepartment(ctx, cur.CompanyID, cur.ID, func() error {
		if corp.Configured() && cur.WeComID != 0 {
			return weComRefused(s.gw.DeleteDepartment(ctx, corp, cur.WeComID))
		}
		return nil
	})
	if errors.Is(err, ports.ErrInUse) {
		return errs.Conflict(errs.CodeHasChildren, msgDeptHasChildren)
	}
	return ports.NotFoundAs(err, errs.NotFound(msgDeptNotFound))
}
