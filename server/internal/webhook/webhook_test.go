package webhook

import (
	"bytes"
	"context"
	"log/slog"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"strings"
	"sync"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
)

const secret = "s3cret-value-for-the-tests"

// fakeStarter records the ids of each started run; busy makes it refuse as
// if another run were in progress.
type fakeStarter struct {
	mu      sync.Mutex
	started [][]string
	busy    bool
	runs    chan *zv1.Run
}

func newFakeStarter() *fakeStarter { return &fakeStarter{runs: make(chan *zv1.Run, 16)} }

func (f *fakeStarter) StartItems(ids []string) (*zv1.Run, bool, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	if f.busy {
		return &zv1.Run{Id: "1", State: zv1.RunState_RUN_STATE_RUNNING}, true, nil
	}
	f.started = append(f.started, ids)
	return &zv1.Run{Id: "2", State: zv1.RunState_RUN_STATE_RUNNING}, false, nil
}

func (f *fakeStarter) Follow() (<-chan *zv1.Run, func()) { return f.runs, func() {} }

func (f *fakeStarter) starts() [][]string {
	f.mu.Lock()
	defer f.mu.Unlock()
	return slices.Clone(f.started)
}

func newReceiver(t *testing.T, st Starter, logs *bytes.Buffer) *Receiver {
	t.Helper()
	var log *slog.Logger
	if logs != nil {
		log = slog.New(slog.NewJSONHandler(logs, &slog.HandlerOptions{Level: slog.LevelDebug}))
	}
	r, err := New(st, Options{Secret: config.NewSecret(secret), Debounce: 30 * time.Millisecond, MaxWait: 150 * time.Millisecond, MaxBody: 1024, Logger: log})
	if err != nil {
		t.Fatal(err)
	}
	return r
}

func TestRequests(t *testing.T) {
	tests := []struct {
		name        string
		method      string
		query       string
		contentType string
		body        string
		header      string // the secret header
		wantCode    int
		wantIDs     []string
	}{
		{"default payload, secret header", "POST", "", "application/json", `{"item":{"item_id":"3215000000045001","name":"x","rate":1.5}}`, secret, 200, []string{"3215000000045001"}},
		{"item_id as a JSON number", "POST", "", "application/json", `{"item_id":3215000000045001234}`, secret, 200, []string{"3215000000045001234"}},
		{"item_ids list", "PUT", "", "application/json", `{"item_ids":["1","2"]}`, secret, 200, []string{"1", "2"}},
		{"secret and id as query parameters", "POST", "secret=" + url.QueryEscape(secret) + "&item_id=42", "", "", "", 200, []string{"42"}},
		{"form-encoded", "POST", "", "application/x-www-form-urlencoded", "item_id=7&event=edited", secret, 200, []string{"7"}},
		{"form-encoded JSONString", "POST", "", "application/x-www-form-urlencoded", "JSONString=" + url.QueryEscape(`{"item":{"item_id":"8"}}`), secret, 200, []string{"8"}},
		{"delete method, comma list", "DELETE", "item_id=9,10", "", "", secret, 200, []string{"9", "10"}},
		{"missing secret", "POST", "item_id=1", "", "", "", 401, nil},
		{"wrong secret", "POST", "item_id=1", "", "", secret + "x", 401, nil},
		{"wrong secret in the query", "POST", "item_id=1&secret=nope", "", "", "", 401, nil},
		{"oversized body", "POST", "", "application/json", `{"item_id":"1","pad":"` + strings.Repeat("x", 2000) + `"}`, secret, 413, nil},
		{"GET is not a webhook", "GET", "item_id=1", "", "", secret, 405, nil},
		{"no id", "POST", "", "application/json", `{"item":{"name":"x"}}`, secret, 400, nil},
		{"not an id", "POST", "item_id=1;DROP", "", "", secret, 400, nil},
		{"broken JSON", "POST", "", "application/json", `{"item_id":`, secret, 400, nil},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			var logs bytes.Buffer
			r := newReceiver(t, newFakeStarter(), &logs)
			srv := httptest.NewServer(r.Handler())
			defer srv.Close()
			req, _ := http.NewRequest(tt.method, srv.URL+Path+"?"+tt.query, strings.NewReader(tt.body))
			if tt.contentType != "" {
				req.Header.Set("Content-Type", tt.contentType)
			}
			if tt.header != "" {
				req.Header.Set(SecretHeader, tt.header)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			var body bytes.Buffer
			_, _ = body.ReadFrom(resp.Body)
			resp.Body.Close()
			if resp.StatusCode != tt.wantCode {
				t.Fatalf("status %d (%q), want %d", resp.StatusCode, body.String(), tt.wantCode)
			}
			if n := strings.Count(body.String(), "\n"); n != 1 {
				t.Fatalf("body %q is not one line", body.String())
			}
			got := r.queue.take()
			want := slices.Sorted(slices.Values(tt.wantIDs))
			if !slices.Equal(got, want) && (len(got) != 0 || len(want) != 0) {
				t.Fatalf("queued %v, want %v", got, want)
			}
			if strings.Contains(logs.String(), secret) || strings.Contains(body.String(), secret) {
				t.Fatalf("the secret leaked: logs %s body %s", logs.String(), body.String())
			}
		})
	}
}

