package http

import (
	"encoding/json"
	"io"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/http/mocks"
	"leida/domain/customer"
	"leida/domain/org"
)

// Every route of the table refuses text the database cannot store, at the
// boundary: its validation answer names the field, and no use case runs
// (the handlers here have none: reaching one would be a 500).
func TestEveryRouteRefusesBadTextBeforeItsHandler(t *testing.T) {
	bad := []struct {
		name, value, msg, code string
	}{
		{"nul", "a\x00b", "Null characters are not allowed.", "null_characters_not_allowed"},
		{"invalid UTF-8", "\xff\xfe", "Enter a valid value.", "invalid"},
		{"too long", strings.Repeat("长", MaxTextLen+1), "Ensure this value has at most 20000 characters (it has 20001).", "max_length"},
	}
	for _, rt := range routeTable() {
		methods := rt.methods
		if methods == nil {
			methods = []string{http.MethodGet, http.MethodPost}
		}
		for _, method := range methods {
			for _, b := range bad {
				for _, inBody := range []bool{false, true} {
					if inBody && method == http.MethodGet {
						continue
					}
					name := method + " " + rt.path + " " + b.name
					if inBody {
						name += " in the body"
					}
					t.Run(name, func(t *testing.T) {
						h := inputTestHandlers(t)
						target := strings.ReplaceAll(rt.path, ":id", "1") + "?user_id=1"
						form := url.Values{"name": {b.value}}
						var body io.Reader
						if inBody {
							body = strings.NewReader(form.Encode())
						} else {
							target += "&" + form.Encode()
						}
						req := httptest.NewRequest(method, target, body)
						if inBody {
							req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
						}
						rec := httptest.NewRecorder()
						NewServer(h).ServeHTTP(rec, req)
						want := rt.invalidInput(method)
						expectFieldError(t, rec, want, "name", b.msg, b.code)
					})
				}
			}
		}
	}
}

// A body that cannot be read as a form is refused, not taken as an empty
// form (A7 save_sign would blank the signature).
func TestUnreadableBodiesAreRefused(t *testing.T) {
	for _, c := range []struct {
		name, contentType, body string
	}{
		{"JSON", "application/json", `{"sign":"x"}`},
		{"bad escape", "application/x-www-form-urlencoded", "sign=%zz"},
		{"no content type", "", "sign=x"},
		{"broken multipart", "multipart/form-data; boundary=xyz", "--xyz\r\nnot a part"},
	} {
		t.Run(c.name, func(t *testing.T) {
			h := inputTestHandlers(t)
			req := httptest.NewRequest(http.MethodPost, "/zhugeleida/qiyeweixin/mingpian/save_sign?user_id=1", strings.NewReader(c.body))
			if c.contentType != "" {
				req.Header.Set("Content-Type", c.contentType)
			}
			rec := httptest.NewRecorder()
			NewServer(h).ServeHTTP(rec, req)
			expectFieldError(t, rec, invalidQuery, "body", "请求体不是有效的表单", "invalid")
		})
	}
}

func inputTestHandlers(t *testing.T) *Handlers {
	auth := mocks.NewMockAuthenticator(gomock.NewController(t))
	auth.EXPECT().AuthenticateUser(gomock.Any(), gomock.Any()).Return(org.Actor{UserID: 1, CompanyID: 1, Level: org.LevelMember}, nil).AnyTimes()
	auth.EXPECT().AuthenticateCustomer(gomock.Any(), gomock.Any()).Return(customer.Visitor{CustomerID: 1}, nil).AnyTimes()
	return &Handlers{Auth: auth, Config: Config{Location: time.UTC, Logger: slog.New(slog.NewTextHandler(io.Discard, nil))}}
}

func expectFieldError(t *testing.T, rec *httptest.ResponseRecorder, want inputError, field, msg, code string) {
	t.Helper()
	var env struct {
		Code int             `json:"code"`
		Msg  json.RawMessage `json:"msg"`
		Data json.RawMessage `json:"data"`
	}
	if rec.Code != http.StatusOK || json.Unmarshal(rec.Body.Bytes(), &env) != nil || env.Code != want.code {
		t.Fatalf("got HTTP %d %s, want code %d", rec.Code, rec.Body, want.code)
	}
	fields := env.Msg
	if want.inData {
		var m string
		if json.Unmarshal(env.Msg, &m) != nil || m != "请求异常" {
			t.Fatalf("msg %s", env.Msg)
		}
		fields = env.Data
	}
	var got map[string][]struct {
		Message string `json:"message"`
		Code    string `json:"code"`
	}
	if err := json.Unmarshal(fields, &got); err != nil || len(got[field]) != 1 || got[field][0].Message != msg || got[field][0].Code != code {
		t.Fatalf("field errors %s, want %s: %q (%s)", fields, field, msg, code)
	}
}
