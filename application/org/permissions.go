package org

import (
	"context"
	"errors"
	"strings"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Permissions implements the HTTP adapter\'s PermissionAdmin (E13–E15, A1).
type Permissions struct {
	perms PermissionRepository
}

// NewPermissions wires the permission use cases.
func NewPermissions(perms PermissionRepository) *Permissions {
	return &Permissions{perms: perms}
}

// PermissionTree returns the whole menu tree (A1).
func (s *Permissions) PermissionTree(ctx context.Context, a org.Actor) (flat, roots []*org.PermissionNode, err error) {
	all, err := s.perms.All(ctx)
	if err != nil {
		return nil, nil, err
	}
	flat, roots = org.BuildPermissionTree(all)
	return flat, roots, nil
}

// checkForm validates E13/E15 input; exceptID is the edited row (0 on add).
func (s *Permissions) checkForm(ctx context.Context, in ports.PermissionInput, exceptID int64, code int) (org.Permission, error) {
	f := validate.New()
	var p org.Permission
	var err error
	p.Path, err = f.Unique("path", in.Path, "访问路径不能为空", 64, "路径已存在", func(path string) (bool, error) {
		return s.perms.PathTaken(ctx, path, exceptID)
	})
	if err != nil {
		return p, err
	}
	p.Icon = strings.TrimSpace(in.Icon)
	f.MaxLen("icon", p.Icon, 64)
	p.Title, err = f.Unique("title", in.Title, "功能名称不能为空", 64, "功能名称已存在", func(title string) (bool, error) {
		return s.perms.TitleTaken(ctx, title, exceptID)
	})
	if err != nil {
		return p, err
	}
	if pid, ok := f.OptionalInt("pid_id", in.ParentID, "父级id类型异常"); ok {
		all, err := s.perms.All(ctx)
		if err != nil {
			return p, err
		}
		found := false
		for _, x := range all {
			found = found || x.ID == pid
		}
		switch {
		case !found:
			f.Add("pid_id", "父级ID不存在")
		case exceptID != 0 && org.IsDescendant(all, exceptID, pid):
			f.Add("pid_id", "不能将自身或子级设为父级")
		default:
			p.ParentID = &pid
		}
	}
	if n := f.Int("order_num", in.OrderNum, "排序值不能为空", "排序值只能为数组类型"); !f.Failed("order_num") &&
		f.Within("order_num", n, validate.MinInt, validate.MaxInt) {
		p.OrderNum = int(n)
	}
	p.Component = strings.TrimSpace(in.Component)
	f.MaxLen("component", p.Component, 64)
	return p, f.Err(code)
}

func duplicatePermission(err error, code int) error {
	return ports.DuplicateAs(err, validate.Refused(code, "path", "路径已存在"))
}

// AddPermission creates a menu item (E13); the caller is its operator.
func (s *Permissions) AddPermission(ctx context.Context, a org.Actor, in ports.PermissionInput) (org.Permission, error) {
	if !a.CanManageOrganisation() {
		return org.Permission{}, errs.Forbidden()
	}
	p, err := s.checkForm(ctx, in, 0, errs.CodeInvalidData)
	if err != nil {
		return org.Permission{}, err
	}
	uid := a.UserID
	p.OperUserID = &uid
	if err := s.perms.Create(ctx, &p); err != nil {
		return org.Permission{}, duplicatePermission(err, errs.CodeInvalidData)
	}
	return p, nil
}

// DeletePermission deletes a leaf (E14).
func (s *Permissions) DeletePermission(ctx context.Context, a org.Actor, id int64) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	if _, err := s.perms.ByID(ctx, id); err != nil {
		return ports.NotFoundAs(err, errs.NotFound("用户ID不存在"))
	}
	hasChildren := errs.Conflict(errs.CodeHasChildren, "含有子级数据,请先删除或转移子级数据")
	n, err := s.perms.CountChildren(ctx, id)
	if err != nil {
		return err
	}
	if n > 0 {
		return hasChildren
	}
	err = s.perms.Delete(ctx, id)
	if errors.Is(err, ports.ErrDuplicate) { // a child appeared meanwhile (its foreign key refused)
		err = ports.ErrInUse
	}
	return deleteUnused(err, "用户ID不存在", hasChildren)
}

// UpdatePermission changes a menu item (E15); the operator stays.
func (s *Permissions) UpdatePermission(ctx context.Context, a org.Actor, id int64, in ports.PermissionInput) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	cur, err := s.perms.ByID(ctx, id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFoundEmpty())
	}
	p, err := s.checkForm(ctx, in, id, errs.CodeInvalidData)
	if err != nil {
		return err
	}
	p.ID, p.OperUserID, p.CreatedAt = cur.ID, cur.OperUserID, cur.CreatedAt
	return duplicatePermission(s.perms.Save(ctx, p), errs.CodeInvalidData)
}
