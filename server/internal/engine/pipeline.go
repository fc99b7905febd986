package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// syncRun orchestrates one run through the stages, page by page:
//
//	read → map → lookup → plan → write → images → commit, with report throughout
//
// It holds no logic of its own beyond the order of the stages and the loops
// over pages (docs/architecture.md).
type syncRun struct {
	runNum int64
	kind   zv1.RunKind
	dry    bool
	cfg    *config.Config
	store  Store
	zoho   ZohoSource
	odoo   OdooTarget
	log    *slog.Logger
	now    func() time.Time

	report   *reporter
	read     reader
	mapItems mapStage
	lookup   *lookup
	planner  planner
	writer   *writer
	pictures *pictures // nil when image sync is off
	archiver *archiver
	quota    *quotaGate
	stock    *stocker // nil when stock sync is off, or this Odoo has no stock app

	imageFetcher ImageFetcher
	connected    bool            // Odoo is open and the Odoo-side stages are built (connect)
	drySeen      map[string]bool // a dry run records nothing, so it remembers what it listed
	ids          []string        // the items a webhook run reads by id
}

// run does the whole run. The returned error concerns the whole run; item
// problems are reported as item errors and do not stop it.
func (s *syncRun) run(ctx context.Context) (err error) {
	if nr, ok := s.zoho.(interface{ NewRun() }); ok {
		nr.NewRun()
	}
	// Odoo is opened only when a page has something to write or compare
	// (handlePage), or up front when the run needs it whatever Zoho says (stock).
	s.read = reader{zoho: s.zoho, src: zoho.Source(s.cfg.Zoho.ItemSource), before: s.quota.listPage}
	s.archiver = &archiver{odoo: s.odoo, store: s.store, dry: s.dry, now: s.now, report: s.report, log: s.log}
	if s.kind == zv1.RunKind_RUN_KIND_STOCK || s.cfg.Mapping.Options.Stock.Enabled {
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	s.report.phase(zv1.Phase_PHASE_SYNCING)
	listed, err := s.syncItems(ctx)
	if err != nil {
		return err
	}
	defer func() { err = s.quota.end(err) }() // pictures left for later make the run stop at the reserve
	if s.kind == zv1.RunKind_RUN_KIND_FULL && s.cfg.Mapping.Options.ArchiveMissing && listed {
		s.report.phase(zv1.Phase_PHASE_ARCHIVING)
		if err := s.archiveMissing(ctx); err != nil {
			return err
		}
	}
	return nil
}

// connect logs in to Odoo, checks the mapping against its fields and builds
// the stages for its dialect; once a run: later calls do nothing.
func (s *syncRun) connect(ctx context.Context) error {
	if s.connected {
		return nil
	}
	opts := s.cfg.Mapping.Options
	schema, err := s.odoo.Connect(ctx, s.cfg.Mapping.OdooFields())
	if err != nil {
		return err
	}
	mp, err := mapping.New(s.cfg.Mapping, schema.Fields, schema.Dialect, schema.Units, schema.Categories)
	if err != nil {
		return &configError{err}
	}
	s.report.warnings(mp.Warnings, "")
	if err := s.connectTaxes(ctx, schema.Fields, mp); err != nil {
		return err
	}
	s.report.show = mp.Show
	s.mapItems = mapStage{mapper: mp}
	s.planner = planner{full: s.kind == zv1.RunKind_RUN_KIND_FULL, diff: mp.Diff}
	want := odoo.Want{Fields: mp.Fields()}
	if opts.Images.Enabled && s.imageFetcher != nil {
		want.Image = true // read as its size, not its bytes
		s.pictures = &pictures{fetch: s.imageFetcher, odoo: s.odoo, opts: opts.Images, dry: s.dry, report: s.report, log: s.log, quota: s.quota}
	}
	s.lookup = &lookup{odoo: s.odoo, linked: s.store.LinkedOdooIDs, want: want, sku: opts.MatchBySKU, name: opts.MatchByName, warn: s.report.warn, log: s.log}
	s.writer = &writer{odoo: s.odoo, batchSize: opts.BatchSize, warn: s.report.warn, log: s.log}
	if err := s.connectStock(ctx, schema.Dialect); err != nil {
		return err
	}
	s.connected = true
	s.log.Info("connected", "odoo_version", schema.Version.Full, "type_field", schema.Dialect.TypeField, "source", s.read.src)
	return nil
}

// syncItems pages through Zoho (or, for a retry run, the failed items) and
// handles each page. It reports whether the whole catalogue was listed.
func (s *syncRun) syncItems(ctx context.Context) (bool, error) {
	if s.kind == zv1.RunKind_RUN_KIND_RETRY_FAILED {
		return false, s.syncFailed(ctx, nil)
	}
	if s.kind == zv1.RunKind_RUN_KIND_WEBHOOK {
		return false, s.syncIDs(ctx, s.ids)
	}
	var cur *cursor
	if s.kind == zv1.RunKind_RUN_KIND_STOCK {
		if s.stock == nil {
			return false, nil // stock is off for this Odoo (warned): nothing to do
		}
		// a stock-only run writes no product fields: it lists every item and moves no cursor
		cur = &cursor{dry: true, now: s.now, started: s.now(), handled: map[string]bool{}}
	} else {
		var err error
		if cur, err = s.chooseRead(ctx); err != nil {
			return false, err
		}
	}
	s.read.since = cur.since
	seen := int64(0)
	for p := range s.read.pages(ctx) {
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
		s.report.setTotal(total)
		s.quota.setRest(total, seen, p.page.HasMore)
		if err := s.handlePage(ctx, p.page.Items); err != nil {
			return false, err
		}
		if err := cur.committed(p.page.Items); err != nil {
			return false, err
		}
		if !p.page.HasMore {
			if err := cur.listed(); err != nil {
				return false, err
			}
			if !cur.incremental() {
				return true, nil
			}
			// a failed item is not listed again until it changes: retry it by id
			return false, s.syncFailed(ctx, cur.handled)
		}
		if ctx.Err() != nil {
			return false, errCancelled
		}
	}
	return false, errCancelled
}

// syncFailed re-reads the failed items by id (but those in skip, handled
// already) and handles them.
func (s *syncRun) syncFailed(ctx context.Context, skip map[string]bool) error {
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
		ids = slices.DeleteFunc(ids, func(id string) bool { return skip[id] })
		if len(ids) == 0 {
			continue
		}
		s.report.addTotal(int64(len(ids)))
		if err := s.syncChunk(ctx, ids); err != nil {
			return err
		}
	}
}

