package engine

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

var ist = time.FixedZone("", 5*3600+30*60)

// newIncrRig is a fake rig whose items were modified an hour apart in 2024,
// reading incrementally from the given source.
func newIncrRig(t *testing.T, items int, src zoho.Source) (*fakeRig, time.Time) {
	t.Helper()
	r := newFakeRig(t, items)
	base := time.Date(2024, 5, 1, 9, 0, 0, 0, ist)
	for i := range r.zoho.items {
		r.zoho.touch(r.zoho.items[i].ID, base.Add(time.Duration(i)*time.Hour), float64(i))
	}
	r.cfg.Zoho.ItemSource = string(src)
	r.cfg.Zoho.OrganizationID = "42"
	r.cfg.Zoho.ModifiedOverlap, r.cfg.Zoho.FullListingEvery = 10*time.Minute, 24*time.Hour
	return r, base
}

func (r *fakeRig) state(t *testing.T) readState {
	t.Helper()
	rs, err := loadReadState(r.store, r.cfg.Zoho)
	if err != nil {
		t.Fatal(err)
	}
	return rs
}

func (r *fakeRig) readMode(t *testing.T) *zv1.ReadMode {
	t.Helper()
	rm, err := r.eng.ReadMode()
	if err != nil {
		t.Fatal(err)
	}
	return rm
}

func TestDecideRead(t *testing.T) {
	now := time.Date(2026, 1, 10, 12, 0, 0, 0, time.UTC)
	inv := config.Zoho{ItemSource: "inventory", ModifiedOverlap: 10 * time.Minute, FullListingEvery: 24 * time.Hour}
	books := inv
	books.ItemSource = "books"
	never := inv
	never.FullListingEvery = 0
	fresh := readState{Cursor: now.Add(-time.Hour), LastFullListing: now.Add(-2 * time.Hour)}
	probedOK, probedNo := fresh, fresh
	probedOK.ProbedAt = now.Add(-time.Hour)
	probedNo.ProbedAt, probedNo.FilterIgnored = now.Add(-time.Hour), true
	stale := probedNo
	stale.ProbedAt = now.Add(-25 * time.Hour)
	old := fresh
	old.LastFullListing = now.Add(-25 * time.Hour)
	tests := []struct {
		name   string
		kind   zv1.RunKind
		z      config.Zoho
		rs     readState
		mode   zv1.ReadMode_Mode
		probe  bool
		reason string
	}{
		{"full sync", zv1.RunKind_RUN_KIND_FULL, inv, fresh, zv1.ReadMode_MODE_FULL_LISTING, false, "a full sync"},
		{"no cursor yet", zv1.RunKind_RUN_KIND_SMART, inv, readState{}, zv1.ReadMode_MODE_FULL_LISTING, false, "no complete listing"},
		{"incremental off", zv1.RunKind_RUN_KIND_SMART, never, fresh, zv1.ReadMode_MODE_FULL_LISTING, false, "full_listing_hours is 0"},
		{"full listing due", zv1.RunKind_RUN_KIND_SMART, inv, old, zv1.ReadMode_MODE_FULL_LISTING, false, "older than full_listing_hours"},
		{"inventory", zv1.RunKind_RUN_KIND_SMART, inv, fresh, zv1.ReadMode_MODE_INCREMENTAL, false, "Inventory documents"},
		{"books never probed", zv1.RunKind_RUN_KIND_SMART, books, fresh, zv1.ReadMode_MODE_INCREMENTAL, true, "once a check"},
		{"books honours", zv1.RunKind_RUN_KIND_SMART, books, probedOK, zv1.ReadMode_MODE_INCREMENTAL, false, "honours the filter"},
		{"books ignores", zv1.RunKind_RUN_KIND_SMART, books, probedNo, zv1.ReadMode_MODE_FULL_LISTING, false, "ignores the last_modified_time filter"},
		{"books probe a day old", zv1.RunKind_RUN_KIND_SMART, books, stale, zv1.ReadMode_MODE_INCREMENTAL, true, "once a check"},
		{"books full listing due beats the probe", zv1.RunKind_RUN_KIND_SMART, books, old, zv1.ReadMode_MODE_FULL_LISTING, false, "older than"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			d := decideRead(tc.kind, tc.z, tc.rs, now)
			if d.mode != tc.mode || d.probeDue != tc.probe || !strings.Contains(d.reason, tc.reason) {
				t.Fatalf("got %v probe=%v %q; want %v probe=%v, reason with %q", d.mode, d.probeDue, d.reason, tc.mode, tc.probe, tc.reason)
			}
		})
	}
}

