package zoho_test

import (
	"context"
	"errors"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// fastRetry keeps tests quick while exercising every retry path.
var fastRetry = zoho.RetryPolicy{MaxAttempts: 6, BaseDelay: 5 * time.Millisecond, MaxDelay: 50 * time.Millisecond, RateLimitDelay: 20 * time.Millisecond}

func newPair(t *testing.T, opts zohotest.Options) (*zohotest.Server, *zoho.Client) {
	t.Helper()
	em := zohotest.NewServer(opts)
	t.Cleanup(em.Close)
	cfg := em.Config()
	c := zoho.New(zoho.Config{
		AccountsURL:       em.URL,
		BooksURL:          em.URL + "/books/v3",
		InventoryURL:      em.URL + "/inventory/v1",
		ClientID:          cfg.ClientID,
		ClientSecret:      cfg.ClientSecret,
		RefreshToken:      cfg.RefreshToken,
		OrganizationID:    cfg.OrgID,
		RequestsPerMinute: 6000, // the limiter's pacing is not what these tests measure
		MaxConcurrency:    4,
		Retry:             fastRetry,
	})
	return em, c
}

func listAll(ctx context.Context, c *zoho.Client, src zoho.Source) ([]zoho.Item, int, error) {
	var all []zoho.Item
	for page := 1; ; page++ {
		p, err := c.ListItems(ctx, src, page)
		if err != nil {
			return nil, page, err
		}
		all = append(all, p.Items...)
		if !p.HasMore {
			return all, page, nil
		}
	}
}

func TestListItemsPagesEverythingIncludingInactive(t *testing.T) {
	for _, src := range []zoho.Source{zoho.Books, zoho.Inventory} {
		t.Run(string(src), func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{})
			em.Seed(450, 7)
			items, pages, err := listAll(context.Background(), c, src)
			if err != nil {
				t.Fatal(err)
			}
			if len(items) != 450 || pages != 3 {
				t.Fatalf("got %d items in %d pages, want 450 in 3", len(items), pages)
			}
			inactive := 0
			for _, it := range items {
				if !it.Active() {
					inactive++
				}
				if len(it.ID) < 16 {
					t.Fatalf("id %q lost precision", it.ID)
				}
			}
			if inactive == 0 {
				t.Fatal("no inactive items listed: filter_by=Status.All not sent")
			}
			if got := em.Stats().TokensMinted; got != 1 {
				t.Fatalf("minted %d tokens for one run, want 1", got)
			}
		})
	}
}

func TestItemValuesAreReadTolerantly(t *testing.T) {
	em, c := newPair(t, zohotest.Options{})
	em.PutItem(zohotest.Item{ItemID: "9007199254740993123", Name: "Tile ✓", Status: "active", Rate: 12.5, ReorderLevel: "",
		Description: "Box of 10\n<b>Frost</b>", Unit: "pcs", LastModifiedTime: time.Date(2024, 6, 11, 17, 42, 19, 0, time.FixedZone("", 19800))})
	p, err := c.ListItems(context.Background(), zoho.Books, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(p.Items) != 1 {
		t.Fatalf("got %d items", len(p.Items))
	}
	it := p.Items[0]
	if it.ID != "9007199254740993123" {
		t.Errorf("id = %q", it.ID)
	}
	if v, ok, err := it.Number("rate"); !ok || err != nil || v != 12.5 {
		t.Errorf("rate = %v %v %v", v, ok, err)
	}
	if _, ok, err := it.Number("reorder_level"); ok || err != nil {
		t.Errorf("empty reorder_level: ok=%v err=%v", ok, err)
	}
	stored, _ := em.Item(it.ID)
	if got := it.LastModified(); !got.Equal(stored.LastModifiedTime.Truncate(time.Second)) {
		t.Errorf("last modified = %v, want %v (offset applied)", got, stored.LastModifiedTime)
	}
	if it.Name() != "Tile ✓" || !strings.Contains(it.Str("description"), "<b>Frost</b>") {
		t.Errorf("name/description = %q / %q", it.Name(), it.Str("description"))
	}
}

func TestTransientFaultsAreRetried(t *testing.T) {
	for _, kind := range []zohotest.FaultKind{zohotest.FaultHTTP500, zohotest.Fault503HTML, zohotest.FaultTruncatedJSON,
		zohotest.Fault429, zohotest.FaultConcurrency1070, zohotest.FaultTokenExpired, zohotest.FaultDropConnection} {
		t.Run(kind.String(), func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{})
			em.Seed(250, 1)
			times := 2
			if kind == zohotest.FaultTokenExpired {
				times = 1 // a rejected token is refreshed once, at once
			}
			em.Inject(zohotest.Fault{Kind: kind, Path: "/items", Times: times})
			items, _, err := listAll(context.Background(), c, zoho.Books)
			if err != nil {
				t.Fatalf("run failed on %v: %v", kind, err)
			}
			if len(items) != 250 {
				t.Fatalf("got %d items, want 250", len(items))
			}
		})
	}
}

