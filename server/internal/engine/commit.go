package engine

import (
	"sort"
	"strconv"
	"time"

	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/store"
)

// ledger is the commit stage: what a page changes in the store, gathered from
// the other stages' outcomes and written in one go. A write that reached Odoo
// is recorded before the run can end, or the next run would redo it.
type ledger struct {
	now    time.Time
	states map[string]store.ItemState
}

func newLedger(now time.Time) *ledger {
	return &ledger{now: now, states: map[string]store.ItemState{}}
}

// current is the item's state as this page leaves it so far.
func (l *ledger) current(pl *plan) store.ItemState {
	if st, ok := l.states[pl.p.ZohoID]; ok {
		return st
	}
	return pl.st
}

func (l *ledger) put(st store.ItemState) { l.states[st.ZohoID] = st }

// sameFailure says whether an item whose stored state is st failed the same
// way before: the same reason, on the same mapped input.
func sameFailure(st store.ItemState, reason, inputSum string) bool {
	return st.State == store.StateFailed && st.LastError == reason && st.InputSum != "" && st.InputSum == inputSum
}

// failed records an item that failed (mapping or write); it keeps its link.
func (l *ledger) failed(st store.ItemState, reason string) store.ItemState {
	st.State = store.StateFailed
	st.LastError = reason
	st.Failures++
	l.put(st)
	return st
}

// writeFailed records a product Odoo refused.
func (l *ledger) writeFailed(pl *plan) {
	st := pl.st
	st.InputSum = pl.inputSum
	if pl.odooID != 0 {
		st.OdooID = pl.odooID
		if pl.linkedBy != "" {
			st.LinkedBy = pl.linkedBy
		}
	}
	l.failed(st, pl.failReason)
}

// unchanged records an item that needed no write (a newly matched one gets its link).
func (l *ledger) unchanged(pl *plan) {
	st := pl.st
	st.InputSum = pl.inputSum
	st.Name, st.SKU = pl.p.Name, pl.p.SKU
	if st.State == "" || st.State == store.StateFailed {
		st.State = store.StateSynced
	}
	if pl.linkedBy != "" {
		st.OdooID, st.LinkedBy, st.Checksum, st.Values = pl.odooID, pl.linkedBy, pl.p.Checksum, pl.p.Values
		st.State = activeState(pl.p)
	}
	st.LastSyncedAt = l.now
	l.put(st)
}

// written records a product written to Odoo.
func (l *ledger) written(pl *plan) {
	st := pl.st
	st.OdooID = pl.odooID
	st.Name, st.SKU = pl.p.Name, pl.p.SKU
	st.Checksum, st.Values = pl.p.Checksum, pl.p.Values
	st.InputSum = pl.inputSum
	st.State = activeState(pl.p)
	st.LastSyncedAt = l.now
	st.LastError, st.Failures = "", 0
	if pl.linkedBy != "" {
		st.LinkedBy = pl.linkedBy
	}
	l.put(st)
}

// archivedState is the state of a product archived because its Zoho item is gone.
func archivedState(st store.ItemState, now time.Time) store.ItemState {
	st.State = store.StateArchived
	st.LastSyncedAt = now
	if st.Values != nil {
		st.Values["active"] = false
		st.Checksum = "" // the item is gone: if it comes back, rewrite it
	}
	st.InputSum = "" // nor may it come back unseen by Odoo
	return st
}

// batch returns the page's states, stamped with the run, in key order.
func (l *ledger) batch(runNum int64) []store.ItemState {
	out := make([]store.ItemState, 0, len(l.states))
	for _, st := range l.states {
		st.LastSeenRun = runNum
		st.LastRunID = strconv.FormatInt(runNum, 10)
		out = append(out, st)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].ZohoID < out[j].ZohoID })
	return out
}

func activeState(p mapping.Product) string {
	if active, ok := p.Values["active"].(bool); ok && !active {
		return store.StateArchived
	}
	return store.StateSynced
}
