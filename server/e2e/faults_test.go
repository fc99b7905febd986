package e2e

import (
	"bytes"
	"fmt"
	"image"
	"image/png"
	"math/rand/v2"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// The fault suite: each case ends by checking Odoo against the emulator's
// truth — every item present once, with the right values. All of it runs in
// `make test` (about 2 minutes, fixed seeds); `make test-faults` runs it alone.

// untilSuccess runs smart syncs until one succeeds (a fault may legitimately
// end a run; the next must finish the job), at most n times.
func (e *env) untilSuccess(n int, args ...string) map[string]any {
	e.t.Helper()
	var run map[string]any
	for i := 0; i < n; i++ {
		var code int
		run, code = e.runNow(args...)
		if code == 0 {
			return run
		}
	}
	e.t.Fatalf("no successful run in %d attempts; last: %v", n, run["error"])
	return nil
}

func TestFaultsZoho(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name   string
		zoho   zohotest.Options
		setup  func(e *env)
		during func(e *env) // while the first run is in flight
		first  int          // expected exit code of the first run (-1: any)
		rpm    int          // requests_per_minute (default 3000)
		items  int          // catalogue size (default 700)
		check  func(t *testing.T, st zohotest.Stats)
	}{
		{name: "5xx and timeouts", first: 0, setup: func(e *env) {
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultHTTP500, Path: "/items", After: 1, Times: 3})
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultTimeout, Path: "/items", After: 2, Times: 1, Delay: 2 * time.Second})
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultDropConnection, Path: "/image", After: 5, Times: 2})
		}},
		{name: "truncated JSON", first: 0, setup: func(e *env) {
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultTruncatedJSON, Path: "/items", After: 1, Times: 2})
		}},
		{name: "429 storm", first: 0, setup: func(e *env) {
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.Fault429, After: 3, Times: 15})
			e.zoho.Inject(zohotest.Fault{Kind: zohotest.FaultConcurrency1070, Path: "/image", Times: 10})
		}},
		{name: "token expires mid-run", first: 0, during: func(e *env) { e.zoho.ExpireTokens() }},
		{name: "token endpoint locks out", first: 2, zoho: zohotest.Options{TokenMintLimit: 1}, during: func(e *env) {
			e.zoho.ExpireTokens() // the second mint is refused: the run stops with a clear reason
		}},
		// A fixed 5-minute refresh margin once made every call mint a token when
		// tokens lived less: the run failed ZOHO_TOKEN_LIMIT after 8 calls. At 200
		// calls a minute the first run of 250 items (~150 calls) lasts about 45 s,
		// four lifetimes: paced by the rate limit, not by how loaded the machine is,
		// so that the whole case stays well inside Zoho's 10 tokens per 10 minutes.
		{name: "tokens live 10 seconds", first: 0, rpm: 200, items: 250, zoho: zohotest.Options{TokenTTL: 10 * time.Second},
			check: func(t *testing.T, st zohotest.Stats) {
				t.Logf("%d tokens minted for %d API calls", st.TokensMinted, st.APICalls)
				if st.TokensMinted < 3 {
					t.Errorf("only %d tokens minted: the runs did not outlive the tokens, the test proves nothing", st.TokensMinted)
				}
			}},
		// The daily quota: TestDailyQuotaEndsTheRunCleanly (the run stops at the reserve) and the engine's
		// TestQuotaReserve (it resumes after Zoho's reset, on a simulated clock).
		{name: "page changes while read", first: 0, setup: func(e *env) {
			e.zoho.SetLatency(50 * time.Millisecond)
		}, during: func(e *env) {
			// New items sort to the front by name: they shift later pages.
			for i := 0; i < 30; i++ {
				e.zoho.PutItem(zohotest.Item{Name: fmt.Sprintf("AAA inserted %02d", i), Status: "active", Rate: 1, SKU: fmt.Sprint("INS-", i)})
			}
			e.zoho.UpdateItem(e.zoho.Items()[7].ItemID, func(x *zohotest.Item) { x.Name = "AAA renamed while paging" })
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			rpm := tc.rpm
			if rpm == 0 {
				rpm = 3000
			}
			items := tc.items
			if items == 0 {
				items = 700
			}
			e := newEnv(t, envOptions{items: items, seed: 31, zoho: tc.zoho, zohoExtra: map[string]any{"requests_per_minute": rpm}})
			e.zoho.SeedImageSize(20_000)
			if tc.setup != nil {
				tc.setup(e)
			}
			e.start()
			done := make(chan int, 1)
			go func() { _, code := e.runNow(); done <- code }()
			if tc.during != nil {
				for e.zoho.Stats().ListCalls < 2 {
					time.Sleep(10 * time.Millisecond)
				}
				tc.during(e)
			}
			if code := <-done; tc.first >= 0 && code != tc.first {
				t.Fatalf("first run exit %d, want %d", code, tc.first)
			}
			e.zoho.ClearFaults()
			e.zoho.SetLimits(-1, -1, -1)
			e.zoho.ResetRateLimits()
			e.untilSuccess(3)
			e.untilSuccess(2, "--full") // a full sync heals what paging shifts may have hidden
			e.checkOdooMatchesZoho()
			st := e.zoho.Stats()
			if st.TokenErrors > 1 {
				t.Errorf("the token endpoint refused %d mints", st.TokenErrors)
			}
			if st.TokensMinted > 10 { // all of it well within 10 minutes
				t.Errorf("%d tokens minted; Zoho allows 10 per 10 minutes", st.TokensMinted)
			}
			if tc.check != nil {
				tc.check(t, st)
			}
		})
	}
}

