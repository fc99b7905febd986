// Package e2e runs the real zohosync binary against the Zoho emulator and
// the Odoo double, as a user would.
package e2e

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"math"
	"os"
	"os/exec"
	"path/filepath"
	"runtime/debug"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

var binPath string

// odooPassword is distinctive so that tests can grep output for it.
const odooPassword = "e2e-Odoo-S3cret-pw"

// e2eMemoryLimit is the test process's soft memory limit unless GOMEMLIMIT
// says otherwise. Under the race detector the process's memory is a
// multiple of its Go heap, and four environments at once (each an emulated
// Zoho and an Odoo double with hundreds of pictures) let the heap grow well
// past what is live; with the limit the collector runs sooner instead
// (the whole suite: 2.9 GB → 1.5 GB at its peak, in the same time).
const e2eMemoryLimit = 512 << 20

func TestMain(m *testing.M) {
	if os.Getenv("GOMEMLIMIT") == "" {
		debug.SetMemoryLimit(e2eMemoryLimit)
	}
	binPath = os.Getenv("ZOHOSYNC_BIN")
	if binPath == "" {
		dir, err := os.MkdirTemp("", "zohosync-e2e")
		if err != nil {
			panic(err)
		}
		binPath = filepath.Join(dir, "zohosync")
		cmd := exec.Command("go", "build", "-race", "-o", binPath, "github.com/zohosync/zohosync/server/cmd/zohosync")
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			fmt.Fprintln(os.Stderr, "cannot build zohosync:", err)
			os.Exit(2)
		}
		defer os.RemoveAll(dir)
	}
	code := m.Run()
	os.Exit(code)
}

// env is one emulated Zoho, one Odoo double, a config and data directory, and
// (when started) a zohosync server process.
type env struct {
	t       testing.TB
	zoho    *zohotest.Server
	odoo    *odootest.Server
	cfgDir  string
	dataDir string
	srv     *exec.Cmd
	addr    string
	logs    *syncBuffer
	mapping map[string]any
	token   string // ZOHOSYNC_API_TOKEN for the server and the CLI
}

type envOptions struct {
	items       int
	seed        int64
	zoho        zohotest.Options
	odoo        odootest.Options
	batchSize   int
	noMapping   bool
	zohoExtra   map[string]any
	odooExtra   map[string]any
	imagesOff   bool
	mappingOpts map[string]any
}

func newEnv(t testing.TB, o envOptions) *env {
	t.Helper()
	if o.zoho.PerMinuteLimit == 0 {
		o.zoho.PerMinuteLimit = -1 // tests about limits set them explicitly
	}
	if o.odoo.Password == "" {
		o.odoo.Password = odooPassword
	}
	e := &env{t: t, zoho: zohotest.NewServer(o.zoho), odoo: odootest.NewServer(o.odoo), cfgDir: t.TempDir(), dataDir: t.TempDir(), logs: &syncBuffer{}}
	t.Cleanup(func() {
		e.stop()
		e.zoho.Close()
		e.odoo.Close()
		if t.Failed() {
			t.Logf("server log:\n%s", lastLines(e.logs.String(), 40))
		}
	})
	if o.items > 0 {
		e.zoho.Seed(o.items, o.seed)
	}
	zc := e.zoho.Config()
	zb := map[string]any{"base_url": e.zoho.URL + "/books/v3", "inventory_base_url": e.zoho.URL + "/inventory/v1", "accounts_url": e.zoho.URL,
		"client_id": zc.ClientID, "client_secret": zc.ClientSecret, "refresh_token": zc.RefreshToken, "organization_id": zc.OrgID,
		"requests_per_minute": 100, "retry_base_seconds": 0.02, "rate_limit_wait_seconds": 0.05}
	for k, v := range o.zohoExtra {
		zb[k] = v
	}
	e.writeJSON("zoho_config.json", map[string]any{"zoho_books": zb})
	oc := map[string]any{"url": e.odoo.URL, "db": "odoo", "username": "admin", "password": o.odoo.Password, "retry_base_seconds": 0.02, "max_retries": 4}
	for k, v := range o.odooExtra {
		oc[k] = v
	}
	e.writeJSON("odoo_config.json", oc)
	if !o.noMapping {
		opts := map[string]any{"images": map[string]any{"enabled": !o.imagesOff}}
		if o.batchSize > 0 {
			opts["batch_size"] = o.batchSize
		}
		for k, v := range o.mappingOpts {
			opts[k] = v
		}
		e.mapping = map[string]any{"products": map[string]any{
			"zoho_books": map[string]string{"name": "name", "description": "description_sale", "rate": "list_price",
				"purchase_rate": "standard_price", "sku": "default_code", "unit": "uom_id"},
			"default_values": map[string]any{"sale_ok": true, "purchase_ok": true, "type": "consu"},
			"options":        opts,
		}}
		e.writeJSON("field_mapping.json", e.mapping)
	}
	e.writeJSON("sync_schedule.json", map[string]any{"enabled": false, "sync_interval_hours": 4, "force_full_sync_days": 7, "max_consecutive_errors": 5,
		"notifications": map[string]any{"log_file": "logs/sync_notifications.log"}})
	return e
}

