package org

import (
	"context"
	"encoding/json"
	"strings"

	"leida/domain/directory"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// DirectoryMembers is A13: the users of a company kept in its WeCom
// directory too. A write goes to WeCom first (with the company's corp_id
// and tongxunlu_secret, when it has them) and to Leida after; WeCom refusing
// keeps nothing (its errcode is the answer), Leida failing afterwards puts
// WeCom back. A delete is Leida's, in a transaction WeCom's refusal rolls back.
type DirectoryMembers struct {
	users       *Users
	tx          ports.TxRunner
	details     UserDetailsRepository
	memberships MembershipRepository
	wecom       DirectoryWriter
}

// NewDirectoryMembers is the A13 use case over the E01–E04 one.
func NewDirectoryMembers(users *Users, tx ports.TxRunner, details UserDetailsRepository, memberships MembershipRepository,
	wecom DirectoryWriter) *DirectoryMembers {
	return &DirectoryMembers{users: users, tx: tx, details: details, memberships: memberships, wecom: wecom}
}

// msgWeComRefused is the legacy message of a write WeCom refused.
const msgWeComRefused = "企业微信验证未通过"

func weComRefused(err error) error { return ports.WeComRefusal(err, msgWeComRefused) }

func corpOf(c org.Company) (directory.Corp, bool) {
	corp := directory.Corp{ID: c.CorpID, Secret: c.TongxunluSecret}
	return corp, corp.Configured()
}

// ListDirectoryUsers is the A13 list: E01's page, each user whole with its
// departments; for admins (it shows members' phones), unlike E01.
func (s *DirectoryMembers) ListDirectoryUsers(ctx context.Context, a org.Actor, q ports.ListQuery) ([]ports.DirectoryUser, int, error) {
	if a.Level == org.LevelMember {
		return nil, 0, errs.Forbidden()
	}
	page, total, err := s.users.ListUsers(ctx, a, q)
	if err != nil || len(page) == 0 {
		return nil, total, err
	}
	ids := make([]int64, len(page))
	for i, u := range page {
		ids[i] = u.ID
	}
	whole, err := s.details.Details(ctx, a.Scope(), ids)
	if err != nil {
		return nil, 0, err
	}
	depts, err := s.memberships.UserDepartments(ctx, ids)
	if err != nil {
		return nil, 0, err
	}
	out := make([]ports.DirectoryUser, 0, len(page))
	for _, u := range page {
		if w, ok := whole[u.ID]; ok {
			u = w
		}
		out = append(out, ports.DirectoryUser{User: u, Departments: depts[u.ID]})
	}
	return out, total, nil
}

// memberFields are A13's fields beyond E02/E04's, checked.
type memberFields struct {
	position, phone, mingpianPhone string
	departments                    []int64 // Leida's ids; nil when not sent
}

// checkMemberFields records A13's field errors into f; creating requires
// position, phone and mingpian_phone.
func checkMemberFields(f *validate.Form, in ports.DirectoryUserInput, creating bool) memberFields {
	var m memberFields
	if creating || in.Position.Sent {
		m.position = f.Required("position", in.Position.Value, "职位不能为空")
		f.MaxLen("position", m.position, 128)
	}
	if creating || in.Phone.Sent {
		m.phone = f.Mobile("phone", in.Phone.Value, "手机号不能为空")
	}
	if creating || in.MingpianPhone.Sent {
		m.mingpianPhone = f.Mobile("mingpian_phone", in.MingpianPhone.Value, "名片手机号不能为空")
	}
	if raw := strings.TrimSpace(in.DepartmentIDs.Value); in.DepartmentIDs.Sent {
		m.departments = []int64{}
		if raw != "" && json.Unmarshal([]byte(raw), &m.departments) != nil {
			f.Add("department_id", "部门ID格式错误")
		}
	}
	return m
}

// departments are the company's departments of ids; another company's is
// out of reach (非法请求).
func (s *DirectoryMembers) departments(ctx context.Context, companyID int64, ids []int64) ([]directory.LocalDepartment, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	found, err := s.memberships.DepartmentsIn(ctx, companyID, ids)
	if err != nil {
		return nil, err
	}
	if len(found) != len(uniq(ids)) {
		return nil, errs.Forbidden()
	}
	return found, nil
}

func uniq(ids []int64) map[int64]bool {
	m := map[int64]bool{}
	for _, id := range ids {
		m[id] = true
	}
	return m
}

func weComIDs(ds []directory.LocalDepartment) []int64 {
	var out []int64
	for _, d := range ds {
		if d.WeComID != 0 {
			out = append(out, d.WeComID)
		}
	}
	return out
}

func localIDs(ds []directory.LocalDepartment) []int64 {
	out := make([]int64, len(ds))
	for i, d := range ds {
		out[i] = d.ID
	}
	return out
}

// AddDirectoryUser is A13 add.
func (s *DirectoryMembers) AddDirectoryUser(ctx context.Context, a org.Actor, in ports.DirectoryUserInput) (org.User, error) {
	if a.Level == org.LevelMember {
		return org.User{}, errs.Forbidden()
	}
	f := validate.New()
	form, err := s.users.checkUserFields(ctx, f, in.UserInput, 0, true)
	if err != nil {
		return org.User{}, err
	}
	m := checkMemberFields(f, in, true)
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return org.User{}, err
	}
	if !a.CanWriteUsersIn(form.company.ID) || !a.CanGrant(form.role.Level) {
		return org.User{}, errs.Forbidden()
	}
	depts, err := s.departments(ctx, form.company.ID, m.departments)
	if err != nil {
		return org.User{}, err
	}
	userID := strings.TrimSpace(in.WeComUserID)
	u, err := s.users.newUser(form, userID)
	if err != nil {
		return org.User{}, err
	}
	if u.WeComUserID == "" {
		u.WeComUserID = "leida" + u.Token[:12] // unique enough, and never a member's real userid
	}
	u.Position, u.Phone, u.MingpianPhone = m.position, m.phone, m.mingpianPhone
	corp, inWeCom := corpOf(*form.company)
	if inWeCom {
		member := directory.Member{UserID: u.WeComUserID, Name: u.Username, Position: u.Position, Mobile: u.Phone,
			Departments: weComIDs(depts)}
		if err := s.wecom.CreateMember(ctx, corp, member); err != nil {
			return org.User{}, weComRefused(err)
		}
	}
	err = s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.users.create(ctx, &u, in.UserInput); err != nil {
			return err
		}
		return s.memberships.SetUserDepartments(ctx, u.CompanyID, u.ID, localIDs(depts))
	})
	if err != nil && inWeCom {
		_ = s.wecom.DeleteMember(context.WithoutCancel(ctx), corp, u.WeComUserID) // compensate
	}
	return u, err
}

