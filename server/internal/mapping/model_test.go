package mapping_test

import (
	"maps"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// modelFields are product.template's fields with the model fields, as Odoo
// 17 with or without stock, and 18 with stock, describe them.
func modelFields(major int, stock bool) map[string]odoo.Field {
	f := maps.Clone(fields17)
	f["barcode"] = odoo.Field{Name: "barcode", Type: "char"}
	f["categ_id"] = odoo.Field{Name: "categ_id", Type: "many2one", Relation: "product.category"}
	f["weight"] = odoo.Field{Name: "weight", Type: "float"}
	f["volume"] = odoo.Field{Name: "volume", Type: "float"}
	if major >= 18 {
		delete(f, "detailed_type")
		f["type"] = odoo.Field{Name: "type", Type: "selection", Selection: []string{"consu", "service", "combo"}}
		if stock {
			f["is_storable"] = odoo.Field{Name: "is_storable", Type: "boolean"}
		}
	} else if stock {
		f["detailed_type"] = odoo.Field{Name: "detailed_type", Type: "selection", Selection: []string{"consu", "service", "product"}}
	}
	return f
}

var cats = []odoo.Category{{ID: 1, CompleteName: "All"}, {ID: 2, CompleteName: "All / Saleable"}, {ID: 3, CompleteName: "All / Expenses"}}

func modelMapper(t *testing.T, m config.Mapping, major int, stock bool) *mapping.Mapper {
	t.Helper()
	f := modelFields(major, stock)
	mp, err := mapping.New(m, f, odoo.DialectFor(odoo.Version{Major: major}, f), units, cats)
	if err != nil {
		t.Fatal(err)
	}
	return mp
}

func TestModelFields(t *testing.T) {
	noCreate := config.DefaultMapping()
	noCreate.Options.Model.Categories.CreateMissing = false
	eanFirst := config.DefaultMapping()
	eanFirst.Options.Model.BarcodeSources = []string{"ean", "upc"}
	inLb := config.DefaultMapping()
	inLb.Options.Model.Weight.Unit, inLb.Options.Model.Volume.Unit = "lb", "ft3"
	explicit := config.DefaultMapping()
	explicit.Fields = append(explicit.Fields, config.FieldMap{Zoho: "isbn", Odoo: "barcode"})
	cases := []struct {
		name  string
		m     config.Mapping
		item  string
		want  map[string]any // model values expected (nil value: absent)
		warn  zv1.WarningCode
		error string
	}{
		{"barcode string keeps its leading zero", config.DefaultMapping(), `"upc": "012345678905"`, map[string]any{"barcode": "012345678905"}, 0, ""},
		{"barcode JSON number gets its leading zero back when it checks", config.DefaultMapping(), `"upc": 12345678905`, map[string]any{"barcode": "012345678905"}, 0, ""},
		{"barcode JSON number that does not check is kept as sent", config.DefaultMapping(), `"upc": 111111111111`, map[string]any{"barcode": "111111111111"}, 0, ""},
		{"EAN-13 number padded", config.DefaultMapping(), `"upc": "", "ean": 12345678905`, map[string]any{"barcode": "0012345678905"}, 0, ""},
		{"barcode in exponent form", config.DefaultMapping(), `"upc": 1.2345678905e10`, map[string]any{"barcode": "012345678905"}, 0, ""},
		{"first non-empty source in order", eanFirst, `"upc": "111", "ean": "222"`, map[string]any{"barcode": "222"}, 0, ""},
		{"no barcode leaves Odoo's alone", config.DefaultMapping(), `"upc": "", "ean": null`, map[string]any{"barcode": nil}, 0, ""},
		{"an explicit mapping wins", explicit, `"upc": "111", "isbn": "9780306406157"`, map[string]any{"barcode": "9780306406157"}, 0, ""},
		{"category matched by leaf name", config.DefaultMapping(), `"category_name": "saleable"`, map[string]any{"categ_id": "All / Saleable"}, 0, ""},
		{"category created under the parent", config.DefaultMapping(), `"category_name": " Sauces "`, map[string]any{"categ_id": "All / Sauces"}, 0, ""},
		{"category unmatched with creation off", noCreate, `"category_name": "Sauces"`, map[string]any{"categ_id": nil}, zv1.WarningCode_WARNING_CODE_CATEGORY_NOT_FOUND, ""},
		{"weight in kg", config.DefaultMapping(), `"weight": "2.5", "weight_unit": "kg"`, map[string]any{"weight": 2.5}, 0, ""},
		{"weight in g", config.DefaultMapping(), `"weight": 250, "weight_unit": "g"`, map[string]any{"weight": 0.25}, 0, ""},
		{"weight in lb", config.DefaultMapping(), `"weight": "2", "weight_unit": "lb"`, map[string]any{"weight": 0.907185}, 0, ""},
		{"weight in oz", config.DefaultMapping(), `"weight": "16", "weight_unit": "oz"`, map[string]any{"weight": 0.453592}, 0, ""},
		{"weight in kg written in lb", inLb, `"weight": "1", "weight_unit": "kg"`, map[string]any{"weight": 2.204623}, 0, ""},
		{"weight nested in package_details", config.DefaultMapping(), `"package_details": {"weight": "500", "weight_unit": "g"}`, map[string]any{"weight": 0.5}, 0, ""},
		{"weight unit unknown", config.DefaultMapping(), `"weight": "3", "weight_unit": "stone"`, map[string]any{"weight": nil}, zv1.WarningCode_WARNING_CODE_MEASURE_UNIT_UNKNOWN, ""},
		{"weight not a number", config.DefaultMapping(), `"weight": "heavy"`, nil, 0, "weight is not a weight"},
		{"volume in cm", config.DefaultMapping(), `"length": "20", "width": "10", "height": "5", "dimension_unit": "cm"`, map[string]any{"volume": 0.001}, 0, ""},
		{"volume in in", config.DefaultMapping(), `"length": 10, "width": 10, "height": 10, "dimension_unit": "in"`, map[string]any{"volume": 0.016387}, 0, ""},
		{"volume in m written in ft3", inLb, `"length": 1, "width": 1, "height": 1, "dimension_unit": "m"`, map[string]any{"volume": 35.314667}, 0, ""},
		{"volume needs all three", config.DefaultMapping(), `"length": "20", "width": "10", "height": "", "dimension_unit": "cm"`, map[string]any{"volume": nil}, 0, ""},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			mp := modelMapper(t, tc.m, 17, true)
			p, warns, err := mp.Map(item(t, `{"item_id": "1", "name": "X", `+tc.item+`}`))
			if tc.error != "" {
				if err == nil || !strings.Contains(err.Error(), tc.error) {
					t.Fatalf("error %v, want %q", err, tc.error)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			for k, v := range tc.want {
				got, ok := p.Values[k]
				if v == nil && ok {
					t.Errorf("%s = %#v, want absent", k, got)
				}
				if v != nil && got != v {
					t.Errorf("%s = %#v, want %#v", k, got, v)
				}
			}
			var codes []zv1.WarningCode
			for _, w := range warns {
				codes = append(codes, w.Code)
			}
			if (tc.warn == 0) != (len(codes) == 0) || (tc.warn != 0 && codes[0] != tc.warn) {
				t.Errorf("warnings %v, want %v", warns, tc.warn)
			}
		})
	}
}

func TestProductTypes(t *testing.T) {
	cases := []struct {
		item  string
		major int
		stock bool
		want  map[string]any
		warn  bool
	}{
		{`"product_type": "service", "track_inventory": true`, 17, true, map[string]any{"detailed_type": "service"}, false},
		{`"product_type": "goods", "track_inventory": true`, 17, true, map[string]any{"detailed_type": "product"}, false},
		{`"product_type": "goods", "track_inventory": false`, 17, true, map[string]any{"detailed_type": "consu"}, false},
		{`"product_type": "goods", "item_type": "inventory"`, 17, true, map[string]any{"detailed_type": "product"}, false},
		{`"product_type": "goods", "item_type": "sales"`, 17, true, map[string]any{"detailed_type": "consu"}, false},
		{`"product_type": "goods", "track_inventory": true`, 17, false, map[string]any{"detailed_type": "consu"}, true},
		{`"product_type": "goods", "track_inventory": true`, 18, true, map[string]any{"type": "consu", "is_storable": true}, false},
		{`"product_type": "goods", "track_inventory": false`, 18, true, map[string]any{"type": "consu", "is_storable": false}, false},
		{`"product_type": "digital_service"`, 18, true, map[string]any{"type": "service"}, false},
		{`"product_type": "goods", "track_inventory": true`, 18, false, map[string]any{"type": "consu"}, true},
	}
	for _, tc := range cases {
		mp := modelMapper(t, config.DefaultMapping(), tc.major, tc.stock)
		p, warns, err := mp.Map(item(t, `{"item_id": "1", "name": "X", `+tc.item+`}`))
		if err != nil {
			t.Fatal(err)
		}
		for k, v := range tc.want {
			if p.Values[k] != v {
				t.Errorf("%d stock=%v %s: %s = %#v, want %#v", tc.major, tc.stock, tc.item, k, p.Values[k], v)
			}
		}
		if _, has := p.Values["is_storable"]; has && !tc.stock {
			t.Errorf("%s: is_storable written without stock", tc.item)
		}
		if got := len(warns) > 0 && warns[0].Code == zv1.WarningCode_WARNING_CODE_STORABLE_UNAVAILABLE; got != tc.warn {
			t.Errorf("%d stock=%v %s: warnings %v", tc.major, tc.stock, tc.item, warns)
		}
	}
}

// TestModelFieldOdooLacks: a model field this Odoo's products do not have is
// one warning at the start, not a failed run; the rest still maps.
func TestModelFieldOdooLacks(t *testing.T) {
	f := modelFields(17, false)
	delete(f, "weight")
	mp, err := mapping.New(config.DefaultMapping(), f, odoo.DialectFor(odoo.Version{Major: 17}, f), units, cats)
	if err != nil {
		t.Fatal(err)
	}
	if len(mp.Warnings) != 1 || mp.Warnings[0].Code != zv1.WarningCode_WARNING_CODE_MODEL_FIELD_UNAVAILABLE || !strings.Contains(mp.Warnings[0].Message, "weight") {
		t.Fatalf("warnings %v", mp.Warnings)
	}
	p, _, err := mp.Map(item(t, `{"item_id": "1", "name": "X", "weight": "2", "upc": "012345678905"}`))
	if err != nil || p.Values["barcode"] != "012345678905" {
		t.Fatal(err, p.Values)
	}
	if _, ok := p.Values["weight"]; ok {
		t.Error("weight written to an Odoo without the field")
	}
}

// TestCategoryDiff: a category is compared by complete name with what Odoo
// reads back ([id, name]) and with what was stored after the last write.
func TestCategoryDiff(t *testing.T) {
	mp := modelMapper(t, config.DefaultMapping(), 17, false)
	want := map[string]any{"categ_id": "All / Sauces"}
	for _, have := range []any{[]any{int64(9), "All / Sauces"}, "all / sauces"} {
		if ch := mp.Diff(want, map[string]any{"categ_id": have}); len(ch) != 0 {
			t.Errorf("%#v: %v", have, ch)
		}
	}
	if ch := mp.Diff(want, map[string]any{"categ_id": []any{int64(1), "All"}}); len(ch) != 1 || mp.Show("categ_id", ch[0].New) != "All / Sauces" {
		t.Errorf("changed category: %v", ch)
	}
}
