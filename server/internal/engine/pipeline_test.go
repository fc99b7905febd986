package engine

import (
	"context"
	"encoding/json"
	"fmt"
	"slices"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/store"
)

// fakeRig is an engine on the in-memory fakes.
type fakeRig struct {
	zoho  *fakeZoho
	odoo  *fakeOdoo
	store *fakeStore
	eng   *Engine
	cfg   *config.Config
}

func newFakeRig(t *testing.T, items int) *fakeRig {
	t.Helper()
	r := &fakeRig{zoho: &fakeZoho{pageSize: 2}, odoo: newFakeOdoo(), store: newFakeStore()}
	for i := range items {
		r.zoho.items = append(r.zoho.items, item(fmt.Sprint(1000+i), map[string]any{"name": fmt.Sprint("Item ", i), "rate": float64(i), "sku": fmt.Sprint("SKU-", i), "status": "active"}))
	}
	m := config.DefaultMapping()
	m.Options.Images.Enabled = false
	m.Options.BatchSize = 2
	cfg := &config.Config{Zoho: config.Zoho{ItemSource: "books"}, Mapping: m}
	r.cfg = cfg
	r.eng = New(Deps{Config: cfg, Store: r.store, Zoho: r.zoho, NewOdoo: func() OdooTarget { return r.odoo }})
	return r
}

func (r *fakeRig) run(t *testing.T, kind zv1.RunKind) (*zv1.Run, []*zv1.RunEvent) {
	t.Helper()
	run, _, err := r.eng.Start(kind, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		t.Fatal(err)
	}
	sub, fin, err := r.eng.Subscribe(run.Id)
	if err != nil {
		t.Fatal(err)
	}
	if sub == nil {
		return fin, nil
	}
	var evs []*zv1.RunEvent
	for ev := range sub.C {
		evs = append(evs, ev)
	}
	return sub.Final(), evs
}

func TestPipelineCreatesOnceThenLeavesAlone(t *testing.T) {
	r := newFakeRig(t, 5)
	first, _ := r.run(t, zv1.RunKind_RUN_KIND_FULL)
	if c := first.Progress.Counts; first.State != zv1.RunState_RUN_STATE_SUCCEEDED || c.Created != 5 || c.Seen != 5 || first.Progress.Done != 5 {
		t.Fatalf("first run: %v %+v", first.State, c)
	}
	if len(r.odoo.products) != 5 || len(r.odoo.xmlids) != 5 {
		t.Fatalf("%d products, %d linked", len(r.odoo.products), len(r.odoo.xmlids))
	}
	writes := len(r.odoo.writes)
	second, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if c := second.Progress.Counts; c.Unchanged != 5 || c.Created+c.Updated != 0 {
		t.Fatalf("second run: %+v", c)
	}
	if len(r.odoo.writes) != writes {
		t.Fatal("a smart run with nothing changed wrote to Odoo")
	}
	// Zoho item 1003 renamed: only it is written.
	r.zoho.items[3] = item("1003", map[string]any{"name": "Renamed", "rate": 3.0, "sku": "SKU-3", "status": "active"})
	third, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if c := third.Progress.Counts; c.Updated != 1 || c.Unchanged != 4 {
		t.Fatalf("third run: %+v", c)
	}
	if last := r.odoo.writes[len(r.odoo.writes)-1]; fmt.Sprint(last.Fields) != "[name]" {
		t.Fatalf("the update sent %v, want only the name", last.Fields)
	}
}

func TestPipelineRefusedProductCostsOnlyItself(t *testing.T) {
	r := newFakeRig(t, 4)
	r.odoo.refuse["1002"] = "Barcode already assigned"
	run, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	c := run.Progress.Counts
	if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.Created != 3 || c.Failed != 1 || run.Progress.Done != 4 {
		t.Fatalf("%v %+v done %d", run.State, c, run.Progress.Done)
	}
	if e := run.ItemErrors; len(e) != 1 || e[0].ZohoItemId != "1002" || e[0].Stage != zv1.ItemStage_ITEM_STAGE_WRITE || e[0].Reason != "Odoo refused the product: Barcode already assigned" {
		t.Fatalf("item errors %v", e)
	}
	delete(r.odoo.refuse, "1002")
	retry, _ := r.run(t, zv1.RunKind_RUN_KIND_RETRY_FAILED)
	if c := retry.Progress.Counts; retry.State != zv1.RunState_RUN_STATE_SUCCEEDED || c.Created != 1 || c.Seen != 1 {
		t.Fatalf("retry: %v %+v", retry.State, c)
	}
}

