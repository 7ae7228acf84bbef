// Package org implements the organisation use cases: users, roles,
// permissions, companies and bootstrap.
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

// Users implements the HTTP adapter\'s UserAdmin (E01–E04).
type Users struct {
	users     UserRepository
	roles     RoleRepository
	companies CompanyRepository
	hasher    ports.PasswordHasher
	tokens    ports.TokenSource
	clock     ports.Clock
}

// NewUsers wires the user use cases.
func NewUsers(users UserRepository, roles RoleRepository, companies CompanyRepository,
	hasher ports.PasswordHasher, tokens ports.TokenSource, clock ports.Clock) *Users {
	return &Users{users: users, roles: roles, companies: companies, hasher: hasher, tokens: tokens, clock: clock}
}

// ListUsers lists the users the actor may see (E01).
func (s *Users) ListUsers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]org.User, int, error) {
	return s.users.List(ctx, a.Scope(), q)
}

// userForm is the validated user form. On an update, what was not sent
// stays: role and company nil, status 0.
type userForm struct {
	username string
	password string
	role     *org.Role
	company  *org.Company
	status   org.Status
}

// referenceID parses the id of the row a user refers to (its role or
// company): required when creating, optional otherwise; ok reports an id
// to look up.
func referenceID(f *validate.Form, field, raw, requiredMsg string, creating bool) (id int64, ok bool) {
	if creating {
		return f.Int(field, raw, requiredMsg, ""), !f.Failed(field)
	}
	return f.OptionalInt(field, raw, "")
}

// checkUserForm validates E02/E04 input; creating requires every field.
func (s *Users) checkUserForm(ctx context.Context, in ports.UserInput, exceptID int64, creating bool) (userForm, error) {
	f := validate.New()
	out, err := s.checkUserFields(ctx, f, in, exceptID, creating)
	if err != nil {
		return out, err
	}
	return out, f.Err(errs.CodeInvalidData)
}

// checkUserFields records the E02/E04 field errors of in into f (A13 adds
// its own); the error is a failure to check, not a field error.
func (s *Users) checkUserFields(ctx context.Context, f *validate.Form, in ports.UserInput, exceptID int64, creating bool) (userForm, error) {
	var out userForm
	f.MaxLen("userid", strings.TrimSpace(in.WeComUserID), 64)
	var err error
	out.username, err = f.Unique("username", in.Username, "用户名不能为空", 32, "用户名已存在", func(name string) (bool, error) {
		return s.users.UsernameTaken(ctx, name, exceptID)
	})
	if err != nil {
		return out, err
	}
	if creating {
		out.password = f.Required("password", in.Password, "密码不能为空")
	} else {
		out.password = in.Password
	}
	if id, ok := referenceID(f, "role_id", in.RoleID, "角色不能为空", creating); ok {
		r, err := s.roles.ByID(ctx, id)
		switch {
		case errors.Is(err, ports.ErrNotFound):
			f.Add("role_id", "角色ID不存在")
		case err != nil:
			return out, err
		default:
			out.role = &r
		}
	}
	if id, ok := referenceID(f, "company_id", in.CompanyID, "公司不能为空", creating); ok {
		c, err := s.companies.InScope(ctx, org.Scope{AllCompanies: true}, id)
		switch {
		case errors.Is(err, ports.ErrNotFound):
			f.Add("company_id", "公司id不存在")
		case err != nil:
			return out, err
		default:
			out.company = &c
		}
	}
	var def org.Status // 0: an update without status keeps it
	if creating || in.Status != "" {
		def = org.StatusEnabled // a blank status enables, as on creation
	}
	out.status = org.Status(f.Choice("status", in.Status, int64(def), 1, 2))
	return out, nil
}

// AddUser creates a user (E02): company admins within their company,
// platform admins anywhere.
func (s *Users) AddUser(ctx context.Context, a org.Actor, in ports.UserInput) (org.User, error) {
	if a.Level == org.LevelMember {
		return org.User{}, errs.Forbidden()
	}
	form, err := s.checkUserForm(ctx, in, 0, true)
	if err != nil {
		return org.User{}, err
	}
	if !a.CanWriteUsersIn(form.company.ID) || !a.CanGrant(form.role.Level) {
		return org.User{}, errs.Forbidden()
	}
	u, err := s.newUser(form, strings.TrimSpace(in.WeComUserID))
	if err != nil {
		return org.User{}, err
	}
	return u, s.create(ctx, &u, in)
}

