package engine

import (
	"context"

	"github.com/zohosync/zohosync/server/internal/odoo"
)

// The in-memory Odoo's taxes: none unless a test sets them (its schema has no
// tax fields unless a test adds them, as an Odoo without the account app).

func (o *fakeOdoo) Taxes(context.Context) (int64, []odoo.Tax, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	return o.taxCompany, o.taxes, o.taxErr
}
