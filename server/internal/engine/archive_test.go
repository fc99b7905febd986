package engine

import (
	"context"
	"log/slog"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/store"
)

func testReporter() (*reporter, *activeRun) {
	ar := newActiveRun(&zv1.Run{Id: "1", Progress: &zv1.Progress{Counts: &zv1.Counts{}}}, time.Now)
	return &reporter{ar: ar, log: slog.New(slog.DiscardHandler), show: func(_ string, v any) string { return "" }}, ar
}

func TestArchiverArchivesAndForgetsDeletedProducts(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	live := o.add(map[string]any{"name": "Live", "active": true})
	gone := o.add(map[string]any{"name": "Gone"})
	o.archiveMiss[gone] = true
	states := []store.ItemState{{ZohoID: "1", OdooID: live, Checksum: "c", Values: map[string]any{"active": true}}, {ZohoID: "2", OdooID: gone}}
	_ = st.PutItems(states)
	rep, ar := testReporter()
	a := &archiver{odoo: o, store: st, now: time.Now, report: rep, log: slog.New(slog.DiscardHandler)}
	if err := a.archive(context.Background(), states, "no longer exists in Zoho"); err != nil {
		t.Fatal(err)
	}
	if o.products[live]["active"] != false {
		t.Error("not archived in Odoo")
	}
	if s := st.items["1"]; s.State != store.StateArchived || s.Checksum != "" {
		t.Errorf("archived item: %+v", s)
	}
	if _, kept := st.items["2"]; kept {
		t.Error("an item whose product was deleted in Odoo is still tracked")
	}
	if c := ar.snapshot(false).Progress.Counts; c.Archived != 1 {
		t.Errorf("archived count %d, want 1", c.Archived)
	}
}

func TestArchiverDryRunOnlyPlans(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	id := o.add(map[string]any{"name": "Live", "active": true})
	rep, ar := testReporter()
	sub := ar.subscribe()
	a := &archiver{odoo: o, store: st, dry: true, now: time.Now, report: rep, log: slog.New(slog.DiscardHandler)}
	if err := a.archive(context.Background(), []store.ItemState{{ZohoID: "1", OdooID: id}}, "gone"); err != nil {
		t.Fatal(err)
	}
	<-sub.C // joined
	ev := <-sub.C
	if pc := ev.GetPlannedChange(); pc == nil || pc.Action != zv1.Action_ACTION_ARCHIVE || ev.Progress.Counts.Archived != 1 {
		t.Fatalf("event %v", ev)
	}
	if o.calls != 0 || o.products[id]["active"] != true {
		t.Fatal("a dry run wrote to Odoo")
	}
}
