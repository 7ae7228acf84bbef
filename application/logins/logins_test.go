package logins

import (
	"context"
	"errors"
	"testing"

	"github.com/golang/mock/gomock"

	"leida/application/apptest"
	loginmocks "leida/application/logins/mocks"
	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
	"leida/ports/mocks"
)

type deps struct {
	logins    *loginmocks.MockAccountRepository
	users     *loginmocks.MockUserRepository
	companies *loginmocks.MockCompanyRepository
	cards     *loginmocks.MockCardRepository
	wecom     *loginmocks.MockWeComGateway
	mp        *loginmocks.MockMiniProgramGateway
	tokens    *mocks.MockTokenSource
}

func newService(t *testing.T) (*Service, deps) {
	ctrl := gomock.NewController(t)
	tx := mocks.NewMockTxRunner(ctrl)
	tx.EXPECT().Run(gomock.Any(), gomock.Any()).AnyTimes().
		DoAndReturn(apptest.RunInline)
	d := deps{loginmocks.NewMockAccountRepository(ctrl), loginmocks.NewMockUserRepository(ctrl), loginmocks.NewMockCompanyRepository(ctrl),
		loginmocks.NewMockCardRepository(ctrl), loginmocks.NewMockWeComGateway(ctrl), loginmocks.NewMockMiniProgramGateway(ctrl),
		mocks.NewMockTokenSource(ctrl)}
	cfg := Config{FrontendBaseURL: "http://front", FrontendErrorPath: "/err_page"}
	return NewService(cfg, tx, d.logins, d.users, d.companies, d.cards, d.wecom, d.mp, d.tokens), d
}

var ctx = context.Background()

const errPage = "http://front/err_page"

func TestWeComLoginOutcomes(t *testing.T) {
	member := ports.WeComMember{UserID: "zs", Name: "张三", Avatar: "http://a/b c.png", Gender: 1}
	t.Run("unknown company", func(t *testing.T) {
		s, d := newService(t)
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{}, ports.ErrNotFound)
		if got, err := s.WeComLogin(ctx, 5, "code"); got != errPage || err != nil {
			t.Fatalf("%q %v", got, err)
		}
	})
	t.Run("wecom error", func(t *testing.T) {
		s, d := newService(t)
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil)
		d.wecom.EXPECT().MemberByCode(gomock.Any(), "code").Return(ports.WeComMember{}, &ports.GatewayError{Code: 40029})
		if got, err := s.WeComLogin(ctx, 5, "code"); got != errPage || err != nil {
			t.Fatalf("%q %v", got, err)
		}
	})
	t.Run("enabled member", func(t *testing.T) {
		s, d := newService(t)
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil)
		d.wecom.EXPECT().MemberByCode(gomock.Any(), "code").Return(member, nil)
		d.logins.EXPECT().MemberByWeComID(gomock.Any(), int64(5), "zs").
			Return(org.User{ID: 9, Token: "tok", Avatar: "http://a/b c.png", Status: org.StatusEnabled}, nil)
		got, err := s.WeComLogin(ctx, 5, "code")
		if err != nil || got != "http://front?token=tok&id=9&avatar=http%3A%2F%2Fa%2Fb+c.png" {
			t.Fatalf("%q %v", got, err)
		}
	})
	t.Run("disabled member", func(t *testing.T) {
		s, d := newService(t)
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil)
		d.wecom.EXPECT().MemberByCode(gomock.Any(), "code").Return(member, nil)
		d.logins.EXPECT().MemberByWeComID(gomock.Any(), int64(5), "zs").Return(org.User{ID: 9, Status: org.StatusDisabled}, nil)
		if got, _ := s.WeComLogin(ctx, 5, "code"); got != errPage {
			t.Fatalf("%q", got)
		}
	})
	t.Run("newcomer", func(t *testing.T) {
		s, d := newService(t)
		d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil)
		d.wecom.EXPECT().MemberByCode(gomock.Any(), "code").Return(member, nil)
		d.logins.EXPECT().MemberByWeComID(gomock.Any(), int64(5), "zs").Return(org.User{}, ports.ErrNotFound)
		d.logins.EXPECT().MemberRoleID(gomock.Any()).Return(int64(3), nil)
		d.tokens.EXPECT().NewToken().Return("0123456789abcdef0123456789abcdef", nil)
		d.users.EXPECT().Create(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, u *org.User) error {
			if u.CompanyID != 5 || u.WeComUserID != "zs" || u.Username != "张三" || u.RoleID != 3 ||
				u.Status != org.StatusDisabled || u.Avatar != member.Avatar || u.Gender != 1 {
				t.Fatalf("%+v", *u)
			}
			return nil
		})
		if got, err := s.WeComLogin(ctx, 5, "code"); got != errPage || err != nil {
			t.Fatalf("%q %v", got, err)
		}
	})
}

func TestMiniProgramLoginCreatesTheCustomerAndTheBelonger(t *testing.T) {
	s, d := newService(t)
	gomock.InOrder(
		d.mp.EXPECT().Session(gomock.Any(), "js").Return("oid", nil),
		d.cards.EXPECT().Owner(gomock.Any(), int64(4), false).Return(card.Owner{UserID: 4, CompanyID: 2}, nil),
		d.logins.EXPECT().CustomerByOpenID(gomock.Any(), "oid", customer.UserTypeMiniProgram).Return(customer.Customer{}, ports.ErrNotFound),
		d.tokens.EXPECT().NewToken().Return("tok", nil),
		d.logins.EXPECT().CreateCustomer(gomock.Any(), gomock.Any()).DoAndReturn(func(_ context.Context, c *customer.Customer) error {
			c.ID = 11
			return nil
		}),
		d.cards.EXPECT().EnsureBelonger(gomock.Any(), int64(2), int64(4), int64(11), 2).Return(nil),
	)
	got, err := s.MiniProgramLogin(ctx, ports.MiniProgramLoginInput{Code: "js", UserType: "2", Source: "2", UID: "4"})
	if err != nil || got != (ports.MiniProgramLoginResult{CustomerID: 11, Token: "tok"}) {
		t.Fatalf("%+v %v", got, err)
	}
}

func TestMiniProgramLoginWeChatErrorIs301(t *testing.T) {
	s, d := newService(t)
	d.mp.EXPECT().Session(gomock.Any(), "js").Return("", &ports.GatewayError{Code: 40029, Msg: "invalid code"})
	_, err := s.MiniProgramLogin(ctx, ports.MiniProgramLoginInput{Code: "js", UserType: "2", Source: "1"})
	e, ok := errs.As(err)
	if !ok || e.Code != 301 || e.Fields[0].Field != "code" || e.Fields[0].Message != "invalid code" {
		t.Fatalf("%v", err)
	}
	s, d = newService(t)
	boom := errors.New("ctx")
	d.mp.EXPECT().Session(gomock.Any(), "js").Return("", boom)
	if _, err := s.MiniProgramLogin(ctx, ports.MiniProgramLoginInput{Code: "js", UserType: "2", Source: "1"}); !errors.Is(err, boom) {
		t.Fatalf("%v", err)
	}
}
