// Package api implements the zohosync.v1 gRPC services on top of the engine,
// the store and the scheduler.
package api

import (
	"context"
	"strconv"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/store"
)

// Engine is what the API needs from the engine.
type Engine interface {
	Start(kind zv1.RunKind, dryRun bool, trigger zv1.RunTrigger) (*zv1.Run, bool, error)
	Subscribe(id string) (*engine.Subscription, *zv1.Run, error)
	Unsubscribe(*engine.Subscription)
	Cancel(id string) (*zv1.Run, error)
	Run(id string) (*zv1.Run, error)
	Current() *zv1.Run
	ReadMode() (*zv1.ReadMode, error)
}

// State is what the API reads from the store.
type State interface {
	Runs(before int64, limit int, keep func(*zv1.Run) bool) ([]*zv1.Run, int64, error)
	Counts() (tracked, failed int64, err error)
	FailedIDs(after string, limit int) ([]string, error)
	Items(ids []string) (map[string]store.ItemState, error)
	Item(id string) (store.ItemState, error)
	ItemByOdooID(id int64) (store.ItemState, error)
	ScanItems(after string, fn func(store.ItemState) bool) error
}

// ScheduleInfo is the scheduler's view for GetStatus.
type ScheduleInfo interface {
	Current() *zv1.Schedule
}

// SyncService implements zohosync.v1.SyncService.
type SyncService struct {
	zv1.UnimplementedSyncServiceServer
	Engine   Engine
	State    State
	Schedule ScheduleInfo
	Version  string
	// Quota is Zoho's daily allowance as last seen (nil, or a nil answer: not known).
	Quota func() *zv1.Quota
}

// RunSync starts or joins a run and streams it to the end.
func (s *SyncService) RunSync(req *zv1.RunSyncRequest, stream zv1.SyncService_RunSyncServer) error {
	ctx := stream.Context()
	run, _, err := s.Engine.Start(req.GetKind(), req.GetDryRun(), zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		return toStatus(ctx, err)
	}
	return s.stream(ctx, run.GetId(), func(ev *zv1.RunEvent) error {
		return stream.Send(&zv1.RunSyncResponse{Event: ev})
	})
}

// StartSync starts a run and returns at once.
func (s *SyncService) StartSync(ctx context.Context, req *zv1.StartSyncRequest) (*zv1.StartSyncResponse, error) {
	run, already, err := s.Engine.Start(req.GetKind(), req.GetDryRun(), zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.StartSyncResponse{Run: run, AlreadyRunning: already}, nil
}

// WatchRun streams a run's events.
func (s *SyncService) WatchRun(req *zv1.WatchRunRequest, stream zv1.SyncService_WatchRunServer) error {
	ctx := stream.Context()
	if id := req.GetRunId(); id != "" {
		if n, err := strconv.ParseInt(id, 10, 64); err != nil || n <= 0 {
			return toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_RUN_ID, "run_id must be a run number such as \"12\", not "+strconv.Quote(id)))
		}
	}
	return s.stream(ctx, req.GetRunId(), func(ev *zv1.RunEvent) error {
		return stream.Send(&zv1.WatchRunResponse{Event: ev})
	})
}

// stream sends a run's events until it ends or the client goes away. The
// final summary is always sent, even to a watcher that fell behind.
func (s *SyncService) stream(ctx context.Context, id string, send func(*zv1.RunEvent) error) error {
	sub, finished, err := s.Engine.Subscribe(id)
	if err != nil {
		return toStatus(ctx, err)
	}
	if sub == nil {
		return send(&zv1.RunEvent{RunId: finished.GetId(), Sequence: 1, Time: timestamppb.Now(), Progress: finished.GetProgress(),
			Detail: &zv1.RunEvent_Finished{Finished: finished}})
	}
	defer s.Engine.Unsubscribe(sub)
	sawFinal := false
	for {
		select {
		case <-ctx.Done():
			return toStatus(ctx, ctx.Err())
		case ev, ok := <-sub.C:
			if !ok {
				if sawFinal {
					return nil
				}
				final := sub.Final()
				return send(&zv1.RunEvent{RunId: final.GetId(), Time: timestamppb.Now(), Progress: final.GetProgress(),
					Detail: &zv1.RunEvent_Finished{Finished: final}})
			}
			if _, isFinal := ev.Detail.(*zv1.RunEvent_Finished); isFinal {
				sawFinal = true
			}
			if err := send(ev); err != nil {
				return err
			}
		}
	}
}

