package zoho

import (
	"net/http"
	"testing"
	"time"
)

func TestQuotaFromHeaders(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	h := func(kv ...string) http.Header {
		out := http.Header{}
		for i := 0; i < len(kv); i += 2 {
			out.Set(kv[i], kv[i+1])
		}
		return out
	}
	for _, tc := range []struct {
		name string
		h    http.Header
		ok   bool
		want Quota
	}{
		{"all three (a recorded US answer)", h("X-Rate-Limit-Limit", "1000", "X-Rate-Limit-Remaining", "777", "X-Rate-Limit-Reset", "38615"), true,
			Quota{Limit: 1000, Remaining: 777, ResetsAt: now.Add(38615 * time.Second), ObservedAt: now}},
		{"no headers (a 401)", h(), false, Quota{}},
		{"remaining only", h("X-Rate-Limit-Remaining", "5"), true, Quota{Remaining: 5, ObservedAt: now}},
		{"negative remaining is none left", h("X-Rate-Limit-Limit", "10", "X-Rate-Limit-Remaining", "-3"), true, Quota{Limit: 10, Remaining: 0, ObservedAt: now}},
		{"garbage remaining", h("X-Rate-Limit-Limit", "10", "X-Rate-Limit-Remaining", "many"), false, Quota{}},
		{"garbage reset is ignored", h("X-Rate-Limit-Limit", "10", "X-Rate-Limit-Remaining", "4", "X-Rate-Limit-Reset", "soon"), true, Quota{Limit: 10, Remaining: 4, ObservedAt: now}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got, ok := quotaFromHeaders(tc.h, now)
			if ok != tc.ok || got != tc.want {
				t.Fatalf("got %+v %v, want %+v %v", got, ok, tc.want, tc.ok)
			}
		})
	}
}

func TestQuotaAtResetsTheWindow(t *testing.T) {
	obs := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	reset := obs.Add(14 * time.Hour)
	q := Quota{Limit: 1000, Remaining: 3, ResetsAt: reset, ObservedAt: obs, Exhausted: true}
	for _, tc := range []struct {
		name      string
		at        time.Time
		remaining int64
		resetsAt  time.Time
	}{
		{"before the reset", reset.Add(-time.Second), 3, reset},
		{"at the reset", reset, 1000, reset.Add(24 * time.Hour)},
		{"two days later", reset.Add(49 * time.Hour), 1000, reset.Add(72 * time.Hour)},
	} {
		t.Run(tc.name, func(t *testing.T) {
			got := q.At(tc.at)
			if got.Remaining != tc.remaining || !got.ResetsAt.Equal(tc.resetsAt) {
				t.Fatalf("At(%v) = %+v, want remaining %d resets %v", tc.at, got, tc.remaining, tc.resetsAt)
			}
		})
	}
}

func TestObserveQuota(t *testing.T) {
	now := time.Date(2026, 3, 2, 10, 0, 0, 0, time.UTC)
	hdr := http.Header{}
	hdr.Set("X-Rate-Limit-Limit", "1000")
	hdr.Set("X-Rate-Limit-Remaining", "600")
	hdr.Set("X-Rate-Limit-Reset", "3600")
	for _, tc := range []struct {
		name   string
		h      http.Header
		code45 bool
		want   Quota
	}{
		{"headers", hdr, false, Quota{Limit: 1000, Remaining: 600, ResetsAt: now.Add(time.Hour), ObservedAt: now}},
		{"code 45 with headers", hdr, true, Quota{Limit: 1000, Remaining: 0, ResetsAt: now.Add(time.Hour), ObservedAt: now, Exhausted: true}},
		// Without headers a refusal keeps the allowance and reset already known.
		{"code 45 without headers", http.Header{}, true, Quota{Limit: 1000, Remaining: 0, ResetsAt: now.Add(2 * time.Hour), ObservedAt: now, Exhausted: true}},
		{"no headers, no refusal: nothing learnt", http.Header{}, false, Quota{Limit: 1000, Remaining: 900, ResetsAt: now.Add(2 * time.Hour), ObservedAt: now.Add(-time.Hour)}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c := New(Config{Now: func() time.Time { return now }})
			c.SetQuota(Quota{Limit: 1000, Remaining: 900, ResetsAt: now.Add(2 * time.Hour), ObservedAt: now.Add(-time.Hour)})
			c.observeQuota(tc.h, tc.code45)
			if got := c.Quota(); got != tc.want {
				t.Fatalf("quota = %+v, want %+v", got, tc.want)
			}
			if got := c.Stats().QuotaLeft; got != tc.want.Remaining && tc.h.Get("X-Rate-Limit-Remaining") != "" {
				t.Fatalf("QuotaLeft = %d, want %d", got, tc.want.Remaining)
			}
		})
	}
}