func TestQuotaStopsWithAClearMessage(t *testing.T) {
	for _, kind := range []zohotest.FaultKind{zohotest.FaultQuota45, zohotest.FaultQuota45HTTP200} {
		t.Run(kind.String(), func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{})
			em.Seed(10, 1)
			em.Inject(zohotest.Fault{Kind: kind, Path: "/items"})
			_, err := c.ListItems(context.Background(), zoho.Books, 1)
			if !zoho.IsKind(err, zoho.KindQuota) || !zoho.Fatal(err) {
				t.Fatalf("err = %v, want a fatal quota error", err)
			}
			if !strings.Contains(err.Error(), "daily API quota") {
				t.Fatalf("message %q does not say what happened", err)
			}
			if em.Stats().APICalls != 1 {
				t.Fatalf("made %d calls; a spent quota must not be hammered", em.Stats().APICalls)
			}
		})
	}
}

func TestRealDailyQuota(t *testing.T) {
	em, c := newPair(t, zohotest.Options{DailyLimit: 2})
	em.Seed(600, 1)
	_, _, err := listAll(context.Background(), c, zoho.Books)
	if !zoho.IsKind(err, zoho.KindQuota) {
		t.Fatalf("err = %v, want quota", err)
	}
}

func TestTokenIsCachedAndRefreshedUnderOneLock(t *testing.T) {
	t.Parallel() // it waits for the renewal point
	// Tokens live 8 s here: renewed a tenth of their lifetime before expiry.
	em := zohotest.NewServer(zohotest.Options{TokenTTL: 8 * time.Second})
	defer em.Close()
	em.Seed(50, 1)
	o := em.Config()
	cache := &tokenStore{}
	c := zoho.New(zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		RefreshToken: o.RefreshToken, OrganizationID: o.OrgID, RequestsPerMinute: 6000, Retry: fastRetry, TokenCache: cache})
	concurrent := func() {
		var wg sync.WaitGroup
		for i := 0; i < 20; i++ {
			wg.Add(1)
			go func() {
				defer wg.Done()
				if _, err := c.ListItems(context.Background(), zoho.Books, 1); err != nil {
					t.Error(err)
				}
			}()
		}
		wg.Wait()
	}
	concurrent()
	saved, _ := cache.LoadToken()
	minted := saved.Mints[len(saved.Mints)-1]
	renewAt := minted.Add(7200 * time.Millisecond)
	if time.Now().After(renewAt) {
		t.Fatalf("20 calls took over 7.2 s; the test cannot tell a renewal from a refresh per call")
	}
	if got := em.Stats().TokensMinted; got != 1 {
		t.Fatalf("20 concurrent calls minted %d tokens, want 1", got)
	}
	time.Sleep(time.Until(renewAt.Add(50 * time.Millisecond))) // past the renewal point, before expiry
	concurrent()
	if got := em.Stats().TokensMinted; got != 2 {
		t.Fatalf("after the renewal point minted %d tokens in all, want 2", got)
	}
}

func TestShortLivedTokensAreReusedNotMintedPerCall(t *testing.T) {
	// A fixed 5-minute margin made every call mint a token when tokens
	// live less than that, and the 9th call failed with the token limit.
	t.Parallel() // it waits for tokens to age
	em, c := newPair(t, zohotest.Options{TokenTTL: time.Second})
	em.Seed(5, 1)
	start := time.Now()
	for i := 0; i < 30; i++ {
		if _, err := c.ListItems(context.Background(), zoho.Books, 1); err != nil {
			t.Fatalf("call %d: %v", i+1, err)
		}
		time.Sleep(50 * time.Millisecond)
	}
	// Each token serves 0.9 s of calls (about 2 tokens for the 1.5 s here).
	most := int(time.Since(start)/(900*time.Millisecond)) + 1
	if got := em.Stats().TokensMinted; got < 1 || got > most {
		t.Fatalf("30 calls over %s minted %d tokens, want at most %d", time.Since(start).Round(time.Millisecond), got, most)
	}
}

// tokenStore is a TokenCache shared by two clients, as Badger is by two
// server processes in turn.
type tokenStore struct {
	mu sync.Mutex
	t  zoho.CachedToken
}

func (s *tokenStore) LoadToken() (zoho.CachedToken, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.t, nil
}

func (s *tokenStore) SaveToken(t zoho.CachedToken) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.t = t
	return nil
}

