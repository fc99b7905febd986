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
// then locks the client out (zoho-api.md §2.4). We stay below with a margin.
const (
	mintWindow = 10 * time.Minute
	mintLimit  = 8
	// refreshMargin renews a token this long before Zoho says it expires.
	refreshMargin = 5 * time.Minute
)

// CachedToken is an access token as kept across restarts.
type CachedToken struct {
	Key         string      `json:"key"` // hash of client id + refresh token: a config change invalidates the cache
	AccessToken string      `json:"access_token"`
	APIDomain   string      `json:"api_domain"`
	Expiry      time.Time   `json:"expiry"`
	Mints       []time.Time `json:"mints"` // when tokens were minted, for the 10-per-10-minutes limit
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

// tokenSource hands out one cached access token and refreshes it under one lock,
// so that concurrent requests never mint more than one token at a time.
type tokenSource struct {
	mu      sync.Mutex
	oauth   oauth2.Config
	refresh string
	key     string
	cache   TokenCache
	cur     CachedToken
	loaded  bool
	now     func() time.Time
	http    *http.Client
	onMint  func()
	// refused remembers the token endpoint's refusal until the next run, so
	// that the requests of one run do not hammer it (that extends a lock-out).
	refused error
}

func newTokenSource(cfg Config) *tokenSource {
	sum := sha256.Sum256([]byte(cfg.ClientID + "\x00" + cfg.RefreshToken))
	cache := cfg.TokenCache
	if cache == nil {
		cache = &memoryCache{}
	}
	return &tokenSource{
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
		now:     cfg.Now,
		http:    cfg.HTTPClient,
		onMint:  cfg.onMint,
	}
}

// token returns a valid access token and the API domain it belongs to.
func (t *tokenSource) token(ctx context.Context) (CachedToken, error) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if !t.loaded {
		if c, err := t.cache.LoadToken(); err == nil && c.Key == t.key {
			t.cur = c
		}
		t.loaded = true
	}
	if t.cur.AccessToken != "" && t.now().Add(refreshMargin).Before(t.cur.Expiry) {
		return t.cur, nil
	}
	if t.refused != nil {
		return CachedToken{}, t.refused
	}
	tok, err := t.mint(ctx)
	if IsKind(err, KindTokenLimit) || IsKind(err, KindAuth) {
		t.refused = err
	}
	return tok, err
}

// forgetRefusal lets the next request try the token endpoint again.
func (t *tokenSource) forgetRefusal() {
	t.mu.Lock()
	t.refused = nil
	t.mu.Unlock()
}

// invalidate drops the token after Zoho rejected it (401 code 57), unless
// another request already replaced it.
func (t *tokenSource) invalidate(access string) {
	t.mu.Lock()
	defer t.mu.Unlock()
	if t.cur.AccessToken == access {
		t.cur.AccessToken = ""
		t.cur.Expiry = time.Time{}
	}
}

func (t *tokenSource) mint(ctx context.Context) (CachedToken, error) {
	now := t.now()
	recent := t.cur.Mints[:0:0]
	for _, m := range t.cur.Mints {
		if now.Sub(m) < mintWindow {
			recent = append(recent, m)
		}
	}
	t.cur.Mints = recent
	if len(recent) >= mintLimit {
		wait := recent[0].Add(mintWindow).Sub(now)
		return CachedToken{}, &Error{Kind: KindTokenLimit, Msg: fmt.Sprintf(
			"Zoho allows 10 access tokens per 10 minutes and %d were minted recently; the next one can be minted in %s",
			len(recent), wait.Round(time.Second))}
	}
	hctx := ctx
	if t.http != nil {
		hctx = context.WithValue(ctx, oauth2.HTTPClient, t.http)
	}
	tok, err := t.oauth.TokenSource(hctx, &oauth2.Token{RefreshToken: t.refresh}).Token()
	if err != nil {
		return CachedToken{}, tokenError(err)
	}
	if t.onMint != nil {
		t.onMint()
	}
	domain, _ := tok.Extra("api_domain").(string)
	expiry := tok.Expiry
	if expiry.IsZero() {
		expiry = now.Add(time.Hour)
	} else {
		// x/oauth2 stamps expiry with the wall clock; re-base it on ours.
		expiry = now.Add(time.Until(tok.Expiry))
	}
	t.cur = CachedToken{
		Key:         t.key,
		AccessToken: tok.AccessToken,
		APIDomain:   strings.TrimRight(domain, "/"),
		Expiry:      expiry,
		Mints:       append(t.cur.Mints, now),
	}
	if err := t.cache.SaveToken(t.cur); err != nil {
		return CachedToken{}, fmt.Errorf("cannot save the Zoho token: %w", err)
	}
	return t.cur, nil
}

// tokenError turns the token endpoint's answers (zoho-api.md §2.3), which
// often come with HTTP 200, into errors a person can act on.
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
