package e2e

import (
	"context"
	"encoding/json"
	"math"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// modelItems is a catalogue of the product model (README "Product model"):
// a barcode with a leading zero, two items with one barcode, an existing and
// a new category, a service, tracked goods, a weight in lb, dimensions in cm.
func modelItems() []zohotest.Item {
	return []zohotest.Item{
		{ItemID: "9200000000000000001", Name: "Chili sauce", SKU: "CS-1", Status: "active", Rate: 4, Unit: "pcs", ProductType: "goods", ItemType: "inventory", TrackInventory: true,
			UPC: "012345678905", CategoryName: "Sauces", Weight: "2", WeightUnit: "lb", Length: "50", Width: "40", Height: "30", DimensionUnit: "cm"},
		{ItemID: "9200000000000000002", Name: "Chili sauce, copy", SKU: "CS-2", Status: "active", Rate: 4, Unit: "pcs", ProductType: "goods", ItemType: "sales",
			UPC: "012345678905", CategoryName: "saleable"},
		{ItemID: "9200000000000000003", Name: "Tasting session", SKU: "TS-1", Status: "active", Rate: 50, ProductType: "service", ItemType: "sales", CategoryName: "Sauces"},
	}
}

// TestProductModelThroughTheBinary: barcodes, categories, types, weights and
// volumes end up in Odoo; a clash is that item's error naming the other
// product; a dry run shows the fields; a resync writes nothing.
func TestProductModelThroughTheBinary(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		name string
		odoo odootest.Options
	}{{"17 with stock", odootest.Options{Stock: true}}, {"18 with stock", odootest.Options{Version: "18.0", Stock: true}}, {"17 without stock", odootest.Options{}}} {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{imagesOff: true, odoo: tc.odoo, zohoExtra: map[string]any{"item_source": "inventory"}})
			for _, it := range modelItems() {
				e.zoho.PutItem(it)
			}
			e.start()
			out, _, code := e.cli("run-now", "--json", "--dry-run")
			if code != 0 || len(e.odoo.Products(true)) != 0 {
				t.Fatalf("dry run exit %d, %d products", code, len(e.odoo.Products(true)))
			}
			for _, want := range []string{`"barcode"`, `012345678905`, `All / Sauces`, `All / Saleable`, `"weight"`, `0.907185`, `"volume"`, `0.06`} {
				if !strings.Contains(out, want) {
					t.Errorf("dry run does not show %s:\n%s", want, lastLines(out, 8))
				}
			}
			if text, _, _ := e.cli("run-now", "--dry-run"); !strings.Contains(text, "fields written (planned): active 3, barcode 2, categ_id 3,") || !strings.Contains(text, "volume 1, weight 1") {
				t.Errorf("the dry run's summary does not count the fields:\n%s", lastLines(text, 8))
			}
			run, code := e.runNow()
			c := counts(run)
			if c["created"] != 2 || c["failed"] != 1 {
				t.Fatalf("exit %d counts %v errors %v", code, c, run["item_errors"])
			}
			errs, _ := json.Marshal(run["item_errors"])
			if !strings.Contains(string(errs), `barcode \"012345678905\" is already used by the Odoo product \"Chili sauce\" (SKU \"CS-1\"`) {
				t.Errorf("the clash does not name the other product: %s", errs)
			}
			fw, _ := json.Marshal(run["progress"].(map[string]any)["counts"].(map[string]any)["fields_written"])
			for _, want := range []string{`"barcode":"1"`, `"categ_id":"2"`, `"weight":"1"`, `"volume":"1"`} {
				if !strings.Contains(string(fw), want) {
					t.Errorf("fields_written %s lacks %s", fw, want)
				}
			}
			t.Logf("item errors: %s", errs)
			byName := map[string]odootest.Product{}
			for _, p := range e.odoo.Products(true) {
				byName[p.Name] = p
			}
			sauce, session := byName["Chili sauce"], byName["Tasting session"]
			if sauce.Values["barcode"] != "012345678905" {
				t.Errorf("barcode %#v", sauce.Values["barcode"])
			}
			if w, v := sauce.Values["weight"], sauce.Values["volume"]; w != 0.907185 && w != 0.91 || v != 0.06 {
				t.Errorf("weight %v volume %v", w, v)
			}
			if sauce.CategID == 0 || sauce.CategID != session.CategID {
				t.Errorf("categories %d %d: one created category for both", sauce.CategID, session.CategID)
			}
			if sauce.IsStorable != tc.odoo.Stock {
				t.Errorf("tracked goods storable %v with stock %v", sauce.IsStorable, tc.odoo.Stock)
			}
			if session.Type != "service" {
				t.Errorf("service type %q", session.Type)
			}
			// the clash fixed in Zoho: created with its own barcode, nothing else written
			e.zoho.UpdateItem("9200000000000000002", func(x *zohotest.Item) { x.UPC = "4006381333931" })
			run, _ = e.runNow()
			if c := counts(run); c["created"] != 1 || c["failed"] != 0 || c["updated"] != 0 {
				t.Fatalf("after the fix: counts %v errors %v", c, run["item_errors"])
			}
			e.odoo.ResetCalls()
			for _, args := range [][]string{nil, {"--full"}} {
				run, _ = e.runNow(args...)
				if c := counts(run); c["created"]+c["updated"]+c["failed"] != 0 {
					t.Errorf("resync %v: counts %v", args, c)
				}
			}
			for call, n := range e.odoo.Calls() {
				if strings.HasSuffix(call, ".load") || strings.HasSuffix(call, ".write") || strings.HasSuffix(call, ".create") {
					t.Errorf("resync called %s %d times", call, n)
				}
			}
		})
	}
}

