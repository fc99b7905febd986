package engine

import (
	"context"
	"errors"
	"log/slog"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// archiver is the stage that archives the products of items gone from Zoho,
// and records it (a dry run only reports the plan).
type archiver struct {
	odoo   odooWriter
	store  Store
	dry    bool
	now    func() time.Time
	report *reporter
	log    *slog.Logger
}

// archive archives these products in one write call and records it. A
// product deleted in Odoo by hand is forgotten; one Odoo refuses is an item error.
func (a *archiver) archive(ctx context.Context, states []store.ItemState, why string) error {
	if len(states) == 0 {
		return nil
	}
	if a.dry {
		for _, st := range states {
			pc := &zv1.PlannedChange{ZohoItemId: st.ZohoID, Name: st.Name, Action: zv1.Action_ACTION_ARCHIVE, OdooId: st.OdooID, Note: why,
				Fields: []*zv1.FieldChange{{Field: "active", OldValue: "true", NewValue: "false"}}}
			a.report.planned(pc, func(c *zv1.Counts) { c.Archived++ })
		}
		return nil
	}
	ids := make([]int64, len(states))
	for i, st := range states {
		ids[i] = st.OdooID
	}
	results, err := a.odoo.Archive(ctx, ids)
	if err != nil {
		return err
	}
	now := a.now()
	var done []store.ItemState
	for _, r := range results {
		st := states[r.Index]
		switch {
		case errors.Is(r.Err, odoo.ErrMissingRecord):
			if err := a.store.DeleteItem(st.ZohoID); err != nil {
				return err
			}
		case r.Err != nil:
			a.report.itemError(st.ZohoID, st.Name, r.Err.Error(), zv1.ItemStage_ITEM_STAGE_WRITE, st.OdooID, false)
		default:
			done = append(done, archivedState(st, now))
		}
	}
	if len(done) == 0 {
		return nil
	}
	if err := a.store.PutItems(done); err != nil {
		return err
	}
	a.log.Info("archived products whose Zoho item is gone", "count", len(done))
	a.report.archived(int64(len(done)))
	return nil
}
