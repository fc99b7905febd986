package engine_test

import (
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// A Free-plan organisation (1,000 calls a day, 20% kept for other apps) with
// 20,000 items keeps in sync under the default schedule (docs/zoho.md#rate-limits):
// over three simulated days of scheduled runs with a few edits a day, the
// first sync spreads over two days (pictures wait for the reset), no day
// spends more than its 800 calls, Zoho never refuses a call, and every edit
// reaches Odoo, within the interval once the catalogue is in step.
func TestFreePlanKeepsInSync(t *testing.T) {
	if testing.Short() {
		t.Skip("20,000 items over three simulated days")
	}
	if raceEnabled {
		t.Skip("about 100 s alone but 9 minutes under -race: make test-go runs it without the race detector")
	}
	t.Parallel()
	const limit, reserve = 1000, 200
	start := time.Date(2026, 3, 2, 9, 0, 0, 0, zohotest.OrgLocation)
	clock := &simClock{now: start}
	r := newRig(t, rigOptions{items: 20000, seed: 11, quota: true, reserve: 20, now: clock.Now,
		// Tokens live for the whole simulated stretch: the emulator's mint window runs on the simulated clock.
		zoho: zohotest.Options{DailyLimit: limit, TokenTTL: 30 * 24 * time.Hour}})
	// The shipped defaults: smart syncs read what changed since the cursor, and list everything once a day.
	r.cfg.Zoho.ModifiedOverlap, r.cfg.Zoho.FullListingEvery = 10*time.Minute, 24*time.Hour
	// One item in ten keeps its picture (about 1,200 pictures): more than the first day can pay for.
	for i, it := range r.zoho.Items() {
		if i%10 != 0 {
			r.zoho.ClearImage(it.ItemID)
		}
	}
	items := r.zoho.Items()

	type edit struct {
		at     time.Time
		id     string
		rate   float64
		synced time.Time // start of the run that brought it to Odoo
	}
	var edits []*edit
	for day := 0; day < 3; day++ {
		for k, hm := range []time.Duration{10*time.Hour + 30*time.Minute, 15*time.Hour + 45*time.Minute, 22*time.Hour + 10*time.Minute} {
			n := day*3 + k
			edits = append(edits, &edit{at: start.Truncate(24 * time.Hour).Add(time.Duration(day)*24*time.Hour + hm),
				id: items[(n*7919)%len(items)].ItemID, rate: 5000 + float64(n)})
		}
	}
	// Simulated days start at the emulator's midnight.
	midnight := time.Date(2026, 3, 2, 0, 0, 0, 0, zohotest.OrgLocation)
	for _, e := range edits {
		e.at = midnight.Add(e.at.Sub(start.Truncate(24 * time.Hour)))
	}

	cfg := config.DefaultSchedule()
	var st schedule.State
	end := midnight.Add(3 * 24 * time.Hour)
	callsByDay := map[string]int{}
	next := 0 // next edit to make
	reserveStops := map[string]int{}
	for {
		at, kind := schedule.Due(cfg, st, clock.Now())
		if !at.After(clock.Now()) {
			at = clock.Now()
		}
		if at.After(end) {
			break
		}
		for ; next < len(edits) && !edits[next].at.After(at); next++ {
			e := edits[next]
			clock.Set(e.at)
			r.zoho.UpdateItem(e.id, func(x *zohotest.Item) { x.Rate = e.rate })
		}
		clock.Set(at)
		day := at.In(zohotest.OrgLocation).Format("2006-01-02")
		before := r.zoho.Stats().APICalls
		run, _ := r.sync(kind, false)
		callsByDay[day] += r.zoho.Stats().APICalls - before
		st.Started(run)
		st.Finished(run)
		switch {
		case run.State == zv1.RunState_RUN_STATE_SUCCEEDED:
		case run.ErrorReason == zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE:
			reserveStops[day]++
		default:
			t.Fatalf("run at %v: %v %v %q", at, run.State, run.ErrorReason, run.Error)
		}
		t.Logf("%s %v: %v %v, %d calls, %d pictures deferred", at.Format("Jan 2 15:04"), kind, run.State, run.ErrorReason, run.ZohoCalls, run.ImagesDeferred)
		if q := r.zc.Quota(); q.Remaining < reserve || q.Limit != limit {
			t.Fatalf("after the run at %v the quota is %+v: below the reserve of %d", at, q, reserve)
		}
		if r.zoho.Stats().Quota45 != 0 {
			t.Fatalf("Zoho refused a call with code 45 (run at %v)", at)
		}
		for _, e := range edits[:next] {
			if e.synced.IsZero() && r.odooProduct(e.id).ListPrice == e.rate {
				e.synced = at
			}
		}
		clock.Set(at.Add(time.Minute)) // runs take no simulated time beyond this
	}
	// Steady state: one daily full listing (100 pages) plus a call or two per smart sync.
	if n := callsByDay["2026-03-04"]; n > 150 {
		t.Errorf("the third day cost %d Zoho calls; incremental smart syncs should keep it near 110", n)
	}
	for day, n := range callsByDay {
		if n > limit-reserve {
			t.Errorf("%s: %d Zoho calls, more than the %d above the reserve", day, n, limit-reserve)
		}
	}
	if reserveStops["2026-03-02"] == 0 {
		t.Error("the first day never reached the reserve: the test does not exercise the planner")
	}
	if n := reserveStops["2026-03-04"]; n != 0 {
		t.Errorf("day 3 (steady state) had %d runs stopped at the reserve", n)
	}
	// Every item linked to its own product, every picture in Odoo (read by
	// link: listing 20,000 products from the double is slow).
	odooIDs := map[int64]bool{}
	for _, it := range r.zoho.Items() {
		s, err := r.store.Item(it.ItemID)
		if err != nil || s.OdooID == 0 || odooIDs[s.OdooID] {
			t.Fatalf("item %s: link %d (%v)", it.ItemID, s.OdooID, err)
		}
		odooIDs[s.OdooID] = true
		if it.ImageDocumentID != "" && r.odooProduct(it.ItemID).Image1920 == "" {
			t.Errorf("item %s has a picture in Zoho, none in Odoo", it.ItemID)
		}
	}
	for _, e := range edits {
		delay := e.synced.Sub(e.at)
		limit := 24 * time.Hour // the day's allowance spent: it waits for the reset
		if e.at.After(midnight.Add(48 * time.Hour)) {
			limit = time.Duration(cfg.SyncIntervalHours * float64(time.Hour)) // steady state: within the interval
		}
		if e.synced.IsZero() || delay > limit {
			t.Errorf("edit of %s at %v reached Odoo at %v (limit %v)", e.id, e.at, e.synced, limit)
		}
	}
}

// odooProduct is the double's product linked to a Zoho item in the store.
func (r *rig) odooProduct(zohoID string) odootest.Product {
	s, err := r.store.Item(zohoID)
	if err != nil || s.OdooID == 0 {
		return odootest.Product{}
	}
	p, _ := r.odoo.Product(int(s.OdooID))
	return p
}
