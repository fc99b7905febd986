package config_test

import (
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
)

// FuzzParseMapping: a malformed field_mapping.json is one clear line, never a panic.
func FuzzParseMapping(f *testing.F) {
	for _, s := range []string{
		`{"products": {"zoho_books": {"name": "name", "rate": "list_price"}, "default_values": {"type": "product"}}}`,
		`{"products": {"zoho_books": {"name": "name"}, "options": {"batch_size": 5, "images": {"sources": ["books"], "max_mb": 1.5}}}}`,
		`{"products": {"zoho_books": {"name": "name"}, "zoho_inventory": {"name": "x_name"}}}`,
		`{"products": {"zoho_books": {"name": "name", "rate": "active"}}}`,
		`{"products": {"zoho_books": {"name": "name"}, "default_values": {"x": [1]}}}`,
		`{"products": null}`, `{"products": {"zoho_books": []}}`, `{`, ``, `[]`, `{"products": {}} {}`,
	} {
		f.Add([]byte(s))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		m, err := config.ParseMapping("field_mapping.json", data)
		if err != nil {
			msg := err.Error()
			if !strings.HasPrefix(msg, "field_mapping.json: ") || strings.Contains(msg, "\n") {
				t.Fatalf("not one line naming the file: %q", msg)
			}
			return
		}
		if len(m.Fields) == 0 || m.Options.BatchSize < 1 {
			t.Fatalf("accepted an unusable mapping: %+v", m)
		}
	})
}
