package mapping_test

import (
	"encoding/json"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

var fields17 = map[string]odoo.Field{
	"name":             {Name: "name", Type: "char"},
	"description":      {Name: "description", Type: "html"},
	"description_sale": {Name: "description_sale", Type: "text"},
	"list_price":       {Name: "list_price", Type: "float"},
	"standard_price":   {Name: "standard_price", Type: "float"},
	"default_code":     {Name: "default_code", Type: "char"},
	"uom_id":           {Name: "uom_id", Type: "many2one", Relation: "uom.uom"},
	"uom_po_id":        {Name: "uom_po_id", Type: "many2one", Relation: "uom.uom"},
	"detailed_type":    {Name: "detailed_type", Type: "selection", Selection: []string{"consu", "service"}},
	"type":             {Name: "type", Type: "selection", Selection: []string{"consu", "service"}},
	"sale_ok":          {Name: "sale_ok", Type: "boolean"},
	"purchase_ok":      {Name: "purchase_ok", Type: "boolean"},
	"active":           {Name: "active", Type: "boolean"},
	"product_tag_ids":  {Name: "product_tag_ids", Type: "many2many", Relation: "product.tag"},
}

var units = []odoo.UoM{{ID: 1, Name: "Units"}, {ID: 12, Name: "kg"}, {ID: 5, Name: "m"}, {ID: 10, Name: "L"}, {ID: 4, Name: "Hours"}}

func mapper(t *testing.T, m config.Mapping) *mapping.Mapper {
	t.Helper()
	mp, err := mapping.New(m, fields17, odoo.DialectFor(odoo.Version{Major: 17}, fields17), units, nil)
	if err != nil {
		t.Fatal(err)
	}
	return mp
}

func item(t *testing.T, js string) zoho.Item {
	t.Helper()
	var it zoho.Item
	if err := json.Unmarshal([]byte(js), &it); err != nil {
		t.Fatal(err)
	}
	return it
}

func TestMapValues(t *testing.T) {
	mp := mapper(t, config.DefaultMapping())
	p, warns, err := mp.Map(item(t, `{"item_id": 2077500000000002001, "name": " Tile ", "rate": "12.50", "purchase_rate": 5,
		"sku": "T-1", "unit": "Kgs", "description": "a\r\nb", "status": "inactive", "product_type": "goods"}`))
	if err != nil || len(warns) != 0 {
		t.Fatal(err, warns)
	}
	want := map[string]any{"name": "Tile", "list_price": 12.5, "standard_price": 5.0, "default_code": "T-1", "uom_id": int64(12),
		"uom_po_id": int64(12), "description_sale": "a\nb", "detailed_type": "consu", "active": false}
	for k, v := range want {
		if p.Values[k] != v {
			t.Errorf("%s = %#v, want %#v", k, p.Values[k], v)
		}
	}
	if p.ZohoID != "2077500000000002001" || p.CreateOnly["sale_ok"] != true {
		t.Errorf("id %s, create-only %v", p.ZohoID, p.CreateOnly)
	}
}

func TestMapRefusesBadValuesWithAReason(t *testing.T) {
	mp := mapper(t, config.DefaultMapping())
	cases := []struct {
		name, json, want string
	}{
		{"no name", `{"item_id": "1", "rate": 1}`, "has no name"},
		{"price not a number", `{"item_id": "1", "name": "x", "rate": "abc"}`, `rate is not a number: "abc"`},
		{"negative price", `{"item_id": "1", "name": "x", "rate": -5}`, "rate is negative"},
		{"absurd price", `{"item_id": "1", "name": "x", "rate": 1e300}`, "out of range"},
		{"name of 1 MB", `{"item_id": "1", "name": "` + strings.Repeat("n", 1<<20) + `"}`, "1048576 characters long"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			_, _, err := mp.Map(item(t, tc.json))
			if err == nil || !strings.Contains(err.Error(), tc.want) || len(err.Error()) > 200 {
				t.Fatalf("err = %.200v, want %q", err, tc.want)
			}
		})
	}
}

