package engine

import (
	"context"
	"time"

	"github.com/zohosync/zohosync/server/internal/zoho"
)

// reader is the read stage: Zoho items by page (the whole catalogue) or by id.
type reader struct {
	zoho   ZohoSource
	src    zoho.Source
	since  time.Time    // set: only the items modified since then (docs/zoho.md#incremental-reads)
	before func() error // asked before each call (the quota reserve); nil: none
}

type fetchedPage struct {
	page zoho.Page
	err  error
}

// pages lists the catalogue, reading the next page while the current one is
// written to Odoo.
func (r reader) pages(ctx context.Context) <-chan fetchedPage {
	out := make(chan fetchedPage, 1)
	go func() {
		defer close(out)
		for n := 1; ; n++ {
			var p zoho.Page
			err := r.check()
			switch {
			case err != nil:
			case r.since.IsZero():
				p, err = r.zoho.ListItems(ctx, r.src, n)
			default:
				p, err = r.zoho.ListModified(ctx, r.src, r.since, n)
			}
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

// byID asks Zoho for these items (at most 100) and splits the answer into
// the items it still has and the ids it no longer knows.
func (r reader) byID(ctx context.Context, ids []string) (items []zoho.Item, gone []string, err error) {
	if err := r.check(); err != nil {
		return nil, nil, err
	}
	items, err = r.zoho.ItemDetails(ctx, r.src, ids)
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

func (r reader) check() error {
	if r.before == nil {
		return nil
	}
	return r.before()
}

// dedupe drops repeats of an item within a page.
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
