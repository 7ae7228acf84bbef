package org

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"leida/domain/org"
	"leida/ports"
)

// Bootstrap creates what a new installation needs; every step is skipped
// when already done, so it can run on every start.
type Bootstrap struct {
	tx        ports.TxRunner
	roles     RoleRepository
	companies CompanyRepository
	users     UserRepository
	hasher    ports.PasswordHasher
	tokens    ports.TokenSource
	tagGroups ports.TagGroupSeeder
}

// NewBootstrap wires bootstrap.
func NewBootstrap(tx ports.TxRunner, roles RoleRepository, companies CompanyRepository, users UserRepository,
	hasher ports.PasswordHasher, tokens ports.TokenSource, tagGroups ports.TagGroupSeeder) *Bootstrap {
	return &Bootstrap{tx: tx, roles: roles, companies: companies, users: users, hasher: hasher, tokens: tokens, tagGroups: tagGroups}
}

// Bootstrap creates the built-in roles, the company and its platform admin if absent.
func (b *Bootstrap) Bootstrap(ctx context.Context, company, username, password string) (ports.BootstrapResult, error) {
	company, username = strings.TrimSpace(company), strings.TrimSpace(username)
	if company == "" || username == "" || password == "" {
		return ports.BootstrapResult{}, errors.New("bootstrap needs --company, --username and --password")
	}
	var res ports.BootstrapResult
	err := b.tx.Run(ctx, func(ctx context.Context) error {
		var admin org.Role
		for _, r := range org.BuiltinRoles() {
			got, err := b.roles.ByName(ctx, r.Name)
			if errors.Is(err, ports.ErrNotFound) {
				got = r
				err = b.roles.Create(ctx, &got)
			}
			if err != nil {
				return fmt.Errorf("role %s: %w", r.Name, err)
			}
			if r.Level == org.LevelPlatformAdmin {
				admin = got
			}
		}
		c, err := b.companies.ByName(ctx, company)
		if errors.Is(err, ports.ErrNotFound) {
			c = org.Company{Name: company}
			err = b.companies.Create(ctx, &c)
		}
		if err != nil {
			return fmt.Errorf("company: %w", err)
		}
		if err := b.tagGroups.EnsureDefaultGroups(ctx, c.ID); err != nil {
			return fmt.Errorf("tag groups: %w", err)
		}
		u, err := b.users.ByUsername(ctx, username)
		if errors.Is(err, ports.ErrNotFound) {
			hash, err := b.hasher.Hash(password)
			if err != nil {
				return err
			}
			token, err := b.tokens.NewToken()
			if err != nil {
				return err
			}
			u = org.User{CompanyID: c.ID, Username: username, PasswordHash: hash, Gender: 1, RoleID: admin.ID,
				IsShowPhone: true, Token: token, Avatar: org.DefaultUserAvatar, Status: org.StatusEnabled, Position: "平台管理员"}
			if err := b.users.Create(ctx, &u); err != nil {
				return fmt.Errorf("user: %w", err)
			}
		} else if err != nil {
			return err
		}
		res = ports.BootstrapResult{CompanyID: u.CompanyID, UserID: u.ID, Token: u.Token}
		return nil
	})
	return res, err
}

// ResetPassword makes password the login password of the existing user
// username (`leida bootstrap --reset-password`, for a demo admin whose
// password was lost). When it already is, nothing changes; otherwise the
// new hash is stored and the token rotated (D5). It reports whether it
// changed the password.
func (b *Bootstrap) ResetPassword(ctx context.Context, username, password string) (ports.BootstrapResult, bool, error) {
	username = strings.TrimSpace(username)
	if username == "" || password == "" {
		return ports.BootstrapResult{}, false, errors.New("resetting a password needs --username and --password")
	}
	u, err := b.users.ByUsername(ctx, username)
	if err != nil {
		return ports.BootstrapResult{}, false, ports.NotFoundAs(err, fmt.Errorf("no user %q", username))
	}
	if ok, _ := b.hasher.Verify(u.PasswordHash, password); ok {
		return ports.BootstrapResult{CompanyID: u.CompanyID, UserID: u.ID, Token: u.Token}, false, nil
	}
	hash, err := b.hasher.Hash(password)
	if err != nil {
		return ports.BootstrapResult{}, false, err
	}
	token, err := b.tokens.NewToken()
	if err != nil {
		return ports.BootstrapResult{}, false, err
	}
	var res ports.BootstrapResult
	err = b.users.Update(ctx, org.Scope{AllCompanies: true}, u.ID, func(u *org.User) error {
		u.PasswordHash, u.Token = hash, token
		res = ports.BootstrapResult{CompanyID: u.CompanyID, UserID: u.ID, Token: u.Token}
		return nil
	})
	return res, err == nil, err
}
