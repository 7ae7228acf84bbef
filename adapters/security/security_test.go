package security

import (
	"regexp"
	"strings"
	"testing"
)

func TestTokensAreRandomHex(t *testing.T) {
	seen := map[string]bool{}
	re := regexp.MustCompile(`^[0-9a-f]{32}$`)
	for i := 0; i < 100; i++ {
		tok, err := Tokens{}.NewToken()
		if err != nil || !re.MatchString(tok) || seen[tok] {
			t.Fatalf("bad token %q (%v)", tok, err)
		}
		seen[tok] = true
	}
}

func TestArgon2RoundTrip(t *testing.T) {
	h, err := Argon2{}.Hash("s3cret")
	if err != nil || !strings.HasPrefix(h, "$argon2id$v=19$m=19456,t=2,p=1$") {
		t.Fatalf("hash %q %v", h, err)
	}
	if ok, rehash := (Argon2{}).Verify(h, "s3cret"); !ok || rehash {
		t.Fatalf("verify good: ok=%v rehash=%v", ok, rehash)
	}
	if ok, _ := (Argon2{}).Verify(h, "S3cret"); ok {
		t.Fatal("wrong password accepted")
	}
	h2, _ := Argon2{}.Hash("s3cret")
	if h == h2 {
		t.Fatal("salt not random")
	}
}

func TestLegacyMD5AcceptedAndFlaggedForRehash(t *testing.T) {
	legacy := LegacyMD5("123456") // e10adc3949ba59abbe56e057f20f883e
	if legacy != "e10adc3949ba59abbe56e057f20f883e" {
		t.Fatalf("md5 %s", legacy)
	}
	if ok, rehash := (Argon2{}).Verify(legacy, "123456"); !ok || !rehash {
		t.Fatalf("legacy: ok=%v rehash=%v", ok, rehash)
	}
	if ok, _ := (Argon2{}).Verify(legacy, "1234567"); ok {
		t.Fatal("wrong legacy password accepted")
	}
}

func TestMalformedHashesRejected(t *testing.T) {
	for _, h := range []string{"", "plain", "$argon2id$v=19$m=0,t=0,p=0$AA$AA", "$argon2i$v=19$m=1,t=1,p=1$AA$AA", "$argon2id$v=19$m=19456,t=2,p=1$!!$!!"} {
		if ok, _ := (Argon2{}).Verify(h, "x"); ok {
			t.Errorf("accepted %q", h)
		}
	}
}
