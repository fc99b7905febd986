package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"maps"
	"slices"
	"sort"
	"strconv"
	"strings"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// syncRun is one run's work.
type syncRun struct {
	e      *Engine
	ar     *activeRun
	runNum int64
	kind   zv1.RunKind
	dry    bool
	cfg    *config.Config
	store  *store.Store
	log    *slog.Logger

	odoo         OdooTarget
	images       ImageFetcher
	mapper       *mapping.Mapper
	src          zoho.Source
	readFields   []string
	noXMLIDReads bool // the Odoo user may not read ir.model.data

	zohoStart zoho.Stats
	odooStart odoo.Stats
	drySeen   map[string]bool // a dry run records nothing, so it remembers what it listed
}

func (s *syncRun) zohoCalls() int64 {
	if s.e.d.Zoho == nil {
		return 0
	}
	return s.e.d.Zoho.Stats().Calls - s.zohoStart.Calls
}

func (s *syncRun) odooCalls() int64 {
	if s.odoo == nil {
		return 0
	}
	return s.odoo.Stats().Calls - s.odooStart.Calls
}

// run does the whole run. The returned error concerns the whole run; item
// problems are reported as item errors and do not stop it.
func (s *syncRun) run(ctx context.Context) error {
	s.zohoStart = s.e.d.Zoho.Stats()
	if nr, ok := s.e.d.Zoho.(interface{ NewRun() }); ok {
		nr.NewRun()
	}
	if err := s.connect(ctx); err != nil {
		return err
	}
	s.setPhase(zv1.Phase_PHASE_SYNCING)
	listed, err := s.syncItems(ctx)
	if err != nil {
		return err
	}
	if s.kind == zv1.RunKind_RUN_KIND_FULL && s.cfg.Mapping.Options.ArchiveMissing && listed {
		s.setPhase(zv1.Phase_PHASE_ARCHIVING)
		if err := s.archiveMissing(ctx); err != nil {
			return err
		}
	}
	return nil
}

func (s *syncRun) setPhase(p zv1.Phase) {
	s.ar.emit(func(r *zv1.Run) { r.Progress.Phase = p },
		func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PhaseChanged{PhaseChanged: p} })
}

// connect logs in to Odoo and prepares the mapper for its dialect.
func (s *syncRun) connect(ctx context.Context) error {
	s.odoo = s.e.d.NewOdoo()
	s.odooStart = s.odoo.Stats()
	if err := s.odoo.Login(ctx); err != nil {
		return err
	}
	fields, err := s.odoo.ProductFields(ctx)
	if err != nil {
		return err
	}
	units, err := s.odoo.Units(ctx)
	if err != nil {
		return err
	}
	var cats []odoo.Category
	for _, fm := range s.cfg.Mapping.Fields {
		if f := fields[fm.Odoo]; f.Type == "many2one" && f.Relation == "product.category" {
			if cats, err = s.odoo.Categories(ctx); err != nil {
				return err
			}
		}
	}
	d := odoo.DialectFor(s.odoo.Version(), fields)
	s.mapper, err = mapping.New(s.cfg.Mapping, fields, d, units, cats)
	if err != nil {
		return &configError{err}
	}
	for _, w := range s.mapper.Warnings {
		s.ar.warn(w.Code, w.Message, "")
	}
	s.readFields = append([]string{"id"}, s.mapper.Fields()...)
	if s.cfg.Mapping.Options.Images.Enabled && s.e.d.Images != nil {
		s.images = s.e.d.Images
		s.readFields = append(s.readFields, "image_1920") // read with bin_size: its size, not its bytes
	}
	s.src = zoho.Source(s.cfg.Zoho.ItemSource)
	s.log.Info("connected", "odoo_version", s.odoo.Version().Full, "type_field", d.TypeField, "source", s.src)
	return nil
}

// syncItems pages through Zoho (or, for a retry run, the failed items) and
// handles each page. It reports whether the whole catalogue was listed.
func (s *syncRun) syncItems(ctx context.Context) (bool, error) {
	if s.kind == zv1.RunKind_RUN_KIND_RETRY_FAILED {
		return false, s.syncFailed(ctx)
	}
	pages := s.prefetch(ctx)
	seen := int64(0)
	for p := range pages {
		if p.err != nil {
			if ctx.Err() != nil {
				return false, errCancelled
			}
			return false, p.err
		}
		seen += int64(len(p.page.Items))
		total := int64(p.page.Total)
		if total < seen {
			total = seen
			if p.page.HasMore {
				total += zoho.PageSize
			}
		}
		s.ar.emit(func(r *zv1.Run) { r.Progress.Total = total }, nil)
		if err := s.handlePage(ctx, p.page.Items); err != nil {
			return false, err
		}
		if !p.page.HasMore {
			return true, nil
		}
		if ctx.Err() != nil {
			return false, errCancelled
		}
	}
	return false, errCancelled
}

