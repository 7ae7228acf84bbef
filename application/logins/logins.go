// Package logins implements the WeChat logins: the WeCom OAuth landing of
// reps (E29) and the mini-program login of customers (E30).
package logins

import (
	"context"
	"errors"
	"net/url"
	"strconv"
	"strings"

	"leida/domain/card"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/domain/validate"
	"leida/ports"
)

// Config is where the WeCom landing sends the browser.
type Config struct {
	FrontendBaseURL   string // no trailing slash
	FrontendErrorPath string // starts with /
}

// Service implements the HTTP adapter\'s WeChatLogins.
type Service struct {
	cfg       Config
	tx        ports.TxRunner
	logins    AccountRepository
	users     UserRepository
	companies CompanyRepository
	cards     CardRepository
	wecom     WeComGateway
	mp        MiniProgramGateway
	tokens    ports.TokenSource
}

// NewService wires the logins.
func NewService(cfg Config, tx ports.TxRunner, logins AccountRepository, users UserRepository,
	companies CompanyRepository, cards CardRepository, wecom WeComGateway, mp MiniProgramGateway,
	tokens ports.TokenSource) *Service {
	return &Service{cfg: cfg, tx: tx, logins: logins, users: users, companies: companies, cards: cards, wecom: wecom,
		mp: mp, tokens: tokens}
}

func (s *Service) errorPage() string { return s.cfg.FrontendBaseURL + s.cfg.FrontendErrorPath }

// welcome is the front-end with the member's credentials, URL-encoded.
func (s *Service) welcome(u org.User) string {
	return s.cfg.FrontendBaseURL + "?token=" + url.QueryEscape(u.Token) + "&id=" + strconv.FormatInt(u.ID, 10) +
		"&avatar=" + url.QueryEscape(u.Avatar)
}

// WeComLogin is E29. An enabled member goes to the front-end with token, id
// and avatar; a disabled one, a newcomer (created disabled with the ordinary
// role in the path's company), an unknown company or a WeCom refusal (an
// errcode: bad or used code, not a member) go to the error page. WeCom
// unreachable, timing out or not configured is not the visitor's doing: it
// answers 503 微信服务暂不可用 / 微信服务未配置 (D3), like the database being
// down, and the error handler logs it.
func (s *Service) WeComLogin(ctx context.Context, companyID int64, code string) (string, error) {
	if _, err := s.companies.InScope(ctx, org.Scope{AllCompanies: true}, companyID); err != nil {
		if errors.Is(err, ports.ErrNotFound) {
			return s.errorPage(), nil
		}
		return "", err
	}
	code = strings.TrimSpace(code)
	if code == "" {
		return s.errorPage(), nil
	}
	m, err := s.wecom.MemberByCode(ctx, code)
	if errs.IsKind(err, errs.KindUnavailable) {
		return "", err
	}
	if err != nil || m.UserID == "" {
		return s.errorPage(), nil
	}
	u, err := s.logins.MemberByWeComID(ctx, companyID, m.UserID)
	switch {
	case err == nil && u.Active():
		return s.welcome(u), nil
	case err == nil:
		return s.errorPage(), nil
	case !errors.Is(err, ports.ErrNotFound):
		return "", err
	}
	if err := s.createMember(ctx, companyID, m); err != nil && !errors.Is(err, ports.ErrDuplicate) {
		return "", err
	}
	return s.errorPage(), nil
}

func (s *Service) createMember(ctx context.Context, companyID int64, m ports.WeComMember) error {
	roleID, err := s.logins.MemberRoleID(ctx)
	if err != nil {
		return err
	}
	token, err := s.tokens.NewToken()
	if err != nil {
		return err
	}
	name := strings.TrimSpace(m.Name)
	if name == "" {
		name = m.UserID
	}
	if r := []rune(name); len(r) > 32 {
		name = string(r[:32])
	}
	avatar := m.Avatar
	if avatar == "" || len(avatar) > 256 {
		avatar = org.DefaultUserAvatar
	}
	gender := m.Gender
	if gender < 0 || gender > 2 {
		gender = 0
	}
	u := org.User{CompanyID: companyID, WeComUserID: m.UserID, Username: name, Gender: gender, RoleID: roleID,
		IsShowPhone: true, Token: token, Avatar: avatar, Status: org.StatusDisabled}
	return s.users.Create(ctx, &u)
}

