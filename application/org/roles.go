package org

import (
	"context"
	"errors"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Roles implements the HTTP adapter\'s RoleAdmin (E09–E12). Roles are global; only
// platform admins write them.
type Roles struct {
	roles RoleRepository
}

// NewRoles wires the role use cases.
func NewRoles(roles RoleRepository) *Roles {
	return &Roles{roles: roles}
}

// ListRoles lists roles (E09); every user may read them.
func (s *Roles) ListRoles(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.Role, int, error) {
	return s.roles.List(ctx, q)
}

func (s *Roles) checkName(ctx context.Context, f *validate.Form, raw string, exceptID int64, takenMsg string) (string, error) {
	return f.Unique("name", raw, "角色名不能为空", 32, takenMsg, func(name string) (bool, error) {
		return s.roles.NameTaken(ctx, name, exceptID)
	})
}

// AddRole creates a role (E10) of level 2 or 3 (default 3).
func (s *Roles) AddRole(ctx context.Context, a org.Actor, in ports.RoleInput) (org.Role, error) {
	if !a.CanManageOrganisation() {
		return org.Role{}, errs.Forbidden()
	}
	f := validate.New()
	name, err := s.checkName(ctx, f, in.Name, 0, "角色名已存在")
	if err != nil {
		return org.Role{}, err
	}
	level := f.Choice("level", in.Level, int64(org.LevelMember), 2, 3)
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return org.Role{}, err
	}
	r := org.Role{Name: name, Level: org.Level(level)}
	if err := s.roles.Create(ctx, &r); err != nil {
		return org.Role{}, ports.DuplicateAs(err, validate.Refused(errs.CodeInvalidData, "name", "角色名已存在"))
	}
	return r, nil
}

// DeleteRole deletes a role no live user holds (E11). The check and the
// deletion are one step of the repository, so a user given the role
// meanwhile never loses it to the deletion.
func (s *Roles) DeleteRole(ctx context.Context, a org.Actor, id int64) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	return deleteUnused(s.roles.Delete(ctx, id), "角色ID不存在",
		errs.Conflict(errs.CodeInvalidForm, "该角色下存在用户,请转移用户后再试"))
}

// UpdateRole renames a role and may change its level (E12). The platform
// admin role keeps level 1.
func (s *Roles) UpdateRole(ctx context.Context, a org.Actor, id int64, in ports.RoleInput) error {
	if !a.CanManageOrganisation() {
		return errs.Forbidden()
	}
	r, err := s.roles.ByID(ctx, id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound("角色ID不存在"))
	}
	f := validate.New()
	name, err := s.checkName(ctx, f, in.Name, id, "角色已存在")
	if err != nil {
		return err
	}
	if in.Level != "" {
		level := org.Level(f.Choice("level", in.Level, int64(r.Level), 2, 3))
		if !f.Failed("level") {
			if r.Level == org.LevelPlatformAdmin && level != r.Level {
				f.Add("level", "超级管理员角色的级别不能修改")
			}
			r.Level = level
		}
	}
	if err := f.Err(errs.CodeInvalidForm); err != nil {
		return err
	}
	r.Name = name
	if err := s.roles.Save(ctx, r); err != nil {
		return ports.DuplicateAs(err, validate.Refused(errs.CodeInvalidForm, "name", "角色已存在"))
	}
	return nil
}

// deleteUnused answers a delete the repository makes only while nothing
// depends on the row: 302 missing when it is absent, inUse when something
// still depends on it (ErrInUse).
func deleteUnused(err error, missing string, inUse error) error {
	switch {
	case errors.Is(err, ports.ErrNotFound):
		return errs.NotFound(missing)
	case errors.Is(err, ports.ErrInUse):
		return inUse
	}
	return err
}