type fetchedPage struct {
	page zoho.Page
	err  error
}

// prefetch reads the next page while the current one is written to Odoo.
func (s *syncRun) prefetch(ctx context.Context) <-chan fetchedPage {
	out := make(chan fetchedPage, 1)
	go func() {
		defer close(out)
		for n := 1; ; n++ {
			p, err := s.e.d.Zoho.ListItems(ctx, s.src, n)
			select {
			case out <- fetchedPage{p, err}:
			case <-ctx.Done():
				return
			}
			if err != nil || !p.HasMore {
				return
			}
		}
	}()
	return out
}

// syncFailed re-reads the failed items by id and handles them.
func (s *syncRun) syncFailed(ctx context.Context) error {
	after := ""
	for {
		ids, err := s.store.FailedIDs(after, 100)
		if err != nil {
			return err
		}
		if len(ids) == 0 {
			return nil
		}
		after = ids[len(ids)-1]
		s.ar.emit(func(r *zv1.Run) { r.Progress.Total += int64(len(ids)) }, nil)
		items, gone, err := s.itemsByID(ctx, ids)
		if err != nil {
			if ctx.Err() != nil {
				return errCancelled
			}
			return err
		}
		if err := s.handlePage(ctx, items); err != nil {
			return err
		}
		if err := s.forgetGone(ctx, gone); err != nil {
			return err
		}
		if ctx.Err() != nil {
			return errCancelled
		}
	}
}

// itemsByID asks Zoho for these items (at most 100) and splits the answer into
// the items it still has and the ids it no longer knows.
func (s *syncRun) itemsByID(ctx context.Context, ids []string) (items []zoho.Item, gone []string, err error) {
	items, err = s.e.d.Zoho.ItemDetails(ctx, s.src, ids)
	if err != nil {
		return nil, nil, err
	}
	found := make(map[string]bool, len(items))
	for _, it := range items {
		found[it.ID] = true
	}
	for _, id := range ids {
		if !found[id] {
			gone = append(gone, id)
		}
	}
	return items, gone, nil
}

// forgetGone handles failed items that no longer exist in Zoho: their product
// is archived (when configured) and they stop counting as failed.
func (s *syncRun) forgetGone(ctx context.Context, ids []string) error {
	if len(ids) == 0 {
		return nil
	}
	states, err := s.store.Items(ids)
	if err != nil {
		return err
	}
	var toArchive []store.ItemState
	for _, id := range ids {
		st := states[id]
		st.ZohoID = id
		if st.OdooID != 0 && s.cfg.Mapping.Options.ArchiveMissing {
			toArchive = append(toArchive, st)
		} else if !s.dry {
			if err := s.store.DeleteItem(id); err != nil {
				return err
			}
		}
		s.ar.emit(func(r *zv1.Run) { r.Progress.Done++ }, nil)
	}
	return s.archiveStates(ctx, toArchive, "no longer exists in Zoho")
}

// plan is what handlePage decided for one item.
type plan struct {
	p        mapping.Product
	st       store.ItemState
	tracked  bool
	action   zv1.Action
	odooID   int64
	changes  []mapping.Change
	linkedBy string
	note     string
	archive  bool // the write deactivates the product
	reported bool // counted in the run's progress
	// Full sync: whether Odoo was read, and whether it has an image.
	imageKnown, odooHasImage bool
}

