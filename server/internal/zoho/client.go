// Package zoho reads items and item images from Zoho Books and Zoho Inventory
// (docs/zoho.md): OAuth refresh with one cached token, a limiter that keeps
// under Zoho's per-minute and concurrency limits, retries with backoff and
// jitter for 429s, 5xx, HTML and cut-off answers, and errors that say what
// to do about them.
package zoho

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"golang.org/x/time/rate"
)

// Source is a Zoho product to read from.
type Source string

// The two sources.
const (
	Books     Source = "books"
	Inventory Source = "inventory"
)

// Config configures a Client. Secrets are passed as plain strings: only this
// package sends them, and only to the token endpoint.
type Config struct {
	AccountsURL       string // e.g. https://accounts.zoho.com
	BooksURL          string // e.g. https://www.zohoapis.com/books/v3
	InventoryURL      string // e.g. https://www.zohoapis.com/inventory/v1
	ClientID          string
	ClientSecret      string
	RefreshToken      string
	OrganizationID    string
	RequestsPerMinute int // default 90
	MaxConcurrency    int // default 4
	TokenCache        TokenCache
	HTTPClient        *http.Client
	Retry             RetryPolicy
	Logger            *slog.Logger
	Now               func() time.Time // the clock for quota reset times (default time.Now)

	onMint func()
}

// RetryPolicy says how long to wait between attempts.
type RetryPolicy struct {
	MaxAttempts    int           // per request, for transient errors (default 8)
	RateAttempts   int           // per request, for 429s (default 20): rate limits pass, so they get more patience
	BaseDelay      time.Duration // first backoff for 5xx and network errors (default 1s)
	MaxDelay       time.Duration // cap for one wait (default 60s)
	RateLimitDelay time.Duration // first wait after a 429 code 44 (default 30s)
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 8
	}
	if p.RateAttempts <= 0 {
		p.RateAttempts = max(20, p.MaxAttempts)
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 60 * time.Second
	}
	if p.RateLimitDelay <= 0 {
		p.RateLimitDelay = 30 * time.Second
	}
	return p
}

// Stats counts what the client did.
type Stats struct {
	Calls         int64 // API requests sent (each attempt counts)
	TokenMints    int64
	RateLimited   int64 // 429 answers (codes 44 and 1070)
	Retries       int64
	QuotaLeft     int64 // last X-Rate-Limit-Remaining seen; -1 when unknown
	BytesReceived int64
}

// Client talks to Zoho.
type Client struct {
	cfg     Config
	tokens  *tokenSource
	limiter *rate.Limiter
	sem     chan struct{}
	retry   RetryPolicy
	backoff backoffs
	log     *slog.Logger

	calls, mints, limited, retries, bytes atomic.Int64
	quotaLeft                             atomic.Int64
	quotaMu                               sync.Mutex
	quota                                 Quota
}

// New builds a client; nothing is sent until the first call.
func New(cfg Config) *Client {
	if cfg.RequestsPerMinute <= 0 {
		cfg.RequestsPerMinute = 90
	}
	if cfg.MaxConcurrency <= 0 {
		cfg.MaxConcurrency = 4
	}
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 90 * time.Second}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	c := &Client{
		cfg: cfg,
		// A small burst: over any minute we send at most RequestsPerMinute + burst.
		limiter: rate.NewLimiter(rate.Limit(float64(cfg.RequestsPerMinute)/60), min(cfg.MaxConcurrency, 5)),
		sem:     make(chan struct{}, cfg.MaxConcurrency),
		retry:   cfg.Retry.withDefaults(),
		log:     cfg.Logger,
	}
	c.backoff = newBackoffs(c.retry)
	c.quotaLeft.Store(-1)
	cfg.onMint = func() { c.mints.Add(1) }
	c.tokens = newTokenSource(cfg)
	return c
}