func TestFloodIsRefused(t *testing.T) {
	r := newReceiver(t, newFakeStarter(), nil)
	srv := httptest.NewServer(r.Handler())
	defer srv.Close()
	codes := map[int]int{}
	for range DefaultBurst + 20 {
		resp, err := http.Post(srv.URL+Path+"?item_id=1&secret="+url.QueryEscape(secret), "", nil)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		codes[resp.StatusCode]++
	}
	if codes[http.StatusOK] < DefaultBurst || codes[http.StatusTooManyRequests] == 0 {
		t.Fatalf("answers %v", codes)
	}
}

func TestShortSecretRefused(t *testing.T) {
	if _, err := New(newFakeStarter(), Options{Secret: config.NewSecret("short")}); err == nil {
		t.Fatal("a short secret was accepted")
	}
}

func waitFor(t *testing.T, what string, ok func() bool) {
	t.Helper()
	deadline := time.Now().Add(5 * time.Second)
	for !ok() {
		if time.Now().After(deadline) {
			t.Fatal("timed out waiting for " + what)
		}
		time.Sleep(5 * time.Millisecond)
	}
}

func TestDebounceMergesIntoOneRun(t *testing.T) {
	st := newFakeStarter()
	r := newReceiver(t, st, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	for i := range 10 {
		r.queue.add([]string{string(rune('1' + i%5))})
		time.Sleep(5 * time.Millisecond)
	}
	waitFor(t, "a run", func() bool { return len(st.starts()) > 0 })
	time.Sleep(100 * time.Millisecond)
	if s := st.starts(); len(s) != 1 || !slices.Equal(s[0], []string{"1", "2", "3", "4", "5"}) {
		t.Fatalf("runs %v", s)
	}
}

func TestIDsWaitForTheRunInProgress(t *testing.T) {
	st := newFakeStarter()
	st.busy = true
	r := newReceiver(t, st, nil)
	ctx, cancel := context.WithCancel(context.Background())
	defer cancel()
	go r.Run(ctx)
	r.queue.add([]string{"5", "6"})
	waitFor(t, "the ids back in the queue after a refused start", func() bool {
		_, ok := r.queue.due()
		r.queue.mu.Lock()
		defer r.queue.mu.Unlock()
		return ok && !r.queue.first.IsZero() && time.Since(r.queue.first) > 200*time.Millisecond
	})
	if len(st.starts()) != 0 {
		t.Fatal("started while busy")
	}
	st.mu.Lock()
	st.busy = false
	st.mu.Unlock()
	st.runs <- &zv1.Run{Id: "1", State: zv1.RunState_RUN_STATE_SUCCEEDED} // the run in progress ends
	waitFor(t, "the waiting ids' run", func() bool { return len(st.starts()) == 1 })
	if s := st.starts(); !slices.Equal(s[0], []string{"5", "6"}) {
		t.Fatalf("runs %v", s)
	}
}