func TestFaultsOdoo(t *testing.T) {
	t.Parallel()
	cases := []struct {
		name  string
		odoo  odootest.Options
		setup func(e *env)
	}{
		{"validation error on one product", odootest.Options{}, func(e *env) {
			bad := e.zoho.Items()[42].ItemID
			e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", Code: 2, Times: -1,
				Message: "The operation cannot be completed: a constraint failed",
				Match:   func(args []any, _ map[string]any) bool { return strings.Contains(fmt.Sprint(args), bad) }})
		}},
		{"down in the middle", odootest.Options{}, func(e *env) {
			e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", Down: true, Times: -1,
				Match: func(args []any, _ map[string]any) bool {
					return strings.Contains(fmt.Sprint(args), e.zoho.Items()[300].ItemID)
				}})
		}},
		{"cut after receiving a create", odootest.Options{}, func(e *env) {
			e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", CutAfterCommit: true, Times: 4})
		}},
		{"slow", odootest.Options{Latency: 150 * time.Millisecond}, nil},
		{"serialization conflicts", odootest.Options{}, func(e *env) {
			e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", Code: 1, Times: 3,
				Message: "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"})
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{items: 500, seed: 32, odoo: tc.odoo, batchSize: 50, zohoExtra: map[string]any{"requests_per_minute": 3000}})
			e.zoho.SeedImageSize(10_000)
			if tc.setup != nil {
				tc.setup(e)
			}
			e.start()
			e.runNow() // may fail or leave items failed: the fault is still there
			e.odoo.ClearFaults()
			e.untilSuccess(3)
			e.checkOdooMatchesZoho()
		})
	}
}

// TestFaultsKillAtRandomMoments: SIGKILL at seeded random moments, across
// listing, image downloads, Odoo writes and state commits.
func TestFaultsKillAtRandomMoments(t *testing.T) {
	t.Parallel()
	const trials = 24
	e := newEnv(t, envOptions{items: 1200, seed: 33, batchSize: 40, zohoExtra: map[string]any{"requests_per_minute": 3000},
		zoho: zohotest.Options{Latency: 15 * time.Millisecond}, odoo: odootest.Options{Latency: 10 * time.Millisecond}})
	e.zoho.SeedImageSize(20_000)
	e.odoo.Inject(odootest.Fault{Model: "product.template", Method: "load", CutAfterCommit: true, Times: 3})
	rng := rand.New(rand.NewPCG(2026, 11))
	e.start()
	phases := map[string]int{}
	for trial := 0; trial < trials; trial++ {
		kind := []string{"run-now", "run-now --full"}[rng.IntN(2)]
		done := make(chan struct{})
		go func() { e.cli(append(strings.Fields(kind), "--json")...); close(done) }()
		time.Sleep(time.Duration(50+rng.IntN(2500)) * time.Millisecond)
		phases[phaseOf(e)]++
		e.kill()
		<-done
		// Zoho moves on while the server is down.
		switch rng.IntN(4) {
		case 0:
			e.zoho.UpdateItem(e.zoho.Items()[rng.IntN(1200)].ItemID, func(x *zohotest.Item) { x.Rate += 0.5 })
		case 1:
			e.zoho.SetImage(e.zoho.Items()[rng.IntN(1200)].ItemID, "image/png", pngOf(rng.IntN(255)))
		case 2:
			e.zoho.PutItem(zohotest.Item{Name: fmt.Sprintf("Killed-trial item %d", trial), Status: "active", Rate: 2})
		}
		e.start()
	}
	t.Logf("kills by phase: %v", phases)
	e.untilSuccess(2, "--full")
	e.checkOdooMatchesZoho()
	e.checkImages()
}

