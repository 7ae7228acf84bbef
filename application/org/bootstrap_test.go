package org

import (
	"context"
	"testing"

	"github.com/golang/mock/gomock"

	orgmocks "leida/application/org/mocks"
	"leida/domain/org"
	"leida/ports"
	"leida/ports/mocks"
)

// `leida bootstrap --reset-password`: a password that already works changes
// nothing; another is stored with a new token (D5); an absent user is an error.
func TestResetPassword(t *testing.T) {
	ctrl := gomock.NewController(t)
	users, hasher, tokens := orgmocks.NewMockUserRepository(ctrl), mocks.NewMockPasswordHasher(ctrl), mocks.NewMockTokenSource(ctrl)
	b := NewBootstrap(nil, nil, nil, users, hasher, tokens, nil)
	ctx := context.Background()
	stored := org.User{ID: 4, CompanyID: 1, Username: "admin", PasswordHash: "old-hash", Token: "old-token"}

	users.EXPECT().ByUsername(gomock.Any(), "admin").Return(stored, nil)
	hasher.EXPECT().Verify("old-hash", "same").Return(true, false)
	res, changed, err := b.ResetPassword(ctx, " admin ", "same")
	if err != nil || changed || res.Token != "old-token" || res.UserID != 4 {
		t.Fatalf("unchanged: %+v %v %v", res, changed, err)
	}

	users.EXPECT().ByUsername(gomock.Any(), "admin").Return(stored, nil)
	hasher.EXPECT().Verify("old-hash", "new").Return(false, false)
	hasher.EXPECT().Hash("new").Return("new-hash", nil)
	tokens.EXPECT().NewToken().Return("new-token", nil)
	users.EXPECT().Update(gomock.Any(), org.Scope{AllCompanies: true}, int64(4), gomock.Any()).
		DoAndReturn(func(_ context.Context, _ org.Scope, _ int64, fn func(*org.User) error) error {
			u := stored
			if err := fn(&u); err != nil {
				return err
			}
			if u.PasswordHash != "new-hash" || u.Token != "new-token" {
				t.Fatalf("updated %+v", u)
			}
			return nil
		})
	res, changed, err = b.ResetPassword(ctx, "admin", "new")
	if err != nil || !changed || res.Token != "new-token" || res.CompanyID != 1 {
		t.Fatalf("changed: %+v %v %v", res, changed, err)
	}

	users.EXPECT().ByUsername(gomock.Any(), "nobody").Return(org.User{}, ports.ErrNotFound)
	if _, _, err := b.ResetPassword(ctx, "nobody", "x"); err == nil {
		t.Fatal("absent user reset")
	}
}
