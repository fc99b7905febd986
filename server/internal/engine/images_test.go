package engine

import (
	"context"
	"log/slog"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/store"
)

func TestPicturesSendClearKeepAndFail(t *testing.T) {
	o := newFakeOdoo()
	f := &fakeImages{data: map[string][]byte{"new": []byte("png-1"), "lost": []byte("png-2")}, problem: map[string]string{"broken": "not an image"}}
	ids := map[string]int64{}
	for _, z := range []string{"new", "same", "removed", "lost", "broken", "failed"} {
		ids[z] = o.add(map[string]any{"name": z})
	}
	o.images[ids["removed"]] = []byte("old")
	mk := func(z, identity string, st store.ItemState) *plan {
		st.ZohoID = z
		return &plan{p: mapping.Product{ZohoID: z, Name: z, ImageIdentity: identity}, st: st, odooID: ids[z], action: zv1.Action_ACTION_UNCHANGED}
	}
	plans := []*plan{
		mk("new", "img-1", store.ItemState{}),
		mk("same", "img-s", store.ItemState{ImageID: "img-s", ImageMD5: "m"}),
		mk("removed", "", store.ItemState{ImageID: "img-r", ImageMD5: "m"}),
		mk("lost", "img-l", store.ItemState{ImageID: "img-l", ImageMD5: "m"}),
		mk("broken", "img-b", store.ItemState{}),
		mk("failed", "img-f", store.ItemState{State: store.StateFailed}),
	}
	plans[3].imageKnown, plans[3].odooHasImage = true, false // full sync: Odoo lost it
	rep, ar := testReporter()
	s := &pictures{fetch: f, odoo: o, opts: config.ImageOptions{ClearRemoved: true, Concurrency: 2}, report: rep, log: slog.New(slog.DiscardHandler)}
	l := newLedger(time.Now())
	if err := s.run(context.Background(), context.Background(), plans, l); err != nil {
		t.Fatal(err)
	}
	if string(o.images[ids["new"]]) != "png-1" || string(o.images[ids["lost"]]) != "png-2" {
		t.Errorf("images sent: %v", o.images)
	}
	if _, still := o.images[ids["removed"]]; still {
		t.Error("the image removed in Zoho is still in Odoo")
	}
	if st := l.current(plans[0]); st.ImageID != "img-1" || st.ImageMD5 == "" || st.ImageError != "" {
		t.Errorf("new: %+v", st)
	}
	if st := l.current(plans[2]); !st.ImageCleared || st.ImageMD5 != "" {
		t.Errorf("removed: %+v", st)
	}
	if st := l.current(plans[4]); st.ImageError != "not an image" || st.State == store.StateFailed {
		t.Errorf("broken image must fail the image, not the product: %+v", st)
	}
	for _, z := range f.fetched {
		if z == "same" || z == "failed" {
			t.Errorf("fetched %s, which needed no download", z)
		}
	}
	c := ar.snapshot(false).Progress
	if c.Counts.ImagesFailed != 1 || c.Counts.ImagesCleared != 1 || c.Counts.ImagesUnchanged != 1 || c.Done != 6 {
		t.Errorf("counts %+v done %d", c.Counts, c.Done)
	}
}

func TestPicturesKeepRemovedWhenConfigured(t *testing.T) {
	o := newFakeOdoo()
	id := o.add(map[string]any{"name": "x"})
	o.images[id] = []byte("old")
	pl := &plan{p: mapping.Product{ZohoID: "1"}, st: store.ItemState{ZohoID: "1", ImageID: "i", ImageMD5: "m"}, odooID: id}
	rep, _ := testReporter()
	s := &pictures{fetch: &fakeImages{}, odoo: o, opts: config.ImageOptions{ClearRemoved: false}, report: rep, log: slog.New(slog.DiscardHandler)}
	l := newLedger(time.Now())
	if err := s.run(context.Background(), context.Background(), []*plan{pl}, l); err != nil {
		t.Fatal(err)
	}
	if len(o.images[id]) == 0 || !l.current(pl).ImageCleared {
		t.Fatalf("image %q, state %+v", o.images[id], l.current(pl))
	}
}
