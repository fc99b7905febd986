package engine_test

import (
	"context"
	"fmt"
	"image/color"
	"strings"
	"sync"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func TestDryRunPlansPerFieldAndWritesNothing(t *testing.T) {
	r := newRig(t, rigOptions{items: 60, seed: 2, noImage: true})
	r.full()
	it := r.zoho.Items()[0]
	r.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Rate = 999.5; x.Name = "Renamed in Zoho" })
	r.zoho.PutItem(zohotest.Item{Name: "New one", Status: "active", Rate: 3, SKU: "N-1"})
	r.odoo.ResetCalls()
	run, evs := r.sync(zv1.RunKind_RUN_KIND_SMART, true)
	if !run.DryRun || run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("run = %v %v", run.DryRun, run.State)
	}
	var plans []*zv1.PlannedChange
	for _, ev := range evs {
		if pc := ev.GetPlannedChange(); pc != nil {
			plans = append(plans, pc)
		}
	}
	if len(plans) != 2 {
		t.Fatalf("planned %d changes, want 2: %v", len(plans), plans)
	}
	var upd *zv1.PlannedChange
	for _, pc := range plans {
		if pc.Action == zv1.Action_ACTION_UPDATE {
			upd = pc
		}
	}
	if upd == nil || upd.ZohoItemId != it.ItemID {
		t.Fatalf("no update planned for %s: %v", it.ItemID, plans)
	}
	fields := map[string]*zv1.FieldChange{}
	for _, f := range upd.Fields {
		fields[f.Field] = f
	}
	if f := fields["list_price"]; f == nil || f.NewValue != "999.5" || f.OldValue == "" {
		t.Errorf("list_price change = %v", f)
	}
	if f := fields["name"]; f == nil || f.OldValue != it.Name || f.NewValue != "Renamed in Zoho" {
		t.Errorf("name change = %v", f)
	}
	for call := range r.odoo.Calls() {
		if strings.HasSuffix(call, ".load") || strings.HasSuffix(call, ".write") || strings.HasSuffix(call, ".create") {
			t.Errorf("dry run called %s", call)
		}
	}
	// And the real run afterwards still sees both changes.
	if c := counts(r.smart()); c.Created != 1 || c.Updated != 1 {
		t.Fatalf("after dry run: %v", c)
	}
	// A dry full sync of an unchanged catalogue plans nothing (in particular
	// no archiving: it records nothing, yet must know what it listed).
	run, evs = r.sync(zv1.RunKind_RUN_KIND_FULL, true)
	for _, ev := range evs {
		if pc := ev.GetPlannedChange(); pc != nil {
			t.Fatalf("dry full sync planned %v", pc)
		}
	}
	if c := counts(run); c.Unchanged != 61 || c.Archived != 0 {
		t.Fatalf("dry full sync counts %v", c)
	}
}

func TestFullSyncRewritesWhatWasEditedInOdoo(t *testing.T) {
	r := newRig(t, rigOptions{items: 30, seed: 3, noImage: true})
	r.full()
	it := r.zoho.Items()[5]
	p := r.products()[it.ItemID][0]
	r.odoo.UpdateProduct(p.ID, map[string]any{"list_price": 1.0, "name": "edited by a user"})
	if c := counts(r.smart()); c.Updated != 0 {
		t.Fatalf("smart sync noticed an Odoo-side edit it cannot see: %v", c)
	}
	run := r.full()
	if c := counts(run); c.Updated != 1 || c.Unchanged != 29 {
		t.Fatalf("full sync counts = %v", c)
	}
	got, _ := r.odoo.Product(p.ID)
	if got.Name != it.Name || got.ListPrice != it.Rate {
		t.Fatalf("not rewritten: %+v", got)
	}
}