// TestUpgradeRewritesTheCatalogueOnce: a catalogue synced before the product
// model (its parts off, which maps exactly as before) is rewritten once when
// they come on: items as they are read, all of them at the next full sync;
// then it is left alone.
func TestUpgradeRewritesTheCatalogueOnce(t *testing.T) {
	t.Parallel()
	old := map[string]any{"barcode": map[string]any{"source": "none"}, "categories": map[string]any{"enabled": false},
		"product_type": map[string]any{"from_zoho": false}, "weight": map[string]any{"enabled": false}, "volume": map[string]any{"enabled": false}}
	e := newEnv(t, envOptions{items: 200, seed: 5, imagesOff: true, mappingOpts: old, zohoExtra: map[string]any{"item_source": "inventory"}})
	e.start()
	if run, code := e.runNow("--full"); code != 0 || counts(run)["created"] != 200 {
		t.Fatalf("first sync exit %d counts %v", code, counts(run))
	}
	e.stop()
	opts := e.mapping["products"].(map[string]any)["options"].(map[string]any)
	for k := range old {
		delete(opts, k)
	}
	e.writeJSON("field_mapping.json", e.mapping)
	e.start()
	run, code := e.runNow("--full")
	c := counts(run)
	if code != 0 || c["failed"] != 0 || c["updated"] == 0 || c["updated"]+c["unchanged"] != c["seen"] {
		t.Fatalf("upgrade run exit %d counts %v errors %v", code, c, run["item_errors"])
	}
	t.Logf("first full sync after the upgrade: %d of %d items rewritten", c["updated"], c["seen"])
	e.odoo.ResetCalls()
	for _, args := range [][]string{nil, {"--full"}, nil} {
		run, _ = e.runNow(args...)
		if c := counts(run); c["created"]+c["updated"]+c["failed"] != 0 {
			t.Errorf("after the upgrade, run %v: counts %v", args, c)
		}
	}
	for call, n := range e.odoo.Calls() {
		if strings.HasSuffix(call, ".load") || strings.HasSuffix(call, ".write") || strings.HasSuffix(call, ".create") {
			t.Errorf("after the upgrade, %s called %d times", call, n)
		}
	}
}