// NewRun is called when a run starts: a token refusal remembered from the
// previous run is forgotten, so each run asks the token endpoint at most once
// after a refusal.
func (c *Client) NewRun() { c.tokens.forgetRefusal() }

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{
		Calls: c.calls.Load(), TokenMints: c.mints.Load(), RateLimited: c.limited.Load(),
		Retries: c.retries.Load(), QuotaLeft: c.quotaLeft.Load(), BytesReceived: c.bytes.Load(),
	}
}

// Kind classifies errors so callers can decide what to do.
type Kind int

// Error kinds.
const (
	KindTransient    Kind = iota + 1 // retried and still failing: network, 5xx, bad JSON
	KindAuth                         // credentials refused: fix the config
	KindTokenLimit                   // Zoho's token-mint limit: wait
	KindQuota                        // daily quota (code 45): stop until it resets
	KindRateLimited                  // per-minute or concurrency limit, still after retries
	KindOrganization                 // organization_id not accessible (code 6041)
	KindNotFound                     // item or image does not exist (code 1002 / 404)
	KindBadRequest                   // Zoho rejected the request (a bug or a bad setting)
)

// Error is a Zoho failure with a message a person can act on. It never holds a secret.
type Error struct {
	Kind       Kind
	HTTPStatus int
	Code       int // Zoho's "code", when it sent one
	Msg        string
}

func (e *Error) Error() string { return e.Msg }

// IsKind reports whether err is a Zoho error of that kind.
func IsKind(err error, k Kind) bool {
	var ze *Error
	return errors.As(err, &ze) && ze.Kind == k
}

// Fatal reports whether the error concerns the whole run rather than one item.
func Fatal(err error) bool {
	var ze *Error
	if !errors.As(err, &ze) {
		return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
	}
	switch ze.Kind {
	case KindNotFound, KindBadRequest:
		return false
	}
	return true
}

var secretish = regexp.MustCompile(`(?i)(access_token|refresh_token|client_secret|token)=[^&\s"]+`)

// scrub removes query parameters that could carry a secret from an error text.
func scrub(s string) string { return secretish.ReplaceAllString(s, "$1=[redacted]") }

func (c *Client) baseURL(src Source, apiDomain string) (string, error) {
	base := c.cfg.BooksURL
	if src == Inventory {
		base = c.cfg.InventoryURL
	}
	if base == "" {
		return "", &Error{Kind: KindBadRequest, Msg: fmt.Sprintf("no base URL configured for Zoho %s", src)}
	}
	// API URLs are built from the api_domain that came with the token (docs/zoho.md#data-centres-and-hosts).
	if apiDomain != "" {
		u, err := url.Parse(base)
		if err == nil {
			return apiDomain + u.Path, nil
		}
	}
	return base, nil
}

// response is a successful API answer.
type response struct {
	status      int
	contentType string
	header      http.Header
	body        []byte
}

// get performs one API GET with auth, limits and retries. params must not
// include organization_id (added here) unless noOrg is set.
func (c *Client) get(ctx context.Context, src Source, path string, params url.Values, noOrg bool) (*response, error) {
	return c.getAs(ctx, src, path, params, noOrg, false)
}

