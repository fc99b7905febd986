// Command zohosync-fakes runs the Zoho emulator and the Odoo double as real
// HTTP servers for the demo and for trying every command by hand (README,
// "Trying it without Zoho or Odoo"), and can drive a whole demo:
//
//	zohosync-fakes serve --dir DIR     start both fakes, write DIR/config, wait
//	zohosync-fakes demo  --dir DIR     the above, then the real bin/zohosync server,
//	                                   a run with live progress, and its status
//
// When DIR/odoo_config.json exists (a real Odoo), the Odoo double is not
// started and that file is used instead. DIR/config points at the fakes'
// ports, so it is removed when they stop.
package main

import (
	"bufio"
	"context"
	"encoding/json"
	"errors"
	"flag"
	"fmt"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func main() {
	if len(os.Args) < 2 || (os.Args[1] != "serve" && os.Args[1] != "demo") {
		fmt.Fprintln(os.Stderr, "usage: zohosync-fakes serve|demo --dir DIR [--items N] [--latency D] [--odoo-version 17.0|18.0] [--stock] [--bin bin/zohosync]")
		os.Exit(2)
	}
	mode := os.Args[1]
	fs := flag.NewFlagSet(mode, flag.ExitOnError)
	dir := fs.String("dir", ".demo", "working directory: config/ and data/ are created inside")
	items := fs.Int("items", 600, "items in the emulated Zoho catalogue")
	seed := fs.Int64("seed", 42, "catalogue seed")
	latency := fs.Duration("latency", 150*time.Millisecond, "added to every Zoho call (half of it to every Odoo call)")
	version := fs.String("odoo-version", "17.0", "Odoo version the double plays")
	stock := fs.Bool("stock", true, "the Odoo double has the Inventory (stock) app")
	bin := fs.String("bin", "bin/zohosync", "the zohosync binary (demo)")
	rpm := fs.Int("rpm", 600, "the emulator's per-minute limit (Zoho's real one is 100); the config asks for 90% of it")
	_ = fs.Parse(os.Args[2:])

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	cfgDir := filepath.Join(*dir, "config")
	if err := os.MkdirAll(cfgDir, 0o755); err != nil {
		fail(err)
	}
	// The config names ports that die with this process: never leave it behind.
	defer func() {
		if err := os.RemoveAll(cfgDir); err == nil {
			fmt.Printf("removed %s (it pointed at the fakes, which have stopped)\n", cfgDir)
		}
	}()
	em := zohotest.NewServer(zohotest.Options{PerMinuteLimit: *rpm})
	defer em.Close()
	em.Seed(*items, *seed)
	em.SetLatency(*latency)
	ec := em.Config()
	writeJSON(filepath.Join(cfgDir, "zoho_config.json"), map[string]any{"zoho_books": map[string]any{
		"base_url": em.URL + "/books/v3", "inventory_base_url": em.URL + "/inventory/v1", "accounts_url": em.URL,
		"client_id": ec.ClientID, "client_secret": ec.ClientSecret, "refresh_token": ec.RefreshToken, "organization_id": ec.OrgID,
		"requests_per_minute": *rpm * 9 / 10,
	}})
	odooCfg := filepath.Join(*dir, "odoo_config.json")
	odooWhere := ""
	if data, err := os.ReadFile(odooCfg); err == nil {
		if err := os.WriteFile(filepath.Join(cfgDir, "odoo_config.json"), data, 0o600); err != nil {
			fail(err)
		}
		var c struct{ URL, DB string }
		_ = json.Unmarshal(data, &c)
		odooWhere = fmt.Sprintf("real Odoo at %s (database %s, from %s)", c.URL, c.DB, odooCfg)
	} else {
		od := odootest.NewServer(odootest.Options{Version: *version, Stock: *stock, Latency: *latency / 2})
		defer od.Close()
		writeJSON(filepath.Join(cfgDir, "odoo_config.json"), map[string]any{"url": od.URL, "db": "odoo", "username": "admin", "password": "admin"})
		odooWhere = fmt.Sprintf("Odoo %s double at %s", *version, od.URL)
	}
	mapping := filepath.Join(cfgDir, "field_mapping.json")
	if _, err := os.Stat(mapping); errors.Is(err, os.ErrNotExist) {
		writeJSON(mapping, map[string]any{"products": map[string]any{
			"zoho_books": map[string]string{"name": "name", "description": "description_sale", "rate": "list_price",
				"purchase_rate": "standard_price", "sku": "default_code", "unit": "uom_id"},
			"default_values": map[string]any{"sale_ok": true, "purchase_ok": true, "type": "product"},
			"options":        map[string]any{"batch_size": 50},
		}})
	}
	fmt.Printf("Zoho emulator: %s (%d items, %s per call)\n%s\nconfig: %s\n", em.URL, *items, *latency, odooWhere, cfgDir)
	if mode == "serve" {
		fmt.Printf("try: bin/zohosync serve --config-dir %s --data-dir %s --no-scheduler\n", cfgDir, filepath.Join(*dir, "data"))
		fmt.Println("ready; Ctrl-C stops the fakes (and removes the config, whose ports die with them)")
		<-ctx.Done()
		return
	}
	if err := demo(ctx, *bin, *dir, cfgDir); err != nil {
		fmt.Fprintln(os.Stderr, "zohosync-fakes:", err)
		_ = os.RemoveAll(cfgDir)
		os.Exit(1)
	}
}

// demo starts the real server on a free port, runs a sync with live progress,
// then shows the status, and stops the server.
func demo(ctx context.Context, bin, dir, cfgDir string) error {
	data := filepath.Join(dir, "data")
	srv := exec.CommandContext(ctx, bin, "serve", "--config-dir", cfgDir, "--data-dir", data, "--listen", "127.0.0.1:0", "--no-scheduler", "--log-level", "warn")
	srv.Stderr = os.Stderr
	out, err := srv.StdoutPipe()
	if err != nil {
		return err
	}
	if err := srv.Start(); err != nil {
		return fmt.Errorf("cannot start %s: %w (run `make build` first)", bin, err)
	}
	defer func() {
		_ = srv.Process.Signal(syscall.SIGTERM)
		_ = srv.Wait()
	}()
	addr, err := waitListening(out)
	if err != nil {
		return err
	}
	fmt.Printf("zohosync server: %s (data in %s)\n\n$ zohosync run-now\n", addr, data)
	run := func(args ...string) int {
		cmd := exec.CommandContext(ctx, bin, append(args, "--server", addr)...)
		cmd.Stdout, cmd.Stderr = os.Stdout, os.Stderr
		if err := cmd.Run(); err != nil {
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				return ee.ExitCode()
			}
			return 2
		}
		return 0
	}
	code := run("run-now")
	fmt.Println("\n$ zohosync run-now   # again: nothing changed, nothing is written")
	run("run-now")
	fmt.Println("\n$ zohosync status")
	run("status")
	if code != 0 {
		return fmt.Errorf("the demo run ended with exit code %d", code)
	}
	return nil
}

func waitListening(out interface{ Read([]byte) (int, error) }) (string, error) {
	sc := bufio.NewScanner(out)
	found := make(chan string, 1)
	go func() {
		for sc.Scan() {
			if addr, ok := strings.CutPrefix(sc.Text(), "zohosync: listening on "); ok {
				found <- addr
			}
		}
	}()
	select {
	case addr := <-found:
		return addr, nil
	case <-time.After(30 * time.Second):
		return "", errors.New("the server did not start within 30 s")
	}
}

func writeJSON(path string, v any) {
	data, _ := json.MarshalIndent(v, "", "  ")
	if err := os.WriteFile(path, append(data, '\n'), 0o600); err != nil {
		fail(err)
	}
}

func fail(err error) {
	fmt.Fprintln(os.Stderr, "zohosync-fakes:", err)
	os.Exit(1)
}