func (e *env) writeJSON(name string, v any) {
	data, err := json.MarshalIndent(v, "", "  ")
	if err != nil {
		e.t.Fatal(err)
	}
	if err := os.WriteFile(filepath.Join(e.cfgDir, name), data, 0o600); err != nil {
		e.t.Fatal(err)
	}
}

// start launches `zohosync serve` and waits until it listens.
func (e *env) start(extra ...string) {
	e.t.Helper()
	if err := e.tryStart(extra...); err != nil {
		e.t.Fatal(err)
	}
}

func (e *env) tryStart(extra ...string) error {
	args := append([]string{"serve", "--config-dir", e.cfgDir, "--data-dir", e.dataDir, "--listen", "127.0.0.1:0", "--log-level", "debug"}, extra...)
	cmd := exec.Command(binPath, args...)
	cmd.Env = append(os.Environ(), "ZOHOSYNC_API_TOKEN="+e.token)
	cmd.Stderr = e.logs
	out, err := cmd.StdoutPipe()
	if err != nil {
		return err
	}
	if err := cmd.Start(); err != nil {
		return err
	}
	found := make(chan string, 1)
	go func() {
		sc := bufio.NewScanner(out)
		for sc.Scan() {
			if a, ok := strings.CutPrefix(sc.Text(), "zohosync: listening on "); ok {
				found <- a
			}
		}
		close(found)
	}()
	select {
	case a, ok := <-found:
		if !ok {
			_ = cmd.Wait()
			return fmt.Errorf("server exited: %s", lastLines(e.logs.String(), 5))
		}
		e.srv, e.addr = cmd, a
		return nil
	case <-time.After(60 * time.Second):
		_ = cmd.Process.Kill()
		return errors.New("server did not start")
	}
}

// stop sends SIGTERM and waits.
func (e *env) stop() {
	if e.srv == nil {
		return
	}
	_ = e.srv.Process.Signal(syscall.SIGTERM)
	done := make(chan struct{})
	go func() { _ = e.srv.Wait(); close(done) }()
	select {
	case <-done:
	case <-time.After(90 * time.Second):
		_ = e.srv.Process.Kill()
		<-done
		e.t.Error("server did not stop within 90 s of SIGTERM")
	}
	e.srv = nil
}

// kill sends SIGKILL: no chance to clean up.
func (e *env) kill() {
	if e.srv == nil {
		return
	}
	_ = e.srv.Process.Kill()
	_ = e.srv.Wait()
	e.srv = nil
}

// cli runs a client command against the server and returns stdout, stderr and the exit code.
func (e *env) cli(args ...string) (string, string, int) {
	e.t.Helper()
	return e.exec(append(args, "--server", e.addr)...)
}

// exec runs the binary with args as given.
func (e *env) exec(args ...string) (string, string, int) {
	e.t.Helper()
	ctx, cancel := context.WithTimeout(context.Background(), 30*time.Minute)
	defer cancel()
	cmd := exec.CommandContext(ctx, binPath, args...)
	cmd.Env = append(os.Environ(), "ZOHOSYNC_API_TOKEN="+e.token)
	var out, errb bytes.Buffer
	cmd.Stdout, cmd.Stderr = &out, &errb
	err := cmd.Run()
	code := 0
	var ee *exec.ExitError
	if errors.As(err, &ee) {
		code = ee.ExitCode()
	} else if err != nil {
		e.t.Fatalf("running %v: %v", args, err)
	}
	return out.String(), errb.String(), code
}

