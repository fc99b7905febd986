package odoo

import (
	"context"
	"encoding/base64"
	"errors"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// ImageField is the product field that holds its picture (Odoo resizes it
// into the smaller image_* fields itself).
const ImageField = "image_1920"

// Limits on one picture write: a few pictures and a few megabytes per call
// keep requests reasonably sized and memory flat, while still batching
// (docs/odoo.md#images, #request-size-and-batch-limits).
const (
	ImageBatchCount = 10
	ImageBatchBytes = 8 << 20
)

// ProductWrite is one product to create or update.
type ProductWrite struct {
	// ZohoID names the product's external id, so that a create repeated after
	// a crash updates the product instead of duplicating it.
	ZohoID string
	// ID is the product's database id for an update; 0 creates the product.
	ID int64
	// Values to write. A create sends all of them.
	Values map[string]any
	// Fields (updates) are the names in Values to send, in order.
	Fields []string
	// Image (creates) is the product's picture, sent in its own row: one call
	// writes both, where a later picture write makes Odoo write every product
	// a second time (docs/odoo.md#images).
	Image []byte
}

// Result is what a write did to one product, by its index in the input.
type Result struct {
	Index int
	ID    int64 // the product's database id (new for a create)
	// Err is nil when written; a *Refusal when Odoo refused this product;
	// wraps ErrMissingRecord when the product no longer exists.
	Err error
	// ImageErr (a *Refusal) is set when the product was created but Odoo
	// refused its picture: it was created again without it.
	ImageErr error
}

// Refusal is a product (or picture) Odoo refused; the rest of its call went through.
type Refusal struct {
	Reason string // for people, in Odoo's words
	cause  error
}

func (r *Refusal) Error() string { return r.Reason }
func (r *Refusal) Unwrap() error { return r.cause }

func refused(reason string, cause error) *Refusal { return &Refusal{Reason: reason, cause: cause} }

// column is the load() column of a field: many2one and many2many values go
// by database id (a many2many cell is a comma-separated list, docs/odoo.md#taxes).
func (c *Client) column(field string) string {
	if t := c.fields[field].Type; t == "many2one" || t == "many2many" {
		return field + "/.id"
	}
	return field
}

// WriteProducts creates (ID 0) and updates products through load(), batchSize
// rows a call: one call per batch rather than one per product. Creates key
// their rows by external id, updates by database id ("id" and ".id" columns).
// load() is all-or-nothing per call (docs/odoo.md#load-and-external-ids):
// when Odoo names bad rows those products
// are refused and the rest sent again; when a whole call faults the batch is
// halved until the bad product is isolated. each receives the results as they
// come, a batch at a time. The error is for the run: Odoo unreachable, or the
// credentials gone.
func (c *Client) WriteProducts(ctx context.Context, ps []ProductWrite, batchSize int, each func([]Result)) error {
	ps, skip, failed, err := c.resolveCategories(ctx, ps)
	if err != nil {
		return err
	}
	if len(failed) > 0 {
		each(failed)
	}
	var creates, updates []int
	for i, p := range ps {
		if skip[i] {
			continue
		}
		if p.ID == 0 {
			creates = append(creates, i)
		} else {
			updates = append(updates, i)
		}
	}
	createFields := func(p ProductWrite) []string { return slices.Sorted(maps.Keys(p.Values)) }
	updateFields := func(p ProductWrite) []string { return p.Fields }
	for _, part := range []struct {
		idx    []int
		keyCol string
		key    func(ProductWrite) string
		fields func(ProductWrite) []string
	}{
		{creates, "id", func(p ProductWrite) string { return XMLID(p.ZohoID) }, createFields},
		{updates, ".id", func(p ProductWrite) string { return strconv.FormatInt(p.ID, 10) }, updateFields},
	} {
		// load() takes the same columns for every row of a call: one group per field set.
		groups := map[string][]int{}
		var order []string
		for _, i := range part.idx {
			k := strings.Join(part.fields(ps[i]), ",")
			if _, seen := groups[k]; !seen {
				order = append(order, k)
			}
			groups[k] = append(groups[k], i)
		}
		for _, k := range order {
			names := strings.Split(k, ",")
			cols := []string{part.keyCol}
			for _, f := range names {
				cols = append(cols, c.column(f))
			}
			row := func(i int) []string {
				r := []string{part.key(ps[i])}
				for _, f := range names {
					r = append(r, FormatImportValue(ps[i].Values[f]))
				}
				return r
			}
			for _, batch := range cutBatches(groups[k], ps, batchSize) {
				if err := c.loadBatch(ctx, batch, cols, row, ps, each); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// cutBatches cuts a group into calls of at most batchSize rows and about
// ImageBatchBytes of pictures (docs/odoo.md#request-size-and-batch-limits).
func cutBatches(idx []int, ps []ProductWrite, batchSize int) [][]int {
	var out [][]int
	start, bytes := 0, 0
	for i, p := range idx {
		bytes += len(ps[p].Image)
		if i+1-start >= batchSize || bytes >= ImageBatchBytes || i == len(idx)-1 {
			out = append(out, idx[start:i+1])
			start, bytes = i+1, 0
		}
	}
	return out
}

// loadBatch writes one batch. When a row carries a picture, the batch gets
// the picture column (an empty cell for a product without one). A product
// refused with its picture is tried alone (Odoo may have refused the whole
// call), then without the picture: created, its result says the picture was
// refused.
func (c *Client) loadBatch(ctx context.Context, batch []int, cols []string, row func(int) []string, ps []ProductWrite, each func([]Result)) error {
	if !slices.ContainsFunc(batch, func(i int) bool { return ps[i].Image != nil }) {
		return c.loadBisect(ctx, batch, cols, row, ps, each, 0)
	}
	dropped := map[int]string{} // rows refused with their picture, and why
	withImage := func(i int) []string {
		img := ""
		if ps[i].Image != nil {
			img = base64.StdEncoding.EncodeToString(ps[i].Image)
		}
		return append(row(i), img)
	}
	imgCols := append(slices.Clone(cols), ImageField)
	var again []int
	err := c.loadBisect(ctx, batch, imgCols, withImage, ps, func(rs []Result) {
		var pass []Result
		for _, r := range rs {
			var rf *Refusal
			if r.Err != nil && ps[r.Index].Image != nil && errors.As(r.Err, &rf) {
				dropped[r.Index] = strings.TrimPrefix(rf.Reason, "Odoo refused the product: ")
				again = append(again, r.Index)
				continue
			}
			pass = append(pass, r)
		}
		if len(pass) > 0 {
			each(pass)
		}
	}, 0)
	if err != nil {
		return err
	}
	for _, i := range again {
		if len(batch) > 1 {
			// Odoo may have refused the whole call: the row alone, picture and all, first.
			ok := false
			err := c.loadBisect(ctx, []int{i}, imgCols, withImage, ps, func(rs []Result) {
				if ok = rs[0].Err == nil; ok {
					each(rs)
				}
			}, 0)
			if err != nil {
				return err
			}
			if ok {
				continue
			}
		}
		reason := dropped[i]
		if err := c.loadBisect(ctx, []int{i}, imgCols, func(i int) []string { return append(row(i), "") }, ps, func(rs []Result) {
			if rs[0].Err == nil {
				rs[0].ImageErr = refused("Odoo refused the image: "+reason, ErrValidation)
			}
			each(rs)
		}, 0); err != nil {
			return err
		}
	}
	return nil
}

func (c *Client) loadBisect(ctx context.Context, batch []int, cols []string, row func(int) []string, ps []ProductWrite, each func([]Result), depth int) error {
	if len(batch) == 0 {
		return nil
	}
	rows := make([][]string, len(batch))
	for i, idx := range batch {
		rows[i] = row(idx)
	}
	res, err := c.Load(ctx, cols, rows)
	if err != nil {
		f, ok := rowFault(err)
		if !ok {
			return err
		}
		if len(batch) == 1 {
			each([]Result{{Index: batch[0], ID: ps[batch[0]].ID, Err: refused(c.explain(ctx, ps[batch[0]], "Odoo refused the product: ", f.Message()), f)}})
			return nil
		}
		mid := len(batch) / 2
		if err := c.loadBisect(ctx, batch[:mid], cols, row, ps, each, depth+1); err != nil {
			return err
		}
		return c.loadBisect(ctx, batch[mid:], cols, row, ps, each, depth+1)
	}
	if res.IDs != nil {
		out := make([]Result, len(batch))
		for i, idx := range batch {
			out[i] = Result{Index: idx, ID: res.IDs[i]}
		}
		each(out)
		return nil
	}
	var retry []int
	var bad []Result
	for i, idx := range batch {
		if msg, isBad := res.RowErr[i]; isBad {
			bad = append(bad, Result{Index: idx, ID: ps[idx].ID, Err: refused(c.explain(ctx, ps[idx], "Odoo refused the product: ", msg), ErrValidation)})
		} else {
			retry = append(retry, idx)
		}
	}
	if len(bad) > 0 {
		each(bad)
	}
	if msg, whole := res.RowErr[-1]; whole || len(retry) == len(batch) || depth > 8 {
		if msg == "" {
			msg = "Odoo's import refused the batch"
		}
		out := make([]Result, len(retry))
		for i, idx := range retry {
			out[i] = Result{Index: idx, ID: ps[idx].ID, Err: refused(msg, ErrValidation)}
		}
		if len(out) > 0 {
			each(out)
		}
		return nil
	}
	return c.loadBisect(ctx, retry, cols, row, ps, each, depth+1)
}

// Image is a picture to send to a product.
type Image struct {
	ID   int64 // the product
	Data []byte
}

// SetImages sends pictures in one load() call; a picture Odoo refuses is
// refused alone (the batch is split to find it). Callers keep batches within
// ImageBatchCount and ImageBatchBytes.
func (c *Client) SetImages(ctx context.Context, imgs []Image) ([]Result, error) {
	idx := make([]int, len(imgs))
	for i := range idx {
		idx[i] = i
	}
	var out []Result
	err := c.setImages(ctx, imgs, idx, &out)
	return out, err
}

func (c *Client) setImages(ctx context.Context, imgs []Image, batch []int, out *[]Result) error {
	rows := make([][]string, len(batch))
	for i, idx := range batch {
		rows[i] = []string{strconv.FormatInt(imgs[idx].ID, 10), base64.StdEncoding.EncodeToString(imgs[idx].Data)}
	}
	res, err := c.Load(ctx, []string{".id", ImageField}, rows)
	if err != nil {
		var f *Fault
		if !asFault(err, &f) {
			return err
		}
		if len(batch) == 1 {
			*out = append(*out, Result{Index: batch[0], ID: imgs[batch[0]].ID, Err: refused("Odoo refused the image: "+f.Message(), f)})
			return nil
		}
		for _, idx := range batch { // isolate the bad one
			if err := c.setImages(ctx, imgs, []int{idx}, out); err != nil {
				return err
			}
		}
		return nil
	}
	if res.IDs != nil {
		for _, idx := range batch {
			*out = append(*out, Result{Index: idx, ID: imgs[idx].ID})
		}
		return nil
	}
	var retry []int
	for i, idx := range batch {
		if msg, bad := res.RowErr[i]; bad {
			*out = append(*out, Result{Index: idx, ID: imgs[idx].ID, Err: refused("Odoo refused the image: "+msg, ErrValidation)})
		} else {
			retry = append(retry, idx)
		}
	}
	if len(retry) == len(batch) {
		for _, idx := range retry {
			*out = append(*out, Result{Index: idx, ID: imgs[idx].ID, Err: refused("Odoo refused the images batch", ErrValidation)})
		}
		return nil
	}
	return c.setImages(ctx, imgs, retry, out)
}

// ClearImages removes the pictures of these products in one call.
func (c *Client) ClearImages(ctx context.Context, ids []int64) ([]Result, error) {
	err := c.Write(ctx, ids, map[string]any{ImageField: false})
	out := make([]Result, len(ids))
	for i, id := range ids {
		out[i] = Result{Index: i, ID: id}
	}
	if err != nil {
		var f *Fault
		if !asFault(err, &f) {
			return nil, err
		}
		for i := range out {
			out[i].Err = refused("could not clear the Odoo image: "+f.Message(), f)
		}
	}
	return out, nil
}

// Archive deactivates products, in one call when it can. A product deleted in
// Odoo by hand gets a result wrapping ErrMissingRecord; one Odoo refuses, a
// *Refusal.
func (c *Client) Archive(ctx context.Context, ids []int64) ([]Result, error) {
	out := make([]Result, len(ids))
	for i, id := range ids {
		out[i] = Result{Index: i, ID: id}
	}
	err := c.Write(ctx, ids, map[string]any{"active": false})
	var f *Fault
	switch {
	case err == nil:
		return out, nil
	case asFault(err, &f) && len(ids) == 1 && errors.Is(f, ErrMissingRecord):
		out[0].Err = f
		return out, nil
	case asFault(err, &f) && len(ids) == 1:
		out[0].Err = refused("could not archive: "+f.Message(), f)
		return out, nil
	case asFault(err, &f) && f.Code == faultUserError && errors.Is(f, ErrMissingRecord):
		// Some were deleted in Odoo by hand: archive one by one.
		for i, id := range ids {
			one, err := c.Archive(ctx, []int64{id})
			if err != nil {
				return nil, err
			}
			out[i].Err = one[0].Err
		}
		return out, nil
	}
	return nil, err
}

func asFault(err error, f **Fault) bool { return errors.As(err, f) }
