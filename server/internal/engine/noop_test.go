package engine_test

import (
	"image/color"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// A smart sync with nothing changed in Zoho opens no Odoo connection: no
// login, no version, no fields_get, no units (issue 12 item 5). Both read
// modes: a listing of every item (each is left alone by its input sum) and
// an incremental read (the overlap window lists the latest items again).
func TestNoOpSmartSyncMakesNoOdooCall(t *testing.T) {
	tests := []struct {
		name  string
		every time.Duration // full_listing_hours
	}{
		{"full listing", 0},
		{"incremental", 24 * time.Hour},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			r := newRig(t, rigOptions{items: 30, seed: 12})
			r.cfg.Zoho.FullListingEvery = tt.every
			if run := r.full(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(run).Created != 30 {
				t.Fatalf("first sync: %v %+v %s", run.State, counts(run), run.Error)
			}
			r.odoo.ResetCalls()
			run := r.smart()
			if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || run.OdooCalls != 0 || r.odoo.TotalCalls() != 0 {
				t.Fatalf("no-op: %v, %d Odoo calls counted by the run, %d by the double (%v)", run.State, run.OdooCalls, r.odoo.TotalCalls(), r.odoo.Calls())
			}
			if c := counts(run); c.Created+c.Updated+c.Failed != 0 || c.Unchanged != c.Seen {
				t.Fatalf("no-op counts %+v", c)
			}

			// One edit in Zoho: Odoo is opened (the mapping checked against
			// fields_get) and only that product is written.
			it := r.zoho.Items()[3]
			r.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Rate = 1234.5 })
			run = r.smart()
			if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(run).Updated != 1 || r.odoo.Calls()["product.template.fields_get"] != 1 {
				t.Fatalf("after an edit: %v %+v, calls %v", run.State, counts(run), r.odoo.Calls())
			}
			if p := r.products()[it.ItemID][0]; p.ListPrice != 1234.5 {
				t.Fatalf("list price %v, want 1234.5", p.ListPrice)
			}
			r.odoo.ResetCalls()
			if run = r.smart(); run.OdooCalls != 0 || r.odoo.TotalCalls() != 0 {
				t.Fatalf("second no-op: %d Odoo calls (%v)", r.odoo.TotalCalls(), r.odoo.Calls())
			}

			// The trade-off: an edit made only in Odoo is not seen by a smart
			// sync, which does not read Odoo; a full sync compares and repairs it.
			p := r.products()[it.ItemID][0]
			r.odoo.UpdateProduct(p.ID, map[string]any{"list_price": 1.0})
			r.smart()
			if got := r.products()[it.ItemID][0]; got.ListPrice != 1.0 {
				t.Fatalf("a smart sync rewrote an Odoo-side edit it cannot see: %v", got.ListPrice)
			}
			if run = r.full(); counts(run).Updated != 1 {
				t.Fatalf("full sync after an Odoo edit: %+v", counts(run))
			}
			if got := r.products()[it.ItemID][0]; got.ListPrice != 1234.5 {
				t.Fatalf("full sync left list price %v", got.ListPrice)
			}
		})
	}
}