func TestTokenAndMintBudgetSurviveARestart(t *testing.T) {
	em := zohotest.NewServer(zohotest.Options{})
	defer em.Close()
	em.Seed(5, 1)
	o := em.Config()
	cache := &tokenStore{}
	newClient := func(clientID string) *zoho.Client {
		return zoho.New(zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: clientID, ClientSecret: o.ClientSecret,
			RefreshToken: o.RefreshToken, OrganizationID: o.OrgID, Retry: fastRetry, TokenCache: cache})
	}
	if _, err := newClient(o.ClientID).ListItems(context.Background(), zoho.Books, 1); err != nil {
		t.Fatal(err)
	}
	if _, err := newClient(o.ClientID).ListItems(context.Background(), zoho.Books, 1); err != nil {
		t.Fatal(err)
	}
	if got := em.Stats().TokensMinted; got != 1 {
		t.Fatalf("a restarted client minted again: %d tokens, want 1", got)
	}
	saved, _ := cache.LoadToken()
	if saved.AccessToken == "" || len(saved.Mints) != 1 || time.Until(saved.Expiry) < 59*time.Minute {
		t.Fatalf("saved token = %+v", saved)
	}
	// A budget used up before the restart still counts: no request reaches Zoho.
	saved.AccessToken = ""
	saved.Mints = nil
	for i := 0; i < 8; i++ {
		saved.Mints = append(saved.Mints, time.Now().Add(-time.Minute))
	}
	_ = cache.SaveToken(saved)
	before := em.Stats().TokenRequests
	_, err := newClient(o.ClientID).ListItems(context.Background(), zoho.Books, 1)
	if !zoho.IsKind(err, zoho.KindTokenLimit) || !strings.Contains(err.Error(), "8 were minted recently") {
		t.Fatalf("err = %v, want our own token-limit guard", err)
	}
	if got := em.Stats().TokenRequests; got != before {
		t.Fatalf("the token endpoint was asked %d times despite the spent budget", got-before)
	}
	// Another client id is another token: the cache is not used for it.
	if _, err := newClient("1000.OTHER").ListItems(context.Background(), zoho.Books, 1); !zoho.IsKind(err, zoho.KindAuth) {
		t.Fatalf("err = %v, want the emulator to refuse the unknown client id", err)
	}
}

// slowTokens delays requests to the token endpoint.
type slowTokens struct{ delay time.Duration }

func (s slowTokens) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.Contains(r.URL.Path, "/oauth/") {
		select {
		case <-time.After(s.delay):
		case <-r.Context().Done():
			return nil, r.Context().Err()
		}
	}
	return http.DefaultTransport.RoundTrip(r)
}

func TestTokenWaitEndsWithTheContext(t *testing.T) {
	em := zohotest.NewServer(zohotest.Options{})
	defer em.Close()
	em.Seed(5, 1)
	o := em.Config()
	c := zoho.New(zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		RefreshToken: o.RefreshToken, OrganizationID: o.OrgID, Retry: fastRetry,
		HTTPClient: &http.Client{Transport: slowTokens{delay: time.Second}}})
	ctx, cancel := context.WithTimeout(context.Background(), 100*time.Millisecond)
	defer cancel()
	start := time.Now()
	_, err := c.ListItems(ctx, zoho.Books, 1)
	if !errors.Is(err, context.DeadlineExceeded) || time.Since(start) > 900*time.Millisecond { // the mint takes 1 s
		t.Fatalf("err = %v after %s, want the context's error at once", err, time.Since(start))
	}
	// The mint in flight completes and its token serves the next call.
	if _, err := c.ListItems(context.Background(), zoho.Books, 1); err != nil {
		t.Fatal(err)
	}
	if got := em.Stats().TokensMinted; got != 1 {
		t.Fatalf("minted %d tokens, want 1", got)
	}
}

func TestTokenExpiryMidRunRefreshesOnce(t *testing.T) {
	em, c := newPair(t, zohotest.Options{})
	em.Seed(450, 1)
	if _, err := c.ListItems(context.Background(), zoho.Books, 1); err != nil {
		t.Fatal(err)
	}
	em.ExpireTokens()
	if _, err := c.ListItems(context.Background(), zoho.Books, 2); err != nil {
		t.Fatal(err)
	}
	if got := em.Stats().TokensMinted; got != 2 {
		t.Fatalf("minted %d, want 2", got)
	}
}

func TestMintLimitIsNeverHit(t *testing.T) {
	em, c := newPair(t, zohotest.Options{})
	em.Seed(5, 1)
	var lastErr error
	for i := 0; i < 15; i++ {
		em.ExpireTokens()
		_, lastErr = c.ListItems(context.Background(), zoho.Books, 1)
	}
	if !zoho.IsKind(lastErr, zoho.KindTokenLimit) {
		t.Fatalf("err = %v, want our own token-limit guard to stop minting", lastErr)
	}
	st := em.Stats()
	if st.TokensMinted > 10 || st.TokenErrors > 0 {
		t.Fatalf("minted %d tokens (%d refused) in 10 minutes; Zoho allows 10", st.TokensMinted, st.TokenErrors)
	}
}

