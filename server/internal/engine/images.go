package engine

import (
	"context"
	"encoding/base64"
	"errors"
	"strconv"
	"sync"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// ImageFetcher gets an item's checked image (*images.Fetcher).
type ImageFetcher interface {
	Fetch(ctx context.Context, itemID, identity string) (images.Result, error)
}

// Bounds on one image write: a few images and a few megabytes per call keep
// requests reasonably sized and memory flat, while still batching.
const (
	imageBatchCount = 10
	imageBatchBytes = 8 << 20
)

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

// syncImages brings the pages' images in step: downloads (from the cache when
// possible) the images whose Zoho identity changed or failed last time, sends
// those whose bytes differ from what Odoo last received, and clears (or keeps)
// images removed in Zoho. An image problem never fails the product.
func (s *syncRun) syncImages(runCtx, wctx context.Context, plans []*plan, commit map[string]store.ItemState) error {
	opts := s.cfg.Mapping.Options.Images
	var jobs []imageJob
	var clears []imageJob
	var noWork []*plan
	unchanged := int64(0)
	kept := 0
	for _, pl := range plans {
		st, ok := commit[pl.p.ZohoID]
		if !ok {
			st = pl.st
		}
		if st.State == store.StateFailed || pl.odooID == 0 {
			continue
		}
		id := pl.p.ImageIdentity
		switch {
		case id == "" && st.ImageMD5 != "" && !st.ImageCleared:
			if opts.ClearRemoved {
				clears = append(clears, imageJob{pl: pl, clear: true})
			} else {
				kept++
				st.ImageID, st.ImageCleared = "", true
				commit[pl.p.ZohoID] = st
			}
		case id == "":
			noWork = append(noWork, pl)
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
	defer s.report(plans) // whatever is left (failed items, clears)
	if !s.dry {
		s.report(noWork)
	}
	if kept > 0 {
		s.ar.warn(zv1.WarningCode_WARNING_CODE_IMAGES_KEPT, "images removed in Zoho are kept in Odoo (options.images.clear_removed is false)", "")
	}
	if unchanged > 0 {
		s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.ImagesUnchanged += unchanged }, nil)
	}
	if s.dry {
		s.planImages(jobs, clears)
		return nil
	}
	if err := s.clearImages(wctx, clears, commit); err != nil {
		return err
	}
	if len(jobs) == 0 {
		return nil
	}
	return s.fetchAndSend(runCtx, wctx, jobs, commit)
}

func (s *syncRun) planImages(jobs, clears []imageJob) {
	for _, j := range append(jobs, clears...) {
		pc := &zv1.PlannedChange{ZohoItemId: j.pl.p.ZohoID, Name: j.pl.p.Name, Action: zv1.Action_ACTION_UPDATE, OdooId: j.pl.odooID}
		if j.clear {
			pc.Note = "the item has no image in Zoho any more: the Odoo image is cleared"
			pc.Fields = []*zv1.FieldChange{{Field: "image_1920", OldValue: "image md5 " + j.pl.st.ImageMD5, NewValue: ""}}
		} else {
			pc.Note = "image to download and send if its bytes changed"
			pc.Fields = []*zv1.FieldChange{{Field: "image_1920", OldValue: j.pl.st.ImageID, NewValue: j.identity}}
		}
		s.ar.emit(nil, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_PlannedChange{PlannedChange: pc} })
	}
}

func (s *syncRun) clearImages(ctx context.Context, clears []imageJob, commit map[string]store.ItemState) error {
	if len(clears) == 0 {
		return nil
	}
	ids := make([]int64, len(clears))
	for i, j := range clears {
		ids[i] = j.pl.odooID
	}
	if err := s.odoo.Write(ctx, ids, map[string]any{"image_1920": false}); err != nil {
		var f *odoo.Fault
		if !errors.As(err, &f) {
			return err
		}
		for _, j := range clears {
			s.imageError(j, "could not clear the Odoo image: "+f.Message(), commit)
		}
		return nil
	}
	for _, j := range clears {
		st := s.current(j.pl, commit)
		st.ImageID, st.ImageMD5, st.ImageError, st.ImageCleared = "", "", "", true
		commit[j.pl.p.ZohoID] = st
	}
	n := int64(len(clears))
	s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.ImagesCleared += n }, nil)
	return nil
}

func (s *syncRun) current(pl *plan, commit map[string]store.ItemState) store.ItemState {
	if st, ok := commit[pl.p.ZohoID]; ok {
		return st
	}
	return pl.st
}