// CancelRun stops a run between batches.
func (s *SyncService) CancelRun(ctx context.Context, req *zv1.CancelRunRequest) (*zv1.CancelRunResponse, error) {
	run, err := s.Engine.Cancel(req.GetRunId())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.CancelRunResponse{Run: run}, nil
}

// GetRun returns one run.
func (s *SyncService) GetRun(ctx context.Context, req *zv1.GetRunRequest) (*zv1.GetRunResponse, error) {
	if req.GetRunId() == "" {
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_RUN_ID, "run_id is required (see ListRuns for ids)"))
	}
	run, err := s.Engine.Run(req.GetRunId())
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.GetRunResponse{Run: run}, nil
}

// ListRuns pages through runs, newest first.
func (s *SyncService) ListRuns(ctx context.Context, req *zv1.ListRunsRequest) (*zv1.ListRunsResponse, error) {
	size := int(req.GetPageSize())
	switch {
	case size < 0 || size > 200:
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_SIZE, "page_size must be between 1 and 200 (0 means 20)"))
	case size == 0:
		size = 20
	}
	var before int64
	if t := req.GetPageToken(); t != "" {
		n, err := strconv.ParseInt(t, 10, 64)
		if err != nil || n <= 0 {
			return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_TOKEN, "page_token is not one this server issued; pass next_page_token from the previous page"))
		}
		before = n
	}
	runs, total, err := s.State.Runs(before, size+1, nil)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	resp := &zv1.ListRunsResponse{TotalSize: total}
	if len(runs) > size {
		runs = runs[:size]
		resp.NextPageToken = runs[size-1].GetId()
	}
	cur := s.Engine.Current()
	for _, r := range runs {
		if cur != nil && cur.GetId() == r.GetId() {
			r = cur // the stored record of a run in progress lags behind
		}
		r.ItemErrors = nil
		resp.Runs = append(resp.Runs, r)
	}
	return resp, nil
}

// GetStatus summarises the server.
func (s *SyncService) GetStatus(ctx context.Context, _ *zv1.GetStatusRequest) (*zv1.GetStatusResponse, error) {
	resp := &zv1.GetStatusResponse{ServerVersion: s.Version, CurrentRun: s.Engine.Current()}
	if s.Quota != nil {
		resp.Quota = s.Quota()
	}
	last, _, err := s.State.Runs(0, 1, func(r *zv1.Run) bool { return r.State != zv1.RunState_RUN_STATE_RUNNING })
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	if len(last) > 0 {
		resp.LastRun = last[0]
	}
	ok, _, err := s.State.Runs(0, 1, func(r *zv1.Run) bool {
		return (r.State == zv1.RunState_RUN_STATE_SUCCEEDED || r.State == zv1.RunState_RUN_STATE_PARTIAL) && !r.DryRun
	})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	if len(ok) > 0 {
		ok[0].ItemErrors = nil
		resp.LastSuccessfulRun = ok[0]
	}
	if resp.ProductsTracked, resp.ProductsFailed, err = s.State.Counts(); err != nil {
		return nil, toStatus(ctx, err)
	}
	ids, err := s.State.FailedIDs("", 20)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	states, err := s.State.Items(ids)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	for _, id := range ids {
		st := states[id]
		resp.RecentErrors = append(resp.RecentErrors, &zv1.ItemError{ZohoItemId: id, Name: st.Name, Reason: st.LastError, OdooId: st.OdooID})
	}
	sched := s.Schedule
	if sched == nil {
		sched = NoScheduler{}
	}
	resp.Schedule = sched.Current()
	if resp.ReadMode, err = s.Engine.ReadMode(); err != nil {
		return nil, toStatus(ctx, err)
	}
	return resp, nil
}
