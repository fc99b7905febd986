package odoo

import (
	"context"
	"errors"
	"fmt"
	"math"
	"slices"
	"strings"
)

// ErrNoStockApp means this Odoo has no Inventory (stock) app: there are no
// warehouses or quants to write (docs/odoo.md#stock-on-hand).
var ErrNoStockApp = errors.New("the Odoo Inventory (stock) app is not installed")

// Warehouse is one Odoo warehouse and the stock location quantities go to
// (its lot_stock_id, e.g. "WH/Stock").
type Warehouse struct {
	ID         int64
	Name       string
	Code       string
	LocationID int64
	Location   string
}

// noModel reports a fault saying the model does not exist (its app is not installed).
func noModel(err error, model string) bool {
	var f *Fault
	return errors.As(err, &f) && strings.Contains(f.String, model) &&
		(strings.Contains(f.String, "doesn't exist") || strings.Contains(f.String, "does not exist"))
}

// Warehouses lists the warehouses of the user's companies, by id.
func (c *Client) Warehouses(ctx context.Context) ([]Warehouse, error) {
	var rows []map[string]any
	err := c.Execute(ctx, "stock.warehouse", "search_read", []any{[]any{}},
		map[string]any{"fields": []any{"id", "name", "code", "lot_stock_id"}, "order": "id"}, &rows)
	if noModel(err, "stock.warehouse") {
		return nil, ErrNoStockApp
	}
	if err != nil {
		return nil, err
	}
	out := make([]Warehouse, 0, len(rows))
	for _, r := range rows {
		w := Warehouse{ID: asInt(r["id"]), Name: asString(r["name"]), Code: asString(r["code"])}
		w.LocationID, w.Location = many2one(r["lot_stock_id"])
		out = append(out, w)
	}
	return out, nil
}

// StockProduct is what decides whether a product's stock can be set: only
// storable products have quants, and products tracked by lot or serial
// number need one per lot.
type StockProduct struct {
	TemplateID int64
	ProductID  int64 // its product.product (quants name variants)
	Variants   int   // product.product records of the template
	Storable   bool
	Tracking   string // "none", "lot", "serial"
}

// StockLevel is a product's quantity in one warehouse: everything in its
// stock location and the locations under it (Quantity), and the part at the
// stock location itself, without lot, package or owner (Direct), which is
// the quant an adjustment changes.
type StockLevel struct {
	Quantity float64
	Direct   float64
}

// StockKey names a product in a warehouse's stock location.
type StockKey struct {
	ProductID  int64 // product.product
	LocationID int64 // the warehouse's lot_stock_id
}

// ReadStock reads, for product templates, their variants with type and
// tracking, and their quantities in the stock locations of these warehouses:
// two calls whatever the number of products (docs/odoo.md#stock-on-hand).
func (c *Client) ReadStock(ctx context.Context, templateIDs []int64, whs []Warehouse) (map[int64]StockProduct, map[StockKey]StockLevel, error) {
	products := map[int64]StockProduct{}
	levels := map[StockKey]StockLevel{}
	if len(templateIDs) == 0 || len(whs) == 0 {
		return products, levels, nil
	}
	fields := []any{"id", "product_tmpl_id", "tracking"}
	_, byFlag := c.fields["is_storable"]
	_, byDetailed := c.fields["detailed_type"]
	switch {
	case byFlag:
		fields = append(fields, "is_storable")
	case byDetailed:
		fields = append(fields, "detailed_type")
	default:
		fields = append(fields, "type")
	}
	var rows []map[string]any
	err := c.Execute(ctx, "product.product", "search_read", []any{[]any{[]any{"product_tmpl_id", "in", int64sToAny(templateIDs)}}},
		map[string]any{"fields": fields, "order": "id", "context": map[string]any{"active_test": false}}, &rows)
	if err != nil {
		return nil, nil, err
	}
	var productIDs []any
	for _, r := range rows {
		tmpl := Many2oneID(r["product_tmpl_id"])
		p, seen := products[tmpl]
		p.Variants++
		if !seen {
			p.TemplateID, p.ProductID = tmpl, asInt(r["id"])
			p.Tracking = asString(r["tracking"])
			if p.Tracking == "" {
				p.Tracking = "none"
			}
			switch {
			case byFlag:
				p.Storable, _ = r["is_storable"].(bool)
			case byDetailed:
				p.Storable = asString(r["detailed_type"]) == "product"
			default:
				p.Storable = asString(r["type"]) == "product"
			}
			productIDs = append(productIDs, p.ProductID)
		}
		products[tmpl] = p
	}
	if len(productIDs) == 0 {
		return products, levels, nil
	}
	locs := make([]any, len(whs))
	for i, w := range whs {
		locs[i] = w.LocationID
	}
	var quants []map[string]any
	err = c.Execute(ctx, "stock.quant", "search_read",
		[]any{[]any{[]any{"product_id", "in", productIDs}, []any{"location_id", "child_of", locs}}},
		map[string]any{"fields": []any{"product_id", "location_id", "warehouse_id", "quantity", "lot_id", "package_id", "owner_id"}}, &quants)
	if err != nil {
		return nil, nil, err
	}
	stockLoc := map[int64]int64{} // warehouse id → its stock location
	for _, w := range whs {
		stockLoc[w.ID] = w.LocationID
	}
	for _, q := range quants {
		loc := Many2oneID(q["location_id"])
		wl, ok := stockLoc[Many2oneID(q["warehouse_id"])]
		if !ok {
			if !slices.ContainsFunc(whs, func(w Warehouse) bool { return w.LocationID == loc }) {
				continue
			}
			wl = loc
		}
		k := StockKey{ProductID: Many2oneID(q["product_id"]), LocationID: wl}
		l := levels[k]
		qty := asFloat(q["quantity"])
		l.Quantity += qty
		if loc == wl && Many2oneID(q["lot_id"]) == 0 && Many2oneID(q["package_id"]) == 0 && Many2oneID(q["owner_id"]) == 0 {
			l.Direct += qty
		}
		levels[k] = l
	}
	return products, levels, nil
}

