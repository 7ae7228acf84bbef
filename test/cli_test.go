package test

import (
	"encoding/json"
	"net"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	lt "leida/test/leidatest"
)

func freeTCPPort() (int, error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer l.Close()
	return l.Addr().(*net.TCPAddr).Port, nil
}

// leida runs the built binary with env (on top of the process's) and
// returns stdout, stderr and the error (nil for exit 0).
func leida(t *testing.T, env []string, args ...string) (string, string, error) {
	t.Helper()
	bin, err := lt.Binary()
	if err != nil {
		t.Fatal(err)
	}
	cmd := exec.Command(bin, args...)
	cmd.Env = append(os.Environ(), env...)
	var out, errOut strings.Builder
	cmd.Stdout, cmd.Stderr = &out, &errOut
	done := make(chan error, 1)
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	go func() { done <- cmd.Wait() }()
	select {
	case err = <-done:
	case <-time.After(30 * time.Second):
		_ = cmd.Process.Kill()
		t.Fatalf("leida %v did not exit", args)
	}
	return out.String(), errOut.String(), err
}

// Help works even when the environment is invalid (configuration is read
// only by the commands that need it): `leida help X` and `leida X --help`
// print X's usage and exit 0.
func TestHelpWithAnInvalidEnvironment(t *testing.T) {
	env := []string{"DATABASE_URL=mysql://nowhere", "LOG_LEVEL=loud", "HTTP_ADDR=8000"}
	if _, stderr, err := leida(t, env, "sign", "--user-id", "1"); err == nil || !strings.Contains(stderr, "DATABASE_URL") {
		t.Fatalf("the environment is not invalid after all: %v %s", err, stderr)
	}
	out, _, err := leida(t, env, "help")
	if err != nil || !strings.Contains(out, "usage: leida <command>") {
		t.Fatalf("help: %v %s", err, out)
	}
	for _, c := range []struct{ name, synopsis string }{
		{"serve", "usage: leida serve [--no-migrate]"},
		{"migrate", "usage: leida migrate up|down|status"},
		{"bootstrap", "usage: leida bootstrap --company NAME --username NAME --password PASS [--reset-password]"},
		{"seed", "usage: leida seed --demo"},
		{"sign", "usage: leida sign --user-id N [--customer]"},
		{"ai", "usage: leida ai train [--company N]"},
		{"version", "usage: leida version"},
	} {
		for _, args := range [][]string{{"help", c.name}, {c.name, "--help"}, {c.name, "-h"}} {
			out, stderr, err := leida(t, env, args...)
			if err != nil || !strings.HasPrefix(out, c.synopsis+"\n") {
				t.Errorf("leida %s: %v\n%s%s", strings.Join(args, " "), err, out, stderr)
			}
		}
	}
	out, _, err = leida(t, env, "sign", "--help")
	if err != nil || !strings.Contains(out, "-user-id") || !strings.Contains(out, "-customer") {
		t.Errorf("sign --help lacks its flags: %s", out)
	}
	if _, stderr, err := leida(t, env, "help", "nosuch"); err == nil || !strings.Contains(stderr, `unknown command "nosuch"`) {
		t.Errorf("help nosuch: %v %s", err, stderr)
	}
}

// `leida version` prints the module version and, in a binary built from a
// git checkout with VCS stamping, the revision (here: HEAD).
func TestVersionPrintsModuleAndRevision(t *testing.T) {
	out, _, err := leida(t, []string{"DATABASE_URL=mysql://nowhere"}, "version")
	if err != nil || !strings.HasPrefix(out, "leida (devel)\n") || !strings.Contains(out, "module:   leida\n") || !strings.Contains(out, "revision: ") {
		t.Fatalf("version: %v\n%s", err, out)
	}
	head, err := exec.Command("git", "-C", "..", "rev-parse", "HEAD").Output()
	if err != nil {
		t.Skipf("not a git checkout (or no git): %v", err)
	}
	if st, err := os.Stat("../.git"); err != nil || !st.IsDir() {
		t.Skip("a git worktree or submodule (.git is a file): go build stamps no VCS information there")
	}
	bin := filepath.Join(t.TempDir(), "leida")
	build := exec.Command("go", "build", "-buildvcs=true", "-o", bin, "./cmd/leida")
	build.Dir = ".."
	if b, err := build.CombinedOutput(); err != nil {
		t.Skipf("cannot build with VCS stamping here: %v\n%s", err, b)
	}
	got, err := exec.Command(bin, "version").Output()
	if err != nil || !strings.Contains(string(got), "revision: "+strings.TrimSpace(string(head))) {
		t.Fatalf("version of a stamped build: %v\n%s (HEAD %s)", err, got, head)
	}
}

