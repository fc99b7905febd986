package e2e

import (
	"context"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// stockItems puts storable items with stock on hand in the emulator; the last
// one is a service.
func stockItems(z *zohotest.Server) []string {
	var ids []string
	for i, q := range []float64{5, 0, 12.5} {
		id := z.NewID()
		z.PutItem(zohotest.Item{ItemID: id, Name: "Stocked " + string(rune('A'+i)), Status: "active", Rate: 2, SKU: "ST-" + string(rune('A'+i)),
			ProductType: "goods", ItemType: "inventory", TrackInventory: true, StockOnHand: q})
		ids = append(ids, id)
	}
	z.PutItem(zohotest.Item{Name: "Consulting", Status: "active", Rate: 90, SKU: "SV-1", ProductType: "service", ItemType: "sales"})
	return ids
}

func stockOn(mapping map[string]any) {
	p := mapping["products"].(map[string]any)
	p["default_values"].(map[string]any)["type"] = "product"
	p["options"].(map[string]any)["stock"] = map[string]any{"enabled": true}
}

// readQuants returns each product.product's quantity at WH/Stock through XML-RPC.
func readQuants(t *testing.T, c *odoo.Client) map[int64]float64 {
	t.Helper()
	ctx := context.Background()
	whs, err := c.Warehouses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	var tmpls []map[string]any
	if err := c.Execute(ctx, "product.template", "search_read", []any{[]any{}}, map[string]any{"fields": []any{"id"}}, &tmpls); err != nil {
		t.Fatal(err)
	}
	ids := make([]int64, len(tmpls))
	for i, r := range tmpls {
		ids[i] = r["id"].(int64)
	}
	_, levels, err := c.ReadStock(ctx, ids, whs[:1])
	if err != nil {
		t.Fatal(err)
	}
	out := map[int64]float64{}
	for k, l := range levels {
		out[k.ProductID] = l.Quantity
	}
	return out
}

func TestE2EStockOnHand(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true, odoo: odootest.Options{Stock: true}})
	stockItems(e.zoho)
	stockOn(e.mapping)
	e.writeJSON("field_mapping.json", e.mapping)
	e.start()
	run, code := e.runNow("--dry-run")
	if c := counts(run); code != 0 || c["stock_adjusted"] != 0 || len(e.odoo.Quants()) != 0 {
		// a dry run of a first sync: the products do not exist yet, so no stock is planned or written
		t.Fatalf("dry run: exit %d counts %v quants %v", code, c, e.odoo.Quants())
	}
	run, code = e.runNow()
	if c := counts(run); code != 0 || c["stock_adjusted"] != 2 || c["stock_unchanged"] != 1 {
		t.Fatalf("first sync: exit %d counts %v", code, c)
	}
	moves := e.odoo.StockMoves()
	run, code = e.runNow("--full")
	if c := counts(run); code != 0 || c["stock_adjusted"] != 0 || c["stock_unchanged"] != 3 || e.odoo.StockMoves() != moves {
		t.Fatalf("no-op full sync: exit %d counts %v, moves %d → %d", code, c, moves, e.odoo.StockMoves())
	}
	for _, it := range e.zoho.Items() {
		if it.SKU == "ST-B" {
			e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.StockOnHand = 4 })
		}
	}
	out, _, code := e.cli("run-now", "--stock-only", "--dry-run")
	if code != 0 || !strings.Contains(out, "stock on hand (WH)") || !strings.Contains(out, "4") {
		t.Fatalf("stock-only dry run (exit %d):\n%s", code, out)
	}
	run, code = e.runNow("--stock-only")
	if c := counts(run); code != 0 || c["stock_adjusted"] != 1 || c["created"]+c["updated"] != 0 {
		t.Fatalf("stock-only run: exit %d counts %v", code, c)
	}
}

func TestE2EStockWithoutTheStockApp(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true})
	stockItems(e.zoho)
	stockOn(e.mapping)
	e.writeJSON("field_mapping.json", e.mapping)
	e.start()
	run, code := e.runNow()
	ws, _ := run["warnings"].([]any)
	n := 0
	for _, w := range ws {
		if strings.Contains(w.(map[string]any)["message"].(string), "stock on hand is not synced") {
			n++
		}
	}
	if code != 0 || n != 1 || counts(run)["created"] != 4 {
		t.Fatalf("exit %d, %d stock warnings in %v, counts %v", code, n, ws, counts(run))
	}
}

// TestRealOdooStock: quantities into a real Odoo with the stock app
// (ZOHOSYNC_REAL_ODOO_TEMPLATE=odoo17stock or odoo18stock), applied as
// inventory adjustments, unchanged on a resync; a stock-only run.
func TestRealOdooStock(t *testing.T) {
	ro := newRealOdoo(t, "")
	if _, err := ro.client.Warehouses(context.Background()); err != nil {
		t.Skipf("template %s: %v (this test needs the stock app)", ro.templateName, err)
	}
	e := ro.env(t, envOptions{imagesOff: true})
	stockItems(e.zoho)
	stockOn(e.mapping)
	e.writeJSON("field_mapping.json", e.mapping)
	e.start()
	run, code := e.runNow()
	if c := counts(run); code != 0 || c["stock_adjusted"] != 2 || c["stock_unchanged"] != 1 {
		t.Fatalf("first sync: exit %d counts %v warnings %v error %v", code, c, run["warnings"], run["error"])
	}
	got := readQuants(t, ro.client)
	want := map[float64]bool{5: true, 12.5: true}
	for _, q := range got {
		delete(want, q)
	}
	if len(got) != 2 || len(want) != 0 {
		t.Errorf("quantities %v, want 5 and 12.5 for two products", got)
	}
	run, code = e.runNow("--full")
	if c := counts(run); code != 0 || c["stock_adjusted"] != 0 || c["stock_unchanged"] != 3 {
		t.Fatalf("no-op full sync: exit %d counts %v", code, c)
	}
	for _, it := range e.zoho.Items() {
		if it.SKU == "ST-A" {
			e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.StockOnHand = 1 })
		}
	}
	run, code = e.runNow("--stock-only")
	if c := counts(run); code != 0 || c["stock_adjusted"] != 1 {
		t.Fatalf("stock-only run: exit %d counts %v", code, c)
	}
}

// TestRealOdooStockWithoutTheStockApp: on a real Odoo without stock
// (ZOHOSYNC_REAL_ODOO_TEMPLATE=odoo17), one warning and a good run.
func TestRealOdooStockWithoutTheStockApp(t *testing.T) {
	ro := newRealOdoo(t, "")
	if _, err := ro.client.Warehouses(context.Background()); err == nil {
		t.Skipf("template %s has the stock app", ro.templateName)
	}
	e := ro.env(t, envOptions{imagesOff: true})
	stockItems(e.zoho)
	stockOn(e.mapping)
	e.writeJSON("field_mapping.json", e.mapping)
	e.start()
	run, code := e.runNow()
	if code != 0 || counts(run)["created"] != 4 || !strings.Contains(strings.Join(warningTexts(run), "\n"), "stock on hand is not synced") {
		t.Fatalf("exit %d counts %v warnings %v", code, counts(run), run["warnings"])
	}
}

func warningTexts(run map[string]any) []string {
	ws, _ := run["warnings"].([]any)
	var out []string
	for _, w := range ws {
		out = append(out, w.(map[string]any)["message"].(string))
	}
	return out
}
