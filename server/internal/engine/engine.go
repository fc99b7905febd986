// Package engine runs syncs as a pipeline of stages (docs/architecture.md):
// read Zoho items (pages or ids) → map them to products → look up their Odoo
// products → plan per item (create, update, leave, archive) → write → images
// → commit to the store, with the report stage publishing progress. It also
// keeps the one run in progress, its watchers, and the feed of run starts and
// ends that the scheduler and metrics follow.
package engine

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"strconv"
	"sync"
	"time"

	"google.golang.org/protobuf/proto"
	"google.golang.org/protobuf/types/known/durationpb"
	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/store"
)

// Deps are the engine's collaborators.
type Deps struct {
	Config  *config.Config
	Store   Store
	Zoho    ZohoSource
	NewOdoo func() OdooTarget
	Images  ImageFetcher // nil turns image sync off
	Quota   QuotaPlanner // nil: runs do not plan against Zoho's daily quota
	Logger  *slog.Logger
	Now     func() time.Time
}

// Errors the API maps to gRPC codes.
var (
	ErrRunNotFound  = errors.New("no run with that id")
	ErrNoRun        = errors.New("no run is in progress")
	ErrRunEnded     = errors.New("the run has already ended")
	ErrNoFailed     = errors.New("no item has failed: nothing to retry")
	ErrShuttingDown = errors.New("the server is shutting down")
	ErrWebhookKind  = errors.New("a webhook run is started only by Zoho's webhooks (serve --webhook-listen), which name its items")
)

// Engine owns runs: at most one at a time.
type Engine struct {
	d       Deps
	log     *slog.Logger
	now     func() time.Time
	mu      sync.Mutex
	current *activeRun
	closing bool
	wg      sync.WaitGroup
	feed    runFeed
}

// New builds an engine.
func New(d Deps) *Engine {
	if d.Now == nil {
		d.Now = time.Now
	}
	if d.Logger == nil {
		d.Logger = slog.New(slog.DiscardHandler)
	}
	return &Engine{d: d, log: d.Logger, now: d.Now}
}

// RecoverInterrupted marks runs left "running" by a crash as failed, so that
// status never shows a run that no process is doing.
func (e *Engine) RecoverInterrupted() error {
	runs, _, err := e.d.Store.Runs(0, 20, func(r *zv1.Run) bool { return r.State == zv1.RunState_RUN_STATE_RUNNING })
	if err != nil {
		return err
	}
	for _, r := range runs {
		r.State = zv1.RunState_RUN_STATE_FAILED
		r.Error = "the server stopped during this run (crash or kill); the next run picks up where it left off"
		r.ErrorReason = zv1.ErrorReason_ERROR_REASON_INTERRUPTED
		r.Progress.Phase = zv1.Phase_PHASE_DONE
		if r.FinishedAt == nil {
			r.FinishedAt = timestamppb.New(e.now())
		}
		if err := e.d.Store.PutRun(r); err != nil {
			return err
		}
	}
	return nil
}

// Start begins a run, or returns the one in progress (already = true).
func (e *Engine) Start(kind zv1.RunKind, dryRun bool, trigger zv1.RunTrigger) (run *zv1.Run, already bool, err error) {
	if kind == zv1.RunKind_RUN_KIND_UNSPECIFIED {
		kind = zv1.RunKind_RUN_KIND_SMART
	}
	if kind == zv1.RunKind_RUN_KIND_WEBHOOK {
		return nil, false, ErrWebhookKind
	}
	return e.start(kind, dryRun, trigger, nil)
}

