package app

import (
	"net"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
)

func TestCheckListen(t *testing.T) {
	cases := []struct {
		addr              string
		token, tls, plain bool
		want              string // "" = accepted; otherwise part of the refusal
		warn              bool
	}{
		{addr: "127.0.0.1:50051"}, {addr: "localhost:1"}, {addr: "[::1]:1"},
		{addr: "127.0.0.1:50051", token: true}, // loopback: plaintext is fine
		{addr: "0.0.0.0:50051", want: "without an API token"},
		{addr: "10.0.0.5:1", want: "without an API token"},
		{addr: "0.0.0.0:50051", token: true, want: "--tls-cert and --tls-key"},
		{addr: ":50051", token: true, want: "--tls-cert and --tls-key"},
		{addr: "0.0.0.0:50051", token: true, tls: true},
		{addr: "0.0.0.0:50051", token: true, plain: true, warn: true},
		{addr: "0.0.0.0:50051", plain: true, want: "without an API token"}, // --allow-plaintext never drops the token
		{addr: "nonsense", token: true, want: "not host:port"},
	}
	for _, tc := range cases {
		warning, err := checkListen(tc.addr, tc.token, tc.tls, tc.plain)
		switch {
		case tc.want == "" && err != nil:
			t.Errorf("checkListen(%+v) refused: %v", tc, err)
		case tc.want != "" && (err == nil || !strings.Contains(err.Error(), tc.want)):
			t.Errorf("checkListen(%+v) = %v, want a refusal with %q", tc, err, tc.want)
		case tc.warn != (warning != ""):
			t.Errorf("checkListen(%+v) warning %q", tc, warning)
		}
	}
}

// TestRefusalsWriteNothing: every start-up refusal comes before the data
// directory is created.
func TestRefusalsWriteNothing(t *testing.T) {
	busy, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer busy.Close()
	cases := []struct {
		name     string
		opts     func(o *Options)
		schedule string
		want     string
	}{
		{"port in use", func(o *Options) { o.Listen = busy.Addr().String() }, "", "the port is in use"},
		{"metrics port in use", func(o *Options) { o.Metrics = busy.Addr().String() }, "", "--metrics"},
		{"bad sync_schedule.json", func(o *Options) {}, `{"enabled": true, "sync_interval_hours": 0.01}`, "sync_interval_hours must be at least"},
		{"schedule not JSON", func(o *Options) {}, `{"enabled": tru`, "sync_schedule.json"},
		{"plaintext token off loopback", func(o *Options) { o.Listen = "0.0.0.0:0"; o.APIToken = config.NewSecret("t0ken") }, "", "--tls-cert"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			cfgDir := t.TempDir()
			writeMinimalConfig(t, cfgDir)
			if tc.schedule != "" {
				if err := os.WriteFile(filepath.Join(cfgDir, "sync_schedule.json"), []byte(tc.schedule), 0o600); err != nil {
					t.Fatal(err)
				}
			}
			data := filepath.Join(t.TempDir(), "data")
			o := Options{ConfigDir: cfgDir, DataDir: data, Listen: "127.0.0.1:0", Stderr: &strings.Builder{}, Stdout: &strings.Builder{}}
			tc.opts(&o)
			err := Serve(t.Context(), o)
			if err == nil || !strings.Contains(err.Error(), tc.want) || strings.Contains(err.Error(), "\n") {
				t.Fatalf("Serve = %v, want one line with %q", err, tc.want)
			}
			if _, err := os.Stat(data); !os.IsNotExist(err) {
				t.Fatalf("the data directory exists after the refusal (%v)", err)
			}
		})
	}
}

func writeMinimalConfig(t *testing.T, dir string) {
	t.Helper()
	files := map[string]string{
		"zoho_config.json": `{"zoho_books": {"base_url": "https://www.zohoapis.eu/books/v3", "client_id": "1000.X", "client_secret": "s", "refresh_token": "r", "organization_id": "1"}}`,
		"odoo_config.json": `{"url": "http://127.0.0.1:1", "db": "d", "username": "u", "password": "p"}`,
	}
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
}
