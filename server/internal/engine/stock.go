package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"strings"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// stocker is the stock stage (products.options.stock, off by default): after
// a page is written, Zoho's stock on hand per warehouse/location is compared
// with Odoo's quantities in the mapped warehouses and, where they differ, set
// by inventory adjustments, in batches (docs/odoo.md#stock-on-hand).
type stocker struct {
	odoo      odooStock
	details   func(ctx context.Context, ids []string) ([]zoho.Item, error)
	opts      config.StockOptions
	batchSize int
	smart     bool // a smart run: an item whose total already matches is not read in detail
	dry       bool
	report    *reporter
	log       *slog.Logger

	whs      []odoo.Warehouse
	byName   map[string]odoo.Warehouse // lower-cased Zoho location name → its warehouse
	def      odoo.Warehouse
	hasDef   bool // locations the map does not name go to def
	warned   map[string]bool
	shownFor map[string]bool // dry run: products already shown (a page read twice)
}

// newStocker checks the stock part against this Odoo: without the stock app
// (or rights on it) it is off for the run, with one warning, never a failure.
func newStocker(ctx context.Context, od odooStock, opts config.StockOptions, storable bool, report *reporter, log *slog.Logger) (*stocker, error) {
	off := func(why string) (*stocker, error) {
		report.warn(zv1.WarningCode_WARNING_CODE_STOCK_UNAVAILABLE, "stock on hand is not synced: "+why, "")
		return nil, nil
	}
	if !storable {
		return off("this Odoo has no Inventory (stock) app, so products have no stock")
	}
	whs, err := od.Warehouses(ctx)
	switch {
	case errors.Is(err, odoo.ErrNoStockApp):
		return off("this Odoo has no Inventory (stock) app")
	case errors.Is(err, odoo.ErrForbidden):
		return off("the Odoo user may not read warehouses (it needs Inventory rights)")
	case err != nil:
		return nil, err
	case len(whs) == 0:
		return off("this Odoo has no warehouse")
	}
	st := &stocker{odoo: od, opts: opts, report: report, log: log, whs: whs, byName: map[string]odoo.Warehouse{}, warned: map[string]bool{}, shownFor: map[string]bool{}}
	find := func(ref string) (odoo.Warehouse, bool) {
		for _, w := range whs {
			if strings.EqualFold(w.Code, ref) || strings.EqualFold(w.Name, ref) {
				return w, true
			}
		}
		return odoo.Warehouse{}, false
	}
	for zl, ref := range opts.Warehouses {
		w, ok := find(ref)
		if !ok {
			report.warn(zv1.WarningCode_WARNING_CODE_STOCK_LOCATION_UNMAPPED,
				fmt.Sprintf("options.stock.warehouses maps Zoho location %q to %q, which is no Odoo warehouse (code or name); its stock is not synced", zl, ref), "")
			continue
		}
		st.byName[strings.ToLower(zl)] = w
	}
	switch {
	case opts.DefaultWarehouse != "":
		w, ok := find(opts.DefaultWarehouse)
		if !ok {
			return off(fmt.Sprintf("options.stock.default_warehouse %q is no Odoo warehouse (code or name)", opts.DefaultWarehouse))
		}
		st.def, st.hasDef = w, true
	case !opts.ByLocation():
		st.def, st.hasDef = whs[0], true // each item's total goes to Odoo's first warehouse
	default:
		st.def = whs[0] // no default: unmapped Zoho locations are warned about, not synced
	}
	return st, nil
}

// stockItem is one product whose stock the stage looks at.
type stockItem struct {
	pl   *plan
	item zoho.Item
	sp   odoo.StockProduct
	want map[int64]float64 // warehouse stock location → Zoho's quantity
}