// fetchAndSend downloads with bounded concurrency and writes the images in
// small batches as they arrive: at most a few images are in memory at once.
// Downloads stop when the run is cancelled (what was not sent is retried by
// the next run); writes already started finish.
func (s *syncRun) fetchAndSend(runCtx, ctx context.Context, jobs []imageJob, commit map[string]store.ItemState) error {
	workers := max(1, s.cfg.Mapping.Options.Images.Concurrency)
	fctx, stop := context.WithCancel(runCtx)
	defer stop()
	in := make(chan imageJob)
	out := make(chan imageResult, workers)
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			for j := range in {
				res, err := s.images.Fetch(fctx, j.pl.p.ZohoID, j.identity)
				out <- imageResult{job: j, res: res, err: err}
			}
		}()
	}
	go func() {
		defer close(in)
		for _, j := range jobs {
			select {
			case in <- j:
			case <-fctx.Done():
				return
			}
		}
	}()
	go func() { wg.Wait(); close(out) }()

	var batch []imageResult
	var batchBytes int
	var fatal error
	flush := func() {
		if len(batch) == 0 || fatal != nil {
			return
		}
		if err := s.sendImages(ctx, batch, commit); err != nil {
			fatal = err
			stop()
		}
		batch, batchBytes = batch[:0], 0
	}
	for r := range out {
		if fatal != nil {
			continue // drain
		}
		st := s.current(r.job.pl, commit)
		var problem *images.Problem
		switch {
		case errors.As(r.err, &problem):
			s.countImage(r.res, false)
			s.imageError(r.job, problem.Reason, commit)
		case r.err != nil:
			fatal = r.err // quota, auth, cancellation: the run stops
			stop()
		case r.res.MD5 == st.ImageMD5 && st.ImageError == "" && st.ImageMD5 != "" && r.job.identity != st.ImageID:
			// New identity, same bytes: nothing to send.
			s.countImage(r.res, true)
			st.ImageID = r.job.identity
			commit[r.job.pl.p.ZohoID] = st
			s.report([]*plan{r.job.pl})
		default:
			s.countImage(r.res, false)
			if r.res.CacheErr != nil {
				s.log.Warn("image cache write failed", "zoho_item_id", r.job.pl.p.ZohoID, "error", r.res.CacheErr)
			}
			batch = append(batch, r)
			batchBytes += len(r.res.Data)
			if len(batch) >= imageBatchCount || batchBytes >= imageBatchBytes {
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

func (s *syncRun) countImage(res images.Result, unchanged bool) {
	s.ar.emit(func(r *zv1.Run) {
		c := r.Progress.Counts
		if res.Downloaded {
			c.ImagesDownloaded++
		}
		c.ImageBytesDownloaded += res.BytesDownloaded
		if unchanged {
			c.ImagesUnchanged++
		}
	}, nil)
}

// sendImages writes a batch of images in one load() call (database ids);
// rows Odoo refuses become image errors.
func (s *syncRun) sendImages(ctx context.Context, batch []imageResult, commit map[string]store.ItemState) error {
	rows := make([][]string, len(batch))
	for i, r := range batch {
		rows[i] = []string{strconv.FormatInt(r.job.pl.odooID, 10), base64.StdEncoding.EncodeToString(r.res.Data)}
	}
	res, err := s.odoo.Load(ctx, []string{".id", "image_1920"}, rows)
	if err != nil {
		var f *odoo.Fault
		if !errors.As(err, &f) {
			return err
		}
		if len(batch) == 1 {
			s.imageError(batch[0].job, "Odoo refused the image: "+f.Message(), commit)
			return nil
		}
		for _, r := range batch { // isolate the bad one
			if err := s.sendImages(ctx, []imageResult{r}, commit); err != nil {
				return err
			}
		}
		return nil
	}
	var sent []imageResult
	if res.IDs != nil {
		sent = batch
	} else {
		var retry []imageResult
		for i, r := range batch {
			if msg, bad := res.RowErr[i]; bad {
				s.imageError(r.job, "Odoo refused the image: "+msg, commit)
			} else {
				retry = append(retry, r)
			}
		}
		if len(retry) == len(batch) {
			for _, r := range retry {
				s.imageError(r.job, "Odoo refused the images batch", commit)
			}
			return nil
		}
		return s.sendImages(ctx, retry, commit)
	}
	var bytes int64
	for _, r := range sent {
		st := s.current(r.job.pl, commit)
		st.ImageID, st.ImageMD5, st.ImageError, st.ImageCleared = r.job.identity, r.res.MD5, "", false
		commit[r.job.pl.p.ZohoID] = st
		bytes += int64(len(r.res.Data))
	}
	s.ar.emit(func(r *zv1.Run) { r.Progress.Counts.ImageBytesSent += bytes }, nil)
	done := make([]*plan, len(sent))
	for i, r := range sent {
		done[i] = r.job.pl
	}
	s.report(done)
	return nil
}

// imageError records an image problem: the product stays synced, the image is
// retried on the next run (its identity is not recorded as sent).
func (s *syncRun) imageError(j imageJob, reason string, commit map[string]store.ItemState) {
	st := s.current(j.pl, commit)
	st.ImageError = reason
	commit[j.pl.p.ZohoID] = st
	e := &zv1.ItemError{ZohoItemId: j.pl.p.ZohoID, Name: j.pl.p.Name, Reason: "image: " + reason, Stage: zv1.ItemStage_ITEM_STAGE_IMAGE, OdooId: j.pl.odooID}
	s.log.Warn("image failed", "zoho_item_id", j.pl.p.ZohoID, "reason", reason)
	s.ar.emit(func(r *zv1.Run) {
		r.Progress.Counts.ImagesFailed++
		if len(r.ItemErrors) < maxRunItemErrors {
			r.ItemErrors = append(r.ItemErrors, e)
		}
	}, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_ItemError{ItemError: e} })
	s.report([]*plan{j.pl})
}