// getAs is get; with binary set, any HTTP 200 answer is returned for the
// caller to check (an image endpoint's HTML or JSON body is "not an image",
// not something to retry), except a daily-quota error, which stops the run.
func (c *Client) getAs(ctx context.Context, src Source, path string, params url.Values, noOrg, binary bool) (*response, error) {
	if params == nil {
		params = url.Values{}
	}
	if !noOrg {
		params.Set("organization_id", c.cfg.OrganizationID)
	}
	var lastErr error
	authRetried := false
	rateLimited, perMinute := 0, 0
	for attempt := 1; ; attempt++ {
		tok, err := c.tokens.token(ctx)
		if err != nil {
			return nil, err
		}
		base, err := c.baseURL(src, tok.APIDomain)
		if err != nil {
			return nil, err
		}
		resp, err := c.do(ctx, base+path+"?"+params.Encode(), tok.AccessToken, binary)
		if err == nil {
			return resp, nil
		}
		var ze *Error
		if !errors.As(err, &ze) {
			return nil, err // context cancelled
		}
		lastErr = err
		var wait time.Duration
		switch {
		case ze.HTTPStatus == 401 && ze.Code == 57 && !authRetried:
			// Expired or revoked token: refresh once, at once.
			c.tokens.invalidate(tok.AccessToken)
			authRetried = true
			continue
		case ze.Kind == KindRateLimited && ze.Code == 44:
			c.limited.Add(1)
			rateLimited++
			perMinute++
			wait = c.backoff.perMinute(ctx, uint(perMinute))
		case ze.Kind == KindRateLimited:
			c.limited.Add(1)
			rateLimited++
			wait = c.backoff.concurrency(ctx, uint(min(rateLimited, 4)))
		case ze.Kind == KindTransient:
			wait = c.backoff.transient(ctx, uint(attempt-rateLimited))
		default:
			return nil, err
		}
		if attempt-rateLimited >= c.retry.MaxAttempts || rateLimited >= c.retry.RateAttempts {
			return nil, fmt.Errorf("%w (gave up after %d attempts)", lastErr, attempt)
		}
		c.retries.Add(1)
		c.log.Debug("zoho: retrying", "path", path, "attempt", attempt, "wait", wait, "error", ze.Msg)
		select {
		case <-ctx.Done():
			return nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// backoffs are the waits between attempts: exponential with jitter, from
// go-grpc-middleware's retry package (the Odoo client uses the same).
type backoffs struct {
	transient   retry.BackoffFunc // 5xx, network errors, bad answers
	perMinute   retry.BackoffFunc // 429 code 44: the minute has to pass
	concurrency retry.BackoffFunc // 429 code 1070: a request in flight has to finish
}

func newBackoffs(p RetryPolicy) backoffs {
	return backoffs{
		transient:   retry.BackoffExponentialWithJitterBounded(p.BaseDelay, 0.5, p.MaxDelay),
		perMinute:   retry.BackoffExponentialWithJitterBounded(p.RateLimitDelay, 0.5, p.MaxDelay),
		concurrency: retry.BackoffExponentialWithJitterBounded(p.BaseDelay/2, 0.5, p.MaxDelay/2),
	}
}

// do sends one request through the limiter and the concurrency gate and
// classifies the answer, including errors Zoho sends with HTTP 200.
func (c *Client) do(ctx context.Context, rawURL, access string, binary bool) (*response, error) {
	if err := c.limiter.Wait(ctx); err != nil {
		return nil, ctxErr(ctx, err)
	}
	select {
	case c.sem <- struct{}{}:
	case <-ctx.Done():
		return nil, ctx.Err()
	}
	defer func() { <-c.sem }()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, rawURL, nil)
	if err != nil {
		return nil, &Error{Kind: KindBadRequest, Msg: "bad Zoho URL: " + scrub(err.Error())}
	}
	req.Header.Set("Authorization", "Zoho-oauthtoken "+access)
	req.Header.Set("Accept", "application/json")
	c.calls.Add(1)
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Kind: KindTransient, Msg: "cannot reach Zoho: " + scrub(unwrapURLError(err))}
	}
	defer res.Body.Close()
	body, err := io.ReadAll(io.LimitReader(res.Body, 64<<20))
	c.bytes.Add(int64(len(body)))
	if err != nil {
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		return nil, &Error{Kind: KindTransient, HTTPStatus: res.StatusCode, Msg: "Zoho's answer was cut off: " + scrub(unwrapURLError(err))}
	}
	ct, _, _ := mime.ParseMediaType(res.Header.Get("Content-Type"))
	r := &response{status: res.StatusCode, contentType: ct, header: res.Header, body: body}
	if res.StatusCode == 200 && ct != "application/json" && ct != "text/json" && ct != "" && !strings.HasPrefix(ct, "text/") {
		c.observeQuota(res.Header, false)
		return r, nil // binary (an image): checked by the caller
	}
	var env struct {
		Code    *int   `json:"code"`
		Message string `json:"message"`
	}
	jsonErr := json.Unmarshal(body, &env)
	// Code 45 comes with HTTP 429, and has been seen with HTTP 200 (docs/zoho.md#rate-limits).
	c.observeQuota(res.Header, jsonErr == nil && env.Code != nil && *env.Code == 45)
	if binary && res.StatusCode == 200 {
		if jsonErr == nil && env.Code != nil && *env.Code == 45 {
			return nil, classify(res.StatusCode, 45, env.Message)
		}
		return r, nil
	}
	if res.StatusCode >= 200 && res.StatusCode < 300 {
		if jsonErr != nil {
			if ct == "text/html" || bytes.HasPrefix(bytes.TrimSpace(body), []byte("<")) {
				return nil, &Error{Kind: KindTransient, HTTPStatus: res.StatusCode, Msg: "Zoho answered with an HTML page instead of JSON"}
			}
			return nil, &Error{Kind: KindTransient, HTTPStatus: res.StatusCode, Msg: "Zoho's JSON answer was malformed or cut off"}
		}
		if env.Code != nil && *env.Code != 0 {
			return nil, classify(res.StatusCode, *env.Code, env.Message)
		}
		return r, nil
	}
	if jsonErr != nil || env.Code == nil {
		return nil, classify(res.StatusCode, 0, http.StatusText(res.StatusCode))
	}
	return nil, classify(res.StatusCode, *env.Code, env.Message)
}