// runNow runs `run-now --json` and returns the final run summary and exit code.
func (e *env) runNow(args ...string) (map[string]any, int) {
	e.t.Helper()
	out, stderr, code := e.cli(append([]string{"run-now", "--json"}, args...)...)
	lines := strings.Split(strings.TrimSpace(out), "\n")
	var last map[string]any
	if err := json.Unmarshal([]byte(lines[len(lines)-1]), &last); err != nil {
		e.t.Fatalf("run-now output is not JSON lines (exit %d): %v\nstdout: %s\nstderr: %s", code, err, lastLines(out, 5), stderr)
	}
	fin, _ := last["finished"].(map[string]any)
	if fin == nil {
		e.t.Fatalf("last event is not the summary: %s", lines[len(lines)-1])
	}
	return fin, code
}

// counts reads progress.counts of a run summary.
func counts(run map[string]any) map[string]int {
	out := map[string]int{}
	p, _ := run["progress"].(map[string]any)
	c, _ := p["counts"].(map[string]any)
	for k, v := range c {
		switch n := v.(type) {
		case string:
			fmt.Sscan(n, new(int))
			var i int
			fmt.Sscan(n, &i)
			out[k] = i
		case float64:
			out[k] = int(n)
		}
	}
	return out
}

// checkOdooMatchesZoho asserts the invariant every test ends with: each Zoho
// item has exactly one Odoo product, linked by its external id, with the
// item's values; no other product carries our namespace.
func (e *env) checkOdooMatchesZoho() {
	e.t.Helper()
	items := e.zoho.Items()
	byXMLID := map[string][]odootest.Product{}
	for _, p := range e.odoo.Products(true) {
		for _, x := range p.XMLIDs {
			if strings.HasPrefix(x, "__zohosync__.") {
				byXMLID[x] = append(byXMLID[x], p)
			}
		}
	}
	names := map[string]int{}
	for _, p := range e.odoo.Products(true) {
		names[p.Name]++
	}
	bad := 0
	for _, it := range items {
		x := "__zohosync__.zoho_item_" + it.ItemID
		ps := byXMLID[x]
		if len(ps) != 1 {
			bad++
			if bad < 5 {
				e.t.Errorf("item %s %q: %d products carry %s", it.ItemID, it.Name, len(ps), x)
			}
			continue
		}
		delete(byXMLID, x)
		p := ps[0]
		if names[it.Name] != 1 {
			e.t.Errorf("item %s: %d Odoo products are named %q", it.ItemID, names[it.Name], it.Name)
		}
		var problems []string
		if p.Name != it.Name {
			problems = append(problems, fmt.Sprintf("name %q", p.Name))
		}
		if math.Abs(p.ListPrice-it.Rate) > 0.005 {
			problems = append(problems, fmt.Sprintf("list_price %v want %v", p.ListPrice, it.Rate))
		}
		if p.DefaultCode != it.SKU {
			problems = append(problems, fmt.Sprintf("default_code %q want %q", p.DefaultCode, it.SKU))
		}
		if strings.TrimSpace(p.DescriptionSale) != strings.TrimSpace(strings.ReplaceAll(it.Description, "\r\n", "\n")) {
			problems = append(problems, fmt.Sprintf("description_sale %q want %q", p.DescriptionSale, it.Description))
		}
		if p.Active != (it.Status != "inactive") {
			problems = append(problems, fmt.Sprintf("active %v for status %s", p.Active, it.Status))
		}
		if want := uomFor(it.Unit); want != 0 && p.UomID != want {
			problems = append(problems, fmt.Sprintf("uom_id %d want %d for unit %q", p.UomID, want, it.Unit))
		}
		if len(problems) > 0 {
			bad++
			if bad < 5 {
				e.t.Errorf("item %s %q: %s", it.ItemID, it.Name, strings.Join(problems, "; "))
			}
		}
	}
	for x := range byXMLID {
		e.t.Errorf("external id %s points to a product whose Zoho item does not exist", x)
	}
	if bad > 0 {
		e.t.Fatalf("%d of %d items are wrong in Odoo", bad, len(items))
	}
}

// uomFor is the Odoo 17 unit id (recorded case 18, docs/odoo.md#the-recordings) the seeded Zoho units map to; 0 = Odoo's default.
func uomFor(unit string) int {
	switch strings.ToLower(unit) {
	case "pcs", "":
		return 1
	case "kg":
		return 12
	case "m":
		return 5
	case "l":
		return 10
	}
	return 0
}

func lastLines(s string, n int) string {
	lines := strings.Split(strings.TrimRight(s, "\n"), "\n")
	if len(lines) > n {
		lines = lines[len(lines)-n:]
	}
	return strings.Join(lines, "\n")
}

// syncBuffer is a bytes.Buffer safe for a process writer and a test reader.
type syncBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuffer) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.Write(p)
}

func (s *syncBuffer) String() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.b.String()
}
