// Package webhook receives Zoho workflow-rule webhooks (item created, edited,
// deleted; Books and Inventory) and turns the item ids they name into small
// webhook runs, debounced. A webhook is only a hint (docs/zoho.md#webhooks):
// the run reads each id from Zoho, so a forged or missed call costs nothing.
package webhook

import (
	"crypto/sha256"
	"crypto/subtle"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"mime"
	"net"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"time"

	"golang.org/x/time/rate"

	"github.com/zohosync/zohosync/server/internal/config"
)

// Path is the one path the listener answers on.
const Path = "/zoho/webhook"

// SecretHeader and SecretParam carry the shared secret (either one).
const (
	SecretHeader = "X-Zohosync-Secret"
	SecretParam  = "secret"
)

// Defaults for Options' zero values.
const (
	DefaultDebounce = 2 * time.Second
	DefaultMaxWait  = 6 * time.Second
	DefaultMaxBody  = 256 << 10 // Zoho's default payload is one item with every field: a few KB
	DefaultRate     = 5         // requests a second per remote address
	DefaultBurst    = 50
	MinSecretLen    = 16
	maxIDsPerCall   = 200  // ids one webhook call may name
	maxIDLen        = 30   // Zoho ids are 16-19 digits (docs/zoho.md#value-types)
	maxSources      = 4096 // remote addresses with a limiter; beyond it they start afresh
)

// Outcomes of a request, as counted by the metrics.
const (
	OutcomeAccepted     = "accepted"
	OutcomeUnauthorized = "unauthorized"
	OutcomeTooLarge     = "too_large"
	OutcomeRateLimited  = "rate_limited"
	OutcomeBadMethod    = "bad_method"
	OutcomeBadRequest   = "bad_request"
)

// Options configure the receiver.
type Options struct {
	Secret   config.Secret
	Debounce time.Duration // quiet time after the last id before a run starts
	MaxWait  time.Duration // a run starts at the latest this long after the first pending id
	MaxBody  int64
	Rate     rate.Limit // per remote address
	Burst    int
	Logger   *slog.Logger
	Observe  func(outcome string) // counts each request's outcome; may be nil
}

// Receiver is the HTTP handler and the queue of ids it feeds to the engine.
type Receiver struct {
	o      Options
	log    *slog.Logger
	digest [sha256.Size]byte
	queue  *queue

	mu       sync.Mutex
	limiters map[string]*rate.Limiter
}

// New builds a receiver that starts runs through starter (see Run).
func New(starter Starter, o Options) (*Receiver, error) {
	if len(o.Secret.Reveal()) < MinSecretLen {
		return nil, fmt.Errorf("the webhook secret must be at least %d characters", MinSecretLen)
	}
	if o.Debounce <= 0 {
		o.Debounce = DefaultDebounce
	}
	if o.MaxWait < o.Debounce {
		o.MaxWait = max(DefaultMaxWait, o.Debounce)
	}
	if o.MaxBody <= 0 {
		o.MaxBody = DefaultMaxBody
	}
	if o.Rate <= 0 {
		o.Rate = DefaultRate
	}
	if o.Burst <= 0 {
		o.Burst = DefaultBurst
	}
	if o.Logger == nil {
		o.Logger = slog.New(slog.DiscardHandler)
	}
	if o.Observe == nil {
		o.Observe = func(string) {}
	}
	r := &Receiver{o: o, log: o.Logger, digest: sha256.Sum256([]byte(o.Secret.Reveal())), limiters: map[string]*rate.Limiter{}}
	r.queue = newQueue(starter, o.Debounce, o.MaxWait, o.Logger)
	return r, nil
}

// Handler serves Path; every other path is 404.
func (r *Receiver) Handler() http.Handler {
	mux := http.NewServeMux()
	mux.HandleFunc(Path, r.serve)
	return mux
}

func (r *Receiver) serve(w http.ResponseWriter, req *http.Request) {
	outcome, code, msg := r.handle(w, req)
	r.o.Observe(outcome)
	if outcome != OutcomeAccepted {
		// The address only: the URL may carry the secret.
		r.log.Warn("webhook refused", "outcome", outcome, "remote", remoteHost(req), "status", code)
	}
	w.Header().Set("Content-Type", "text/plain; charset=utf-8")
	w.Header().Set("X-Content-Type-Options", "nosniff")
	if code == http.StatusMethodNotAllowed {
		w.Header().Set("Allow", "POST, PUT, DELETE")
	}
	w.WriteHeader(code)
	_, _ = io.WriteString(w, msg+"\n")
}

