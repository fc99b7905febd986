package engine

import (
	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// plan is one item on its way through a page: each stage fills its part and
// later stages only read what earlier ones wrote.
type plan struct {
	// map: the product's values; the item's stored state.
	p        mapping.Product
	st       store.ItemState
	tracked  bool   // the store links the item to a product
	inputSum string // mapping.InputSum of the item, recorded with its outcome

	// lookup: the Odoo product the item is (or is matched to) and its record.
	odooID   int64
	linkedBy string      // how an untracked item was matched: external_id, sku, name
	note     string      // why, for people (dry-run plans)
	rec      odoo.Record // nil when not read, or when the product is gone from Odoo
	read     bool        // the lookup asked Odoo for rec

	// plan: what to do.
	action       zv1.Action
	changes      []mapping.Change
	link         bool // give the matched product our external id
	imageKnown   bool // rec was read with its picture
	odooHasImage bool

	// write: a new product's picture, carried in its own row (images on).
	carried  bool
	image    *images.Result // the picture, when it could be had
	imageErr string         // why it could not go with the product (which is still written)
	// imageMissing: imageErr is Zoho's final "no image" answer
	imageMissing bool

	// write: the outcome.
	failReason string
	reported   bool // counted in the run's progress
}

// planner is the plan stage: a pure decision per item from the item, its
// stored state and its Odoo record.
type planner struct {
	full bool
	diff func(want, have map[string]any) []mapping.Change // the mapper's Diff
}

// unchangedByChecksum: a smart sync skips an item whose mapped values have the
// checksum last written.
func (pn planner) unchangedByChecksum(pl *plan) bool {
	return pl.tracked && !pn.full && pl.st.Checksum == pl.p.Checksum && pl.st.State != store.StateFailed
}

// needsRecord says whether deciding a tracked item needs its Odoo record:
// on a full sync (someone may have edited it in Odoo) or when the values last
// written are not known. Untracked items are always looked up.
func (pn planner) needsRecord(pl *plan) bool {
	return pl.tracked && !pn.unchangedByChecksum(pl) && (pn.full || pl.st.Values == nil)
}

// decide sets the plan's action: create, update (with the changed fields),
// archive, or unchanged.
func (pn planner) decide(pl *plan) {
	switch {
	case !pl.tracked && pl.odooID == 0:
		pl.action = zv1.Action_ACTION_CREATE
	case pn.unchangedByChecksum(pl):
		pl.action = zv1.Action_ACTION_UNCHANGED
	case !pl.tracked || pn.needsRecord(pl):
		if pl.rec == nil {
			// Deleted in Odoo by hand: create it again under the same external id.
			pl.odooID, pl.tracked = 0, false
			pl.action = zv1.Action_ACTION_CREATE
			pl.note = "the Odoo product was deleted; created again"
			break
		}
		pn.setChanges(pl, pl.rec)
		pl.imageKnown, pl.odooHasImage = pl.rec.Image()
	default:
		pn.setChanges(pl, pl.st.Values)
	}
	imported := pl.tracked && pl.st.LinkedBy == "imported" && pl.st.Checksum == "" // from the Python tool's state
	pl.link = (pl.linkedBy == "sku" || pl.linkedBy == "name" || imported) && pl.action != zv1.Action_ACTION_CREATE
}

// setChanges compares the wanted values with what Odoo has (or had).
func (pn planner) setChanges(pl *plan, have map[string]any) {
	pl.changes = pn.diff(pl.p.Values, have)
	pl.action = zv1.Action_ACTION_UNCHANGED
	if len(pl.changes) > 0 {
		pl.action = zv1.Action_ACTION_UPDATE
	}
	for _, c := range pl.changes {
		if c.Field == "active" && c.New == false {
			pl.action = zv1.Action_ACTION_ARCHIVE
		}
	}
}