func TestFullSyncArchivesItemsGoneFromZoho(t *testing.T) {
	r := newFakeRig(t, 3)
	r.run(t, zv1.RunKind_RUN_KIND_FULL)
	gone := r.odoo.xmlids["1001"]
	r.zoho.items = append(r.zoho.items[:1], r.zoho.items[2:]...)
	run, _ := r.run(t, zv1.RunKind_RUN_KIND_FULL)
	if run.Progress.Counts.Archived != 1 || r.odoo.products[gone]["active"] != false {
		t.Fatalf("archived %d; product %v", run.Progress.Counts.Archived, r.odoo.products[gone])
	}
}

// A run cancelled while it connects ends CANCELLED, not FAILED with
// "context canceled" (so it never counts toward the scheduler's auto-disable).
func TestCancelWhileConnectingEndsCancelled(t *testing.T) {
	r := newFakeRig(t, 3)
	r.odoo.connectWait = true
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
	if final.State != zv1.RunState_RUN_STATE_CANCELLED || final.ErrorReason != zv1.ErrorReason_ERROR_REASON_CANCELLED || final.Error != "cancelled on request" {
		t.Fatalf("state %v, reason %q, error %q", final.State, final.ErrorReason, final.Error)
	}
}

// Mid-run, the run's record carries live counts: items seen, outcomes, and
// the Zoho and Odoo calls made so far.
func TestProgressIsLiveMidRun(t *testing.T) {
	r := newFakeRig(t, 6)
	release := make(chan struct{})
	r.zoho.gate = func(ctx context.Context, page int) {
		if page == 3 {
			select {
			case <-release:
			case <-ctx.Done():
			}
		}
	}
	run, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_SMART, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		t.Fatal(err)
	}
	sub, _, err := r.eng.Subscribe(run.Id)
	if err != nil {
		t.Fatal(err)
	}
	deadline := time.Now().Add(10 * time.Second)
	var mid *zv1.Run
	for mid = r.eng.Current(); mid == nil || mid.Progress.Done < 4; mid = r.eng.Current() {
		if time.Now().After(deadline) {
			t.Fatalf("the run never handled its first two pages: %v", mid)
		}
		time.Sleep(5 * time.Millisecond)
	}
	c := mid.Progress.Counts
	if c.Seen != 4 || c.Created != 4 || mid.ZohoCalls < 2 || mid.OdooCalls < 3 || mid.Progress.ZohoCalls != mid.ZohoCalls || mid.Progress.OdooCalls != mid.OdooCalls {
		t.Errorf("mid-run: seen %d created %d, zoho calls %d, odoo calls %d", c.Seen, c.Created, mid.ZohoCalls, mid.OdooCalls)
	}
	close(release)
	var lastBatch *zv1.RunEvent
	for ev := range sub.C {
		if ev.GetBatchDone() > 0 {
			lastBatch = ev
		}
	}
	if lastBatch == nil || lastBatch.Progress.Counts.Seen < lastBatch.Progress.Done {
		t.Errorf("a batch event shows more done than seen: %v", lastBatch)
	}
	if p := lastBatch.GetProgress(); p.GetZohoCalls() < mid.ZohoCalls || p.GetOdooCalls() < mid.OdooCalls {
		t.Errorf("the last batch event carries calls %d/%d, fewer than mid-run %d/%d", p.GetZohoCalls(), p.GetOdooCalls(), mid.ZohoCalls, mid.OdooCalls)
	}
	final := sub.Final()
	if final.ZohoCalls < mid.ZohoCalls || final.OdooCalls < mid.OdooCalls || final.Progress.Counts.Created != 6 {
		t.Errorf("final %+v calls %d/%d", final.Progress.Counts, final.ZohoCalls, final.OdooCalls)
	}
}

func TestFollowTellsEveryStartAndEnd(t *testing.T) {
	r := newFakeRig(t, 2)
	runs, stop := r.eng.Follow()
	defer stop()
	slow, stopSlow := r.eng.Follow() // never read: must not hold the engine up
	defer stopSlow()
	_ = slow
	for range 3 {
		r.run(t, zv1.RunKind_RUN_KIND_SMART)
	}
	var got []string
	for range 6 {
		select {
		case run := <-runs:
			got = append(got, run.Id+":"+run.State.String())
		case <-time.After(5 * time.Second):
			t.Fatalf("followed only %v", got)
		}
	}
	want := "[1:RUN_STATE_RUNNING 1:RUN_STATE_SUCCEEDED 2:RUN_STATE_RUNNING 2:RUN_STATE_SUCCEEDED 3:RUN_STATE_RUNNING 3:RUN_STATE_SUCCEEDED]"
	if fmt.Sprint(got) != want {
		t.Fatalf("followed %v, want %s", got, want)
	}
}

