package ports

//go:generate go tool mockgen -destination=mocks/wechat.go -package=mocks leida/ports FileStore

import (
	"context"
	"errors"
	"fmt"

	"leida/domain/errs"
)

// WeComMember is a WeCom (企业微信) corp member as the OAuth login (E29) reads it.
type WeComMember struct {
	UserID string
	Name   string
	Avatar string
	Gender int // 0 unknown, 1 male, 2 female (WeCom sends it as a string)
}

// FileStore keeps files under the static root, addressed by slash-separated
// paths relative to it.
type FileStore interface {
	// Save writes data at relPath, replacing any previous file whole.
	Save(ctx context.Context, relPath string, data []byte) error
	// Delete removes relPath; a missing file is not an error.
	Delete(ctx context.Context, relPath string) error
}

// ErrNotMember is wrapped by the WeCom gateway's MemberByCode when the OAuth code
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

// WeComRefusal is the answer to a write the WeCom directory refused: WeCom's
// errcode with msg (errs.WeComRefused). WeCom unavailable (503) and other
// errors pass as they are.
func WeComRefusal(err error, msg string) error {
	var ge *GatewayError
	if e, ok := errs.As(err); err == nil || ok && e.Kind == errs.KindUnavailable || !errors.As(err, &ge) || ge.Code <= 0 {
		return err
	}
	return errs.WeComRefused(ge.Code, msg, err)
}
