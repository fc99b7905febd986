package config_test

import (
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
)

func TestTaxOptions(t *testing.T) {
	on := config.TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"}
	cases := []struct {
		name    string
		options string
		want    config.TaxOptions
		err     string
	}{
		{"absent: on, Odoo's fields", `{}`, on, ""},
		{"off", `{"taxes": {"enabled": false}}`, config.TaxOptions{SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"}, ""},
		{"sale side only", `{"taxes": {"purchase_field": ""}}`, config.TaxOptions{Enabled: true, SaleField: "taxes_id"}, ""},
		{"purchase from sales", `{"taxes": {"purchase_from_sales": true}}`, config.TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id", PurchaseFromSales: true}, ""},
		{"same field twice", `{"taxes": {"purchase_field": "taxes_id"}}`, on, `options.taxes.sale_field and purchase_field are both "taxes_id"`},
		{"not a field name", `{"taxes": {"sale_field": "taxes_id/.id"}}`, on, `options.taxes.sale_field "taxes_id/.id" is not an Odoo field name`},
		{"reserved", `{"taxes": {"sale_field": "active"}}`, on, `options.taxes.sale_field cannot be "active"`},
		{"unknown key", `{"taxes": {"enable": true}}`, on, `unknown key "enable"`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			m, err := config.ParseMapping("field_mapping.json", []byte(`{"products": {"zoho_books": {"name": "name"}, "options": `+c.options+`}}`))
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line containing %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if m.Options.Taxes != c.want {
				t.Errorf("taxes %+v, want %+v", m.Options.Taxes, c.want)
			}
		})
	}
	if d := config.DefaultMapping().Options.Taxes; d != on {
		t.Errorf("built-in mapping taxes %+v, want %+v", d, on)
	}
}