// StockSet is one inventory adjustment: the quantity the product is to have
// at the location (without lot, package or owner) once applied.
type StockSet struct {
	StockKey
	Quantity float64
}

// ApplyStock sets quantities as Odoo's own inventory adjustments: quants are
// given their counted quantity in inventory mode, then applied, which makes
// the stock moves (and valuation) Odoo makes for a count. Two calls per batch;
// a set Odoo refuses is refused alone (docs/odoo.md#stock-on-hand).
func (c *Client) ApplyStock(ctx context.Context, sets []StockSet, batchSize int) ([]Result, error) {
	if batchSize < 1 {
		batchSize = 100
	}
	var out []Result
	for start := 0; start < len(sets); start += batchSize {
		idx := make([]int, 0, batchSize)
		for i := start; i < min(start+batchSize, len(sets)); i++ {
			idx = append(idx, i)
		}
		if err := c.applyStock(ctx, sets, idx, &out); err != nil {
			return out, err
		}
	}
	return out, nil
}

func inventoryContext() map[string]any {
	return map[string]any{"inventory_mode": true, "tracking_disable": true}
}

func (c *Client) applyStock(ctx context.Context, sets []StockSet, batch []int, out *[]Result) error {
	vals := make([]any, len(batch))
	for i, idx := range batch {
		s := sets[idx]
		vals[i] = map[string]any{"product_id": s.ProductID, "location_id": s.LocationID, "inventory_quantity": s.Quantity}
	}
	// create in inventory mode finds the quant of that product and location
	// (or makes one) and sets its counted quantity; it moves nothing yet.
	var ids []any
	err := c.Execute(ctx, "stock.quant", "create", []any{vals}, map[string]any{"context": inventoryContext()}, &ids)
	if err == nil && len(ids) != len(batch) {
		return fmt.Errorf("odoo: stock.quant create returned %d ids for %d quantities", len(ids), len(batch))
	}
	if err == nil {
		var res any
		err = c.Execute(ctx, "stock.quant", "action_apply_inventory", []any{ids}, map[string]any{"context": inventoryContext()}, &res)
		if marshalledNone(err) {
			err = nil // applied; Odoo could not send back the method's None
		}
		if err == nil && res != nil && res != false {
			if m, ok := res.(map[string]any); ok {
				// a wizard instead of the adjustment: Odoo wants a person to decide
				err = &Fault{Code: faultUserError, String: "Odoo asks for confirmation (" + asString(m["res_model"]) + ") instead of applying the count", Model: "stock.quant", Method: "action_apply_inventory"}
			}
		}
	}
	if err == nil {
		for i, idx := range batch {
			*out = append(*out, Result{Index: idx, ID: asInt(ids[i])})
		}
		return nil
	}
	f, ok := rowFault(err)
	if !ok || errors.Is(f, ErrForbidden) {
		return err // no product's fault: the user lacks the Inventory rights
	}
	if strings.Contains(f.String, "Only a stock manager") {
		// _apply_inventory refuses users outside Inventory / Administrator, whatever the product
		return fmt.Errorf("%w: %s", ErrForbidden, f.Message())
	}
	if len(batch) == 1 {
		*out = append(*out, Result{Index: batch[0], Err: refused("Odoo refused the stock adjustment: "+f.Message(), f)})
		return nil
	}
	for _, idx := range batch { // isolate the refused ones
		if err := c.applyStock(ctx, sets, []int{idx}, out); err != nil {
			return err
		}
	}
	return nil
}

// marshalledNone: methods that return None answer over XML-RPC with this
// fault after their work is committed (docs/odoo.md#stock-on-hand).
func marshalledNone(err error) bool {
	var f *Fault
	return errors.As(err, &f) && strings.Contains(f.String, "cannot marshal None")
}

func asFloat(v any) float64 {
	switch n := v.(type) {
	case float64:
		return n
	case int64:
		return float64(n)
	case int:
		return float64(n)
	}
	return 0
}

// SameQuantity compares quantities at Odoo's default precision for units
// (docs/odoo.md#stock-on-hand).
func SameQuantity(a, b float64) bool { return math.Abs(a-b) < 0.005 }
