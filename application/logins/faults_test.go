package logins

import (
	"errors"
	"testing"

	"github.com/golang/mock/gomock"

	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

// WeChat unreachable, timing out or not configured is a 503 whatever the
// login (D3); a refusal (errcode) stays the endpoint's answer.
func TestWeChatUnavailableIs503(t *testing.T) {
	down := errs.WeChatUnavailable(&ports.GatewayError{Op: "wechat jscode2session", Code: -1,
		Msg: "dial tcp 127.0.0.1:9: connect: connection refused"})
	unset := errs.WeChatNotConfigured(&ports.GatewayError{Op: "wechat jscode2session", Code: -1, Msg: "not configured"})
	for name, cause := range map[string]error{"unreachable": down, "not configured": unset} {
		t.Run("E30 "+name, func(t *testing.T) {
			s, d := newService(t)
			d.mp.EXPECT().Session(gomock.Any(), "js").Return("", cause)
			_, err := s.MiniProgramLogin(ctx, ports.MiniProgramLoginInput{Code: "js", UserType: "2", Source: "1"})
			if e, ok := errs.As(err); !ok || e.Kind != errs.KindUnavailable || e.Code != 503 || !errors.Is(err, cause) {
				t.Fatalf("%v", err)
			}
		})
		t.Run("E29 "+name, func(t *testing.T) {
			s, d := newService(t)
			d.companies.EXPECT().InScope(gomock.Any(), gomock.Any(), int64(5)).Return(org.Company{ID: 5}, nil)
			d.wecom.EXPECT().MemberByCode(gomock.Any(), "code").Return(ports.WeComMember{}, cause)
			got, err := s.WeComLogin(ctx, 5, "code")
			if e, ok := errs.As(err); got != "" || !ok || e.Code != 503 {
				t.Fatalf("%q %v", got, err)
			}
		})
	}
	if m := errs.WeChatUnavailable(nil).Msg; m != "微信服务暂不可用" {
		t.Fatalf("unavailable msg %q", m)
	}
	if m := errs.WeChatNotConfigured(nil).Msg; m != "微信服务未配置" {
		t.Fatalf("not configured msg %q", m)
	}
}

// An answer that could not be read keeps 301, with a Chinese message rather
// than the adapter's English diagnosis.
func TestMiniProgramLoginUnreadableAnswerIs301InChinese(t *testing.T) {
	for _, ge := range []*ports.GatewayError{
		{Op: "wechat jscode2session", Code: -1, Msg: "malformed JSON answer"},
		{Op: "wechat jscode2session", Code: -1, Msg: "no openid in answer"},
	} {
		s, d := newService(t)
		d.mp.EXPECT().Session(gomock.Any(), "js").Return("", ge)
		_, err := s.MiniProgramLogin(ctx, ports.MiniProgramLoginInput{Code: "js", UserType: "2", Source: "1"})
		e, ok := errs.As(err)
		if !ok || e.Code != 301 || len(e.Fields) != 1 || e.Fields[0].Field != "code" || e.Fields[0].Message != "微信返回的数据无效" {
			t.Fatalf("%s: %v", ge.Msg, err)
		}
	}
}