func TestArchiving(t *testing.T) {
	r := newRig(t, rigOptions{items: 40, seed: 4, noImage: true})
	r.full()
	items := r.zoho.Items()
	var active []zohotest.Item
	for _, it := range items {
		if it.Status == "active" {
			active = append(active, it)
		}
	}
	gone, deactivated := active[0], active[1]
	r.zoho.DeleteItem(gone.ItemID)
	r.zoho.UpdateItem(deactivated.ItemID, func(x *zohotest.Item) { x.Status = "inactive" })
	if c := counts(r.smart()); c.Archived != 1 {
		t.Fatalf("smart: %v (an item gone from Zoho is archived only by a full sync)", c)
	}
	if c := counts(r.full()); c.Archived != 1 {
		t.Fatalf("full: %v", c)
	}
	for _, id := range []string{gone.ItemID, deactivated.ItemID} {
		if p := r.products()[id][0]; p.Active {
			t.Errorf("product of %s still active", id)
		}
	}
	// Reactivated in Zoho: active again.
	r.zoho.UpdateItem(deactivated.ItemID, func(x *zohotest.Item) { x.Status = "active" })
	r.smart()
	if p := r.products()[deactivated.ItemID][0]; !p.Active {
		t.Error("reactivated item's product is still archived")
	}
}

// renameDuringListing renames an item once page 1 has been listed, the way a
// Zoho user could while a run pages through Books' name order.
type renameDuringListing struct {
	engine.ZohoSource
	once   sync.Once
	rename func()
}

func (w *renameDuringListing) ListItems(ctx context.Context, src zoho.Source, page int) (zoho.Page, error) {
	p, err := w.ZohoSource.ListItems(ctx, src, page)
	if page == 1 {
		w.once.Do(w.rename)
	}
	return p, err
}

// TestFullSyncDoesNotArchiveAnItemTheListingMissed: an item renamed to the
// front of the name order while a full sync pages is not on any page it
// reads; it must be looked up by id and synced, not archived.
func TestFullSyncDoesNotArchiveAnItemTheListingMissed(t *testing.T) {
	r := newRig(t, rigOptions{items: 450, seed: 9, noImage: true})
	r.full()
	page3, err := r.zc.ListItems(context.Background(), zoho.Books, 3)
	if err != nil || len(page3.Items) == 0 {
		t.Fatalf("page 3: %v %d", err, len(page3.Items))
	}
	moved := page3.Items[0].ID
	var gone zohotest.Item
	for _, it := range r.zoho.Items() {
		if it.Status == "active" && it.ItemID != moved {
			gone = it
			break
		}
	}
	r.zoho.DeleteItem(gone.ItemID) // a real deletion in the same run is still archived
	r.source = &renameDuringListing{ZohoSource: r.zc, rename: func() {
		r.zoho.UpdateItem(moved, func(x *zohotest.Item) { x.Name, x.Status, x.Rate = "AAA renamed while paging", "active", 77 })
	}}
	r.build()
	details0 := r.zoho.Stats().ItemDetailCalls
	c := counts(r.full())
	if c.Archived != 1 {
		t.Errorf("archived %d, want 1 (the deleted item only): %v", c.Archived, c)
	}
	if p := r.products()[moved][0]; !p.Active || p.Name != "AAA renamed while paging" || p.ListPrice != 77 {
		t.Errorf("the item the listing missed: %+v", p)
	}
	if p := r.products()[gone.ItemID][0]; p.Active {
		t.Error("the deleted item's product is still active")
	}
	if n := r.zoho.Stats().ItemDetailCalls - details0; n != 1 {
		t.Errorf("%d itemdetails calls, want 1 for both unlisted items", n)
	}
}

