package test

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"os/exec"
	"os/user"
	"path/filepath"
	"sort"
	"strconv"
	"strings"
	"syscall"
	"testing"
	"time"
)

// pgCluster is a throw-away PostgreSQL cluster (initdb) on a free loopback
// port, which the fault tests start, stop, freeze and crash at will.
type pgCluster struct {
	bin  string   // directory of initdb, pg_ctl, postgres
	dir  string   // parent directory (removed at the end)
	data string   // data directory
	port int      //
	as   []string // command prefix running as the cluster's owner (runuser when root)
	uid  int      // owner's uid and gid, when root
	gid  int      //
}

// pgBinDir finds initdb: the newest /usr/lib/postgresql/*/bin (Debian), else PATH.
func pgBinDir() string {
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return pgVersion(dirs[i]) > pgVersion(dirs[j]) })
	for _, d := range dirs {
		if _, err := os.Stat(filepath.Join(d, "initdb")); err == nil {
			return d
		}
	}
	if p, err := exec.LookPath("initdb"); err == nil {
		return filepath.Dir(p)
	}
	return ""
}

func pgVersion(binDir string) int {
	n, _ := strconv.Atoi(filepath.Base(filepath.Dir(binDir)))
	return n
}

// newPGCluster initialises a cluster (not started) or skips the test when
// PostgreSQL's server binaries are not installed.
func newPGCluster(t *testing.T) *pgCluster {
	t.Helper()
	bin := pgBinDir()
	if bin == "" {
		t.Skip("fault test skipped: PostgreSQL server binaries (initdb, pg_ctl) not found under /usr/lib/postgresql/*/bin or in PATH " +
			"(scripts/ensure-postgres.sh installs Debian's postgresql)")
	}
	c := &pgCluster{bin: bin}
	if os.Geteuid() == 0 {
		// initdb refuses to run as root: the cluster belongs to "postgres".
		u, err := user.Lookup("postgres")
		if err != nil {
			t.Skip("fault test skipped: running as root and there is no postgres OS user to own a cluster")
		}
		runuser, err := exec.LookPath("runuser")
		if err != nil {
			t.Skip("fault test skipped: running as root without runuser to act as the postgres OS user")
		}
		c.uid, _ = strconv.Atoi(u.Uid)
		c.gid, _ = strconv.Atoi(u.Gid)
		c.as = []string{runuser, "-u", "postgres", "--"}
	}
	dir, err := os.MkdirTemp("", "leida-fault-pg-")
	if err != nil {
		t.Fatal(err)
	}
	c.dir, c.data = dir, filepath.Join(dir, "data")
	if c.as != nil {
		if err := os.Chown(dir, c.uid, c.gid); err != nil {
			t.Fatal(err)
		}
	}
	t.Cleanup(func() {
		c.thaw()
		_, _ = c.run("pg_ctl", "-D", c.data, "-m", "immediate", "-w", "stop")
		_ = os.RemoveAll(dir)
	})
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	c.port = l.Addr().(*net.TCPAddr).Port
	l.Close()
	if out, err := c.run("initdb", "-D", c.data, "-U", "postgres", "--auth=trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatalf("initdb: %v\n%s", err, out)
	}
	return c
}

func (c *pgCluster) run(tool string, args ...string) (string, error) {
	argv := append(append(append([]string{}, c.as...), filepath.Join(c.bin, tool)), args...)
	cmd := exec.Command(argv[0], argv[1:]...)
	cmd.Dir = c.dir
	var out bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &out
	err := cmd.Run()
	return out.String(), err
}

// url names database db of the cluster.
func (c *pgCluster) url(db string) string {
	return fmt.Sprintf("postgres://postgres@127.0.0.1:%d/%s?sslmode=disable", c.port, db)
}

// start starts the server and waits until it accepts connections.
func (c *pgCluster) start(t *testing.T) {
	t.Helper()
	opts := fmt.Sprintf("-p %d -c listen_addresses=127.0.0.1 -c unix_socket_directories=%s -c fsync=off -c max_connections=100",
		c.port, c.dir)
	if out, err := c.run("pg_ctl", "-D", c.data, "-l", filepath.Join(c.dir, "server.log"), "-o", opts, "-w", "-t", "30", "start"); err != nil {
		t.Fatalf("pg_ctl start: %v\n%s\n%s", err, out, c.serverLog())
	}
}

// stop shuts the server down (mode fast: sessions are terminated).
func (c *pgCluster) stop(t *testing.T, mode string) {
	t.Helper()
	if out, err := c.run("pg_ctl", "-D", c.data, "-m", mode, "-w", "-t", "30", "stop"); err != nil {
		t.Fatalf("pg_ctl stop: %v\n%s", err, out)
	}
}

func (c *pgCluster) serverLog() string {
	b, _ := os.ReadFile(filepath.Join(c.dir, "server.log"))
	return string(b)
}

// postmaster is the server's pid (0 when it is not running).
func (c *pgCluster) postmaster() int {
	b, err := os.ReadFile(filepath.Join(c.data, "postmaster.pid"))
	if err != nil {
		return 0
	}
	pid, _ := strconv.Atoi(strings.TrimSpace(strings.SplitN(string(b), "\n", 2)[0]))
	return pid
}

// processes is the postmaster and its children.
func (c *pgCluster) processes() []int {
	pm := c.postmaster()
	if pm == 0 {
		return nil
	}
	pids := []int{pm}
	stats, _ := filepath.Glob("/proc/[0-9]*/stat")
	for _, st := range stats {
		b, err := os.ReadFile(st)
		if err != nil {
			continue
		}
		// pid (comm) state ppid ...: comm may hold spaces, so read after ')'.
		s := string(b)
		fields := strings.Fields(s[strings.LastIndexByte(s, ')')+1:])
		if len(fields) > 1 && fields[1] == strconv.Itoa(pm) {
			pid, _ := strconv.Atoi(filepath.Base(filepath.Dir(st)))
			pids = append(pids, pid)
		}
	}
	return pids
}

// freeze stops (SIGSTOP) the postmaster and every backend: connections are
// accepted by the kernel and then nothing answers, as with a hung host.
func (c *pgCluster) freeze() {
	for _, pid := range c.processes() {
		_ = syscall.Kill(pid, syscall.SIGSTOP)
	}
}

// thaw resumes them.
func (c *pgCluster) thaw() {
	for _, pid := range c.processes() {
		_ = syscall.Kill(pid, syscall.SIGCONT)
	}
}

// waitRestarted waits until the postmaster accepts connections again after
// a crash (it restarts its backends by itself).
func (c *pgCluster) waitRestarted(t *testing.T, within time.Duration) {
	t.Helper()
	deadline := time.Now().Add(within)
	for {
		out, err := c.run("pg_isready", "-h", "127.0.0.1", "-p", strconv.Itoa(c.port), "-t", "1")
		if err == nil {
			return
		}
		if time.Now().After(deadline) {
			t.Fatalf("the cluster did not restart: %s\n%s", out, c.serverLog())
		}
		time.Sleep(50 * time.Millisecond)
	}
}
