package zohotest

import (
	"bufio"
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"net"
	"net/http"
	"strconv"
	"strings"
	"sync"
	"time"
)

// Defaults used when the corresponding Options field is zero.
const (
	DefaultClientID         = "1000.TESTCLIENT"
	DefaultClientSecret     = "test-secret"
	DefaultRefreshToken     = "1000.refresh.token"
	DefaultOrgID            = "60012345678"
	DefaultTokenTTL         = 3600 * time.Second
	DefaultPerMinuteLimit   = 100
	DefaultDailyLimit       = 10000
	DefaultConcurrencyLimit = 10
	DefaultTokenMintLimit   = 10
	DefaultMaxActiveTokens  = 30

	// TokenMintWindow is the window of the access-token mint throttle (docs/zoho.md#token-limits).
	TokenMintWindow = 10 * time.Minute
)

// Messages of the error envelopes (docs/zoho.md#rate-limits-and-quotas, #error-codes).
const (
	MsgNoAuth       = "The request could not be authenticated as the authentication value you entered is invalid. Enter a valid authentication value and try again."
	MsgNotAuthz     = "You are not authorized to perform this operation"
	MsgPerMinute    = "For security reasons your organization has been blocked as it have exceeded the maximum number of requests per minute that can originate from an organization."
	MsgConcurrency  = "You have reached the maximum number of in process requests allowed. Kindly try again after some time."
	MsgInternal     = "Internal Error"
	MsgInvalidURL   = "Invalid URL Passed"
	MsgItemNotFound = "Item does not exist."
	MsgNoImage      = "Attachment not found"
	MsgMethod       = "Method not allowed"
)

// MsgDaily returns the code-45 message for a daily limit of n calls.
func MsgDaily(n int) string {
	return fmt.Sprintf("The API call for this organization has exceeded the maximum call rate limit of %d.", n)
}

// MsgOrg returns the code-6041 message for organization id org.
func MsgOrg(org string) string {
	return "This user is not associated with the CompanyID/CompanyName:" + org + "."
}

// Options configure a Server. Zero values select the defaults documented per field.
type Options struct {
	// Credentials the token endpoint accepts (defaults DefaultClientID,
	// DefaultClientSecret, DefaultRefreshToken).
	ClientID, ClientSecret, RefreshToken string
	// OrgID is the only organization (default DefaultOrgID). Every API call
	// but /organizations must carry organization_id=<OrgID>, else 400 code 6041.
	OrgID string
	// Now is the clock (default time.Now) used for token expiry, the
	// per-minute, daily and token-mint windows and the timestamps of edits.
	Now func() time.Time
	// TokenTTL is the access-token lifetime and expires_in (default 3600 s).
	TokenTTL time.Duration
	// PerMinuteLimit: calls per one-minute window before 429 code 44
	// (default 100; negative = unlimited).
	PerMinuteLimit int
	// DailyLimit: calls per day before 429 code 45 (default 10000; negative = unlimited).
	DailyLimit int
	// ConcurrencyLimit: admitted in-flight calls before 429 code 1070
	// (default 10; negative = unlimited).
	ConcurrencyLimit int
	// TokenMintLimit: access tokens per refresh token per 10 minutes
	// (default 10; negative = unlimited).
	TokenMintLimit int
	// MaxActiveTokens: unexpired access tokens kept per refresh token; minting
	// one more deletes the oldest (default 30; negative = unlimited).
	MaxActiveTokens int
	// Latency is added to every admitted API call (not token calls), inside
	// the concurrency accounting. See also SetLatency.
	Latency time.Duration
	// Logf, when set, receives one line per request and notes about faults.
	Logf func(format string, args ...any)
}