func TestOdooFaultOnOneProductCostsOnlyThatProduct(t *testing.T) {
	r := newRig(t, rigOptions{items: 120, seed: 5, noImage: true})
	bad := r.zoho.Items()[17]
	r.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", Times: -1, Code: 2,
		Message: "Barcode(s) already assigned: test",
		Match:   func(args []any, _ map[string]any) bool { return strings.Contains(fmtArgs(args), bad.ItemID) }})
	run := r.full()
	c := counts(run)
	if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.Failed != 1 || c.Created != 119 {
		t.Fatalf("state %v, counts %v", run.State, c)
	}
	if len(run.ItemErrors) != 1 || run.ItemErrors[0].ZohoItemId != bad.ItemID || !strings.Contains(run.ItemErrors[0].Reason, "Barcode") {
		t.Fatalf("item errors = %v", run.ItemErrors)
	}
	// Fixed in Odoo: the next run retries it.
	r.odoo.ClearFaults()
	if c := counts(r.smart()); c.Created != 1 || c.Failed != 0 {
		t.Fatalf("retry: %v", c)
	}
	r.requireEachOnce()
}

func fmtArgs(args []any) string {
	var b strings.Builder
	var walk func(any)
	walk = func(v any) {
		switch x := v.(type) {
		case []any:
			for _, y := range x {
				walk(y)
			}
		case string:
			b.WriteString(x)
			b.WriteByte(' ')
		}
	}
	walk(args)
	return b.String()
}

func TestOdooDownMidRunThenRecovers(t *testing.T) {
	r := newRig(t, rigOptions{items: 400, seed: 6, noImage: true, odoo: odootest.Options{Latency: 5 * time.Millisecond}})
	r.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", Down: true, Times: -1,
		Match: func(args []any, _ map[string]any) bool {
			return strings.Contains(fmtArgs(args), r.zoho.Items()[300].ItemID)
		}})
	run := r.full()
	if run.State != zv1.RunState_RUN_STATE_FAILED || run.ErrorReason != zv1.ErrorReason_ERROR_REASON_ODOO_UNREACHABLE {
		t.Fatalf("state %v reason %q error %q", run.State, run.ErrorReason, run.Error)
	}
	if c := counts(run); c.Created == 0 {
		t.Fatal("nothing was written before Odoo went down")
	}
	r.odoo.ClearFaults()
	if run := r.smart(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("after recovery: %v %s", run.State, run.Error)
	}
	r.requireEachOnce()
}

func TestCutConnectionAfterCreateDoesNotDuplicate(t *testing.T) {
	r := newRig(t, rigOptions{items: 150, seed: 7, noImage: true})
	r.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", CutAfterCommit: true, Times: 2})
	run := r.full()
	if run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("state %v: %s", run.State, run.Error)
	}
	r.requireEachOnce()
	if n := len(r.odoo.Products(true)); n != 150 {
		t.Fatalf("%d products", n)
	}
}

func TestOdoo18Dialect(t *testing.T) {
	r := newRig(t, rigOptions{odoo: odootest.Options{Version: "18.0", Stock: true}, noImage: true,
		mapping: func(m *config.Mapping) { m.Defaults["type"] = "product" }})
	r.zoho.PutItem(zohotest.Item{ItemID: "9200000000000000001", Name: "Storable", Status: "active", Rate: 2, Unit: "kg", ProductType: "goods"})
	r.zoho.PutItem(zohotest.Item{ItemID: "9200000000000000002", Name: "Consulting", Status: "active", Rate: 90, Unit: "hrs", ProductType: "service"})
	if run := r.full(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("%v: %s", run.State, run.Error)
	}
	ps := r.products()
	st := ps["9200000000000000001"][0]
	if st.Type != "consu" || !st.IsStorable || st.UomID != 12 {
		t.Errorf("storable on 18: type %q storable %v uom %d", st.Type, st.IsStorable, st.UomID)
	}
	if sv := ps["9200000000000000002"][0]; sv.Type != "service" || sv.IsStorable {
		t.Errorf("service on 18: %+v", sv)
	}
}

