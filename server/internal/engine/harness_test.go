package engine_test

import (
	"bytes"
	"cmp"
	"encoding/base64"
	"image"
	"image/color"
	"image/png"
	"path/filepath"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/quota"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// rig is an engine wired to an emulated Zoho and an Odoo double, in process.
type rig struct {
	t     testing.TB
	zoho  *zohotest.Server
	odoo  *odootest.Server
	store *store.Store
	eng   *engine.Engine
	cfg   *config.Config
	zc    *zoho.Client
	dir   string
	// source is what the engine lists Zoho through: zc unless a test wraps it.
	source engine.ZohoSource
	quota  *quota.Planner // set when rigOptions.quota is
	now    func() time.Time
}

type rigOptions struct {
	items   int
	seed    int64
	odoo    odootest.Options
	zoho    zohotest.Options
	mapping func(*config.Mapping)
	noImage bool
	quota   bool             // plan runs against the emulator's daily quota
	reserve float64          // quota_reserve_percent when quota is set
	now     func() time.Time // the clock of the emulator, the client and the engine (default time.Now)
}

func newRig(t testing.TB, o rigOptions) *rig {
	t.Helper()
	if o.zoho.PerMinuteLimit == 0 {
		o.zoho.PerMinuteLimit = -1
	}
	if o.now != nil {
		o.zoho.Now = o.now
	}
	r := &rig{t: t, zoho: zohotest.NewServer(o.zoho), odoo: odootest.NewServer(o.odoo), dir: t.TempDir(), now: o.now}
	t.Cleanup(func() { r.zoho.Close(); r.odoo.Close() })
	if o.items > 0 {
		r.zoho.Seed(o.items, o.seed)
	}
	m := config.DefaultMapping()
	m.Options.BatchSize = 50
	m.Options.Images.Enabled = !o.noImage
	if o.mapping != nil {
		o.mapping(&m)
	}
	zc := r.zoho.Config()
	r.cfg = &config.Config{
		Zoho: config.Zoho{BooksBaseURL: r.zoho.URL + "/books/v3", InventoryBaseURL: r.zoho.URL + "/inventory/v1", AccountsURL: r.zoho.URL,
			ClientID: zc.ClientID, ClientSecret: config.NewSecret(zc.ClientSecret), RefreshToken: config.NewSecret(zc.RefreshToken),
			OrganizationID: zc.OrgID, ItemSource: "books", RequestsPerMinute: 6000, MaxConcurrency: 4},
		Odoo:    config.Odoo{URL: r.odoo.URL, DB: "odoo", Username: "admin", Password: config.NewSecret(passwordOf(o.odoo))},
		Mapping: m,
	}
	var err error
	if r.store, err = store.Open(r.dir, store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { r.store.Close() })
	r.zc = zoho.New(zoho.Config{AccountsURL: r.zoho.URL, BooksURL: r.cfg.Zoho.BooksBaseURL, InventoryURL: r.cfg.Zoho.InventoryBaseURL,
		ClientID: zc.ClientID, ClientSecret: zc.ClientSecret, RefreshToken: zc.RefreshToken, OrganizationID: zc.OrgID,
		RequestsPerMinute: 6000, MaxConcurrency: 4, Now: o.now,
		Retry: zoho.RetryPolicy{MaxAttempts: 4, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond, RateLimitDelay: 10 * time.Millisecond}})
	if o.quota {
		if r.quota, err = quota.New(r.zc, r.store, zc.OrgID, o.reserve, o.now); err != nil {
			t.Fatal(err)
		}
	}
	r.build()
	return r
}

func passwordOf(o odootest.Options) string {
	if o.Password != "" {
		return o.Password
	}
	return "admin"
}

// build (re)creates the engine, as a server restart would.
func (r *rig) build() {
	var fetcher engine.ImageFetcher
	if o := r.cfg.Mapping.Options.Images; o.Enabled {
		cache, err := images.OpenCache(filepath.Join(r.dir, "product_images"), o.CacheMaxBytes)
		if err != nil {
			r.t.Fatal(err)
		}
		src := make([]zoho.Source, len(o.Sources))
		for i, s := range o.Sources {
			src[i] = zoho.Source(s)
		}
		fetcher = images.NewFetcher(r.zc, src, cache, images.Limits{MaxBytes: o.MaxBytes, MaxMegapixels: o.MaxMegapixels})
	}
	var qp engine.QuotaPlanner
	if r.quota != nil {
		qp = r.quota
	}
	r.eng = engine.New(engine.Deps{
		Config: r.cfg, Store: r.store, Zoho: cmp.Or[engine.ZohoSource](r.source, r.zc), Images: fetcher, Quota: qp, Now: r.now,
		NewOdoo: func() engine.OdooTarget {
			return odoo.New(odoo.Config{URL: r.odoo.URL, DB: "odoo", Username: "admin", Password: r.cfg.Odoo.Password.Reveal(),
				Retry: odoo.RetryPolicy{MaxAttempts: 3, BaseDelay: 5 * time.Millisecond, MaxDelay: 20 * time.Millisecond}})
		},
	})
}

// sync runs one run to its end and returns its final record and every event.
func (r *rig) sync(kind zv1.RunKind, dry bool) (*zv1.Run, []*zv1.RunEvent) {
	r.t.Helper()
	run, already, err := r.eng.Start(kind, dry, zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil || already {
		r.t.Fatalf("start: %v (already %v)", err, already)
	}
	sub, fin, err := r.eng.Subscribe(run.Id)
	if err != nil {
		r.t.Fatal(err)
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

func (r *rig) full() *zv1.Run  { run, _ := r.sync(zv1.RunKind_RUN_KIND_FULL, false); return run }
func (r *rig) smart() *zv1.Run { run, _ := r.sync(zv1.RunKind_RUN_KIND_SMART, false); return run }

// products returns the double's products that carry our external id, by Zoho id.
func (r *rig) products() map[string][]odootest.Product {
	out := map[string][]odootest.Product{}
	for _, p := range r.odoo.Products(true) {
		for _, x := range p.XMLIDs {
			if id, ok := odoo.ZohoIDFromXMLIDName(trimModule(x)); ok {
				out[id] = append(out[id], p)
			}
		}
	}
	return out
}

func trimModule(x string) string {
	if len(x) > len(odoo.XMLIDModule)+1 && x[:len(odoo.XMLIDModule)+1] == odoo.XMLIDModule+"." {
		return x[len(odoo.XMLIDModule)+1:]
	}
	return ""
}

// requireEachOnce checks that every Zoho item has exactly one product.
func (r *rig) requireEachOnce() {
	r.t.Helper()
	ps := r.products()
	for _, it := range r.zoho.Items() {
		if n := len(ps[it.ItemID]); n != 1 {
			r.t.Fatalf("item %s has %d products", it.ItemID, n)
		}
	}
	if len(r.odoo.Products(true)) != len(ps) {
		r.t.Fatalf("%d products in Odoo, %d linked", len(r.odoo.Products(true)), len(ps))
	}
}

func counts(run *zv1.Run) *zv1.Counts { return run.GetProgress().GetCounts() }

func pngBytes(w, h int, c color.Color) []byte {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.Set(x, y, c)
		}
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}

func decodeB64PNG(t testing.TB, s string) image.Image {
	t.Helper()
	data, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatalf("not base64: %v", err)
	}
	img, _, err := image.Decode(bytes.NewReader(data))
	if err != nil {
		t.Fatalf("not an image: %v", err)
	}
	return img
}
