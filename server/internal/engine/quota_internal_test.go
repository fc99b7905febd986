package engine

import (
	"errors"
	"strings"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

type fixedPlanner struct {
	spare int64
	reset time.Time
	known bool
}

func (f fixedPlanner) Spare() (int64, time.Time, bool) { return f.spare, f.reset, f.known }

// The estimate: pictures get what is left once the rest of the listing is paid for.
func TestQuotaGateEstimate(t *testing.T) {
	reset := time.Date(2026, 3, 3, 0, 0, 0, 0, time.UTC)
	for _, tc := range []struct {
		name         string
		planner      fixedPlanner
		total, seen  int64
		hasMore      bool
		want         int // pictures asked: 10
		listStops    bool
		wantDeferred bool
	}{
		{"nothing known: all", fixedPlanner{}, 1000, 200, true, 10, false, false},
		{"plenty", fixedPlanner{spare: 500, reset: reset, known: true}, 1000, 200, true, 10, false, false},
		{"last page: all the spare", fixedPlanner{spare: 7, reset: reset, known: true}, 1000, 1000, false, 7, false, true},
		{"four pages still to list come first", fixedPlanner{spare: 7, reset: reset, known: true}, 1000, 200, true, 3, false, true},
		{"a partial page left counts as one", fixedPlanner{spare: 7, reset: reset, known: true}, 1001, 1000, true, 6, false, true},
		{"the listing itself does not fit", fixedPlanner{spare: 3, reset: reset, known: true}, 1000, 200, true, 0, false, true},
		{"nothing spare: the listing stops", fixedPlanner{spare: 0, reset: reset, known: true}, 1000, 200, true, 0, true, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			ar := newActiveRun(&zv1.Run{Progress: &zv1.Progress{Counts: &zv1.Counts{}}}, time.Now)
			g := &quotaGate{planner: tc.planner, report: &reporter{ar: ar}}
			g.setRest(tc.total, tc.seen, tc.hasMore)
			got := g.pictures(10)
			if got != tc.want {
				t.Fatalf("pictures(10) = %d, want %d", got, tc.want)
			}
			g.deferPictures(10 - got)
			err := g.listPage()
			var qe *quotaReserveError
			if stops := errors.As(err, &qe); stops != tc.listStops {
				t.Fatalf("listPage() = %v, want stop %v", err, tc.listStops)
			}
			end := g.end(nil)
			if (end != nil) != tc.wantDeferred {
				t.Fatalf("end(nil) = %v, want a reserve stop %v", end, tc.wantDeferred)
			}
			if end != nil {
				if !errors.As(end, &qe) || !qe.resetsAt.Equal(reset) || !strings.Contains(end.Error(), "2026-03-03T00:00:00Z") || strings.Contains(end.Error(), "\n") {
					t.Fatalf("end = %q (resets %v), want a one-line message naming the reset", end, qe.resetsAt)
				}
				if Reason(end) != zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE {
					t.Fatalf("Reason = %v", Reason(end))
				}
			}
			if ar.snapshot(false).ImagesDeferred != int64(10-got) {
				t.Fatalf("images deferred = %d, want %d", ar.snapshot(false).ImagesDeferred, 10-got)
			}
		})
	}
}
