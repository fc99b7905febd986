package images

import (
	"bytes"
	"context"
	"errors"
	"fmt"
	"net/http"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

const (
	invImagePath   = "GET /inventory/v1/items/{id}/image"
	booksImagePath = "GET /books/v3/items/{id}/image"
)

var bothSources = []zoho.Source{zoho.Inventory, zoho.Books}

// fastRetry keeps tests quick while still exercising the client's retries.
var fastRetry = zoho.RetryPolicy{MaxAttempts: 3, BaseDelay: 2 * time.Millisecond, MaxDelay: 10 * time.Millisecond, RateLimitDelay: 5 * time.Millisecond}

// noInventoryImage makes the emulator answer Inventory's image endpoint with
// its real "no image" answer (404, code 1002 "Attachment not found"): the
// emulator keeps one catalogue for both products, so the request is sent
// with a document_id that matches no image.
type noInventoryImage struct{ base http.RoundTripper }

func (rt noInventoryImage) RoundTrip(r *http.Request) (*http.Response, error) {
	if strings.HasPrefix(r.URL.Path, "/inventory/v1/items/") && strings.HasSuffix(r.URL.Path, "/image") {
		r = r.Clone(r.Context())
		q := r.URL.Query()
		q.Set("document_id", "no-such-document")
		r.URL.RawQuery = q.Encode()
	}
	return rt.base.RoundTrip(r)
}

type env struct {
	em     *zohotest.Server
	client *zoho.Client
	itemID string // an item with a known PNG image
	ident  string // its image identity
	image  []byte
}

func newEnv(t *testing.T, transport http.RoundTripper) *env {
	t.Helper()
	em := zohotest.NewServer(zohotest.Options{})
	t.Cleanup(em.Close)
	em.Seed(10, 1)
	opts := em.Config()
	hc := &http.Client{Timeout: 10 * time.Second}
	if transport != nil {
		hc.Transport = transport
	}
	c := zoho.New(zoho.Config{
		AccountsURL:       em.URL,
		BooksURL:          em.URL + "/books/v3",
		InventoryURL:      em.URL + "/inventory/v1",
		ClientID:          opts.ClientID,
		ClientSecret:      opts.ClientSecret,
		RefreshToken:      opts.RefreshToken,
		OrganizationID:    opts.OrgID,
		RequestsPerMinute: 6000,
		MaxConcurrency:    4,
		Retry:             fastRetry,
		HTTPClient:        hc,
	})
	e := &env{em: em, client: c, itemID: em.Items()[0].ItemID, image: pngBytes(t, 64, 48)}
	em.SetImage(e.itemID, "image/png", e.image)
	it, _ := em.Item(e.itemID)
	e.ident = it.ImageDocumentID
	em.ResetStats()
	return e
}

func (e *env) imageCalls(path string) int { return e.em.Stats().ByPath[path] }

func wantProblem(t *testing.T, err error, reason string) *Problem {
	t.Helper()
	var p *Problem
	if !errors.As(err, &p) {
		t.Fatalf("err = %v (%T), want a *Problem %q", err, err, reason)
	}
	if p.Reason != reason {
		t.Fatalf("reason = %q, want %q", p.Reason, reason)
	}
	return p
}

func TestFetchInventoryFirst(t *testing.T) {
	e := newEnv(t, nil)
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	res, err := f.Fetch(context.Background(), e.itemID, e.ident)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(res.Data, e.image) || res.MD5 != md5Hex(e.image) || res.Source != zoho.Inventory || !res.Downloaded ||
		res.BytesDownloaded != int64(len(e.image)) || res.Info != (Info{"png", 64, 48}) {
		t.Fatalf("result %+v", res)
	}
	if inv, books := e.imageCalls(invImagePath), e.imageCalls(booksImagePath); inv != 1 || books != 0 {
		t.Fatalf("image calls: inventory %d, books %d; want 1, 0", inv, books)
	}
}

// Zoho's own "no image" answer (code 1002) from Inventory is final: Books
// shares the catalogue and is not asked for the same answer.
func TestFetchNoImageIsFinal(t *testing.T) {
	e := newEnv(t, noInventoryImage{http.DefaultTransport})
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	_, err := f.Fetch(context.Background(), e.itemID, e.ident)
	if p := wantProblem(t, err, "Zoho has no image for this item"); !p.NoImage || p.Source != zoho.Inventory {
		t.Fatalf("problem %+v, want NoImage from inventory", p)
	}
	if inv, books := e.imageCalls(invImagePath), e.imageCalls(booksImagePath); inv != 1 || books != 0 {
		t.Fatalf("image calls: inventory %d, books %d; want 1, 0", inv, books)
	}
}

func TestFetchNoImageAnywhere(t *testing.T) {
	e := newEnv(t, nil)
	e.em.ClearImage(e.itemID)
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	_, err := f.Fetch(context.Background(), e.itemID, "")
	if p := wantProblem(t, err, "Zoho has no image for this item"); !p.NoImage {
		t.Fatalf("problem %+v, want NoImage", p)
	}
	if got := e.em.Stats().ImageCalls; got != 1 {
		t.Fatalf("%d image calls, want 1 (the first answer is final)", got)
	}
}

func TestFetchBrokenImages(t *testing.T) {
	tests := []struct {
		fault  zohotest.FaultKind
		reason string
	}{
		{zohotest.FaultImageJSON200, "not an image: Zoho answered JSON (code 1000: Internal Error)"},
		{zohotest.FaultImageHTML200, "not an image: Zoho sent text/html"},
		{zohotest.FaultImageTruncated, "truncated PNG (the file ends before its IEND chunk)"},
		{zohotest.FaultImageEmpty, "empty file"},
		{zohotest.FaultHTTP500, "download failed: Zoho failed with HTTP 500 (code 1000: Internal Error) (gave up after 3 attempts)"},
	}
	for _, tt := range tests {
		t.Run(tt.fault.String(), func(t *testing.T) {
			e := newEnv(t, nil)
			cache := mustOpen(t, t.TempDir(), 0)
			e.em.Inject(zohotest.Fault{Kind: tt.fault, Path: "/image", Times: -1})
			f := NewFetcher(e.client, bothSources, cache, testLimits)
			res, err := f.Fetch(context.Background(), e.itemID, e.ident)
			p := wantProblem(t, err, tt.reason)
			if p.Source != zoho.Inventory {
				t.Errorf("problem source %q, want the first source's", p.Source)
			}
			if zoho.Fatal(err) || res.Data != nil {
				t.Fatalf("fatal=%v data=%d bytes", zoho.Fatal(err), len(res.Data))
			}
			if e.imageCalls(invImagePath) == 0 || e.imageCalls(booksImagePath) == 0 {
				t.Fatalf("both sources not tried: %v", e.em.Stats().ByPath)
			}
			if cache.Len() != 0 {
				t.Fatal("a rejected image was cached")
			}
			// Once Zoho behaves, the next run gets the image.
			e.em.ClearFaults()
			if res, err := f.Fetch(context.Background(), e.itemID, e.ident); err != nil || !bytes.Equal(res.Data, e.image) {
				t.Fatalf("after the fault: %v", err)
			}
		})
	}
}

// A broken answer from the first source does not stop the second from
// delivering.
func TestFetchBrokenInventoryGoodBooks(t *testing.T) {
	e := newEnv(t, nil)
	e.em.Inject(zohotest.Fault{Kind: zohotest.FaultImageHTML200, Path: "/inventory/v1/items/"})
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	res, err := f.Fetch(context.Background(), e.itemID, e.ident)
	if err != nil || res.Source != zoho.Books {
		t.Fatalf("err %v, source %q", err, res.Source)
	}
	if want := int64(len(zohotest.HTMLImageBody) + len(e.image)); res.BytesDownloaded != want {
		t.Fatalf("BytesDownloaded %d, want %d (the rejected page counts)", res.BytesDownloaded, want)
	}
}

func TestFetchSecondTimeFromCache(t *testing.T) {
	e := newEnv(t, nil)
	cache := mustOpen(t, filepath.Join(t.TempDir(), "product_images"), 0)
	f := NewFetcher(e.client, bothSources, cache, testLimits)
	first, err := f.Fetch(context.Background(), e.itemID, e.ident)
	if err != nil || !first.Downloaded {
		t.Fatalf("first fetch: %v, downloaded %v", err, first.Downloaded)
	}
	if first.CacheErr != nil {
		t.Fatal(first.CacheErr)
	}
	e.em.ResetStats()
	second, err := f.Fetch(context.Background(), e.itemID, e.ident)
	if err != nil {
		t.Fatal(err)
	}
	if second.Downloaded || second.Source != "" || second.BytesDownloaded != 0 || second.MD5 != first.MD5 ||
		!bytes.Equal(second.Data, e.image) || second.Info != first.Info {
		t.Fatalf("second fetch %+v", second)
	}
	if n := e.em.Stats().ImageCalls; n != 0 {
		t.Fatalf("%d emulator image calls for a cached image", n)
	}
	// A new image (new identity) is downloaded again.
	newer := pngBytes(t, 32, 32)
	e.em.SetImage(e.itemID, "image/png", newer)
	it, _ := e.em.Item(e.itemID)
	third, err := f.Fetch(context.Background(), e.itemID, it.ImageDocumentID)
	if err != nil || !third.Downloaded || !bytes.Equal(third.Data, newer) {
		t.Fatalf("after the image changed: %v, downloaded %v", err, third.Downloaded)
	}
	if n := e.em.Stats().ImageCalls; n != 1 {
		t.Fatalf("%d image calls, want 1", n)
	}
}

// A rate limit that outlasts the client's retries costs the image a retry
// on the next run, not the run.
func TestFetchRateLimitIsAnImageProblem(t *testing.T) {
	e := newEnv(t, nil)
	e.em.Inject(zohotest.Fault{Kind: zohotest.Fault429, Path: "/image", Times: -1})
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	_, err := f.Fetch(context.Background(), e.itemID, e.ident)
	var p *Problem
	if !errors.As(err, &p) || !strings.Contains(p.Reason, "per-minute limit") {
		t.Fatalf("err = %v (%T), want an image Problem about the rate limit", err, err)
	}
}

func TestFetchFatalErrors(t *testing.T) {
	tests := []struct {
		name  string
		fault zohotest.Fault
		kind  zoho.Kind
	}{
		{"quota", zohotest.Fault{Kind: zohotest.FaultQuota45, Path: "/image"}, zoho.KindQuota},
		{"quota with HTTP 200", zohotest.Fault{Kind: zohotest.FaultQuota45HTTP200, Path: "/image"}, zoho.KindQuota},
		{"token refused", zohotest.Fault{Kind: zohotest.FaultTokenExpired, Path: "/image", Times: -1}, zoho.KindAuth},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			e := newEnv(t, nil)
			e.em.Inject(tt.fault)
			f := NewFetcher(e.client, bothSources, nil, testLimits)
			_, err := f.Fetch(context.Background(), e.itemID, e.ident)
			if !zoho.IsKind(err, tt.kind) || !zoho.Fatal(err) {
				t.Fatalf("err = %v (%T), want a fatal zoho error of kind %d", err, err, tt.kind)
			}
			var p *Problem
			if errors.As(err, &p) {
				t.Fatal("a run-wide error was reported as an image problem")
			}
			if n := e.imageCalls(booksImagePath); n != 0 {
				t.Fatalf("went on to Books (%d calls) after a run-wide error", n)
			}
		})
	}
}

