package engine

import (
	"context"

	"github.com/zohosync/zohosync/server/internal/odoo"
)

// The in-memory Odoo has no stock app, as an Odoo without Inventory answers.

func (o *fakeOdoo) Warehouses(context.Context) ([]odoo.Warehouse, error) {
	o.call()
	return nil, odoo.ErrNoStockApp
}

func (o *fakeOdoo) ReadStock(context.Context, []int64, []odoo.Warehouse) (map[int64]odoo.StockProduct, map[odoo.StockKey]odoo.StockLevel, error) {
	return nil, nil, odoo.ErrNoStockApp
}

func (o *fakeOdoo) ApplyStock(context.Context, []odoo.StockSet, int) ([]odoo.Result, error) {
	return nil, odoo.ErrNoStockApp
}