func TestMapSafeValues(t *testing.T) {
	m := config.DefaultMapping()
	m.Fields = append(m.Fields, config.FieldMap{Zoho: "purchase_description", Odoo: "description"})
	mp := mapper(t, m)
	p, _, err := mp.Map(item(t, `{"item_id": "1", "name": "bad \u0001 \ud800 utf", "purchase_description": "<script>alert(1)</script>\nline"}`))
	if err != nil {
		t.Fatal(err)
	}
	if name := p.Values["name"].(string); strings.ContainsRune(name, 1) || !strings.Contains(name, "\uFFFD") {
		t.Errorf("name = %q", name)
	}
	if html := p.Values["description"].(string); html != "<p>&lt;script&gt;alert(1)&lt;/script&gt;<br>line</p>" {
		t.Errorf("description = %q", html)
	}
}

func TestUnitsByNameAndAlias(t *testing.T) {
	mp := mapper(t, config.DefaultMapping())
	for in, want := range map[string]int64{"kg": 12, "KG": 12, "kgs": 12, "pcs": 1, "nos": 1, "mtr": 5, "ltr": 10, "hrs": 4} {
		if u, ok := mp.Unit(in); !ok || u.ID != want {
			t.Errorf("unit %q = %v %v, want %d", in, u.ID, ok, want)
		}
	}
	_, warns, _ := mp.Map(item(t, `{"item_id": "1", "name": "x", "unit": "box"}`))
	if len(warns) != 1 || warns[0].Code != zv1.WarningCode_WARNING_CODE_UOM_NOT_FOUND {
		t.Errorf("warnings = %v", warns)
	}
}

func TestChecksumCoversMappedValuesOnly(t *testing.T) {
	mp := mapper(t, config.DefaultMapping())
	base := `{"item_id": "1", "name": "x", "rate": 2, "stock_on_hand": %d, "last_modified_time": "2024-01-0%dT10:00:00+0530"}`
	a, _, _ := mp.Map(item(t, strings.Replace(strings.Replace(base, "%d", "5", 1), "%d", "1", 1)))
	b, _, _ := mp.Map(item(t, strings.Replace(strings.Replace(base, "%d", "9", 1), "%d", "2", 1)))
	if a.Checksum != b.Checksum {
		t.Error("a change in an unmapped field changed the checksum")
	}
	c, _, _ := mp.Map(item(t, `{"item_id": "1", "name": "x", "rate": 2.01}`))
	if c.Checksum == a.Checksum {
		t.Error("a price change kept the checksum")
	}
}

func TestMappingAgainstOdooFields(t *testing.T) {
	cases := []struct {
		name string
		fm   config.FieldMap
		want string
	}{
		{"unknown field", config.FieldMap{Zoho: "rate", Odoo: "list_prize"}, "does not have"},
		{"unsupported type", config.FieldMap{Zoho: "brand", Odoo: "product_tag_ids"}, "many2many"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			m := config.DefaultMapping()
			m.Fields = append(m.Fields, tc.fm)
			_, err := mapping.New(m, fields17, odoo.DialectFor(odoo.Version{Major: 17}, fields17), units, nil)
			if err == nil || !strings.Contains(err.Error(), tc.want) {
				t.Fatalf("err = %v", err)
			}
		})
	}
}

func TestDiffToleratesOdooRepresentation(t *testing.T) {
	mp := mapper(t, config.DefaultMapping())
	want := map[string]any{"name": "x", "list_price": 12.5, "uom_id": int64(12), "default_code": "", "active": true, "description_sale": "a\nb"}
	have := map[string]any{"name": "x", "list_price": 12.501, "uom_id": []any{int64(12), "kg"}, "default_code": false, "active": true, "description_sale": "a\nb"}
	if d := mp.Diff(want, have); len(d) != 0 {
		t.Fatalf("diff = %v", d)
	}
	have["list_price"] = 13.0
	if d := mp.Diff(want, have); len(d) != 1 || d[0].Field != "list_price" {
		t.Fatalf("diff = %v", d)
	}
}