func TestOdoo17WithoutStockWarnsAndUsesConsumable(t *testing.T) {
	r := newRig(t, rigOptions{noImage: true, mapping: func(m *config.Mapping) { m.Defaults["type"] = "product" }})
	r.zoho.PutItem(zohotest.Item{ItemID: "9300000000000000001", Name: "Box of tiles", Status: "active", Rate: 2, Unit: "kg"})
	run := r.full()
	if run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("%v: %s", run.State, run.Error)
	}
	if len(run.Warnings) == 0 || run.Warnings[0].Code != zv1.WarningCode_WARNING_CODE_STORABLE_UNAVAILABLE {
		t.Fatalf("warnings = %v", run.Warnings)
	}
	p := r.products()["9300000000000000001"][0]
	if p.DetailedType != "consu" || p.UomID != 12 || p.UomPoID != 12 {
		t.Fatalf("product = %+v (kg needs uom_po_id kg on 17)", p)
	}
}

func TestTenStartsMakeOneRun(t *testing.T) {
	r := newRig(t, rigOptions{items: 600, seed: 8, noImage: true, odoo: odootest.Options{Latency: 10 * time.Millisecond}})
	var wg sync.WaitGroup
	ids := make(chan string, 10)
	finals := make(chan *zv1.Run, 10)
	for i := 0; i < 10; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			run, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_SMART, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL)
			if err != nil {
				t.Error(err)
				return
			}
			ids <- run.Id
			sub, fin, err := r.eng.Subscribe(run.Id)
			if err != nil {
				t.Error(err)
				return
			}
			if sub != nil {
				for range sub.C {
				}
				fin = sub.Final()
			}
			finals <- fin
		}()
	}
	wg.Wait()
	close(ids)
	close(finals)
	seen := map[string]bool{}
	for id := range ids {
		seen[id] = true
	}
	if len(seen) != 1 {
		t.Fatalf("10 starts made %d runs", len(seen))
	}
	for f := range finals {
		if f.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(f).Created != 600 {
			t.Fatalf("a watcher saw %v %v", f.State, counts(f))
		}
	}
}

func TestCancelMidRunThenRunAgain(t *testing.T) {
	r := newRig(t, rigOptions{items: 1000, seed: 9, noImage: true, odoo: odootest.Options{Latency: 20 * time.Millisecond}})
	run, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_FULL, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		t.Fatal(err)
	}
	sub, _, _ := r.eng.Subscribe(run.Id)
	for ev := range sub.C {
		if ev.GetProgress().GetCounts().GetCreated() > 0 {
			break
		}
	}
	if _, err := r.eng.Cancel(run.Id); err != nil {
		t.Fatal(err)
	}
	for range sub.C {
	}
	final := sub.Final()
	if final.State != zv1.RunState_RUN_STATE_CANCELLED || counts(final).Created == 0 || counts(final).Created == 1000 {
		t.Fatalf("cancelled run: %v %v", final.State, counts(final))
	}
	// State is consistent: what was written is tracked, the rest comes next.
	tracked, _, _ := r.store.Counts()
	if tracked != counts(final).Created {
		t.Fatalf("store tracks %d, run created %d", tracked, counts(final).Created)
	}
	next := r.smart()
	if c := counts(next); c.Created+counts(final).Created != 1000 || c.Failed != 0 {
		t.Fatalf("next run: %v", c)
	}
	r.requireEachOnce()
	if _, err := r.eng.Cancel(run.Id); err == nil {
		t.Fatal("cancelling an ended run should fail")
	}
}

