package engine

import (
	"log/slog"
	"maps"
	"slices"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
)

// reporter is the report stage: the only one that publishes to the run's
// watchers. It counts outcomes, item errors, warnings and dry-run plans.
type reporter struct {
	ar  *activeRun
	log *slog.Logger
	// show renders a value for people (the mapper's Show); set once connected.
	show func(field string, v any) string
}

func (r *reporter) phase(p zv1.Phase) {
	r.ar.emit(func(run *zv1.Run) { run.Progress.Phase = p },
		func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PhaseChanged{PhaseChanged: p} })
}

func (r *reporter) setTotal(total int64) {
	r.ar.emit(func(run *zv1.Run) { run.Progress.Total = total }, nil)
}

func (r *reporter) addTotal(n int64) {
	r.ar.emit(func(run *zv1.Run) { run.Progress.Total += n }, nil)
}

func (r *reporter) seen(n int) {
	r.ar.emit(func(run *zv1.Run) { run.Progress.Counts.Seen += int64(n) }, nil)
}

func (r *reporter) warn(code zv1.WarningCode, msg, zohoID string) { r.ar.warn(code, msg, zohoID) }

func (r *reporter) warnings(ws []mapping.Warning, zohoID string) {
	for _, w := range ws {
		r.ar.warn(w.Code, w.Message, zohoID)
	}
}

// done counts plans not yet counted as handled and publishes the progress;
// extra are handled items without a plan (they failed to map or were gone).
func (r *reporter) done(plans []*plan, extra int64) {
	var n int64
	r.ar.emit(func(run *zv1.Run) {
		for _, pl := range plans {
			if !pl.reported {
				pl.reported = true
				countAction(run.Progress.Counts, pl.action)
				countFields(run.Progress.Counts, pl)
				n++
			}
		}
		n += extra
		run.Progress.Done += n
	}, func(ev *zv1.RunEvent) {
		if n > 0 {
			ev.Detail = &zv1.RunEvent_BatchDone{BatchDone: n}
		}
	})
}

func countAction(c *zv1.Counts, a zv1.Action) {
	switch a {
	case zv1.Action_ACTION_CREATE:
		c.Created++
	case zv1.Action_ACTION_UPDATE:
		c.Updated++
	case zv1.Action_ACTION_ARCHIVE:
		c.Archived++
	case zv1.Action_ACTION_UNCHANGED:
		c.Unchanged++
	}
}

// countFields counts a written product per Odoo field it wrote (README "Product model").
func countFields(c *zv1.Counts, pl *plan) {
	add := func(f string) {
		if c.FieldsWritten == nil {
			c.FieldsWritten = map[string]int64{}
		}
		c.FieldsWritten[f]++
	}
	switch pl.action {
	case zv1.Action_ACTION_CREATE:
		for f := range pl.p.Values {
			add(f)
		}
	case zv1.Action_ACTION_UPDATE:
		for _, ch := range pl.changes {
			add(ch.Field)
		}
	}
}

// itemError publishes an item's failure; repeated says it failed the same
// way, on the same input, on its previous run (a known failure, not a new one).
func (r *reporter) itemError(zohoID, name, reason string, stage zv1.ItemStage, odooID int64, repeated bool) {
	r.log.Warn("item failed", "zoho_item_id", zohoID, "stage", stage.String(), "reason", reason, "repeated", repeated)
	r.ar.addItemError(&zv1.ItemError{ZohoItemId: zohoID, Name: name, Reason: reason, Stage: stage, OdooId: odooID, Repeated: repeated})
}

// imageError publishes an image problem: the product is fine, its image is not.
func (r *reporter) imageError(zohoID, name, reason string, odooID int64, repeated bool) {
	e := &zv1.ItemError{ZohoItemId: zohoID, Name: name, Reason: "image: " + reason, Stage: zv1.ItemStage_ITEM_STAGE_IMAGE, OdooId: odooID, Repeated: repeated}
	r.log.Warn("image failed", "zoho_item_id", zohoID, "reason", reason, "repeated", repeated)
	r.ar.emit(func(run *zv1.Run) {
		run.Progress.Counts.ImagesFailed++
		if repeated {
			run.Progress.Counts.RepeatedFailures++
		}
		if len(run.ItemErrors) < maxRunItemErrors {
			run.ItemErrors = append(run.ItemErrors, e)
		}
	}, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_ItemError{ItemError: e} })
}

func (r *reporter) counts(update func(c *zv1.Counts)) {
	r.ar.emit(func(run *zv1.Run) { update(run.Progress.Counts) }, nil)
}

// archived counts products archived because their Zoho item is gone.
func (r *reporter) archived(n int64) {
	r.ar.emit(func(run *zv1.Run) { run.Progress.Counts.Archived += n },
		func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_BatchDone{BatchDone: n} })
}

func (r *reporter) planned(pc *zv1.PlannedChange, update func(c *zv1.Counts)) {
	r.ar.emit(func(run *zv1.Run) {
		if update != nil {
			update(run.Progress.Counts)
		}
	}, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PlannedChange{PlannedChange: pc} })
}

// plan streams a dry run's plan for one product.
func (r *reporter) plan(pl *plan) {
	if pl.action == zv1.Action_ACTION_UNCHANGED && pl.linkedBy == "" {
		return
	}
	pc := &zv1.PlannedChange{ZohoItemId: pl.p.ZohoID, Name: pl.p.Name, Action: pl.action, OdooId: pl.odooID, Note: pl.note}
	if pl.linkedBy != "" && pl.action == zv1.Action_ACTION_UNCHANGED {
		pc.Action = zv1.Action_ACTION_LINK
	}
	if pl.action == zv1.Action_ACTION_CREATE {
		for _, k := range slices.Sorted(maps.Keys(pl.p.Values)) {
			pc.Fields = append(pc.Fields, &zv1.FieldChange{Field: k, NewValue: r.show(k, pl.p.Values[k])})
		}
	}
	for _, c := range pl.changes {
		pc.Fields = append(pc.Fields, &zv1.FieldChange{Field: c.Field, OldValue: r.show(c.Field, c.Old), NewValue: r.show(c.Field, c.New)})
	}
	r.planned(pc, nil)
}
