package odootest

import (
	"fmt"
	"slices"
	"strings"
)

// The stock app (Options.Stock): warehouses, their locations and quants,
// with the inventory mode a count uses (docs/odoo.md#stock-on-hand). Kept
// apart from the generic tables: only the calls zohosync makes are emulated.

type stockWarehouse struct {
	id         int
	name, code string
	lotStock   int
}

type stockLocation struct {
	id, parent, warehouse int
	name                  string // complete name, e.g. "WH/Stock"
}

type stockQuant struct {
	id, product, location  int
	lot, pkg, owner        int
	quantity, inventoryQty float64
	inventorySet           bool
}

type stockDB struct {
	warehouses []*stockWarehouse
	locations  map[int]*stockLocation
	quants     map[int]*stockQuant
	seq        int
	moves      int // inventory adjustments applied (one stock.move each)
}

// addStockModels declares the stock models (so that they exist, as with the
// app installed) and the tracking field it adds to products.
func addStockModels(s *schema, pt, pp *modelDef) {
	for _, m := range []*modelDef{pt, pp} {
		// required in Odoo with the default "none"; unset here, it reads as False
		f := fd("tracking", "selection", "Tracking", "S").sel("serial", "By Unique Serial Number", "lot", "By Lots", "none", "By Quantity")
		f.inherited = m == pp
		f.buildDesc()
		m.add(f)
	}
	wh := &modelDef{name: "stock.warehouse", description: "Warehouse", order: "sequence,id", recName: "name", hasActive: true}
	wh.add(fd("name", "char", "Warehouse", "R", "S"))
	wh.add(fd("code", "char", "Short Name", "R", "S"))
	wh.add(fd("lot_stock_id", "many2one", "Location Stock", "R", "S", "rel=stock.location"))
	logAccessFields(wh)
	s.models[wh.name] = finish(wh)
	loc := &modelDef{name: "stock.location", description: "Inventory Locations", order: "complete_name, id", recName: "complete_name", hasActive: true}
	loc.add(fd("name", "char", "Location Name", "R", "S"))
	loc.add(fd("complete_name", "char", "Full Location Name", "S"))
	loc.add(fd("location_id", "many2one", "Parent Location", "S", "rel=stock.location"))
	loc.add(fd("warehouse_id", "many2one", "Warehouse", "ro", "rel=stock.warehouse"))
	logAccessFields(loc)
	s.models[loc.name] = finish(loc)
	q := &modelDef{name: "stock.quant", description: "Quants", order: "id", recName: "display_name"}
	for _, f := range []*fieldDef{
		fd("product_id", "many2one", "Product", "R", "S", "rel=product.product"),
		fd("location_id", "many2one", "Location", "R", "S", "rel=stock.location"),
		fd("warehouse_id", "many2one", "Warehouse", "ro", "rel=stock.warehouse"),
		fd("lot_id", "many2one", "Lot/Serial Number", "S", "rel=stock.lot"),
		fd("package_id", "many2one", "Package", "S", "rel=stock.quant.package"),
		fd("owner_id", "many2one", "Owner", "S", "rel=res.partner"),
		fd("quantity", "float", "Quantity", "ro", "S"),
		fd("inventory_quantity", "float", "Counted Quantity", "S"),
		fd("inventory_quantity_set", "boolean", "Inventory Quantity Set", "S"),
	} {
		q.add(f)
	}
	logAccessFields(q)
	s.models[q.name] = finish(q)
}

// newStockDB holds the warehouse a fresh database has: "WH", stock at "WH/Stock".
func newStockDB() *stockDB {
	st := &stockDB{locations: map[int]*stockLocation{}, quants: map[int]*stockQuant{}, seq: 7}
	st.addWarehouse("YourCompany", "WH")
	return st
}

func (st *stockDB) next() int { st.seq++; return st.seq }

