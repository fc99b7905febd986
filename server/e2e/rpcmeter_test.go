package e2e

import (
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"regexp"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"
)

// rpcMeter is a reverse proxy in front of a real Odoo that counts and times
// every XML-RPC call by model and method, as the client sees them.
type rpcMeter struct {
	URL      string
	upstream string
	srv      *httptest.Server
	client   *http.Client

	mu    sync.Mutex
	calls []meteredCall
}

type meteredCall struct {
	label      string // "product.template.load+image", "common.authenticate"
	start, end time.Time
	sent, got  int64
	afterWrite bool // the previous call to finish created or changed products
}

func newRPCMeter(tb testing.TB, upstream string) *rpcMeter {
	m := &rpcMeter{upstream: strings.TrimRight(upstream, "/"), client: &http.Client{Timeout: 10 * time.Minute}}
	m.srv = httptest.NewServer(http.HandlerFunc(m.serve))
	m.URL = m.srv.URL
	tb.Cleanup(m.srv.Close)
	return m
}

// The first parameters of an execute_kw call: db, uid, password, model, method.
var xmlrpcParam = regexp.MustCompile(`<param><value>(?:<(?:string|int|i4)>)?([^<]*)`)

func callLabel(path string, body []byte) string {
	head := body[:min(len(body), 4096)]
	service := path[strings.LastIndex(path, "/")+1:]
	name := ""
	if i := bytes.Index(head, []byte("<methodName>")); i >= 0 {
		rest := head[i+len("<methodName>"):]
		if j := bytes.IndexByte(rest, '<'); j >= 0 {
			name = string(rest[:j])
		}
	}
	if name != "execute_kw" {
		return service + "." + name
	}
	ps := xmlrpcParam.FindAllSubmatch(head, 5)
	if len(ps) < 5 {
		return "object.?"
	}
	label := string(ps[3][1]) + "." + string(ps[4][1])
	if string(ps[4][1]) == "load" && bytes.Contains(head, []byte("image_1920")) {
		label += "+image"
	}
	return label
}

func (m *rpcMeter) serve(w http.ResponseWriter, r *http.Request) {
	body, err := io.ReadAll(r.Body)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadRequest)
		return
	}
	label := callLabel(r.URL.Path, body)
	start := time.Now()
	req, err := http.NewRequestWithContext(r.Context(), r.Method, m.upstream+r.URL.Path, bytes.NewReader(body))
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	req.Header = r.Header.Clone()
	res, err := m.client.Do(req)
	if err != nil {
		http.Error(w, err.Error(), http.StatusBadGateway)
		return
	}
	defer res.Body.Close()
	answer, err := io.ReadAll(res.Body)
	end := time.Now()
	m.mu.Lock()
	after := false
	if n := len(m.calls); n > 0 {
		last := m.calls[n-1]
		after = strings.HasSuffix(last.label, ".load") || strings.HasSuffix(last.label, ".load+image") ||
			strings.HasSuffix(last.label, ".write") || strings.HasSuffix(last.label, ".create")
	}
	m.calls = append(m.calls, meteredCall{label: label, start: start, end: end, sent: int64(len(body)), got: int64(len(answer)), afterWrite: after})
	m.mu.Unlock()
	if err != nil {
		return
	}
	for k, v := range res.Header {
		if k != "Content-Length" {
			w.Header()[k] = v
		}
	}
	w.WriteHeader(res.StatusCode)
	_, _ = w.Write(answer)
}

// reset forgets the calls so far.
func (m *rpcMeter) reset() {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.calls = nil
}

type meterTotals struct {
	calls      int
	sent, got  int64
	inOdoo     time.Duration // time with at least one call in flight
	sumOfCalls time.Duration
}

func (m *rpcMeter) totals() meterTotals {
	m.mu.Lock()
	calls := slices.Clone(m.calls)
	m.mu.Unlock()
	var t meterTotals
	slices.SortFunc(calls, func(a, b meteredCall) int { return a.start.Compare(b.start) })
	var busyEnd time.Time
	for _, c := range calls {
		t.calls++
		t.sent += c.sent
		t.got += c.got
		t.sumOfCalls += c.end.Sub(c.start)
		switch {
		case c.start.After(busyEnd):
			t.inOdoo += c.end.Sub(c.start)
			busyEnd = c.end
		case c.end.After(busyEnd):
			t.inOdoo += c.end.Sub(busyEnd)
			busyEnd = c.end
		}
	}
	return t
}

// breakdown is a table of calls by label: count, total and mean time, and the
// same for the calls made right after a write (when Odoo checks the password again).
func (m *rpcMeter) breakdown() string {
	m.mu.Lock()
	calls := slices.Clone(m.calls)
	m.mu.Unlock()
	type agg struct {
		n, nAfter    int
		total, after time.Duration
		sent         int64
	}
	by := map[string]*agg{}
	for _, c := range calls {
		a := by[c.label]
		if a == nil {
			a = &agg{}
			by[c.label] = a
		}
		d := c.end.Sub(c.start)
		a.n++
		a.total += d
		a.sent += c.sent
		if c.afterWrite {
			a.nAfter++
			a.after += d
		}
	}
	labels := make([]string, 0, len(by))
	for l := range by {
		labels = append(labels, l)
	}
	slices.SortFunc(labels, func(x, y string) int { return int(by[y].total - by[x].total) })
	var sb strings.Builder
	fmt.Fprintf(&sb, "%-36s %6s %9s %8s %14s %8s\n", "call", "count", "total s", "mean s", "after write n", "mean s")
	for _, l := range labels {
		a := by[l]
		mean := func(d time.Duration, n int) float64 {
			if n == 0 {
				return 0
			}
			return d.Seconds() / float64(n)
		}
		fmt.Fprintf(&sb, "%-36s %6d %9.2f %8.3f %14d %8.3f   %.1f MB sent\n", l, a.n, a.total.Seconds(), mean(a.total, a.n),
			a.nAfter, mean(a.after, a.nAfter), float64(a.sent)/(1<<20))
	}
	return sb.String()
}