func ctxErr(ctx context.Context, err error) error {
	if ctx.Err() != nil {
		return ctx.Err()
	}
	return err
}

func unwrapURLError(err error) string {
	var ue *url.Error
	if errors.As(err, &ue) {
		return ue.Err.Error() // the URL itself is left out: it carries the organisation id only, but keep errors short
	}
	return err.Error()
}

// classify maps Zoho's codes (docs/zoho.md#error-codes) to error kinds.
func classify(status, code int, msg string) error {
	e := &Error{HTTPStatus: status, Code: code}
	msg = strings.TrimSpace(msg)
	switch {
	case code == 45:
		e.Kind = KindQuota
		e.Msg = "Zoho's daily API quota for this organisation is used up (code 45: " + msg + "); the run stops and can resume after the quota resets"
	case code == 44:
		e.Kind = KindRateLimited
		e.Msg = "Zoho's per-minute limit was hit (code 44)"
	case code == 1070:
		e.Kind = KindRateLimited
		e.Msg = "Zoho's limit on concurrent requests was hit (code 1070)"
	case status == 429:
		e.Kind = KindRateLimited
		e.Msg = fmt.Sprintf("Zoho rate-limited the request (HTTP 429, code %d)", code)
	case code == 57 || (status == 401 && code != 14):
		e.Kind = KindAuth
		e.Msg = "Zoho refused the access token (code 57): check that the refresh token has the ZohoBooks.settings.READ / ZohoInventory.items.READ scopes for this product and data centre"
	case code == 14:
		e.Kind = KindAuth
		e.Msg = "Zoho could not authenticate the request (code 14)"
	case code == 6041:
		e.Kind = KindOrganization
		e.Msg = "this Zoho user has no access to the organisation in organization_id (code 6041): check organization_id in zoho_config.json"
	case code == 1002 || status == 404:
		e.Kind = KindNotFound
		e.Msg = "not found in Zoho: " + msg
	case status >= 500 || code == 1000:
		e.Kind = KindTransient
		e.Msg = fmt.Sprintf("Zoho failed with HTTP %d (code %d: %s)", status, code, msg)
	default:
		e.Kind = KindBadRequest
		e.Msg = fmt.Sprintf("Zoho rejected the request: HTTP %d, code %d: %s", status, code, msg)
	}
	return e
}
