package schedule_test

import (
	"context"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/store"
)

// fakeClock fires timers only when the test advances it.
type fakeClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters []waiter
}

type waiter struct {
	at time.Time
	ch chan time.Time
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters = append(c.waiters, waiter{c.now.Add(d), ch})
	return ch
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	keep := c.waiters[:0]
	for _, w := range c.waiters {
		if !w.at.After(c.now) {
			w.ch <- c.now
		} else {
			keep = append(keep, w)
		}
	}
	c.waiters = keep
}

// fakeEngine records starts; the test finishes runs by hand.
type fakeEngine struct {
	mu      sync.Mutex
	clock   *fakeClock
	st      *store.Store
	current *zv1.Run
	n       int
	started chan *zv1.Run
	feed    chan *zv1.Run // what Follow delivers
}

func (f *fakeEngine) Follow() (<-chan *zv1.Run, func()) { return f.feed, func() {} }

func (f *fakeEngine) Start(kind zv1.RunKind, dry bool, trig zv1.RunTrigger) (*zv1.Run, bool, error) {
	f.mu.Lock()
	if f.current != nil {
		defer f.mu.Unlock()
		return f.current, true, nil
	}
	f.n++
	r := &zv1.Run{Id: strconv.Itoa(f.n), Kind: kind, Trigger: trig, DryRun: dry, State: zv1.RunState_RUN_STATE_RUNNING,
		StartedAt: timestamppb.New(f.clock.Now()), Progress: &zv1.Progress{Counts: &zv1.Counts{}}}
	f.current = r
	f.mu.Unlock()
	_ = f.st.PutRun(r)
	f.feed <- proto.Clone(r).(*zv1.Run)
	f.started <- r
	return r, false, nil
}

func (f *fakeEngine) Current() *zv1.Run {
	f.mu.Lock()
	defer f.mu.Unlock()
	return f.current
}

func (f *fakeEngine) finish(state zv1.RunState) *zv1.Run { return f.finishWith(state, nil) }

// finishWith ends the run in state, after edit (if any) sets more of its record.
func (f *fakeEngine) finishWith(state zv1.RunState, edit func(*zv1.Run)) *zv1.Run {
	f.mu.Lock()
	r := f.current
	f.current = nil
	f.mu.Unlock()
	r.State = state
	r.FinishedAt = timestamppb.New(f.clock.Now())
	r.Duration = durationpb.New(time.Second)
	if state == zv1.RunState_RUN_STATE_FAILED {
		r.Error = "Odoo is unreachable"
	}
	if edit != nil {
		edit(r)
	}
	_ = f.st.PutRun(r)
	f.feed <- proto.Clone(r).(*zv1.Run)
	return r
}

type harness struct {
	t      *testing.T
	clock  *fakeClock
	eng    *fakeEngine
	sched  *schedule.Scheduler
	st     *store.Store
	dir    string
	cancel context.CancelFunc
}

var t0 = time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC)

func newHarness(t *testing.T, cfg config.Schedule) *harness {
	h := &harness{t: t, clock: &fakeClock{now: t0}, dir: t.TempDir()}
	if err := config.SaveSchedule(h.dir, cfg); err != nil {
		t.Fatal(err)
	}
	var err error
	if h.st, err = store.Open(t.TempDir(), store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.st.Close() })
	// A data directory that has had a successful sync, long ago (none full):
	// the scheduler is free to start runs (see TestWaitsForTheFirstManualRun).
	old := &zv1.Run{Id: "1", Kind: zv1.RunKind_RUN_KIND_SMART, Trigger: zv1.RunTrigger_RUN_TRIGGER_MANUAL, State: zv1.RunState_RUN_STATE_SUCCEEDED,
		StartedAt: timestamppb.New(t0.Add(-30 * 24 * time.Hour)), FinishedAt: timestamppb.New(t0.Add(-30 * 24 * time.Hour))}
	if err := h.st.PutRun(old); err != nil {
		t.Fatal(err)
	}
	h.boot()
	return h
}

