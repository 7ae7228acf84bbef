package main

import (
	"net"
	"runtime/debug"
	"strings"
	"testing"
)

// Help needs no configuration: with an invalid environment, `leida help X`
// and `leida X --help` print X's usage and succeed.
func TestHelpWithoutConfiguration(t *testing.T) {
	t.Setenv("DATABASE_URL", "mysql://nowhere")
	t.Setenv("LOG_LEVEL", "loud")
	for _, c := range commands() {
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}, {c.name, "-h"}, {c.name, "-help"}} {
			var out, errOut strings.Builder
			if err := run(args, &out, &errOut); err != nil {
				t.Errorf("%v: %v", args, err)
			}
			if !strings.HasPrefix(out.String(), "usage: "+c.synopsis+"\n") {
				t.Errorf("%v printed %q", args, out.String())
			}
		}
	}
	var out, errOut strings.Builder
	if err := run([]string{"sign", "--user-id", "1"}, &out, &errOut); err == nil || !strings.Contains(err.Error(), "DATABASE_URL") {
		t.Fatalf("a command that needs the configuration: %v", err)
	}
	if err := run([]string{"help", "nope"}, &out, &errOut); err == nil {
		t.Fatal("help of an unknown command succeeded")
	}
	if err := run(nil, &out, &errOut); err == nil || !strings.Contains(errOut.String(), "usage: leida <command>") {
		t.Fatalf("no command: %v %s", err, errOut.String())
	}
}

func TestWantsHelp(t *testing.T) {
	for args, want := range map[string]bool{"--help": true, "-h": true, "--user-id 3 --help": true, "up": false,
		"-- --help": false, "": false} {
		if got := wantsHelp(strings.Fields(args)); got != want {
			t.Errorf("%q: %v", args, got)
		}
	}
}

func TestVersionText(t *testing.T) {
	stamped := &debug.BuildInfo{GoVersion: "go1.26.8", Path: "leida/cmd/leida", Main: debug.Module{Path: "leida", Version: "v1.2.3"},
		Settings: []debug.BuildSetting{{Key: "vcs", Value: "git"}, {Key: "vcs.revision", Value: "0123abcd"},
			{Key: "vcs.time", Value: "2026-12-01T10:00:00Z"}, {Key: "vcs.modified", Value: "true"}}}
	got := versionText(stamped)
	for _, want := range []string{"leida v1.2.3\n", "module:   leida\n", "revision: 0123abcd (with uncommitted changes)\n",
		"committed: 2026-12-01T10:00:00Z\n", "go:       go1.26.8\n"} {
		if !strings.Contains(got, want) {
			t.Errorf("stamped: %q lacks %q", got, want)
		}
	}
	got = versionText(&debug.BuildInfo{GoVersion: "go1.26.8", Main: debug.Module{Path: "leida", Version: "(devel)"}})
	if !strings.HasPrefix(got, "leida (devel)\n") || !strings.Contains(got, "revision: unknown") {
		t.Errorf("unstamped: %q", got)
	}
	if got := versionText(nil); !strings.Contains(got, "no build information") {
		t.Errorf("nil: %q", got)
	}
	// The test binary has build information too.
	t.Setenv("DATABASE_URL", "mysql://nowhere")
	var out, errOut strings.Builder
	if err := run([]string{"version"}, &out, &errOut); err != nil || !strings.HasPrefix(out.String(), "leida ") {
		t.Fatalf("leida version: %v %q", err, out.String())
	}
}

// A busy address fails before the service logs "serving" (or touches the database).
func TestServeOnABusyPort(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	t.Setenv("HTTP_ADDR", l.Addr().String())
	t.Setenv("DATABASE_URL", "postgres://postgres@127.0.0.1:1/none?sslmode=disable")
	t.Setenv("MEDIA_ROOT", t.TempDir())
	var out, errOut strings.Builder
	err = run([]string{"serve", "--no-migrate"}, &out, &errOut)
	if err == nil || !strings.Contains(err.Error(), "HTTP_ADDR "+l.Addr().String()) {
		t.Fatalf("got %v", err)
	}
	if strings.Contains(errOut.String(), "serving") {
		t.Fatalf("logged:\n%s", errOut.String())
	}
}

// Messages name the database, never the password.
func TestDatabaseName(t *testing.T) {
	for in, want := range map[string]string{
		"postgres://postgres:s3cret@127.0.0.1:5432/leida?sslmode=disable": `"leida" on 127.0.0.1:5432`,
		"postgres://app@db.internal/":                                     `"app" on db.internal`,
		"postgresql:///leida?host=/run/postgresql":                        `"leida" on /run/postgresql`,
	} {
		if got := databaseName(in); got != want || strings.Contains(got, "s3cret") {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
}