// UpdateDirectoryUser is A13 update: what was sent changes, in WeCom first.
func (s *DirectoryMembers) UpdateDirectoryUser(ctx context.Context, a org.Actor, id int64, in ports.DirectoryUserInput) error {
	if a.Level == org.LevelMember {
		return errs.Forbidden()
	}
	target, err := s.users.users.InScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFoundEmpty())
	}
	if !a.CanWriteUser(target) {
		return errs.Forbidden()
	}
	f := validate.New()
	form, err := s.users.checkUserFields(ctx, f, in.UserInput, id, false)
	if err != nil {
		return err
	}
	m := checkMemberFields(f, in, false)
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return err
	}
	depts, err := s.departments(ctx, target.CompanyID, m.departments)
	if err != nil {
		return err
	}
	company, err := s.users.companies.InScope(ctx, org.Scope{AllCompanies: true}, target.CompanyID)
	if err != nil {
		return err
	}
	before, err := s.memberships.UserDepartments(ctx, []int64{id})
	if err != nil {
		return err
	}
	next := target
	next.Username = form.username
	if in.Position.Sent {
		next.Position = m.position
	}
	if in.Phone.Sent {
		next.Phone = m.phone
	}
	nextDepts := before[id]
	if m.departments != nil {
		nextDepts = depts
	}
	corp, inWeCom := corpOf(company)
	inWeCom = inWeCom && target.WeComUserID != ""
	if inWeCom {
		err := s.wecom.UpdateMember(ctx, corp, directory.Member{UserID: target.WeComUserID, Name: next.Username,
			Position: next.Position, Mobile: next.Phone, Departments: weComIDs(nextDepts)})
		if err != nil {
			return weComRefused(err)
		}
	}
	err = s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.users.UpdateUser(ctx, a, id, in.UserInput); err != nil {
			return err
		}
		err := s.users.users.Update(ctx, a.Scope(), id, func(u *org.User) error {
			if in.Position.Sent {
				u.Position = m.position
			}
			if in.Phone.Sent {
				u.Phone = m.phone
			}
			if in.MingpianPhone.Sent {
				u.MingpianPhone = m.mingpianPhone
			}
			return nil
		})
		if err != nil {
			return err
		}
		if m.departments != nil {
			return s.memberships.SetUserDepartments(ctx, target.CompanyID, id, localIDs(depts))
		}
		return nil
	})
	if err != nil && inWeCom {
		_ = s.wecom.UpdateMember(context.WithoutCancel(ctx), corp, directory.Member{UserID: target.WeComUserID, Name: target.Username,
			Position: target.Position, Mobile: target.Phone, Departments: weComIDs(before[id])}) // compensate
	}
	return err
}

// DeleteDirectoryUser is A13 delete: E03's soft delete, and the member out
// of WeCom in the same unit.
func (s *DirectoryMembers) DeleteDirectoryUser(ctx context.Context, a org.Actor, id int64) error {
	if a.Level == org.LevelMember {
		return errs.Forbidden()
	}
	if id == a.UserID {
		return errs.Conflict(errs.CodeSelfDelete, "不允许删除自己")
	}
	target, err := s.users.users.InScope(ctx, a.Scope(), id)
	if err != nil {
		return ports.NotFoundAs(err, errs.NotFound("用户ID不存在"))
	}
	company, err := s.users.companies.InScope(ctx, org.Scope{AllCompanies: true}, target.CompanyID)
	if err != nil {
		return err
	}
	corp, inWeCom := corpOf(company)
	return s.tx.Run(ctx, func(ctx context.Context) error {
		if err := s.users.DeleteUser(ctx, a, id); err != nil {
			return err
		}
		if inWeCom && target.WeComUserID != "" {
			return weComRefused(s.wecom.DeleteMember(ctx, corp, target.WeComUserID))
		}
		return nil
	})
}
