// Package quota plans a run's Zoho calls against the organisation's daily
// allowance (docs/zoho.md#rate-limits): it keeps the last figures Zoho sent
// in the store across restarts and says whether more calls fit above the
// reserve left for the organisation's other apps.
package quota

import (
	"errors"
	"math"
	"sync"
	"time"

	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// Source is where the figures come from (*zoho.Client).
type Source interface {
	Quota() zoho.Quota
	SetQuota(zoho.Quota)
}

// Store keeps the figures across restarts (*store.Store).
type Store interface {
	GetMeta(name string, v any) error
	PutMeta(name string, v any) error
}

// Planner answers the engine's question "do these calls fit?".
type Planner struct {
	src        Source
	st         Store
	key        string
	reservePct float64
	now        func() time.Time

	mu     sync.Mutex
	saved  zoho.Quota // as last written to the store
	loaded time.Time  // when the figures read from the store at start were observed
}

// New loads the organisation's recorded quota and seeds src with it. On a
// read error the planner is still returned, knowing nothing yet.
func New(src Source, st Store, org string, reservePercent float64, now func() time.Time) (*Planner, error) {
	if now == nil {
		now = time.Now
	}
	p := &Planner{src: src, st: st, key: "zoho_quota/" + org, reservePct: reservePercent, now: now}
	var q zoho.Quota
	switch err := st.GetMeta(p.key, &q); {
	case errors.Is(err, store.ErrNotFound):
	case err != nil:
		return p, err // usable: the next answer tells the figures
	default:
		p.saved, p.loaded = q, q.ObservedAt
		src.SetQuota(q)
	}
	return p, nil
}

// Figures is the quota as it stands now, with the reserve.
type Figures struct {
	zoho.Quota
	Reserve int64
	Source  string // "headers", "code 45" or "stored"
}

// Used is the calls made today by every app of the organisation.
func (f Figures) Used() int64 { return max(f.Limit-f.Remaining, 0) }

// Current returns the figures as they stand now (Known() false before any were seen).
func (p *Planner) Current() Figures {
	q := p.src.Quota()
	stored := q.Known() && !q.ObservedAt.After(p.loaded)
	f := Figures{Quota: q.At(p.now()), Reserve: p.reserve(q.Limit), Source: "headers"}
	switch {
	case stored:
		f.Source = "stored"
	case q.Exhausted:
		f.Source = "code 45"
	}
	return f
}

func (p *Planner) reserve(limit int64) int64 {
	return int64(math.Ceil(float64(limit) * p.reservePct / 100))
}

// Spare is how many calls fit before the remaining allowance reaches the
// reserve, and when the window resets; known is false before Zoho told any
// figures (then the first answer tells). It records new figures as it goes.
func (p *Planner) Spare() (calls int64, resetsAt time.Time, known bool) {
	p.save()
	f := p.Current()
	if !f.Known() || f.Limit == 0 {
		return 0, time.Time{}, false
	}
	return max(f.Remaining-f.Reserve, 0), f.ResetsAt, true
}

// save records the latest figures when they changed.
func (p *Planner) save() {
	q := p.src.Quota()
	p.mu.Lock()
	defer p.mu.Unlock()
	if !q.Known() || q == p.saved {
		return
	}
	if err := p.st.PutMeta(p.key, q); err == nil {
		p.saved = q
	}
}

// Save records the latest figures (at the end of a run, and on shutdown).
func (p *Planner) Save() { p.save() }
