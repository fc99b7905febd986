package e2e

import (
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// listCalls is how many item listings (and probes) the emulated Zoho answered.
func (e *env) listCalls() int {
	st := e.zoho.Stats()
	return st.ByPath["GET /books/v3/items"] + st.ByPath["GET /inventory/v1/items"]
}

// changeItems edits n items in Zoho (a new rate), bumping their last_modified_time.
func (e *env) changeItems(n int) {
	e.t.Helper()
	for i, it := range e.zoho.Items()[:n] {
		if !e.zoho.UpdateItem(it.ItemID, func(it *zohotest.Item) { it.Rate += float64(i + 1) }) {
			e.t.Fatalf("item %s vanished", it.ItemID)
		}
	}
}

// The real binary: after a full sync, smart syncs read incrementally (one
// list call for nothing, the changes synced), status says so, and a Books
// organisation that ignores the filter is detected and listed in full.
func TestIncrementalSmartSync(t *testing.T) {
	for _, ignores := range []bool{false, true} {
		name := map[bool]string{false: "books-honours", true: "books-ignores"}[ignores]
		t.Run(name, func(t *testing.T) {
			e := newEnv(t, envOptions{items: 450, seed: 5, imagesOff: true})
			e.zoho.SetBooksIgnoresModifiedFilter(ignores)
			e.start()
			defer e.stop()
			if _, code := e.runNow("--full"); code != 0 {
				t.Fatalf("full sync: exit %d", code)
			}
			e.changeItems(3)
			before := e.listCalls()
			run, code := e.runNow()
			if c := counts(run); code != 0 || c["updated"] != 3 {
				t.Fatalf("smart sync: exit %d, %v", code, c)
			}
			wantCalls := 2 // the probe and one page
			if ignores {
				wantCalls = 1 + 3 // the probe and every page
			}
			if n := e.listCalls() - before; n != wantCalls {
				t.Fatalf("%d list calls, want %d", n, wantCalls)
			}
			out, _, code := e.cli("status")
			want := "smart sync reads: incremental"
			if ignores {
				want = "smart sync reads: full listing (Zoho Books ignores the last_modified_time filter"
			}
			if code != 0 || !strings.Contains(out, want) {
				t.Fatalf("status (exit %d) lacks %q:\n%s", code, want, out)
			}
			if !ignores {
				before = e.listCalls()
				if _, code := e.runNow(); code != 0 || e.listCalls()-before != 1 {
					t.Fatalf("no-op smart sync: exit %d, %d list calls", code, e.listCalls()-before)
				}
			}
			e.checkOdooMatchesZoho()
		})
	}
}
