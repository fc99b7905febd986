package engine

import (
	"context"
	"errors"
	"log/slog"
	"maps"
	"slices"
	"strings"

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
// With carry set, new products go through it: it brings their pictures and
// hands them back in batches to write, each picture in its product's row.
func (w *writer) run(ctx context.Context, plans []*plan, carry func(creates []*plan, write func([]*plan) error) error, batch func(written, failed []*plan)) error {
	var links, creates, others []*plan
	for _, pl := range plans {
		if pl.link {
			links = append(links, pl)
		}
		switch pl.action {
		case zv1.Action_ACTION_CREATE:
			creates = append(creates, pl)
		case zv1.Action_ACTION_UPDATE, zv1.Action_ACTION_ARCHIVE:
			others = append(others, pl)
		}
	}
	if len(links) > 0 {
		w.linkExisting(ctx, links)
	}
	write := func(todo []*plan) error { return w.write(ctx, todo, batch) }
	if carry != nil && len(creates) > 0 {
		if err := carry(creates, write); err != nil {
			return err
		}
	} else {
		others = append(creates, others...)
	}
	return write(others)
}

// write sends the plans to Odoo, a batch at a time.
func (w *writer) write(ctx context.Context, todo []*plan, batch func(written, failed []*plan)) error {
	if len(todo) == 0 {
		return nil
	}
	ps := make([]odoo.ProductWrite, len(todo))
	for i, pl := range todo {
		if pl.action == zv1.Action_ACTION_CREATE {
			ps[i] = odoo.ProductWrite{ZohoID: pl.p.ZohoID, Values: createValues(pl.p)}
			if pl.image != nil {
				ps[i].Image = pl.image.Data
			}
		} else {
			ps[i] = odoo.ProductWrite{ZohoID: pl.p.ZohoID, ID: pl.odooID, Values: pl.p.Values, Fields: changedFields(pl.changes)}
		}
	}
	return w.odoo.WriteProducts(ctx, ps, w.batchSize, func(rs []odoo.Result) {
		var ok, bad []*plan
		for _, r := range rs {
			pl := todo[r.Index]
			if r.Err != nil {
				pl.failReason = r.Err.Error()
				pl.action = zv1.Action_ACTION_UNSPECIFIED
				pl.image = nil
				bad = append(bad, pl)
				continue
			}
			if r.ImageErr != nil {
				pl.image, pl.imageErr = nil, r.ImageErr.Error()
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

// createShape names a new product's set of fields: products of one shape can
// be written in one call.
func createShape(pl *plan) string {
	return strings.Join(slices.Sorted(maps.Keys(createValues(pl.p))), ",")
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