// handlePage maps, matches, writes and commits one page of items.
func (s *syncRun) handlePage(ctx context.Context, items []zoho.Item) (err error) {
	if !s.dry {
		if err := s.store.CheckSpace(); err != nil {
			return err
		}
	}
	items = dedupe(items)
	s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.Seen += int64(len(items)) }, nil)
	ids := make([]string, len(items))
	for i, it := range items {
		ids[i] = it.ID
		if s.dry {
			if s.drySeen == nil {
				s.drySeen = map[string]bool{}
			}
			s.drySeen[it.ID] = true
		}
	}
	states, err := s.store.Items(ids)
	if err != nil {
		return err
	}
	now := s.e.now()
	var plans []*plan
	commit := map[string]store.ItemState{} // what this page changes in the store
	for _, it := range items {
		st, tracked := states[it.ID]
		st.ZohoID = it.ID
		p, warns, merr := s.mapper.Map(it)
		for _, w := range warns {
			s.ar.warn(w.Code, w.Message, it.ID)
		}
		if merr != nil {
			st = s.failState(st, merr.Error())
			commit[it.ID] = st
			s.itemError(it.ID, it.Name(), merr.Error(), zv1.ItemStage_ITEM_STAGE_MAP, st.OdooID)
			continue
		}
		pl := &plan{p: p, st: st, tracked: tracked && st.OdooID != 0, odooID: st.OdooID}
		plans = append(plans, pl)
	}
	// Whatever happens below, record what was done: a write that reached Odoo
	// must be in the store before the run can end, or the next run would redo it.
	defer func() {
		if s.dry {
			return
		}
		batch := make([]store.ItemState, 0, len(commit))
		for _, st := range commit {
			st.LastSeenRun = s.runNum
			st.LastRunID = strconv.FormatInt(s.runNum, 10)
			batch = append(batch, st)
		}
		sort.Slice(batch, func(i, j int) bool { return batch[i].ZohoID < batch[j].ZohoID })
		if cerr := s.store.PutItems(batch); cerr != nil && err == nil {
			err = fmt.Errorf("cannot record progress in the data directory: %w", cerr)
		}
	}()
	wctx := context.WithoutCancel(ctx) // a batch in flight finishes even when the run is cancelled

	if err := s.decide(wctx, plans); err != nil {
		return err
	}
	var creates, updates, links []*plan
	for _, pl := range plans {
		switch pl.action {
		case zv1.Action_ACTION_CREATE:
			creates = append(creates, pl)
		case zv1.Action_ACTION_UPDATE, zv1.Action_ACTION_ARCHIVE:
			updates = append(updates, pl)
		case zv1.Action_ACTION_UNCHANGED:
			st := pl.st
			st.Name, st.SKU = pl.p.Name, pl.p.SKU
			if st.State == "" || st.State == store.StateFailed {
				st.State = store.StateSynced
			}
			if pl.linkedBy != "" {
				st.OdooID, st.LinkedBy, st.Checksum, st.Values = pl.odooID, pl.linkedBy, pl.p.Checksum, pl.p.Values
				st.State = activeState(pl.p)
			}
			st.LastSyncedAt = now
			commit[pl.p.ZohoID] = st
		}
		imported := pl.tracked && pl.st.LinkedBy == "imported" && pl.st.Checksum == "" // from the Python tool's state
		if (pl.linkedBy == "sku" || pl.linkedBy == "name" || imported) && pl.action != zv1.Action_ACTION_CREATE {
			links = append(links, pl)
		}
	}
	if s.dry {
		for _, pl := range plans {
			s.reportPlan(pl)
		}
		if s.images != nil {
			if err := s.syncImages(ctx, wctx, plans, commit); err != nil {
				return err
			}
		}
		s.finishPage(plans, len(items))
		return nil
	}
	if len(links) > 0 {
		s.linkExisting(wctx, links)
	}
	done := func(pl *plan) {
		st := pl.st
		st.OdooID = pl.odooID
		st.Name, st.SKU = pl.p.Name, pl.p.SKU
		st.Checksum, st.Values = pl.p.Checksum, pl.p.Values
		st.State = activeState(pl.p)
		st.LastSyncedAt = now
		st.LastError, st.Failures = "", 0
		if pl.linkedBy != "" {
			st.LinkedBy = pl.linkedBy
		}
		commit[pl.p.ZohoID] = st
	}
	failed := func(pl *plan, reason string) {
		st := s.failState(pl.st, reason)
		if pl.odooID != 0 {
			st.OdooID = pl.odooID
			if pl.linkedBy != "" {
				st.LinkedBy = pl.linkedBy
			}
		}
		commit[pl.p.ZohoID] = st
		pl.action = zv1.Action_ACTION_UNSPECIFIED
		s.itemError(pl.p.ZohoID, pl.p.Name, reason, zv1.ItemStage_ITEM_STAGE_WRITE, pl.odooID)
	}
	if err := s.createProducts(wctx, creates, done, failed); err != nil {
		return err
	}
	if err := s.updateProducts(wctx, updates, done, failed); err != nil {
		return err
	}
	if s.images != nil {
		if err := s.syncImages(ctx, wctx, plans, commit); err != nil {
			return err
		}
	}
	s.finishPage(plans, len(items))
	return nil
}

