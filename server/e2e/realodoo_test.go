package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"fmt"
	"image"
	_ "image/jpeg"
	_ "image/png"
	"math"
	"math/rand/v2"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/kolo/xmlrpc"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// These tests run the real binary against a REAL Odoo, which CI does not
// have. They run when ZOHOSYNC_REAL_ODOO is set, e.g.
//
//	ZOHOSYNC_REAL_ODOO=http://127.0.0.1:8069 ZOHOSYNC_REAL_ODOO_TEMPLATE=odoo17 \
//	ZOHOSYNC_REAL_ODOO_MASTER=<master password> go test ./server/e2e -run RealOdoo -v
//
// Each test copies the template database (a fresh Odoo with the product
// module, admin/admin), syncs into the copy, checks it over XML-RPC and drops it.

type realOdoo struct {
	t            testing.TB
	url, db      string
	master       string
	client       *odoo.Client
	templateName string
	drop         func() // drops the copy now (it is dropped at the end of the test anyway)
}

func newRealOdoo(t testing.TB, template string) *realOdoo {
	url := os.Getenv("ZOHOSYNC_REAL_ODOO")
	if url == "" {
		t.Skip("ZOHOSYNC_REAL_ODOO is not set: no real Odoo to test against")
	}
	if template == "" {
		template = os.Getenv("ZOHOSYNC_REAL_ODOO_TEMPLATE")
	}
	r := &realOdoo{t: t, url: url, master: os.Getenv("ZOHOSYNC_REAL_ODOO_MASTER"), templateName: template,
		db: fmt.Sprintf("%s_zse2e_%d", template, time.Now().UnixNano()%1e9)}
	dbs, err := xmlrpc.NewClient(url+"/xmlrpc/2/db", nil)
	if err != nil {
		t.Fatal(err)
	}
	if err := dbs.Call("duplicate_database", []any{r.master, template, r.db}, nil); err != nil {
		t.Fatalf("cannot copy database %s: %v", template, err)
	}
	r.drop = func() {
		if os.Getenv("ZOHOSYNC_REAL_ODOO_KEEP") == "" {
			_ = dbs.Call("drop", []any{r.master, r.db}, nil)
		}
		r.drop = func() {}
	}
	t.Cleanup(func() { r.drop() })
	r.client = odoo.New(odoo.Config{URL: url, DB: r.db, Username: "admin", Password: "admin"})
	if err := r.client.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	return r
}

func (r *realOdoo) read(fields []string) map[string]map[string]any {
	r.t.Helper()
	ctx := context.Background()
	var imd []map[string]any
	if err := r.client.Execute(ctx, "ir.model.data", "search_read", []any{[]any{[]any{"module", "=", odoo.XMLIDModule}}},
		map[string]any{"fields": []any{"name", "res_id"}}, &imd); err != nil {
		r.t.Fatal(err)
	}
	byID := map[int64]string{}
	for _, row := range imd {
		z, _ := odoo.ZohoIDFromXMLIDName(row["name"].(string))
		byID[row["res_id"].(int64)] = z
	}
	var rows []map[string]any
	anyFields := make([]any, len(fields))
	for i, f := range fields {
		anyFields[i] = f
	}
	if err := r.client.Execute(ctx, "product.template", "search_read", []any{[]any{}},
		map[string]any{"fields": anyFields, "context": map[string]any{"active_test": false}}, &rows); err != nil {
		r.t.Fatal(err)
	}
	out := map[string]map[string]any{}
	for _, row := range rows {
		z, ok := byID[row["id"].(int64)]
		if !ok {
			z = fmt.Sprintf("unlinked:%d", row["id"])
		}
		if _, dup := out[z]; dup {
			r.t.Errorf("two products linked to Zoho item %s", z)
		}
		out[z] = row
	}
	return out
}

