package zoho

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"time"

	"golang.org/x/oauth2"
)

// Zoho mints at most 10 access tokens per refresh token per 10 minutes and
// then locks the client out (docs/zoho.md#token-limits). We stay below with a margin.
const (
	mintWindow = 10 * time.Minute
	mintLimit  = 8
	// maxRefreshMargin caps how long before its expiry a token is renewed.
	maxRefreshMargin = 5 * time.Minute
	// mintTimeout bounds one call to the token endpoint.
	mintTimeout = 60 * time.Second
)

// refreshMargin is how long before its expiry a token of this lifetime is
// renewed: a tenth of the lifetime, at most 5 minutes. A fixed margin longer
// than the lifetime would make every call mint a token.
func refreshMargin(lifetime time.Duration) time.Duration {
	if lifetime <= 0 {
		return 0
	}
	return min(maxRefreshMargin, lifetime/10)
}

// CachedToken is an access token as kept across restarts.
type CachedToken struct {
	Key         string      `json:"key"` // hash of client id + refresh token: a config change invalidates the cache
	AccessToken string      `json:"access_token"`
	APIDomain   string      `json:"api_domain"`
	Expiry      time.Time   `json:"expiry"` // when Zoho says the token expires
	Mints       []time.Time `json:"mints"`  // when tokens were minted, for the 10-per-10-minutes limit
}

// renewAt is when the token should be replaced: its expiry less a share of
// its lifetime (counted from its mint, the last of Mints).
func (c CachedToken) renewAt() time.Time {
	lifetime := maxRefreshMargin * 10
	if n := len(c.Mints); n > 0 {
		lifetime = c.Expiry.Sub(c.Mints[n-1])
	}
	return c.Expiry.Add(-refreshMargin(lifetime))
}

// TokenCache persists the token (the store implements it with Badger).
type TokenCache interface {
	LoadToken() (CachedToken, error)
	SaveToken(CachedToken) error
}

// memoryCache is used when no persistent cache is given.
type memoryCache struct {
	mu sync.Mutex
	t  CachedToken
}

func (m *memoryCache) LoadToken() (CachedToken, error) {
	m.mu.Lock()
	defer m.mu.Unlock()
	return m.t, nil
}

func (m *memoryCache) SaveToken(t CachedToken) error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.t = t
	return nil
}

// accessToken is what a request needs from the token.
type accessToken struct {
	AccessToken string
	APIDomain   string
}

// tokenSource hands out one access token at a time. x/oauth2's reuse token
// source caches it and calls the minter under its lock, so concurrent requests
// never mint more than one token; the minter keeps the mint budget and the
// persisted copy.
type tokenSource struct {
	minter *minter

	mu    sync.Mutex
	reuse oauth2.TokenSource // replaced by invalidate
	last  string             // the access token reuse handed out last
}

// earlyExpiry is the reuse source's own margin: the minter already pulls a
// token's expiry in by a share of its lifetime (see refreshMargin). It must
// not be 0, which x/oauth2 reads as its default of 10 seconds.
const earlyExpiry = time.Nanosecond

func newTokenSource(cfg Config) *tokenSource {
	sum := sha256.Sum256([]byte(cfg.ClientID + "\x00" + cfg.RefreshToken))
	cache := cfg.TokenCache
	if cache == nil {
		cache = &memoryCache{}
	}
	m := &minter{
		oauth: oauth2.Config{
			ClientID:     cfg.ClientID,
			ClientSecret: cfg.ClientSecret,
			Endpoint: oauth2.Endpoint{
				TokenURL:  strings.TrimRight(cfg.AccountsURL, "/") + "/oauth/v2/token",
				AuthStyle: oauth2.AuthStyleInParams,
			},
		},
		refresh: cfg.RefreshToken,
		key:     hex.EncodeToString(sum[:8]),
		cache:   cache,
		http:    cfg.HTTPClient,
		onMint:  cfg.onMint,
	}
	var initial *oauth2.Token
	if c, err := cache.LoadToken(); err == nil && c.Key == m.key {
		m.mints = c.Mints
		if c.AccessToken != "" {
			initial = c.reuseToken()
		}
	}
	return &tokenSource{minter: m, reuse: oauth2.ReuseTokenSourceWithExpiry(initial, m, earlyExpiry)}
}

