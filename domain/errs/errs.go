// Package errs holds the one typed error of Leida. Every failure a client can
// see is an *Error carrying the legacy code and message; the HTTP adapter maps
// it to the envelope in exactly one place.
package errs

import (
	"errors"
	"fmt"
	"strings"
)

// Kind classifies an error independently of the legacy code it is shown with.
type Kind int

const (
	KindInternal     Kind = iota
	KindValidation        // bad input; Fields usually set
	KindNotFound          // absent, or belongs to another tenant
	KindForbidden         // the caller may not do this (legacy 404 非法请求)
	KindConflict          // state forbids the change (has children, has users)
	KindUnauthorized      // bad signature or credentials
	KindDisabled          // account not enabled
	KindRateLimited
	KindUnavailable
	KindMethod // wrong HTTP method
	KindRoute  // unknown route
	KindTooLarge
)

// The legacy envelope codes an endpoint answers besides 200 (legacy-api.md,
// "Codes"): what each means to the legacy front-ends.
const (
	// CodeInvalidData (数据类型验证失败) is a failed add or send form, the
	// field object in msg, or an add refused in words (用户标签不存在).
	CodeInvalidData = 301
	// CodeNotFound (对应ID不存在) is an absent target, or one out of the caller's reach.
	CodeNotFound = 302
	// CodeInvalidForm (form 验证错误) is a failed update form, the field
	// object (or {} for an absent target) in msg, or a row still in use.
	CodeInvalidForm = 303
	// CodeHasChildren (含有子级数据) is a delete refused because children exist.
	CodeHasChildren = 304
	// CodeSelfDelete (不允许删除自己) is a user deleting themself.
	CodeSelfDelete = 305
	// CodeDisabled (账户未启用) is an account that is not enabled.
	CodeDisabled = 306
	// CodeRequestError (请求异常) is a wrong method, or a failed query form
	// with the field object in data.
	CodeRequestError = 402
)

// MsgRequestError is the message of the 402 answers.
const MsgRequestError = "请求异常"

// FieldError is one item of the legacy validation-error object.
type FieldError struct {
	Field   string
	Message string
	Code    string // "required", "invalid" or "" for custom checks
}

// FieldErrors are a form's errors in the order the fields failed (the HTTP
// adapter renders them as the legacy validation object).
type FieldErrors []FieldError

// Has reports whether the field already failed.
func (fe FieldErrors) Has(field string) bool {
	for _, e := range fe {
		if e.Field == field {
			return true
		}
	}
	return false
}

// String lists the errors as field: message, in order (for logs).
func (fe FieldErrors) String() string {
	parts := make([]string, len(fe))
	for i, e := range fe {
		parts[i] = e.Field + ": " + e.Message
	}
	return strings.Join(parts, "; ")
}

// Error is the typed domain error.
type Error struct {
	Kind Kind
	Code int    // legacy envelope code
	Msg  string // legacy message (ignored when Fields is set and !FieldsInData)
	// Fields, when non-nil, is the legacy validation object. It goes into msg,
	// or into data (with Msg as msg) when FieldsInData is set.
	Fields       FieldErrors
	FieldsInData bool
	// EmptyObjectMsg renders msg as {} (the legacy's "not found" on updates).
	EmptyObjectMsg bool
	cause          error
}

func (e *Error) Error() string {
	if e.cause != nil {
		return fmt.Sprintf("%d %s: %v", e.Code, e.Msg, e.cause)
	}
	if len(e.Fields) > 0 {
		return fmt.Sprintf("%d %s", e.Code, e.Fields)
	}
	return fmt.Sprintf("%d %s", e.Code, e.Msg)
}

func (e *Error) Unwrap() error { return e.cause }

// As extracts an *Error from err's chain.
func As(err error) (*Error, bool) {
	var e *Error
	if errors.As(err, &e) {
		return e, true
	}
	return nil, false
}

// IsKind reports whether err is an *Error of kind k.
func IsKind(err error, k Kind) bool {
	e, ok := As(err)
	return ok && e.Kind == k
}