// check compares every Zoho item with its product in the real Odoo.
func (r *realOdoo) check(em *zohotest.Server, withImages bool) {
	r.t.Helper()
	fields := []string{"name", "list_price", "default_code", "description_sale", "active", "uom_id", "uom_po_id", "type"}
	pf, err := r.client.ProductFields(context.Background())
	if err != nil {
		r.t.Fatal(err)
	}
	d := odoo.DialectFor(r.client.Version(), pf)
	// README "Product model": goods tracked in Zoho are storable, other goods consumables.
	wantType, _ := d.TypeValues(odoo.TypeStorable)
	wantConsu, _ := d.TypeValues(odoo.TypeConsumable)
	for f := range wantType {
		if f != "type" {
			fields = append(fields, f)
		}
	}
	r.t.Logf("Odoo %s: storable products are written as %v", r.client.Version().Full, wantType)
	if withImages {
		fields = append(fields, "image_128")
	}
	prods := r.read(fields)
	items := em.Items()
	if len(prods) != len(items) {
		r.t.Errorf("%d products in Odoo for %d Zoho items", len(prods), len(items))
	}
	bad := 0
	for _, it := range items {
		p := prods[it.ItemID]
		var probs []string
		switch {
		case p == nil:
			probs = append(probs, "missing")
		default:
			if p["name"] != it.Name {
				probs = append(probs, fmt.Sprintf("name %q", p["name"]))
			}
			if math.Abs(p["list_price"].(float64)-it.Rate) > 0.005 {
				probs = append(probs, fmt.Sprintf("list_price %v want %v", p["list_price"], it.Rate))
			}
			if code, _ := p["default_code"].(string); code != it.SKU {
				probs = append(probs, fmt.Sprintf("default_code %q want %q", code, it.SKU))
			}
			if desc, _ := p["description_sale"].(string); strings.TrimSpace(desc) != strings.TrimSpace(strings.ReplaceAll(it.Description, "\r\n", "\n")) {
				probs = append(probs, fmt.Sprintf("description %q", desc))
			}
			if p["active"] != (it.Status != "inactive") {
				probs = append(probs, "active")
			}
			if want := uomFor(it.Unit); want != 0 && odoo.Many2oneID(p["uom_id"]) != int64(want) {
				probs = append(probs, fmt.Sprintf("uom %v want %d", p["uom_id"], want))
			}
			want := wantConsu
			if it.TrackInventory || it.ItemType == "inventory" {
				want = wantType
			}
			for f, v := range want {
				if it.ProductType != "service" && p[f] != v {
					probs = append(probs, fmt.Sprintf("%s = %v, want %v", f, p[f], v))
				}
			}
			if withImages {
				thumb, _ := p["image_128"].(string)
				if it.HasImage() != (thumb != "") {
					probs = append(probs, fmt.Sprintf("image present %v, Zoho has one: %v", thumb != "", it.HasImage()))
				}
				if thumb != "" {
					data, _ := base64.StdEncoding.DecodeString(thumb)
					if _, _, err := image.Decode(bytes.NewReader(data)); err != nil {
						probs = append(probs, "image_128 does not decode: "+err.Error())
					}
				}
			}
		}
		if len(probs) > 0 {
			bad++
			if bad < 6 {
				r.t.Errorf("item %s %q: %s", it.ItemID, it.Name, strings.Join(probs, "; "))
			}
		}
	}
	if bad > 0 {
		r.t.Fatalf("%d items wrong in the real Odoo", bad)
	}
}

func (r *realOdoo) env(t testing.TB, o envOptions) *env {
	if o.zohoExtra == nil {
		o.zohoExtra = map[string]any{"requests_per_minute": 3000} // the emulator is not Zoho: no 100/minute wait
	}
	e := newEnv(t, o)
	// The Python tool's "type": "product" (docs/python-tool.md#configuration-files): storable where Inventory is installed.
	e.mapping["products"].(map[string]any)["default_values"].(map[string]any)["type"] = "product"
	e.writeJSON("field_mapping.json", e.mapping)
	e.writeJSON("odoo_config.json", map[string]any{"url": r.url, "db": r.db, "username": "admin", "password": "admin",
		"retry_base_seconds": 0.2, "max_retries": 4})
	return e
}

