// Package test holds the black-box tests of the whole service: the real
// `leida` binary over HTTP against a throw-away PostgreSQL database.
package test

import (
	"fmt"
	"os"
	"testing"

	"leida/test/leidatest"
)

// srv is the server shared by the tests of this package.
var srv *leidatest.Server

func TestMain(m *testing.M) {
	var err error
	srv, err = leidatest.Start(leidatest.Options{Prefix: "bb"})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting leida:", err)
		os.Exit(1)
	}
	code := m.Run()
	if code != 0 {
		fmt.Fprintln(os.Stderr, "---- server log (tail) ----")
		logs := srv.Logs()
		if len(logs) > 4000 {
			logs = logs[len(logs)-4000:]
		}
		fmt.Fprintln(os.Stderr, logs)
	}
	srv.Stop()
	os.Exit(code)
}