// TestRealOdooProductModel syncs the product-model catalogue into a real Odoo
// and reads it back: barcode with its leading zero, the clash as the copy's
// error naming the other product, a created category shared by two products,
// a service, tracked goods storable where the Inventory app is installed, a
// weight given in lb and a volume given in cm, and a resync writing nothing.
func TestRealOdooProductModel(t *testing.T) {
	t.Parallel()
	ro := newRealOdoo(t, "")
	e := ro.env(t, envOptions{imagesOff: true, zohoExtra: map[string]any{"requests_per_minute": 3000, "item_source": "inventory"}})
	e.mapping["products"].(map[string]any)["default_values"].(map[string]any)["type"] = "consu"
	e.writeJSON("field_mapping.json", e.mapping)
	for _, it := range modelItems() {
		e.zoho.PutItem(it)
	}
	e.start()
	run, code := e.runNow()
	c := counts(run)
	errs, _ := json.Marshal(run["item_errors"])
	t.Logf("Odoo %s: counts %v, item errors %s", ro.client.Version().Full, c, errs)
	if c["created"] != 2 || c["failed"] != 1 {
		t.Fatalf("exit %d counts %v errors %s", code, c, errs)
	}
	if !strings.Contains(string(errs), `barcode \"012345678905\" is already used by the Odoo product \"Chili sauce\" (SKU \"CS-1\"`) {
		t.Errorf("the clash does not name the other product: %s", errs)
	}
	ctx := context.Background()
	pf, err := ro.client.ProductFields(ctx)
	if err != nil {
		t.Fatal(err)
	}
	d := odoo.DialectFor(ro.client.Version(), pf)
	storable, warn := d.TypeValues(odoo.TypeStorable)
	fields := []string{"name", "barcode", "categ_id", "weight", "volume", "type"}
	for f := range storable {
		if f != "type" {
			fields = append(fields, f)
		}
	}
	prods := ro.read(fields)
	sauce, session := prods["9200000000000000001"], prods["9200000000000000003"]
	if sauce == nil || session == nil || prods["9200000000000000002"] != nil {
		t.Fatalf("products: %v", prods)
	}
	if sauce["barcode"] != "012345678905" {
		t.Errorf("barcode %#v", sauce["barcode"])
	}
	if w, _ := sauce["weight"].(float64); math.Abs(w-0.907185) > 0.005 {
		t.Errorf("weight %v kg, want 2 lb = 0.907 kg", sauce["weight"])
	}
	if v, _ := sauce["volume"].(float64); math.Abs(v-0.06) > 0.005 {
		t.Errorf("volume %v m³, want 50×40×30 cm = 0.06", sauce["volume"])
	}
	cat := sauce["categ_id"].([]any)
	if cat[1] != "All / Sauces" || odoo.Many2oneID(session["categ_id"]) != odoo.Many2oneID(cat) {
		t.Errorf("categories %v and %v, want one created All / Sauces", sauce["categ_id"], session["categ_id"])
	}
	for f, v := range storable {
		if sauce[f] != v {
			t.Errorf("tracked goods: %s = %v, want %v (%s)", f, sauce[f], v, warn)
		}
	}
	if session["type"] != "service" {
		t.Errorf("service: type %v", session["type"])
	}
	e.zoho.UpdateItem("9200000000000000002", func(x *zohotest.Item) { x.UPC = "4006381333931" })
	run, _ = e.runNow()
	if c := counts(run); c["created"] != 1 || c["failed"] != 0 {
		t.Fatalf("after the fix: counts %v errors %v", c, run["item_errors"])
	}
	copyCat := ro.read([]string{"barcode", "categ_id"})["9200000000000000002"]
	if copyCat["barcode"] != "4006381333931" || copyCat["categ_id"].([]any)[1] != "All / Saleable" {
		t.Errorf("the fixed copy: %v", copyCat)
	}
	for _, args := range [][]string{nil, {"--full"}} {
		run, _ = e.runNow(args...)
		if c := counts(run); c["created"]+c["updated"]+c["failed"] != 0 {
			t.Errorf("resync %v: counts %v", args, c)
		}
	}
}
