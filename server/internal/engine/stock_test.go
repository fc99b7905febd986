package engine_test

import (
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// stockRig: storable products, stock on, Zoho locations "Main Store" → WH and
// "Depot" → a second warehouse "DP".
func stockRig(t *testing.T, version string, stockApp bool, opts config.StockOptions) *rig {
	r := newRig(t, rigOptions{noImage: true, odoo: odootest.Options{Version: version, Stock: stockApp}, mapping: func(m *config.Mapping) {
		m.Defaults["type"] = "product"
		m.Options.Stock = opts
	}})
	return r
}

func quantAt(r *rig, productID, loc int) (float64, bool) {
	for _, q := range r.odoo.Quants() {
		if q.ProductID == productID && q.LocationID == loc && q.LotID == 0 {
			return q.Quantity, true
		}
	}
	return 0, false
}

func warningsOf(run *zv1.Run, code zv1.WarningCode) []string {
	var out []string
	for _, w := range run.GetWarnings() {
		if w.GetCode() == code {
			out = append(out, w.GetMessage())
		}
	}
	return out
}

func TestStockByLocation(t *testing.T) {
	for _, version := range []string{"17.0", "18.0"} {
		t.Run(version, func(t *testing.T) {
			r := stockRig(t, version, true, config.StockOptions{Enabled: true, DefaultWarehouse: "WH", Warehouses: map[string]string{"Main Store": "WH", "Depot": "DP"}})
			_, dpLoc := r.odoo.AddWarehouse("Depot", "DP")
			whLoc := 9 // WH/Stock in a fresh double
			r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000011", Name: "Bolt", Status: "active", Rate: 1, SKU: "B-1", ProductType: "goods", ItemType: "inventory",
				TrackInventory: true, StockOnHand: 12, Locations: []zohotest.ItemLocation{{ID: "71", Name: "Main Store", OnHand: "7"}, {ID: "72", Name: "Depot", OnHand: "5"}}})
			r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000012", Name: "Nut", Status: "active", Rate: 1, SKU: "N-1", ProductType: "goods", ItemType: "inventory",
				TrackInventory: true, StockOnHand: 3, OldWarehouses: true, Locations: []zohotest.ItemLocation{{ID: "81", Name: "Elsewhere", OnHand: "3"}}})
			r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000013", Name: "Advice", Status: "active", Rate: 50, SKU: "S-1", ProductType: "service", ItemType: "sales"})

			// dry run first: old → new per product and warehouse, nothing written
			dry, evs := r.sync(zv1.RunKind_RUN_KIND_SMART, true)
			if dry.State != zv1.RunState_RUN_STATE_SUCCEEDED || len(r.odoo.Quants()) != 0 {
				t.Fatalf("dry run: %v, quants %v", dry.State, r.odoo.Quants())
			}
			if run := r.full(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
				t.Fatalf("first run: %v %v %v", run.State, run.GetError(), run.GetItemErrors())
			}
			bolt := r.odoo.VariantOf(productID(t, r, "B-1"))
			nut := r.odoo.VariantOf(productID(t, r, "N-1"))
			if q, _ := quantAt(r, bolt, whLoc); q != 7 {
				t.Errorf("Bolt in WH/Stock = %v, want 7", q)
			}
			if q, _ := quantAt(r, bolt, dpLoc); q != 5 {
				t.Errorf("Bolt in DP/Stock = %v, want 5", q)
			}
			if q, _ := quantAt(r, nut, whLoc); q != 3 {
				t.Errorf("Nut (older warehouses, unmapped → default) in WH/Stock = %v, want 3", q)
			}
			moves := r.odoo.StockMoves()
			if moves != 3 {
				t.Errorf("%d adjustments applied, want 3", moves)
			}
			_ = evs

			// a resync with nothing changed writes no stock
			run := r.full()
			if r.odoo.StockMoves() != moves || counts(run).StockAdjusted != 0 || counts(run).StockUnchanged != 3 {
				t.Errorf("resync: moves %d → %d, counts %v", moves, r.odoo.StockMoves(), counts(run))
			}

			// stock changes in Zoho; a stock-only run brings just that, old → new in its dry run
			r.zoho.UpdateItem("2077500000000000011", func(it *zohotest.Item) {
				it.StockOnHand = 10
				it.Locations[1].OnHand = "3"
			})
			r.odoo.UpdateProduct(productID(t, r, "B-1"), map[string]any{"name": "Renamed in Odoo"})
			dry, evs = r.sync(zv1.RunKind_RUN_KIND_STOCK, true)
			var shown []string
			for _, ev := range evs {
				if pc := ev.GetPlannedChange(); pc != nil {
					for _, f := range pc.GetFields() {
						shown = append(shown, pc.GetName()+" "+f.GetField()+" "+f.GetOldValue()+"→"+f.GetNewValue())
					}
				}
			}
			if want := "Bolt stock on hand (DP) 5→3"; len(shown) != 1 || shown[0] != want {
				t.Errorf("stock-only dry run showed %q, want [%q]", shown, want)
			}
			run, _ = r.sync(zv1.RunKind_RUN_KIND_STOCK, false)
			if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(run).StockAdjusted != 1 {
				t.Fatalf("stock-only run: %v %v %v", run.State, run.GetError(), counts(run))
			}
			if q, _ := quantAt(r, bolt, dpLoc); q != 3 {
				t.Errorf("Bolt in DP/Stock after the stock-only run = %v, want 3", q)
			}
			if p, _ := r.odoo.Product(productID(t, r, "B-1")); p.Name != "Renamed in Odoo" {
				t.Errorf("a stock-only run rewrote the product: name %q", p.Name)
			}
		})
	}
}

