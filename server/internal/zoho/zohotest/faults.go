package zohotest

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// FaultKind is what an injected Fault does to a matching request.
type FaultKind int

// Fault kinds. Unless noted, the fault answers instead of the emulator,
// before authentication and limits (it consumes no quota).
const (
	FaultHTTP500         FaultKind = iota // 500 {"code":1000,"message":"Internal Error"}
	Fault503HTML                          // 503 with an HTML body (text/html)
	FaultTruncatedJSON                    // 200, application/json, the normal body cut in the middle
	Fault429                              // 429 code 44 body
	FaultConcurrency1070                  // 429 code 1070
	FaultQuota45                          // 429 code 45
	FaultQuota45HTTP200                   // 200 with a code 45 body
	FaultSlow                             // sleeps Fault.Delay (inside the concurrency accounting for API calls) then answers normally
	FaultTimeout                          // holds the request until the client gives up, the server closes or Delay (if > 0) elapses, then drops the connection
	FaultTokenExpired                     // 401 code 57 without expiring the token
	FaultImageJSON200                     // image endpoints only: 200, application/json, {"code":1000,...}
	FaultImageHTML200                     // image endpoints only: 200 text/html "<html>..."
	FaultImageTruncated                   // image endpoints only: 200 image/png (or the image's type) with the bytes cut in half
	FaultImageEmpty                       // image endpoints only: 200 image/jpeg with zero bytes
	FaultDropConnection                   // closes the TCP connection without answering
)

var faultNames = [...]string{
	"FaultHTTP500", "Fault503HTML", "FaultTruncatedJSON", "Fault429", "FaultConcurrency1070",
	"FaultQuota45", "FaultQuota45HTTP200", "FaultSlow", "FaultTimeout", "FaultTokenExpired",
	"FaultImageJSON200", "FaultImageHTML200", "FaultImageTruncated", "FaultImageEmpty", "FaultDropConnection",
}

func (k FaultKind) String() string {
	if k >= 0 && int(k) < len(faultNames) {
		return faultNames[k]
	}
	return fmt.Sprintf("FaultKind(%d)", int(k))
}

func (k FaultKind) imageOnly() bool {
	switch k {
	case FaultImageJSON200, FaultImageHTML200, FaultImageTruncated, FaultImageEmpty:
		return true
	}
	return false
}

// Fault scripts a failure.
//
// Matching: with Path "" a fault matches every API request (under /books/v3
// or /inventory/v1, not the token endpoint); otherwise it matches any request
// whose path contains Path ("/oauth/v2/token" targets the token endpoint,
// "/image" all image downloads, "/items/123" one item). Image-only kinds
// additionally require an image endpoint.
//
// Faults are examined in injection order. Each fault first lets After
// matching requests pass, then applies to Times matching requests (0 means 1,
// -1 forever). When several faults are due on the same request the first
// one applies and the others wait for the next matching request; After
// counts every matching request, whichever fault (if any) answered it.
//
// Note that Go's http.Transport transparently retries an idempotent request
// whose reused keep-alive connection was closed before any answer
// (FaultDropConnection, FaultTimeout); such a retry is just another matching
// request.
type Fault struct {
	Kind  FaultKind
	Path  string
	After int
	Times int
	Delay time.Duration // for FaultSlow and FaultTimeout
}

type faultState struct {
	Fault
	seen, applied int
}

func (fs *faultState) matches(path string, isAPI, isImage bool) bool {
	if fs.Path == "" {
		if !isAPI {
			return false
		}
	} else if !strings.Contains(path, fs.Path) {
		return false
	}
	if fs.Kind.imageOnly() && !isImage {
		return false
	}
	return true
}

// Inject adds a fault (see Fault for the matching rules).
func (s *Server) Inject(f Fault) {
	if f.Times == 0 {
		f.Times = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultState{Fault: f})
	s.mu.Unlock()
}

// ClearFaults removes every injected fault.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	s.faults = nil
	s.mu.Unlock()
}

// PendingFaults reports how many injected faults may still apply.
func (s *Server) PendingFaults() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for _, fs := range s.faults {
		if fs.Times < 0 || fs.applied < fs.Times {
			n++
		}
	}
	return n
}

func (s *Server) pickFaultLocked(path string, isAPI, isImage bool) *Fault {
	var chosen *Fault
	for _, fs := range s.faults {
		if !fs.matches(path, isAPI, isImage) {
			continue
		}
		if fs.Times >= 0 && fs.applied >= fs.Times {
			continue
		}
		if fs.seen < fs.After {
			fs.seen++
			continue
		}
		if chosen == nil {
			fs.applied++
			f := fs.Fault
			chosen = &f
		}
	}
	return chosen
}

