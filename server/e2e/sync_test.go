package e2e

import (
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func TestFullSyncThenNoOpThenExactlyTheChanges(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 500, seed: 11, imagesOff: true})
	e.start()
	run, code := e.runNow("--full")
	if code != 0 {
		t.Fatalf("full sync exit %d: %v", code, run["error"])
	}
	if c := counts(run); c["created"] != 500 || c["failed"] != 0 {
		t.Fatalf("full sync counts = %v", c)
	}
	e.checkOdooMatchesZoho()

	// A second smart run writes nothing at all (it reads only what the
	// overlap window of incremental reads shows again: docs/zoho.md#incremental-reads).
	e.odoo.ResetCalls()
	run, code = e.runNow()
	if c := counts(run); code != 0 || c["unchanged"] != c["seen"] || c["created"]+c["updated"]+c["archived"] != 0 {
		t.Fatalf("no-op run exit %d, counts %v", code, c)
	}
	for call, n := range e.odoo.Calls() {
		if strings.HasSuffix(call, ".load") || strings.HasSuffix(call, ".write") || strings.HasSuffix(call, ".create") {
			t.Errorf("no-op run called %s %d times", call, n)
		}
	}

	// 10 price changes, 5 renames, 4 new items, 2 deactivations.
	items := e.zoho.Items()
	rng := rand.New(rand.NewPCG(1, 2))
	perm := rng.Perm(len(items))
	var active []zohotest.Item
	for _, i := range perm {
		if items[i].Status == "active" {
			active = append(active, items[i])
		}
	}
	for _, it := range active[:10] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Rate += 1.25 })
	}
	for _, it := range active[10:15] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Name += " (renamed)" })
	}
	for i := 0; i < 4; i++ {
		e.zoho.PutItem(zohotest.Item{Name: fmt.Sprintf("Brand new item %d", i), Status: "active", Rate: 10 + float64(i), SKU: fmt.Sprintf("NEW-%d", i), Unit: "pcs"})
	}
	for _, it := range active[15:17] {
		e.zoho.UpdateItem(it.ItemID, func(x *zohotest.Item) { x.Status = "inactive" })
	}
	e.odoo.ResetCalls()
	run, code = e.runNow()
	c := counts(run)
	if code != 0 || c["created"] != 4 || c["updated"] != 15 || c["archived"] != 2 || c["unchanged"] != c["seen"]-21 || c["failed"] != 0 {
		t.Fatalf("after changes: exit %d, counts %v", code, c)
	}
	e.checkOdooMatchesZoho()
	t.Logf("Odoo calls for 21 changes: %v", e.odoo.Calls())
}

func TestExistingProductsAreMatchedNotDuplicated(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{imagesOff: true})
	e.zoho.PutItem(zohotest.Item{ItemID: "9100000000000000001", Name: "Glazed Tile 30x30", SKU: "GT-3030", Status: "active", Rate: 129.5, Unit: "pcs"})
	e.zoho.PutItem(zohotest.Item{ItemID: "9100000000000000002", Name: "Grout, white", Status: "active", Rate: 7, Unit: "kg"})
	e.zoho.PutItem(zohotest.Item{ItemID: "9100000000000000003", Name: "Spacer", SKU: "SP-1", Status: "active", Rate: 1})
	bySKU := e.odoo.CreateProduct(map[string]any{"name": "Old tile name", "default_code": "GT-3030", "list_price": 100.0})
	byName := e.odoo.CreateProduct(map[string]any{"name": "Grout, white", "list_price": 5.0})
	e.start()
	run, code := e.runNow()
	if code != 0 {
		t.Fatalf("exit %d: %v", code, run["error"])
	}
	if c := counts(run); c["created"] != 1 || c["updated"] != 2 {
		t.Fatalf("counts = %v, want 1 created and 2 matched", c)
	}
	if n := len(e.odoo.Products(true)); n != 3 {
		t.Fatalf("%d products in Odoo, want 3", n)
	}
	p, _ := e.odoo.Product(bySKU)
	if p.Name != "Glazed Tile 30x30" || p.ListPrice != 129.5 {
		t.Fatalf("SKU match not updated: %+v", p)
	}
	p, _ = e.odoo.Product(byName)
	if p.ListPrice != 7 || p.UomID != 12 {
		t.Fatalf("name match not updated: %+v", p)
	}
	e.checkOdooMatchesZoho()
	logs := e.logs.String()
	if !strings.Contains(logs, "matched by name") {
		t.Error("a name match is not logged")
	}
}