func (st *stockDB) addWarehouse(name, code string) (int, int) {
	w := &stockWarehouse{id: len(st.warehouses) + 1, name: name, code: code}
	view := &stockLocation{id: st.next(), warehouse: w.id, name: code}
	stock := &stockLocation{id: st.next(), parent: view.id, warehouse: w.id, name: code + "/Stock"}
	st.locations[view.id], st.locations[stock.id] = view, stock
	w.lotStock = stock.id
	st.warehouses = append(st.warehouses, w)
	return w.id, stock.id
}

// under reports whether location id is loc or one of its descendants.
func (st *stockDB) under(id, loc int) bool {
	for l := st.locations[id]; l != nil; l = st.locations[l.parent] {
		if l.id == loc {
			return true
		}
	}
	return false
}

// AddWarehouse adds a warehouse; it returns its id and its stock location's.
func (s *Server) AddWarehouse(name, code string) (warehouseID, stockLocationID int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stock.addWarehouse(name, code)
}

// AddLocation adds a location under parent (e.g. a shelf in WH/Stock).
func (s *Server) AddLocation(parent int, name string) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	p := s.stock.locations[parent]
	l := &stockLocation{id: s.stock.next(), parent: parent, warehouse: p.warehouse, name: p.name + "/" + name}
	s.stock.locations[l.id] = l
	return l.id
}

// Quant is a snapshot of one stock.quant.
type Quant struct {
	ID, ProductID, LocationID, LotID int
	Quantity, InventoryQuantity      float64
}

// Quants returns every quant, by id.
func (s *Server) Quants() []Quant {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []Quant
	for _, id := range slices.Sorted(mapKeys(s.stock.quants)) {
		q := s.stock.quants[id]
		out = append(out, Quant{ID: q.id, ProductID: q.product, LocationID: q.location, LotID: q.lot, Quantity: q.quantity, InventoryQuantity: q.inventoryQty})
	}
	return out
}

// SetQuant puts a quantity on hand directly, as receipts would.
func (s *Server) SetQuant(productID, locationID, lotID int, qty float64) {
	s.mu.Lock()
	defer s.mu.Unlock()
	q := s.stock.gather(productID, locationID, lotID)
	if q == nil {
		q = &stockQuant{id: s.stock.next(), product: productID, location: locationID, lot: lotID}
		s.stock.quants[q.id] = q
	}
	q.quantity = qty
}

// StockMoves counts the inventory adjustments applied so far.
func (s *Server) StockMoves() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.stock.moves
}

// VariantOf returns the product.product id of a single-variant template.
func (s *Server) VariantOf(templateID int) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, id := range s.db.ids("product.product") {
		if idOf(s.db.row("product.product", id)["product_tmpl_id"]) == templateID {
			return id
		}
	}
	return 0
}

func mapKeys[K comparable, V any](m map[K]V) func(func(K) bool) {
	return func(yield func(K) bool) {
		for k := range m {
			if !yield(k) {
				return
			}
		}
	}
}

func (st *stockDB) gather(product, location, lot int) *stockQuant {
	for _, id := range slices.Sorted(mapKeys(st.quants)) {
		q := st.quants[id]
		if q.product == product && q.location == location && q.lot == lot && q.pkg == 0 && q.owner == 0 {
			return q
		}
	}
	return nil
}

