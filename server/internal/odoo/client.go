// Package odoo writes products to Odoo over its XML-RPC external API
// (docs/odoo.md): login, version detection, retries for dropped connections and
// serialization conflicts, faults turned into readable errors, and the
// product operations the sync needs in each version's dialect.
package odoo

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"net/url"
	"strings"
	"sync/atomic"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/retry"
	"github.com/kolo/xmlrpc"
)

// Config configures a Client.
type Config struct {
	URL        string // base URL, e.g. https://odoo.example.com
	DB         string
	Username   string
	Password   string // password or API key; sent only inside XML-RPC bodies
	HTTPClient *http.Client
	Retry      RetryPolicy
	Logger     *slog.Logger
}

// RetryPolicy says how often and how long to retry calls that did not reach Odoo.
type RetryPolicy struct {
	MaxAttempts int           // default 6
	BaseDelay   time.Duration // default 1s, doubled per attempt
	MaxDelay    time.Duration // default 30s
}

func (p RetryPolicy) withDefaults() RetryPolicy {
	if p.MaxAttempts <= 0 {
		p.MaxAttempts = 6
	}
	if p.BaseDelay <= 0 {
		p.BaseDelay = time.Second
	}
	if p.MaxDelay <= 0 {
		p.MaxDelay = 30 * time.Second
	}
	return p
}

// Client is a logged-in XML-RPC client.
type Client struct {
	cfg     Config
	retry   RetryPolicy
	log     *slog.Logger
	uid     int64
	version Version
	fields  map[string]Field // product.template's, once ProductFields has read them
	cats    categories       // product.category by complete name (categories.go)

	calls, retries, bytesSent atomic.Int64
}

// Version is what common.version() reported.
type Version struct {
	Serie string // "17.0"
	Major int    // 17
	Full  string // "17.0-20240709"
}

// Fault is an XML-RPC fault from Odoo (docs/odoo.md#faults): 1 = unexpected Python
// exception (String is a traceback), 2 = UserError/ValidationError,
// 3 = AccessDenied, 4 = AccessError.
type Fault struct {
	Code   int
	String string
	Model  string
	Method string
}

// Message is the part of the fault a person needs: the last traceback line for code 1.
func (f *Fault) Message() string {
	s := strings.TrimSpace(f.String)
	if f.Code == 1 {
		if i := strings.LastIndex(s, "\n"); i >= 0 {
			s = strings.TrimSpace(s[i+1:])
		}
	}
	return s
}

func (f *Fault) Error() string {
	return fmt.Sprintf("Odoo %s.%s failed (fault %d): %s", f.Model, f.Method, f.Code, f.Message())
}

// ErrUnreachable wraps failures to reach Odoo at all (after retries).
var ErrUnreachable = errors.New("Odoo is unreachable")

// ErrLogin means Odoo refused the credentials.
var ErrLogin = errors.New("Odoo refused the login")

// New builds a client; call Login before anything else.
func New(cfg Config) *Client {
	if cfg.HTTPClient == nil {
		cfg.HTTPClient = &http.Client{Timeout: 10 * time.Minute}
	}
	if cfg.Logger == nil {
		cfg.Logger = slog.New(slog.DiscardHandler)
	}
	cfg.URL = strings.TrimRight(cfg.URL, "/")
	return &Client{cfg: cfg, retry: cfg.Retry.withDefaults(), log: cfg.Logger}
}

// Stats counts calls.
type Stats struct {
	Calls     int64 // XML-RPC calls sent (each attempt counts)
	Retries   int64
	BytesSent int64
}

// Stats returns the counters so far.
func (c *Client) Stats() Stats {
	return Stats{Calls: c.calls.Load(), Retries: c.retries.Load(), BytesSent: c.bytesSent.Load()}
}

// Version returns the server version read by Login.
func (c *Client) Version() Version { return c.version }

// UID returns the logged-in user id.
func (c *Client) UID() int64 { return c.uid }

// Login reads the server version and authenticates.
func (c *Client) Login(ctx context.Context) error {
	var v map[string]any
	if err := c.rpc(ctx, "common", "version", nil, &v); err != nil {
		return err
	}
	serie, _ := v["server_serie"].(string)
	full, _ := v["server_version"].(string)
	major := 0
	if info, ok := v["server_version_info"].([]any); ok && len(info) > 0 {
		major = int(asInt(info[0]))
	}
	if major == 0 {
		fmt.Sscanf(strings.TrimPrefix(serie, "saas~"), "%d", &major)
	}
	c.version = Version{Serie: serie, Major: major, Full: full}
	var uid any
	err := c.rpc(ctx, "common", "authenticate", []any{c.cfg.DB, c.cfg.Username, c.cfg.Password, map[string]any{}}, &uid)
	var f *Fault
	if errors.As(err, &f) && f.Code == 1 && strings.Contains(f.String, "does not exist") {
		return fmt.Errorf("%w: Odoo has no database named %q (odoo_config.json \"db\")", ErrLogin, c.cfg.DB)
	}
	if err != nil {
		return err
	}
	id := asInt(uid)
	if id <= 0 {
		return fmt.Errorf("%w for user %q on database %q: wrong username, password or API key (odoo_config.json)", ErrLogin, c.cfg.Username, c.cfg.DB)
	}
	c.uid = id
	return nil
}