// reuseToken is the token as the reuse source sees it: expiring at renewAt.
func (c CachedToken) reuseToken() *oauth2.Token {
	t := &oauth2.Token{AccessToken: c.AccessToken, TokenType: "Zoho-oauthtoken", Expiry: c.renewAt()}
	return t.WithExtra(map[string]any{"api_domain": c.APIDomain})
}

// token returns a valid access token and the API domain it belongs to. A
// cancelled ctx returns at once; a mint in flight then still completes and
// is kept for the next request.
func (t *tokenSource) token(ctx context.Context) (accessToken, error) {
	if err := ctx.Err(); err != nil {
		return accessToken{}, err
	}
	t.mu.Lock()
	src := t.reuse
	t.mu.Unlock()
	type result struct {
		tok *oauth2.Token
		err error
	}
	done := make(chan result, 1)
	go func() {
		tok, err := src.Token()
		done <- result{tok, err}
	}()
	var r result
	select {
	case r = <-done:
	case <-ctx.Done():
		return accessToken{}, ctx.Err()
	}
	if r.err != nil {
		return accessToken{}, r.err
	}
	domain, _ := r.tok.Extra("api_domain").(string)
	t.mu.Lock()
	if t.reuse == src {
		t.last = r.tok.AccessToken
	}
	t.mu.Unlock()
	return accessToken{AccessToken: r.tok.AccessToken, APIDomain: domain}, nil
}

// forgetRefusal lets the next request try the token endpoint again.
func (t *tokenSource) forgetRefusal() { t.minter.forgetRefusal() }

// invalidate drops the token after Zoho rejected it (401 code 57), unless
// another request already replaced it.
func (t *tokenSource) invalidate(access string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.last == access {
		t.reuse = oauth2.ReuseTokenSourceWithExpiry(nil, t.minter, earlyExpiry)
		t.last = ""
	}
}

// minter mints tokens with x/oauth2's refresh-token grant, within Zoho's
// mint limit as counted across restarts, and saves each one. Its Token is
// called by a reuse source, one call at a time per source; mintMu keeps it to
// one at a time after invalidate replaced the source.
type minter struct {
	oauth   oauth2.Config
	refresh string
	key     string
	cache   TokenCache
	http    *http.Client
	onMint  func()

	mintMu sync.Mutex // held for a whole mint
	mu     sync.Mutex // guards the fields below
	mints  []time.Time
	// refused remembers the token endpoint's refusal until the next run, so
	// that the requests of one run do not hammer it (that extends a lock-out).
	refused error
}

func (m *minter) forgetRefusal() {
	m.mu.Lock()
	m.refused = nil
	m.mu.Unlock()
}

// Token mints an access token (oauth2.TokenSource).
func (m *minter) Token() (*oauth2.Token, error) {
	m.mintMu.Lock()
	defer m.mintMu.Unlock()
	m.mu.Lock()
	refused := m.refused
	m.mu.Unlock()
	if refused != nil {
		return nil, refused
	}
	c, err := m.mint()
	if IsKind(err, KindTokenLimit) || IsKind(err, KindAuth) {
		m.mu.Lock()
		m.refused = err
		m.mu.Unlock()
	}
	if err != nil {
		return nil, err
	}
	return c.reuseToken(), nil
}

