package engine

import (
	"context"
	"encoding/json"
	"maps"
	"slices"
	"time"

	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// ListModified lists the items modified strictly after since (Inventory:
// ascending by last_modified_time, as Zoho documents), or everything when the
// fake plays an organisation that ignores the filter.
func (z *fakeZoho) ListModified(ctx context.Context, src zoho.Source, since time.Time, page int) (zoho.Page, error) {
	if z.gate != nil {
		z.gate(ctx, page)
		if err := ctx.Err(); err != nil {
			return zoho.Page{}, err
		}
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.calls++
	z.listCalls++
	if z.listErr != nil {
		return zoho.Page{}, z.listErr
	}
	if z.ignoresFilter {
		return z.pageOf(z.items, page), nil
	}
	var out []zoho.Item
	for _, it := range z.items {
		if it.LastModified().After(since) {
			out = append(out, it)
		}
	}
	if src == zoho.Inventory {
		slices.SortStableFunc(out, func(a, b zoho.Item) int { return a.LastModified().Compare(b.LastModified()) })
	}
	return z.pageOf(out, page), nil
}

func (z *fakeZoho) ModifiedFilterHonoured(_ context.Context, _ zoho.Source, _ time.Time) (bool, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.calls++
	z.listCalls++
	if z.listErr != nil {
		return false, z.listErr
	}
	return !z.ignoresFilter || len(z.items) == 0, nil
}

// lists is the number of list calls so far.
func (z *fakeZoho) lists() int64 {
	z.mu.Lock()
	defer z.mu.Unlock()
	return z.listCalls
}

// touch edits the item's last_modified_time (and a field, so it has changed).
func (z *fakeZoho) touch(id string, at time.Time, rate float64) {
	z.mu.Lock()
	defer z.mu.Unlock()
	for i, it := range z.items {
		if it.ID == id {
			it.Fields = maps.Clone(it.Fields) // items already handed out keep theirs
			lmt, _ := json.Marshal(at.Format(zoho.TimeLayout))
			r, _ := json.Marshal(rate)
			it.Fields["last_modified_time"], it.Fields["rate"] = lmt, r
			z.items[i] = it
		}
	}
}

func (s *fakeStore) GetMeta(name string, v any) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	b, ok := s.meta[name]
	if !ok {
		return store.ErrNotFound
	}
	return json.Unmarshal(b, v)
}

func (s *fakeStore) PutMeta(name string, v any) error {
	b, err := json.Marshal(v)
	if err != nil {
		return err
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.meta == nil {
		s.meta = map[string][]byte{}
	}
	s.meta[name] = b
	return nil
}