// handle checks one request (rate, method, size, secret, payload, in that
// order: a flood is refused before any work) and queues its ids.
func (r *Receiver) handle(w http.ResponseWriter, req *http.Request) (outcome string, code int, msg string) {
	if !r.limiter(remoteHost(req)).Allow() {
		return OutcomeRateLimited, http.StatusTooManyRequests, "too many requests"
	}
	switch req.Method {
	case http.MethodPost, http.MethodPut, http.MethodDelete: // the methods a Zoho rule can use
	default:
		return OutcomeBadMethod, http.StatusMethodNotAllowed, "method not allowed"
	}
	if req.ContentLength > r.o.MaxBody {
		return OutcomeTooLarge, http.StatusRequestEntityTooLarge, "request body too large"
	}
	body, err := io.ReadAll(http.MaxBytesReader(w, req.Body, r.o.MaxBody))
	if err != nil {
		var tooLarge *http.MaxBytesError
		if errors.As(err, &tooLarge) {
			return OutcomeTooLarge, http.StatusRequestEntityTooLarge, "request body too large"
		}
		return OutcomeBadRequest, http.StatusBadRequest, "cannot read the request body"
	}
	query := req.URL.Query()
	if !r.authorized(req.Header.Get(SecretHeader), query.Get(SecretParam)) {
		return OutcomeUnauthorized, http.StatusUnauthorized, "unauthorized"
	}
	ids, err := parseIDs(query, req.Header.Get("Content-Type"), body)
	if err != nil {
		return OutcomeBadRequest, http.StatusBadRequest, err.Error()
	}
	r.queue.add(ids)
	r.log.Debug("webhook accepted", "ids", len(ids), "remote", remoteHost(req))
	return OutcomeAccepted, http.StatusOK, fmt.Sprintf("queued %d item(s)", len(ids))
}

// authorized compares digests in constant time: neither the secret's bytes
// nor its length leak through timing.
func (r *Receiver) authorized(header, param string) bool {
	got := header
	if got == "" {
		got = param
	}
	if got == "" {
		return false
	}
	d := sha256.Sum256([]byte(got))
	return subtle.ConstantTimeCompare(d[:], r.digest[:]) == 1
}

func (r *Receiver) limiter(source string) *rate.Limiter {
	r.mu.Lock()
	defer r.mu.Unlock()
	l, ok := r.limiters[source]
	if !ok {
		if len(r.limiters) >= maxSources {
			clear(r.limiters) // many sources: forget them all rather than grow without bound
		}
		l = rate.NewLimiter(r.o.Rate, r.o.Burst)
		r.limiters[source] = l
	}
	return l
}

func remoteHost(req *http.Request) string {
	host, _, err := net.SplitHostPort(req.RemoteAddr)
	if err != nil {
		return req.RemoteAddr
	}
	return host
}

// parseIDs finds the item ids in the forms a Zoho rule can send
// (docs/zoho.md#webhooks): query parameters the rule adds (item_id=…),
// a form-encoded body (item_id=…, or JSONString=<the default payload>), or
// a JSON body (the default payload {"item": {...}}, or {"item_id": …},
// {"item_ids": […]}, {"items": [{...}]}).
func parseIDs(query url.Values, contentType string, body []byte) ([]string, error) {
	var raw []string
	raw = append(raw, query["item_id"]...)
	raw = append(raw, query["item_ids"]...)
	mt, _, _ := mime.ParseMediaType(contentType)
	trimmed := strings.TrimSpace(string(body))
	switch {
	case trimmed == "":
	case mt == "application/x-www-form-urlencoded" || (mt != "application/json" && !strings.HasPrefix(trimmed, "{")):
		form, err := url.ParseQuery(trimmed)
		if err != nil {
			return nil, errors.New("the form-encoded body cannot be read")
		}
		raw = append(raw, form["item_id"]...)
		raw = append(raw, form["item_ids"]...)
		for _, js := range form["JSONString"] {
			got, err := jsonIDs([]byte(js))
			if err != nil {
				return nil, err
			}
			raw = append(raw, got...)
		}
	default:
		got, err := jsonIDs(body)
		if err != nil {
			return nil, err
		}
		raw = append(raw, got...)
	}
	var ids []string
	for _, r := range raw {
		for id := range strings.SplitSeq(r, ",") {
			id = strings.TrimSpace(id)
			if id == "" {
				continue
			}
			if !validID(id) {
				return nil, errors.New("an item id is not a Zoho item id (digits only)")
			}
			ids = append(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil, errors.New("no item id in the request (send item_id as a query parameter, a form field or in the JSON body)")
	}
	if len(ids) > maxIDsPerCall {
		return nil, fmt.Errorf("more than %d item ids in one request", maxIDsPerCall)
	}
	return ids, nil
}

// jsonIDs reads ids from a JSON payload; numbers are kept as written (ids
// are too big for float64, docs/zoho.md#value-types).
func jsonIDs(body []byte) ([]string, error) {
	var p struct {
		ItemID  json.Number   `json:"item_id"`
		ItemIDs []json.Number `json:"item_ids"`
		Item    *struct {
			ItemID json.Number `json:"item_id"`
		} `json:"item"`
		Items []struct {
			ItemID json.Number `json:"item_id"`
		} `json:"items"`
	}
	if err := json.Unmarshal(body, &p); err != nil {
		return nil, errors.New("the JSON body cannot be read: send an object with item_id")
	}
	ids := []string{p.ItemID.String()}
	for _, n := range p.ItemIDs {
		ids = append(ids, n.String())
	}
	if p.Item != nil {
		ids = append(ids, p.Item.ItemID.String())
	}
	for _, it := range p.Items {
		ids = append(ids, it.ItemID.String())
	}
	return ids, nil
}

func validID(id string) bool {
	if len(id) > maxIDLen {
		return false
	}
	for _, c := range id {
		if c < '0' || c > '9' {
			return false
		}
	}
	return true
}