// Stats counts requests. All route counters count on arrival, refused
// requests included.
type Stats struct {
	TokenRequests int // every request to /oauth/v2/token
	TokensMinted  int // successful mints
	TokenErrors   int // error answers of the token logic (not injected faults)

	APICalls        int // every request under /books/v3 or /inventory/v1
	ListCalls       int // GET .../items
	DetailCalls     int // GET .../items/{id}
	ItemDetailCalls int // GET .../itemdetails
	ImageCalls      int // GET .../items/{id}/image and .../itemgroups/{id}/image

	RateLimited44   int
	Quota45         int
	Concurrency1070 int
	Unauthorized    int // 401 answers (codes 14 and 57, injected ones included)

	MaxInFlight int // most admitted API calls in flight at once
	// PeakPerMinute is the most API calls admitted in any sliding 60-second
	// window (the fixed window that enforces the limit can let up to twice
	// the limit through across its boundary; this shows whether a client did).
	PeakPerMinute int
	ByPath        map[string]int // "GET /books/v3/items/{id}/image" → n (ids replaced by {id})
}

type product int

const (
	books product = iota
	inventory
)

func (p product) prefix() string {
	if p == inventory {
		return "/inventory/v1"
	}
	return "/books/v3"
}

// Server is an in-process Zoho emulator (accounts server and API domain on
// one loopback HTTP listener), like httptest.Server. All methods are safe for
// concurrent use.
type Server struct {
	// URL is the base URL, e.g. "http://127.0.0.1:41234"; it is both the
	// accounts server and the api_domain returned by the token endpoint.
	URL string

	opts     Options
	now      func() time.Time
	loc      *time.Location
	listener net.Listener
	srv      *http.Server
	closing  chan struct{}
	wg       sync.WaitGroup
	images   *imageCache

	mu     sync.Mutex
	closed bool

	// limits
	perMinute, daily, concurrency int
	latency                       time.Duration
	minuteStart                   time.Time
	minuteCount                   int
	lastMinute                    []time.Time // admitted calls of the last 60 s, for PeakPerMinute
	dayKey                        string
	dayCount                      int
	inFlight                      int

	// tokens
	tokens          map[string]time.Time // access token → expiry
	tokenOrder      []string             // mint order
	mintWindowStart time.Time
	mintCount       int
	refreshRevoked  bool

	// items
	items         map[string]*Item // never mutated after insertion: replaced
	custom        map[string]customImage
	brokenImages  map[string]bool // BreakImage: listed, never served
	idx           *index
	lastID        uint64
	lmtInclusive  bool
	booksNoLMT    bool // Books ignores the last_modified_time filter (SetBooksIgnoresModifiedFilter)
	imageBumps    bool
	seedImageSize int

	faults []*faultState
	stats  Stats
}

// NewServer starts an emulator listening on 127.0.0.1:0. Close it when done.
func NewServer(opts Options) *Server {
	if opts.ClientID == "" {
		opts.ClientID = DefaultClientID
	}
	if opts.ClientSecret == "" {
		opts.ClientSecret = DefaultClientSecret
	}
	if opts.RefreshToken == "" {
		opts.RefreshToken = DefaultRefreshToken
	}
	if opts.OrgID == "" {
		opts.OrgID = DefaultOrgID
	}
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenTTL <= 0 {
		opts.TokenTTL = DefaultTokenTTL
	}
	opts.PerMinuteLimit = orDefault(opts.PerMinuteLimit, DefaultPerMinuteLimit)
	opts.DailyLimit = orDefault(opts.DailyLimit, DefaultDailyLimit)
	opts.ConcurrencyLimit = orDefault(opts.ConcurrencyLimit, DefaultConcurrencyLimit)
	opts.TokenMintLimit = orDefault(opts.TokenMintLimit, DefaultTokenMintLimit)
	opts.MaxActiveTokens = orDefault(opts.MaxActiveTokens, DefaultMaxActiveTokens)

	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic(fmt.Sprintf("zohotest: failed to listen on loopback: %v", err))
	}
	s := &Server{
		URL:          "http://" + ln.Addr().String(),
		opts:         opts,
		now:          opts.Now,
		loc:          OrgLocation,
		listener:     ln,
		closing:      make(chan struct{}),
		images:       newImageCache(64 << 20),
		perMinute:    opts.PerMinuteLimit,
		daily:        opts.DailyLimit,
		concurrency:  opts.ConcurrencyLimit,
		latency:      opts.Latency,
		tokens:       map[string]time.Time{},
		items:        map[string]*Item{},
		custom:       map[string]customImage{},
		brokenImages: map[string]bool{},
		lastID:       idBase + 1_000_000,
		stats:        Stats{ByPath: map[string]int{}},
	}
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: time.Minute}
	go s.srv.Serve(ln)
	return s
}