// A smart sync after a full one lists only what changed: nothing (one call)
// or the changed items, and the status says it reads incrementally.
func TestIncrementalSmartSyncReadsOnlyModified(t *testing.T) {
	r, base := newIncrRig(t, 9, zoho.Inventory)
	if rm := r.readMode(t); rm.Mode != zv1.ReadMode_MODE_FULL_LISTING || !strings.Contains(rm.Reason, "no complete listing") {
		t.Fatalf("before any run: %v", rm)
	}
	full, _ := r.run(t, zv1.RunKind_RUN_KIND_FULL)
	if full.State != zv1.RunState_RUN_STATE_SUCCEEDED || full.Progress.Counts.Created != 9 {
		t.Fatalf("full: %v %+v", full.State, full.Progress.Counts)
	}
	if got := r.state(t).Cursor; !got.Equal(base.Add(8 * time.Hour)) {
		t.Fatalf("cursor after the full listing %v, want the newest item's time", got)
	}
	rm := r.readMode(t)
	if rm.Mode != zv1.ReadMode_MODE_INCREMENTAL || rm.Cursor == nil || rm.LastFullListing == nil {
		t.Fatalf("after a full listing: %v", rm)
	}
	before := r.zoho.lists()
	noop, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if n := r.zoho.lists() - before; n != 1 || noop.State != zv1.RunState_RUN_STATE_SUCCEEDED || noop.Progress.Counts.Seen != 1 {
		t.Fatalf("no-op smart sync: %d list calls, %v %+v (want 1 call and the newest item re-read by the overlap)", n, noop.State, noop.Progress.Counts)
	}
	for i, id := range []string{"1001", "1004", "1002"} {
		r.zoho.touch(id, base.Add(48*time.Hour+time.Duration(i)*time.Minute), 100+float64(i))
	}
	before = r.zoho.lists()
	changed, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if n := r.zoho.lists() - before; n != 2 || changed.Progress.Counts.Updated != 3 {
		t.Fatalf("3 changed items (pages of 2): %d list calls, %+v", n, changed.Progress.Counts)
	}
	if got := r.state(t).Cursor; !got.Equal(base.Add(48*time.Hour + 2*time.Minute)) {
		t.Fatalf("cursor %v, want the newest change", got)
	}
}

// A page that fails mid-listing leaves the cursor after the last committed
// page: the next run reads the rest, nothing is skipped.
func TestIncrementalFailedPageNeverSkips(t *testing.T) {
	r, base := newIncrRig(t, 8, zoho.Inventory)
	r.run(t, zv1.RunKind_RUN_KIND_FULL)
	for i := range 6 {
		r.zoho.touch(fmt.Sprint(1000+i), base.Add(48*time.Hour+time.Duration(i)*time.Minute), 200+float64(i))
	}
	r.zoho.gate = func(_ context.Context, page int) {
		if page == 2 {
			r.zoho.listErr = &zoho.Error{Kind: zoho.KindTransient, Msg: "Zoho answered 503"}
		}
	}
	failed, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	// page 1: the newest item of the full listing (re-read by the overlap) and the first change
	if failed.State != zv1.RunState_RUN_STATE_FAILED || failed.Progress.Counts.Updated != 1 {
		t.Fatalf("failing run: %v %+v", failed.State, failed.Progress.Counts)
	}
	if got := r.state(t).Cursor; !got.Equal(base.Add(48 * time.Hour)) {
		t.Fatalf("cursor %v, want the last item of the committed page", got)
	}
	r.zoho.gate, r.zoho.listErr = nil, nil
	next, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if next.State != zv1.RunState_RUN_STATE_SUCCEEDED || next.Progress.Counts.Updated != 5 {
		t.Fatalf("next run: %v %+v (want the 5 items the failed page held back)", next.State, next.Progress.Counts)
	}
	for i := range 6 {
		id := r.odoo.xmlids[fmt.Sprint(1000+i)]
		if got := r.odoo.products[id]["list_price"]; got != 200+float64(i) {
			t.Fatalf("item %d: price %v in Odoo", 1000+i, got)
		}
	}
}

