package engine

import (
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// mapStage turns Zoho items into products (mapping.Mapper) and pairs each
// with its stored state.
type mapStage struct {
	mapper interface {
		Map(zoho.Item) (mapping.Product, []mapping.Warning, error)
	}
}

// mapFailure is an item that cannot become a product.
type mapFailure struct {
	st       store.ItemState
	name     string
	err      error
	inputSum string
}

// itemWarnings are an item's mapping notices.
type itemWarnings struct {
	zohoID string
	ws     []mapping.Warning
}

// run maps the items; sums are their mapping.InputSum, kept on the plans.
func (m mapStage) run(items []zoho.Item, states map[string]store.ItemState, sums map[string]string) (plans []*plan, failed []mapFailure, warns []itemWarnings) {
	for _, it := range items {
		st, tracked := states[it.ID]
		st.ZohoID = it.ID
		p, ws, err := m.mapper.Map(it)
		if len(ws) > 0 {
			warns = append(warns, itemWarnings{it.ID, ws})
		}
		if err != nil {
			failed = append(failed, mapFailure{st: st, name: it.Name(), err: err, inputSum: sums[it.ID]})
			continue
		}
		plans = append(plans, &plan{p: p, st: st, tracked: tracked && st.OdooID != 0, odooID: st.OdooID, inputSum: sums[it.ID]})
	}
	return plans, failed, warns
}
