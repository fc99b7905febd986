package zoho

import (
	"testing"
	"time"
)

func TestRefreshMarginIsAShareOfTheLifetime(t *testing.T) {
	cases := []struct {
		lifetime, want time.Duration
	}{
		{time.Hour, 5 * time.Minute},        // capped
		{30 * time.Minute, 3 * time.Minute}, // a tenth
		{10 * time.Second, time.Second},
		{time.Second, 100 * time.Millisecond},
		{0, 0},
		{-time.Second, 0},
	}
	for _, tc := range cases {
		if got := refreshMargin(tc.lifetime); got != tc.want {
			t.Errorf("refreshMargin(%s) = %s, want %s", tc.lifetime, got, tc.want)
		}
	}
	minted := time.Date(2026, 1, 1, 10, 0, 0, 0, time.UTC)
	c := CachedToken{Expiry: minted.Add(10 * time.Second), Mints: []time.Time{minted.Add(-time.Minute), minted}}
	if got, want := c.renewAt(), minted.Add(9*time.Second); !got.Equal(want) {
		t.Errorf("a 10 s token is renewed at %s, want %s", got, want)
	}
	// A token saved without its mint time: the 5-minute margin of a 1-hour token.
	c = CachedToken{Expiry: minted.Add(time.Hour)}
	if got, want := c.renewAt(), minted.Add(55*time.Minute); !got.Equal(want) {
		t.Errorf("renewAt without mints = %s, want %s", got, want)
	}
}
