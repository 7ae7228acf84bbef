package directory

import (
	"context"
	"fmt"
	"log/slog"
	"time"

	"leida/domain/directory"
	"leida/domain/org"
	"leida/ports"
)

// Sync brings Leida's departments and users in line with WeCom.
type Sync struct {
	gw     Gateway
	store  SyncStore
	tokens ports.TokenSource
	log    *slog.Logger
}

// NewSync is the synchronisation.
func NewSync(gw Gateway, store SyncStore, tokens ports.TokenSource, log *slog.Logger) *Sync {
	return &Sync{gw: gw, store: store, tokens: tokens, log: log}
}

// ErrNoDirectory is a company without WeCom credentials.
var ErrNoDirectory = fmt.Errorf("the company has no WeCom corp_id and tongxunlu_secret")

// Company synchronises one company and returns what it changed.
func (s *Sync) Company(ctx context.Context, companyID int64) (directory.Plan, error) {
	corp, err := s.store.Corp(ctx, companyID)
	if err != nil {
		return directory.Plan{}, err
	}
	if !corp.Configured() {
		return directory.Plan{}, ErrNoDirectory
	}
	depts, err := s.gw.Departments(ctx, corp)
	if err != nil {
		return directory.Plan{}, err
	}
	members, err := s.gw.Members(ctx, corp)
	if err != nil {
		return directory.Plan{}, err
	}
	local, users, err := s.store.Local(ctx, companyID)
	if err != nil {
		return directory.Plan{}, err
	}
	plan := directory.MakePlan(depts, members, local, users)
	if plan.Empty() {
		return plan, nil
	}
	var newUsers []org.User
	if len(plan.CreateUsers) > 0 {
		roleID, err := s.store.MemberRoleID(ctx)
		if err != nil {
			return directory.Plan{}, err
		}
		for _, m := range plan.CreateUsers {
			token, err := s.tokens.NewToken()
			if err != nil {
				return directory.Plan{}, err
			}
			newUsers = append(newUsers, m.NewUser(companyID, roleID, token))
		}
	}
	return plan, s.store.Apply(ctx, companyID, plan, newUsers)
}

// Daily synchronises, once a day across instances, every company with
// WeCom credentials; a company that fails is logged and left for the next run.
func (s *Sync) Daily(ctx context.Context) {
	ids, err := s.store.CompaniesWithDirectory(ctx)
	if err != nil {
		s.log.Error("wecom sync: list companies", "error", err)
		return
	}
	for _, id := range ids {
		ok, err := s.store.ClaimSync(ctx, id, 24*time.Hour)
		if err != nil || !ok {
			continue
		}
		plan, err := s.Company(ctx, id)
		if err != nil {
			s.log.Warn("wecom sync failed", "company_id", id, "error", err)
			continue
		}
		s.log.Info("wecom sync", "company_id", id, "changes", len(plan.Lines()))
	}
}

// RunDaily calls Daily every hour (each company is claimed once a day)
// until ctx ends.
func (s *Sync) RunDaily(ctx context.Context) {
	for {
		s.Daily(ctx)
		select {
		case <-ctx.Done():
			return
		case <-time.After(time.Hour):
		}
	}
}
