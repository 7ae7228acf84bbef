package ports

//go:generate go tool mockgen -destination=mocks/wechat.go -package=mocks leida/ports WeComGateway,MiniProgramGateway,QRMaker,FileStore

import (
	"context"
	"errors"
	"fmt"
)

// WeComMember is a WeCom (企业微信) corp member as the OAuth login (E29) reads it.
type WeComMember struct {
	UserID string
	Name   string
	Avatar string
	Gender int // 0 unknown, 1 male, 2 female (WeCom sends it as a string)
}

// WeComGateway is what the staff OAuth login needs from WeCom.
type WeComGateway interface {
	// MemberByCode exchanges an OAuth code for the member's details. A code
	// of someone outside the corp yields an error wrapping ErrNotMember.
	MemberByCode(ctx context.Context, code string) (WeComMember, error)
}

// MiniProgramGateway is what the mini-program login (E30) and card QR code
// (E48) need from WeChat.
type MiniProgramGateway interface {
	// Session exchanges a wx.login code for the visitor's openid.
	Session(ctx context.Context, code string) (openid string, err error)
	// WxaCode returns the mini-program code image for page (path with query).
	WxaCode(ctx context.Context, page string, width int) ([]byte, error)
	// Configured reports whether an app id and secret are set; without them
	// the QR code is generated locally instead.
	Configured() bool
}

// QRMaker draws standard QR codes.
type QRMaker interface {
	// PNG encodes content as a size×size PNG image.
	PNG(content string, size int) ([]byte, error)
}

// FileStore keeps files under the static root, addressed by slash-separated
// paths relative to it.
type FileStore interface {
	// Save writes data at relPath, replacing any previous file whole.
	Save(ctx context.Context, relPath string, data []byte) error
	// Delete removes relPath; a missing file is not an error.
	Delete(ctx context.Context, relPath string) error
}

// ErrNotMember is wrapped by WeComGateway.MemberByCode when the OAuth code
// belongs to someone who is not a member of the corp.
var ErrNotMember = errors.New("not a member of the corp")

// GatewayError is a failed call to WeChat or WeCom, returned as *GatewayError.
// It never carries URLs, secrets or access tokens, so it is safe to log.
type GatewayError struct {
	Op   string // which call, e.g. "wechat jscode2session"
	Code int    // WeChat's errcode, or -1 for transport and format errors (timeouts included)
	Msg  string // WeChat's errmsg, or what went wrong
}

func (e *GatewayError) Error() string {
	return fmt.Sprintf("%s: errcode %d: %s", e.Op, e.Code, e.Msg)
}