func productID(t *testing.T, r *rig, sku string) int {
	t.Helper()
	for _, p := range r.odoo.Products(true) {
		if p.DefaultCode == sku {
			return p.ID
		}
	}
	t.Fatalf("no product with SKU %s", sku)
	return 0
}

func TestStockSkipsAndWarnings(t *testing.T) {
	t.Run("lot-tracked product skipped with a warning", func(t *testing.T) {
		r := stockRig(t, "17.0", true, config.StockOptions{Enabled: true})
		r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000021", Name: "Milk", Status: "active", Rate: 1, SKU: "M-1", ProductType: "goods", ItemType: "inventory", TrackInventory: true, StockOnHand: 4})
		r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000022", Name: "Salt", Status: "active", Rate: 1, SKU: "S-2", ProductType: "goods", ItemType: "inventory", TrackInventory: true, StockOnHand: 9})
		r.full()
		milk := productID(t, r, "M-1")
		r.odoo.UpdateProduct(milk, map[string]any{"tracking": "lot"})
		r.odoo.SetQuant(r.odoo.VariantOf(milk), 9, 0, 0) // reset by hand; a lot-tracked product keeps what Odoo has
		r.zoho.UpdateItem("2077500000000000021", func(it *zohotest.Item) { it.StockOnHand = 6 })
		run := r.full()
		ws := warningsOf(run, zv1.WarningCode_WARNING_CODE_STOCK_SKIPPED)
		if len(ws) != 1 || !strings.Contains(ws[0], "Milk") || !strings.Contains(ws[0], "tracked by lot") {
			t.Errorf("warnings %q, want one naming Milk tracked by lot", ws)
		}
		if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(run).StockSkipped != 1 || counts(run).StockUnchanged != 1 {
			t.Errorf("run %v counts %v", run.State, counts(run))
		}
		if q, _ := quantAt(r, r.odoo.VariantOf(milk), 9); q != 0 {
			t.Errorf("lot-tracked Milk was adjusted to %v", q)
		}
	})
	t.Run("no stock app: one warning, the run succeeds", func(t *testing.T) {
		r := stockRig(t, "17.0", false, config.StockOptions{Enabled: true})
		r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000031", Name: "Box", Status: "active", Rate: 1, SKU: "X-1", ProductType: "goods", ItemType: "inventory", TrackInventory: true, StockOnHand: 4})
		run := r.full()
		if ws := warningsOf(run, zv1.WarningCode_WARNING_CODE_STOCK_UNAVAILABLE); len(ws) != 1 || run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
			t.Errorf("run %v %v, stock warnings %q; want succeeded with one", run.State, run.GetError(), ws)
		}
		if run, _ := r.sync(zv1.RunKind_RUN_KIND_STOCK, false); run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
			t.Errorf("stock-only run without the stock app: %v %v", run.State, run.GetError())
		}
	})
	t.Run("unmapped Zoho location without a default: one warning naming it", func(t *testing.T) {
		r := stockRig(t, "18.0", true, config.StockOptions{Enabled: true, Warehouses: map[string]string{"Main Store": "WH"}})
		for i, id := range []string{"2077500000000000041", "2077500000000000042"} {
			r.zoho.PutItem(zohotest.Item{ItemID: id, Name: "Cup " + id[len(id)-1:], Status: "active", Rate: 1, SKU: "C-" + id, ProductType: "goods", ItemType: "inventory", TrackInventory: true, StockOnHand: float64(2 + i),
				Locations: []zohotest.ItemLocation{{ID: "71", Name: "Main Store", OnHand: "1"}, {ID: "79", Name: "Pop-up Shop", OnHand: "1"}}})
		}
		run := r.full()
		ws := warningsOf(run, zv1.WarningCode_WARNING_CODE_STOCK_LOCATION_UNMAPPED)
		if len(ws) != 1 || !strings.Contains(ws[0], `"Pop-up Shop"`) {
			t.Errorf("warnings %q, want one naming Pop-up Shop", ws)
		}
		if counts(run).StockAdjusted != 2 {
			t.Errorf("counts %v, want 2 adjusted (Main Store)", counts(run))
		}
	})
	t.Run("stock-only run with stock off is refused in one line", func(t *testing.T) {
		r := stockRig(t, "17.0", true, config.StockOptions{})
		run, _ := r.sync(zv1.RunKind_RUN_KIND_STOCK, false)
		if run.State != zv1.RunState_RUN_STATE_FAILED || !strings.Contains(run.GetError(), "products.options.stock.enabled") {
			t.Errorf("run %v %q", run.State, run.GetError())
		}
	})
}