// boot starts a scheduler on the harness's store and config: a server (re)start.
func (h *harness) boot() {
	if h.cancel != nil {
		h.cancel()
	}
	h.eng = &fakeEngine{clock: h.clock, st: h.st, started: make(chan *zv1.Run, 10), feed: make(chan *zv1.Run, 100), n: 1}
	if h.sched != nil {
		h.eng.n = h.eng.n + 100 // run ids stay unique across boots
	}
	var err error
	h.sched, err = schedule.New(schedule.Options{ConfigDir: h.dir, Clock: h.clock, Starter: h.eng, Store: h.st,
		Notifier: schedule.NewNotifier(h.dir, "notifications.log", h.clock.Now)})
	if err != nil {
		h.t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	h.cancel = cancel
	h.t.Cleanup(cancel)
	go h.sched.Run(ctx)
}

func (h *harness) expectStart(kind zv1.RunKind) *zv1.Run {
	h.t.Helper()
	select {
	case r := <-h.eng.started:
		if r.Kind != kind {
			h.t.Fatalf("at %s started a %v run, want %v", h.clock.Now().Sub(t0), r.Kind, kind)
		}
		return r
	case <-time.After(5 * time.Second):
		h.t.Fatalf("at %s no run started, want a %v run", h.clock.Now().Sub(t0), kind)
	}
	return nil
}

// expectNoStart checks that nothing starts (it gives the loop a moment to act).
func (h *harness) expectNoStart() {
	h.t.Helper()
	select {
	case r := <-h.eng.started:
		h.t.Fatalf("at %s a %v run started unexpectedly", h.clock.Now().Sub(t0), r.Kind)
	case <-time.After(150 * time.Millisecond):
	}
}

// eventually waits for the scheduler to have followed the engine's events.
func (h *harness) eventually(ok func() bool, what string) {
	h.t.Helper()
	for deadline := time.Now().Add(5 * time.Second); !ok(); time.Sleep(5 * time.Millisecond) {
		if time.Now().After(deadline) {
			h.t.Fatalf("never true: %s", what)
		}
	}
}

// advance moves the fake clock forward once the loop is waiting on it.
func (h *harness) advance(d time.Duration) {
	time.Sleep(20 * time.Millisecond) // let the loop arm its timer
	h.clock.Advance(d)
}

func defaults() config.Schedule {
	s := config.DefaultSchedule()
	s.Notifications.LogFile = "notifications.log"
	return s
}

func TestIntervalAndFullSyncCadence(t *testing.T) {
	h := newHarness(t, defaults())
	h.expectStart(zv1.RunKind_RUN_KIND_FULL) // never synced: at once, and full
	h.advance(10 * time.Minute)
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	for day := 0; day < 6; day++ {
		for slot := 0; slot < 6; slot++ {
			h.advance(3*time.Hour + 49*time.Minute) // the 4 h count from the run's start
			h.expectNoStart()
			h.advance(time.Minute)
			h.expectStart(zv1.RunKind_RUN_KIND_SMART)
			h.advance(10 * time.Minute)
			h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
		}
	}
	// Day 7: once the last full sync is 7 days old, the next scheduled run is full.
	var kinds []zv1.RunKind
	for i := 0; i < 8; i++ {
		h.advance(3*time.Hour + 50*time.Minute)
		select {
		case r := <-h.eng.started:
			kinds = append(kinds, r.Kind)
			h.advance(10 * time.Minute)
			h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
		case <-time.After(5 * time.Second):
			t.Fatal("no run")
		}
	}
	full := 0
	for _, k := range kinds {
		if k == zv1.RunKind_RUN_KIND_FULL {
			full++
		}
	}
	if full != 1 || kinds[len(kinds)-1] != zv1.RunKind_RUN_KIND_SMART {
		t.Fatalf("runs after day 6: %v, want exactly one full then smart", kinds)
	}
}

func TestAutoDisableAfterFailuresAndEnableResets(t *testing.T) {
	cfg := defaults()
	cfg.MaxConsecutiveErrors = 3
	h := newHarness(t, cfg)
	for i := 0; i < 3; i++ {
		h.expectStart(0 + zv1.RunKind_RUN_KIND_FULL)
		h.eng.finish(zv1.RunState_RUN_STATE_FAILED)
		h.advance(4 * time.Hour)
	}
	h.expectNoStart()
	cur := h.sched.Current()
	if cur.Enabled || cur.ConsecutiveFailures != 3 || !strings.Contains(cur.DisabledReason, "3 failed scheduled runs in a row") {
		t.Fatalf("after 3 failures: %+v", cur)
	}
	saved, _ := config.LoadSchedule(h.dir)
	if saved.Enabled {
		t.Fatal("sync_schedule.json still says enabled")
	}
	logged, _ := os.ReadFile(filepath.Join(h.dir, "notifications.log"))
	if !strings.Contains(string(logged), "ESCALATION scheduler disabled after 3 failed") || strings.Count(string(logged), " ERROR run ") != 3 {
		t.Fatalf("notifications log:\n%s", logged)
	}
	// Enabling again resets the count and schedules a run.
	if _, err := h.sched.Update([]string{"enabled"}, &zv1.Schedule{Enabled: true}); err != nil {
		t.Fatal(err)
	}
	if cur := h.sched.Current(); !cur.Enabled || cur.ConsecutiveFailures != 0 || cur.DisabledReason != "" {
		t.Fatalf("after enable: %+v", cur)
	}
	h.expectStart(zv1.RunKind_RUN_KIND_FULL)
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
}

func TestRestartNeitherSkipsNorDoubles(t *testing.T) {
	h := newHarness(t, defaults())
	h.expectStart(zv1.RunKind_RUN_KIND_FULL)
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	h.advance(time.Hour)
	h.boot() // the server restarts an hour later
	h.expectNoStart()
	h.advance(2*time.Hour + 59*time.Minute)
	h.expectNoStart()
	h.advance(time.Minute) // 4 h after the last run started
	h.expectStart(zv1.RunKind_RUN_KIND_SMART)
	h.expectNoStart()
	// A restart during a run: the run was interrupted, so the next one starts at once, once.
	h.advance(5 * time.Minute)
	h.boot()
	h.expectStart(zv1.RunKind_RUN_KIND_SMART)
	h.expectNoStart()
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	// Down past a due time: one catch-up run, not one per missed slot.
	h.cancel()
	h.clock.Advance(13 * time.Hour)
	h.boot()
	h.expectStart(zv1.RunKind_RUN_KIND_SMART)
	h.expectNoStart()
}

func TestManualRunsAreNeverOverlapped(t *testing.T) {
	h := newHarness(t, defaults())
	h.expectStart(zv1.RunKind_RUN_KIND_FULL)
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	h.advance(3 * time.Hour)
	// A manual run starts and is still running when the scheduled one is due.
	if _, _, err := h.eng.Start(zv1.RunKind_RUN_KIND_SMART, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL); err != nil {
		t.Fatal(err)
	}
	<-h.eng.started
	h.eventually(func() bool { return h.sched.Current().NextRunAt.AsTime().Sub(t0) == 7*time.Hour },
		"the interval counts from the manual run's start (+3h): next run at +7h")
	h.advance(5 * time.Hour)
	h.expectNoStart() // due at +7h, but the manual run is still going
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	h.expectStart(zv1.RunKind_RUN_KIND_SMART) // overdue: right after it, once
	h.expectNoStart()
}

func TestUpdateValidates(t *testing.T) {
	h := newHarness(t, defaults())
	cases := []struct {
		mask []string
		in   *zv1.Schedule
		want string
	}{
		{[]string{"sync_interval_hours"}, &zv1.Schedule{SyncIntervalHours: 0.1}, "at least 0.25 (15 minutes)"},
		{[]string{"max_consecutive_errors"}, &zv1.Schedule{MaxConsecutiveErrors: 0}, "between 1 and 1000"},
		{[]string{"next_run_at"}, &zv1.Schedule{}, "output only"},
		{[]string{"colour"}, &zv1.Schedule{}, `unknown field "colour"`},
	}
	for _, tc := range cases {
		_, err := h.sched.Update(tc.mask, tc.in)
		if err == nil || !strings.Contains(err.Error(), tc.want) {
			t.Errorf("update %v: %v, want %q", tc.mask, err, tc.want)
		}
	}
	sc, err := h.sched.Update([]string{"sync_interval_hours", "force_full_sync_days"}, &zv1.Schedule{SyncIntervalHours: 6, ForceFullSyncDays: 0})
	if err != nil || sc.SyncIntervalHours != 6 || sc.ForceFullSyncDays != 0 {
		t.Fatalf("good update: %v %+v", err, sc)
	}
	if saved, _ := config.LoadSchedule(h.dir); saved.SyncIntervalHours != 6 {
		t.Fatal("not saved to sync_schedule.json")
	}
}

// TestWaitsForTheFirstManualRun: on a data directory without a successful
// run, nothing is scheduled (not even a full sync at once) until a run
// started by hand succeeds; a failed or dry manual run does not count.
func TestWaitsForTheFirstManualRun(t *testing.T) {
	h := &harness{t: t, clock: &fakeClock{now: t0}, dir: t.TempDir()}
	if err := config.SaveSchedule(h.dir, defaults()); err != nil {
		t.Fatal(err)
	}
	var err error
	if h.st, err = store.Open(t.TempDir(), store.Options{}); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { h.st.Close() })
	h.boot()
	h.expectNoStart()
	cur := h.sched.Current()
	if !cur.Enabled || !cur.WaitingForFirstRun || cur.NextRunAt != nil {
		t.Fatalf("fresh data directory: %+v, want enabled, waiting for the first run, no next run", cur)
	}
	h.advance(24 * time.Hour)
	h.expectNoStart()
	for _, tc := range []struct {
		dry   bool
		state zv1.RunState
	}{{true, zv1.RunState_RUN_STATE_SUCCEEDED}, {false, zv1.RunState_RUN_STATE_FAILED}, {false, zv1.RunState_RUN_STATE_CANCELLED}} {
		if _, _, err := h.eng.Start(zv1.RunKind_RUN_KIND_SMART, tc.dry, zv1.RunTrigger_RUN_TRIGGER_MANUAL); err != nil {
			t.Fatal(err)
		}
		<-h.eng.started
		h.eng.finish(tc.state)
		h.advance(5 * time.Hour)
		h.expectNoStart()
		if !h.sched.Current().WaitingForFirstRun {
			t.Fatalf("a manual %v run (dry %v) ended the wait", tc.state, tc.dry)
		}
	}
	h.boot() // a restart keeps waiting
	h.expectNoStart()
	// The first manual full sync succeeds: the schedule counts from it.
	if _, _, err := h.eng.Start(zv1.RunKind_RUN_KIND_FULL, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL); err != nil {
		t.Fatal(err)
	}
	<-h.eng.started
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	h.eventually(func() bool { cur := h.sched.Current(); return !cur.WaitingForFirstRun && cur.NextRunAt != nil },
		"the first successful run ends the wait and gives a next run time")
	h.advance(3*time.Hour + 59*time.Minute)
	h.expectNoStart()
	h.advance(time.Minute)
	h.expectStart(zv1.RunKind_RUN_KIND_SMART)
	h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
	h.boot() // and a restart no longer waits: the store has a successful run
	if h.sched.Current().WaitingForFirstRun {
		t.Fatal("waiting again after a restart")
	}
}

