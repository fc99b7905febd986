package zoho_test

import (
	"context"
	"slices"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func listModified(t *testing.T, c *zoho.Client, src zoho.Source, since time.Time) []zoho.Item {
	t.Helper()
	var all []zoho.Item
	for page := 1; ; page++ {
		p, err := c.ListModified(context.Background(), src, since, page)
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, p.Items...)
		if !p.HasMore {
			return all
		}
	}
}

// The filter returns exactly the items modified after (or at, when the
// emulated Zoho is inclusive) the instant, Inventory in ascending order, and
// the timestamps carry the organisation's offset.
func TestListModified(t *testing.T) {
	for _, tc := range []struct {
		src       zoho.Source
		inclusive bool
	}{{zoho.Inventory, false}, {zoho.Inventory, true}, {zoho.Books, false}, {zoho.Books, true}} {
		t.Run(string(tc.src)+map[bool]string{true: "/inclusive", false: "/strict"}[tc.inclusive], func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{})
			em.Seed(450, 3)
			em.SetLastModifiedInclusive(tc.inclusive)
			times := make([]time.Time, 0, 450)
			for _, it := range em.Items() {
				times = append(times, it.LastModifiedTime)
			}
			slices.SortFunc(times, time.Time.Compare)
			cut := times[200] // the 201st oldest: 249 items are newer
			want := 0
			for _, tm := range times {
				if tm.After(cut) || tc.inclusive && tm.Equal(cut) {
					want++
				}
			}
			got := listModified(t, c, tc.src, cut.UTC()) // the instant, whatever offset it is written in
			if len(got) != want {
				t.Fatalf("%d items, want %d", len(got), want)
			}
			for i, it := range got {
				raw := it.Str("last_modified_time")
				pt, err := time.Parse(zoho.TimeLayout, raw)
				if err != nil {
					t.Fatalf("last_modified_time %q: %v", raw, err)
				}
				if _, off := pt.Zone(); off != 5*3600+30*60 {
					t.Fatalf("last_modified_time %q is not in the organisation's zone", raw)
				}
				if tc.src == zoho.Inventory && i > 0 && it.LastModified().Before(got[i-1].LastModified()) {
					t.Fatalf("Inventory's answer is not in ascending last_modified_time order at %d", i)
				}
			}
		})
	}
}

// One call of one item shows whether the filter is honoured.
func TestModifiedFilterHonoured(t *testing.T) {
	for _, tc := range []struct {
		name    string
		src     zoho.Source
		ignores bool
		items   int
		want    bool
	}{
		{"inventory", zoho.Inventory, true, 20, true}, // the switch is Books only: Inventory documents the filter
		{"books honours", zoho.Books, false, 20, true},
		{"books ignores", zoho.Books, true, 20, false},
		{"books empty catalogue", zoho.Books, true, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{})
			em.Seed(tc.items, 1)
			em.SetBooksIgnoresModifiedFilter(tc.ignores)
			em.ResetStats()
			got, err := c.ModifiedFilterHonoured(context.Background(), tc.src, time.Now())
			if err != nil {
				t.Fatal(err)
			}
			if got != tc.want || em.Stats().APICalls != 1 {
				t.Fatalf("honoured %v in %d calls, want %v in 1", got, em.Stats().APICalls, tc.want)
			}
		})
	}
}
