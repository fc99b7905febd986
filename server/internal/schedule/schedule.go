// Package schedule is the server's built-in scheduler (as the Python tool's
// product_sync_scheduler; docs/python-tool.md#schedule): a smart sync every interval, a full sync when the
// last full one is older than force_full_sync_days, and self-disabling after
// max_consecutive_errors failed scheduled runs in a row. Next-run times come
// from the runs recorded in the store, so a restart neither skips nor doubles a run.
package schedule

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"slices"
	"sync"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/store"
)

// Clock is the time source; tests use a fake one.
type Clock interface {
	Now() time.Time
	After(d time.Duration) <-chan time.Time
}

type realClock struct{}

func (realClock) Now() time.Time                         { return time.Now() }
func (realClock) After(d time.Duration) <-chan time.Time { return time.After(d) }

// RealClock is the wall clock.
var RealClock Clock = realClock{}

// Starter starts runs and tells of every run's start and end (the engine).
type Starter interface {
	Start(kind zv1.RunKind, dryRun bool, trigger zv1.RunTrigger) (*zv1.Run, bool, error)
	Current() *zv1.Run
	// Follow delivers each run as it starts (RUNNING) and as it ends (its
	// final record), in order; stop ends the subscription.
	Follow() (runs <-chan *zv1.Run, stop func())
}

// Store keeps the scheduler's state (the store).
type Store interface {
	GetMeta(name string, v any) error
	PutMeta(name string, v any) error
	Runs(before int64, limit int, keep func(*zv1.Run) bool) ([]*zv1.Run, int64, error)
}

// State is what the scheduler remembers across restarts.
type State struct {
	ConsecutiveFailures int       `json:"consecutive_failures"`
	DisabledReason      string    `json:"disabled_reason,omitempty"`
	LastRunAt           time.Time `json:"last_run_at,omitzero"`       // start of the last real (non-dry) run, any trigger
	LastFullSyncAt      time.Time `json:"last_full_sync_at,omitzero"` // end of the last successful full sync
	LastRunInterrupted  bool      `json:"last_run_interrupted,omitempty"`
	// ResumeAt is Zoho's daily reset after a run stopped at the quota reserve:
	// the next run starts then rather than an interval after the last one.
	ResumeAt time.Time `json:"resume_at,omitzero"`
}

const stateKey = "schedule_state"

// Scheduler starts runs on time.
type Scheduler struct {
	mu        sync.Mutex
	cfg       config.Schedule
	configDir string
	state     State
	clock     Clock
	starter   Starter
	store     Store
	log       *slog.Logger
	notify    *Notifier
	wake      chan struct{}
	runs      <-chan *zv1.Run // the engine's run starts and ends
	unfollow  func()
	// firstRunPending: no run has succeeded on this data directory yet, so
	// nothing is scheduled until someone runs the first sync by hand.
	firstRunPending bool
}

// Options configure a scheduler.
type Options struct {
	ConfigDir string
	Clock     Clock
	Starter   Starter
	Store     Store
	Logger    *slog.Logger
	Notifier  *Notifier
}

