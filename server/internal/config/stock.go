package config

import (
	"maps"
	"slices"
	"strings"
)

// StockOptions control the stock-on-hand sync ("products.options.stock";
// off by default): Zoho's quantities per warehouse/location become inventory
// adjustments in the mapped Odoo warehouse.
type StockOptions struct {
	Enabled bool
	// Warehouses maps a Zoho warehouse or location name to an Odoo warehouse
	// (its short code or its name), compared case-insensitively.
	Warehouses map[string]string
	// DefaultWarehouse takes the locations the map does not name, and an
	// item's whole stock_on_hand when Zoho gives no locations; "" is Odoo's
	// first warehouse.
	DefaultWarehouse string
}

// ByLocation reports whether any Zoho location is named in the map: only
// then are per-location quantities needed (Zoho's item details).
func (o StockOptions) ByLocation() bool { return len(o.Warehouses) > 0 }

type stockFile struct {
	Enabled          *bool             `json:"enabled"`
	Warehouses       map[string]string `json:"warehouses"`
	DefaultWarehouse *string           `json:"default_warehouse"`
}

func applyStock(path string, o *StockOptions, f *stockFile) error {
	if f == nil {
		return nil
	}
	setBool(&o.Enabled, f.Enabled)
	if f.DefaultWarehouse != nil {
		o.DefaultWarehouse = strings.TrimSpace(*f.DefaultWarehouse)
	}
	if len(f.Warehouses) == 0 {
		o.Warehouses = nil
		return nil
	}
	o.Warehouses = make(map[string]string, len(f.Warehouses))
	seen := map[string]string{}
	for _, zl := range slices.Sorted(maps.Keys(f.Warehouses)) {
		wh := strings.TrimSpace(f.Warehouses[zl])
		name := strings.TrimSpace(zl)
		if name == "" {
			return errorf(path, "options.stock.warehouses has an empty Zoho location name")
		}
		if wh == "" {
			return errorf(path, "options.stock.warehouses.%s names no Odoo warehouse (its code or name)", name)
		}
		key := strings.ToLower(name)
		if prev, ok := seen[key]; ok {
			return errorf(path, "options.stock.warehouses names Zoho location %q twice (%q and %q)", name, prev, zl)
		}
		seen[key] = zl
		o.Warehouses[name] = wh
	}
	return nil
}