// BenchmarkStockFirstSync: Odoo and Zoho calls of a 1,000-item first sync
// and of a no-op resync, with stock off, on (item totals) and on per
// location (Zoho's item details).
func BenchmarkStockFirstSync(b *testing.B) {
	for _, c := range []struct {
		name string
		opts config.StockOptions
	}{
		{"off", config.StockOptions{}},
		{"totals", config.StockOptions{Enabled: true}},
		{"by-location", config.StockOptions{Enabled: true, DefaultWarehouse: "WH", Warehouses: map[string]string{"Main": "WH"}}},
	} {
		b.Run(c.name, func(b *testing.B) {
			for b.Loop() {
				r := newRig(b, rigOptions{items: 1000, seed: 5, noImage: true, odoo: odootest.Options{Stock: true}, mapping: func(m *config.Mapping) {
					m.Defaults["type"] = "product"
					m.Options.BatchSize = 100
					m.Options.Stock = c.opts
				}})
				run := r.full()
				again := r.full()
				b.ReportMetric(float64(run.GetOdooCalls())/1000, "odoo-rpcs/item")
				b.ReportMetric(float64(run.GetZohoCalls()), "zoho-calls")
				b.ReportMetric(float64(counts(run).StockAdjusted), "adjusted")
				b.ReportMetric(float64(again.GetOdooCalls()), "resync-odoo-calls")
				b.ReportMetric(float64(again.GetZohoCalls()), "resync-zoho-calls")
			}
		})
	}
}