// start begins a run of kind; ids are the items of a webhook run.
func (e *Engine) start(kind zv1.RunKind, dryRun bool, trigger zv1.RunTrigger, ids []string) (run *zv1.Run, already bool, err error) {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.closing {
		return nil, false, ErrShuttingDown
	}
	if e.current != nil {
		return e.current.snapshot(false), true, nil
	}
	if kind == zv1.RunKind_RUN_KIND_RETRY_FAILED {
		ids, err := e.d.Store.FailedIDs("", 1)
		if err != nil {
			return nil, false, err
		}
		if len(ids) == 0 {
			return nil, false, ErrNoFailed
		}
	}
	n, err := e.d.Store.NextRunID()
	if err != nil {
		return nil, false, err
	}
	r := &zv1.Run{
		Id: strconv.FormatInt(n, 10), Kind: kind, Trigger: trigger, DryRun: dryRun,
		State: zv1.RunState_RUN_STATE_RUNNING, StartedAt: timestamppb.New(e.now()),
		Progress: &zv1.Progress{Phase: zv1.Phase_PHASE_CONNECTING, Counts: &zv1.Counts{}},
	}
	if err := e.d.Store.PutRun(r); err != nil {
		return nil, false, err
	}
	ar := newActiveRun(r, e.now)
	ctx, cancel := context.WithCancelCause(context.Background())
	ar.cancel = func(reason string) { cancel(errors.New(reason)) }
	e.current = ar
	e.wg.Add(1)
	e.feed.publish(proto.Clone(r).(*zv1.Run))
	go e.execute(ctx, ar, n, ids)
	return ar.snapshot(false), false, nil
}

func (e *Engine) execute(ctx context.Context, ar *activeRun, runNum int64, ids []string) {
	defer e.wg.Done()
	base := ar.snapshot(false)
	log := e.log.With("run", base.Id)
	od := e.d.NewOdoo()
	zohoStart, odooStart := e.d.Zoho.Stats(), od.Stats()
	calls := func() (int64, int64) {
		return e.d.Zoho.Stats().Calls - zohoStart.Calls, od.Stats().Calls - odooStart.Calls
	}
	ar.setCalls(calls) // live in every snapshot from now on
	s := &syncRun{runNum: runNum, kind: base.Kind, dry: base.DryRun, cfg: e.d.Config, store: e.d.Store, zoho: e.d.Zoho, odoo: od,
		log: log, now: e.now, report: &reporter{ar: ar, log: log}, imageFetcher: e.d.Images, ids: ids}
	s.quota = &quotaGate{planner: e.d.Quota, report: s.report}
	log.Info("run started", "kind", base.Kind.String(), "dry_run", base.DryRun, "trigger", base.Trigger.String())
	err := s.run(ctx)
	if err != nil && ctx.Err() != nil {
		// Asked to stop: whatever the stop interrupted (a login, a page read)
		// failed because of it, so the run was cancelled, not failed.
		err = errCancelled
	}
	final := ar.snapshot(true)
	final.FinishedAt = timestamppb.New(e.now())
	final.Duration = durationpb.New(final.FinishedAt.AsTime().Sub(final.StartedAt.AsTime()).Round(time.Millisecond))
	final.Progress.Phase = zv1.Phase_PHASE_DONE
	final.ZohoCalls, final.OdooCalls = calls()
	final.Progress.ZohoCalls, final.Progress.OdooCalls = final.ZohoCalls, final.OdooCalls
	var reserve *quotaReserveError
	switch {
	case err == nil && final.Progress.Counts.Failed+final.Progress.Counts.ImagesFailed > 0:
		// any item error, a picture's included, is PARTIAL: exit 1 and amber, never a green "Succeeded"
		final.State = zv1.RunState_RUN_STATE_PARTIAL
	case err == nil:
		final.State = zv1.RunState_RUN_STATE_SUCCEEDED
	case errors.As(err, &reserve):
		// Stopped to leave the reserve alone: what it did is kept, the rest waits for the reset.
		final.State = zv1.RunState_RUN_STATE_PARTIAL
		final.Error = err.Error()
		final.ErrorReason = zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE
		if !reserve.resetsAt.IsZero() {
			final.ResumesAt = timestamppb.New(reserve.resetsAt)
		}
	case errors.Is(err, errCancelled):
		final.State = zv1.RunState_RUN_STATE_CANCELLED
		final.Error = context.Cause(ctx).Error()
		final.ErrorReason = zv1.ErrorReason_ERROR_REASON_CANCELLED
	default:
		final.State = zv1.RunState_RUN_STATE_FAILED
		final.Error = err.Error()
		final.ErrorReason = Reason(err)
	}
	if perr := e.d.Store.PutRun(final); perr != nil {
		e.log.Error("cannot record the run", "run", final.Id, "error", perr)
	}
	c := final.Progress.Counts
	log.Info("run finished", "state", final.State.String(), "created", c.Created, "updated", c.Updated,
		"unchanged", c.Unchanged, "archived", c.Archived, "failed", c.Failed, "duration", final.Duration.AsDuration(),
		"zoho_calls", final.ZohoCalls, "odoo_calls", final.OdooCalls, "error", final.Error)
	// Under the lock that Start holds too: followers see this end before any
	// next start, and once they see it the run is no longer current.
	e.mu.Lock()
	e.current = nil
	e.feed.publish(proto.Clone(final).(*zv1.Run))
	e.mu.Unlock()
	ar.finish(final)
}

