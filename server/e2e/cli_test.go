package e2e

import (
	"encoding/json"
	"net"
	"net/http"
	"net/http/httptest"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

var clientCommands = []string{"init", "serve", "start", "test-connections", "run-now", "status", "config", "runs", "products", "product",
	"watch", "cancel", "retry-failed", "import-state", "version"}

// TestCLIHelpVersionAndMistakes: --help and -h on every command print its
// usage once and exit 0; a mistake is one line that points at --help.
func TestCLIHelpVersionAndMistakes(t *testing.T) {
	t.Parallel()
	e := &env{t: t}
	for _, cmd := range clientCommands {
		name := cmd
		if cmd == "start" {
			name = "serve" // its alias
		}
		for _, h := range []string{"--help", "-h"} {
			out, stderr, code := e.exec(cmd, h)
			if n := strings.Count(out, "Usage: zohosync "); code != 0 || stderr != "" || n != 1 || !strings.HasPrefix(out, "Usage: zohosync "+name) {
				t.Errorf("%s %s: exit %d, usage printed %d times, stderr %q", cmd, h, code, n, stderr)
			}
		}
	}
	if out, _, code := e.exec("help", "runs"); code != 0 || !strings.Contains(out, "--limit N") {
		t.Errorf("help runs: exit %d %q", code, out)
	}
	for _, args := range [][]string{{"--help"}, {"-h"}, {"help"}} {
		if out, _, code := e.exec(args...); code != 0 || !strings.Contains(out, "test-connections") {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
	for _, args := range [][]string{{"--version"}, {"version"}} {
		if out, _, code := e.exec(args...); code != 0 || !strings.HasPrefix(out, "zohosync ") {
			t.Errorf("%v: exit %d %q", args, code, out)
		}
	}
	mistakes := []struct {
		args []string
		want string
	}{
		{[]string{"config", "--interval", "abc"}, `zohosync config: --interval takes a number, not "abc" (see zohosync config --help)`},
		{[]string{"runs", "--limit", "x"}, `--limit takes a whole number, not "x"`},
		{[]string{"runs", "--limit", "1000"}, "zohosync runs: --limit must be between 1 and 200, not 1000"},
		{[]string{"products", "--limit", "0"}, "--limit must be between 1 and 500"},
		{[]string{"products", "--failed", "--archived"}, "exclude each other"},
		{[]string{"status", "--bogus"}, "zohosync status: unknown flag --bogus (see zohosync status --help)"},
		{[]string{"status", "--server"}, "--server needs a value"},
		{[]string{"product"}, "give a Zoho item id, or --odoo-id ID"},
		{[]string{"product", "1", "2"}, "give one Zoho item id"},
		{[]string{"watch", "1", "2"}, "give at most one run id"},
		{[]string{"import-state"}, "give the Python tool's state file"},
		{[]string{"serve", "--log-level", "loud"}, `--log-level takes debug, info, warn or error, not "loud"`},
		{[]string{"init"}, "--config-dir DIR is required"},
		{[]string{"frobnicate"}, `unknown command "frobnicate" (see zohosync --help)`},
		{[]string{"--bogus", "status"}, "unknown flag --bogus before the command"},
	}
	for _, m := range mistakes {
		out, stderr, code := e.exec(m.args...)
		if code != 1 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, m.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", m.args, code, out, stderr, m.want)
		}
	}
}

// TestCLIServerMistakes: each --server mistake is one line that says what to
// do, within seconds.
func TestCLIServerMistakes(t *testing.T) {
	t.Parallel()
	e := &env{t: t}
	web := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) { w.Write([]byte("hello")) }))
	defer web.Close()
	tlsWeb := httptest.NewTLSServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {}))
	defer tlsWeb.Close()
	otherGRPC := grpc.NewServer()
	healthpb.RegisterHealthServer(otherGRPC, health.NewServer())
	lis, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	go otherGRPC.Serve(lis)
	defer otherGRPC.Stop()
	closed := freePort(t)
	cases := []struct {
		server string
		want   string
	}{
		{"http://127.0.0.1:50051", "--server takes host:port, not a URL: use --server 127.0.0.1:50051"},
		{"https://sync.example.com", "use --server sync.example.com:50051 --tls"},
		{"127.0.0.1", "--server 127.0.0.1 has no port: use --server 127.0.0.1:50051"},
		{"127.0.0.1:http", `port "http" is not a number`},
		{"no-such-host.invalid:50051", `the name "no-such-host.invalid" does not resolve`},
		{closed, "nothing listens at " + closed},
		{strings.TrimPrefix(web.URL, "http://"), "answers, but it is not a zohosync server"},
		{strings.TrimPrefix(tlsWeb.URL, "https://"), "uses TLS: add --tls"},
		{lis.Addr().String(), "is a gRPC server, but not zohosync"},
	}
	for _, tc := range cases {
		for _, global := range []bool{false, true} {
			args := []string{"status", "--server", tc.server}
			if global { // global flags may come before the command
				args = []string{"--server", tc.server, "status"}
			}
			start := time.Now()
			out, stderr, code := e.exec(args...)
			if code != 2 || out != "" || strings.Count(stderr, "\n") != 1 || !strings.Contains(stderr, tc.want) {
				t.Errorf("%v: exit %d, stdout %q, stderr %q; want one line with %q", args, code, out, stderr, tc.want)
			}
			if d := time.Since(start); d > 10*time.Second {
				t.Errorf("%v took %s", args, d)
			}
		}
	}
}

