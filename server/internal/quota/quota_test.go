package quota_test

import (
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/quota"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// source stands in for the Zoho client: the figures its answers told.
type source struct{ q zoho.Quota }

func (s *source) Quota() zoho.Quota { return s.q }
func (s *source) SetQuota(q zoho.Quota) {
	if q.ObservedAt.After(s.q.ObservedAt) {
		s.q = q
	}
}

func TestSpare(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	reset := now.Add(14 * time.Hour)
	for _, tc := range []struct {
		name    string
		q       zoho.Quota
		pct     float64
		at      time.Time
		spare   int64
		known   bool
		reserve int64
	}{
		{"nothing seen yet", zoho.Quota{}, 20, now, 0, false, 0},
		{"free plan, fresh", zoho.Quota{Limit: 1000, Remaining: 1000, ResetsAt: reset, ObservedAt: now}, 20, now, 800, true, 200},
		{"at the reserve", zoho.Quota{Limit: 1000, Remaining: 200, ResetsAt: reset, ObservedAt: now}, 20, now, 0, true, 200},
		{"others used it below the reserve", zoho.Quota{Limit: 1000, Remaining: 50, ResetsAt: reset, ObservedAt: now}, 20, now, 0, true, 200},
		{"reserve rounds up", zoho.Quota{Limit: 999, Remaining: 999, ResetsAt: reset, ObservedAt: now}, 20, now, 799, true, 200},
		{"no reserve", zoho.Quota{Limit: 2000, Remaining: 10, ResetsAt: reset, ObservedAt: now}, 0, now, 10, true, 0},
		{"exhausted, then the window reset", zoho.Quota{Limit: 1000, Remaining: 0, Exhausted: true, ResetsAt: reset, ObservedAt: now}, 20, reset.Add(time.Minute), 800, true, 200},
	} {
		t.Run(tc.name, func(t *testing.T) {
			st, err := store.Open(t.TempDir(), store.Options{})
			if err != nil {
				t.Fatal(err)
			}
			defer st.Close()
			p, err := quota.New(&source{tc.q}, st, "org1", tc.pct, func() time.Time { return tc.at })
			if err != nil {
				t.Fatal(err)
			}
			spare, resetsAt, known := p.Spare()
			if spare != tc.spare || known != tc.known {
				t.Fatalf("Spare() = %d %v, want %d %v", spare, known, tc.spare, tc.known)
			}
			if f := p.Current(); known && (f.Reserve != tc.reserve || !resetsAt.Equal(f.ResetsAt)) {
				t.Fatalf("reserve %d resets %v, figures %+v", tc.reserve, resetsAt, f)
			}
		})
	}
}

// The figures survive a restart, per organisation, and an answer after the
// restart wins over them.
func TestFiguresPersistAcrossRestart(t *testing.T) {
	dir := t.TempDir()
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	clock := func() time.Time { return now }
	seen := zoho.Quota{Limit: 1000, Remaining: 420, ResetsAt: now.Add(5 * time.Hour), ObservedAt: now}

	st, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	p, err := quota.New(&source{seen}, st, "org1", 20, clock)
	if err != nil {
		t.Fatal(err)
	}
	if f := p.Current(); f.Source != "headers" || f.Used() != 580 {
		t.Fatalf("before restart: %+v", f)
	}
	p.Save()
	st.Close()

	st, err = store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer st.Close()
	src := &source{}
	p, err = quota.New(src, st, "org1", 20, clock)
	if err != nil {
		t.Fatal(err)
	}
	if src.q != seen {
		t.Fatalf("client seeded with %+v, want %+v", src.q, seen)
	}
	f := p.Current()
	if f.Source != "stored" || f.Remaining != 420 || f.Reserve != 200 || !f.ResetsAt.Equal(seen.ResetsAt) {
		t.Fatalf("after restart: %+v", f)
	}
	if spare, _, known := p.Spare(); !known || spare != 220 {
		t.Fatalf("spare after restart = %d %v, want 220", spare, known)
	}
	other, err := quota.New(&source{}, st, "org2", 20, clock)
	if err != nil {
		t.Fatal(err)
	}
	if other.Current().Known() {
		t.Fatal("another organisation got org1's figures")
	}
	src.q = zoho.Quota{Limit: 1000, Remaining: 400, ResetsAt: seen.ResetsAt, ObservedAt: now.Add(time.Minute)}
	if f := p.Current(); f.Source != "headers" || f.Remaining != 400 {
		t.Fatalf("after a new answer: %+v", f)
	}
}
