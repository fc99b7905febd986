package engine

import (
	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// The unchanged-input stage comes before the mapping on a smart sync: an item
// whose mapped input (mapping.InputSum) and picture are as the store last
// recorded them has nothing to write, so it is recorded as unchanged without
// mapping it and without opening Odoo. A no-op run makes no Odoo call at all.
// The trade-off: an edit made only on the Odoo side is seen by a full sync,
// which always compares with Odoo (docs/architecture.md).

// inputSums returns mapping.InputSum of each item, by id.
func inputSums(m config.Mapping, items []zoho.Item) map[string]string {
	sums := make(map[string]string, len(items))
	for _, it := range items {
		sums[it.ID] = mapping.InputSum(m, it)
	}
	return sums
}

// skipUnchanged records and reports the items whose input and picture are
// unchanged, and returns the others, which go through the stages. A picture
// Zoho said it does not have (its identity unchanged) is reported again, as a
// repeated failure, without a call.
func (s *syncRun) skipUnchanged(items []zoho.Item, states map[string]store.ItemState, sums map[string]string, l *ledger) []zoho.Item {
	opts := s.cfg.Mapping.Options
	if s.kind == zv1.RunKind_RUN_KIND_FULL || s.kind == zv1.RunKind_RUN_KIND_STOCK || opts.Stock.Enabled {
		return items // a full sync compares with Odoo; stock is compared with Odoo on every run
	}
	images := opts.Images.Enabled && s.imageFetcher != nil
	var rest []zoho.Item
	var skipped []*plan
	var picturesUnchanged int64
	for _, it := range items {
		st, ok := states[it.ID]
		if !ok || st.OdooID == 0 || st.State == store.StateFailed || st.InputSum == "" || st.InputSum != sums[it.ID] {
			rest = append(rest, it)
			continue
		}
		id, missing := "", false
		if images {
			id = it.ImageIdentity()
			var settled bool
			if settled, missing = pictureSettled(st, id); !settled {
				rest = append(rest, it)
				continue
			}
		}
		st.ZohoID = it.ID
		pl := &plan{st: st, tracked: true, odooID: st.OdooID, inputSum: sums[it.ID], action: zv1.Action_ACTION_UNCHANGED,
			p: mapping.Product{ZohoID: it.ID, Name: st.Name, SKU: st.SKU, Checksum: st.Checksum, Values: st.Values, ImageIdentity: id}}
		l.unchanged(pl)
		switch {
		case missing:
			s.report.imageError(it.ID, st.Name, st.ImageError, st.OdooID, true)
		case id != "":
			picturesUnchanged++
		}
		skipped = append(skipped, pl)
	}
	if picturesUnchanged > 0 {
		s.report.counts(func(c *zv1.Counts) { c.ImagesUnchanged += picturesUnchanged })
	}
	s.report.done(skipped, 0)
	return rest
}