// run handles one page: plans (with their Zoho items by id) whose product exists.
func (st *stocker) run(ctx context.Context, plans []*plan, items map[string]zoho.Item) error {
	var cands []*stockItem
	var tmplIDs []int64
	for _, pl := range plans {
		it, ok := items[pl.p.ZohoID]
		if pl.odooID == 0 || pl.failReason != "" || pl.action == zv1.Action_ACTION_ARCHIVE || !ok || !it.TracksInventory() {
			continue
		}
		cands = append(cands, &stockItem{pl: pl, item: it})
		tmplIDs = append(tmplIDs, pl.odooID)
	}
	if len(cands) == 0 {
		return nil
	}
	products, levels, err := st.odoo.ReadStock(ctx, tmplIDs, st.whs)
	if err != nil {
		return err
	}
	var ready, needDetail []*stockItem
	for _, c := range cands {
		sp, ok := products[c.pl.odooID]
		c.sp = sp
		switch {
		case !ok:
			continue // gone from Odoo: the next run recreates it
		case sp.Variants > 1:
			st.skip(c, fmt.Sprintf("the Odoo product has %d variants; its stock is not synced", sp.Variants))
			continue
		case !sp.Storable:
			if q, known, _ := c.item.StockOnHand(); known && q != 0 {
				st.skip(c, "the Odoo product is not storable, so it has no stock on hand")
			}
			continue
		case sp.Tracking != "" && sp.Tracking != "none":
			st.skip(c, fmt.Sprintf("the Odoo product is tracked by %s, so its stock is not synced (counts need a lot or serial number per quantity)", sp.Tracking))
			continue
		}
		if !st.opts.ByLocation() {
			q, known, err := c.item.StockOnHand()
			if err != nil || !known {
				continue
			}
			c.want = map[int64]float64{st.def.LocationID: q}
			ready = append(ready, c)
			continue
		}
		if _, listed, _ := c.item.Locations(); listed {
			st.wantOf(c) // the list entry already carries them
			ready = append(ready, c)
			continue
		}
		if st.smart && st.totalMatches(c, levels) {
			st.report.counts(func(n *zv1.Counts) { n.StockUnchanged++ })
			continue
		}
		needDetail = append(needDetail, c)
	}
	if err := st.readDetails(ctx, needDetail); err != nil {
		return err
	}
	ready = append(ready, needDetail...)
	var sets []odoo.StockSet
	var setFor []*stockItem
	for _, c := range ready {
		if c.want == nil {
			continue
		}
		var shown []*zv1.FieldChange
		for _, w := range st.whs {
			want, ok := c.want[w.LocationID]
			if !ok {
				continue
			}
			have := levels[odoo.StockKey{ProductID: c.sp.ProductID, LocationID: w.LocationID}]
			if odoo.SameQuantity(want, have.Quantity) {
				st.report.counts(func(n *zv1.Counts) { n.StockUnchanged++ })
				continue
			}
			// The adjustment is made at the stock location itself; quantities in
			// locations under it stay, so the warehouse's total becomes Zoho's.
			sets = append(sets, odoo.StockSet{StockKey: odoo.StockKey{ProductID: c.sp.ProductID, LocationID: w.LocationID}, Quantity: have.Direct + want - have.Quantity})
			setFor = append(setFor, c)
			shown = append(shown, &zv1.FieldChange{Field: "stock on hand (" + w.Code + ")", OldValue: qty(have.Quantity), NewValue: qty(want)})
		}
		if st.dry && len(shown) > 0 && !st.shownFor[c.pl.p.ZohoID] {
			st.shownFor[c.pl.p.ZohoID] = true
			n := int64(len(shown))
			st.report.planned(&zv1.PlannedChange{ZohoItemId: c.pl.p.ZohoID, Name: c.pl.p.Name, Action: zv1.Action_ACTION_UPDATE, OdooId: c.pl.odooID,
				Fields: shown, Note: "stock on hand: inventory adjustment"}, func(cn *zv1.Counts) { cn.StockAdjusted += n })
		}
	}
	if st.dry || len(sets) == 0 {
		return nil
	}
	res, err := st.odoo.ApplyStock(ctx, sets, st.batchSize)
	if err != nil && !errors.Is(err, odoo.ErrForbidden) {
		return err
	}
	var adjusted int64
	for _, r := range res {
		if r.Err != nil {
			st.skip(setFor[r.Index], r.Err.Error())
			continue
		}
		adjusted++
	}
	st.report.counts(func(n *zv1.Counts) { n.StockAdjusted += adjusted })
	if err != nil {
		// No right to adjust stock: the part is off for the rest of the run.
		st.report.warn(zv1.WarningCode_WARNING_CODE_STOCK_UNAVAILABLE, "stock on hand is not synced: the Odoo user may not adjust stock (it needs Inventory / Administrator rights)", "")
		st.whs = nil
	}
	return nil
}

