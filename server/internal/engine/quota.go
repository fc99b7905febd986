package engine

import (
	"sync"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// quotaGate is the run's side of the quota planner (docs/zoho.md#rate-limits):
// before each list page it checks that one more call fits above the reserve,
// and before each picture batch that the pictures fit after the list pages
// still to read, so product data goes first and pictures wait for a later day.
type quotaGate struct {
	planner QuotaPlanner // nil: no planning (figures are not tracked)
	report  *reporter

	mu        sync.Mutex
	restPages int64     // list pages still to read after the current one (an estimate)
	resetsAt  time.Time // when the window resets, once the reserve was reached
	deferred  int64     // pictures left for a later run
}

// quotaReserveError ends a run PARTIAL: going on would spend the reserve.
type quotaReserveError struct{ resetsAt time.Time }

func (e *quotaReserveError) Error() string {
	if e.resetsAt.IsZero() {
		return "stopped at the Zoho quota reserve kept for the organisation's other apps; the next run resumes where this one stopped"
	}
	return "stopped at the Zoho quota reserve kept for the organisation's other apps; resumes after Zoho's daily reset at " +
		e.resetsAt.UTC().Format(time.RFC3339)
}

// spare is how many calls fit before the reserve; ok is false when nothing
// is known yet (then everything fits: the first answer tells the figures).
func (g *quotaGate) spare() (int64, bool) {
	if g == nil || g.planner == nil {
		return 0, false
	}
	n, resetsAt, known := g.planner.Spare()
	if !known {
		return 0, false
	}
	g.mu.Lock()
	if !resetsAt.IsZero() {
		g.resetsAt = resetsAt
	}
	g.mu.Unlock()
	return n, true
}

// listPage is asked before each list (or by-id) call. It wants one call more
// than it spends: the page read ahead may still be in flight, not yet counted.
func (g *quotaGate) listPage() error {
	if n, known := g.spare(); known && n < 2 {
		return g.stop()
	}
	return nil
}

// setRest records the list pages left after the one just read.
func (g *quotaGate) setRest(total, seen int64, hasMore bool) {
	if g == nil {
		return
	}
	rest := int64(0)
	if hasMore {
		rest = max((total-seen+zoho.PageSize-1)/zoho.PageSize, 1)
	}
	g.mu.Lock()
	g.restPages = rest
	g.mu.Unlock()
}

// pictures says how many of want picture downloads fit once the rest of the
// listing is paid for.
func (g *quotaGate) pictures(want int) int {
	n, known := g.spare()
	if !known {
		return want
	}
	g.mu.Lock()
	n -= g.restPages
	g.mu.Unlock()
	return int(min(max(n, 0), int64(want)))
}

// deferPictures counts pictures left pending for a later run.
func (g *quotaGate) deferPictures(n int) {
	if n == 0 {
		return
	}
	g.mu.Lock()
	g.deferred += int64(n)
	g.mu.Unlock()
	g.report.ar.emit(func(r *zv1.Run) { r.ImagesDeferred += int64(n) }, nil)
}

func (g *quotaGate) stop() error {
	g.mu.Lock()
	defer g.mu.Unlock()
	return &quotaReserveError{resetsAt: g.resetsAt}
}

// end turns a run that deferred pictures (and otherwise finished) into a
// run that stopped at the reserve.
func (g *quotaGate) end(err error) error {
	if err != nil || g == nil {
		return err
	}
	g.mu.Lock()
	deferred := g.deferred
	g.mu.Unlock()
	if deferred > 0 {
		return g.stop()
	}
	return nil
}