func TestTokenErrorsArrivingWithHTTP200(t *testing.T) {
	cases := []struct {
		name    string
		setup   func(em *zohotest.Server, cfg *zoho.Config)
		wantMsg string
	}{
		{"revoked refresh token", func(em *zohotest.Server, _ *zoho.Config) { em.RevokeRefreshToken() }, "invalid_code"},
		{"wrong client id", func(_ *zohotest.Server, cfg *zoho.Config) { cfg.ClientID = "1000.NOPE" }, "invalid_client"},
		{"wrong secret", func(_ *zohotest.Server, cfg *zoho.Config) { cfg.ClientSecret = "nope" }, "invalid_client_secret"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			em := zohotest.NewServer(zohotest.Options{})
			defer em.Close()
			o := em.Config()
			cfg := zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
				RefreshToken: o.RefreshToken, OrganizationID: o.OrgID, Retry: fastRetry}
			tc.setup(em, &cfg)
			_, err := zoho.New(cfg).ListItems(context.Background(), zoho.Books, 1)
			if !zoho.IsKind(err, zoho.KindAuth) || !strings.Contains(err.Error(), tc.wantMsg) {
				t.Fatalf("err = %v, want an auth error naming %s", err, tc.wantMsg)
			}
			for _, secret := range []string{o.ClientSecret, o.RefreshToken} {
				if strings.Contains(err.Error(), secret) {
					t.Fatalf("error leaks a secret: %v", err)
				}
			}
		})
	}
}

func TestUnknownOrganization(t *testing.T) {
	em := zohotest.NewServer(zohotest.Options{})
	defer em.Close()
	o := em.Config()
	c := zoho.New(zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: o.ClientID, ClientSecret: o.ClientSecret,
		RefreshToken: o.RefreshToken, OrganizationID: "999", Retry: fastRetry})
	_, err := c.ListItems(context.Background(), zoho.Books, 1)
	if !zoho.IsKind(err, zoho.KindOrganization) || !strings.Contains(err.Error(), "organization_id") {
		t.Fatalf("err = %v", err)
	}
}

// The daily quota is read from every answer and from code 45, with HTTP 429 or 200 (docs/zoho.md#rate-limits).
func TestQuotaIsTracked(t *testing.T) {
	now := time.Date(2026, 3, 2, 12, 0, 0, 0, zohotest.OrgLocation)
	clock := func() time.Time { return now }
	for _, tc := range []struct {
		name      string
		fault     zohotest.FaultKind // 0: the emulator's own daily limit
		daily     int
		calls     int
		remaining int64
		exhausted bool
	}{
		{"headers on each answer", 0, 10, 3, 7, false},
		{"the daily limit is reached", 0, 2, 3, 0, true},
		{"code 45 with HTTP 429", zohotest.FaultQuota45, 1000, 1, 0, true},
		{"code 45 with HTTP 200", zohotest.FaultQuota45HTTP200, 1000, 1, 0, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			em, c := newPair(t, zohotest.Options{DailyLimit: tc.daily, Now: clock})
			c = zoho.New(zoho.Config{AccountsURL: em.URL, BooksURL: em.URL + "/books/v3", ClientID: em.Config().ClientID,
				ClientSecret: em.Config().ClientSecret, RefreshToken: em.Config().RefreshToken, OrganizationID: em.Config().OrgID, Now: clock})
			em.Seed(10, 1)
			if tc.fault != 0 {
				em.Inject(zohotest.Fault{Kind: tc.fault, Path: "/items"})
			}
			var err error
			for i := 0; i < tc.calls; i++ {
				_, err = c.ListItems(context.Background(), zoho.Books, 1)
			}
			if tc.exhausted != zoho.IsKind(err, zoho.KindQuota) {
				t.Fatalf("last error = %v, exhausted want %v", err, tc.exhausted)
			}
			q := c.Quota()
			nextMidnight := time.Date(2026, 3, 3, 0, 0, 0, 0, zohotest.OrgLocation)
			if q.Limit != int64(tc.daily) || q.Remaining != tc.remaining || q.Exhausted != tc.exhausted || !q.ResetsAt.Equal(nextMidnight) || !q.ObservedAt.Equal(now) {
				t.Fatalf("quota = %+v, want limit %d remaining %d exhausted %v resets %v", q, tc.daily, tc.remaining, tc.exhausted, nextMidnight)
			}
		})
	}
}