// totalMatches: Zoho's total already equals Odoo's over every warehouse, so a
// smart run spends no Zoho call on the item (docs/zoho.md#stock-on-hand).
func (st *stocker) totalMatches(c *stockItem, levels map[odoo.StockKey]odoo.StockLevel) bool {
	q, known, err := c.item.StockOnHand()
	if err != nil || !known {
		return false
	}
	var have float64
	for _, w := range st.whs {
		have += levels[odoo.StockKey{ProductID: c.sp.ProductID, LocationID: w.LocationID}].Quantity
	}
	return odoo.SameQuantity(q, have)
}

// readDetails reads the items' stock per location from Zoho's item details,
// 100 a call, and sums it per mapped warehouse.
func (st *stocker) readDetails(ctx context.Context, cs []*stockItem) error {
	for start := 0; start < len(cs); start += 100 {
		chunk := cs[start:min(start+100, len(cs))]
		if st.details == nil {
			return nil
		}
		ids := make([]string, len(chunk))
		for i, c := range chunk {
			ids[i] = c.item.ID
		}
		got, err := st.details(ctx, ids)
		if err != nil {
			return err
		}
		byID := make(map[string]zoho.Item, len(got))
		for _, it := range got {
			byID[it.ID] = it
		}
		for _, c := range chunk {
			if it, ok := byID[c.item.ID]; ok {
				c.item = it
			}
		}
	}
	for _, c := range cs {
		st.wantOf(c)
	}
	return nil
}

// wantOf sums an item's per-location stock into its warehouses; an item
// without locations puts its total in the default warehouse.
func (st *stocker) wantOf(c *stockItem) {
	locs, listed, err := c.item.Locations()
	if err != nil {
		st.skip(c, "Zoho's stock per location cannot be read: "+err.Error())
		return
	}
	if !listed {
		if q, known, _ := c.item.StockOnHand(); known && st.hasDef {
			c.want = map[int64]float64{st.def.LocationID: q}
		}
		return
	}
	for _, l := range locs {
		if !l.Known {
			continue
		}
		w, ok := st.byName[strings.ToLower(l.Name)]
		if !ok && st.hasDef {
			w, ok = st.def, true
		}
		if !ok {
			if !st.warned[strings.ToLower(l.Name)] {
				st.warned[strings.ToLower(l.Name)] = true
				st.report.warn(zv1.WarningCode_WARNING_CODE_STOCK_LOCATION_UNMAPPED,
					fmt.Sprintf("Zoho location %q has no Odoo warehouse in options.stock.warehouses and there is no default_warehouse; its stock is not synced", l.Name), "")
			}
			continue
		}
		if c.want == nil {
			c.want = map[int64]float64{}
		}
		c.want[w.LocationID] += l.OnHand
	}
}

func (st *stocker) skip(c *stockItem, why string) {
	st.report.counts(func(n *zv1.Counts) { n.StockSkipped++ })
	st.report.warn(zv1.WarningCode_WARNING_CODE_STOCK_SKIPPED, c.pl.p.Name+": "+why, c.pl.p.ZohoID)
}

func qty(q float64) string { return strconv.FormatFloat(q, 'f', -1, 64) }

// connectStock builds the stock stage when products.options.stock is on.
func (s *syncRun) connectStock(ctx context.Context, d odoo.Dialect) error {
	opts := s.cfg.Mapping.Options
	if !opts.Stock.Enabled {
		if s.kind == zv1.RunKind_RUN_KIND_STOCK {
			return &configError{errors.New("a stock-only run needs stock sync on: products.options.stock.enabled in field_mapping.json")}
		}
		return nil
	}
	st, err := newStocker(ctx, s.odoo, opts.Stock, d.StorableByType || d.StorableByFlag, s.report, s.log)
	if err != nil || st == nil {
		return err
	}
	st.batchSize, st.dry = opts.BatchSize, s.dry
	st.smart = s.kind == zv1.RunKind_RUN_KIND_SMART
	st.details = func(ctx context.Context, ids []string) ([]zoho.Item, error) {
		return s.zoho.ItemDetails(ctx, s.read.src, ids)
	}
	s.stock = st
	return nil
}

// stockOnly is a stock-only run's page: the products the lookup found get
// their stock; nothing else is written or recorded.
func (s *syncRun) stockOnly(ctx context.Context, plans []*plan, items []zoho.Item, unmapped int) error {
	if err := s.stock.run(ctx, plans, itemsByID(items)); err != nil {
		return err
	}
	s.report.done(plans, int64(unmapped))
	return nil
}

func itemsByID(items []zoho.Item) map[string]zoho.Item {
	m := make(map[string]zoho.Item, len(items))
	for _, it := range items {
		m[it.ID] = it
	}
	return m
}