func TestImages(t *testing.T) {
	r := newRig(t, rigOptions{})
	red, blue := pngBytes(300, 200, color.RGBA{255, 0, 0, 255}), pngBytes(64, 64, color.RGBA{0, 0, 255, 255})
	for i, id := range []string{"9400000000000000001", "9400000000000000002", "9400000000000000003"} {
		r.zoho.PutItem(zohotest.Item{ItemID: id, Name: "Imaged " + id, Status: "active", Rate: float64(i + 1), Unit: "pcs"})
	}
	r.zoho.SetImage("9400000000000000001", "image/png", red)
	r.zoho.SetImage("9400000000000000002", "image/png", blue)
	run := r.full()
	c := counts(run)
	if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || c.ImagesDownloaded != 2 || c.ImageBytesSent != int64(len(red)+len(blue)) {
		t.Fatalf("first run: %v %v", run.State, c)
	}
	// Images land as images: image_128 read back decodes.
	oc := odoo.New(odoo.Config{URL: r.odoo.URL, DB: "odoo", Username: "admin", Password: "admin"})
	if err := oc.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	pid := r.products()["9400000000000000001"][0].ID
	var rows []map[string]any
	if err := oc.Execute(context.Background(), "product.template", "read", []any{[]any{pid}, []any{"image_128"}}, nil, &rows); err != nil {
		t.Fatal(err)
	}
	thumb := decodeB64PNG(t, rows[0]["image_128"].(string))
	if b := thumb.Bounds(); b.Dx() != 128 || b.Dy() > 128 {
		t.Fatalf("image_128 is %v", b)
	}

	// Unchanged images are not downloaded again, on smart or on full sync.
	for _, kind := range []zv1.RunKind{zv1.RunKind_RUN_KIND_SMART, zv1.RunKind_RUN_KIND_FULL} {
		r.zoho.ResetStats()
		run, _ := r.sync(kind, false)
		if calls := r.zoho.Stats().ImageCalls; calls != 0 || counts(run).ImagesUnchanged != 2 {
			t.Fatalf("%v: %d image downloads, counts %v", kind, calls, counts(run))
		}
	}

	// A changed image is downloaded once and sent once.
	green := pngBytes(80, 80, color.RGBA{0, 255, 0, 255})
	r.zoho.SetImage("9400000000000000002", "image/png", green)
	r.zoho.ResetStats()
	r.odoo.ResetCalls()
	run = r.smart()
	if r.zoho.Stats().ImageCalls != 1 || counts(run).ImagesDownloaded != 1 || counts(run).ImageBytesSent != int64(len(green)) {
		t.Fatalf("changed image: %d downloads, %v", r.zoho.Stats().ImageCalls, counts(run))
	}

	// Removed in Zoho: cleared in Odoo.
	r.zoho.ClearImage("9400000000000000001")
	run = r.smart()
	if counts(run).ImagesCleared != 1 || r.products()["9400000000000000001"][0].Image1920 != "" {
		t.Fatalf("removed image: %v", counts(run))
	}
}

func TestRemovedImageKeptWhenConfigured(t *testing.T) {
	r := newRig(t, rigOptions{mapping: func(m *config.Mapping) { m.Options.Images.ClearRemoved = false }})
	r.zoho.PutItem(zohotest.Item{ItemID: "9500000000000000001", Name: "Kept", Status: "active", Rate: 1})
	r.zoho.SetImage("9500000000000000001", "image/png", pngBytes(10, 10, color.Black))
	r.full()
	r.zoho.ClearImage("9500000000000000001")
	run := r.smart()
	if counts(run).ImagesCleared != 0 || r.products()["9500000000000000001"][0].Image1920 == "" {
		t.Fatal("image cleared despite clear_removed=false")
	}
	if len(run.Warnings) == 0 || run.Warnings[len(run.Warnings)-1].Code != zv1.WarningCode_WARNING_CODE_IMAGES_KEPT {
		t.Fatalf("the choice is not visible in the summary: %v", run.Warnings)
	}
}

