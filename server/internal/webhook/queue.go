package webhook

import (
	"context"
	"log/slog"
	"slices"
	"sync"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// Starter is the engine as the receiver uses it.
type Starter interface {
	// StartItems starts a webhook run for ids; already = true means another
	// run is in progress and nothing was started.
	StartItems(ids []string) (run *zv1.Run, already bool, err error)
	// Follow receives every run's start and end.
	Follow() (<-chan *zv1.Run, func())
}

// maxPending caps the ids waiting for a run; more are dropped (and logged):
// the next scheduled run catches up with them.
const maxPending = 100_000

// queue debounces ids into webhook runs: a run starts once no id has arrived
// for debounce, or maxWait after the first pending id, and never while
// another run is in progress (the ids wait for its end; none is lost).
type queue struct {
	starter           Starter
	debounce, maxWait time.Duration
	log               *slog.Logger
	wake              chan struct{}

	mu      sync.Mutex
	pending map[string]struct{}
	first   time.Time // when the oldest pending id arrived
	last    time.Time // when the newest did
	dropped int
}

func newQueue(s Starter, debounce, maxWait time.Duration, log *slog.Logger) *queue {
	return &queue{starter: s, debounce: debounce, maxWait: maxWait, log: log, wake: make(chan struct{}, 1), pending: map[string]struct{}{}}
}

func (q *queue) add(ids []string) {
	now := time.Now()
	q.mu.Lock()
	if len(q.pending) == 0 {
		q.first = now
	}
	q.last = now
	for _, id := range ids {
		if len(q.pending) >= maxPending {
			q.dropped++
			continue
		}
		q.pending[id] = struct{}{}
	}
	q.mu.Unlock()
	select {
	case q.wake <- struct{}{}:
	default:
	}
}

// due says when the pending ids should start a run (ok = false: none pending).
func (q *queue) due() (at time.Time, ok bool) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 {
		return time.Time{}, false
	}
	at = q.last.Add(q.debounce)
	if limit := q.first.Add(q.maxWait); limit.Before(at) {
		at = limit
	}
	return at, true
}

// take removes the pending ids; give puts them back after a refused start.
func (q *queue) take() []string {
	q.mu.Lock()
	defer q.mu.Unlock()
	ids := make([]string, 0, len(q.pending))
	for id := range q.pending {
		ids = append(ids, id)
	}
	clear(q.pending)
	if q.dropped > 0 {
		q.log.Warn("webhook ids dropped: too many waiting; the next scheduled run catches up", "dropped", q.dropped)
		q.dropped = 0
	}
	slices.Sort(ids)
	return ids
}

func (q *queue) give(ids []string, first time.Time) {
	q.mu.Lock()
	defer q.mu.Unlock()
	if len(q.pending) == 0 || first.Before(q.first) {
		q.first = first
	}
	if q.last.IsZero() {
		q.last = first
	}
	for _, id := range ids {
		q.pending[id] = struct{}{}
	}
}

// Run starts webhook runs until ctx ends.
func (r *Receiver) Run(ctx context.Context) {
	q := r.queue
	runs, unfollow := q.starter.Follow()
	defer unfollow()
	busy := false // a run is in progress: wait for its end
	for {
		var t *time.Timer
		var timer <-chan time.Time
		if at, ok := q.due(); ok && !busy {
			d := time.Until(at)
			if d <= 0 {
				busy = q.start()
				continue
			}
			t = time.NewTimer(d)
			timer = t.C
		}
		select {
		case <-ctx.Done():
		case <-q.wake:
		case <-timer:
		case run := <-runs:
			busy = run.GetState() == zv1.RunState_RUN_STATE_RUNNING
		}
		if t != nil {
			t.Stop()
		}
		if ctx.Err() != nil {
			return
		}
	}
}

// start hands the pending ids to the engine; it reports whether they had to
// wait for a run in progress (they are queued again, for after it).
func (q *queue) start() (busy bool) {
	q.mu.Lock()
	first := q.first
	q.mu.Unlock()
	ids := q.take()
	run, already, err := q.starter.StartItems(ids)
	switch {
	case err != nil:
		// Shutting down, or the store failed: the ids are hints, the next scheduled run catches up.
		q.log.Warn("webhook run not started", "ids", len(ids), "error", err)
		return false
	case already:
		q.give(ids, first)
		q.log.Info("webhook ids wait for the run in progress", "ids", len(ids), "run", run.GetId())
		return true
	}
	q.log.Info("webhook run started", "run", run.GetId(), "ids", len(ids))
	return true
}
