// Package directory is the WeCom directory area (A13, A14): admins write
// departments and members to their company's WeCom directory and to Leida
// in one unit, and the synchronisation pulls WeCom's directory into Leida.
package directory

import "leida/ports"

// msgWeComRefused is the legacy message of a write WeCom refused; the code
// is WeCom's errcode.
const msgWeComRefused = "企业微信验证未通过"

func weComRefused(err error) error { return ports.WeComRefusal(err, msgWeComRefused) }
