package config_test

import (
	"os"
	"path/filepath"
	"reflect"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/config"
)

// TestWriteExampleLoadsBack: the files `zohosync init` writes use only keys
// the reader knows, at their defaults; the server names what is still to fill
// in, and once it is filled in they load to the same settings as no file at all.
func TestWriteExampleLoadsBack(t *testing.T) {
	dir := filepath.Join(t.TempDir(), "config")
	written, err := config.WriteExample(dir)
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 5 {
		t.Fatalf("wrote %v, want the four config files and the README", written)
	}
	for _, p := range written {
		st, err := os.Stat(p)
		if err != nil || st.Mode().Perm() != 0o600 {
			t.Fatalf("%s: %v, mode %v (want 0600: the files may hold secrets)", p, err, st.Mode().Perm())
		}
	}
	readme, _ := os.ReadFile(filepath.Join(dir, config.ExampleReadme))
	for _, key := range []string{"client_id", "refresh_token", "organization_id", "item_source", "requests_per_minute", "max_concurrency",
		"rate_limit_wait_seconds", "timeout_seconds", "batch_size", "cache_max_mb", "max_megapixels", "force_full_sync_days",
		"max_consecutive_errors", "notifications.log_file", "ZOHOSYNC_ODOO_PASSWORD"} {
		if !strings.Contains(string(readme), key) {
			t.Errorf("README.md does not explain %s", key)
		}
	}
	// As written: one line naming the first value to fill in.
	if _, err := config.Load(dir); err == nil || !strings.Contains(err.Error(), "zoho_books.client_id is required") {
		t.Fatalf("Load of the unfilled example = %v, want it to name client_id", err)
	}
	// Filled in (secrets from the environment, as the README suggests).
	t.Setenv(config.EnvZohoClientSecret, "s3cret")
	t.Setenv(config.EnvZohoRefreshToken, "1000.r")
	t.Setenv(config.EnvOdooPassword, "pw")
	fill(t, filepath.Join(dir, config.ZohoFile), `"client_id": ""`, `"client_id": "1000.ABC"`, `"organization_id": ""`, `"organization_id": "600123"`)
	if _, err := config.Load(dir); err == nil || !strings.Contains(err.Error(), `"url" is required`) {
		t.Fatalf("Load with Zoho filled in = %v, want it to name Odoo's url", err)
	}
	fill(t, filepath.Join(dir, config.OdooFile), `"url": ""`, `"url": "https://odoo.example.com"`, `"db": ""`, `"db": "prod"`, `"username": ""`, `"username": "sync"`)
	cfg, err := config.Load(dir)
	if err != nil {
		t.Fatalf("Load of the filled-in example: %v", err)
	}
	z := cfg.Zoho
	if z.DataCenter != "US" || z.AccountsURL != "https://accounts.zoho.com" || z.ItemSource != "books" || z.RequestsPerMinute != 90 || z.MaxConcurrency != 4 ||
		z.Retry != (config.Retry{MaxAttempts: 8, BaseDelay: time.Second, RateLimitWait: 30 * time.Second}) {
		t.Errorf("zoho settings %+v", z)
	}
	if o := cfg.Odoo; o.Retry != (config.Retry{MaxAttempts: 6, BaseDelay: time.Second, Timeout: 600 * time.Second}) {
		t.Errorf("odoo retry %+v", o.Retry)
	}
	want := config.DefaultMapping()
	want.Builtin = false
	if !reflect.DeepEqual(cfg.Mapping, want) {
		t.Errorf("mapping %+v\nwant the built-in %+v", cfg.Mapping, want)
	}
	sched, err := config.LoadSchedule(dir)
	if err != nil || sched != config.DefaultSchedule() {
		t.Errorf("schedule %+v (%v), want the defaults %+v", sched, err, config.DefaultSchedule())
	}
}

func TestWriteExampleNeverOverwrites(t *testing.T) {
	dir := t.TempDir()
	mine := []byte(`{"mine": true}`)
	if err := os.WriteFile(filepath.Join(dir, config.OdooFile), mine, 0o600); err != nil {
		t.Fatal(err)
	}
	_, err := config.WriteExample(dir)
	if err == nil || !strings.Contains(err.Error(), "already holds odoo_config.json") || !strings.Contains(err.Error(), "nothing was written") {
		t.Fatalf("WriteExample into a directory with odoo_config.json = %v", err)
	}
	entries, _ := os.ReadDir(dir)
	if got, _ := os.ReadFile(filepath.Join(dir, config.OdooFile)); len(entries) != 1 || string(got) != string(mine) {
		t.Fatalf("directory now holds %d entries, odoo_config.json %q", len(entries), got)
	}
}

func fill(t *testing.T, path string, pairs ...string) {
	t.Helper()
	data, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	s := string(data)
	for i := 0; i < len(pairs); i += 2 {
		if !strings.Contains(s, pairs[i]) {
			t.Fatalf("%s lacks %s", path, pairs[i])
		}
		s = strings.Replace(s, pairs[i], pairs[i+1], 1)
	}
	if err := os.WriteFile(path, []byte(s), 0o600); err != nil {
		t.Fatal(err)
	}
}
