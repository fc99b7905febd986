package odoo_test

import (
	"context"
	"errors"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
)

func stockClient(t *testing.T, version string, stock bool) (*odootest.Server, *odoo.Client) {
	t.Helper()
	srv := odootest.NewServer(odootest.Options{Version: version, Stock: stock})
	t.Cleanup(srv.Close)
	c := odoo.New(odoo.Config{URL: srv.URL, DB: "odoo", Username: "admin", Password: "admin"})
	if _, err := c.Connect(context.Background(), nil); err != nil {
		t.Fatal(err)
	}
	return srv, c
}

func TestStockWithoutTheStockApp(t *testing.T) {
	for _, v := range []string{"17.0", "18.0"} {
		_, c := stockClient(t, v, false)
		if _, err := c.Warehouses(context.Background()); !errors.Is(err, odoo.ErrNoStockApp) {
			t.Errorf("%s: Warehouses without stock: %v, want ErrNoStockApp", v, err)
		}
	}
}

func TestApplyStock(t *testing.T) {
	for _, v := range []string{"17.0", "18.0"} {
		t.Run(v, func(t *testing.T) {
			ctx := context.Background()
			srv, c := stockClient(t, v, true)
			storable := map[string]any{"type": "product"}
			if v == "18.0" {
				storable = map[string]any{"type": "consu", "is_storable": true}
			}
			mk := func(name string, vals map[string]any) int64 {
				all := map[string]any{"name": name}
				for k, x := range vals {
					all[k] = x
				}
				if v != "18.0" && all["type"] == "product" {
					all["detailed_type"] = "product"
				}
				return int64(srv.CreateProduct(all))
			}
			bolt, nut, tea, milk := mk("Bolt", storable), mk("Nut", storable), mk("Tea", map[string]any{"type": "consu"}), mk("Milk", storable)
			srv.UpdateProduct(int(milk), map[string]any{"tracking": "lot"})
			whs, err := c.Warehouses(ctx)
			if err != nil || len(whs) != 1 || whs[0].Code != "WH" || whs[0].Location != "WH/Stock" {
				t.Fatalf("warehouses %+v %v", whs, err)
			}
			wh := whs[0]
			shelf := srv.AddLocation(int(wh.LocationID), "Shelf 1")
			srv.SetQuant(srv.VariantOf(int(nut)), shelf, 0, 2) // 2 on a shelf under WH/Stock
			products, levels, err := c.ReadStock(ctx, []int64{bolt, nut, tea, milk}, whs)
			if err != nil {
				t.Fatal(err)
			}
			for id, want := range map[int64]odoo.StockProduct{bolt: {Storable: true, Tracking: "none"}, tea: {Tracking: "none"}, milk: {Storable: true, Tracking: "lot"}} {
				got := products[id]
				if got.Storable != want.Storable || got.Tracking != want.Tracking || got.Variants != 1 || got.ProductID == 0 {
					t.Errorf("product %d: %+v, want storable %v tracking %s", id, got, want.Storable, want.Tracking)
				}
			}
			nutKey := odoo.StockKey{ProductID: products[nut].ProductID, LocationID: wh.LocationID}
			if l := levels[nutKey]; l.Quantity != 2 || l.Direct != 0 {
				t.Errorf("Nut level %+v, want 2 in the warehouse, 0 at WH/Stock itself", l)
			}
			sets := []odoo.StockSet{
				{StockKey: odoo.StockKey{ProductID: products[bolt].ProductID, LocationID: wh.LocationID}, Quantity: 7},
				{StockKey: odoo.StockKey{ProductID: products[tea].ProductID, LocationID: wh.LocationID}, Quantity: 1},
				{StockKey: nutKey, Quantity: 3},
				{StockKey: odoo.StockKey{ProductID: products[milk].ProductID, LocationID: wh.LocationID}, Quantity: 4},
			}
			res, err := c.ApplyStock(ctx, sets, 100)
			if err != nil {
				t.Fatal(err)
			}
			refused := map[int]string{}
			for _, r := range res {
				if r.Err != nil {
					refused[r.Index] = r.Err.Error()
				}
			}
			if len(res) != 4 || len(refused) != 2 || !strings.Contains(refused[1], "consumables or services") || !strings.Contains(refused[3], "stock.track.confirmation") {
				t.Errorf("results %+v, refused %v; want Tea (consumable) and Milk (lot-tracked) refused alone", res, refused)
			}
			_, levels, err = c.ReadStock(ctx, []int64{bolt, nut}, whs)
			if err != nil {
				t.Fatal(err)
			}
			if l := levels[sets[0].StockKey]; l.Quantity != 7 {
				t.Errorf("Bolt after the adjustment: %+v, want 7", l)
			}
			if l := levels[nutKey]; l.Quantity != 5 || l.Direct != 3 {
				t.Errorf("Nut after the adjustment: %+v, want 3 at WH/Stock and 5 in all", l)
			}
		})
	}
}

// TestApplyStockWithoutManagerRights: Odoo's _apply_inventory refuses users
// outside Inventory / Administrator (fault 2, stock_quant.py); that is no
// product's fault, so the whole call fails as ErrForbidden after one try.
func TestApplyStockWithoutManagerRights(t *testing.T) {
	ctx := context.Background()
	srv, c := stockClient(t, "17.0", true)
	p := int64(srv.CreateProduct(map[string]any{"name": "Bolt", "type": "product", "detailed_type": "product"}))
	whs, err := c.Warehouses(ctx)
	if err != nil {
		t.Fatal(err)
	}
	products, _, err := c.ReadStock(ctx, []int64{p}, whs)
	if err != nil {
		t.Fatal(err)
	}
	srv.Inject(odootest.Fault{Model: "stock.quant", Method: "action_apply_inventory", Code: 2, Message: "Only a stock manager can validate an inventory adjustment.", Times: -1})
	sets := []odoo.StockSet{{StockKey: odoo.StockKey{ProductID: products[p].ProductID, LocationID: whs[0].LocationID}, Quantity: 3}}
	sets = append(sets, sets[0])
	before := srv.Calls()
	_, err = c.ApplyStock(ctx, sets, 100)
	if !errors.Is(err, odoo.ErrForbidden) {
		t.Fatalf("ApplyStock: %v, want ErrForbidden", err)
	}
	if n := srv.Calls()["stock.quant.action_apply_inventory"] - before["stock.quant.action_apply_inventory"]; n != 1 {
		t.Errorf("%d apply calls, want 1 (no splitting for a rights problem)", n)
	}
}
