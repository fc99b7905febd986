package config_test

import (
	"reflect"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
)

func TestStockOptions(t *testing.T) {
	cases := []struct {
		name    string
		options string
		want    config.StockOptions
		err     string
	}{
		{"absent: off", `{}`, config.StockOptions{}, ""},
		{"on, default only", `{"stock": {"enabled": true}}`, config.StockOptions{Enabled: true}, ""},
		{"on with a map and a default", `{"stock": {"enabled": true, "default_warehouse": " WH ", "warehouses": {"Main Store": "WH", " Depot ": "Second"}}}`,
			config.StockOptions{Enabled: true, DefaultWarehouse: "WH", Warehouses: map[string]string{"Main Store": "WH", "Depot": "Second"}}, ""},
		{"empty map is no map", `{"stock": {"enabled": true, "warehouses": {}}}`, config.StockOptions{Enabled: true}, ""},
		{"empty warehouse", `{"stock": {"warehouses": {"Main Store": " "}}}`, config.StockOptions{}, "options.stock.warehouses.Main Store names no Odoo warehouse"},
		{"empty location name", `{"stock": {"warehouses": {"": "WH"}}}`, config.StockOptions{}, "empty Zoho location name"},
		{"same location twice", `{"stock": {"warehouses": {"Main": "WH", "main": "W2"}}}`, config.StockOptions{}, `names Zoho location "main" twice`},
		{"unknown key", `{"stock": {"enable": true}}`, config.StockOptions{}, `unknown key "enable"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := config.ParseMapping("field_mapping.json", []byte(`{"products": {"zoho_books": {"name": "name"}, "options": `+c.options+`}}`))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want one containing %q", err, c.err)
				}
				if strings.Contains(err.Error(), "\n") {
					t.Errorf("error is not one line: %q", err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(m.Options.Stock, c.want) {
				t.Errorf("stock options %+v, want %+v", m.Options.Stock, c.want)
			}
			if m.Options.Stock.ByLocation() != (len(c.want.Warehouses) > 0) {
				t.Errorf("ByLocation %v with map %v", m.Options.Stock.ByLocation(), c.want.Warehouses)
			}
		})
	}
}