func orDefault(v, def int) int {
	if v == 0 {
		return def
	}
	return v
}

// Close stops the listener, aborts held or sleeping requests and waits for
// the handlers to return.
func (s *Server) Close() {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		return
	}
	s.closed = true
	s.mu.Unlock()
	close(s.closing)
	s.srv.Close()
	s.wg.Wait()
}

// Config returns the effective options (defaults filled in).
func (s *Server) Config() Options {
	s.mu.Lock()
	defer s.mu.Unlock()
	o := s.opts
	o.PerMinuteLimit, o.DailyLimit, o.ConcurrencyLimit, o.Latency = s.perMinute, s.daily, s.concurrency, s.latency
	return o
}

// SetLatency sets the delay added to every admitted API call.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetLimits changes the per-minute, daily and concurrency limits; as in
// Options, 0 selects the default and a negative value means unlimited.
func (s *Server) SetLimits(perMinute, daily, concurrency int) {
	s.mu.Lock()
	s.perMinute = orDefault(perMinute, DefaultPerMinuteLimit)
	s.daily = orDefault(daily, DefaultDailyLimit)
	s.concurrency = orDefault(concurrency, DefaultConcurrencyLimit)
	s.mu.Unlock()
}

// ResetRateLimits empties the per-minute and daily windows and the
// token-mint window, as if a new day had started.
func (s *Server) ResetRateLimits() {
	s.mu.Lock()
	s.minuteStart, s.minuteCount = time.Time{}, 0
	s.dayKey, s.dayCount = "", 0
	s.mintWindowStart, s.mintCount = time.Time{}, 0
	s.mu.Unlock()
}

// SetLastModifiedInclusive makes the last_modified_time list filter
// inclusive (>=) instead of strict (>, the default).
func (s *Server) SetLastModifiedInclusive(inclusive bool) {
	s.mu.Lock()
	s.lmtInclusive = inclusive
	s.mu.Unlock()
}

// SetImageBumpsModified makes SetImage and ClearImage bump the item's
// LastModifiedTime (default false: image changes are only visible through
// image_document_id).
func (s *Server) SetImageBumpsModified(bump bool) {
	s.mu.Lock()
	s.imageBumps = bump
	s.mu.Unlock()
}

// Stats returns a copy of the counters.
func (s *Server) Stats() Stats {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := s.stats
	st.ByPath = make(map[string]int, len(s.stats.ByPath))
	for k, v := range s.stats.ByPath {
		st.ByPath[k] = v
	}
	return st
}

// ResetStats zeroes the counters.
func (s *Server) ResetStats() {
	s.mu.Lock()
	s.stats = Stats{ByPath: map[string]int{}}
	s.mu.Unlock()
}

func (s *Server) logf(format string, args ...any) {
	if s.opts.Logf != nil {
		s.opts.Logf("zohotest: "+format, args...)
	}
}

// ServeHTTP implements http.Handler (the listener started by NewServer uses
// it; it can also be mounted elsewhere, with URL then meaningless).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	s.mu.Lock()
	if s.closed {
		s.mu.Unlock()
		dropConn(w)
		return
	}
	s.wg.Add(1)
	s.mu.Unlock()
	defer s.wg.Done()

	if s.opts.Logf != nil {
		lw := &logWriter{ResponseWriter: w, status: 200}
		w = lw
		defer func() {
			if lw.hijacked {
				s.logf("%s %s -> connection dropped", r.Method, r.URL.RequestURI())
			} else {
				s.logf("%s %s -> %d", r.Method, r.URL.RequestURI(), lw.status)
			}
		}()
	}

	p := r.URL.Path
	switch {
	case p == "/oauth/v2/token":
		s.serveToken(w, r)
	case p == "/books/v3" || strings.HasPrefix(p, "/books/v3/"):
		s.serveAPI(w, r, books, strings.TrimPrefix(p, "/books/v3"))
	case p == "/inventory/v1" || strings.HasPrefix(p, "/inventory/v1/"):
		s.serveAPI(w, r, inventory, strings.TrimPrefix(p, "/inventory/v1"))
	default:
		writeError(w, http.StatusNotFound, 5, MsgInvalidURL)
	}
}

