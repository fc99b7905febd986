package engine

import (
	"context"
	"errors"
	"log/slog"
	"sync"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// pictures is the image stage: it brings the page's images in step after the
// products are written. It downloads (from the cache when possible) the
// images whose Zoho identity changed or failed last time, sends those whose
// bytes differ from what Odoo last received, and clears (or keeps) images
// removed in Zoho. An image problem never fails the product.
type pictures struct {
	fetch  ImageFetcher
	odoo   odooPictures
	opts   config.ImageOptions
	dry    bool
	report *reporter
	log    *slog.Logger
	quota  *quotaGate // nil: downloads are not planned against the quota
}

type imageJob struct {
	pl       *plan
	clear    bool
	identity string
}

type imageResult struct {
	job imageJob
	res images.Result
	err error
}

// run handles the page's plans; with images on, an item is done only when its
// image is, so this stage reports every plan.
func (s *pictures) run(runCtx, wctx context.Context, plans []*plan, l *ledger) error {
	var jobs, clears []imageJob
	var noWork, missing []*plan
	unchanged := int64(0)
	kept := 0
	for _, pl := range plans {
		st := l.current(pl)
		if st.State == store.StateFailed || pl.odooID == 0 || pl.carried {
			continue
		}
		id := pl.p.ImageIdentity
		switch {
		case id == "" && st.ImageMD5 != "" && !st.ImageCleared:
			if s.opts.ClearRemoved {
				clears = append(clears, imageJob{pl: pl, clear: true})
			} else {
				kept++
				st.ImageID, st.ImageCleared = "", true
				l.put(st)
			}
		case id == "":
			noWork = append(noWork, pl)
		case knownMissing(st, id):
			// Zoho said it has no picture for these image fields: not asked again
			missing = append(missing, pl)
		case id != st.ImageID || st.ImageError != "" || st.ImageMD5 == "":
			jobs = append(jobs, imageJob{pl: pl, identity: id})
		case pl.imageKnown && !pl.odooHasImage:
			// Full sync: Odoo lost the image (removed by hand); send it again,
			// from the cache when it is there.
			jobs = append(jobs, imageJob{pl: pl, identity: id})
		default:
			unchanged++
			noWork = append(noWork, pl)
		}
	}
	defer s.report.done(plans, 0) // whatever is left (failed items, clears)
	if !s.dry {
		s.report.done(noWork, 0)
	}
	if kept > 0 {
		s.report.warn(zv1.WarningCode_WARNING_CODE_IMAGES_KEPT, "images removed in Zoho are kept in Odoo (options.images.clear_removed is false)", "")
	}
	if unchanged > 0 {
		s.report.counts(func(c *zv1.Counts) { c.ImagesUnchanged += unchanged })
	}
	for _, pl := range missing {
		s.failed(imageJob{pl: pl, identity: pl.p.ImageIdentity}, l.current(pl).ImageError, true, l)
	}
	if s.dry {
		s.plan(jobs, clears)
		return nil
	}
	if err := s.clear(wctx, clears, l); err != nil {
		return err
	}
	if len(jobs) == 0 {
		return nil
	}
	if s.quota != nil {
		// Product data first: pictures that do not fit stay pending (their
		// identity unrecorded) for a run after the reset.
		n := s.quota.pictures(len(jobs))
		s.quota.deferPictures(len(jobs) - n)
		if jobs = jobs[:n]; len(jobs) == 0 {
			return nil
		}
	}
	return s.fetchAndSend(runCtx, wctx, jobs, l)
}

func (s *pictures) plan(jobs, clears []imageJob) {
	for _, j := range append(jobs, clears...) {
		pc := &zv1.PlannedChange{ZohoItemId: j.pl.p.ZohoID, Name: j.pl.p.Name, Action: zv1.Action_ACTION_UPDATE, OdooId: j.pl.odooID}
		if j.clear {
			pc.Note = "the item has no image in Zoho any more: the Odoo image is cleared"
			pc.Fields = []*zv1.FieldChange{{Field: odoo.ImageField, OldValue: "image md5 " + j.pl.st.ImageMD5, NewValue: ""}}
		} else {
			pc.Note = "image to download and send if its bytes changed"
			pc.Fields = []*zv1.FieldChange{{Field: odoo.ImageField, OldValue: j.pl.st.ImageID, NewValue: j.identity}}
		}
		s.report.planned(pc, nil)
	}
}

func (s *pictures) clear(ctx context.Context, clears []imageJob, l *ledger) error {
	if len(clears) == 0 {
		return nil
	}
	ids := make([]int64, len(clears))
	for i, j := range clears {
		ids[i] = j.pl.odooID
	}
	results, err := s.odoo.ClearImages(ctx, ids)
	if err != nil {
		return err
	}
	n := int64(0)
	for _, r := range results {
		j := clears[r.Index]
		if r.Err != nil {
			s.failed(j, r.Err.Error(), false, l)
			continue
		}
		st := l.current(j.pl)
		st.ImageID, st.ImageMD5, st.ImageCleared = "", "", true
		clearImageError(&st)
		l.put(st)
		n++
	}
	if n > 0 {
		s.report.counts(func(c *zv1.Counts) { c.ImagesCleared += n })
	}
	return nil
}

// fetchAndSend downloads with bounded concurrency and writes the images in
// small batches as they arrive: at most a few images are in memory at once.
// Downloads stop when the run is cancelled (what was not sent is retried by
// the next run); writes already started finish.
func (s *pictures) fetchAndSend(runCtx, ctx context.Context, jobs []imageJob, l *ledger) error {
	fctx, stop := context.WithCancel(runCtx)
	defer stop()
	out := s.download(fctx, jobs)

	var batch []imageResult
	var batchBytes int
	var fatal error
	flush := func() {
		if len(batch) == 0 || fatal != nil {
			return
		}
		if err := s.send(ctx, batch, l); err != nil {
			fatal = err
			stop()
		}
		batch, batchBytes = batch[:0], 0
	}
	for r := range out {
		if fatal != nil {
			continue // drain
		}
		st := l.current(r.job.pl)
		var problem *images.Problem
		switch {
		case errors.As(r.err, &problem):
			s.count(r.res, false)
			s.failed(r.job, problem.Reason, problem.NoImage, l)
		case r.err != nil:
			fatal = r.err // quota, auth, cancellation: the run stops
			stop()
		case r.res.MD5 == st.ImageMD5 && st.ImageError == "" && st.ImageMD5 != "" && r.job.identity != st.ImageID:
			// New identity, same bytes: nothing to send.
			s.count(r.res, true)
			st.ImageID = r.job.identity
			l.put(st)
			s.report.done([]*plan{r.job.pl}, 0)
		default:
			s.count(r.res, false)
			if r.res.CacheErr != nil {
				s.log.Warn("image cache write failed", "zoho_item_id", r.job.pl.p.ZohoID, "error", r.res.CacheErr)
			}
			batch = append(batch, r)
			batchBytes += len(r.res.Data)
			if len(batch) >= odoo.ImageBatchCount || batchBytes >= odoo.ImageBatchBytes {
				flush()
			}
		}
	}
	flush()
	if errors.Is(fatal, context.Canceled) && runCtx.Err() != nil {
		return nil // cancelled: the caller notices and stops after this page
	}
	return fatal
}

func (s *pictures) count(res images.Result, unchanged bool) {
	s.report.counts(func(c *zv1.Counts) {
		if res.Downloaded {
			c.ImagesDownloaded++
		}
		c.ImageBytesDownloaded += res.BytesDownloaded
		if unchanged {
			c.ImagesUnchanged++
		}
	})
}

// send writes a batch of images; those Odoo refuses become image errors.
func (s *pictures) send(ctx context.Context, batch []imageResult, l *ledger) error {
	imgs := make([]odoo.Image, len(batch))
	for i, r := range batch {
		imgs[i] = odoo.Image{ID: r.job.pl.odooID, Data: r.res.Data}
	}
	results, err := s.odoo.SetImages(ctx, imgs)
	if err != nil {
		return err
	}
	var bytes int64
	var done []*plan
	for _, res := range results {
		r := batch[res.Index]
		if res.Err != nil {
			s.failed(r.job, res.Err.Error(), false, l)
			continue
		}
		st := l.current(r.job.pl)
		st.ImageID, st.ImageMD5, st.ImageCleared = r.job.identity, r.res.MD5, false
		clearImageError(&st)
		l.put(st)
		bytes += int64(len(r.res.Data))
		done = append(done, r.job.pl)
	}
	if bytes > 0 {
		s.report.counts(func(c *zv1.Counts) { c.ImageBytesSent += bytes })
	}
	s.report.done(done, 0)
	return nil
}

// failed records an image problem: the product stays synced, the image is
// retried on the next run (its identity is not recorded as sent) unless
// Zoho's answer was that it has no picture for it (missing). It is a repeated
// failure when the last run ended the same way for the same picture.
func (s *pictures) failed(j imageJob, reason string, missing bool, l *ledger) {
	prev := j.pl.st // as the last run left it
	repeated := prev.ImageError == reason && prev.ImageErrorID == j.identity
	st := l.current(j.pl)
	st.ImageError, st.ImageErrorID, st.ImageMissing = reason, j.identity, missing
	l.put(st)
	s.report.imageError(j.pl.p.ZohoID, j.pl.p.Name, reason, j.pl.odooID, repeated)
	s.report.done([]*plan{j.pl}, 0)
}

// clearImageError forgets an image problem once the picture is in step.
func clearImageError(st *store.ItemState) {
	st.ImageError, st.ImageErrorID, st.ImageMissing = "", "", false
}

// knownMissing: Zoho said it has no picture for this image identity
// (docs/zoho.md#item-images); asking again would cost a call for the same answer.
func knownMissing(st store.ItemState, identity string) bool {
	return identity != "" && st.ImageMissing && st.ImageErrorID == identity && st.ImageError != ""
}

// pictureSettled says whether the image stage (run) would make no call for
// an item with this state and image identity on a smart sync; missing is a
// known "no image" answer, to report again without asking.
func pictureSettled(st store.ItemState, identity string) (settled, missing bool) {
	switch {
	case identity == "":
		return st.ImageMD5 == "" || st.ImageCleared, false
	case knownMissing(st, identity):
		return true, true
	default:
		return identity == st.ImageID && st.ImageError == "" && st.ImageMD5 != "", false
	}
}

// carry brings the pictures of new products and hands the products to write
// in batches of batchSize or about odoo.ImageBatchBytes of pictures, each
// picture in its product's row: a later picture write would make Odoo write
// every product a second time. The next batch's pictures download while one
// is written (one write in flight, so Odoo sees the calls in the same order).
// A picture that cannot be had (a bad image, or downloads stopped by a quota
// or a cancellation) leaves its product to be written without it.
func (s *pictures) carry(runCtx context.Context, creates []*plan, batchSize int, shape func(*plan) string, write func([]*plan) error) error {
	var direct, fetch []*plan
	for _, pl := range creates {
		pl.carried = true
		if knownMissing(pl.st, pl.p.ImageIdentity) {
			pl.imageErr, pl.imageMissing = pl.st.ImageError, true // not asked again
			direct = append(direct, pl)
		} else if pl.p.ImageIdentity == "" {
			direct = append(direct, pl)
		} else {
			fetch = append(fetch, pl)
		}
	}
	if s.quota != nil {
		// Pictures that do not fit are left to the image stage, which defers them.
		n := s.quota.pictures(len(fetch))
		for _, pl := range fetch[n:] {
			pl.carried = false
		}
		direct, fetch = append(direct, fetch[n:]...), fetch[:n]
	}
	var inflight chan error // the write under way, if any: its outcome arrives on it
	wait := func() error {
		if inflight == nil {
			return nil
		}
		err := <-inflight
		inflight = nil
		return err
	}
	// Products of one shape (set of fields) can share a call: a batch fills per shape.
	type group struct {
		plans []*plan
		bytes int
	}
	pending := map[string]*group{}
	var shapes []string
	flush := func(g *group) error {
		if err := wait(); err != nil || len(g.plans) == 0 {
			return err
		}
		batch := g.plans
		g.plans, g.bytes = nil, 0
		inflight = make(chan error, 1)
		go func() { inflight <- write(batch) }()
		return nil
	}
	add := func(pl *plan) error {
		k := shape(pl)
		g := pending[k]
		if g == nil {
			g = &group{}
			pending[k] = g
			shapes = append(shapes, k)
		}
		g.plans = append(g.plans, pl)
		if pl.image != nil {
			g.bytes += len(pl.image.Data)
		}
		if len(g.plans) < max(1, batchSize) && g.bytes < odoo.ImageBatchBytes {
			return nil
		}
		return flush(g)
	}

	fctx, stop := context.WithCancel(runCtx)
	defer stop()
	jobs := make([]imageJob, len(fetch))
	for i, pl := range fetch {
		jobs[i] = imageJob{pl: pl, identity: pl.p.ImageIdentity}
	}
	out := s.download(fctx, jobs)

	var writeErr, fatal error
	for _, pl := range direct {
		if writeErr = add(pl); writeErr != nil {
			stop()
			break
		}
	}
	fetched := make(map[*plan]bool, len(fetch))
	for r := range out {
		if writeErr != nil {
			continue // drain
		}
		pl := r.job.pl
		fetched[pl] = true
		var problem *images.Problem
		switch {
		case errors.As(r.err, &problem):
			s.count(r.res, false)
			pl.imageErr, pl.imageMissing = problem.Reason, problem.NoImage
		case r.err != nil:
			if fatal == nil {
				fatal = r.err // quota, auth, cancellation: no more downloads; the products are still written
			}
			stop()
		default:
			s.count(r.res, false)
			if r.res.CacheErr != nil {
				s.log.Warn("image cache write failed", "zoho_item_id", pl.p.ZohoID, "error", r.res.CacheErr)
			}
			res := r.res
			pl.image = &res
		}
		if writeErr = add(pl); writeErr != nil {
			stop()
		}
	}
	for _, pl := range fetch { // never asked for: downloads stopped
		if writeErr == nil && !fetched[pl] {
			writeErr = add(pl)
		}
	}
	for _, k := range shapes {
		if writeErr == nil {
			writeErr = flush(pending[k])
		}
	}
	if err := wait(); writeErr == nil {
		writeErr = err
	}
	if writeErr != nil {
		return writeErr
	}
	if errors.Is(fatal, context.Canceled) && runCtx.Err() != nil {
		return nil // cancelled: the caller notices and stops after this page
	}
	return fatal
}

// carriedWritten records what became of a new product's picture once the
// product is written: sent with it, refused or unusable (an image error, so
// the next run tries again), or none to send. A picture whose download never
// happened is not recorded, so the next run sends it.
func (s *pictures) carriedWritten(pl *plan, l *ledger) {
	st := l.current(pl)
	switch {
	case pl.image != nil:
		st.ImageID, st.ImageMD5, st.ImageCleared = pl.p.ImageIdentity, pl.image.MD5, false
		clearImageError(&st)
		l.put(st)
		n := int64(len(pl.image.Data))
		pl.image = nil
		s.report.counts(func(c *zv1.Counts) { c.ImageBytesSent += n })
	case pl.imageErr != "":
		s.failed(imageJob{pl: pl, identity: pl.p.ImageIdentity}, pl.imageErr, pl.imageMissing, l)
	}
	s.report.done([]*plan{pl}, 0)
}

// download fetches the jobs' pictures, s.opts.Concurrency at a time, and sends
// each result as it arrives; the channel closes when every job is done or ctx ends.
func (s *pictures) download(ctx context.Context, jobs []imageJob) <-chan imageResult {
	workers := max(1, s.opts.Concurrency)
	in := make(chan imageJob)
	out := make(chan imageResult, workers)
	var wg sync.WaitGroup
	for range workers {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				res, err := s.fetch.Fetch(ctx, j.pl.p.ZohoID, j.identity)
				out <- imageResult{job: j, res: res, err: err}
			}
		}()
	}
	go func() {
		defer close(in)
		for _, j := range jobs {
			select {
			case in <- j:
			case <-ctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()
	return out
}