// callStock answers the stock models' methods zohosync calls.
func (e *env) callStock(model, method string, ids []int, args []any, kw *pyDict) (any, *odooError) {
	st := e.s.stock
	switch {
	case method == "search_read":
		var domain []any
		if len(args) > 0 {
			domain, _ = args[0].([]any)
		} else if d, ok := kw.Get("domain"); ok {
			domain, _ = d.([]any)
		}
		fields, _ := toStrings(kw.Val("fields"))
		if err := e.checkFieldsExist(model, fields); err != nil {
			return nil, err
		}
		if model == "stock.warehouse" {
			out := []any{}
			for _, w := range st.warehouses {
				out = append(out, pick(fields, pd("id", w.id, "name", w.name, "code", w.code,
					"lot_stock_id", []any{w.lotStock, st.locations[w.lotStock].name}, "display_name", w.name)))
			}
			return out, nil
		}
		if model == "stock.location" {
			if len(domain) > 0 {
				return nil, userError("odootest does not emulate stock.location domains")
			}
			out := []any{}
			for _, id := range slices.Sorted(mapKeys(st.locations)) {
				l := st.locations[id]
				parent := any(false)
				if p := st.locations[l.parent]; p != nil {
					parent = []any{p.id, p.name}
				}
				wh := any(false)
				if l.warehouse > 0 {
					wh = []any{l.warehouse, st.warehouses[l.warehouse-1].name}
				}
				out = append(out, pick(fields, pd("id", l.id, "name", l.name[strings.LastIndex(l.name, "/")+1:], "complete_name", l.name,
					"location_id", parent, "warehouse_id", wh, "display_name", l.name)))
			}
			return out, nil
		}
		return e.searchQuants(domain, fields)
	case method == "create" && model == "stock.quant":
		return e.createQuants(args, kw)
	case method == "action_apply_inventory" && model == "stock.quant":
		for _, id := range ids {
			if st.quants[id] == nil {
				return nil, missingError(model, []int{id}, e.uid)
			}
		}
		var trackedWithoutLot []any
		for _, id := range ids {
			q := st.quants[id]
			tmpl := e.s.db.row("product.template", idOf(e.s.db.row("product.product", q.product)["product_tmpl_id"]))
			if t := str(tmpl["tracking"]); (t == "lot" || t == "serial") && q.lot == 0 && q.inventoryQty != q.quantity && q.quantity == 0 {
				trackedWithoutLot = append(trackedWithoutLot, q.product)
			}
		}
		if len(trackedWithoutLot) > 0 {
			// Odoo asks a person to confirm instead of applying (stock.track.confirmation).
			return pd("name", "Tracked Products in Inventory Adjustment", "type", "ir.actions.act_window", "view_mode", "form",
				"res_model", "stock.track.confirmation", "target", "new",
				"context", pd("inventory_mode", true, "default_quant_ids", intsToAny(ids), "default_product_ids", trackedWithoutLot)), nil
		}
		for _, id := range ids {
			q := st.quants[id]
			if !q.inventorySet {
				continue
			}
			if q.inventoryQty != q.quantity {
				st.moves++
			}
			q.quantity, q.inventoryQty, q.inventorySet = q.inventoryQty, 0, false
		}
		return nil, nil // None: the answer cannot be marshalled, the work is done
	}
	return nil, userError(fmt.Sprintf("odootest does not emulate %s.%s", model, method))
}

func pick(fields []string, d *pyDict) *pyDict {
	if len(fields) == 0 {
		return d
	}
	out := pd("id", d.Val("id"))
	for _, f := range fields {
		if v, ok := d.Get(f); ok {
			out.Set(f, v)
		}
	}
	return out
}

func m2o(id int, name string) any {
	if id == 0 {
		return false
	}
	return []any{id, name}
}