// phaseOf tells what the server was doing in the 100 ms before a kill, from
// the emulators' counters: Zoho list pages, image downloads, Odoo writes (each
// followed by a state commit); several at once when they overlap.
func phaseOf(e *env) string {
	type counters struct{ list, images, writes int }
	read := func() counters {
		zs, oc := e.zoho.Stats(), e.odoo.Calls()
		return counters{zs.ListCalls + zs.ItemDetailCalls, zs.ImageCalls, oc["product.template.load"] + oc["product.template.write"]}
	}
	before := read()
	time.Sleep(100 * time.Millisecond)
	after := read()
	var busy []string
	if after.list > before.list {
		busy = append(busy, "listing")
	}
	if after.images > before.images {
		busy = append(busy, "images")
	}
	if after.writes > before.writes {
		busy = append(busy, "writing")
	}
	if len(busy) == 0 {
		return "between calls"
	}
	return strings.Join(busy, "+")
}

// checkImages: every item that has a picture in Zoho has one in Odoo.
func (e *env) checkImages() {
	e.t.Helper()
	has := map[string]bool{}
	for _, p := range e.odoo.Products(true) {
		for _, x := range p.XMLIDs {
			if id, ok := strings.CutPrefix(x, "__zohosync__.zoho_item_"); ok {
				has[id] = p.Image1920 != ""
			}
		}
	}
	for _, it := range e.zoho.Items() {
		if it.HasImage() && !has[it.ItemID] {
			e.t.Errorf("item %s has a picture in Zoho, none in Odoo", it.ItemID)
		}
	}
}

// TestFaultsDiskFull fills the data directory's disk during a run (a small
// tmpfs; needs root to mount). Whatever the server does then — fail the run
// or die — freeing space and restarting must end with every item once.
func TestFaultsDiskFull(t *testing.T) {
	t.Parallel()
	if os.Geteuid() != 0 {
		t.Skip("mounting a small tmpfs needs root")
	}
	e := newEnv(t, envOptions{items: 800, seed: 34, zohoExtra: map[string]any{"requests_per_minute": 3000},
		odoo: odootest.Options{Latency: 5 * time.Millisecond}})
	e.zoho.SeedImageSize(30_000)
	mnt := t.TempDir()
	if out, err := exec.Command("mount", "-t", "tmpfs", "-o", "size=200m", "tmpfs", mnt).CombinedOutput(); err != nil {
		t.Skipf("cannot mount a tmpfs here: %v %s", err, out)
	}
	t.Cleanup(func() { _ = exec.Command("umount", "-l", mnt).Run() })
	defer e.stop() // before the unmount
	e.dataDir = filepath.Join(mnt, "data")
	e.start()
	done := make(chan struct{})
	go func() { e.cli("run-now", "--json"); close(done) }()
	for e.odoo.TotalCalls() < 8 {
		time.Sleep(10 * time.Millisecond)
	}
	// Fill the disk until 20 MB are left: below zohosync's 64 MB guard, but
	// room for writes already in flight.
	filler := filepath.Join(mnt, "filler")
	f, _ := os.Create(filler)
	buf := make([]byte, 1<<20)
	for {
		var fs syscall.Statfs_t
		_ = syscall.Statfs(mnt, &fs)
		if int64(fs.Bavail)*int64(fs.Bsize) < 20<<20 {
			break
		}
		if _, err := f.Write(buf); err != nil {
			break
		}
	}
	f.Close()
	<-done
	out, _, _ := e.cli("status")
	if !strings.Contains(out, "disk is almost full") {
		t.Fatalf("status after the disk filled does not say so:\n%s\n%s", out, lastLines(e.logs.String(), 5))
	}
	e.kill()
	os.Remove(filler) // space freed
	e.start()
	e.untilSuccess(3, "--full")
	e.checkOdooMatchesZoho()
}

// pngOf is a small PNG of one grey level.
func pngOf(level int) []byte {
	img := image.NewGray(image.Rect(0, 0, 8, 8))
	for i := range img.Pix {
		img.Pix[i] = uint8(level)
	}
	var b bytes.Buffer
	_ = png.Encode(&b, img)
	return b.Bytes()
}