func TestBrokenImagesNeverCostTheProduct(t *testing.T) {
	cases := []struct {
		kind zohotest.FaultKind
		want string
	}{
		{zohotest.FaultImageHTML200, "not an image"},
		{zohotest.FaultImageJSON200, "not an image"},
		{zohotest.FaultImageTruncated, "truncated"},
		{zohotest.FaultImageEmpty, "empty file"},
	}
	for _, tc := range cases {
		t.Run(tc.kind.String(), func(t *testing.T) {
			r := newRig(t, rigOptions{mapping: func(m *config.Mapping) { m.Options.Images.Sources = []string{"inventory"} }})
			r.zoho.PutItem(zohotest.Item{ItemID: "9600000000000000001", Name: "Broken picture", Status: "active", Rate: 5})
			r.zoho.PutItem(zohotest.Item{ItemID: "9600000000000000002", Name: "Fine picture", Status: "active", Rate: 6})
			r.zoho.SetImage("9600000000000000001", "image/png", pngBytes(20, 20, color.White))
			r.zoho.SetImage("9600000000000000002", "image/png", pngBytes(20, 20, color.White))
			r.zoho.Inject(zohotest.Fault{Kind: tc.kind, Path: "/items/9600000000000000001/image", Times: -1})
			run := r.full()
			c := counts(run)
			if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.Created != 2 || c.Failed != 0 || c.ImagesFailed != 1 || c.ImagesDownloaded != 1 {
				t.Fatalf("state %v counts %v", run.State, c)
			}
			if len(run.ItemErrors) != 1 || !strings.Contains(run.ItemErrors[0].Reason, tc.want) || run.ItemErrors[0].Stage != zv1.ItemStage_ITEM_STAGE_IMAGE {
				t.Fatalf("item errors = %v", run.ItemErrors)
			}
			st, _ := r.store.Item("9600000000000000001")
			if st.ImageError == "" || st.State != "synced" {
				t.Fatalf("state = %+v", st)
			}
			// Fixed in Zoho: retried and sent on the next run.
			r.zoho.ClearFaults()
			run = r.smart()
			if counts(run).ImagesDownloaded != 1 || r.products()["9600000000000000001"][0].Image1920 == "" {
				t.Fatalf("retry: %v", counts(run))
			}
		})
	}
}

func TestOversizedImagesAreRefusedFromTheirHeader(t *testing.T) {
	r := newRig(t, rigOptions{mapping: func(m *config.Mapping) { m.Options.Images.MaxMegapixels = 0.01 }})
	r.zoho.PutItem(zohotest.Item{ItemID: "9700000000000000001", Name: "Huge", Status: "active", Rate: 1})
	r.zoho.SetImage("9700000000000000001", "image/png", pngBytes(200, 100, color.White))
	run := r.full()
	if len(run.ItemErrors) != 1 || !strings.Contains(run.ItemErrors[0].Reason, "too large: 0.02 MP") {
		t.Fatalf("item errors = %v", run.ItemErrors)
	}
}

