package zoho

import (
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"time"
)

// TimeLayout is how Zoho writes and reads timestamps: local time with an
// offset without a colon (docs/zoho.md#timestamps).
const TimeLayout = "2006-01-02T15:04:05-0700"

// ListModified reads one page of the items modified since the given instant
// (docs/zoho.md#incremental-reads). Inventory sorts them by last_modified_time
// ascending; Books documents neither the filter nor that sort column, so Books
// keeps its default order and the caller must not assume one.
func (c *Client) ListModified(ctx context.Context, src Source, since time.Time, page int) (Page, error) {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(PageSize))
	q.Set("filter_by", "Status.All")
	q.Set("last_modified_time", since.Format(TimeLayout))
	if src == Inventory {
		q.Set("sort_column", "last_modified_time")
		q.Set("sort_order", "A")
	}
	return c.listPage(ctx, src, q)
}

// SortsByModified reports whether ListModified's pages come in ascending
// last_modified_time order from this source.
func SortsByModified(src Source) bool { return src == Inventory }

// ModifiedFilterHonoured asks, in one call for one item, whether the source
// honours the last_modified_time filter: items modified after a day from now
// cannot exist, so any item in the answer shows the filter was ignored. An
// empty catalogue answers true, which is harmless: its full listing is one
// call too.
func (c *Client) ModifiedFilterHonoured(ctx context.Context, src Source, now time.Time) (bool, error) {
	q := url.Values{}
	q.Set("page", "1")
	q.Set("per_page", "1")
	q.Set("filter_by", "Status.All")
	// a day ahead: whatever time zone Zoho reads the value in (offsets are at most 14 h), it is in the future
	q.Set("last_modified_time", now.Add(24*time.Hour).Format(TimeLayout))
	p, err := c.listPage(ctx, src, q)
	if err != nil {
		return false, err
	}
	return len(p.Items) == 0, nil
}

// listPage sends one list request and reads its page.
func (c *Client) listPage(ctx context.Context, src Source, q url.Values) (Page, error) {
	r, err := c.get(ctx, src, "/items", q, false)
	if err != nil {
		return Page{}, err
	}
	var env listEnvelope
	if err := json.Unmarshal(r.body, &env); err != nil {
		return Page{}, &Error{Kind: KindTransient, Msg: "Zoho's item list could not be read: " + err.Error()}
	}
	p := Page{Items: env.Items, HasMore: env.PageContext.HasMore}
	if env.PageContext.Total != nil {
		p.Total = *env.PageContext.Total
	}
	return p, nil
}
