package directory_test

import (
	"context"
	"errors"
	"io"
	"log/slog"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	appdir "leida/application/directory"
	"leida/application/directory/mocks"
	"leida/domain/directory"
	"leida/domain/org"
	portmocks "leida/ports/mocks"
)

type syncDeps struct {
	gw     *mocks.MockGateway
	store  *mocks.MockSyncStore
	tokens *portmocks.MockTokenSource
}

func newSync(t *testing.T) (*appdir.Sync, syncDeps) {
	ctrl := gomock.NewController(t)
	d := syncDeps{mocks.NewMockGateway(ctrl), mocks.NewMockSyncStore(ctrl), portmocks.NewMockTokenSource(ctrl)}
	return appdir.NewSync(d.gw, d.store, d.tokens, slog.New(slog.NewTextHandler(io.Discard, nil))), d
}

var corp = directory.Corp{ID: "wwA", Secret: "s"}

// New members become disabled users with their WeCom details; the plan is
// applied as planned.
func TestSyncCreatesNewMembersDisabled(t *testing.T) {
	s, d := newSync(t)
	ctx := context.Background()
	d.store.EXPECT().Corp(ctx, int64(3)).Return(corp, nil)
	d.gw.EXPECT().Departments(ctx, corp).Return([]directory.Department{{ID: 1, Name: "公司"}, {ID: 2, Name: "销售部", ParentID: 1}}, nil)
	d.gw.EXPECT().Members(ctx, corp).Return([]directory.Member{{UserID: "zs", Name: "张三", Departments: []int64{2}, Position: "经理",
		Mobile: "13800000001", Gender: 2, Avatar: "http://wework.qpic.cn/a.png", Active: true}}, nil)
	d.store.EXPECT().Local(ctx, int64(3)).Return(nil, nil, nil)
	d.store.EXPECT().MemberRoleID(ctx).Return(int64(7), nil)
	d.tokens.EXPECT().NewToken().Return("0123456789abcdef0123456789abcdef", nil)
	d.store.EXPECT().Apply(ctx, int64(3), gomock.Any(), gomock.Any()).DoAndReturn(
		func(_ context.Context, _ int64, p directory.Plan, users []org.User) error {
			if len(p.CreateDepartments) != 1 || len(p.CreateUsers) != 1 || len(users) != 1 {
				t.Fatalf("plan %+v users %+v", p, users)
			}
			u := users[0]
			if u.CompanyID != 3 || u.WeComUserID != "zs" || u.Username != "张三" || u.Status != org.StatusDisabled || u.RoleID != 7 ||
				u.Position != "经理" || u.Phone != "13800000001" || u.Gender != 2 || u.Avatar != "http://wework.qpic.cn/a.png" ||
				u.Token != "0123456789abcdef0123456789abcdef" || u.PasswordHash != "" {
				t.Fatalf("new user %+v", u)
			}
			return nil
		})
	p, err := s.Company(ctx, 3)
	if err != nil || len(p.Lines()) != 2 {
		t.Fatalf("%v %v", p.Lines(), err)
	}
}

func TestSyncWithoutCredentialsOrChangesWritesNothing(t *testing.T) {
	s, d := newSync(t)
	ctx := context.Background()
	d.store.EXPECT().Corp(ctx, int64(3)).Return(directory.Corp{ID: "wwA"}, nil)
	if _, err := s.Company(ctx, 3); !errors.Is(err, appdir.ErrNoDirectory) {
		t.Fatalf("no secret: %v", err)
	}
	d.store.EXPECT().Corp(ctx, int64(4)).Return(corp, nil)
	d.gw.EXPECT().Departments(ctx, corp).Return([]directory.Department{{ID: 1, Name: "公司"}}, nil)
	d.gw.EXPECT().Members(ctx, corp).Return(nil, nil)
	d.store.EXPECT().Local(ctx, int64(4)).Return(nil, []directory.LocalUser{{ID: 1, Name: "admin", Enabled: true}}, nil)
	// No Apply: nothing changed.
	if p, err := s.Company(ctx, 4); err != nil || !p.Empty() {
		t.Fatalf("%v %v", p.Lines(), err)
	}
}

// The daily run takes only the companies it claims; one failing does not
// stop the others.
func TestDailySyncRunsClaimedCompaniesOnly(t *testing.T) {
	s, d := newSync(t)
	ctx := context.Background()
	d.store.EXPECT().CompaniesWithDirectory(ctx).Return([]int64{1, 2, 3}, nil)
	d.store.EXPECT().ClaimSync(ctx, int64(1), 24*time.Hour).Return(false, nil) // another instance has it
	d.store.EXPECT().ClaimSync(ctx, int64(2), 24*time.Hour).Return(true, nil)
	d.store.EXPECT().ClaimSync(ctx, int64(3), 24*time.Hour).Return(true, nil)
	d.store.EXPECT().Corp(ctx, int64(2)).Return(corp, nil)
	d.gw.EXPECT().Departments(ctx, corp).Return(nil, errors.New("wecom down"))
	d.store.EXPECT().Corp(ctx, int64(3)).Return(corp, nil)
	d.gw.EXPECT().Departments(ctx, corp).Return(nil, nil)
	d.gw.EXPECT().Members(ctx, corp).Return(nil, nil)
	d.store.EXPECT().Local(ctx, int64(3)).Return(nil, nil, nil)
	s.Daily(ctx)
}
