package e2e

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestTokenNeverTravelsInTheClear: off loopback, a token without TLS is
// refused with a message naming --tls-cert/--tls-key; --allow-plaintext
// overrides it, with a warning in the log.
func TestTokenNeverTravelsInTheClear(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.token = "tok-clear-42"
	e.dataDir = filepath.Join(t.TempDir(), "data")
	if err := e.tryStart("--listen", "0.0.0.0:0"); err == nil {
		t.Fatal("a token without TLS was accepted on 0.0.0.0")
	}
	line := lastLines(e.logs.String(), 1)
	if !strings.Contains(line, "refusing to listen on 0.0.0.0:0 without TLS") || !strings.Contains(line, "--tls-cert and --tls-key") || strings.Contains(line, e.token) {
		t.Fatalf("refusal: %q", line)
	}
	if _, err := os.Stat(e.dataDir); !os.IsNotExist(err) {
		t.Fatal("the refused start created the data directory")
	}
	e.start("--listen", "0.0.0.0:0", "--allow-plaintext")
	if !strings.Contains(e.logs.String(), `"level":"WARN","msg":"listening on 0.0.0.0:0 without TLS (--allow-plaintext)`) {
		t.Fatalf("no warning in the log:\n%s", lastLines(e.logs.String(), 5))
	}
	_, port, _ := net.SplitHostPort(e.addr)
	e.addr = net.JoinHostPort("127.0.0.1", port)
	if out, stderr, code := e.cli("status"); code != 0 {
		t.Fatalf("status over --allow-plaintext: exit %d %s%s", code, out, stderr)
	}
}

// TestRefusedStartWritesNothing: a bad sync_schedule.json or a port in use
// stops serve with one line before the data directory exists.
func TestRefusedStartWritesNothing(t *testing.T) {
	t.Parallel()
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		name  string
		setup func(e *env) []string
		want  string
	}{
		{"bad sync_schedule.json", func(e *env) []string {
			e.writeJSON("sync_schedule.json", map[string]any{"enabled": true, "sync_interval_hours": 0})
			return nil
		}, "sync_schedule.json: sync_interval_hours must be at least 0.25"},
		{"unknown key in sync_schedule.json", func(e *env) []string {
			e.writeJSON("sync_schedule.json", map[string]any{"enabled": true, "interval": 4})
			return nil
		}, `sync_schedule.json: unknown key "interval"`},
		{"port in use", func(e *env) []string { return []string{"--listen", busy.Addr().String()} }, "cannot listen on " + busy.Addr().String() + ": the port is in use"},
		{"metrics port in use", func(e *env) []string { return []string{"--metrics", busy.Addr().String()} }, "cannot serve metrics on --metrics"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{})
			e.dataDir = filepath.Join(t.TempDir(), "data")
			extra := tc.setup(e)
			out, stderr, code := e.exec(append([]string{"serve", "--config-dir", e.cfgDir, "--data-dir", e.dataDir}, extra...)...)
			if code != 2 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Fatalf("exit %d, stdout %q, stderr %q; want one line with %q", code, out, stderr, tc.want)
			}
			if _, err := os.Stat(e.dataDir); !os.IsNotExist(err) {
				t.Fatalf("the data directory exists after the refusal: %v", err)
			}
		})
	}
}