// TestAddingAMappedFieldTouchesNoEngineCode is docs/architecture.md's worked
// example: a mapping entry purchase_description → description_purchase is
// checked against fields_get, mapped, written on create, compared on a full
// sync and rewritten when edited in Odoo, with no change to the engine or to
// package odoo.
func TestAddingAMappedFieldTouchesNoEngineCode(t *testing.T) {
	r := newRig(t, rigOptions{noImage: true, mapping: func(m *config.Mapping) {
		m.Fields = append(m.Fields, config.FieldMap{Zoho: "purchase_description", Odoo: "description_purchase"})
	}})
	r.zoho.PutItem(zohotest.Item{Name: "Tile", Status: "active", Rate: 3, SKU: "T-1", PurchaseDescription: "Bought by the pallet"})
	if run := r.full(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED || counts(run).Created != 1 {
		t.Fatalf("first run: %v %v", run.State, counts(run))
	}
	oc := odoo.New(odoo.Config{URL: r.odoo.URL, DB: "odoo", Username: "admin", Password: r.cfg.Odoo.Password.Reveal()})
	ctx := context.Background()
	if err := oc.Login(ctx); err != nil {
		t.Fatal(err)
	}
	read := func() (int64, string) {
		recs, err := oc.FindProducts(ctx, odoo.BySKU, []string{"T-1"}, odoo.Want{Fields: []string{"description_purchase"}})
		if err != nil || len(recs) != 1 {
			t.Fatalf("find: %v %v", recs, err)
		}
		s, _ := recs[0]["description_purchase"].(string)
		return recs[0].ID(), s
	}
	id, got := read()
	if got != "Bought by the pallet" {
		t.Fatalf("description_purchase = %q", got)
	}
	r.odoo.UpdateProduct(int(id), map[string]any{"description_purchase": "edited in Odoo"})
	if run := r.full(); counts(run).Updated != 1 {
		t.Fatalf("full sync after an edit in Odoo: %v", counts(run))
	}
	if _, got := read(); got != "Bought by the pallet" {
		t.Fatalf("after the full sync description_purchase = %q", got)
	}
}

// A run cancelled at once (while it logs in to Odoo) ends CANCELLED, never
// FAILED with "context canceled": only failed runs count toward the
// scheduler's auto-disable.
func TestStartThenCancelAtOnceEndsCancelled(t *testing.T) {
	r := newRig(t, rigOptions{items: 450, seed: 14, noImage: true})
	for i := 0; i < 5; i++ {
		run, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_SMART, false, zv1.RunTrigger_RUN_TRIGGER_SCHEDULE)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := r.eng.Cancel(run.Id); err != nil {
			t.Fatal(err)
		}
		r.eng.Wait()
		final, err := r.eng.Run(run.Id)
		if err != nil {
			t.Fatal(err)
		}
		if final.State != zv1.RunState_RUN_STATE_CANCELLED || final.ErrorReason != zv1.ErrorReason_ERROR_REASON_CANCELLED {
			t.Fatalf("try %d: state %v reason %v error %q", i, final.State, final.ErrorReason, final.Error)
		}
	}
}

// TestFirstSyncWritesNewProductsAndTheirPicturesInOneLoad: against the Odoo
// double, a first sync sends new products with their pictures in the same
// load() (a picture-only write after a create makes Odoo write each product
// twice); a resync sends nothing.
func TestFirstSyncWritesNewProductsAndTheirPicturesInOneLoad(t *testing.T) {
	r := newRig(t, rigOptions{})
	pics := map[string][]byte{}
	for i := range 5 {
		id := fmt.Sprint("970000000000000000", i+1)
		r.zoho.PutItem(zohotest.Item{ItemID: id, Name: "Carried " + id, Status: "active", Rate: float64(i + 1), Unit: "pcs"})
		if i != 2 {
			pics[id] = pngBytes(30+i, 20, color.RGBA{uint8(40 * i), 0, 0, 255})
			r.zoho.SetImage(id, "image/png", pics[id])
		}
	}
	r.odoo.ResetCalls()
	run := r.full()
	c := counts(run)
	sent := int64(0)
	for _, b := range pics {
		sent += int64(len(b))
	}
	if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || c.Created != 5 || c.ImagesDownloaded != 4 || c.ImageBytesSent != sent || c.ImagesFailed != 0 {
		t.Fatalf("first run: %v %v", run.State, c)
	}
	if n := r.odoo.Calls()["product.template.load"]; n != 1 {
		t.Fatalf("%d load() calls for 5 new products with pictures, want 1 (calls %v)", n, r.odoo.Calls())
	}
	r.requireEachOnce()
	for id, p := range r.products() {
		st, err := r.store.Item(id)
		if err != nil {
			t.Fatal(err)
		}
		if _, pictured := pics[id]; pictured != (p[0].Image1920 != "") || pictured != (st.ImageMD5 != "") || st.ImageError != "" {
			t.Errorf("%s: picture in Odoo %v, state %+v", id, p[0].Image1920 != "", st)
		}
	}
	r.odoo.ResetCalls()
	r.zoho.ResetStats()
	run = r.full()
	if c := counts(run); c.ImagesUnchanged != 4 || r.zoho.Stats().ImageCalls != 0 || r.odoo.Calls()["product.template.load"] != 0 {
		t.Fatalf("resync: %v, %d downloads, calls %v", c, r.zoho.Stats().ImageCalls, r.odoo.Calls())
	}
}
