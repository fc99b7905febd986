package engine

import (
	"context"
	"log/slog"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

type warnings []string

func (w *warnings) add(code zv1.WarningCode, _, _ string) {
	*w = append(*w, strings.TrimPrefix(code.String(), "WARNING_CODE_"))
}

func newLookup(o *fakeOdoo, st *fakeStore, w *warnings) *lookup {
	return &lookup{odoo: o, linked: st.LinkedOdooIDs, want: odoo.Want{Fields: []string{"name", "default_code"}}, sku: true, name: true,
		warn: w.add, log: slog.New(slog.DiscardHandler)}
}

func untracked(id, name, sku string) *plan {
	return &plan{p: mapping.Product{ZohoID: id, Name: name, SKU: sku, Values: map[string]any{"name": name}}}
}

func TestLookupMatchesByExternalIDThenSKUThenName(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	byLink := o.add(map[string]any{"name": "Linked", "default_code": "L-1"})
	o.xmlids["1"] = byLink
	bySKU := o.add(map[string]any{"name": "Other name", "default_code": "S-2"})
	byName := o.add(map[string]any{"name": "Grout", "default_code": false})
	takenByName := o.add(map[string]any{"name": "Taken", "default_code": false})
	st.items["99"] = store.ItemState{ZohoID: "99", OdooID: takenByName} // another item's product: never matched
	var w warnings
	plans := []*plan{untracked("1", "Linked", "L-1"), untracked("2", "Tile", "S-2"), untracked("3", "Grout", ""), untracked("4", "Taken", ""), untracked("5", "New", "N-5")}
	if err := newLookup(o, st, &w).run(context.Background(), plans, func(*plan) bool { return false }); err != nil {
		t.Fatal(err)
	}
	want := []struct {
		id       int64
		linkedBy string
		hasRec   bool
	}{{byLink, "external_id", true}, {bySKU, "sku", true}, {byName, "name", true}, {0, "", false}, {0, "", false}}
	for i, pl := range plans {
		if pl.odooID != want[i].id || pl.linkedBy != want[i].linkedBy || (pl.rec != nil) != want[i].hasRec {
			t.Errorf("item %s: odoo %d by %q rec %v; want %d by %q rec %v", pl.p.ZohoID, pl.odooID, pl.linkedBy, pl.rec != nil, want[i].id, want[i].linkedBy, want[i].hasRec)
		}
	}
	if len(w) != 1 || w[0] != "MATCHED_BY_NAME" {
		t.Errorf("warnings = %v, want one MATCHED_BY_NAME", w)
	}
}

func TestLookupNeverGivesOneProductToTwoItems(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	o.add(map[string]any{"name": "Same", "default_code": "DUP"})
	plans := []*plan{untracked("1", "Same", "DUP"), untracked("2", "Same", "DUP")}
	var w warnings
	if err := newLookup(o, st, &w).run(context.Background(), plans, func(*plan) bool { return false }); err != nil {
		t.Fatal(err)
	}
	if plans[0].odooID == 0 || plans[1].odooID != 0 {
		t.Fatalf("odoo ids %d and %d; want the first matched and the second left to create", plans[0].odooID, plans[1].odooID)
	}
}

func TestLookupWithoutExternalIDRightsWarnsOnceAndStillMatches(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	o.noXMLID = true
	id := o.add(map[string]any{"name": "Tile", "default_code": "T-1"})
	var w warnings
	l := newLookup(o, st, &w)
	for range 2 {
		pl := untracked("1", "Tile", "T-1")
		if err := l.run(context.Background(), []*plan{pl}, func(*plan) bool { return false }); err != nil {
			t.Fatal(err)
		}
		if pl.odooID != id || pl.linkedBy != "sku" {
			t.Fatalf("odoo %d by %q; want %d by sku", pl.odooID, pl.linkedBy, id)
		}
	}
	if len(w) != 1 || w[0] != "EXTERNAL_IDS_UNREADABLE" {
		t.Fatalf("warnings = %v, want EXTERNAL_IDS_UNREADABLE once", w)
	}
}

func TestLookupReadsTrackedRecordsOnlyWhenAsked(t *testing.T) {
	o, st := newFakeOdoo(), newFakeStore()
	kept := o.add(map[string]any{"name": "Kept"})
	tracked := []*plan{
		{p: mapping.Product{ZohoID: "1"}, tracked: true, odooID: kept},
		{p: mapping.Product{ZohoID: "2"}, tracked: true, odooID: 404}, // deleted in Odoo
		{p: mapping.Product{ZohoID: "3"}, tracked: true, odooID: kept},
	}
	var w warnings
	err := newLookup(o, st, &w).run(context.Background(), tracked, func(pl *plan) bool { return pl.p.ZohoID != "3" })
	if err != nil {
		t.Fatal(err)
	}
	if tracked[0].rec == nil || !tracked[1].read || tracked[1].rec != nil || tracked[2].read {
		t.Fatalf("read: %v %v %v; want 1 read and found, 2 read and gone, 3 not read", tracked[0].rec != nil, tracked[1].read, tracked[2].read)
	}
}
