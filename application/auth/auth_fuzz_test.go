package auth

import (
	"context"
	"encoding/hex"
	"strconv"
	"testing"
	"time"

	"github.com/golang/mock/gomock"

	"leida/adapters/clock"
	authmocks "leida/application/auth/mocks"
	"leida/domain/customer"
	"leida/domain/errs"
	"leida/domain/org"
	"leida/ports"
)

// Fuzz target of the signed query (user_id, timestamp, rand_str).
// The seeds run with every `go test`; `make fuzz` explores further.

const fuzzSkew = 10 * time.Minute

// storedToken is the token the fake repositories hold for id: distinct per
// id (so another user_id must fail), none for multiples of 11, and ids that
// are multiples of 5 do not exist.
func storedToken(base string, id int64) (string, bool) {
	if id%5 == 0 {
		return "", false
	}
	if id%11 == 0 || base == "" {
		return "", true
	}
	return base + strconv.FormatInt(id, 10), true
}

// fuzzService is the authenticator over repositories holding storedToken.
func fuzzService(t *testing.T, base string, skew time.Duration) *Service {
	ctrl := gomock.NewController(t)
	users := authmocks.NewMockUserRepository(ctrl)
	users.EXPECT().Principal(gomock.Any(), gomock.Any()).AnyTimes().DoAndReturn(func(_ context.Context, id int64) (org.User, error) {
		if id <= 0 {
			t.Fatalf("Principal(%d): a non-positive id reached the repository", id)
		}
		tok, found := storedToken(base, id)
		if !found {
			return org.User{}, ports.ErrNotFound
		}
		return org.User{ID: id, CompanyID: 3, Token: tok, Status: org.StatusEnabled, RoleLevel: org.LevelMember}, nil
	})
	customers := authmocks.NewMockCustomerRepository(ctrl)
	customers.EXPECT().ByID(gomock.Any(), gomock.Any()).AnyTimes().DoAndReturn(func(_ context.Context, id int64) (customer.Customer, error) {
		if id <= 0 {
			t.Fatalf("ByID(%d): a non-positive id reached the repository", id)
		}
		tok, found := storedToken(base, id)
		if !found {
			return customer.Customer{}, ports.ErrNotFound
		}
		return customer.Customer{ID: id, Token: tok}, nil
	})
	return NewService(Config{MaxSkew: skew}, users, customers, clock.NewFixed(now), nil, nil, nil)
}

// shouldVerify is the rule written out: a positive decimal user_id of an
// existing principal with a token, a decimal timestamp within the skew
// (when checked), and rand_str = MD5-hex(timestamp + token).
func shouldVerify(base string, skew time.Duration, c ports.Credentials) (int64, bool) {
	id, err := strconv.ParseInt(c.UserID, 10, 64)
	if err != nil || id <= 0 {
		return 0, false
	}
	tok, found := storedToken(base, id)
	if !found || tok == "" {
		return 0, false
	}
	if skew > 0 {
		ms, err := strconv.ParseInt(c.Timestamp, 10, 64)
		if err != nil || ms < now.Add(-skew).UnixMilli() || ms > now.Add(skew).UnixMilli() {
			return 0, false
		}
	}
	return id, c.RandStr == Sign(c.Timestamp, tok)
}

// checkBoth runs both checks of a signed request and compares them with
// shouldVerify: success, or the 400 bad-token error, never another.
func checkBoth(t *testing.T, s *Service, base string, skew time.Duration, c ports.Credentials) bool {
	t.Helper()
	wantID, want := shouldVerify(base, skew, c)
	a, err := s.AuthenticateUser(context.Background(), c)
	v, cerr := s.AuthenticateCustomer(context.Background(), c)
	for _, e := range []error{err, cerr} {
		if e == nil {
			continue
		}
		te, ok := errs.As(e)
		if !ok || te.Kind != errs.KindUnauthorized || te.Code != 400 {
			t.Fatalf("%+v (skew %v): error %v, want the 400 bad-token error", c, skew, e)
		}
	}
	if (err == nil) != want || (cerr == nil) != want {
		t.Fatalf("%+v (skew %v): user %v, customer %v; want verified=%v", c, skew, err, cerr, want)
	}
	if want && (a.UserID != wantID || a.CompanyID != 3 || v.CustomerID != wantID) {
		t.Fatalf("%+v: actor %+v, visitor %+v", c, a, v)
	}
	return want
}