// TestNotificationLevels: failed runs are logged at ERROR, partial ones at
// WARNING, cancelled ones get their line too.
func TestNotificationLevels(t *testing.T) {
	path := filepath.Join(t.TempDir(), "n.log")
	n := schedule.NewNotifier("", path, func() time.Time { return t0 })
	for i, st := range []zv1.RunState{zv1.RunState_RUN_STATE_SUCCEEDED, zv1.RunState_RUN_STATE_PARTIAL, zv1.RunState_RUN_STATE_FAILED, zv1.RunState_RUN_STATE_CANCELLED} {
		n.Run(&zv1.Run{Id: strconv.Itoa(i + 1), State: st, Error: map[bool]string{true: "stopped by a person"}[st == zv1.RunState_RUN_STATE_CANCELLED]})
	}
	data, _ := os.ReadFile(path)
	lines := strings.Split(strings.TrimSpace(string(data)), "\n")
	want := []string{" INFO run 1 smart (manual) succeeded", " WARNING run 2 smart (manual) finished with failed items", " ERROR run 3 smart (manual) FAILED",
		" INFO run 4 smart (manual) cancelled"}
	if len(lines) != len(want) {
		t.Fatalf("%d lines:\n%s", len(lines), data)
	}
	for i, w := range want {
		if !strings.Contains(lines[i], w) {
			t.Errorf("line %d %q lacks %q", i+1, lines[i], w)
		}
	}
	if !strings.Contains(lines[3], "stopped by a person") {
		t.Errorf("the cancelled run's line lacks its reason: %q", lines[3])
	}
}