// ---- routing ----

type routeKind int

const (
	rUnknown routeKind = iota
	rOrgs
	rOrg
	rItems
	rItem
	rItemImage
	rItemDetails
	rGroups
	rGroup
	rGroupImage
	rComposites
	rComposite
)

type route struct {
	kind routeKind
	id   string
	norm string // path with ids replaced by {id}
}

func parseRoute(p product, sub string) route {
	segs := strings.Split(strings.Trim(sub, "/"), "/")
	if len(segs) == 1 && segs[0] == "" {
		segs = nil
	}
	rt := route{}
	switch {
	case len(segs) == 1 && segs[0] == "organizations":
		rt.kind = rOrgs
	case len(segs) == 2 && segs[0] == "organizations" && segs[1] != "":
		rt.kind, rt.id = rOrg, segs[1]
	case len(segs) == 1 && segs[0] == "items":
		rt.kind = rItems
	case len(segs) == 2 && segs[0] == "items" && segs[1] != "":
		rt.kind, rt.id = rItem, segs[1]
	case len(segs) == 3 && segs[0] == "items" && segs[1] != "" && segs[2] == "image":
		rt.kind, rt.id = rItemImage, segs[1]
	case len(segs) == 1 && segs[0] == "itemdetails":
		rt.kind = rItemDetails
	case p == inventory && len(segs) == 1 && segs[0] == "itemgroups":
		rt.kind = rGroups
	case p == inventory && len(segs) == 2 && segs[0] == "itemgroups" && segs[1] != "":
		rt.kind, rt.id = rGroup, segs[1]
	case p == inventory && len(segs) == 3 && segs[0] == "itemgroups" && segs[1] != "" && segs[2] == "image":
		rt.kind, rt.id = rGroupImage, segs[1]
	case p == inventory && len(segs) == 1 && segs[0] == "compositeitems":
		rt.kind = rComposites
	case p == inventory && len(segs) == 2 && segs[0] == "compositeitems" && segs[1] != "":
		rt.kind, rt.id = rComposite, segs[1]
	}
	norm := make([]string, len(segs))
	for i, sg := range segs {
		if (rt.id != "" && i == 1) || (rt.kind == rUnknown && isDigits(sg)) {
			norm[i] = "{id}"
		} else {
			norm[i] = sg
		}
	}
	rt.norm = p.prefix()
	if len(norm) > 0 {
		rt.norm += "/" + strings.Join(norm, "/")
	}
	return rt
}

func isDigits(s string) bool {
	if s == "" {
		return false
	}
	for i := 0; i < len(s); i++ {
		if s[i] < '0' || s[i] > '9' {
			return false
		}
	}
	return true
}

// ---- API pipeline ----

func (s *Server) serveAPI(w http.ResponseWriter, r *http.Request, p product, sub string) {
	rt := parseRoute(p, sub)
	isImage := rt.kind == rItemImage || rt.kind == rGroupImage
	s.mu.Lock()
	s.stats.APICalls++
	s.stats.ByPath[r.Method+" "+rt.norm]++
	switch rt.kind {
	case rItems:
		s.stats.ListCalls++
	case rItem:
		s.stats.DetailCalls++
	case rItemDetails:
		s.stats.ItemDetailCalls++
	case rItemImage, rGroupImage:
		s.stats.ImageCalls++
	}
	f := s.pickFaultLocked(r.URL.Path, true, isImage)
	s.mu.Unlock()

	s.runWithFault(w, r, f, func(w http.ResponseWriter, extra time.Duration) {
		s.serveAPINormal(w, r, p, rt, extra)
	})
}