// New reads sync_schedule.json (creating it with the defaults) and the saved state.
func New(o Options) (*Scheduler, error) {
	cfg, err := config.LoadSchedule(o.ConfigDir)
	if err != nil {
		return nil, err
	}
	if o.Clock == nil {
		o.Clock = RealClock
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	s := &Scheduler{cfg: cfg, configDir: o.ConfigDir, clock: o.Clock, starter: o.Starter, store: o.Store, log: o.Logger, notify: o.Notifier, wake: make(chan struct{}, 1)}
	// Followed from now, so that no run started before Run is missed.
	s.runs, s.unfollow = o.Starter.Follow()
	if err := o.Store.GetMeta(stateKey, &s.state); err != nil && !errors.Is(err, store.ErrNotFound) {
		return nil, err
	}
	// A run left "running" by a crash means the last slot was not really used: run again soon.
	runs, _, err := o.Store.Runs(0, 1, func(r *zv1.Run) bool { return !r.DryRun })
	if err != nil {
		return nil, err
	}
	if len(runs) > 0 {
		r := runs[0]
		if t := r.GetStartedAt().AsTime(); t.After(s.state.LastRunAt) {
			s.state.LastRunAt = t
		}
		s.state.LastRunInterrupted = r.State == zv1.RunState_RUN_STATE_RUNNING || r.ErrorReason == zv1.ErrorReason_ERROR_REASON_INTERRUPTED
	}
	done, _, err := o.Store.Runs(0, 1, func(r *zv1.Run) bool { return !r.DryRun && succeeded(r) })
	if err != nil {
		return nil, err
	}
	s.firstRunPending = len(done) == 0
	return s, nil
}

// Config returns the current settings.
func (s *Scheduler) Config() config.Schedule {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.cfg
}

// nextLocked says when the next scheduled run is due and of which kind: an
// interval after the last run started (at once if there was none, or if it was
// interrupted), full when the last full sync will then be older than
// force_full_sync_days.
func (s *Scheduler) nextLocked(now time.Time) (time.Time, zv1.RunKind, bool) {
	if !s.cfg.Enabled || s.firstRunPending {
		return time.Time{}, 0, false
	}
	at, kind := Due(s.cfg, s.state, now)
	return at, kind, true
}

// Due says when the next scheduled run is due under cfg and of which kind
// (the scheduler's rule, for a caller that drives runs itself).
func Due(cfg config.Schedule, st State, now time.Time) (time.Time, zv1.RunKind) {
	at := now
	switch {
	case !st.ResumeAt.IsZero():
		at = st.ResumeAt // after Zoho's daily reset, not an interval later
	case !st.LastRunAt.IsZero() && !st.LastRunInterrupted:
		at = st.LastRunAt.Add(time.Duration(cfg.SyncIntervalHours * float64(time.Hour)))
	}
	kind := zv1.RunKind_RUN_KIND_SMART
	if d := cfg.ForceFullSyncDays; d > 0 {
		when := at
		if now.After(at) {
			when = now
		}
		if st.LastFullSyncAt.IsZero() || when.Sub(st.LastFullSyncAt) >= time.Duration(d)*24*time.Hour {
			kind = zv1.RunKind_RUN_KIND_FULL
		}
	}
	return at, kind
}

// Run starts scheduled runs, and follows every run's start and end, until ctx ends.
func (s *Scheduler) Run(ctx context.Context) {
	defer s.unfollow()
	for {
		s.followPending() // a run's end that is already told counts before the next start
		s.mu.Lock()
		now := s.clock.Now()
		at, kind, ok := s.nextLocked(now)
		s.mu.Unlock()
		var timer <-chan time.Time
		if ok {
			if d := at.Sub(now); d > 0 {
				timer = s.clock.After(d)
			} else {
				s.fire(kind)
				// Whether it started or a manual run is in progress, the next
				// wake-up comes from the run's start or end.
				timer = nil
			}
		}
		select {
		case <-ctx.Done():
			return
		case <-s.wake:
		case <-timer:
		case r, ok := <-s.runs:
			s.follow(r, ok)
		}
	}
}

// followPending handles the run events already waiting.
func (s *Scheduler) followPending() {
	for {
		select {
		case r, ok := <-s.runs:
			s.follow(r, ok)
			if !ok {
				return
			}
		default:
			return
		}
	}
}

func (s *Scheduler) follow(r *zv1.Run, ok bool) {
	switch {
	case !ok:
		s.runs = nil // the engine stopped telling; the schedule still runs
	case r.State == zv1.RunState_RUN_STATE_RUNNING:
		s.started(r)
	default:
		s.finished(r)
	}
}

func (s *Scheduler) fire(kind zv1.RunKind) {
	if s.starter.Current() != nil {
		return // never overlap a run in progress; its end wakes us
	}
	run, already, err := s.starter.Start(kind, false, zv1.RunTrigger_RUN_TRIGGER_SCHEDULE)
	switch {
	case err != nil:
		s.log.Error("scheduler could not start a run", "error", err)
		// Avoid a tight loop: count it as a run attempt now.
		s.mu.Lock()
		s.state.LastRunAt = s.clock.Now()
		s.state.LastRunInterrupted = false
		s.saveLocked()
		s.mu.Unlock()
	case already:
	default:
		s.log.Info("scheduled run started", "run", run.GetId(), "kind", kind.String())
		s.started(run) // now, not when its start event arrives: the next due time must move at once

	}
}

func (s *Scheduler) poke() {
	select {
	case s.wake <- struct{}{}:
	default:
	}
}

// started records a run's start (any trigger): the interval counts from it.
func (s *Scheduler) started(r *zv1.Run) {
	if r.DryRun || r.Kind == zv1.RunKind_RUN_KIND_WEBHOOK { // a webhook run reads a few ids: it must not postpone the schedule's listing
		return
	}
	s.mu.Lock()
	s.state.Started(r)
	s.saveLocked()
	s.mu.Unlock()
	s.poke()
}

// finished counts failures of scheduled runs, records full syncs, writes the
// notification line, and disables the scheduler after too many failures.
func (s *Scheduler) finished(r *zv1.Run) {
	if r.DryRun {
		s.notify.Run(r)
		return
	}
	s.mu.Lock()
	ok := succeeded(r)
	// a few ids (webhook) or quantities only (stock) are not the first sync
	if ok && r.Kind != zv1.RunKind_RUN_KIND_WEBHOOK && r.Kind != zv1.RunKind_RUN_KIND_STOCK {
		s.firstRunPending = false
	}
	s.state.Finished(r)
	var escalation string
	if r.Trigger == zv1.RunTrigger_RUN_TRIGGER_SCHEDULE {
		switch {
		case countsAsFailure(r):
			s.state.ConsecutiveFailures++
			if s.cfg.Enabled && s.state.ConsecutiveFailures >= s.cfg.MaxConsecutiveErrors {
				s.cfg.Enabled = false
				s.state.DisabledReason = fmt.Sprintf("disabled after %d failed scheduled runs in a row; last error: %s", s.state.ConsecutiveFailures, lastError(r))
				escalation = s.state.DisabledReason
				if err := config.SaveSchedule(s.configDir, s.cfg); err != nil {
					s.log.Error("cannot save sync_schedule.json", "error", err)
				}
			}
		case ok:
			s.state.ConsecutiveFailures = 0
		}
	}
	s.saveLocked()
	s.mu.Unlock()
	s.notify.Run(r)
	if escalation != "" {
		s.log.Error("scheduler disabled itself", "reason", escalation)
		s.notify.Escalation("scheduler " + escalation + "; re-enable with `zohosync config --enable`")
	}
	s.poke()
}

// Started records a real run's start: the next is due an interval after it.
func (st *State) Started(r *zv1.Run) {
	st.LastRunAt = r.GetStartedAt().AsTime()
	st.LastRunInterrupted = false
	st.ResumeAt = time.Time{}
}

// Finished records what a finished (non-dry) run means for the next one: a
// full sync that reached its end, or a stop at the quota reserve.
func (st *State) Finished(r *zv1.Run) {
	if succeeded(r) && r.Kind == zv1.RunKind_RUN_KIND_FULL && r.ErrorReason != zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE {
		st.LastFullSyncAt = r.GetFinishedAt().AsTime()
	}
	st.ResumeAt = time.Time{}
	if r.ErrorReason == zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE && r.ResumesAt != nil {
		st.ResumeAt = r.ResumesAt.AsTime()
	}
}

// succeeded is a run that reached its end, with or without failed items.
// countsAsFailure says whether a finished run counts towards the auto-disable:
// it failed, or it ended PARTIAL with new item failures. Failures that only
// repeat the items' failures of their previous run (Counts.repeated_failures:
// the same error on the same unchanged input or picture) are known, and a run
// stopped at the quota reserve failed nothing.
func countsAsFailure(r *zv1.Run) bool {
	if r.State == zv1.RunState_RUN_STATE_FAILED {
		return true
	}
	return r.State == zv1.RunState_RUN_STATE_PARTIAL && newFailures(r) > 0
}

// newFailures is the run's item errors that are not repeated ones.
func newFailures(r *zv1.Run) int64 {
	c := r.GetProgress().GetCounts()
	return c.GetFailed() + c.GetImagesFailed() - c.GetRepeatedFailures()
}

// lastError describes why the run counted as failed.
func lastError(r *zv1.Run) string {
	if r.GetError() != "" {
		return r.GetError()
	}
	return fmt.Sprintf("%d new item failures (see the run's item errors)", newFailures(r))
}

func succeeded(r *zv1.Run) bool {
	return r.State == zv1.RunState_RUN_STATE_SUCCEEDED || r.State == zv1.RunState_RUN_STATE_PARTIAL
}

func (s *Scheduler) saveLocked() {
	if err := s.store.PutMeta(stateKey, s.state); err != nil {
		s.log.Error("cannot save the scheduler state", "error", err)
	}
}

// Current returns settings and state as the API shows them.
func (s *Scheduler) Current() *zv1.Schedule {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := &zv1.Schedule{
		Enabled:              s.cfg.Enabled,
		SyncIntervalHours:    s.cfg.SyncIntervalHours,
		ForceFullSyncDays:    int32(s.cfg.ForceFullSyncDays),
		MaxConsecutiveErrors: int32(s.cfg.MaxConsecutiveErrors),
		NotificationsLogFile: s.cfg.Notifications.LogFile,
		ConsecutiveFailures:  int32(s.state.ConsecutiveFailures),
		DisabledReason:       s.state.DisabledReason,
		WaitingForFirstRun:   s.firstRunPending,
	}
	if at, kind, ok := s.nextLocked(s.clock.Now()); ok {
		out.NextRunAt = timestamppb.New(at)
		out.NextRunKind = kind
	}
	if !s.state.LastFullSyncAt.IsZero() {
		out.LastFullSyncAt = timestamppb.New(s.state.LastFullSyncAt)
	}
	if !s.state.LastRunAt.IsZero() {
		out.LastRunAt = timestamppb.New(s.state.LastRunAt)
	}
	return out
}

// Settable fields of UpdateSchedule's mask.
var Settable = []string{"enabled", "sync_interval_hours", "force_full_sync_days", "max_consecutive_errors", "notifications_log_file"}

// ErrInvalid wraps a bad update; the message says what is allowed.
var ErrInvalid = errors.New("invalid schedule")

// Update changes the masked fields (all settable ones when mask is empty),
// validates, saves sync_schedule.json, and resets the failure count when the
// scheduler is enabled.
func (s *Scheduler) Update(mask []string, in *zv1.Schedule) (*zv1.Schedule, error) {
	if len(mask) == 0 {
		mask = Settable
	}
	s.mu.Lock()
	next := s.cfg
	for _, f := range mask {
		switch f {
		case "enabled":
			next.Enabled = in.GetEnabled()
		case "sync_interval_hours":
			next.SyncIntervalHours = in.GetSyncIntervalHours()
		case "force_full_sync_days":
			next.ForceFullSyncDays = int(in.GetForceFullSyncDays())
		case "max_consecutive_errors":
			next.MaxConsecutiveErrors = int(in.GetMaxConsecutiveErrors())
		case "notifications_log_file":
			next.Notifications.LogFile = in.GetNotificationsLogFile()
		default:
			s.mu.Unlock()
			if slices.Contains([]string{"consecutive_failures", "disabled_reason", "next_run_at", "next_run_kind", "last_full_sync_at", "last_run_at", "waiting_for_first_run"}, f) {
				return nil, fmt.Errorf("%w: %q is output only; settable fields are %v", ErrInvalid, f, Settable)
			}
			return nil, fmt.Errorf("%w: unknown field %q in update_mask; settable fields are %v", ErrInvalid, f, Settable)
		}
	}
	if err := next.Validate(); err != nil {
		s.mu.Unlock()
		return nil, fmt.Errorf("%w: %w", ErrInvalid, err)
	}
	if err := config.SaveSchedule(s.configDir, next); err != nil {
		s.mu.Unlock()
		return nil, err
	}
	enabling := next.Enabled && (!s.cfg.Enabled || s.state.DisabledReason != "")
	if next.Notifications.LogFile != s.cfg.Notifications.LogFile {
		s.notify.SetPath(next.Notifications.LogFile)
	}
	s.cfg = next
	if enabling {
		s.state.ConsecutiveFailures = 0
		s.state.DisabledReason = ""
	}
	s.saveLocked()
	s.mu.Unlock()
	if enabling {
		s.notify.Escalation("scheduler enabled again; failure count reset")
	}
	s.poke()
	return s.Current(), nil
}