// reportWritten reports products once written; with images on, an item is
// done only when its image is, so the image stage reports it.
func (s *syncRun) reportWritten(plans []*plan) {
	if s.images == nil {
		s.report(plans)
	}
}

// report counts plans not yet counted and publishes the progress.
func (s *syncRun) report(plans []*plan) {
	var n int64
	s.ar.emit(func(r *zv1.Run) {
		for _, pl := range plans {
			if !pl.reported {
				pl.reported = true
				countAction(r.Progress.Counts, pl)
				n++
			}
		}
		r.Progress.Done += n
		r.ZohoCalls, r.OdooCalls = s.zohoCalls(), s.odooCalls()
	}, func(ev *zv1.RunEvent) { batchDone(ev, n) })
}

func batchDone(ev *zv1.RunEvent, n int64) {
	if n > 0 {
		ev.Detail = &zv1.RunEvent_BatchDone{BatchDone: n}
	}
}

// finishPage counts what the page's write batches did not (unchanged items,
// items that failed to map) and the items seen.
func (s *syncRun) finishPage(plans []*plan, seen int) {
	unmapped := int64(seen - len(plans))
	var n int64
	s.ar.emit(func(r *zv1.Run) {
		for _, pl := range plans {
			if !pl.reported {
				pl.reported = true
				countAction(r.Progress.Counts, pl)
				n++
			}
		}
		n += unmapped
		r.Progress.Done += n
		r.ZohoCalls, r.OdooCalls = s.zohoCalls(), s.odooCalls()
	}, func(ev *zv1.RunEvent) { batchDone(ev, n) })
}

func activeState(p mapping.Product) string {
	if active, ok := p.Values["active"].(bool); ok && !active {
		return store.StateArchived
	}
	return store.StateSynced
}