// An item Odoo refuses is recorded as failed; the cursor moves past it, so
// every smart sync retries it by id until it succeeds.
func TestIncrementalFailedItemIsRetriedNotSkipped(t *testing.T) {
	r, base := newIncrRig(t, 4, zoho.Inventory)
	r.run(t, zv1.RunKind_RUN_KIND_FULL)
	r.zoho.touch("1001", base.Add(48*time.Hour), 300)
	r.odoo.refuse["1001"] = "Barcode already assigned"
	first, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if first.State != zv1.RunState_RUN_STATE_PARTIAL || first.Progress.Counts.Failed != 1 {
		t.Fatalf("first: %v %+v", first.State, first.Progress.Counts)
	}
	if got := r.state(t).Cursor; !got.Equal(base.Add(48 * time.Hour)) {
		t.Fatalf("cursor %v", got)
	}
	// Nothing changes in Zoho: the filter no longer returns the item, the retry by id does.
	again, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if again.Progress.Counts.Failed != 1 {
		t.Fatalf("second: %+v (the failed item was not retried)", again.Progress.Counts)
	}
	delete(r.odoo.refuse, "1001")
	ok, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if ok.State != zv1.RunState_RUN_STATE_SUCCEEDED || ok.Progress.Counts.Updated != 1 {
		t.Fatalf("third: %v %+v", ok.State, ok.Progress.Counts)
	}
	if got := r.odoo.products[r.odoo.xmlids["1001"]]["list_price"]; got != 300.0 {
		t.Fatalf("price %v in Odoo", got)
	}
	if ids, _ := r.store.FailedIDs("", 10); len(ids) != 0 {
		t.Fatalf("still failed: %v", ids)
	}
}

// Books: one probe call decides, its answer is remembered, and the status
// says which mode and why.
func TestBooksProbe(t *testing.T) {
	for _, ignores := range []bool{false, true} {
		t.Run(fmt.Sprint("ignores=", ignores), func(t *testing.T) {
			r, base := newIncrRig(t, 6, zoho.Books)
			r.zoho.ignoresFilter = ignores
			r.run(t, zv1.RunKind_RUN_KIND_FULL)
			r.zoho.touch("1003", base.Add(48*time.Hour), 400)
			before := r.zoho.lists()
			run, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
			calls := r.zoho.lists() - before
			rm := r.readMode(t)
			// probe + 1 page: the change and the newest item of the full listing, re-read by the overlap
			want, wantCalls, wantSeen := zv1.ReadMode_MODE_INCREMENTAL, int64(2), int64(2)
			if ignores {
				want, wantCalls, wantSeen = zv1.ReadMode_MODE_FULL_LISTING, 4, 6 // probe + 3 pages of 2
			}
			if rm.Mode != want || calls != wantCalls || run.Progress.Counts.Seen != wantSeen || run.Progress.Counts.Updated != 1 {
				t.Fatalf("mode %v (%s), %d list calls, %+v", rm.Mode, rm.Reason, calls, run.Progress.Counts)
			}
			if ignores && !strings.Contains(rm.Reason, "ignores") {
				t.Fatalf("reason %q", rm.Reason)
			}
			before = r.zoho.lists()
			r.run(t, zv1.RunKind_RUN_KIND_SMART)
			if n := r.zoho.lists() - before; n != wantCalls-1 {
				t.Fatalf("second smart sync: %d list calls, want %d (the probe's answer is remembered)", n, wantCalls-1)
			}
		})
	}
}

