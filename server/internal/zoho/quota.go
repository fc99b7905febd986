package zoho

import (
	"net/http"
	"strconv"
	"time"
)

// Quota is an organisation's daily Zoho API allowance as last observed
// (docs/zoho.md#rate-limits): from the X-Rate-Limit-* headers of an answer,
// or from a code-45 refusal (nothing left).
type Quota struct {
	Limit      int64     `json:"limit"`       // X-Rate-Limit-Limit: the daily allowance
	Remaining  int64     `json:"remaining"`   // X-Rate-Limit-Remaining: calls left in the window
	ResetsAt   time.Time `json:"resets_at"`   // observed at + X-Rate-Limit-Reset seconds; zero when not sent
	ObservedAt time.Time `json:"observed_at"` // when the answer arrived
	Exhausted  bool      `json:"exhausted"`   // Zoho answered code 45
}

// Known reports whether a quota was ever observed.
func (q Quota) Known() bool { return !q.ObservedAt.IsZero() }

// At is the quota as it stands at now: a window that has reset is whole again.
func (q Quota) At(now time.Time) Quota {
	if q.Known() && !q.ResetsAt.IsZero() && !now.Before(q.ResetsAt) && q.Limit > 0 {
		q.Remaining, q.Exhausted = q.Limit, false
		q.ResetsAt = q.ResetsAt.Add(24 * time.Hour * (1 + time.Duration(now.Sub(q.ResetsAt)/(24*time.Hour))))
	}
	return q
}

// quotaFromHeaders reads the X-Rate-Limit-* headers; ok is false when the
// answer carried none (401s do not: docs/zoho.md#rate-limits).
func quotaFromHeaders(h http.Header, now time.Time) (q Quota, ok bool) {
	rem, err := strconv.ParseInt(h.Get("X-Rate-Limit-Remaining"), 10, 64)
	if err != nil {
		return Quota{}, false
	}
	q = Quota{Remaining: max(rem, 0), ObservedAt: now}
	if n, err := strconv.ParseInt(h.Get("X-Rate-Limit-Limit"), 10, 64); err == nil && n > 0 {
		q.Limit = n
	}
	if n, err := strconv.ParseInt(h.Get("X-Rate-Limit-Reset"), 10, 64); err == nil && n >= 0 {
		q.ResetsAt = now.Add(time.Duration(n) * time.Second)
	}
	return q, true
}

// observeQuota records what an answer says about the daily quota.
func (c *Client) observeQuota(h http.Header, code45 bool) {
	now := c.now()
	q, ok := quotaFromHeaders(h, now)
	c.quotaMu.Lock()
	defer c.quotaMu.Unlock()
	switch {
	case ok:
	case code45:
		// A refusal without headers: nothing left, the window as last known.
		q = c.quota.At(now)
		q.ObservedAt = now
	default:
		return
	}
	if code45 {
		q.Remaining, q.Exhausted = 0, true
	}
	if q.Limit == 0 {
		q.Limit = c.quota.Limit
	}
	if q.ResetsAt.IsZero() {
		q.ResetsAt = c.quota.At(now).ResetsAt
	}
	if old := c.quota.At(now); old.Known() && q.Remaining > old.Remaining && sameWindow(old.ResetsAt, q.ResetsAt) {
		// Answers to concurrent calls arrive in any order: within a window the count only goes down.
		q.Remaining, q.Exhausted = old.Remaining, old.Exhausted
	}
	c.quota = q
	c.quotaLeft.Store(q.Remaining)
}

// sameWindow reports whether two reset times name the same daily window
// (X-Rate-Limit-Reset is in whole seconds, so they may differ by a little).
func sameWindow(a, b time.Time) bool {
	d := a.Sub(b)
	return !a.IsZero() && !b.IsZero() && d < time.Minute && d > -time.Minute
}

// Quota returns the daily quota as last observed (Known() is false before
// the first answer that told it, unless SetQuota seeded it).
func (c *Client) Quota() Quota {
	c.quotaMu.Lock()
	defer c.quotaMu.Unlock()
	return c.quota
}

// SetQuota seeds the quota with one recorded earlier (before a restart); an
// answer observed since is newer and wins.
func (c *Client) SetQuota(q Quota) {
	c.quotaMu.Lock()
	defer c.quotaMu.Unlock()
	if q.ObservedAt.After(c.quota.ObservedAt) {
		c.quota = q
	}
}

func (c *Client) now() time.Time {
	if c.cfg.Now != nil {
		return c.cfg.Now()
	}
	return time.Now()
}