// syncChunk reads these items (at most 100) by id and handles them like a
// page; those Zoho no longer has go to forgetGone.
func (s *syncRun) syncChunk(ctx context.Context, ids []string) error {
	items, gone, err := s.read.byID(ctx, ids)
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
	return nil
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
		s.report.done(nil, 1)
	}
	if len(toArchive) > 0 {
		if err := s.connect(ctx); err != nil {
			return err
		}
	}
	return s.archiver.archive(ctx, toArchive, "no longer exists in Zoho")
}

// handlePage takes one page of items through the stages.
func (s *syncRun) handlePage(ctx context.Context, items []zoho.Item) (err error) {
	if !s.dry {
		if err := s.store.CheckSpace(); err != nil {
			return err
		}
	}
	items = dedupe(items)
	s.report.seen(len(items))
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
	l := newLedger(s.now())
	// commit: whatever happens below, record what was done.
	defer func() {
		if s.dry {
			return
		}
		if cerr := s.store.PutItems(l.batch(s.runNum)); cerr != nil && err == nil {
			err = fmt.Errorf("cannot record progress in the data directory: %w", cerr)
		}
	}()

	// unchanged input (smart syncs): items as last handled need neither the mapping nor Odoo
	sums := inputSums(s.cfg.Mapping, items)
	if items = s.skipUnchanged(items, states, sums, l); len(items) == 0 {
		return nil
	}
	if err := s.connect(ctx); err != nil {
		return err
	}

	// map
	plans, unmapped, warns := s.mapItems.run(items, states, sums)
	for _, w := range warns {
		s.report.warnings(w.ws, w.zohoID)
	}
	s.countTaxes(plans)
	for _, f := range unmapped {
		reason := f.err.Error()
		st := f.st
		st.InputSum = f.inputSum
		st = l.failed(st, reason)
		s.report.itemError(st.ZohoID, f.name, reason, zv1.ItemStage_ITEM_STAGE_MAP, st.OdooID, sameFailure(f.st, reason, f.inputSum))
	}
	wctx := context.WithoutCancel(ctx) // a batch in flight finishes even when the run is cancelled

	// lookup → plan
	if err := s.lookup.run(wctx, plans, s.planner.needsRecord); err != nil {
		return err
	}
	if s.kind == zv1.RunKind_RUN_KIND_STOCK {
		return s.stockOnly(wctx, plans, items, len(unmapped))
	}
	for _, pl := range plans {
		s.planner.decide(pl)
		if pl.action == zv1.Action_ACTION_UNCHANGED {
			l.unchanged(pl)
		}
	}
	if s.dry {
		for _, pl := range plans {
			s.report.plan(pl)
		}
	} else {
		// write
		var carry func([]*plan, func([]*plan) error) error
		if s.pictures != nil {
			carry = func(creates []*plan, write func([]*plan) error) error {
				return s.pictures.carry(ctx, creates, s.cfg.Mapping.Options.BatchSize, createShape, write)
			}
		}
		err := s.writer.run(wctx, plans, carry, func(written, failed []*plan) {
			for _, pl := range written {
				l.written(pl)
				if pl.carried {
					s.pictures.carriedWritten(pl, l)
				}
			}
			for _, pl := range failed {
				l.writeFailed(pl)
				s.report.itemError(pl.p.ZohoID, pl.p.Name, pl.failReason, zv1.ItemStage_ITEM_STAGE_WRITE, pl.odooID, sameFailure(pl.st, pl.failReason, pl.inputSum))
			}
			s.report.done(failed, 0)
			if s.pictures == nil {
				s.report.done(written, 0) // with images on, the image stage reports them
			}
		})
		if err != nil {
			return err
		}
	}
	if s.pictures != nil {
		if err := s.pictures.run(ctx, wctx, plans, l); err != nil {
			return err
		}
	}
	if s.stock != nil {
		if err := s.stock.run(wctx, plans, itemsByID(items)); err != nil {
			return err
		}
	}
	// report what the write batches did not (unchanged items, items that failed to map)
	s.report.done(plans, int64(len(unmapped)))
	return nil
}

// archiveMissing archives products whose Zoho item was not listed by this
// (complete) full sync: the item was deleted in Zoho.
func (s *syncRun) archiveMissing(ctx context.Context) error {
	size := s.cfg.Mapping.Options.BatchSize
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
			return len(batch) < size
		})
		if err != nil {
			return err
		}
		if err := s.archiveGone(ctx, batch); err != nil {
			return err
		}
		if last == "" || last == after || len(batch) < size {
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
		items, goneIDs, err := s.read.byID(ctx, ids)
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
			s.report.addTotal(int64(len(items)))
			if err := s.handlePage(ctx, items); err != nil {
				return err
			}
		}
		if len(gone) > 0 {
			if err := s.connect(ctx); err != nil {
				return err
			}
		}
		if err := s.archiver.archive(context.WithoutCancel(ctx), gone, "no longer exists in Zoho"); err != nil {
			return err
		}
	}
	return nil
}