// Execute calls execute_kw(model, method, args, kwargs) and decodes the result into out (may be nil).
func (c *Client) Execute(ctx context.Context, model, method string, args []any, kwargs map[string]any, out any) error {
	if c.uid == 0 {
		return errors.New("odoo: Execute before Login")
	}
	if args == nil {
		args = []any{}
	}
	if kwargs == nil {
		kwargs = map[string]any{}
	}
	start, sent := time.Now(), c.bytesSent.Load()
	err := c.rpc(ctx, "object", "execute_kw", []any{c.cfg.DB, c.uid, c.cfg.Password, model, method, args, kwargs}, out)
	// Where a sync's time goes in Odoo, call by call (bytes are approximate when calls overlap).
	c.log.Debug("odoo call", "model", model, "method", method, "bytes_sent", c.bytesSent.Load()-sent,
		"duration_ms", time.Since(start).Milliseconds(), "ok", err == nil)
	var f *Fault
	if errors.As(err, &f) {
		f.Model, f.Method = model, method
	}
	return err
}

// rpc sends one XML-RPC call, retrying what never reached Odoo or what Odoo
// asks to retry (serialization conflicts). Every call the sync makes is safe to
// repeat: creates carry an external id, so a repeat updates instead of duplicating.
func (c *Client) rpc(ctx context.Context, service, method string, params []any, out any) error {
	body, err := xmlrpc.EncodeMethodCall(method, params...)
	if err != nil {
		return fmt.Errorf("odoo: cannot encode %s: %w", method, err)
	}
	endpoint := c.cfg.URL + "/xmlrpc/2/" + service
	var lastErr error
	for attempt := 1; attempt <= c.retry.MaxAttempts; attempt++ {
		if attempt > 1 {
			c.retries.Add(1)
			wait := retry.BackoffExponentialWithJitterBounded(c.retry.BaseDelay, 0.5, c.retry.MaxDelay)(ctx, uint(attempt-1))
			c.log.Debug("odoo: retrying", "method", method, "attempt", attempt, "wait", wait, "error", lastErr)
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(wait):
			}
		}
		resp, err := c.post(ctx, endpoint, body)
		if err != nil {
			if ctx.Err() != nil {
				return ctx.Err()
			}
			var perm *permanentError
			if errors.As(err, &perm) {
				return perm.err
			}
			lastErr = err
			continue
		}
		r := xmlrpc.Response(resp)
		if ferr := r.Err(); ferr != nil {
			var fe xmlrpc.FaultError
			if errors.As(ferr, &fe) {
				f := &Fault{Code: fe.Code, String: fe.String}
				if f.Code == 1 && isRetryableTraceback(f.String) {
					lastErr = f
					continue
				}
				return f
			}
			lastErr = fmt.Errorf("odoo: unreadable answer to %s: %w", method, ferr)
			continue
		}
		if out == nil {
			return nil
		}
		if err := r.Unmarshal(out); err != nil {
			return fmt.Errorf("odoo: unexpected answer to %s: %w", method, err)
		}
		return nil
	}
	var f *Fault
	if errors.As(lastErr, &f) {
		return f
	}
	return fmt.Errorf("%w at %s after %d attempts: %w", ErrUnreachable, c.cfg.URL, c.retry.MaxAttempts, lastErr)
}

// permanentError is an HTTP answer that retrying cannot change.
type permanentError struct{ err error }

func (p *permanentError) Error() string { return p.err.Error() }

func isRetryableTraceback(s string) bool {
	return strings.Contains(s, "could not serialize access") ||
		strings.Contains(s, "deadlock detected") ||
		strings.Contains(s, "LockNotAvailable") ||
		strings.Contains(s, "ConcurrencyError")
}

func (c *Client) post(ctx context.Context, endpoint string, body []byte) ([]byte, error) {
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, endpoint, bytes.NewReader(body))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/xml")
	c.calls.Add(1)
	c.bytesSent.Add(int64(len(body)))
	res, err := c.cfg.HTTPClient.Do(req)
	if err != nil {
		var ue *url.Error
		if errors.As(err, &ue) {
			return nil, ue.Err
		}
		return nil, err
	}
	defer res.Body.Close()
	data, err := io.ReadAll(res.Body)
	if err != nil {
		return nil, fmt.Errorf("answer cut off: %w", err)
	}
	switch {
	case res.StatusCode == http.StatusOK:
	case res.StatusCode == http.StatusRequestEntityTooLarge:
		return nil, &permanentError{fmt.Errorf("Odoo refused a %d-byte request as too large (HTTP 413); lower options.batch_size", len(body))}
	case res.StatusCode == http.StatusNotFound || res.StatusCode == http.StatusMethodNotAllowed:
		return nil, &permanentError{fmt.Errorf("%s answered HTTP %d: is odoo_config.json \"url\" the Odoo base URL?", endpoint, res.StatusCode)}
	default:
		return nil, fmt.Errorf("HTTP %d from %s", res.StatusCode, endpoint)
	}
	return data, nil
}

// asInt converts XML-RPC integers (decoded as int64) and False to int64.
func asInt(v any) int64 {
	switch n := v.(type) {
	case int64:
		return n
	case int:
		return int64(n)
	case float64:
		return int64(n)
	}
	return 0
}
