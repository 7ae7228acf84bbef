// Package directory is the WeCom directory area (A13, A14): admins write
// departments and members to their company's WeCom directory and to Leida
// in one unit, and the synchronisation pulls WeCom's directory into Leida.
package directory

import (
	"errors"

	"leida/domain/directory"
	"leida/domain/errs"
	"leida/ports"
)

// msgWeComRefused is the legacy message of a write WeCom refused; the code
// is WeCom's errcode.
const msgWeComRefused = "企业微信验证未通过"

// weComRefused turns WeCom's refusal (an errcode) into the answer carrying
// it; unavailability (503) and other errors pass.
func weComRefused(err error) error {
	var ge *ports.GatewayError
	if e, ok := errs.As(err); err == nil || ok && e.Kind == errs.KindUnavailable || !errors.As(err, &ge) || ge.Code <= 0 {
		return err
	}
	return errs.WeComRefused(ge.Code, msgWeComRefused, err)
}

// configured reports whether the company writes to WeCom.
func configured(c directory.Corp) bool { return c.ID != "" && c.Secret != "" }