// TestKillAtRandomMomentsNeverDuplicates kills the server at seeded random
// moments of a 2,000-item run, restarts it, and runs again until a run
// succeeds: every item must then be in Odoo exactly once, with its values.
func TestKillAtRandomMomentsNeverDuplicates(t *testing.T) {
	t.Parallel()
	trials := 5
	if testing.Short() {
		trials = 2
	}
	for trial := 0; trial < trials; trial++ {
		t.Run(fmt.Sprint("seed", trial), func(t *testing.T) {
			t.Parallel()
			rng := rand.New(rand.NewPCG(uint64(trial), 99))
			e := newEnv(t, envOptions{items: 2000, seed: int64(trial), batchSize: 50, imagesOff: true,
				odoo: odootest.Options{Latency: 15 * time.Millisecond}})
			// Some Odoo calls are cut after Odoo committed (the client never hears back).
			e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", CutAfterCommit: true, Times: 2})
			e.start()
			for kill := 0; kill < 3; kill++ {
				// A run in flight, killed at a random moment: during paging,
				// a load() call, or the state commit.
				done := make(chan struct{})
				go func() { e.cli("run-now", "--full", "--json"); close(done) }()
				time.Sleep(time.Duration(200+rng.IntN(1800)) * time.Millisecond)
				e.kill()
				<-done
				// Zoho moves on while the server is down.
				e.zoho.UpdateItem(e.zoho.Items()[rng.IntN(2000)].ItemID, func(x *zohotest.Item) { x.Rate += 1 })
				e.start()
			}
			out, _, _ := e.cli("runs", "--json")
			if n := strings.Count(out, `"error_reason":"ERROR_REASON_INTERRUPTED"`); n == 0 {
				t.Fatalf("no kill interrupted a run; the trial tested nothing:\n%s", out)
			} else {
				t.Logf("%d of 3 kills interrupted a run", n)
			}
			run, code := e.runNow("--full")
			if code != 0 {
				t.Fatalf("final run exit %d: %v", code, run["error"])
			}
			if n := len(e.odoo.Products(true)); n != 2000 {
				t.Fatalf("%d products in Odoo after kills, want 2000", n)
			}
			e.checkOdooMatchesZoho()
		})
	}
}

func TestZohoTroubleDoesNotStopTheRun(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 1000, seed: 3, imagesOff: true, zoho: zohotest.Options{Latency: 20 * time.Millisecond}})
	e.zoho.Inject(zohotest.Fault{Kind: zohotest.Fault429, Path: "/items", After: 1, Times: 3})
	e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultHTTP500, Path: "/items", After: 2, Times: 2})
	e.zoho.Inject(zohotest.Fault{Kind: zohotest.Fault503HTML, Path: "/items", After: 3, Times: 1})
	e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultSlow, Path: "/items", After: 3, Times: 2, Delay: 500 * time.Millisecond})
	e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultTruncatedJSON, Path: "/items", After: 4, Times: 1})
	e.start()
	// The token expires in the middle of the run.
	go func() {
		time.Sleep(300 * time.Millisecond)
		e.zoho.ExpireTokens()
	}()
	run, code := e.runNow()
	if code != 0 {
		t.Fatalf("exit %d: %v", code, run["error"])
	}
	e.checkOdooMatchesZoho()
	st := e.zoho.Stats()
	if st.TokensMinted > 10 || st.TokenErrors > 0 {
		t.Fatalf("minted %d tokens, %d refused", st.TokensMinted, st.TokenErrors)
	}
	t.Logf("zoho stats: calls %d, tokens %d, 429s %d", st.APICalls, st.TokensMinted, st.RateLimited44)
}

func TestDailyQuotaEndsTheRunCleanly(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 700, seed: 5, imagesOff: true, zoho: zohotest.Options{DailyLimit: 2}})
	e.start()
	out, stderr, code := e.cli("run-now")
	// The quota planner stops before Zoho's allowance is used up: PARTIAL (exit 1), never a code-45 failure.
	if code != 1 {
		t.Fatalf("exit %d, want 1\n%s%s", code, out, stderr)
	}
	if !strings.Contains(out, "Zoho quota reserve") || !strings.Contains(out, "resumes after Zoho's daily reset") {
		t.Fatalf("output does not say the run stopped at the quota reserve:\n%s", out)
	}
	if e.zoho.Stats().Quota45 != 0 {
		t.Fatalf("Zoho refused %d calls with code 45", e.zoho.Stats().Quota45)
	}
	// What was written before the stop is in Odoo once each; the rest waits for Zoho's daily reset
	// (the engine's TestQuotaReserve resumes it on a simulated clock).
	seen := map[string]bool{}
	for _, p := range e.odoo.Products(true) {
		for _, x := range p.XMLIDs {
			if strings.HasPrefix(x, "__zohosync__.") {
				if seen[x] {
					t.Fatalf("two products carry %s", x)
				}
				seen[x] = true
			}
		}
	}
	if len(seen) == 0 || len(seen) >= 700 {
		t.Fatalf("%d products linked after a run stopped at the reserve", len(seen))
	}
}