func (m *minter) mint() (CachedToken, error) {
	now := time.Now() // x/oauth2 judges expiry by the wall clock, so do we
	m.mu.Lock()
	recent := m.mints[:0:0]
	for _, t := range m.mints {
		if now.Sub(t) < mintWindow {
			recent = append(recent, t)
		}
	}
	m.mints = recent
	m.mu.Unlock()
	if len(recent) >= mintLimit {
		wait := recent[0].Add(mintWindow).Sub(now)
		return CachedToken{}, &Error{Kind: KindTokenLimit, Msg: fmt.Sprintf(
			"Zoho allows 10 access tokens per 10 minutes and %d were minted recently; the next one can be minted in %s",
			len(recent), wait.Round(time.Second))}
	}
	ctx, cancel := context.WithTimeout(context.Background(), mintTimeout)
	defer cancel()
	if m.http != nil {
		ctx = context.WithValue(ctx, oauth2.HTTPClient, m.http)
	}
	tok, err := m.oauth.TokenSource(ctx, &oauth2.Token{RefreshToken: m.refresh}).Token()
	if err != nil {
		return CachedToken{}, tokenError(err)
	}
	if m.onMint != nil {
		m.onMint()
	}
	domain, _ := tok.Extra("api_domain").(string)
	lifetime := time.Hour // Zoho's usual, when it does not say
	if tok.ExpiresIn > 0 {
		lifetime = time.Duration(tok.ExpiresIn) * time.Second
	}
	m.mu.Lock()
	m.mints = append(m.mints, now)
	c := CachedToken{
		Key:         m.key,
		AccessToken: tok.AccessToken,
		APIDomain:   strings.TrimRight(domain, "/"),
		Expiry:      now.Add(lifetime),
		Mints:       append([]time.Time(nil), m.mints...),
	}
	m.mu.Unlock()
	if err := m.cache.SaveToken(c); err != nil {
		return CachedToken{}, fmt.Errorf("cannot save the Zoho token: %w", err)
	}
	return c, nil
}

// tokenError turns the token endpoint's answers (docs/zoho.md#token-endpoint-errors),
// which often come with HTTP 200, into errors a person can act on.
func tokenError(err error) error {
	var re *oauth2.RetrieveError
	if errors.As(err, &re) {
		code := re.ErrorCode
		switch {
		case code == "invalid_code":
			return &Error{Kind: KindAuth, Msg: "Zoho refused the refresh token (invalid_code): it was revoked or expired, or belongs to another data centre than accounts_url; generate a new one"}
		case code == "invalid_client":
			return &Error{Kind: KindAuth, Msg: "Zoho does not know this client_id (invalid_client): check client_id and that accounts_url is your organisation's data centre"}
		case code == "invalid_client_secret":
			return &Error{Kind: KindAuth, Msg: "Zoho refused the client secret (invalid_client_secret): check client_secret"}
		case strings.EqualFold(code, "Access Denied") || strings.Contains(re.ErrorDescription, "too many requests"):
			return &Error{Kind: KindTokenLimit, Msg: "Zoho's token endpoint refuses more requests for now (too many token requests); it usually clears after 15–30 minutes without token requests"}
		case code != "":
			return &Error{Kind: KindAuth, Msg: fmt.Sprintf("Zoho's token endpoint answered %q %s", code, re.ErrorDescription)}
		case re.Response != nil && re.Response.StatusCode >= 500:
			return &Error{Kind: KindTransient, Msg: fmt.Sprintf("Zoho's token endpoint failed with HTTP %d", re.Response.StatusCode)}
		case re.Response != nil:
			return &Error{Kind: KindAuth, Msg: fmt.Sprintf("Zoho's token endpoint answered HTTP %d", re.Response.StatusCode)}
		}
	}
	if strings.Contains(err.Error(), "missing access_token") {
		return &Error{Kind: KindAuth, Msg: "Zoho's token endpoint answered without an access token"}
	}
	return &Error{Kind: KindTransient, Msg: "cannot reach Zoho's token endpoint: " + scrub(err.Error())}
}
