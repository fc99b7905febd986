package zoho

import (
	"encoding/json"
	"fmt"
	"strings"
)

// LocationStock is an item's stock on hand in one Zoho location (or, in
// older organisations, warehouse) (docs/zoho.md#stock-on-hand).
type LocationStock struct {
	ID     string
	Name   string
	OnHand float64
	Known  bool // Zoho gave a quantity ("" means none recorded there)
	Active bool
}

// StockOnHand is the item's total stock on hand; ok is false when Zoho sent
// none ("" or absent: a service, or an item not tracked in inventory).
func (it Item) StockOnHand() (qty float64, ok bool, err error) {
	return it.Number("stock_on_hand")
}

// TracksInventory reports whether Zoho tracks the item's stock: track_inventory
// when sent (item details), otherwise an inventory item that is goods.
func (it Item) TracksInventory() bool {
	if v, ok := it.Bool("track_inventory"); ok {
		return v
	}
	if strings.EqualFold(it.Str("product_type"), "service") {
		return false
	}
	t := it.Str("item_type")
	return t == "" || strings.EqualFold(t, "inventory")
}

// Locations reads the item's stock per location: "locations" in current
// organisations, "warehouses" in older ones, both only in item details. ok is
// false when the item carries neither list (a list entry).
func (it Item) Locations() (locs []LocationStock, ok bool, err error) {
	for _, key := range []struct{ list, prefix string }{{"locations", "location_"}, {"warehouses", "warehouse_"}} {
		raw, present := it.Fields[key.list]
		if !present || string(raw) == "null" {
			continue
		}
		var entries []map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, false, fmt.Errorf("%s is not a list of locations: %v", key.list, err)
		}
		for i, e := range entries {
			row := Item{Fields: e}
			l := LocationStock{ID: row.Str(key.prefix + "id"), Name: strings.TrimSpace(row.Str(key.prefix + "name"))}
			l.Active = !strings.EqualFold(row.Str("status"), "inactive")
			l.OnHand, l.Known, err = row.Number(key.prefix + "stock_on_hand")
			if err != nil {
				return nil, false, fmt.Errorf("%s[%d] (%s): %w", key.list, i, l.Name, err)
			}
			if l.ID == "" && l.Name == "" {
				continue // an empty placeholder entry
			}
			locs = append(locs, l)
		}
		return locs, true, nil
	}
	return nil, false, nil
}
