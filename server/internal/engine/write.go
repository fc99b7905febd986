package engine

import (
	"context"
	"errors"
	"log/slog"
	"maps"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// writer is the write stage: it links matched products, then creates and
// updates products in Odoo, and tells each batch's outcome as it comes.
type writer struct {
	odoo      odooWriter
	batchSize int
	warn      func(code zv1.WarningCode, msg, zohoID string)
	log       *slog.Logger
}

// run writes the plans that need it. Each written plan gets its odooID (and
// linkedBy "created" for a new product); a refused one gets failReason and no
// action. batch receives the plans of each Odoo call once it is answered.
func (w *writer) run(ctx context.Context, plans []*plan, batch func(written, failed []*plan)) error {
	var links []*plan
	var todo []*plan
	var ps []odoo.ProductWrite
	for _, pl := range plans {
		if pl.link {
			links = append(links, pl)
		}
		switch pl.action {
		case zv1.Action_ACTION_CREATE:
			todo = append(todo, pl)
			ps = append(ps, odoo.ProductWrite{ZohoID: pl.p.ZohoID, Values: createValues(pl.p)})
		case zv1.Action_ACTION_UPDATE, zv1.Action_ACTION_ARCHIVE:
			todo = append(todo, pl)
			ps = append(ps, odoo.ProductWrite{ZohoID: pl.p.ZohoID, ID: pl.odooID, Values: pl.p.Values, Fields: changedFields(pl.changes)})
		}
	}
	if len(links) > 0 {
		w.linkExisting(ctx, links)
	}
	if len(ps) == 0 {
		return nil
	}
	return w.odoo.WriteProducts(ctx, ps, w.batchSize, func(rs []odoo.Result) {
		var ok, bad []*plan
		for _, r := range rs {
			pl := todo[r.Index]
			if r.Err != nil {
				pl.failReason = r.Err.Error()
				pl.action = zv1.Action_ACTION_UNSPECIFIED
				bad = append(bad, pl)
				continue
			}
			pl.odooID = r.ID
			if pl.linkedBy == "" {
				pl.linkedBy = "created"
			}
			ok = append(ok, pl)
		}
		batch(ok, bad)
	})
}

// createValues are a new product's values: default_values, then the mapped ones.
func createValues(p mapping.Product) map[string]any {
	vals := make(map[string]any, len(p.Values)+len(p.CreateOnly))
	maps.Copy(vals, p.CreateOnly)
	maps.Copy(vals, p.Values)
	return vals
}

func changedFields(cs []mapping.Change) []string {
	names := make([]string, len(cs))
	for i, c := range cs {
		names[i] = c.Field
	}
	return names
}

// linkExisting gives matched products our external id, so that later runs
// (and a lost data directory) find them by link rather than by SKU or name.
func (w *writer) linkExisting(ctx context.Context, links []*plan) {
	m := make(map[string]int64, len(links))
	for _, pl := range links {
		m[pl.p.ZohoID] = pl.odooID
	}
	err := w.odoo.Link(ctx, m)
	switch {
	case err == nil:
	case errors.Is(err, odoo.ErrNoExternalIDAccess):
		w.warn(zv1.WarningCode_WARNING_CODE_EXTERNAL_IDS_UNWRITABLE, "the Odoo user cannot create external ids; matched products are linked in zohosync's state only", "")
	default:
		// Not fatal: the link lives in the store too. A repeat after a cut
		// connection fails on the unique (module, name) index, which is fine.
		w.log.Warn("could not write external ids for matched products", "error", err)
	}
}