func TestCancelledScheduledRunsDoNotCountTowardAutoDisable(t *testing.T) {
	cfg := defaults()
	cfg.MaxConsecutiveErrors = 2
	h := newHarness(t, cfg)
	for i := 0; i < 3; i++ {
		h.expectStart(zv1.RunKind_RUN_KIND_FULL)
		h.eng.finish(zv1.RunState_RUN_STATE_CANCELLED)
		h.advance(4 * time.Hour)
	}
	h.expectStart(zv1.RunKind_RUN_KIND_FULL)
	if cur := h.sched.Current(); !cur.Enabled || cur.ConsecutiveFailures != 0 {
		t.Fatalf("after 3 cancelled runs: %+v", cur)
	}
}

// Only runs with new failures count towards the auto-disable: a FAILED run,
// or a PARTIAL one with item errors that are not all repeated ones. A run
// whose failures only repeat known ones (Counts.repeated_failures), or that
// stopped at the quota reserve, resets the count like a success.
func TestOnlyNewFailuresCountTowardAutoDisable(t *testing.T) {
	partial := func(failed, imagesFailed, repeated int64) func(*zv1.Run) {
		return func(r *zv1.Run) {
			r.Progress.Counts.Failed, r.Progress.Counts.ImagesFailed, r.Progress.Counts.RepeatedFailures = failed, imagesFailed, repeated
		}
	}
	type end struct {
		state zv1.RunState
		edit  func(*zv1.Run)
	}
	tests := []struct {
		name     string
		runs     []end
		failures int32
		disabled bool
	}{
		{"repeated picture failures only", []end{
			{zv1.RunState_RUN_STATE_PARTIAL, partial(0, 5, 0)}, // new the first time
			{zv1.RunState_RUN_STATE_PARTIAL, partial(0, 5, 5)},
			{zv1.RunState_RUN_STATE_PARTIAL, partial(0, 5, 5)},
			{zv1.RunState_RUN_STATE_PARTIAL, partial(0, 5, 5)},
		}, 0, false},
		{"new item failures every run", []end{
			{zv1.RunState_RUN_STATE_PARTIAL, partial(1, 0, 0)},
			{zv1.RunState_RUN_STATE_PARTIAL, partial(2, 3, 4)}, // one of the five is new
			{zv1.RunState_RUN_STATE_PARTIAL, partial(0, 1, 0)},
		}, 3, true},
		{"failed, then only repeated, then failed", []end{
			{zv1.RunState_RUN_STATE_FAILED, nil},
			{zv1.RunState_RUN_STATE_FAILED, nil},
			{zv1.RunState_RUN_STATE_PARTIAL, partial(2, 1, 3)},
			{zv1.RunState_RUN_STATE_FAILED, nil},
		}, 1, false},
		{"quota reserve", []end{
			{zv1.RunState_RUN_STATE_PARTIAL, func(r *zv1.Run) { r.ErrorReason = zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE }},
			{zv1.RunState_RUN_STATE_PARTIAL, func(r *zv1.Run) { r.ErrorReason = zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE }},
			{zv1.RunState_RUN_STATE_PARTIAL, func(r *zv1.Run) { r.ErrorReason = zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE }},
		}, 0, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			cfg := defaults()
			cfg.MaxConsecutiveErrors = 3
			h := newHarness(t, cfg)
			started := func() { // full first, then smart once a full sync has ended
				t.Helper()
				select {
				case <-h.eng.started:
				case <-time.After(5 * time.Second):
					t.Fatalf("at %s no run started", h.clock.Now().Sub(t0))
				}
			}
			for _, e := range tt.runs {
				started()
				h.eng.finishWith(e.state, e.edit)
				h.advance(4 * time.Hour)
			}
			if tt.disabled {
				h.expectNoStart()
			} else {
				started()
			}
			cur := h.sched.Current()
			if cur.ConsecutiveFailures != tt.failures || cur.Enabled == tt.disabled {
				t.Fatalf("failures %d enabled %v (reason %q), want %d enabled %v", cur.ConsecutiveFailures, cur.Enabled, cur.DisabledReason, tt.failures, !tt.disabled)
			}
			if tt.disabled && !strings.Contains(cur.DisabledReason, "1 new item failures") {
				t.Fatalf("disabled reason %q", cur.DisabledReason)
			}
		})
	}
}
