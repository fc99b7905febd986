package schedule_test

import (
	"testing"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/schedule"
)

// A run that stopped at the quota reserve resumes at Zoho's reset, sooner or
// later than the interval would say, and is no failure for auto-disable.
func TestResumesAfterTheQuotaReset(t *testing.T) {
	for _, tc := range []struct {
		name    string
		resetIn time.Duration // from the stopped run's end
	}{
		{"reset later than the interval", 9 * time.Hour},
		{"reset sooner than the interval", 90 * time.Minute},
	} {
		t.Run(tc.name, func(t *testing.T) {
			cfg := defaults()
			cfg.MaxConsecutiveErrors = 1 // one counted failure would disable it
			h := newHarness(t, cfg)
			h.expectStart(zv1.RunKind_RUN_KIND_FULL)
			h.advance(10 * time.Minute)
			h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
			h.advance(3*time.Hour + 50*time.Minute)
			h.expectStart(zv1.RunKind_RUN_KIND_SMART)
			h.advance(10 * time.Minute)
			reset := h.clock.Now().Add(tc.resetIn)
			h.eng.finishWith(zv1.RunState_RUN_STATE_PARTIAL, func(r *zv1.Run) {
				r.ErrorReason = zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE
				r.Error = "stopped at the Zoho quota reserve; resumes after Zoho's daily reset at " + reset.Format(time.RFC3339)
				r.ResumesAt = timestamppb.New(reset)
			})
			h.eventually(func() bool { return h.sched.Current().GetNextRunAt().AsTime().Equal(reset) }, "next run at the reset")
			h.advance(tc.resetIn - time.Minute)
			h.expectNoStart()
			h.advance(time.Minute)
			h.expectStart(zv1.RunKind_RUN_KIND_SMART)
			if cur := h.sched.Current(); !cur.Enabled || cur.ConsecutiveFailures != 0 {
				t.Fatalf("after a reserve stop: enabled %v, failures %d", cur.Enabled, cur.ConsecutiveFailures)
			}
			// Once resumed, the interval counts again from that run.
			h.advance(10 * time.Minute)
			h.eng.finish(zv1.RunState_RUN_STATE_SUCCEEDED)
			h.eventually(func() bool {
				return h.sched.Current().GetNextRunAt().AsTime().Equal(reset.Add(4 * time.Hour))
			}, "next run an interval after the resumed one")
		})
	}
}

func TestDue(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	cfg := defaults()
	for _, tc := range []struct {
		name string
		st   schedule.State
		at   time.Time
		kind zv1.RunKind
	}{
		{"never ran: now, full", schedule.State{}, now, zv1.RunKind_RUN_KIND_FULL},
		{"interval after the last start", schedule.State{LastRunAt: now.Add(-time.Hour), LastFullSyncAt: now.Add(-24 * time.Hour)}, now.Add(3 * time.Hour), zv1.RunKind_RUN_KIND_SMART},
		{"the reset wins over the interval", schedule.State{LastRunAt: now.Add(-time.Hour), LastFullSyncAt: now.Add(-24 * time.Hour), ResumeAt: now.Add(10 * time.Hour)}, now.Add(10 * time.Hour), zv1.RunKind_RUN_KIND_SMART},
		{"interrupted: now", schedule.State{LastRunAt: now.Add(-time.Hour), LastRunInterrupted: true, LastFullSyncAt: now.Add(-24 * time.Hour)}, now, zv1.RunKind_RUN_KIND_SMART},
	} {
		t.Run(tc.name, func(t *testing.T) {
			at, kind := schedule.Due(cfg, tc.st, now)
			if !at.Equal(tc.at) || kind != tc.kind {
				t.Fatalf("Due = %v %v, want %v %v", at, kind, tc.at, tc.kind)
			}
		})
	}
}

func TestStateFinished(t *testing.T) {
	end := time.Date(2026, 3, 2, 12, 0, 0, 0, time.UTC)
	reset := end.Add(6 * time.Hour)
	for _, tc := range []struct {
		name     string
		run      *zv1.Run
		resume   time.Time
		fullDone bool
	}{
		{"full succeeded", &zv1.Run{Kind: zv1.RunKind_RUN_KIND_FULL, State: zv1.RunState_RUN_STATE_SUCCEEDED}, time.Time{}, true},
		{"full stopped at the reserve: not a full sync yet", &zv1.Run{Kind: zv1.RunKind_RUN_KIND_FULL, State: zv1.RunState_RUN_STATE_PARTIAL,
			ErrorReason: zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE, ResumesAt: timestamppb.New(reset)}, reset, false},
		{"smart stopped at the reserve", &zv1.Run{Kind: zv1.RunKind_RUN_KIND_SMART, State: zv1.RunState_RUN_STATE_PARTIAL,
			ErrorReason: zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE, ResumesAt: timestamppb.New(reset)}, reset, false},
		{"smart failed", &zv1.Run{Kind: zv1.RunKind_RUN_KIND_SMART, State: zv1.RunState_RUN_STATE_FAILED}, time.Time{}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tc.run.FinishedAt = timestamppb.New(end)
			st := schedule.State{ResumeAt: end.Add(-time.Hour)}
			st.Finished(tc.run)
			if !st.ResumeAt.Equal(tc.resume) || st.LastFullSyncAt.Equal(end) != tc.fullDone {
				t.Fatalf("state = %+v, want resume %v full done %v", st, tc.resume, tc.fullDone)
			}
		})
	}
}
