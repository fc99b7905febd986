package e2e

import (
	"fmt"
	"strings"
	"testing"
)

// odooCallsOf reads the run's Odoo RPC count from its JSON summary.
func odooCallsOf(run map[string]any) int {
	var n int
	fmt.Sscan(fmt.Sprint(run["odoo_calls"]), &n)
	return n
}

// The real binary: a smart sync with nothing changed in Zoho makes no Odoo
// RPC at all, neither by listing every item (each left alone by the input
// sum kept in the data directory) nor incrementally; an edit opens Odoo and
// writes only it (issue 12 item 5).
func TestNoOpSmartSyncMakesNoOdooRPC(t *testing.T) {
	t.Parallel()
	for _, mode := range []struct {
		name  string
		extra map[string]any
	}{{"full-listing", map[string]any{"full_listing_hours": 0}}, {"incremental", nil}} {
		t.Run(mode.name, func(t *testing.T) {
			e := newEnv(t, envOptions{items: 120, seed: 21, zohoExtra: mode.extra})
			e.start()
			if run, code := e.runNow("--full"); code != 0 {
				t.Fatalf("full sync exit %d: %v", code, run["error"])
			}
			for i := 0; i < 2; i++ {
				e.odoo.ResetCalls()
				run, code := e.runNow()
				c := counts(run)
				if code != 0 || e.odoo.TotalCalls() != 0 || odooCallsOf(run) != 0 || c["unchanged"] != c["seen"] {
					t.Fatalf("no-op %d: exit %d, %d Odoo RPCs (%v), run says %v, counts %v", i, code, e.odoo.TotalCalls(), e.odoo.Calls(), run["odoo_calls"], c)
				}
			}
			e.changeItems(3)
			e.odoo.ResetCalls()
			run, code := e.runNow()
			if c := counts(run); code != 0 || c["updated"] != 3 || e.odoo.Calls()["product.template.fields_get"] != 1 {
				t.Fatalf("after 3 edits: exit %d, counts %v, calls %v", code, c, e.odoo.Calls())
			}
			e.checkOdooMatchesZoho()
		})
	}
}

// The real binary: pictures Zoho lists but says it does not have (code 1002)
// cost one image call each on the first run, which ends PARTIAL (exit 1);
// the second run asks Zoho for none of them, still ends PARTIAL, and reports
// them as repeated failures (issue 12 items 4 and 6).
func TestBrokenPicturesArePartialAndNotAskedTwice(t *testing.T) {
	t.Parallel()
	// Every smart sync lists every item here: an incremental one would read
	// only the items changed since its cursor, and report none of these.
	e := newEnv(t, envOptions{items: 60, seed: 9, zohoExtra: map[string]any{"full_listing_hours": 0}})
	var broken []string
	pictures := 0
	for _, it := range e.zoho.Items() {
		if !it.HasImage() {
			continue
		}
		pictures++
		if len(broken) < 5 {
			broken = append(broken, it.ItemID)
			e.zoho.BreakImage(it.ItemID)
		}
	}
	if len(broken) != 5 {
		t.Fatalf("only %d seeded items have a picture", len(broken))
	}
	e.start()

	images0 := e.zoho.Stats().ImageCalls
	run, code := e.runNow("--full")
	first := e.zoho.Stats().ImageCalls - images0
	c := counts(run)
	if code != 1 || run["state"] != "RUN_STATE_PARTIAL" || c["images_failed"] != 5 || c["repeated_failures"] != 0 {
		t.Fatalf("first run: exit %d, state %v, counts %v", code, run["state"], c)
	}
	if first != pictures {
		t.Fatalf("first run: %d image calls for %d pictures (a broken one costs one call: the first answer is final)", first, pictures)
	}

	for _, args := range [][]string{nil, {"--full"}} {
		images0 = e.zoho.Stats().ImageCalls
		run, code = e.runNow(args...)
		c = counts(run)
		if n := e.zoho.Stats().ImageCalls - images0; n != 0 {
			t.Fatalf("run %v: %d image calls, want 0", args, n)
		}
		if code != 1 || run["state"] != "RUN_STATE_PARTIAL" || c["images_failed"] != 5 || c["repeated_failures"] != 5 {
			t.Fatalf("run %v: exit %d, state %v, counts %v", args, code, run["state"], c)
		}
		errs, _ := run["item_errors"].([]any)
		seen := map[string]bool{}
		for _, x := range errs {
			ie, _ := x.(map[string]any)
			if ie["repeated"] != true || !strings.Contains(fmt.Sprint(ie["reason"]), "no image") {
				t.Fatalf("run %v: item error %v", args, ie)
			}
			seen[fmt.Sprint(ie["zoho_item_id"])] = true
		}
		for _, id := range broken {
			if !seen[id] {
				t.Fatalf("run %v: no item error for %s", args, id)
			}
		}
	}

	// The text summary says they are known.
	out, _, code := e.cli("run-now")
	if code != 1 || !strings.Contains(out, "repeated failures: 5 of 5") || !strings.Contains(out, "(repeated)") {
		t.Fatalf("text summary (exit %d):\n%s", code, out)
	}
	e.checkOdooMatchesZoho()
}