// MiniProgramLogin is E30: the visitor's openid from WeChat; the customer is
// created on first login; with uid the customer belongs to that rep (source
// from the login) from now on.
func (s *Service) MiniProgramLogin(ctx context.Context, in ports.MiniProgramLoginInput) (ports.MiniProgramLoginResult, error) {
	f := validate.New()
	code := f.Required("code", in.Code, "js code 不能为空")
	userType := choice(f, "user_type", in.UserType, "客户访问类型不能为空")
	source := choice(f, "source", in.Source, "客户来源不能为空")
	uid, hasUID := f.OptionalInt("uid", in.UID, "")
	if err := f.Err(errs.CodeInvalidData); err != nil {
		return ports.MiniProgramLoginResult{}, err
	}
	openid, err := s.mp.Session(ctx, code)
	var ge *ports.GatewayError
	switch {
	case errs.IsKind(err, errs.KindUnavailable):
		// Unreachable, timing out or not configured: 503 (D3).
		return ports.MiniProgramLoginResult{}, err
	case errors.As(err, &ge):
		f.AddCode("code", gatewayMessage(ge), validate.CodeInvalid)
		return ports.MiniProgramLoginResult{}, f.Err(errs.CodeInvalidData)
	}
	if err != nil {
		return ports.MiniProgramLoginResult{}, err
	}
	var out ports.MiniProgramLoginResult
	err = s.tx.Run(ctx, func(ctx context.Context) error {
		var owner card.Owner
		if hasUID {
			var err error
			if owner, err = s.cards.Owner(ctx, uid, false); errors.Is(err, ports.ErrNotFound) {
				f.Add("uid", "用户ID不存在")
				return f.Err(errs.CodeInvalidData)
			} else if err != nil {
				return err
			}
		}
		c, err := s.customer(ctx, openid, customer.UserType(userType))
		if err != nil {
			return err
		}
		out = ports.MiniProgramLoginResult{CustomerID: c.ID, Token: c.Token}
		if !hasUID {
			return nil
		}
		return s.cards.EnsureBelonger(ctx, owner.CompanyID, owner.UserID, c.ID, int(source))
	})
	return out, err
}

// badAnswer is the message shown for an answer of WeChat that could not be
// read (malformed JSON, no openid).
const badAnswer = "微信返回的数据无效"

// gatewayMessage is what a client is shown of a WeChat refusal: WeChat's own
// errmsg for an errcode answer (D3); for an answer that could not be read
// (errcode -1 from the adapter) a Chinese message rather than the adapter's
// diagnosis.
func gatewayMessage(ge *ports.GatewayError) string {
	switch {
	case ge.Code == -1:
		return badAnswer
	case ge.Msg == "":
		return "微信返回错误码 " + strconv.Itoa(ge.Code)
	}
	return ge.Msg
}

// customer finds or creates the identity of openid.
func (s *Service) customer(ctx context.Context, openid string, userType customer.UserType) (customer.Customer, error) {
	c, err := s.logins.CustomerByOpenID(ctx, openid, userType)
	if !errors.Is(err, ports.ErrNotFound) {
		return c, err
	}
	token, err := s.tokens.NewToken()
	if err != nil {
		return customer.Customer{}, err
	}
	c = customer.Customer{OpenID: openid, UserType: userType, Headimgurl: customer.DefaultAvatar, Token: token}
	err = s.logins.CreateCustomer(ctx, &c)
	if errors.Is(err, ports.ErrDuplicate) { // a concurrent first login won
		return s.logins.CustomerByOpenID(ctx, openid, userType)
	}
	return c, err
}

// choice reads a required 1-or-2 integer.
func choice(f *validate.Form, field, v, requiredMsg string) int64 {
	n := f.Int(field, v, requiredMsg, "")
	if !f.Failed(field) && n != 1 && n != 2 {
		f.InvalidChoice(field, strings.TrimSpace(v))
	}
	return n
}
