package config_test

import (
	"encoding/json"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
)

const goodZoho = `{"zoho_books": {"base_url": "https://www.zohoapis.eu/books/v3", "client_id": "1000.ABC",
 "client_secret": "s3cret-client", "refresh_token": "1000.refresh.s3cret", "organization_id": "600123"}}`

const goodOdoo = `{"url": "https://odoo.example.com/", "db": "prod", "username": "sync", "password": "odoo-s3cret"}`

func writeDir(t *testing.T, files map[string]string) string {
	t.Helper()
	dir := t.TempDir()
	for name, body := range files {
		if err := os.WriteFile(filepath.Join(dir, name), []byte(body), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	return dir
}

func TestLoadGoodConfig(t *testing.T) {
	dir := writeDir(t, map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo})
	c, err := config.Load(dir)
	if err != nil {
		t.Fatal(err)
	}
	if c.Zoho.DataCenter != "EU" || c.Zoho.AccountsURL != "https://accounts.zoho.eu" {
		t.Errorf("data centre = %s, accounts = %s", c.Zoho.DataCenter, c.Zoho.AccountsURL)
	}
	if c.Zoho.InventoryBaseURL != "https://www.zohoapis.eu/inventory/v1" {
		t.Errorf("inventory url = %s", c.Zoho.InventoryBaseURL)
	}
	if c.Odoo.URL != "https://odoo.example.com" || c.Odoo.Password.Reveal() != "odoo-s3cret" {
		t.Errorf("odoo = %+v", c.Odoo)
	}
	if !c.Mapping.Builtin {
		t.Error("no field_mapping.json should mean the built-in mapping")
	}
}

func TestDataCentres(t *testing.T) {
	cases := map[string]string{
		"https://www.zohoapis.com/books/v3":    "https://accounts.zoho.com",
		"https://www.zohoapis.in/books/v3":     "https://accounts.zoho.in",
		"https://www.zohoapis.com.au/books/v3": "https://accounts.zoho.com.au",
		"https://www.zohoapis.jp/books/v3":     "https://accounts.zoho.jp",
		"https://www.zohoapis.ca/books/v3":     "https://accounts.zohocloud.ca",
		"https://www.zohoapis.com.cn/books/v3": "https://accounts.zoho.com.cn",
		"https://www.zohoapis.sa/books/v3":     "https://accounts.zoho.sa",
		"https://books.zoho.eu/api/v3":         "https://accounts.zoho.eu",
	}
	for base, accounts := range cases {
		t.Run(base, func(t *testing.T) {
			z := strings.Replace(goodZoho, "https://www.zohoapis.eu/books/v3", base, 1)
			c, err := config.Load(writeDir(t, map[string]string{config.ZohoFile: z, config.OdooFile: goodOdoo}))
			if err != nil {
				t.Fatal(err)
			}
			if c.Zoho.AccountsURL != accounts {
				t.Fatalf("accounts = %s, want %s", c.Zoho.AccountsURL, accounts)
			}
		})
	}
}

func TestBadConfigGivesOneClearLine(t *testing.T) {
	cases := []struct {
		name  string
		files map[string]string
		want  string
	}{
		{"missing zoho file", map[string]string{config.OdooFile: goodOdoo}, "zoho_config.json: file not found"},
		{"missing odoo file", map[string]string{config.ZohoFile: goodZoho}, "odoo_config.json: file not found"},
		{"bad JSON", map[string]string{config.ZohoFile: "{\"zoho_books\": {\n \"base_url\": ,}}", config.OdooFile: goodOdoo}, "invalid JSON at line 2"},
		{"empty file", map[string]string{config.ZohoFile: "", config.OdooFile: goodOdoo}, "empty or cut short"},
		{"unknown key", map[string]string{config.ZohoFile: strings.Replace(goodZoho, `"client_id"`, `"clientid": "x", "client_id"`, 1), config.OdooFile: goodOdoo}, `unknown key "clientid"`},
		{"wrong type", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: `{"url": 5}`}, `"url" must be a string`},
		{"missing secret", map[string]string{config.ZohoFile: strings.Replace(goodZoho, "s3cret-client", "", 1), config.OdooFile: goodOdoo}, "client_secret is required"},
		{"custom host without accounts_url", map[string]string{config.ZohoFile: strings.Replace(goodZoho, "https://www.zohoapis.eu", "http://127.0.0.1:9", 1), config.OdooFile: goodOdoo}, "accounts_url is required"},
		{"odoo url not a url", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: strings.Replace(goodOdoo, "https://odoo.example.com/", "odoo", 1)}, "is not an http(s) URL"},
		{"unknown zoho field in mapping", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo,
			config.MappingFile: `{"products": {"zoho_books": {"name": "name", "ratee": "list_price"}}}`}, `unknown Zoho item field "ratee"`},
		{"unknown key in mapping", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo,
			config.MappingFile: `{"products": {"zoho_books": {"name": "name"}, "defaults": {}}}`}, `unknown key "defaults"`},
		{"mapping without name", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo,
			config.MappingFile: `{"products": {"zoho_books": {"rate": "list_price"}}}`}, `maps to Odoo "name"`},
		{"reserved field", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo,
			config.MappingFile: `{"products": {"zoho_books": {"name": "name", "rate": "active"}}}`}, `"active" is written by zohosync itself`},
		{"bad batch size", map[string]string{config.ZohoFile: goodZoho, config.OdooFile: goodOdoo,
			config.MappingFile: `{"products": {"zoho_books": {"name": "name"}, "options": {"batch_size": 0}}}`}, "batch_size must be between 1 and 1000"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, err := config.Load(writeDir(t, tc.files))
			if err == nil {
				t.Fatal("no error")
			}
			msg := err.Error()
			if !strings.Contains(msg, tc.want) || strings.Contains(msg, "\n") {
				t.Fatalf("error %q: want one line containing %q", msg, tc.want)
			}
			for _, secret := range []string{"s3cret-client", "1000.refresh.s3cret", "odoo-s3cret"} {
				if strings.Contains(msg, secret) {
					t.Fatalf("error leaks a secret: %q", msg)
				}
			}
		})
	}
}

