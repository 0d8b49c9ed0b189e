// Package pgtest starts a throwaway PostgreSQL server for a test: a new
// cluster (initdb) in a temporary folder, listening on a free loopback
// port and on a unix socket in that folder, stopped and deleted when the
// test ends.
//
// The server binaries are looked up on PATH, then under Debian's
// /usr/lib/postgresql/<version>/bin (the postgresql package does not put
// them on PATH). PostgreSQL refuses to run as root, so as root the cluster
// is created and run as the `postgres` user the Debian package creates.
// Without the binaries the test is skipped, except under CI=true, where it
// fails (.ci/run installs them). It runs only with CALIPER_LONG=1 (CI).
package pgtest

import (
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

	"github.com/caliper-dev/caliper/internal/errs"
	"github.com/caliper-dev/caliper/internal/testenv"
)

// Server is a running throwaway server.
type Server struct {
	URL  string // postgres://postgres@127.0.0.1:<port>/postgres?sslmode=disable
	Port int    // its loopback port
}

// Start starts a server and returns its URL (user postgres, database
// postgres, trust authentication, UTC, C collation).
func Start(t testing.TB) string {
	t.Helper()
	return StartServer(t).URL
}

// StartServer starts a server, with extra settings ("name=value", passed
// as -c options) if any.
func StartServer(t testing.TB, settings ...string) *Server {
	t.Helper()
	testenv.NeedLong(t, "starts a PostgreSQL server")
	bin, err := binDir()
	if err != nil {
		unavailable(t, "%v; install PostgreSQL (Debian: apt-get install postgresql)", err)
	}
	var cred *syscall.Credential
	var owner *user.User
	if os.Geteuid() == 0 {
		u, err := user.Lookup("postgres")
		if err != nil {
			unavailable(t, "running as root and there is no postgres user to run PostgreSQL as (%v)", err)
		}
		uid, _ := strconv.ParseUint(u.Uid, 10, 32)
		gid, _ := strconv.ParseUint(u.Gid, 10, 32)
		cred = &syscall.Credential{Uid: uint32(uid), Gid: uint32(gid)}
		owner = u
	}
	dir, err := os.MkdirTemp("", "caliper-pg-")
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		if err := os.RemoveAll(dir); err != nil {
			t.Error(err)
		}
	})
	if owner != nil {
		if err := os.Chown(dir, int(cred.Uid), int(cred.Gid)); err != nil {
			t.Fatal(err)
		}
	}
	data := filepath.Join(dir, "data")
	logFile := filepath.Join(dir, "server.log")
	run := func(name string, args ...string) error {
		cmd := exec.Command(filepath.Join(bin, name), args...)
		cmd.Dir = dir
		cmd.Env = append(os.Environ(), "LC_ALL=C", "TZ=UTC")
		if cred != nil {
			cmd.SysProcAttr = &syscall.SysProcAttr{Credential: cred}
			cmd.Env = append(cmd.Env, "HOME="+dir, "USER=postgres", "LOGNAME=postgres")
		}
		out, err := cmd.CombinedOutput()
		if err != nil {
			return fmt.Errorf("%s %s: %v\n%s", name, strings.Join(args, " "), err, out)
		}
		return nil
	}
	if err := run("initdb", "-D", data, "-U", "postgres", "-A", "trust", "-E", "UTF8", "--locale=C", "--no-sync"); err != nil {
		t.Fatal(err)
	}
	port, err := freePort()
	if err != nil {
		t.Fatal(err)
	}
	opts := fmt.Sprintf("-p %d -k %s -c listen_addresses=127.0.0.1 -c fsync=off -c full_page_writes=off -c synchronous_commit=off -c TimeZone=UTC", port, dir)
	for _, s := range settings {
		opts += " -c " + s
	}
	if err := run("pg_ctl", "-D", data, "-l", logFile, "-w", "-t", "60", "-o", opts, "start"); err != nil {
		log, _ := os.ReadFile(logFile)
		t.Fatalf("%v\nserver log:\n%s", err, log)
	}
	t.Cleanup(func() {
		if err := run("pg_ctl", "-D", data, "-m", "immediate", "-w", "-t", "60", "stop"); err != nil {
			t.Logf("stopping PostgreSQL: %v", err)
		}
	})
	return &Server{URL: fmt.Sprintf("postgres://postgres@127.0.0.1:%d/postgres?sslmode=disable", port), Port: port}
}

// unavailable skips the test, or fails it under CI.
func unavailable(t testing.TB, format string, args ...any) {
	t.Helper()
	msg := "PostgreSQL test: " + fmt.Sprintf(format, args...)
	if os.Getenv("CI") == "true" {
		t.Fatal(msg + " (CI=true: .ci/run must install it)")
	}
	t.Skip(msg)
}

// binDir finds the folder holding initdb and pg_ctl.
func binDir() (string, error) {
	if p, err := exec.LookPath("pg_ctl"); err == nil {
		if _, err := exec.LookPath("initdb"); err == nil {
			return filepath.Dir(p), nil
		}
	}
	dirs, _ := filepath.Glob("/usr/lib/postgresql/*/bin")
	sort.Slice(dirs, func(i, j int) bool { return version(dirs[i]) > version(dirs[j]) })
	for _, d := range dirs {
		if fileExists(filepath.Join(d, "initdb")) && fileExists(filepath.Join(d, "pg_ctl")) {
			return d, nil
		}
	}
	return "", fmt.Errorf("initdb and pg_ctl are neither on PATH nor under /usr/lib/postgresql/*/bin")
}

func version(binDir string) float64 {
	v, _ := strconv.ParseFloat(filepath.Base(filepath.Dir(binDir)), 64)
	return v
}

func fileExists(p string) bool {
	_, err := os.Stat(p)
	return err == nil
}

// freePort asks the kernel for a free loopback port.
func freePort() (_ int, err error) {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return 0, err
	}
	defer errs.Close(l, &err)
	return l.Addr().(*net.TCPAddr).Port, nil
}
