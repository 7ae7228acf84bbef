package test

import (
	"testing"

	lt "leida/test/leidatest"
)

func TestHealthAndReadiness(t *testing.T) {
	lt.Expect(t, srv.Do(t, lt.Request{Path: "/healthz"}), 200, "ok")
	lt.Expect(t, srv.Do(t, lt.Request{Path: "/readyz"}), 200, "ready")
}