func countAction(c *zv1.Counts, pl *plan) {
	switch pl.action {
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

func dedupe(items []zoho.Item) []zoho.Item {
	seen := make(map[string]bool, len(items))
	out := items[:0:0]
	for _, it := range items {
		if !seen[it.ID] {
			seen[it.ID] = true
			out = append(out, it)
		}
	}
	return out
}

func (s *syncRun) failState(st store.ItemState, reason string) store.ItemState {
	st.State = store.StateFailed
	st.LastError = reason
	st.Failures++
	return st
}

func (s *syncRun) itemError(zohoID, name, reason string, stage zv1.ItemStage, odooID int64) {
	s.log.Warn("item failed", "zoho_item_id", zohoID, "stage", stage.String(), "reason", reason)
	s.ar.addItemError(&zv1.ItemError{ZohoItemId: zohoID, Name: name, Reason: reason, Stage: stage, OdooId: odooID})
}

// decide sets each plan's action: unchanged, update (with the changed
// fields), or create — after matching untracked items to existing products
// by external id, SKU and name, so that nothing is ever created twice.
func (s *syncRun) decide(ctx context.Context, plans []*plan) error {
	full := s.kind == zv1.RunKind_RUN_KIND_FULL
	var needRead []*plan
	var untracked []*plan
	for _, pl := range plans {
		switch {
		case !pl.tracked:
			untracked = append(untracked, pl)
		case !full && pl.st.Checksum == pl.p.Checksum && pl.st.State != store.StateFailed:
			pl.action = zv1.Action_ACTION_UNCHANGED
		case full || pl.st.Values == nil:
			needRead = append(needRead, pl)
		default:
			s.setChanges(pl, pl.st.Values)
		}
	}
	if len(untracked) > 0 {
		if err := s.match(ctx, untracked, &needRead); err != nil {
			return err
		}
	}
	if len(needRead) == 0 {
		return nil
	}
	ids := make([]int64, len(needRead))
	for i, pl := range needRead {
		ids[i] = pl.odooID
	}
	recs, err := s.odoo.ReadProducts(ctx, ids, s.readFields)
	if err != nil {
		return err
	}
	byID := make(map[int64]odoo.Record, len(recs))
	for _, r := range recs {
		byID[r.ID()] = r
	}
	for _, pl := range needRead {
		rec, ok := byID[pl.odooID]
		if !ok {
			// Deleted in Odoo by hand: create it again under the same external id.
			s.log.Info("product deleted in Odoo; creating it again", "zoho_item_id", pl.p.ZohoID, "odoo_id", pl.odooID)
			pl.odooID, pl.tracked = 0, false
			pl.action = zv1.Action_ACTION_CREATE
			pl.note = "the Odoo product was deleted; created again"
			continue
		}
		s.setChanges(pl, rec)
		s.noteImage(pl, rec)
	}
	return nil
}

// noteImage records whether Odoo holds an image for the product (read with bin_size).
func (s *syncRun) noteImage(pl *plan, rec odoo.Record) {
	if v, ok := rec["image_1920"]; ok {
		pl.imageKnown = true
		str, _ := v.(string)
		pl.odooHasImage = str != ""
	}
}

// setChanges compares the wanted values with what Odoo has (or had).
func (s *syncRun) setChanges(pl *plan, have map[string]any) {
	pl.changes = s.mapper.Diff(pl.p.Values, have)
	switch {
	case len(pl.changes) == 0:
		pl.action = zv1.Action_ACTION_UNCHANGED
	default:
		pl.action = zv1.Action_ACTION_UPDATE
		for _, c := range pl.changes {
			if c.Field == "active" && c.New == false {
				pl.action = zv1.Action_ACTION_ARCHIVE
				pl.archive = true
			}
		}
	}
}

// match links untracked items to existing Odoo products: by our external id
// (a product a previous run created but never recorded), then by SKU, then by
// exact name. Whatever is left is created.
func (s *syncRun) match(ctx context.Context, untracked []*plan, needRead *[]*plan) error {
	opts := s.cfg.Mapping.Options
	rest := untracked
	claimed := map[int64]bool{}
	if !s.noXMLIDReads {
		ids := make([]string, len(rest))
		for i, pl := range rest {
			ids[i] = pl.p.ZohoID
		}
		links, err := s.odoo.FindLinks(ctx, ids)
		switch {
		case errors.Is(err, odoo.ErrNoExternalIDAccess):
			s.noXMLIDReads = true
			s.ar.warn(zv1.WarningCode_WARNING_CODE_EXTERNAL_IDS_UNREADABLE, "the Odoo user cannot read external ids (it lacks the Access Rights group); duplicates are still prevented by load()'s upsert, but products cannot be re-found after a lost data directory except by SKU or name", "")
		case err != nil:
			return err
		}
		var left []*plan
		for _, pl := range rest {
			if id, ok := links[pl.p.ZohoID]; ok && id != 0 {
				pl.odooID, pl.linkedBy, pl.note = id, "external_id", "found by its external id"
				claimed[id] = true
				*needRead = append(*needRead, pl)
				continue
			}
			left = append(left, pl)
		}
		rest = left
	}
	for _, by := range []struct {
		on    bool
		field string
		key   func(*plan) string
	}{
		{opts.MatchBySKU, "default_code", func(pl *plan) string { return pl.p.SKU }},
		{opts.MatchByName, "name", func(pl *plan) string { return pl.p.Name }},
	} {
		if !by.on || len(rest) == 0 {
			continue
		}
		var keys []any
		for _, pl := range rest {
			if k := by.key(pl); k != "" {
				keys = append(keys, k)
			}
		}
		if len(keys) == 0 {
			continue
		}
		recs, err := s.odoo.SearchProducts(ctx, []any{[]any{by.field, "in", keys}}, s.readFields)
		if err != nil {
			return err
		}
		if err := s.dropLinked(ctx, &recs, claimed); err != nil {
			return err
		}
		byKey := map[string][]odoo.Record{}
		for _, r := range recs {
			k, _ := r[by.field].(string)
			byKey[k] = append(byKey[k], r)
		}
		var left []*plan
		for _, pl := range rest {
			var hit odoo.Record
			for _, r := range byKey[by.key(pl)] {
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
			pl.odooID, pl.linkedBy = hit.ID(), by.field
			if by.field == "default_code" {
				pl.linkedBy, pl.note = "sku", "matched an existing product by SKU"
			} else {
				pl.note = "matched an existing product by name"
				s.log.Info("matched by name (the seed's fallback)", "zoho_item_id", pl.p.ZohoID, "name", pl.p.Name, "odoo_id", hit.ID())
				s.ar.warn(zv1.WarningCode_WARNING_CODE_MATCHED_BY_NAME, fmt.Sprintf("item %s %q was linked to the existing Odoo product %d by its name", pl.p.ZohoID, pl.p.Name, hit.ID()), pl.p.ZohoID)
			}
			s.setChanges(pl, hit)
			s.noteImage(pl, hit)
		}
		rest = left
	}
	for _, pl := range rest {
		pl.action = zv1.Action_ACTION_CREATE
	}
	return nil
}

// dropLinked removes candidates already linked to another Zoho item.
func (s *syncRun) dropLinked(ctx context.Context, recs *[]odoo.Record, claimed map[int64]bool) error {
	if len(*recs) == 0 {
		return nil
	}
	ids := make([]int64, len(*recs))
	for i, r := range *recs {
		ids[i] = r.ID()
	}
	linked, err := s.store.LinkedOdooIDs(ids)
	if err != nil {
		return err
	}
	if !s.noXMLIDReads {
		remote, err := s.odoo.LinksOf(ctx, ids)
		if err != nil && !errors.Is(err, odoo.ErrNoExternalIDAccess) {
			return err
		}
		for id, z := range remote {
			linked[id] = z
		}
	}
	out := (*recs)[:0]
	for _, r := range *recs {
		if _, ok := linked[r.ID()]; !ok && !claimed[r.ID()] {
			out = append(out, r)
		}
	}
	*recs = out
	return nil
}

// reportPlan streams a dry run's plan for one product.
func (s *syncRun) reportPlan(pl *plan) {
	if pl.action == zv1.Action_ACTION_UNCHANGED && pl.linkedBy == "" {
		return
	}
	pc := &zv1.PlannedChange{ZohoItemId: pl.p.ZohoID, Name: pl.p.Name, Action: pl.action, OdooId: pl.odooID, Note: pl.note}
	if pl.linkedBy != "" && pl.action == zv1.Action_ACTION_UNCHANGED {
		pc.Action = zv1.Action_ACTION_LINK
	}
	if pl.action == zv1.Action_ACTION_CREATE {
		for _, k := range slices.Sorted(maps.Keys(pl.p.Values)) {
			pc.Fields = append(pc.Fields, &zv1.FieldChange{Field: k, NewValue: s.mapper.Show(k, pl.p.Values[k])})
		}
	}
	for _, c := range pl.changes {
		pc.Fields = append(pc.Fields, &zv1.FieldChange{Field: c.Field, OldValue: s.mapper.Show(c.Field, c.Old), NewValue: s.mapper.Show(c.Field, c.New)})
	}
	s.ar.emit(nil, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PlannedChange{PlannedChange: pc} })
}

// linkExisting gives matched products our external id, so that later runs
// (and a lost data directory) find them by link rather than by SKU or name.
func (s *syncRun) linkExisting(ctx context.Context, links []*plan) {
	m := make(map[string]int64, len(links))
	for _, pl := range links {
		m[pl.p.ZohoID] = pl.odooID
	}
	err := s.odoo.Link(ctx, m)
	switch {
	case err == nil:
	case errors.Is(err, odoo.ErrNoExternalIDAccess):
		s.ar.warn(zv1.WarningCode_WARNING_CODE_EXTERNAL_IDS_UNWRITABLE, "the Odoo user cannot create external ids; matched products are linked in zohosync's state only", "")
	default:
		// Not fatal: the link lives in the store too. A repeat after a cut
		// connection fails on the unique (module, name) index, which is fine.
		s.log.Warn("could not write external ids for matched products", "error", err)
	}
}

// createProducts creates new products with load(), batch by batch; each row
// carries its external id, so a repeat after a crash updates instead of duplicating.
func (s *syncRun) createProducts(ctx context.Context, plans []*plan, done func(*plan), failed func(*plan, string)) error {
	return s.loadByFieldSet(ctx, plans, "id",
		func(pl *plan) string { return odoo.XMLID(pl.p.ZohoID) },
		func(pl *plan) map[string]any { return mergeCreate(pl.p) },
		func(pl *plan) []string { return slices.Sorted(maps.Keys(mergeCreate(pl.p))) },
		func(pl *plan, id int64) {
			pl.odooID = id
			if pl.linkedBy == "" {
				pl.linkedBy = "created"
			}
			done(pl)
		}, failed)
}

func mergeCreate(p mapping.Product) map[string]any {
	vals := make(map[string]any, len(p.Values)+len(p.CreateOnly))
	maps.Copy(vals, p.CreateOnly)
	maps.Copy(vals, p.Values)
	return vals
}

// updateProducts writes only the changed fields through load() with database
// ids: one call per batch rather than one per product.
func (s *syncRun) updateProducts(ctx context.Context, plans []*plan, done func(*plan), failed func(*plan, string)) error {
	return s.loadByFieldSet(ctx, plans, ".id",
		func(pl *plan) string { return strconv.FormatInt(pl.odooID, 10) },
		func(pl *plan) map[string]any { return pl.p.Values },
		func(pl *plan) []string {
			names := make([]string, len(pl.changes))
			for i, c := range pl.changes {
				names[i] = c.Field
			}
			return names
		},
		func(pl *plan, _ int64) { done(pl) }, failed)
}

// loadByFieldSet sends plans through load() in batches, one group per set of
// fields (load() takes the same columns for every row of a call). keyCol is
// the first column: "id" (external id) or ".id" (database id).
func (s *syncRun) loadByFieldSet(ctx context.Context, plans []*plan, keyCol string, key func(*plan) string,
	vals func(*plan) map[string]any, fields func(*plan) []string, ok func(*plan, int64), failed func(*plan, string)) error {
	groups := map[string][]*plan{}
	var order []string
	for _, pl := range plans {
		k := strings.Join(fields(pl), ",")
		if _, seen := groups[k]; !seen {
			order = append(order, k)
		}
		groups[k] = append(groups[k], pl)
	}
	for _, k := range order {
		names := strings.Split(k, ",")
		cols := []string{keyCol}
		for _, f := range names {
			cols = append(cols, s.mapper.ImportColumn(f))
		}
		row := func(pl *plan) []string {
			v := vals(pl)
			r := []string{key(pl)}
			for _, f := range names {
				r = append(r, odoo.FormatImportValue(v[f]))
			}
			return r
		}
		if err := s.loadBatches(ctx, groups[k], cols, row, ok, failed); err != nil {
			return err
		}
	}
	return nil
}

// loadBatches sends rows in batches. load() is all-or-nothing per call: when
// Odoo names bad rows, those items fail and the rest are sent again; when a
// whole call faults, the batch is split until the bad product is isolated.
func (s *syncRun) loadBatches(ctx context.Context, plans []*plan, cols []string, row func(*plan) []string, ok func(*plan, int64), failed func(*plan, string)) error {
	size := s.cfg.Mapping.Options.BatchSize
	for start := 0; start < len(plans); start += size {
		batch := plans[start:min(start+size, len(plans))]
		if err := s.loadOne(ctx, batch, cols, row, ok, failed, 0); err != nil {
			return err
		}
	}
	return nil
}

func (s *syncRun) loadOne(ctx context.Context, batch []*plan, cols []string, row func(*plan) []string, ok func(*plan, int64), failed func(*plan, string), depth int) error {
	if len(batch) == 0 {
		return nil
	}
	rows := make([][]string, len(batch))
	for i, pl := range batch {
		rows[i] = row(pl)
	}
	res, err := s.odoo.Load(ctx, cols, rows)
	if err != nil {
		var f *odoo.Fault
		if !errors.As(err, &f) || f.Code == 3 {
			return err // Odoo unreachable or credentials gone: the run stops
		}
		if len(batch) == 1 {
			failed(batch[0], "Odoo refused the product: "+f.Message())
			s.report(batch)
			return nil
		}
		mid := len(batch) / 2
		if err := s.loadOne(ctx, batch[:mid], cols, row, ok, failed, depth+1); err != nil {
			return err
		}
		return s.loadOne(ctx, batch[mid:], cols, row, ok, failed, depth+1)
	}
	if res.IDs != nil {
		for i, pl := range batch {
			ok(pl, res.IDs[i])
		}
		s.reportWritten(batch)
		return nil
	}
	var retry, bad []*plan
	for i, pl := range batch {
		if msg, isBad := res.RowErr[i]; isBad {
			failed(pl, "Odoo refused the product: "+msg)
			bad = append(bad, pl)
		} else {
			retry = append(retry, pl)
		}
	}
	s.report(bad)
	if msg, whole := res.RowErr[-1]; whole || len(retry) == len(batch) || depth > 8 {
		if msg == "" {
			msg = "Odoo's import refused the batch"
		}
		for _, pl := range retry {
			failed(pl, msg)
		}
		s.report(retry)
		return nil
	}
	return s.loadOne(ctx, retry, cols, row, ok, failed, depth+1)
}

// archiveMissing archives products whose Zoho item was not listed by this
// (complete) full sync: the item was deleted in Zoho.
func (s *syncRun) archiveMissing(ctx context.Context) error {
	var batch []store.ItemState
	after := ""
	for {
		batch = batch[:0]
		var last string
		err := s.store.ScanItems(after, func(st store.ItemState) bool {
			last = st.ZohoID
			seen := st.LastSeenRun == s.runNum || s.drySeen[st.ZohoID]
			if !seen && st.OdooID != 0 && st.State != store.StateArchived {
				batch = append(batch, st)
			}
			return len(batch) < s.cfg.Mapping.Options.BatchSize
		})
		if err != nil {
			return err
		}
		if err := s.archiveGone(ctx, batch); err != nil {
			return err
		}
		if last == "" || last == after || len(batch) < s.cfg.Mapping.Options.BatchSize {
			return nil
		}
		after = last
		if ctx.Err() != nil {
			return errCancelled
		}
	}
}

// archiveGone archives the products of items the listing did not show, after
// asking Zoho for them by id (100 a call): Books pages by name, so an item
// renamed while the pages were read can be missed without being gone. Found
// items are synced like listed ones.
func (s *syncRun) archiveGone(ctx context.Context, states []store.ItemState) error {
	for len(states) > 0 {
		chunk := states[:min(len(states), 100)]
		states = states[len(chunk):]
		ids := make([]string, len(chunk))
		for i, st := range chunk {
			ids[i] = st.ZohoID
		}
		items, goneIDs, err := s.itemsByID(ctx, ids)
		var ze *zoho.Error
		switch {
		case ctx.Err() != nil:
			return errCancelled
		case errors.As(err, &ze) && (ze.Kind == zoho.KindNotFound || ze.Kind == zoho.KindBadRequest):
			// Zoho refused the lookup itself: the listing is the best evidence left.
			s.log.Warn("could not look up unlisted items by id; archiving as listed", "count", len(ids), "error", err)
			items, goneIDs = nil, ids
		case err != nil:
			return err
		}
		var gone []store.ItemState
		for _, st := range chunk {
			if slices.Contains(goneIDs, st.ZohoID) {
				gone = append(gone, st)
			}
		}
		if len(items) > 0 {
			s.log.Info("items the listing missed were found by id and synced", "count", len(items))
			s.ar.emit(func(r *zv1.Run) { r.Progress.Total += int64(len(items)) }, nil)
			if err := s.handlePage(ctx, items); err != nil {
				return err
			}
		}
		if err := s.archiveStates(context.WithoutCancel(ctx), gone, "no longer exists in Zoho"); err != nil {
			return err
		}
	}
	return nil
}

// archiveStates archives products in one write call and records it.
func (s *syncRun) archiveStates(ctx context.Context, states []store.ItemState, why string) error {
	if len(states) == 0 {
		return nil
	}
	ids := make([]int64, len(states))
	for i, st := range states {
		ids[i] = st.OdooID
	}
	if s.dry {
		for _, st := range states {
			pc := &zv1.PlannedChange{ZohoItemId: st.ZohoID, Name: st.Name, Action: zv1.Action_ACTION_ARCHIVE, OdooId: st.OdooID, Note: why,
				Fields: []*zv1.FieldChange{{Field: "active", OldValue: "true", NewValue: "false"}}}
			s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.Archived++ }, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PlannedChange{PlannedChange: pc} })
		}
		return nil
	}
	err := s.odoo.Write(ctx, ids, map[string]any{"active": false})
	var f *odoo.Fault
	if errors.As(err, &f) && f.Code == 2 && strings.Contains(f.String, "does not exist") {
		// Some were deleted in Odoo by hand: archive one by one, forget the deleted.
		for _, st := range states {
			if err := s.archiveStates(ctx, []store.ItemState{st}, why); err != nil {
				return err
			}
		}
		return nil
	}
	if errors.As(err, &f) && len(states) == 1 {
		if strings.Contains(f.String, "does not exist") {
			return s.store.DeleteItem(states[0].ZohoID)
		}
		s.itemError(states[0].ZohoID, states[0].Name, "could not archive: "+f.Message(), zv1.ItemStage_ITEM_STAGE_WRITE, states[0].OdooID)
		return nil
	}
	if err != nil {
		return err
	}
	now := s.e.now()
	for i := range states {
		states[i].State = store.StateArchived
		states[i].LastSyncedAt = now
		if states[i].Values != nil {
			states[i].Values["active"] = false
			states[i].Checksum = "" // the item is gone: if it comes back, rewrite it
		}
	}
	if err := s.store.PutItems(states); err != nil {
		return err
	}
	s.log.Info("archived products whose Zoho item is gone", "count", len(states))
	s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.Archived += int64(len(states)) },
		func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_BatchDone{BatchDone: int64(len(states))} })
	return nil
}