func TestEnvironmentOverridesSecrets(t *testing.T) {
	t.Setenv(config.EnvOdooPassword, "from-env")
	t.Setenv(config.EnvZohoRefreshToken, "1000.env.token")
	c, err := config.Load(writeDir(t, map[string]string{config.ZohoFile: goodZoho, config.OdooFile: strings.Replace(goodOdoo, "odoo-s3cret", "", 1)}))
	if err != nil {
		t.Fatal(err)
	}
	if c.Odoo.Password.Reveal() != "from-env" || c.Odoo.PasswordSource != "env:"+config.EnvOdooPassword {
		t.Errorf("password override: %s", c.Odoo.PasswordSource)
	}
	if c.Zoho.RefreshToken.Reveal() != "1000.env.token" {
		t.Error("refresh token not overridden")
	}
}

func TestSecretsNeverPrint(t *testing.T) {
	s := config.NewSecret("hunter2")
	var buf strings.Builder
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("x", "secret", s, "struct", struct{ P config.Secret }{s})
	b, _ := json.Marshal(map[string]any{"p": s})
	for _, out := range []string{fmt.Sprint(s), fmt.Sprintf("%v %+v %#v %s %q", s, s, s, s, s), buf.String(), string(b)} {
		if strings.Contains(out, "hunter2") {
			t.Fatalf("secret printed: %s", out)
		}
	}
	if s.Reveal() != "hunter2" {
		t.Fatal("Reveal lost the value")
	}
}

func TestScheduleCreatedWithDefaultsAndValidated(t *testing.T) {
	dir := t.TempDir()
	s, err := config.LoadSchedule(dir)
	if err != nil {
		t.Fatal(err)
	}
	if !s.Enabled || s.SyncIntervalHours != 4 || s.ForceFullSyncDays != 7 || s.MaxConsecutiveErrors != 5 {
		t.Fatalf("defaults = %+v", s)
	}
	if _, err := os.Stat(filepath.Join(dir, config.ScheduleFile)); err != nil {
		t.Fatal("sync_schedule.json was not created")
	}
	s.SyncIntervalHours = 0.1
	if err := s.Validate(); err == nil || !strings.Contains(err.Error(), "at least 0.25") {
		t.Fatalf("validate = %v", err)
	}
}