func (e *env) searchQuants(domain []any, fields []string) (any, *odooError) {
	st := e.s.stock
	var products, locations []int
	var byProduct, byLocation bool
	for _, leaf := range domain {
		l, ok := leaf.([]any)
		if !ok || len(l) != 3 {
			continue
		}
		f, _ := l[0].(string)
		op, _ := l[1].(string)
		vals, _ := toIDs(l[2])
		switch {
		case f == "product_id" && op == "in":
			products, byProduct = vals, true
		case f == "location_id" && (op == "child_of" || op == "in"):
			locations, byLocation = vals, true
		default:
			return nil, userError(fmt.Sprintf("odootest does not emulate the stock.quant domain leaf %v", l))
		}
	}
	out := []any{}
	for _, id := range slices.Sorted(mapKeys(st.quants)) {
		q := st.quants[id]
		if byProduct && !slices.Contains(products, q.product) {
			continue
		}
		if byLocation && !slices.ContainsFunc(locations, func(l int) bool { return st.under(q.location, l) }) {
			continue
		}
		loc := st.locations[q.location]
		wh := 0
		whName := ""
		if loc != nil && loc.warehouse > 0 {
			wh, whName = loc.warehouse, st.warehouses[loc.warehouse-1].name
		}
		pname := str(e.s.db.row("product.product", q.product)["name"])
		if pname == "" {
			pname = str(e.s.db.row("product.template", idOf(e.s.db.row("product.product", q.product)["product_tmpl_id"]))["name"])
		}
		out = append(out, pick(fields, pd("id", q.id, "product_id", m2o(q.product, pname), "location_id", m2o(q.location, loc.name),
			"warehouse_id", m2o(wh, whName), "lot_id", m2o(q.lot, "LOT"), "package_id", false, "owner_id", false,
			"quantity", q.quantity, "inventory_quantity", q.inventoryQty, "inventory_quantity_set", q.inventorySet)))
	}
	return out, nil
}

// createQuants is stock.quant.create: in inventory mode (context
// inventory_mode) it sets the counted quantity on the product's quant at the
// location, creating the quant when there is none; otherwise quants cannot be
// created over RPC.
func (e *env) createQuants(args []any, kw *pyDict) (any, *odooError) {
	st := e.s.stock
	if len(args) == 0 {
		return nil, pyError(tbHead, "IndexError", "tuple index out of range")
	}
	list, single := args[0].([]any)
	if !single {
		list = []any{args[0]}
	}
	if !pyTruthy(e.ctx.Val("inventory_mode")) {
		return nil, userError("Quant's creation is restricted, you can't do this operation.")
	}
	allowed := []string{"product_id", "location_id", "lot_id", "package_id", "owner_id", "inventory_quantity", "inventory_quantity_auto_apply", "inventory_date", "user_id"}
	type count struct {
		product, location, lot int
		qty                    float64
	}
	var counts []count
	for _, x := range list { // all checked before any is set: one call, one transaction
		d, ok := x.(*pyDict)
		if !ok {
			return nil, pyError(tbHead+tbCreateHead, "AttributeError", fmt.Sprintf("'%s' object has no attribute 'get'", pyTypeName(x)))
		}
		for _, k := range d.Keys() {
			if !slices.Contains(allowed, k) {
				return nil, userError("Quant's creation is restricted, you can't do this operation.")
			}
		}
		product, location := idOf(d.Val("product_id")), idOf(d.Val("location_id"))
		if !e.s.db.exists("product.product", product) {
			return nil, missingError("product.product", []int{product}, e.uid)
		}
		if st.locations[location] == nil {
			return nil, missingError("stock.location", []int{location}, e.uid)
		}
		tmpl := e.s.db.row("product.template", idOf(e.s.db.row("product.product", product)["product_tmpl_id"]))
		storable := str(tmpl["detailed_type"]) == "product" || str(tmpl["type"]) == "product" || pyTruthy(tmpl["is_storable"])
		if !storable {
			return nil, userError("Quants cannot be created for consumables or services.")
		}
		lot := idOf(d.Val("lot_id"))
		counts = append(counts, count{product, location, lot, num(d.Val("inventory_quantity"))})
	}
	var ids []any
	for _, c := range counts {
		q := st.gather(c.product, c.location, c.lot)
		if q == nil {
			q = &stockQuant{id: st.next(), product: c.product, location: c.location, lot: c.lot}
			st.quants[q.id] = q
		}
		q.inventoryQty, q.inventorySet = c.qty, true
		ids = append(ids, q.id)
	}
	if !single {
		return ids[0], nil
	}
	return ids, nil
}