func TestFetchCancelled(t *testing.T) {
	e := newEnv(t, nil)
	f := NewFetcher(e.client, bothSources, nil, testLimits)
	ctx, cancel := context.WithCancel(context.Background())
	cancel()
	if _, err := f.Fetch(ctx, e.itemID, e.ident); !errors.Is(err, context.Canceled) || !zoho.Fatal(err) {
		t.Fatalf("err = %v", err)
	}
	e.em.Inject(zohotest.Fault{Kind: zohotest.FaultSlow, Path: "/image", Delay: time.Second})
	ctx, cancel = context.WithTimeout(context.Background(), 50*time.Millisecond)
	defer cancel()
	if _, err := f.Fetch(ctx, e.itemID, e.ident); !errors.Is(err, context.DeadlineExceeded) {
		t.Fatalf("err = %v", err)
	}
}

// ---- ranking, with a scripted downloader ----

type answer struct {
	img zoho.Image
	err error
}

type scripted struct {
	answers map[zoho.Source]answer
	calls   []zoho.Source
}

func (s *scripted) DownloadImage(ctx context.Context, src zoho.Source, itemID string) (zoho.Image, error) {
	s.calls = append(s.calls, src)
	a, ok := s.answers[src]
	if !ok {
		return zoho.Image{}, &zoho.Error{Kind: zoho.KindNotFound, HTTPStatus: 404, Code: 1002, Msg: "not found in Zoho: Attachment not found"}
	}
	return a.img, a.err
}