// TestFirstHour walks a new user's first hour against the real binary: init,
// a server on a fresh data directory that runs nothing by itself, the
// connection checks, a dry run, the first sync, then the schedule.
func TestFirstHour(t *testing.T) {
	t.Parallel()
	// init writes an example config and never overwrites it.
	initDir := filepath.Join(t.TempDir(), "config")
	out, stderr, code := (&env{t: t}).exec("init", "--config-dir", initDir)
	if code != 0 || !strings.Contains(out, "zoho_config.json") || !strings.Contains(out, "README.md") {
		t.Fatalf("init: exit %d %s%s", code, out, stderr)
	}
	if _, stderr, code := (&env{t: t}).exec("init", "--config-dir", initDir); code != 2 || !strings.Contains(stderr, "nothing was written") {
		t.Fatalf("init again: exit %d %s", code, stderr)
	}
	// Served as written, the server names the first value to fill in and creates no data directory.
	unfilled := &env{t: t, cfgDir: initDir, dataDir: filepath.Join(t.TempDir(), "data"), logs: &syncBuffer{}}
	if err := unfilled.tryStart(); err == nil || !strings.Contains(lastLines(unfilled.logs.String(), 1), "zoho_books.client_id is required") {
		unfilled.stop()
		t.Fatalf("serve on the unfilled example: %v %s", err, unfilled.logs.String())
	}
	if _, err := os.Stat(unfilled.dataDir); !os.IsNotExist(err) {
		t.Fatalf("the data directory was created for a refused start: %v", err)
	}

	e := newEnv(t, envOptions{items: 30, seed: 11, imagesOff: true})
	e.writeJSON("sync_schedule.json", map[string]any{"enabled": true, "sync_interval_hours": 4, "force_full_sync_days": 7, "max_consecutive_errors": 5,
		"notifications": map[string]any{"log_file": "logs/sync_notifications.log"}})
	e.start() // the scheduler on, as a user starts it
	time.Sleep(1500 * time.Millisecond)
	if out, _, code := e.cli("runs"); code != 0 || strings.TrimSpace(out) != "no runs yet (zohosync run-now starts one)" {
		t.Fatalf("runs on a fresh data directory (nothing may start by itself): exit %d %q", code, out)
	}
	if out, _, _ := e.cli("products"); !strings.Contains(out, "no products tracked yet") {
		t.Errorf("products: %q", out)
	}
	if out, _, _ := e.cli("products", "--failed"); strings.TrimSpace(out) != "no failed products" {
		t.Errorf("products --failed: %q", out)
	}
	out, _, _ = e.cli("status")
	if !strings.Contains(out, "waiting for the first sync started by hand") || !strings.Contains(out, "schedule: enabled, every 4 hours, full sync every 7 days") {
		t.Errorf("status on a fresh data directory:\n%s", out)
	}
	out, stderr, code = e.cli("test-connections")
	lines := strings.Split(strings.TrimSpace(out), "\n")
	if code != 0 || len(lines) < 2 || !strings.HasPrefix(lines[0], "zoho: checking the token and the organisation… OK") ||
		!strings.HasPrefix(lines[1], "odoo: checking the login, version and fields… OK") {
		t.Fatalf("test-connections: exit %d\n%s%s", code, out, stderr)
	}
	run, code := e.runNow("--dry-run")
	if code != 0 || counts(run)["created"] != 30 || len(e.odoo.Products(true)) != 0 {
		t.Fatalf("dry run: exit %d counts %v, %d products in Odoo", code, counts(run), len(e.odoo.Products(true)))
	}
	if out, _, _ := e.cli("status"); !strings.Contains(out, "waiting for the first sync started by hand") {
		t.Errorf("a dry run ended the wait:\n%s", out)
	}
	if run, code := e.runNow(); code != 0 || counts(run)["created"] != 30 {
		t.Fatalf("first sync: exit %d counts %v", code, counts(run))
	}
	out, _, _ = e.cli("status")
	// Next is a full sync: the first one by hand was smart.
	if strings.Contains(out, "waiting for the first") || !strings.Contains(out, "  next run: full sync at") {
		t.Errorf("status after the first sync:\n%s", out)
	}
	// product prints text unless --json; JSON shows false and zero values.
	id := e.zoho.Items()[0].ItemID
	out, _, code = e.cli("product", id)
	if code != 0 || !strings.HasPrefix(out, "zoho item "+id+": ") || !strings.Contains(out, "state:        synced") {
		t.Errorf("product %s:\n%s", id, out)
	}
	out, _, _ = e.cli("product", id, "--json")
	var p map[string]any
	if err := json.Unmarshal([]byte(out), &p); err != nil || p["failures"] != float64(0) || p["last_error"] != "" {
		t.Errorf("product --json (false and zero values shown): %v %s", err, out)
	}
	// Scripts read the schedule from status --json, disabled or not.
	if _, stderr, code := e.cli("config", "--interval", "6", "--full-sync-days", "3", "--disable"); code != 0 {
		t.Fatalf("config: %s", stderr)
	}
	if _, stderr, code := e.cli("config", "--interval", "0.1"); code != 2 || !strings.Contains(stderr, "--interval must be at least 0.25") {
		t.Errorf("config --interval 0.1: exit %d %q (errors speak of flags)", code, stderr)
	}
	out, _, _ = e.cli("status", "--json")
	var st struct {
		Schedule map[string]any `json:"schedule"`
	}
	if err := json.Unmarshal([]byte(out), &st); err != nil {
		t.Fatal(err)
	}
	want := map[string]any{"enabled": false, "sync_interval_hours": 6.0, "force_full_sync_days": 3.0, "max_consecutive_errors": 5.0, "waiting_for_first_run": false}
	for k, v := range want {
		if st.Schedule[k] != v {
			t.Errorf("status --json: schedule.%s = %v, want %v\n%s", k, st.Schedule[k], v, out)
		}
	}
	if out, _, _ := e.cli("status"); !strings.Contains(out, "schedule: disabled, every 6 hours, full sync every 3 days") {
		t.Errorf("status text after config:\n%s", out)
	}
}

