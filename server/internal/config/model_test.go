package config

import (
	"slices"
	"strings"
	"testing"
)

func TestModelOptions(t *testing.T) {
	const head = `{"products": {"zoho_books": {"name": "name", "rate": "list_price"}`
	cases := []struct {
		name    string
		options string // the "options" object, "" for none (a file from before these settings)
		check   func(Options) bool
		err     string
	}{
		{"a file from before these settings takes the defaults", "", func(o Options) bool {
			m := o.Model
			return slices.Equal(m.BarcodeSources, []string{"upc", "ean", "isbn"}) && m.Categories == CategoryOptions{true, true, "All"} &&
				m.TypesFromZoho && m.Weight == MeasureOptions{true, "kg"} && m.Volume == MeasureOptions{true, "m3"}
		}, ""},
		{"one source", `{"barcode": {"source": "ean"}}`, func(o Options) bool { return slices.Equal(o.Model.BarcodeSources, []string{"ean"}) }, ""},
		{"ordered sources", `{"barcode": {"source": ["isbn", "upc"]}}`, func(o Options) bool { return slices.Equal(o.Model.BarcodeSources, []string{"isbn", "upc"}) }, ""},
		{"no barcodes", `{"barcode": {"source": "none"}}`, func(o Options) bool { return len(o.Model.BarcodeSources) == 0 }, ""},
		{"categories", `{"categories": {"create_missing": false, "parent": "All / Saleable"}}`, func(o Options) bool {
			return o.Model.Categories == CategoryOptions{true, false, "All / Saleable"}
		}, ""},
		{"units", `{"weight": {"unit": "lb"}, "volume": {"enabled": false}, "product_type": {"from_zoho": false}}`, func(o Options) bool {
			return o.Model.Weight.Unit == "lb" && !o.Model.Volume.Enabled && !o.Model.TypesFromZoho
		}, ""},
		{"unknown source", `{"barcode": {"source": "gtin"}}`, nil, `options.barcode.source: "gtin" is not`},
		{"source twice", `{"barcode": {"source": ["upc", "upc"]}}`, nil, `lists "upc" twice`},
		{"source of the wrong type", `{"barcode": {"source": 12}}`, nil, `options.barcode.source must be`},
		{"unknown weight unit", `{"weight": {"unit": "stone"}}`, nil, `options.weight.unit "stone" is not "kg" or "lb"`},
		{"bad parent", `{"categories": {"parent": "All /"}}`, nil, `options.categories.parent`},
		{"unknown key", `{"barcode": {"sources": "upc"}}`, nil, `sources`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			js := head + "}}"
			if tc.options != "" {
				js = head + `, "options": ` + tc.options + "}}"
			}
			m, err := ParseMapping("field_mapping.json", []byte(js))
			if tc.err != "" {
				if err == nil || !strings.Contains(err.Error(), tc.err) || strings.Contains(err.Error(), "\n") {
					t.Fatalf("error %v, want one line with %q", err, tc.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !tc.check(m.Options) {
				t.Errorf("options %+v", m.Options.Model)
			}
		})
	}
}

func TestModelFieldsYieldToExplicitMappings(t *testing.T) {
	m := DefaultMapping()
	if got := m.OdooFields(); !slices.Contains(got, "barcode") || !slices.Contains(got, "categ_id") || !slices.Contains(got, "weight") || !slices.Contains(got, "volume") {
		t.Fatalf("built-in mapping writes %v", got)
	}
	m.Fields = append(m.Fields, FieldMap{Zoho: "ean", Odoo: "barcode"})
	for _, mf := range m.Model() {
		if mf.Odoo == "barcode" {
			t.Fatal("options.barcode still writes barcode beside an explicit ean → barcode")
		}
	}
}