// FuzzSignedRequest: any user_id/timestamp/rand_str triple verifies exactly
// when the rule says so and otherwise gives the bad-token error; a request
// signed with the token (timestamp within the skew) verifies, and changing
// its timestamp, rand_str or user_id (to another user) makes it fail.
func FuzzSignedRequest(f *testing.F) {
	ts := strconv.FormatInt(now.UnixMilli(), 10)
	tok7 := token + "7"
	for _, c := range []ports.Credentials{
		{UserID: "7", Timestamp: ts, RandStr: Sign(ts, tok7)},
		{UserID: "07", Timestamp: ts, RandStr: Sign(ts, tok7)},
		{UserID: "+7", Timestamp: ts, RandStr: Sign(ts, tok7)},
		{UserID: " 7", Timestamp: ts, RandStr: Sign(ts, tok7)},
		{UserID: "7", Timestamp: "0" + ts, RandStr: Sign("0"+ts, tok7)},
		{UserID: "7", Timestamp: "+" + ts, RandStr: Sign("+"+ts, tok7)},
		{UserID: "7", Timestamp: ts + "0", RandStr: Sign(ts+"0", tok7)},
		{UserID: "7", Timestamp: ts, RandStr: "B" + Sign(ts, tok7)[1:]},
		{UserID: "-7", Timestamp: ts, RandStr: Sign(ts, tok7)},
		{UserID: "0", Timestamp: ts, RandStr: Sign(ts, token+"0")},
		{UserID: "10", Timestamp: ts, RandStr: Sign(ts, token+"10")},
		{UserID: "22", Timestamp: ts, RandStr: Sign(ts, "")},
		{UserID: "99999999999999999999", Timestamp: ts, RandStr: "x"},
		{UserID: "9223372036854775807", Timestamp: "9223372036854775807", RandStr: Sign("9223372036854775807", token+"9223372036854775807")},
		{UserID: "7", Timestamp: "-9223372036854775808", RandStr: Sign("-9223372036854775808", tok7)},
		{UserID: "７", Timestamp: "１５２８", RandStr: "用户"},
		{UserID: "7\x00", Timestamp: ts + "\xff", RandStr: ""},
		{UserID: "", Timestamp: "", RandStr: ""},
		{UserID: "1e3", Timestamp: "1.5e12", RandStr: "0x1"},
	} {
		for _, skewOn := range []bool{true, false} {
			f.Add(c.UserID, c.Timestamp, c.RandStr, token, skewOn, uint32(7), int64(0), "8")
		}
	}
	f.Add("1", "", "", "", true, uint32(1), int64(-599999), "")
	f.Add("1", "", "", "t", true, uint32(12), int64(599999), ts)
	f.Add("1", "", "", token, true, uint32(1<<32-1), int64(-1<<63), "７")
	f.Fuzz(func(t *testing.T, userID, timestamp, randStr, base string, skewOn bool, id uint32, offsetMs int64, other string) {
		skew := time.Duration(0)
		if skewOn {
			skew = fuzzSkew
		}
		if got := Sign(timestamp, base); len(got) != 32 || got != Sign(timestamp, base) {
			t.Fatalf("Sign(%q, %q) = %q", timestamp, base, got)
		} else if _, err := hex.DecodeString(got); err != nil || got != lowerHex(got) {
			t.Fatalf("Sign(%q, %q) = %q: not lower-case hex", timestamp, base, got)
		}
		s := fuzzService(t, base, skew)

		// Any triple.
		checkBoth(t, s, base, skew, ports.Credentials{UserID: userID, Timestamp: timestamp, RandStr: randStr})

		// A correctly signed request, then each of its parameters changed.
		uid := int64(id) + 1
		tok, found := storedToken(base, uid)
		offset := offsetMs % fuzzSkew.Milliseconds()
		sts := strconv.FormatInt(now.UnixMilli()+offset, 10)
		signed := ports.Credentials{UserID: strconv.FormatInt(uid, 10), Timestamp: sts, RandStr: Sign(sts, tok)}
		if ok := checkBoth(t, s, base, skew, signed); ok != (found && tok != "") {
			t.Fatalf("%+v signed with %q: verified=%v", signed, tok, ok)
		}
		if other != sts {
			c := signed
			c.Timestamp = other
			if checkBoth(t, s, base, skew, c) {
				t.Fatalf("timestamp %q → %q still verifies", sts, other)
			}
		}
		if other != signed.RandStr {
			c := signed
			c.RandStr = other
			if checkBoth(t, s, base, skew, c) {
				t.Fatalf("rand_str %q → %q still verifies", signed.RandStr, other)
			}
		}
		c := signed
		c.UserID = other
		verified := checkBoth(t, s, base, skew, c)
		if n, err := strconv.ParseInt(other, 10, 64); verified && (err != nil || n != uid) {
			t.Fatalf("user_id %d → %q still verifies", uid, other)
		}
	})
}

func lowerHex(s string) string {
	b := []byte(s)
	for i, c := range b {
		if c >= 'A' && c <= 'F' {
			b[i] = c + 'a' - 'A'
		}
	}
	return string(b)
}