func TestFetchReasonRanking(t *testing.T) {
	good := pngBytes(t, 4, 4)
	notFound := answer{err: &zoho.Error{Kind: zoho.KindNotFound, HTTPStatus: 404, Code: 1002, Msg: "not found in Zoho: Attachment not found"}}
	bare404 := answer{err: &zoho.Error{Kind: zoho.KindNotFound, HTTPStatus: 404, Msg: "not found in Zoho: "}}
	inventory1002 := answer{err: &zoho.Error{Kind: zoho.KindNotFound, HTTPStatus: 400, Code: 1002, Msg: "not found in Zoho: Attachment not found"}}
	attachment400 := answer{err: &zoho.Error{Kind: zoho.KindBadRequest, HTTPStatus: 400, Code: 1, Msg: "Zoho rejected the request: HTTP 400, code 1: Attachment not found"}}
	transient := answer{err: &zoho.Error{Kind: zoho.KindTransient, HTTPStatus: 502, Msg: "Zoho failed with HTTP 502"}}
	html := answer{img: zoho.Image{ContentType: "text/html", Data: []byte(htmlPage)}}
	truncated := answer{img: zoho.Image{ContentType: "image/png", Data: half(pngBytes(t, 64, 64))}}
	tests := []struct {
		name    string
		answers map[zoho.Source]answer
		lim     Limits
		reason  string
		source  zoho.Source
		bytes   int64
		calls   int
		noImage bool
	}{
		{"check failure beats 404", map[zoho.Source]answer{zoho.Inventory: html, zoho.Books: notFound},
			testLimits, "not an image: Zoho sent text/html", zoho.Inventory, int64(len(htmlPage)), 2, false},
		{"bare 404 then check failure", map[zoho.Source]answer{zoho.Inventory: bare404, zoho.Books: truncated},
			testLimits, "truncated PNG (the file ends before its IEND chunk)", zoho.Books, int64(len(truncated.img.Data)), 2, false},
		{"download failure beats bare 404", map[zoho.Source]answer{zoho.Inventory: bare404, zoho.Books: transient},
			testLimits, "download failed: Zoho failed with HTTP 502", zoho.Books, 0, 2, false},
		{"check failure beats download failure", map[zoho.Source]answer{zoho.Inventory: transient, zoho.Books: html},
			testLimits, "not an image: Zoho sent text/html", zoho.Books, int64(len(htmlPage)), 2, false},
		{"400 attachment not found is no image", map[zoho.Source]answer{zoho.Inventory: attachment400, zoho.Books: notFound},
			testLimits, "Zoho has no image for this item", zoho.Inventory, 0, 2, true},
		{"first of equal reasons", map[zoho.Source]answer{zoho.Inventory: html, zoho.Books: truncated},
			testLimits, "not an image: Zoho sent text/html", zoho.Inventory, int64(len(htmlPage) + len(truncated.img.Data)), 2, false},
		{"too large, then no image", map[zoho.Source]answer{zoho.Inventory: {img: zoho.Image{ContentType: "image/png", Data: good}}, zoho.Books: notFound},
			Limits{MaxBytes: 10}, fmt.Sprintf("too large: %d bytes (limit 10 bytes)", len(good)), zoho.Inventory, int64(len(good)), 2, false},
		{"inventory 400 code 1002 is final", map[zoho.Source]answer{zoho.Inventory: inventory1002, zoho.Books: {img: zoho.Image{ContentType: "image/png", Data: good}}},
			testLimits, "Zoho has no image for this item", zoho.Inventory, 0, 1, true},
		{"books 404 code 1002 is final", map[zoho.Source]answer{zoho.Inventory: notFound},
			testLimits, "Zoho has no image for this item", zoho.Inventory, 0, 1, true},
		{"bare 404 asks the other product", map[zoho.Source]answer{zoho.Inventory: bare404, zoho.Books: bare404},
			testLimits, "Zoho has no image for this item", zoho.Inventory, 0, 2, false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			d := &scripted{answers: tt.answers}
			f := NewFetcher(d, bothSources, nil, tt.lim)
			res, err := f.Fetch(context.Background(), "1", "doc")
			p := wantProblem(t, err, tt.reason)
			if p.Source != tt.source {
				t.Errorf("source %q, want %q", p.Source, tt.source)
			}
			if p.NoImage != tt.noImage {
				t.Errorf("NoImage %v, want %v", p.NoImage, tt.noImage)
			}
			if res.BytesDownloaded != tt.bytes {
				t.Errorf("BytesDownloaded %d, want %d", res.BytesDownloaded, tt.bytes)
			}
			if len(d.calls) != tt.calls {
				t.Errorf("calls %v, want %d", d.calls, tt.calls)
			}
		})
	}
}

func TestFetchNoSources(t *testing.T) {
	f := NewFetcher(&scripted{}, nil, nil, Limits{})
	_, err := f.Fetch(context.Background(), "1", "doc")
	wantProblem(t, err, "no Zoho source is configured for images")
}

// A cached image that no longer passes the (tightened) limits is downloaded
// and checked again instead of being served.
func TestFetchCachedImageRechecked(t *testing.T) {
	img := pngBytes(t, 100, 100)
	cache := mustOpen(t, t.TempDir(), 0)
	if err := cache.Put("1", "doc", img, ""); err != nil {
		t.Fatal(err)
	}
	d := &scripted{answers: map[zoho.Source]answer{zoho.Books: {img: zoho.Image{ContentType: "image/png", Data: img}}}}
	f := NewFetcher(d, []zoho.Source{zoho.Books}, cache, Limits{MaxMegapixels: 0.001})
	_, err := f.Fetch(context.Background(), "1", "doc")
	wantProblem(t, err, "too large: 0.01 MP (limit 0.001 MP)")
	if len(d.calls) != 1 {
		t.Fatalf("calls %v", d.calls)
	}
}