func (s *Server) serveAPINormal(w http.ResponseWriter, r *http.Request, p product, rt route, extra time.Duration) {
	switch s.checkAuth(r) {
	case 14:
		s.count401()
		writeError(w, http.StatusUnauthorized, 14, MsgNoAuth)
		return
	case 57:
		s.count401()
		writeError(w, http.StatusUnauthorized, 57, MsgNotAuthz)
		return
	}
	if rt.kind == rUnknown {
		writeError(w, http.StatusNotFound, 5, MsgInvalidURL)
		return
	}
	if r.Method != http.MethodGet {
		writeError(w, http.StatusMethodNotAllowed, 37, MsgMethod)
		return
	}
	switch rt.kind {
	case rOrgs:
	case rOrg:
		if rt.id != s.opts.OrgID {
			writeError(w, http.StatusBadRequest, 6041, MsgOrg(rt.id))
			return
		}
	default:
		if org := r.URL.Query().Get("organization_id"); org != s.opts.OrgID {
			writeError(w, http.StatusBadRequest, 6041, MsgOrg(org))
			return
		}
	}

	release, ok := s.admit(w)
	if !ok {
		return
	}
	defer release()

	s.mu.Lock()
	d := s.latency + extra
	s.mu.Unlock()
	s.sleep(r.Context(), d)

	switch rt.kind {
	case rOrgs:
		s.serveOrgs(w, false)
	case rOrg:
		s.serveOrgs(w, true)
	case rItems:
		s.serveList(w, r, p)
	case rItem:
		s.serveDetail(w, p, rt.id)
	case rItemDetails:
		s.serveItemDetails(w, r, p)
	case rItemImage:
		s.serveItemImage(w, r, p, rt.id)
	case rGroups:
		s.serveGroups(w, r)
	case rGroup:
		s.serveGroup(w, rt.id)
	case rGroupImage:
		s.serveGroupImage(w, rt.id)
	case rComposites:
		s.serveComposites(w, r)
	case rComposite:
		writeError(w, http.StatusNotFound, 1002, "Composite Item does not exist.")
	}
}

func (s *Server) count401() {
	s.mu.Lock()
	s.stats.Unauthorized++
	s.mu.Unlock()
}