// newUser is the user a valid add form describes.
func (s *Users) newUser(form userForm, wecomUserID string) (org.User, error) {
	hash, err := s.hasher.Hash(form.password)
	if err != nil {
		return org.User{}, err
	}
	token, err := s.tokens.NewToken()
	if err != nil {
		return org.User{}, err
	}
	return org.User{
		CompanyID:    form.company.ID,
		WeComUserID:  wecomUserID,
		Username:     form.username,
		PasswordHash: hash,
		Gender:       1,
		RoleID:       form.role.ID,
		IsShowPhone:  true,
		Token:        token,
		Avatar:       org.DefaultUserAvatar,
		Status:       form.status,
	}, nil
}

// create inserts u, answering a taken name or a reference deleted meanwhile
// as the form would.
func (s *Users) create(ctx context.Context, u *org.User, in ports.UserInput) error {
	if err := s.users.Create(ctx, u); err != nil {
		switch {
		case errors.Is(err, ports.ErrDuplicate):
			return usernameTaken()
		case errors.Is(err, ports.ErrMissingReference):
			return s.referenceGone(ctx, in, 0, true, err)
		}
		return err
	}
	return nil
}

// referenceGone answers a write the database refused because its company
// or role was deleted after the form was checked: the form checked again
// names the field, as if the deletion had come first.
func (s *Users) referenceGone(ctx context.Context, in ports.UserInput, exceptID int64, creating bool, err error) error {
	if _, ferr := s.checkUserForm(ctx, in, exceptID, creating); ferr != nil {
		return ferr
	}
	return err
}

func usernameTaken() error {
	return validate.Refused(errs.CodeInvalidData, "username", "用户名已存在")
}

// DeleteUser soft-deletes a user (E03): it is disabled, hidden and its token
// rotated; its history stays.
func (s *Users) DeleteUser(ctx context.Context, a org.Actor, id int64) error {
	if a.Level == org.LevelMember {
		return errs.Forbidden()
	}
	if id == a.UserID {
		return errs.Conflict(errs.CodeSelfDelete, "不允许删除自己")
	}
	token, err := s.tokens.NewToken()
	if err != nil {
		return err
	}
	err = s.users.Update(ctx, a.Scope(), id, func(u *org.User) error {
		if !a.CanWriteUser(*u) {
			return errs.Forbidden()
		}
		now := s.clock.Now()
		u.DeletedAt = &now
		u.Status = org.StatusDisabled
		u.Token = token
		return nil
	})
	return ports.NotFoundAs(err, errs.NotFound("用户ID不存在"))
}

// UpdateUser changes a user (E04). A new password or disabling the user
// rotates its token.
func (s *Users) UpdateUser(ctx context.Context, a org.Actor, id int64, in ports.UserInput) error {
	if a.Level == org.LevelMember {
		return errs.Forbidden()
	}
	target, err := s.users.InScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFoundEmpty())
	}
	if !a.CanWriteUser(target) {
		return errs.Forbidden()
	}
	form, err := s.checkUserForm(ctx, in, id, false)
	if err != nil {
		return err
	}
	if form.company != nil && !a.CanWriteUsersIn(form.company.ID) {
		return errs.Forbidden()
	}
	if form.role != nil && !a.CanGrant(form.role.Level) {
		return errs.Forbidden()
	}
	var hash, token string
	if form.password != "" {
		if hash, err = s.hasher.Hash(form.password); err != nil {
			return err
		}
	}
	if token, err = s.tokens.NewToken(); err != nil {
		return err
	}
	err = s.users.Update(ctx, a.Scope(), id, func(u *org.User) error {
		u.Username = form.username
		rotate := false
		if hash != "" {
			u.PasswordHash = hash
			rotate = true
		}
		if form.role != nil {
			u.RoleID = form.role.ID
		}
		if form.company != nil {
			u.CompanyID = form.company.ID
		}
		if form.status != 0 {
			if form.status == org.StatusDisabled && u.Status != org.StatusDisabled {
				rotate = true
			}
			u.Status = form.status
		}
		if rotate {
			u.Token = token
		}
		return nil
	})
	switch {
	case errors.Is(err, ports.ErrNotFound):
		return errs.NotFoundEmpty()
	case errors.Is(err, ports.ErrDuplicate):
		return usernameTaken()
	case errors.Is(err, ports.ErrMissingReference):
		return s.referenceGone(ctx, in, id, false, err)
	}
	return err
}
