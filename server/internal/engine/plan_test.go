package engine

import (
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// diffValues is a stand-in for the mapper's Diff: plain inequality.
func diffValues(want, have map[string]any) []mapping.Change {
	var out []mapping.Change
	for k, v := range want {
		if have[k] != v {
			out = append(out, mapping.Change{Field: k, Old: have[k], New: v})
		}
	}
	return out
}

func TestPlanDecidesFromItemStateAndRecord(t *testing.T) {
	want := map[string]any{"name": "Tile", "active": true}
	product := mapping.Product{ZohoID: "1", Name: "Tile", Values: want, Checksum: "new"}
	stored := store.ItemState{ZohoID: "1", OdooID: 7, Checksum: "new", State: store.StateSynced, Values: map[string]any{"name": "Tile", "active": true}}
	cases := []struct {
		name       string
		full       bool
		pl         plan
		action     zv1.Action
		changes    int
		link       bool
		needRecord bool
		odooID     int64
	}{
		{name: "new item, no match: create", pl: plan{p: product}, action: zv1.Action_ACTION_CREATE},
		{name: "smart, same checksum: unchanged without reading Odoo", pl: plan{p: product, st: stored, tracked: true, odooID: 7},
			action: zv1.Action_ACTION_UNCHANGED, odooID: 7},
		{name: "smart, checksum changed: diff against the values last written",
			pl:     plan{p: product, st: with(stored, func(s *store.ItemState) { s.Checksum = "old"; s.Values["name"] = "Old" }), tracked: true, odooID: 7},
			action: zv1.Action_ACTION_UPDATE, changes: 1, odooID: 7},
		{name: "smart, failed last time: decided again (here from the values last written)",
			pl:     plan{p: product, st: with(stored, func(s *store.ItemState) { s.State = store.StateFailed }), tracked: true, odooID: 7, rec: odoo.Record{"id": int64(7), "name": "Tile", "active": true}},
			action: zv1.Action_ACTION_UNCHANGED, odooID: 7},
		{name: "full: diff against Odoo's record", full: true, needRecord: true,
			pl:     plan{p: product, st: stored, tracked: true, odooID: 7, rec: odoo.Record{"id": int64(7), "name": "Edited in Odoo", "active": true}},
			action: zv1.Action_ACTION_UPDATE, changes: 1, odooID: 7},
		{name: "full: product deleted in Odoo: created again", full: true, needRecord: true,
			pl:     plan{p: product, st: stored, tracked: true, odooID: 7},
			action: zv1.Action_ACTION_CREATE},
		{name: "inactive in Zoho: archive", full: true, needRecord: true,
			pl:     plan{p: mapping.Product{ZohoID: "1", Values: map[string]any{"active": false}}, st: stored, tracked: true, odooID: 7, rec: odoo.Record{"id": int64(7), "active": true}},
			action: zv1.Action_ACTION_ARCHIVE, changes: 1, odooID: 7},
		{name: "matched by SKU, same values: unchanged, and linked",
			pl:     plan{p: product, odooID: 9, linkedBy: "sku", rec: odoo.Record{"id": int64(9), "name": "Tile", "active": true}},
			action: zv1.Action_ACTION_UNCHANGED, link: true, odooID: 9},
		{name: "found by external id but gone from Odoo: created",
			pl:     plan{p: product, odooID: 9, linkedBy: "external_id"},
			action: zv1.Action_ACTION_CREATE},
		{name: "imported from the Python tool: linked by the first write",
			pl:     plan{p: product, st: with(stored, func(s *store.ItemState) { s.LinkedBy, s.Checksum, s.Values = "imported", "", nil }), tracked: true, odooID: 7, rec: odoo.Record{"id": int64(7), "name": "Tile", "active": true}},
			action: zv1.Action_ACTION_UNCHANGED, link: true, needRecord: true, odooID: 7},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			pn := planner{full: tc.full, diff: diffValues}
			pl := tc.pl
			if got := pn.needsRecord(&pl); got != tc.needRecord {
				t.Errorf("needsRecord = %v, want %v", got, tc.needRecord)
			}
			pn.decide(&pl)
			if pl.action != tc.action || len(pl.changes) != tc.changes || pl.link != tc.link || pl.odooID != tc.odooID {
				t.Errorf("action %v, %d changes, link %v, odoo id %d; want %v, %d, %v, %d",
					pl.action, len(pl.changes), pl.link, pl.odooID, tc.action, tc.changes, tc.link, tc.odooID)
			}
		})
	}
}

func TestPlanNotesWhetherOdooHasTheImage(t *testing.T) {
	pn := planner{full: true, diff: diffValues}
	pl := plan{p: mapping.Product{ZohoID: "1", Values: map[string]any{}}, st: store.ItemState{OdooID: 3}, tracked: true, odooID: 3,
		rec: odoo.Record{"id": int64(3), odoo.ImageField: ""}}
	pn.decide(&pl)
	if !pl.imageKnown || pl.odooHasImage {
		t.Fatalf("known %v, has %v; want known and missing", pl.imageKnown, pl.odooHasImage)
	}
}

func with(st store.ItemState, f func(*store.ItemState)) store.ItemState {
	st.Values = map[string]any{"name": "Tile", "active": true}
	f(&st)
	return st
}