// Current returns the run in progress, or nil.
func (e *Engine) Current() *zv1.Run {
	e.mu.Lock()
	defer e.mu.Unlock()
	if e.current == nil {
		return nil
	}
	return e.current.snapshot(true)
}

// Run returns a run by id, in progress or recorded.
func (e *Engine) Run(id string) (*zv1.Run, error) {
	e.mu.Lock()
	cur := e.current
	e.mu.Unlock()
	if cur != nil {
		if r := cur.snapshot(true); r.Id == id {
			return r, nil
		}
	}
	r, err := e.d.Store.Run(id)
	if errors.Is(err, store.ErrNotFound) {
		return nil, fmt.Errorf("%w: %q", ErrRunNotFound, id)
	}
	return r, err
}

// Subscribe watches a run. For the run in progress it returns a subscription;
// for a finished run it returns the run and a nil subscription. An empty id
// means the run in progress.
func (e *Engine) Subscribe(id string) (*Subscription, *zv1.Run, error) {
	e.mu.Lock()
	cur := e.current
	e.mu.Unlock()
	if cur != nil && (id == "" || cur.snapshot(false).Id == id) {
		return cur.subscribe(), nil, nil
	}
	if id == "" {
		return nil, nil, ErrNoRun
	}
	r, err := e.Run(id)
	return nil, r, err
}

// Unsubscribe stops a watcher early.
func (e *Engine) Unsubscribe(s *Subscription) {
	if s != nil {
		s.run.unsubscribe(s)
	}
}

// Cancel asks the run in progress to stop after its current batch.
func (e *Engine) Cancel(id string) (*zv1.Run, error) {
	e.mu.Lock()
	cur := e.current
	e.mu.Unlock()
	if cur == nil || (id != "" && cur.snapshot(false).Id != id) {
		if id == "" {
			return nil, ErrNoRun
		}
		if _, err := e.Run(id); err != nil {
			return nil, err
		}
		return nil, fmt.Errorf("%w (run %s)", ErrRunEnded, id)
	}
	cur.cancel("cancelled on request")
	return cur.snapshot(false), nil
}

// Shutdown stops the run in progress (after its current batch) and waits for it.
func (e *Engine) Shutdown(ctx context.Context) error {
	e.mu.Lock()
	e.closing = true
	cur := e.current
	e.mu.Unlock()
	if cur != nil {
		cur.cancel("the server is shutting down")
	}
	done := make(chan struct{})
	go func() { e.wg.Wait(); close(done) }()
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// Wait blocks until no run is in progress (tests, the CLI's one-shot mode).
func (e *Engine) Wait() { e.wg.Wait() }