// A busy HTTP port fails at once, before anything says "serving".
func TestServeOnABusyPortFailsBeforeServing(t *testing.T) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	env := []string{"HTTP_ADDR=" + l.Addr().String(), "MEDIA_ROOT=" + t.TempDir(), "LOG_FORMAT=json",
		"DATABASE_URL=postgres://postgres@127.0.0.1:1/none?sslmode=disable"}
	_, stderr, err := leida(t, env, "serve", "--no-migrate")
	if err == nil || !strings.Contains(stderr, "HTTP_ADDR "+l.Addr().String()) || !strings.Contains(stderr, "address already in use") {
		t.Fatalf("busy port: %v\n%s", err, stderr)
	}
	if strings.Contains(stderr, "serving") {
		t.Fatalf("said serving on a busy port:\n%s", stderr)
	}
}

// `leida sign` names the database it used, and fails clearly for a user or
// customer that is not there.
func TestSignNamesItsDatabase(t *testing.T) {
	dbName := srv.DBURL[strings.LastIndex(srv.DBURL, "/")+1:]
	dbName = dbName[:strings.IndexByte(dbName+"?", '?')]
	env := []string{"DATABASE_URL=" + srv.DBURL}
	out, stderr, err := leida(t, env, "sign", "--user-id", id(srv.Admin.ID))
	if err != nil || !strings.HasPrefix(out, "rand_str=") || !strings.Contains(stderr, `database "`+dbName+`" on 127.0.0.1:5432`) {
		t.Fatalf("sign: %v\n%s%s", err, out, stderr)
	}
	_, stderr, err = leida(t, env, "sign", "--user-id", "987654321")
	if err == nil || !strings.Contains(stderr, `no enterprise user with id 987654321 in database "`+dbName+`"`) {
		t.Fatalf("unknown user: %v %s", err, stderr)
	}
	_, stderr, err = leida(t, env, "sign", "--user-id", "987654321", "--customer")
	if err == nil || !strings.Contains(stderr, `no mini-program customer with id 987654321 in database "`+dbName+`"`) {
		t.Fatalf("unknown customer: %v %s", err, stderr)
	}
}

// `leida bootstrap --reset-password` gives the existing admin the password
// when it does not work (make run, after var/demo-admin-password was lost),
// and changes nothing when it does.
func TestBootstrapResetPassword(t *testing.T) {
	name := lt.Unique("demo-admin")
	boot := func(pw string, reset bool) map[string]any {
		t.Helper()
		args := []string{"bootstrap", "--company", "平台公司", "--username", name, "--password", pw}
		if reset {
			args = append(args, "--reset-password")
		}
		out, err := srv.Command(args...)
		if err != nil {
			t.Fatal(err)
		}
		var m map[string]any
		if err := json.Unmarshal([]byte(out), &m); err != nil {
			t.Fatalf("%q: %v", out, err)
		}
		return m
	}
	login := func(pw string) *lt.Resp {
		return srv.Do(t, lt.Request{Method: "POST", Path: "/zhugeleida/admin/login", Header: map[string][]string{"X-Forwarded-For": {clientAddress()}},
			Form: map[string][]string{"username": {name}, "password": {pw}}})
	}
	first := boot("first-password", false) // creates the admin
	if m := boot("lost-password", false); m["token"] != first["token"] || m["password_reset"] != nil {
		t.Fatalf("without --reset-password: %v", m)
	}
	lt.Expect(t, login("lost-password"), 401, "账号或密码错误")
	if m := boot("first-password", true); m["password_reset"] != false || m["token"] != first["token"] {
		t.Fatalf("a working password: %v", m)
	}
	m := boot("new-password", true)
	if m["password_reset"] != true || m["token"] == first["token"] || m["user_id"] != first["user_id"] {
		t.Fatalf("reset: %v", m) // D5: the token rotates with the password
	}
	lt.Expect(t, login("new-password"), 200, "登录成功")
	lt.Expect(t, login("first-password"), 401, "账号或密码错误")
}