// runWithFault answers r through normal, unless fault f changes that.
// normal receives an extra delay (FaultSlow).
func (s *Server) runWithFault(w http.ResponseWriter, r *http.Request, f *Fault, normal func(http.ResponseWriter, time.Duration)) {
	if f == nil {
		normal(w, 0)
		return
	}
	s.logf("injecting %v on %s %s", f.Kind, r.Method, r.URL.Path)
	switch f.Kind {
	case FaultSlow:
		normal(w, f.Delay)
	case FaultTruncatedJSON, FaultImageTruncated:
		bw := newBufferWriter()
		normal(bw, 0)
		s.writeTruncated(w, bw, f.Kind)
	default:
		s.applyFault(w, r, *f)
	}
}

// HTML503Body is the body of Fault503HTML.
const HTML503Body = "<html>\r\n<head><title>503 Service Temporarily Unavailable</title></head>\r\n<body>\r\n<center><h1>503 Service Temporarily Unavailable</h1></center>\r\n</body>\r\n</html>\r\n"

// HTMLImageBody is the body of FaultImageHTML200.
const HTMLImageBody = "<html><head><title>Zoho</title></head><body><p>Sorry, something went wrong. Please try again later.</p></body></html>"

func writeRaw(w http.ResponseWriter, status int, contentType string, body []byte) {
	w.Header().Set("Content-Type", contentType)
	w.Header().Set("Content-Length", fmt.Sprint(len(body)))
	w.WriteHeader(status)
	w.Write(body)
}

func (s *Server) applyFault(w http.ResponseWriter, r *http.Request, f Fault) {
	switch f.Kind {
	case FaultHTTP500:
		writeError(w, http.StatusInternalServerError, 1000, MsgInternal)
	case Fault503HTML:
		writeRaw(w, http.StatusServiceUnavailable, "text/html", []byte(HTML503Body))
	case Fault429:
		s.mu.Lock()
		s.stats.RateLimited44++
		s.mu.Unlock()
		writeError(w, http.StatusTooManyRequests, 44, MsgPerMinute)
	case FaultConcurrency1070:
		s.mu.Lock()
		s.stats.Concurrency1070++
		s.mu.Unlock()
		writeError(w, http.StatusTooManyRequests, 1070, MsgConcurrency)
	case FaultQuota45, FaultQuota45HTTP200:
		s.mu.Lock()
		s.stats.Quota45++
		n := s.daily
		s.mu.Unlock()
		if n < 0 {
			n = DefaultDailyLimit
		}
		status := http.StatusTooManyRequests
		if f.Kind == FaultQuota45HTTP200 {
			status = http.StatusOK
		}
		// The quota is used up (by other apps, say): the headers say so too (docs/zoho.md#rate-limits).
		s.mu.Lock()
		s.rateHeadersLocked(w.Header(), s.now())
		s.mu.Unlock()
		w.Header().Set("X-Rate-Limit-Limit", strconv.Itoa(n))
		w.Header().Set("X-Rate-Limit-Remaining", "0")
		writeError(w, status, 45, MsgDaily(n))
	case FaultTimeout:
		var timer <-chan time.Time
		if f.Delay > 0 {
			t := time.NewTimer(f.Delay)
			defer t.Stop()
			timer = t.C
		}
		select {
		case <-r.Context().Done():
		case <-s.closing:
		case <-timer:
		}
		dropConn(w)
	case FaultTokenExpired:
		s.count401()
		writeError(w, http.StatusUnauthorized, 57, MsgNotAuthz)
	case FaultImageJSON200:
		writeError(w, http.StatusOK, 1000, MsgInternal)
	case FaultImageHTML200:
		writeRaw(w, http.StatusOK, "text/html;charset=UTF-8", []byte(HTMLImageBody))
	case FaultImageEmpty:
		writeRaw(w, http.StatusOK, "image/jpeg", nil)
	case FaultDropConnection:
		dropConn(w)
	default:
		writeError(w, http.StatusInternalServerError, 1000, MsgInternal)
	}
}

func (s *Server) writeTruncated(w http.ResponseWriter, bw *bufferWriter, kind FaultKind) {
	for k, v := range bw.header {
		if k != "Content-Length" && k != "Content-Type" {
			w.Header()[k] = v
		}
	}
	body := bw.buf.Bytes()
	ct := "application/json;charset=UTF-8"
	if kind == FaultImageTruncated {
		if c := bw.header.Get("Content-Type"); bw.status == http.StatusOK && strings.HasPrefix(c, "image/") {
			ct = c
		} else {
			ct = "image/png"
			body = genImage("truncated", true, 0)
		}
	} else if len(body) < 2 {
		body = []byte(`{"code":0,"message":"success","items":[]}`)
	}
	writeRaw(w, http.StatusOK, ct, body[:len(body)/2])
}