// TestTestConnectionsAnswersWithinTenSecondsEach: against hosts that do not
// answer, each check fails within 10 s, and the first shows before the second.
func TestTestConnectionsAnswersWithinTenSecondsEach(t *testing.T) {
	t.Parallel()
	// A listener that accepts and never answers: the slowest kind of unreachable.
	black, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer black.Close()
	go func() {
		for {
			c, err := black.Accept()
			if err != nil {
				return
			}
			defer c.Close()
		}
	}()
	url := "http://" + black.Addr().String()
	e := newEnv(t, envOptions{zohoExtra: map[string]any{"base_url": url + "/books/v3", "inventory_base_url": url + "/inventory/v1", "accounts_url": url},
		odooExtra: map[string]any{"url": url}})
	e.start()
	start := time.Now()
	out, stderr, code := e.cli("test-connections")
	took := time.Since(start)
	if code != 2 || strings.Count(out, "FAILED") != 2 || !strings.Contains(out, "no answer within 10s") {
		t.Fatalf("test-connections against a silent host: exit %d\n%s%s", code, out, stderr)
	}
	if took > 25*time.Second {
		t.Fatalf("took %s for two checks of at most 10 s each", took)
	}
}

// TestFakesServeToTryEveryCommand: `zohosync-fakes serve --dir` (the README's
// way to try every command without Zoho or Odoo) writes a config the server
// runs with, and removes it when the fakes stop, so nothing is left pointing
// at dead ports.
func TestFakesServeToTryEveryCommand(t *testing.T) {
	t.Parallel()
	fakes := os.Getenv("ZOHOSYNC_FAKES")
	if fakes == "" {
		fakes = filepath.Join(t.TempDir(), "zohosync-fakes")
		if out, err := exec.Command("go", "build", "-o", fakes, "github.com/zohosync/zohosync/server/cmd/zohosync-fakes").CombinedOutput(); err != nil {
			t.Fatalf("building zohosync-fakes: %v\n%s", err, out)
		}
	}
	dir := t.TempDir()
	cmd := exec.Command(fakes, "serve", "--dir", dir, "--items", "25", "--latency", "0")
	out := &syncBuffer{}
	cmd.Stdout, cmd.Stderr = out, out
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	defer cmd.Process.Kill()
	deadline := time.Now().Add(30 * time.Second)
	for !strings.Contains(out.String(), "ready") && time.Now().Before(deadline) {
		time.Sleep(50 * time.Millisecond)
	}
	if !strings.Contains(out.String(), "try: bin/zohosync serve --config-dir "+filepath.Join(dir, "config")) {
		t.Fatalf("fakes: %s", out.String())
	}
	e := &env{t: t, cfgDir: filepath.Join(dir, "config"), dataDir: filepath.Join(dir, "data"), logs: &syncBuffer{}}
	e.start("--no-scheduler")
	if run, code := e.runNow(); code != 0 || counts(run)["created"] != 25 {
		t.Fatalf("run-now against the fakes: exit %d counts %v", code, counts(run))
	}
	for _, args := range [][]string{{"status"}, {"runs"}, {"products", "--synced"}, {"test-connections"}, {"config"}} {
		if o, stderr, code := e.cli(args...); code != 0 {
			t.Errorf("%v against the fakes: exit %d %s%s", args, code, o, stderr)
		}
	}
	e.stop()
	_ = cmd.Process.Signal(os.Interrupt)
	_ = cmd.Wait()
	if _, err := os.Stat(filepath.Join(dir, "config")); !os.IsNotExist(err) {
		t.Fatalf("the fakes' config outlives them (%v):\n%s", err, out.String())
	}
	if !strings.Contains(out.String(), "removed "+filepath.Join(dir, "config")) {
		t.Errorf("the fakes did not say they removed the config:\n%s", out.String())
	}
}
