package zohotest

// ItemLocation is an item's stock in one Zoho location (docs/zoho.md#stock-on-hand).
type ItemLocation struct {
	ID, Name string
	OnHand   string // as Zoho sends it: a decimal string, "" when none recorded
	Inactive bool
}

type warehouseJSON struct {
	WarehouseID                   string `json:"warehouse_id"`
	WarehouseName                 string `json:"warehouse_name"`
	Status                        string `json:"status"`
	IsPrimary                     bool   `json:"is_primary"`
	WarehouseStockOnHand          string `json:"warehouse_stock_on_hand"`
	WarehouseAvailableStock       string `json:"warehouse_available_stock"`
	WarehouseActualAvailableStock string `json:"warehouse_actual_available_stock"`
}

// stockLocations renders an item's own locations: "locations" in current
// organisations, "warehouses" in older ones (Item.OldWarehouses).
func stockLocations(it *Item, d *detailJSON) {
	if len(it.Locations) == 0 {
		return
	}
	d.Locations = []locationJSON{}
	for i, l := range it.Locations {
		status := "active"
		if l.Inactive {
			status = "inactive"
		}
		if it.OldWarehouses {
			d.Warehouses = append(d.Warehouses, warehouseJSON{WarehouseID: l.ID, WarehouseName: l.Name, Status: status, IsPrimary: i == 0,
				WarehouseStockOnHand: l.OnHand, WarehouseAvailableStock: l.OnHand, WarehouseActualAvailableStock: l.OnHand})
			continue
		}
		d.Locations = append(d.Locations, locationJSON{LocationID: l.ID, LocationName: l.Name, Status: status, IsPrimary: i == 0,
			LocationStockOnHand: l.OnHand, LocationAvailableStock: l.OnHand, LocationActualAvailableStock: l.OnHand})
	}
	if it.OldWarehouses {
		d.Locations = nil // rendered null; such organisations send no locations
	}
}
