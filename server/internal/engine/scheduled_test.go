package engine

import (
	"context"
	"sync"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/store"
)

type stepClock struct {
	mu      sync.Mutex
	now     time.Time
	waiters map[time.Time][]chan time.Time
}

func (c *stepClock) Now() time.Time { c.mu.Lock(); defer c.mu.Unlock(); return c.now }

func (c *stepClock) After(d time.Duration) <-chan time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	ch := make(chan time.Time, 1)
	c.waiters[c.now.Add(d)] = append(c.waiters[c.now.Add(d)], ch)
	return ch
}

func (c *stepClock) advance(d time.Duration) {
	c.mu.Lock()
	defer c.mu.Unlock()
	c.now = c.now.Add(d)
	for at, chs := range c.waiters {
		if !at.After(c.now) {
			for _, ch := range chs {
				ch <- c.now
			}
			delete(c.waiters, at)
		}
	}
}

// The scheduler follows the real engine's feed: a scheduled run that fell
// due while a manual run was going starts as soon as that run ends (its end
// is told only once it is no longer the current run).
func TestScheduledRunStartsWhenTheManualRunItWaitedForEnds(t *testing.T) {
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	r := newFakeRig(t, 3)
	r.odoo.connectGate = make(chan struct{})
	clock := &stepClock{now: time.Date(2026, 3, 2, 8, 0, 0, 0, time.UTC), waiters: map[time.Time][]chan time.Time{}}
	r.eng = New(Deps{Config: r.eng.d.Config, Store: st, Zoho: r.zoho, NewOdoo: func() OdooTarget { return r.odoo }, Now: clock.Now})
	dir := t.TempDir()
	sc := config.DefaultSchedule()
	sc.ForceFullSyncDays = 0
	if err := config.SaveSchedule(dir, sc); err != nil {
		t.Fatal(err)
	}
	runs, stop := r.eng.Follow()
	defer stop()
	if _, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_SMART, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL); err != nil {
		t.Fatal(err)
	}
	sched, err := schedule.New(schedule.Options{ConfigDir: dir, Clock: clock, Starter: r.eng, Store: st})
	if err != nil {
		t.Fatal(err)
	}
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go sched.Run(ctx)
	<-runs // the manual run's start
	time.Sleep(50 * time.Millisecond)
	clock.advance(5 * time.Hour) // the scheduled run is due; the manual run still connects
	time.Sleep(50 * time.Millisecond)
	if cur := r.eng.Current(); cur == nil || cur.Trigger != zv1.RunTrigger_RUN_TRIGGER_MANUAL {
		t.Fatalf("current run %v, want the manual one still going", cur)
	}
	close(r.odoo.connectGate)
	for {
		select {
		case run := <-runs:
			if run.Trigger == zv1.RunTrigger_RUN_TRIGGER_SCHEDULE && run.State == zv1.RunState_RUN_STATE_RUNNING {
				r.eng.Wait()
				return
			}
		case <-time.After(5 * time.Second):
			t.Fatal("the overdue scheduled run never started after the manual run ended")
		}
	}
}