// A first sync writes new products and their pictures in one load() a batch:
// no picture-only writes after the creates, and the store knows each picture
// sent. A picture that cannot be had, or that Odoo refuses, leaves its product
// created without it and an image error, retried (separately) next run.
func TestFirstSyncCarriesPicturesWithNewProducts(t *testing.T) {
	r := newFakeRig(t, 7)
	f := &fakeImages{data: map[string][]byte{}, problem: map[string]string{"1005": "not an image"}}
	for i, it := range r.zoho.items {
		if i == 2 {
			continue // no picture
		}
		it.Fields["image_name"] = json.RawMessage(fmt.Sprintf("%q", fmt.Sprint("pic-", i, ".png")))
		f.data[it.ID] = []byte(fmt.Sprint("png-", i))
	}
	r.odoo.refuseImage["1006"] = "not a picture Odoo can read"
	cfg := r.cfg
	cfg.Mapping.Options.Images.Enabled = true
	cfg.Mapping.Options.Images.Concurrency = 2
	r.eng = New(Deps{Config: cfg, Store: r.store, Zoho: r.zoho, Images: f, NewOdoo: func() OdooTarget { return r.odoo }})

	run, _ := r.run(t, zv1.RunKind_RUN_KIND_FULL)
	c := run.Progress.Counts
	if run.State != zv1.RunState_RUN_STATE_PARTIAL || c.Created != 7 || c.ImagesFailed != 2 || run.Progress.Done != 7 {
		t.Fatalf("first run: %v %+v done %d", run.State, c, run.Progress.Done)
	}
	// 7 items in pages of 2 and batches of 2: one WriteProducts a page, none for pictures.
	if r.odoo.writeCalls != 4 || r.odoo.imageCalls != 0 {
		t.Fatalf("%d product writes, %d picture writes; want 4 and 0", r.odoo.writeCalls, r.odoo.imageCalls)
	}
	var sent int64
	for i, it := range r.zoho.items {
		st := r.store.items[it.ID]
		got := r.odoo.images[st.OdooID]
		switch it.ID {
		case "1002":
			if got != nil || st.ImageMD5 != "" || st.ImageError != "" {
				t.Errorf("%s (no picture): odoo %q, state %+v", it.ID, got, st)
			}
		case "1005", "1006":
			if got != nil || st.ImageMD5 != "" || st.ImageError == "" || st.State != store.StateSynced {
				t.Errorf("%s (bad picture): odoo %q, state %+v", it.ID, got, st)
			}
		default:
			want := fmt.Sprint("png-", i)
			sent += int64(len(want))
			if string(got) != want || st.ImageMD5 != fmt.Sprintf("md5-%x", want) || st.ImageID == "" {
				t.Errorf("%s: odoo %q, state %+v", it.ID, got, st)
			}
		}
	}
	if c.ImageBytesSent != sent {
		t.Errorf("image bytes sent %d, want %d", c.ImageBytesSent, sent)
	}

	// Next run: the two bad pictures are tried again, as picture writes; nothing else moves.
	delete(f.problem, "1005")
	delete(r.odoo.refuseImage, "1006")
	f.fetched = nil
	second, _ := r.run(t, zv1.RunKind_RUN_KIND_SMART)
	if c := second.Progress.Counts; second.State != zv1.RunState_RUN_STATE_SUCCEEDED || c.Created+c.Updated != 0 || c.ImagesFailed != 0 {
		t.Fatalf("second run: %v %+v", second.State, c)
	}
	if slices.Sort(f.fetched); fmt.Sprint(f.fetched) != "[1005 1006]" || r.odoo.imageCalls != 2 { // one a page: they sit on two pages
		t.Fatalf("second run fetched %v, %d picture writes", f.fetched, r.odoo.imageCalls)
	}
	if string(r.odoo.images[r.store.items["1006"].OdooID]) != "png-6" {
		t.Fatal("the refused picture was not sent again")
	}
}
