// Package test holds the black-box tests of the whole service: the real
// `leida` binary over HTTP against a throw-away PostgreSQL database.
package test

import (
	"bufio"
	"fmt"
	"os"
	"strings"
	"testing"

	"leida/test/leidatest"
)

// srv is the server shared by the tests of this package; extraServers are
// more instances on its database that tests started, stopped at the end.
var (
	srv          *leidatest.Server
	extraServers []*leidatest.Server
)

func TestMain(m *testing.M) {
	var err error
	// The tests act as a load balancer (X-Forwarded-For) to give each login
	// test its own client address for the rate limit.
	srv, err = leidatest.Start(leidatest.Options{Prefix: "bb", Env: map[string]string{"TRUSTED_PROXIES": "127.0.0.1"}})
	if err != nil {
		fmt.Fprintln(os.Stderr, "starting leida:", err)
		os.Exit(1)
	}
	code := m.Run()
	if c := checkContract(); code == 0 {
		code = c
	}
	for _, s := range append([]*leidatest.Server{srv}, extraServers...) {
		if code == 0 {
			code = checkNoUnexpected500(s.Logs())
		}
	}
	for _, s := range extraServers {
		s.Stop()
	}
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

// injectedFailure marks the errors tests provoke on purpose (a trigger that
// makes a write fail, to prove the transaction leaves nothing behind).
const injectedFailure = "refused by test"

// checkNoUnexpected500 fails the run when any request of the suite ended in
// an internal error other than an injected one: bad input must never be a 500.
func checkNoUnexpected500(logs string) int {
	bad := 0
	sc := bufio.NewScanner(strings.NewReader(logs))
	sc.Buffer(make([]byte, 1<<20), 1<<24)
	for sc.Scan() {
		line := sc.Text()
		if strings.Contains(line, `"msg":"internal error"`) && !strings.Contains(line, injectedFailure) {
			fmt.Fprintln(os.Stderr, "unexpected internal error:", line)
			bad++
		}
	}
	if bad > 0 {
		return 1
	}
	return 0
}

// checkContract reports how many answers were validated against
// /openapi.json and fails the run on violations no Do reported (issue 11).
func checkContract() int {
	validated, exempt := leidatest.ContractStats()
	answered, total, missing := leidatest.ContractCoverage()
	fmt.Fprintf(os.Stderr, "openapi: %d answers validated against /openapi.json (%d exempt: streams, docs, static files); %d of its %d operations answered\n",
		validated, exempt, answered, total)
	if len(missing) > 0 && testing.Verbose() {
		fmt.Fprintln(os.Stderr, "openapi: operations no test called:", strings.Join(missing, ", "))
	}
	vs := leidatest.UnreportedViolations()
	for _, v := range vs {
		fmt.Fprintln(os.Stderr, "openapi violation (Send):", v)
	}
	if len(vs) > 0 {
		return 1
	}
	return 0
}