// Invalid is a validation failure with the field object in msg.
func Invalid(code int, fields FieldErrors) *Error {
	return &Error{Kind: KindValidation, Code: code, Fields: fields}
}

// RequestError is the 402 请求异常 answer of a failed query form (lists,
// radar, chat reads, cards): the field object travels in data.
func RequestError(fields FieldErrors) *Error {
	return &Error{Kind: KindValidation, Code: CodeRequestError, Msg: MsgRequestError, Fields: fields, FieldsInData: true}
}

// InvalidMsg is a validation failure reported as a plain message.
func InvalidMsg(code int, msg string) *Error {
	return &Error{Kind: KindValidation, Code: code, Msg: msg}
}

// NotFound is an absent row (or one of another tenant): 302 with msg.
func NotFound(msg string) *Error {
	return &Error{Kind: KindNotFound, Code: CodeNotFound, Msg: msg}
}

// NotFoundEmpty is the legacy "not found" of update endpoints: 303, msg {}.
func NotFoundEmpty() *Error {
	return &Error{Kind: KindNotFound, Code: CodeInvalidForm, EmptyObjectMsg: true}
}

// Conflict is a refused change because of existing state.
func Conflict(code int, msg string) *Error {
	return &Error{Kind: KindConflict, Code: code, Msg: msg}
}

// WeComRefused is a write WeCom refused, answered with WeCom's errcode
// and the endpoint's message.
func WeComRefused(code int, msg string, cause error) *Error {
	return &Error{Kind: KindConflict, Code: code, Msg: msg, cause: cause}
}

// Forbidden answers 404 非法请求, so the caller learns nothing.
func Forbidden() *Error { return &Error{Kind: KindForbidden, Code: 404, Msg: "非法请求"} }

// BadToken is the legacy authentication failure.
func BadToken() *Error { return &Error{Kind: KindUnauthorized, Code: 400, Msg: "token异常"} }

// BadCredentials is the password-login failure.
func BadCredentials() *Error {
	return &Error{Kind: KindUnauthorized, Code: 401, Msg: "账号或密码错误"}
}

// Disabled is an account that is not enabled (or deleted).
func Disabled() *Error { return &Error{Kind: KindDisabled, Code: CodeDisabled, Msg: "账户未启用"} }

// RateLimited is too many attempts.
func RateLimited() *Error { return &Error{Kind: KindRateLimited, Code: 429, Msg: "请求过于频繁"} }

// Unavailable is a dependency (the database) that does not answer, lost the
// connection mid-query or did not answer within the request's deadline.
func Unavailable(cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: 503, Msg: "服务暂不可用", cause: cause}
}

// WeChatUnavailable is WeChat or WeCom unreachable or timing out (D3): the
// client sees 503 微信服务暂不可用, the cause is logged, never shown.
func WeChatUnavailable(cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: 503, Msg: "微信服务暂不可用", cause: cause}
}

// WeChatNotConfigured is a WeChat or WeCom call the configuration gives no
// credentials for (app id/secret, corp id/secret): 503 微信服务未配置.
func WeChatNotConfigured(cause error) *Error {
	return &Error{Kind: KindUnavailable, Code: 503, Msg: "微信服务未配置", cause: cause}
}

// Internal wraps an unexpected failure; the client sees only 500.
func Internal(cause error) *Error {
	return &Error{Kind: KindInternal, Code: 500, Msg: "服务器内部错误", cause: cause}
}

// WrongMethod is the legacy 402 for a method the endpoint does not take;
// msg is MsgRequestError but on the logins (请求方式异常).
func WrongMethod(msg string) *Error {
	return &Error{Kind: KindMethod, Code: CodeRequestError, Msg: msg}
}

// UnknownRoute is the 404 envelope of a path that matches no route.
func UnknownRoute() *Error { return &Error{Kind: KindRoute, Code: 404, Msg: "非法请求"} }

// TooLarge is a request body over the limit.
func TooLarge() *Error { return &Error{Kind: KindTooLarge, Code: 413, Msg: "请求体过大"} }
