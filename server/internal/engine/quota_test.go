package engine_test

import (
	"strings"
	"sync"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// simClock is simulated time shared by the emulator, the client and the engine.
type simClock struct {
	mu  sync.Mutex
	now time.Time
}

func (c *simClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *simClock) Set(t time.Time) {
	c.mu.Lock()
	c.now = t
	c.mu.Unlock()
}

func withImages(r *rig) (n int) {
	for _, it := range r.zoho.Items() {
		if it.ImageDocumentID != "" {
			n++
		}
	}
	return n
}

// A run stops at the reserve: product data first, pictures left pending, the
// run PARTIAL with QUOTA_RESERVE and the reset time; after the reset the rest
// is synced. The emulator never has to refuse a call (no code 45).
func TestQuotaReserve(t *testing.T) {
	day := time.Date(2026, 3, 2, 9, 0, 0, 0, zohotest.OrgLocation)
	reset := time.Date(2026, 3, 3, 0, 0, 0, 0, zohotest.OrgLocation)
	for _, tc := range []struct {
		name       string
		items      int
		noImage    bool
		daily      int
		wantListed int   // products created by the first run
		deferred   bool  // pictures left for the next day
		firstCalls int64 // at most this many calls the first day
		laterDaily int   // the allowance from the next day on (0: the same)
	}{
		// 5 pages; limit 5, reserve 1: three list calls (one call is kept for the page read ahead).
		// (Without a cursor a listing that never fits in a day never ends: the plan is upgraded next day.)
		{"the listing stops before the reserve", 1000, true, 5, 600, false, 3, 10},
		// 1 page, ~120 pictures; limit 50, reserve 10: all data, 39 pictures, the rest deferred.
		{"data before pictures", 200, false, 50, 200, true, 40, 0},
	} {
		t.Run(tc.name, func(t *testing.T) {
			clock := &simClock{now: day}
			r := newRig(t, rigOptions{items: tc.items, seed: 3, noImage: tc.noImage, quota: true, reserve: 20, now: clock.Now,
				zoho: zohotest.Options{DailyLimit: tc.daily}})
			run := r.smart()
			if run.State != zv1.RunState_RUN_STATE_PARTIAL || run.ErrorReason != zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE {
				t.Fatalf("first run: %v %v %q", run.State, run.ErrorReason, run.Error)
			}
			if !run.GetResumesAt().AsTime().Equal(reset) || !strings.Contains(run.Error, reset.UTC().Format(time.RFC3339)) {
				t.Fatalf("resumes at %v (%q), want %v", run.GetResumesAt().AsTime(), run.Error, reset)
			}
			if got := len(r.products()); got != tc.wantListed {
				t.Fatalf("%d products after the first run, want %d", got, tc.wantListed)
			}
			st := r.zoho.Stats()
			if st.Quota45 != 0 || int64(st.APICalls) > tc.firstCalls || run.ZohoCalls != int64(st.APICalls) {
				t.Fatalf("first day: %d calls (run says %d), %d code 45; want at most %d and none", st.APICalls, run.ZohoCalls, st.Quota45, tc.firstCalls)
			}
			c := counts(run)
			if tc.deferred {
				pictures := withImages(r)
				if run.ImagesDeferred == 0 || c.ImagesDownloaded+run.ImagesDeferred != int64(pictures) || len(r.odooImages()) != int(c.ImagesDownloaded) {
					t.Fatalf("pictures: %d downloaded, %d deferred, %d in Odoo, of %d", c.ImagesDownloaded, run.ImagesDeferred, len(r.odooImages()), pictures)
				}
			}
			// A second run the same day makes no call at all: it stops at once.
			again := r.smart()
			if again.ErrorReason != zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE || r.zoho.Stats().APICalls != st.APICalls {
				t.Fatalf("same day again: %v, %d calls (was %d)", again.ErrorReason, r.zoho.Stats().APICalls, st.APICalls)
			}
			// After the reset, the next runs finish the job.
			clock.Set(reset.Add(time.Minute))
			if tc.laterDaily > 0 {
				r.zoho.SetLimits(-1, tc.laterDaily, -1)
			}
			for i := 0; ; i++ {
				run = r.smart()
				if run.State == zv1.RunState_RUN_STATE_SUCCEEDED {
					break
				}
				if run.ErrorReason != zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE || i > 3 {
					t.Fatalf("after the reset: %v %v %q", run.State, run.ErrorReason, run.Error)
				}
				clock.Set(run.GetResumesAt().AsTime().Add(time.Minute))
			}
			r.requireEachOnce()
			if !tc.noImage && len(r.odooImages()) != withImages(r) {
				t.Fatalf("%d images in Odoo, %d in Zoho", len(r.odooImages()), withImages(r))
			}
			if r.zoho.Stats().Quota45 != 0 {
				t.Fatal("the emulator refused a call with code 45")
			}
		})
	}
}

// odooImages are the linked products in the double that have an image, by Zoho id.
func (r *rig) odooImages() map[string]bool {
	out := map[string]bool{}
	for id, ps := range r.products() {
		if len(ps) == 1 && ps[0].Image1920 != "" {
			out[id] = true
		}
	}
	return out
}