func TestBadConfigOneLineAndNothingWritten(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		mutate func(e *env)
		atRun  bool // the problem shows when a run connects
		want   string
	}{
		{"missing zoho config", func(e *env) { os.Remove(filepath.Join(e.cfgDir, "zoho_config.json")) }, false, "zoho_config.json: file not found"},
		{"bad JSON", func(e *env) {
			os.WriteFile(filepath.Join(e.cfgDir, "odoo_config.json"), []byte(`{"url": "http://x",`), 0o600)
		}, false, "odoo_config.json: "},
		{"unknown Zoho field in mapping", func(e *env) {
			os.WriteFile(filepath.Join(e.cfgDir, "field_mapping.json"), []byte(`{"products": {"zoho_books": {"name": "name", "colour": "x_colour"}}}`), 0o600)
		}, false, `unknown Zoho item field "colour"`},
		{"unknown Odoo field in mapping", func(e *env) {
			os.WriteFile(filepath.Join(e.cfgDir, "field_mapping.json"), []byte(`{"products": {"zoho_books": {"name": "name", "rate": "list_prize"}}}`), 0o600)
		}, true, `"list_prize", which product.template does not have`},
		{"wrong Odoo password", func(e *env) {
			e.writeJSON("odoo_config.json", map[string]any{"url": e.odoo.URL, "db": "odoo", "username": "admin", "password": "wrong-" + odooPassword})
		}, true, "wrong username, password or API key"},
		{"unknown organisation", func(e *env) {
			zc := e.zoho.Config()
			e.writeJSON("zoho_config.json", map[string]any{"zoho_books": map[string]any{"base_url": e.zoho.URL + "/books/v3", "accounts_url": e.zoho.URL,
				"client_id": zc.ClientID, "client_secret": zc.ClientSecret, "refresh_token": zc.RefreshToken, "organization_id": "123"}})
		}, true, "organization_id"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			e := newEnv(t, envOptions{items: 20, seed: 1, imagesOff: true})
			tc.mutate(e)
			if !tc.atRun {
				err := e.tryStart()
				if err == nil {
					t.Fatal("server started with a bad config")
				}
				line := lastLines(e.logs.String(), 1)
				if !strings.Contains(line, tc.want) {
					t.Fatalf("last line %q does not contain %q", line, tc.want)
				}
				return
			}
			e.start()
			out, stderr, code := e.cli("run-now")
			if code != 2 || !strings.Contains(out+stderr, tc.want) {
				t.Fatalf("exit %d, output does not contain %q:\n%s%s", code, tc.want, out, stderr)
			}
			if n := len(e.odoo.Products(true)); n != 0 {
				t.Fatalf("%d products written despite the bad config", n)
			}
			for _, secret := range []string{e.zoho.Config().ClientSecret, e.zoho.Config().RefreshToken, odooPassword} {
				if strings.Contains(out+stderr, secret) {
					t.Fatalf("output leaks a secret")
				}
			}
		})
	}
}

// TestKillDuringImageDownloads: killed while pictures are being downloaded and
// sent, restarted, run again: no product twice, every picture in Odoo.
func TestKillDuringImageDownloads(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 300, seed: 8, zoho: zohotest.Options{Latency: 20 * time.Millisecond},
		zohoExtra: map[string]any{"requests_per_minute": 3000}})
	e.zoho.SeedImageSize(50_000)
	e.start()
	for kill := 0; kill < 3; kill++ {
		done := make(chan struct{})
		go func() { e.cli("run-now", "--json"); close(done) }()
		// Wait until pictures are flowing, then kill.
		deadline := time.Now().Add(60 * time.Second)
		for e.zoho.Stats().ImageCalls < (kill+1)*20 && time.Now().Before(deadline) {
			time.Sleep(20 * time.Millisecond)
		}
		e.kill()
		<-done
		e.start()
	}
	run, code := e.runNow()
	if code != 0 {
		t.Fatalf("final run exit %d: %v", code, run["error"])
	}
	e.checkOdooMatchesZoho()
	missing := 0
	for _, it := range e.zoho.Items() {
		if !it.HasImage() {
			continue
		}
		for _, p := range e.odoo.Products(true) {
			for _, x := range p.XMLIDs {
				if x == "__zohosync__.zoho_item_"+it.ItemID && p.Image1920 == "" {
					missing++
				}
			}
		}
	}
	if missing > 0 {
		t.Fatalf("%d pictures missing in Odoo after the kills", missing)
	}
}

// TestTenClientsStartAtOnce: ten `run-now` at the same moment make one run,
// and every one of them follows it to the same end.
func TestTenClientsStartAtOnce(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 800, seed: 9, imagesOff: true, odoo: odootest.Options{Latency: 10 * time.Millisecond}})
	e.start()
	type result struct {
		id      string
		created int
		code    int
	}
	results := make(chan result, 10)
	for i := 0; i < 10; i++ {
		go func() {
			run, code := e.runNow()
			results <- result{fmt.Sprint(run["id"]), counts(run)["created"], code}
		}()
	}
	ids := map[string]bool{}
	for i := 0; i < 10; i++ {
		r := <-results
		if r.code != 0 || r.created != 800 {
			t.Fatalf("a client saw exit %d, created %d", r.code, r.created)
		}
		ids[r.id] = true
	}
	if len(ids) != 1 {
		t.Fatalf("ten clients made %d runs: %v", len(ids), ids)
	}
}