func TestRealOdooSyncChangesAndMatching(t *testing.T) {
	t.Parallel()
	ro := newRealOdoo(t, "")
	e := ro.env(t, envOptions{items: 500, seed: 21})
	// Existing products, made by hand in Odoo: matched by SKU and by name.
	var first []zohotest.Item
	for _, it := range e.zoho.Items() {
		if it.Status == "active" && it.SKU != "" && len(first) < 2 {
			first = append(first, it)
		}
	}
	ctx := context.Background()
	var skuID, nameID int64
	if err := ro.client.Execute(ctx, "product.template", "create", []any{map[string]any{"name": "Hand made", "default_code": first[0].SKU}}, nil, &skuID); err != nil {
		t.Fatal(err)
	}
	if err := ro.client.Execute(ctx, "product.template", "create", []any{map[string]any{"name": first[1].Name}}, nil, &nameID); err != nil {
		t.Fatal(err)
	}
	e.start()
	run, code := e.runNow("--full")
	if code != 0 {
		t.Fatalf("full sync exit %d: %v", code, run["error"])
	}
	if c := counts(run); c["created"] != 498 || c["updated"] != 2 {
		t.Fatalf("counts %v, want 498 created and the 2 hand-made products matched", c)
	}
	ro.check(e.zoho, true)
	prods := ro.read([]string{"id"})
	if odoo.Many2oneID([]any{prods[first[0].ItemID]["id"], ""}) != skuID || prods[first[1].ItemID]["id"] != nameID {
		t.Fatal("the hand-made products were not the ones matched")
	}

	// No-op smart and full runs write nothing (a smart sync reads only what changed since its cursor;
	// a full sync compares all 500).
	for _, args := range [][]string{nil, {"--full"}} {
		run, code = e.runNow(args...)
		c := counts(run)
		if code != 0 || c["created"]+c["updated"]+c["archived"]+c["failed"] != 0 || (args != nil && c["unchanged"] != 500) {
			t.Fatalf("no-op %v: exit %d counts %v", args, code, c)
		}
	}

	// 10 price changes, 5 renames, 4 new, 2 deactivations, 1 new image, 1 removed image.
	rng := rand.New(rand.NewPCG(3, 4))
	var active []zohotest.Item
	for _, i := range rng.Perm(500) {
		if it := e.zoho.Items()[i]; it.Status == "active" {
			active = append(active, it)
		}
	}
	for _, it := range active[:10] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Rate += 0.75 })
	}
	for _, it := range active[10:15] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Name += " v2" })
	}
	for i := 0; i < 4; i++ {
		e.zoho.PutItem(zohotest.Item{Name: fmt.Sprintf("Real new %d", i), Status: "active", Rate: 4, SKU: fmt.Sprintf("RN-%d", i), Unit: "kg"})
	}
	for _, it := range active[15:17] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Status = "inactive" })
	}
	run, code = e.runNow()
	if c := counts(run); code != 0 || c["created"] != 4 || c["updated"] != 15 || c["archived"] != 2 || c["failed"] != 0 {
		t.Fatalf("changes: exit %d counts %v", code, c)
	}
	ro.check(e.zoho, true)

	// An item deleted in Zoho: a full sync asks Zoho for it by id, then archives its product.
	deleted := active[20].ItemID
	e.zoho.DeleteItem(deleted)
	run, code = e.runNow("--full")
	if c := counts(run); code != 0 || c["archived"] != 1 || c["updated"] != 0 || c["created"] != 0 || c["failed"] != 0 {
		t.Fatalf("deletion: exit %d counts %v", code, c)
	}
	prods = ro.read([]string{"active"})
	if p := prods[deleted]; p == nil || p["active"] != false {
		t.Errorf("the deleted item's product: %v", p)
	}
	inactive := 0
	for _, p := range prods {
		if p["active"] == false {
			inactive++
		}
	}
	if want := 1 + countInactive(e.zoho.Items()); inactive != want {
		t.Errorf("%d archived products, want %d", inactive, want)
	}
}

func countInactive(items []zohotest.Item) int {
	n := 0
	for _, it := range items {
		if it.Status == "inactive" {
			n++
		}
	}
	return n
}

func TestRealOdooKillNeverDuplicates(t *testing.T) {
	t.Parallel()
	ro := newRealOdoo(t, "")
	e := ro.env(t, envOptions{items: 1000, seed: 22, batchSize: 50})
	rng := rand.New(rand.NewPCG(5, 6))
	e.start()
	for kill := 0; kill < 3; kill++ {
		done := make(chan struct{})
		go func() { e.cli("run-now", "--full", "--json"); close(done) }()
		time.Sleep(time.Duration(1000+rng.IntN(4000)) * time.Millisecond)
		e.kill()
		<-done
		e.start()
	}
	run, code := e.runNow("--full")
	if code != 0 {
		t.Fatalf("final run exit %d: %v; item errors: %v", code, run["error"], run["item_errors"])
	}
	ro.check(e.zoho, true)
}