// A picture Zoho says it does not have (code 1002) is asked for once, from one
// product only; later runs report it as a repeated failure, PARTIAL, without a
// call to Zoho or Odoo, until the item's image fields change (issue 12 items 4, 6).
func TestBrokenPictureIsAskedOnce(t *testing.T) {
	r := newRig(t, rigOptions{items: 20, seed: 7})
	r.cfg.Mapping.Options.Images.Sources = []string{"inventory", "books"}
	r.build()
	var broken []string
	for _, it := range r.zoho.Items() {
		if it.HasImage() && len(broken) < 3 {
			broken = append(broken, it.ItemID)
			r.zoho.BreakImage(it.ItemID)
		}
	}
	if len(broken) != 3 {
		t.Fatalf("only %d seeded items have a picture", len(broken))
	}
	imageCalls := func() int { return r.zoho.Stats().ImageCalls }

	// First run: each broken picture costs one call (Inventory's final answer; Books is not asked).
	before := imageCalls()
	run := r.full()
	first := imageCalls() - before
	c := counts(run)
	if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.ImagesFailed != 3 || c.RepeatedFailures != 0 || c.Failed != 0 {
		t.Fatalf("first run: %v %+v", run.State, c)
	}
	if books := r.zoho.Stats().ByPath["GET /books/v3/items/{id}/image"]; books != 0 {
		t.Fatalf("Books was asked %d times after Inventory's final answer", books)
	}
	pictures := 0
	for _, it := range r.zoho.Items() {
		if it.HasImage() {
			pictures++
		}
	}
	if first != pictures {
		t.Fatalf("first run: %d image calls for %d pictures", first, pictures)
	}

	// Second and third runs, smart and full: no call for them, still PARTIAL, repeated.
	for _, kind := range []zv1.RunKind{zv1.RunKind_RUN_KIND_SMART, zv1.RunKind_RUN_KIND_FULL} {
		r.odoo.ResetCalls()
		before = imageCalls()
		run, _ = r.sync(kind, false)
		c = counts(run)
		if n := imageCalls() - before; n != 0 {
			t.Fatalf("%v: %d image calls", kind, n)
		}
		if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.ImagesFailed != 3 || c.RepeatedFailures != 3 {
			t.Fatalf("%v: %v %+v", kind, run.State, c)
		}
		for _, e := range run.ItemErrors {
			if !e.Repeated || e.Stage != zv1.ItemStage_ITEM_STAGE_IMAGE {
				t.Fatalf("%v: item error %+v", kind, e)
			}
		}
		if kind == zv1.RunKind_RUN_KIND_SMART && r.odoo.TotalCalls() != 0 {
			t.Fatalf("smart run with only known failures made %d Odoo calls", r.odoo.TotalCalls())
		}
	}

	// A new picture for one of them: asked again, sent, and the others stay known.
	r.zoho.SetImage(broken[0], "image/png", pngBytes(8, 8, color.RGBA{255, 0, 0, 255}))
	before = imageCalls()
	run = r.smart()
	c = counts(run)
	if n := imageCalls() - before; n != 1 {
		t.Fatalf("after a new picture: %d image calls, want 1", n)
	}
	if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.ImagesFailed != 2 || c.RepeatedFailures != 2 {
		t.Fatalf("after a new picture: %v %+v", run.State, c)
	}
	if p := r.products()[broken[0]][0]; p.Image1920 == "" {
		t.Fatal("the new picture did not reach Odoo")
	}
}

// An item that fails the same way on the same input as on its previous run is
// a repeated failure; a changed input makes its failure new again (issue 12 item 6).
func TestRepeatedFailureIsMarked(t *testing.T) {
	r := newRig(t, rigOptions{items: 5, seed: 3, noImage: true})
	bad := r.zoho.Items()[1].ItemID
	r.zoho.UpdateItem(bad, func(x *zohotest.Item) { x.Name = "" })
	steps := []struct {
		name     string
		edit     func(*zohotest.Item)
		state    zv1.RunState
		failed   int64
		repeated int64
	}{
		{"first failure is new", nil, zv1.RunState_RUN_STATE_PARTIAL, 1, 0},
		{"same input, same error: repeated", nil, zv1.RunState_RUN_STATE_PARTIAL, 1, 1},
		{"still repeated", nil, zv1.RunState_RUN_STATE_PARTIAL, 1, 1},
		{"input changed, still failing: new", func(x *zohotest.Item) { x.Rate = 42 }, zv1.RunState_RUN_STATE_PARTIAL, 1, 0},
		{"fixed", func(x *zohotest.Item) { x.Name = "named at last" }, zv1.RunState_RUN_STATE_SUCCEEDED, 0, 0},
	}
	for _, st := range steps {
		if st.edit != nil {
			r.zoho.UpdateItem(bad, st.edit)
		}
		run := r.smart()
		c := counts(run)
		if run.State != st.state || c.Failed != st.failed || c.RepeatedFailures != st.repeated {
			t.Fatalf("%s: %v failed %d repeated %d (%s)", st.name, run.State, c.Failed, c.RepeatedFailures, run.Error)
		}
		for _, e := range run.ItemErrors {
			if e.ZohoItemId != bad || e.Repeated != (st.repeated > 0) {
				t.Fatalf("%s: item error %+v", st.name, e)
			}
		}
	}
}