// checkAuth returns 0 (ok), 14 (no usable credential) or 57 (rejected token).
func (s *Server) checkAuth(r *http.Request) int {
	h := r.Header.Get("Authorization")
	const scheme = "Zoho-oauthtoken "
	if !strings.HasPrefix(h, scheme) {
		return 14
	}
	tok := strings.TrimSpace(h[len(scheme):])
	if tok == "" {
		return 14
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	exp, ok := s.tokens[tok]
	if !ok || !s.now().Before(exp) {
		return 57
	}
	return 0
}

// admit applies the daily, per-minute and concurrency limits. On refusal it
// writes the 429 and returns ok=false; otherwise it sets the rate headers and
// returns the function that frees the concurrency slot.
func (s *Server) admit(w http.ResponseWriter) (release func(), ok bool) {
	s.mu.Lock()
	now := s.now()
	if !s.minuteStart.IsZero() && now.Sub(s.minuteStart) >= time.Minute {
		s.minuteStart, s.minuteCount = time.Time{}, 0
	}
	if day := now.In(s.loc).Format("2006-01-02"); day != s.dayKey {
		s.dayKey, s.dayCount = day, 0
	}
	code, msg := 0, ""
	switch {
	case s.daily >= 0 && s.dayCount >= s.daily:
		code, msg = 45, MsgDaily(s.daily)
		s.stats.Quota45++
	case s.perMinute >= 0 && s.minuteCount >= s.perMinute:
		code, msg = 44, MsgPerMinute
		s.stats.RateLimited44++
	case s.concurrency >= 0 && s.inFlight >= s.concurrency:
		code, msg = 1070, MsgConcurrency
		s.stats.Concurrency1070++
	default:
		if s.minuteStart.IsZero() {
			s.minuteStart = now
		}
		s.minuteCount++
		s.dayCount++
		s.lastMinute = append(s.lastMinute, now)
		drop := 0
		for drop < len(s.lastMinute) && now.Sub(s.lastMinute[drop]) >= time.Minute {
			drop++
		}
		s.lastMinute = s.lastMinute[drop:] // append reallocates now and then, keeping only these
		s.stats.PeakPerMinute = max(s.stats.PeakPerMinute, len(s.lastMinute))
		s.inFlight++
		if s.inFlight > s.stats.MaxInFlight {
			s.stats.MaxInFlight = s.inFlight
		}
	}
	s.rateHeadersLocked(w.Header(), now)
	s.mu.Unlock()
	if code != 0 {
		writeError(w, http.StatusTooManyRequests, code, msg)
		return nil, false
	}
	return func() {
		s.mu.Lock()
		s.inFlight--
		s.mu.Unlock()
	}, true
}

func (s *Server) rateHeadersLocked(h http.Header, now time.Time) {
	if s.daily < 0 {
		return
	}
	rem := s.daily - s.dayCount
	if rem < 0 {
		rem = 0
	}
	local := now.In(s.loc)
	y, m, d := local.Date()
	next := time.Date(y, m, d+1, 0, 0, 0, 0, s.loc)
	reset := int((next.Sub(now) + time.Second - 1) / time.Second)
	h.Set("X-Rate-Limit-Limit", strconv.Itoa(s.daily))
	h.Set("X-Rate-Limit-Remaining", strconv.Itoa(rem))
	h.Set("X-Rate-Limit-Reset", strconv.Itoa(reset))
}

// sleep waits d (real time) unless the request is cancelled or the server closes.
func (s *Server) sleep(ctx context.Context, d time.Duration) bool {
	if d <= 0 {
		return true
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return true
	case <-ctx.Done():
		return false
	case <-s.closing:
		return false
	}
}

// ---- response helpers ----

type errorBody struct {
	Code    int    `json:"code"`
	Message string `json:"message"`
}

func writeError(w http.ResponseWriter, status, code int, msg string) {
	writeJSON(w, status, errorBody{Code: code, Message: msg})
}

func marshal(v any) []byte {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		panic(err)
	}
	return bytes.TrimRight(buf.Bytes(), "\n")
}

func writeJSON(w http.ResponseWriter, status int, v any) {
	b := marshal(v)
	w.Header().Set("Content-Type", "application/json;charset=UTF-8")
	w.Header().Set("Content-Length", strconv.Itoa(len(b)))
	w.WriteHeader(status)
	w.Write(b)
}

// dropConn closes the client connection without answering.
func dropConn(w http.ResponseWriter) {
	if hj, ok := w.(http.Hijacker); ok {
		if conn, _, err := hj.Hijack(); err == nil {
			conn.Close()
			return
		}
	}
	panic(http.ErrAbortHandler)
}

type logWriter struct {
	http.ResponseWriter
	status   int
	hijacked bool
}

func (l *logWriter) WriteHeader(code int) {
	l.status = code
	l.ResponseWriter.WriteHeader(code)
}

func (l *logWriter) Hijack() (net.Conn, *bufio.ReadWriter, error) {
	hj, ok := l.ResponseWriter.(http.Hijacker)
	if !ok {
		return nil, nil, http.ErrNotSupported
	}
	l.hijacked = true
	return hj.Hijack()
}

// bufferWriter records a response so that a fault can mangle it.
type bufferWriter struct {
	header http.Header
	status int
	buf    bytes.Buffer
}

func newBufferWriter() *bufferWriter { return &bufferWriter{header: http.Header{}, status: 200} }

func (b *bufferWriter) Header() http.Header         { return b.header }
func (b *bufferWriter) Write(p []byte) (int, error) { return b.buf.Write(p) }
func (b *bufferWriter) WriteHeader(code int)        { b.status = code }
