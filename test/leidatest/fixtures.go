package leidatest

import (
	"crypto/rand"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"reflect"
	"sync/atomic"
	"testing"
)

var seq atomic.Int64

// Unique returns prefix plus a number unique in this test process.
func Unique(prefix string) string { return fmt.Sprintf("%s%d", prefix, seq.Add(1)) }

// NewToken is a fresh random token.
func NewToken() string {
	b := make([]byte, 16)
	_, _ = rand.Read(b)
	return hex.EncodeToString(b)
}

// Levels of the built-in roles.
const (
	PlatformAdmin = 1
	CompanyAdmin  = 2
	Member        = 3
)

// NewCompany inserts a company directly and returns its id.
func (s *Server) NewCompany(t testing.TB, name string) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(`INSERT INTO companies (name) VALUES ($1) RETURNING id`, name).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// RoleID is the id of the built-in role of a level.
func (s *Server) RoleID(t testing.TB, level int) int64 {
	t.Helper()
	var id int64
	if err := s.DB.QueryRow(`SELECT id FROM roles WHERE level = $1 ORDER BY id LIMIT 1`, level).Scan(&id); err != nil {
		t.Fatal(err)
	}
	return id
}

// NewUser inserts an enabled user of the level in the company.
func (s *Server) NewUser(t testing.TB, companyID int64, level int, username string) Principal {
	t.Helper()
	p := Principal{Token: NewToken()}
	err := s.DB.QueryRow(`INSERT INTO users (company_id, username, role_id, token, status, position)
		VALUES ($1, $2, $3, $4, 1, '销售') RETURNING id`, companyID, username, s.RoleID(t, level), p.Token).Scan(&p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// NewCustomer inserts a mini-program customer identity.
func (s *Server) NewCustomer(t testing.TB, name string) Principal {
	t.Helper()
	p := Principal{Token: NewToken(), Customer: true}
	err := s.DB.QueryRow(`INSERT INTO customers (openid, user_type, username, token) VALUES ($1, 2, $2, $3) RETURNING id`,
		"openid-"+NewToken(), name, p.Token).Scan(&p.ID)
	if err != nil {
		t.Fatal(err)
	}
	return p
}

// Exec runs SQL for fixtures.
func (s *Server) Exec(t testing.TB, q string, args ...any) {
	t.Helper()
	if _, err := s.DB.Exec(q, args...); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// Scalar reads one value.
func (s *Server) Scalar(t testing.TB, dest any, q string, args ...any) {
	t.Helper()
	if err := s.DB.QueryRow(q, args...).Scan(dest); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
}

// Strings reads a column of text, in the query's order (empty, not nil, for no rows).
func (s *Server) Strings(t testing.TB, q string, args ...any) []string {
	t.Helper()
	rows, err := s.DB.Query(q, args...)
	if err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	defer rows.Close()
	out := []string{}
	for rows.Next() {
		var v string
		if err := rows.Scan(&v); err != nil {
			t.Fatalf("%s: %v", q, err)
		}
		out = append(out, v)
	}
	if err := rows.Err(); err != nil {
		t.Fatalf("%s: %v", q, err)
	}
	return out
}

// Count is SELECT count(*) ... as int.
func (s *Server) Count(t testing.TB, q string, args ...any) int {
	t.Helper()
	var n int
	s.Scalar(t, &n, q, args...)
	return n
}

// ---- assertions

// Expect checks HTTP 200 and the envelope's code and string msg, and that
// the envelope has exactly code, msg, data in that order.
func Expect(t testing.TB, r *Resp, code int, msg string) {
	t.Helper()
	ExpectStatus(t, r, 200, code, msg)
}

// ExpectStatus is Expect with another HTTP status.
func ExpectStatus(t testing.TB, r *Resp, status, code int, msg string) {
	t.Helper()
	if r.Status != status || r.Code != code || r.MsgString() != msg {
		t.Fatalf("want HTTP %d code %d msg %q, got HTTP %d: %s", status, code, msg, r.Status, r.Raw)
	}
	if !reflect.DeepEqual(r.Keys, []string{"code", "msg", "data"}) {
		t.Fatalf("envelope keys %v: %s", r.Keys, r.Raw)
	}
}

// ExpectEmptyData checks data is {}.
func ExpectEmptyData(t testing.TB, r *Resp) {
	t.Helper()
	if string(r.Data) != "{}" {
		t.Fatalf("want data {}, got %s", r.Raw)
	}
}

// FieldErrors decodes a validation object.
type FieldErrors map[string][]struct {
	Message string `json:"message"`
	Code    string `json:"code"`
}

// ExpectFields checks code and the validation object (in msg, or in data when
// inData) holds exactly want: field → message.
func ExpectFields(t testing.TB, r *Resp, code int, inData bool, want map[string]string) {
	t.Helper()
	if r.Status != 200 || r.Code != code {
		t.Fatalf("want code %d, got HTTP %d: %s", code, r.Status, r.Raw)
	}
	raw := r.Msg
	if inData {
		raw = r.Data
		if r.MsgString() != "请求异常" {
			t.Fatalf("want msg 请求异常 with errors in data: %s", r.Raw)
		}
	}
	var got FieldErrors
	if err := json.Unmarshal(raw, &got); err != nil {
		t.Fatalf("no validation object: %s", r.Raw)
	}
	if len(got) != len(want) {
		t.Fatalf("want fields %v, got %s", want, r.Raw)
	}
	for f, m := range want {
		if len(got[f]) == 0 || got[f][0].Message != m {
			t.Fatalf("field %s: want %q, got %s", f, m, r.Raw)
		}
	}
}

// KeysOf returns the keys of a JSON object in order.
func KeysOf(raw json.RawMessage) []string { return topKeys(raw) }