// A smart sync whose full listing is due lists everything but stays a smart
// sync; a failed probe falls back to a full listing without failing the run.
func TestIncrementalFullListingDueAndProbeFailure(t *testing.T) {
	r, _ := newIncrRig(t, 5, zoho.Inventory)
	r.run(t, zv1.RunKind_RUN_KIND_FULL)
	rs := r.state(t)
	rs.LastFullListing = rs.LastFullListing.Add(-25 * time.Hour)
	if err := r.store.PutMeta(readStateKey(r.cfg.Zoho), rs); err != nil {
		t.Fatal(err)
	}
	before := r.zoho.lists()
	run, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if n := r.zoho.lists() - before; n != 3 || run.Kind != zv1.RunKind_RUN_KIND_SMART || run.Progress.Counts.Unchanged != 5 {
		t.Fatalf("%d list calls, %v %+v", n, run.Kind, run.Progress.Counts)
	}
	if st := r.state(t); !st.LastFullListing.After(rs.LastFullListing) {
		t.Fatal("the full listing was not recorded")
	}

	b, _ := newIncrRig(t, 3, zoho.Books)
	b.run(t, zv1.RunKind_RUN_KIND_FULL)
	calls := 0
	b.zoho.gate = func(_ context.Context, _ int) { calls++ } // counts listing pages, not the probe
	b.zoho.listErr = errors.New("Zoho is down")
	failed, _ := b.run(t, zv1.RunKind_RUN_KIND_SMART)
	if failed.State != zv1.RunState_RUN_STATE_FAILED || calls != 1 {
		t.Fatalf("%v after %d listing calls: the listing after a failed probe must still be tried", failed.State, calls)
	}
	if st := b.state(t); !st.ProbedAt.IsZero() {
		t.Fatal("a failed probe was remembered")
	}
}

// Books pages come in its own order: a listing that fails part-way leaves the
// cursor untouched, so the next run reads every change again.
func TestIncrementalBooksFailedListingKeepsTheCursor(t *testing.T) {
	r, base := newIncrRig(t, 6, zoho.Books)
	r.run(t, zv1.RunKind_RUN_KIND_FULL)
	r.run(t, zv1.RunKind_RUN_KIND_SMART) // probes once
	cur := r.state(t).Cursor
	for i := range 4 {
		r.zoho.touch(fmt.Sprint(1000+i), base.Add(48*time.Hour+time.Duration(i)*time.Minute), 500+float64(i))
	}
	r.zoho.gate = func(_ context.Context, page int) {
		if page == 2 {
			r.zoho.listErr = &zoho.Error{Kind: zoho.KindTransient, Msg: "Zoho answered 503"}
		}
	}
	if run, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART); run.State != zv1.RunState_RUN_STATE_FAILED {
		t.Fatalf("failing run: %v", run.State)
	}
	if got := r.state(t).Cursor; !got.Equal(cur) {
		t.Fatalf("cursor moved to %v on a failed unordered listing (was %v)", got, cur)
	}
	r.zoho.gate, r.zoho.listErr = nil, nil
	next, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if next.State != zv1.RunState_RUN_STATE_SUCCEEDED || next.Progress.Counts.Seen != 5 {
		t.Fatalf("next run: %v %+v (want the 4 changes and the overlap's item)", next.State, next.Progress.Counts)
	}
	for i := range 4 {
		if got := r.odoo.products[r.odoo.xmlids[fmt.Sprint(1000+i)]]["list_price"]; got != 500+float64(i) {
			t.Fatalf("item %d: price %v in Odoo", 1000+i, got)
		}
	}
	if got := r.state(t).Cursor; !got.Equal(base.Add(48*time.Hour + 3*time.Minute)) {
		t.Fatalf("cursor %v after the complete listing", got)
	}
}
