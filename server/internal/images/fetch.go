package images

import (
	"context"
	"errors"
	"strings"

	"github.com/zohosync/zohosync/server/internal/zoho"
)

// Downloader is what Fetcher needs from Zoho (*zoho.Client implements it).
type Downloader interface {
	DownloadImage(ctx context.Context, src zoho.Source, itemID string) (zoho.Image, error)
}

var _ Downloader = (*zoho.Client)(nil)

// Fetcher gets an item's image: from the cache when the same identity was
// downloaded before, otherwise from each source in order (e.g. Inventory
// first, "often better", then Books) until one gives a valid image. Safe for
// concurrent use when its Downloader and Cache are.
type Fetcher struct {
	d       Downloader
	sources []zoho.Source
	cache   *Cache
	lim     Limits
}

// NewFetcher returns a Fetcher trying sources in order. cache may be nil (no
// cache); zero Limits fields take their defaults.
func NewFetcher(d Downloader, sources []zoho.Source, cache *Cache, lim Limits) *Fetcher {
	return &Fetcher{d: d, sources: append([]zoho.Source(nil), sources...), cache: cache, lim: lim.withDefaults()}
}

// Result is a checked image.
type Result struct {
	Data            []byte
	MD5             string // hex MD5 of Data
	Info            Info
	Downloaded      bool        // false when served from the cache
	BytesDownloaded int64       // bytes received from Zoho for this fetch (also counts rejected downloads)
	Source          zoho.Source // where it came from ("" for cache)
	// CacheErr is a failure to store the image in the cache; the image
	// itself is fine (worth a log line, not a failed item).
	CacheErr error
}

// Ranks of the reasons a fetch can fail with: when every source fails, the
// highest-ranked reason is reported (the first of equal ones).
const (
	rankNotFound = iota + 1
	rankDownload
	rankCheck
)

// Fetch returns the checked image, or:
//   - a *Problem for anything about this item's image. Zoho's own "no image"
//     answer (code 1002, HTTP 404 or 400) is final: the next source is not
//     asked, and the Problem has NoImage set unless an earlier source gave a
//     better reason (see below). The next source is tried after
//     a bare 404 or "Attachment not found" without that code, a check
//     failure and a non-fatal download error (one that outlasted the client's
//     retries);
//     when all fail, the Problem gives the most useful reason: a check failure
//     beats a download failure, which beats "Zoho has no image for this
//     item" (404 on every source).
//   - the Zoho error itself, as the client returned it (zoho.IsKind works),
//     for errors that concern the whole run: daily quota, credentials,
//     token-mint limit, organisation, a rate limit that outlasted the client's
//     retries, and context cancellation. Those must stop the caller.
//
// On errors, Result.BytesDownloaded still counts what was received. The
// cache is only used when identity is not empty.
func (f *Fetcher) Fetch(ctx context.Context, itemID, identity string) (Result, error) {
	if err := ctx.Err(); err != nil {
		return Result{}, err
	}
	if f.cache != nil && identity != "" {
		if data, sum, ok := f.cache.Get(itemID, identity); ok {
			// Re-checked: cheap, and the limits may have tightened since.
			if info, p := checkBytes("", data, f.lim); p == nil {
				return Result{Data: data, MD5: sum, Info: info}, nil
			}
		}
	}

	var res Result
	var best *Problem
	bestRank := 0
	final := false // Zoho said, with its code, that the item has no picture
	note := func(rank int, src zoho.Source, reason string) {
		if rank > bestRank {
			best, bestRank = &Problem{Reason: reason, Source: src}, rank
		}
	}
	for _, src := range f.sources {
		img, err := f.d.DownloadImage(ctx, src, itemID)
		res.BytesDownloaded += int64(len(img.Data))
		if err != nil {
			if ctx.Err() != nil && !isContextErr(err) {
				return res, ctx.Err()
			}
			switch {
			case runFatal(err):
				return res, err
			case finalNoImage(err):
				// Books and Inventory serve one catalogue: the other would say the same.
				note(rankNotFound, src, reasonNoImage)
				final = true
			case noImage(err):
				note(rankNotFound, src, reasonNoImage)
			default:
				note(rankDownload, src, "download failed: "+err.Error())
			}
			if final {
				break
			}
			continue
		}
		info, err := Check(img.ContentType, img.Data, f.lim)
		if err != nil {
			note(rankCheck, src, err.Error())
			continue // img goes: one image in memory at a time
		}
		res = Result{
			Data:            img.Data,
			MD5:             md5Hex(img.Data),
			Info:            info,
			Downloaded:      true,
			BytesDownloaded: res.BytesDownloaded,
			Source:          src,
		}
		if f.cache != nil && identity != "" {
			res.CacheErr = f.cache.Put(itemID, identity, res.Data, res.MD5)
		}
		return res, nil
	}
	if best == nil {
		best = &Problem{Reason: "no Zoho source is configured for images"}
	}
	best.NoImage = final && bestRank == rankNotFound // nothing better was heard: Zoho has none
	return res, best
}

func isContextErr(err error) bool {
	return errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)
}

// runFatal reports whether a download error concerns the whole run. It is
// zoho.Fatal except for transient errors (network, 5xx, cut-off answers that
// outlasted the client's retries): those are this image's problem, retried on
// the next run.
func runFatal(err error) bool {
	// A rate limit that outlasted the client's retries costs this image a
	// retry on the next run, not the run: list calls keep their own retries.
	return zoho.Fatal(err) && !zoho.IsKind(err, zoho.KindTransient) && !zoho.IsKind(err, zoho.KindRateLimited)
}

// finalNoImage reports whether the answer is Zoho's own "no image" for the
// item, carrying its code 1002 (Books answers HTTP 404, Inventory also 400;
// docs/zoho.md#item-images), rather than a bare 404 that may only say the
// product does not serve the endpoint.
func finalNoImage(err error) bool {
	var ze *zoho.Error
	return errors.As(err, &ze) && ze.Code == codeNoRecord && noImage(err)
}

// codeNoRecord is Zoho's code for "record does not exist", sent for an item
// without a picture (docs/zoho.md#item-images).
const codeNoRecord = 1002

// noImage reports whether Zoho said the item has no image: a 404 (code 1002
// "Attachment not found"), or the 400 with that message one report describes
// (docs/zoho.md#item-images).
func noImage(err error) bool {
	if zoho.IsKind(err, zoho.KindNotFound) {
		return true
	}
	var ze *zoho.Error
	return errors.As(err, &ze) && ze.Kind == zoho.KindBadRequest &&
		strings.Contains(strings.ToLower(ze.Msg), "attachment not found")
}
