package engine

import (
	"errors"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/store"
)

func TestLedgerRecordsEachOutcome(t *testing.T) {
	now := time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC)
	l := newLedger(now)
	p := mapping.Product{ZohoID: "1", Name: "Tile", SKU: "T", Checksum: "c1", Values: map[string]any{"active": true}}

	written := &plan{p: p, st: store.ItemState{ZohoID: "1", State: store.StateFailed, Failures: 2, LastError: "x"}, odooID: 5, linkedBy: "created"}
	l.written(written)
	if st := l.current(written); st.State != store.StateSynced || st.OdooID != 5 || st.Failures != 0 || st.LastError != "" || st.Checksum != "c1" || st.LinkedBy != "created" || !st.LastSyncedAt.Equal(now) {
		t.Errorf("written: %+v", st)
	}

	refused := &plan{p: mapping.Product{ZohoID: "2"}, st: store.ItemState{ZohoID: "2", Failures: 1}, odooID: 8, linkedBy: "sku", failReason: "Odoo refused the product: no"}
	l.writeFailed(refused)
	if st := l.current(refused); st.State != store.StateFailed || st.Failures != 2 || st.OdooID != 8 || st.LinkedBy != "sku" || st.LastError != refused.failReason {
		t.Errorf("refused: %+v", st)
	}

	inactive := mapping.Product{ZohoID: "3", Values: map[string]any{"active": false}, Checksum: "c3"}
	matched := &plan{p: inactive, st: store.ItemState{ZohoID: "3"}, odooID: 9, linkedBy: "name"}
	l.unchanged(matched)
	if st := l.current(matched); st.State != store.StateArchived || st.OdooID != 9 || st.Checksum != "c3" {
		t.Errorf("matched, unchanged, inactive: %+v", st)
	}

	st := l.failed(store.ItemState{ZohoID: "4"}, errors.New("no name").Error())
	if st.State != store.StateFailed || st.Failures != 1 {
		t.Errorf("map failure: %+v", st)
	}

	batch := l.batch(42)
	if len(batch) != 4 || batch[0].ZohoID != "1" || batch[3].ZohoID != "4" {
		t.Fatalf("batch %v", batch)
	}
	for _, st := range batch {
		if st.LastSeenRun != 42 || st.LastRunID != "42" {
			t.Errorf("%s not stamped with the run: %+v", st.ZohoID, st)
		}
	}
}

func TestArchivedStateForgetsTheChecksum(t *testing.T) {
	st := archivedState(store.ItemState{ZohoID: "1", Checksum: "c", Values: map[string]any{"active": true}}, time.Now())
	if st.State != store.StateArchived || st.Checksum != "" || st.Values["active"] != false {
		t.Fatalf("%+v", st)
	}
}
