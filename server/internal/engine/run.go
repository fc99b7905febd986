package engine

import (
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// Caps on what a Run record carries; the totals are always complete.
const (
	maxRunItemErrors = 100
	maxRunWarnings   = 100
	subscriberBuffer = 256
)

// activeRun is the run in progress: its record, its event sequence and its watchers.
type activeRun struct {
	mu      sync.Mutex
	run     *zv1.Run
	started time.Time
	seq     int64
	subs    map[*Subscription]struct{}
	done    chan struct{}
	cancel  func(reason string)
	now     func() time.Time
	warned  map[string]bool
	calls   func() (zoho, odoo int64) // the run's calls so far; nil until it runs
}

// setCalls makes every snapshot carry the run's live Zoho and Odoo call counts.
func (a *activeRun) setCalls(f func() (int64, int64)) {
	a.mu.Lock()
	a.calls = f
	a.mu.Unlock()
}

// Subscription receives a run's events. Events may be skipped when the
// watcher reads too slowly (never the final one: Final is always available).
type Subscription struct {
	C      <-chan *zv1.RunEvent
	ch     chan *zv1.RunEvent
	run    *activeRun
	lagged bool
}

// Final returns the run's final record once the subscription's channel is closed.
func (s *Subscription) Final() *zv1.Run { return s.run.snapshot(true) }

func newActiveRun(r *zv1.Run, now func() time.Time) *activeRun {
	return &activeRun{run: r, started: now(), subs: map[*Subscription]struct{}{}, done: make(chan struct{}), now: now, warned: map[string]bool{}}
}

// snapshot copies the run, with its duration brought up to date.
func (a *activeRun) snapshot(withErrors bool) *zv1.Run {
	a.mu.Lock()
	defer a.mu.Unlock()
	return a.snapshotLocked(withErrors)
}

func (a *activeRun) snapshotLocked(withErrors bool) *zv1.Run {
	if a.run.FinishedAt == nil {
		if a.calls != nil {
			a.run.ZohoCalls, a.run.OdooCalls = a.calls()
			a.run.Progress.ZohoCalls, a.run.Progress.OdooCalls = a.run.ZohoCalls, a.run.OdooCalls
		}
		a.run.Duration = durationpb.New(a.now().Sub(a.started))
		if secs := a.now().Sub(a.started).Seconds(); secs > 0 {
			a.run.Progress.ItemsPerSecond = float64(a.run.Progress.Done) / secs
		}
	}
	r := proto.Clone(a.run).(*zv1.Run)
	if !withErrors {
		r.ItemErrors = nil
	}
	return r
}

// subscribe registers a watcher; its first event is the run as it is now.
func (a *activeRun) subscribe() *Subscription {
	a.mu.Lock()
	defer a.mu.Unlock()
	ch := make(chan *zv1.RunEvent, subscriberBuffer)
	s := &Subscription{C: ch, ch: ch, run: a}
	snap := a.snapshotLocked(true)
	ch <- &zv1.RunEvent{RunId: a.run.Id, Sequence: a.seq, Time: timestamppb.New(a.now()), Progress: snap.Progress,
		Detail: &zv1.RunEvent_Joined{Joined: snap}}
	select {
	case <-a.done:
		close(ch)
	default:
		a.subs[s] = struct{}{}
	}
	return s
}

func (a *activeRun) unsubscribe(s *Subscription) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if _, ok := a.subs[s]; ok {
		delete(a.subs, s)
		close(s.ch)
	}
}

// emit records an event and fans it out without ever blocking the run.
func (a *activeRun) emit(update func(r *zv1.Run), detail func(ev *zv1.RunEvent)) {
	a.mu.Lock()
	defer a.mu.Unlock()
	if update != nil {
		update(a.run)
	}
	a.seq++
	snap := a.snapshotLocked(false)
	ev := &zv1.RunEvent{RunId: a.run.Id, Sequence: a.seq, Time: timestamppb.New(a.now()), Progress: snap.Progress}
	if detail != nil {
		detail(ev)
	}
	for s := range a.subs {
		select {
		case s.ch <- ev:
		default:
			s.lagged = true // a slow watcher misses progress events, never the run's time
		}
	}
}

// finish publishes the final summary and closes every subscription.
func (a *activeRun) finish(final *zv1.Run) {
	a.mu.Lock()
	defer a.mu.Unlock()
	a.run = proto.Clone(final).(*zv1.Run)
	a.seq++
	ev := &zv1.RunEvent{RunId: final.Id, Sequence: a.seq, Time: timestamppb.New(a.now()), Progress: final.Progress,
		Detail: &zv1.RunEvent_Finished{Finished: final}}
	for s := range a.subs {
		select {
		case s.ch <- ev:
		default: // the watcher's Final() still has it
		}
		close(s.ch)
	}
	a.subs = map[*Subscription]struct{}{}
	close(a.done)
}

func (a *activeRun) addItemError(e *zv1.ItemError) {
	a.emit(func(r *zv1.Run) {
		r.Progress.Counts.Failed++
		if e.Repeated {
			r.Progress.Counts.RepeatedFailures++
		}
		if len(r.ItemErrors) < maxRunItemErrors {
			r.ItemErrors = append(r.ItemErrors, e)
		}
	}, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_ItemError{ItemError: e} })
}

// warn publishes a warning once per run per code and message.
func (a *activeRun) warn(code zv1.WarningCode, msg, zohoID string) {
	a.mu.Lock()
	key := code.String() + "\x00" + msg
	seen := a.warned[key]
	a.warned[key] = true
	a.mu.Unlock()
	if seen {
		return
	}
	w := &zv1.Warning{Code: code, Message: msg, ZohoItemId: zohoID}
	a.emit(func(r *zv1.Run) {
		if len(r.Warnings) < maxRunWarnings {
			r.Warnings = append(r.Warnings, w)
		}
	}, func(ev *zv1.RunEvent) { ev.Detail = &zv1.RunEvent_Warning{Warning: w} })
}
