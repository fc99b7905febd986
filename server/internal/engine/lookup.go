package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// lookup is the stage that finds each item's Odoo product and reads its
// record: by the id the store holds, or — for an item the store does not
// link — by our external id (a product a previous run created but never
// recorded), then by SKU, then by exact name, so that nothing is created twice.
type lookup struct {
	odoo   odooFinder
	linked func(odooIDs []int64) (map[int64]string, error) // the store's links
	want   odoo.Want
	sku    bool // options.match_by_sku
	name   bool // options.match_by_name
	warn   func(code zv1.WarningCode, msg, zohoID string)
	log    *slog.Logger
	// noXMLIDReads: the Odoo user may not read external ids (remembered for the run).
	noXMLIDReads bool
}

// run fills odooID, linkedBy, note and rec of the untracked plans, and rec of
// the tracked ones needRecord selects.
func (l *lookup) run(ctx context.Context, plans []*plan, needRecord func(*plan) bool) error {
	var read, untracked []*plan
	for _, pl := range plans {
		switch {
		case !pl.tracked:
			untracked = append(untracked, pl)
		case needRecord(pl):
			read = append(read, pl)
		}
	}
	if len(untracked) > 0 {
		if err := l.match(ctx, untracked, &read); err != nil {
			return err
		}
	}
	if len(read) == 0 {
		return nil
	}
	ids := make([]int64, len(read))
	for i, pl := range read {
		ids[i] = pl.odooID
	}
	recs, err := l.odoo.ReadProducts(ctx, ids, l.want)
	if err != nil {
		return err
	}
	byID := make(map[int64]odoo.Record, len(recs))
	for _, r := range recs {
		byID[r.ID()] = r
	}
	for _, pl := range read {
		pl.read = true
		if rec, ok := byID[pl.odooID]; ok {
			pl.rec = rec
		} else {
			l.log.Info("product deleted in Odoo; creating it again", "zoho_item_id", pl.p.ZohoID, "odoo_id", pl.odooID)
		}
	}
	return nil
}

func (l *lookup) match(ctx context.Context, untracked []*plan, read *[]*plan) error {
	rest := untracked
	claimed := map[int64]bool{}
	if !l.noXMLIDReads {
		ids := make([]string, len(rest))
		for i, pl := range rest {
			ids[i] = pl.p.ZohoID
		}
		links, err := l.odoo.FindLinks(ctx, ids)
		switch {
		case errors.Is(err, odoo.ErrNoExternalIDAccess):
			l.noXMLIDReads = true
			l.warn(zv1.WarningCode_WARNING_CODE_EXTERNAL_IDS_UNREADABLE, "the Odoo user cannot read external ids (it lacks the Access Rights group); duplicates are still prevented by load()'s upsert, but products cannot be re-found after a lost data directory except by SKU or name", "")
		case err != nil:
			return err
		}
		var left []*plan
		for _, pl := range rest {
			if id, ok := links[pl.p.ZohoID]; ok && id != 0 {
				pl.odooID, pl.linkedBy, pl.note = id, "external_id", "found by its external id"
				claimed[id] = true
				*read = append(*read, pl)
				continue
			}
			left = append(left, pl)
		}
		rest = left
	}
	for _, by := range []struct {
		on  bool
		key odoo.MatchKey
		of  func(*plan) string
	}{
		{l.sku, odoo.BySKU, func(pl *plan) string { return pl.p.SKU }},
		{l.name, odoo.ByName, func(pl *plan) string { return pl.p.Name }},
	} {
		if !by.on || len(rest) == 0 {
			continue
		}
		var keys []string
		for _, pl := range rest {
			if k := by.of(pl); k != "" {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		recs, err := l.odoo.FindProducts(ctx, by.key, keys, l.want)
		if err != nil {
			return err
		}
		if recs, err = l.dropLinked(ctx, recs, claimed); err != nil {
			return err
		}
		byKey := map[string][]odoo.Record{}
		for _, r := range recs {
			byKey[r.Key(by.key)] = append(byKey[r.Key(by.key)], r)
		}
		var left []*plan
		for _, pl := range rest {
			var hit odoo.Record
			for _, r := range byKey[by.of(pl)] {
				if !claimed[r.ID()] {
					hit = r
					break
				}
			}
			if hit == nil {
				left = append(left, pl)
				continue
			}
			claimed[hit.ID()] = true
			pl.odooID, pl.rec, pl.read = hit.ID(), hit, true
			if by.key == odoo.BySKU {
				pl.linkedBy, pl.note = "sku", "matched an existing product by SKU"
			} else {
				pl.linkedBy, pl.note = "name", "matched an existing product by name"
				l.log.Info("matched by name (fallback, as the Python tool did)", "zoho_item_id", pl.p.ZohoID, "name", pl.p.Name, "odoo_id", hit.ID())
				l.warn(zv1.WarningCode_WARNING_CODE_MATCHED_BY_NAME, fmt.Sprintf("item %s %q was linked to the existing Odoo product %d by its name", pl.p.ZohoID, pl.p.Name, hit.ID()), pl.p.ZohoID)
			}
		}
		rest = left
	}
	return nil
}

// dropLinked removes candidates already linked to another Zoho item.
func (l *lookup) dropLinked(ctx context.Context, recs []odoo.Record, claimed map[int64]bool) ([]odoo.Record, error) {
	if len(recs) == 0 {
		return recs, nil
	}
	ids := make([]int64, len(recs))
	for i, r := range recs {
		ids[i] = r.ID()
	}
	linked, err := l.linked(ids)
	if err != nil {
		return nil, err
	}
	if !l.noXMLIDReads {
		remote, err := l.odoo.LinksOf(ctx, ids)
		if err != nil && !errors.Is(err, odoo.ErrNoExternalIDAccess) {
			return nil, err
		}
		for id, z := range remote {
			linked[id] = z
		}
	}
	out := recs[:0]
	for _, r := range recs {
		if _, ok := linked[r.ID()]; !ok && !claimed[r.ID()] {
			out = append(out, r)
		}
	}
	return out, nil
}
