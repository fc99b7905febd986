package zoho

import (
	"bytes"
	"context"
	"encoding/json"
	"fmt"
	"math"
	"net/url"
	"strconv"
	"strings"
	"time"
)

// PageSize is the largest page Zoho serves (docs/zoho.md#paging).
const PageSize = 200

// Item is one Zoho item. Fields are kept as raw JSON and read through the
// tolerant accessors below, because Zoho sends numbers as strings, empty
// strings for unset numbers, and ids beyond 2^53.
type Item struct {
	ID     string
	Fields map[string]json.RawMessage
}

// UnmarshalJSON keeps every field and reads item_id as a string whatever its JSON type.
func (it *Item) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &it.Fields); err != nil {
		return err
	}
	id, ok := it.String("item_id")
	if !ok || id == "" {
		return fmt.Errorf("zoho item without item_id")
	}
	it.ID = id
	return nil
}

// String reads a field as text. Numbers are rendered exactly as sent
// (ids stay exact); null and absent give "", false.
func (it Item) String(field string) (string, bool) {
	raw, ok := it.Fields[field]
	if !ok {
		return "", false
	}
	raw = bytes.TrimSpace(raw)
	switch {
	case len(raw) == 0 || string(raw) == "null":
		return "", false
	case raw[0] == '"':
		var s string
		if err := json.Unmarshal(raw, &s); err != nil {
			return "", false
		}
		return s, true
	case raw[0] == '{' || raw[0] == '[':
		return "", false
	case string(raw) == "true" || string(raw) == "false":
		return string(raw), true
	default:
		return string(raw), true // a JSON number, verbatim
	}
}

// Str is String without the presence flag.
func (it Item) Str(field string) string {
	s, _ := it.String(field)
	return s
}

// Number reads a numeric field: a JSON number, a numeric string, "" or null
// (absent: ok false). A value that is not a number is an error naming the field.
func (it Item) Number(field string) (v float64, ok bool, err error) {
	s, present := it.String(field)
	s = strings.TrimSpace(s)
	if !present || s == "" {
		return 0, false, nil
	}
	s = strings.TrimSuffix(s, "%") // one Books example shows tax_percentage as "70%"
	f, perr := strconv.ParseFloat(strings.ReplaceAll(s, ",", ""), 64)
	if perr != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, false, fmt.Errorf("%s is not a number: %q", field, truncate(s, 40))
	}
	return f, true, nil
}

// Bool reads a boolean field (true/false, 1/0, "true"/"false").
func (it Item) Bool(field string) (bool, bool) {
	s, ok := it.String(field)
	if !ok {
		return false, false
	}
	switch strings.ToLower(s) {
	case "true", "1", "yes":
		return true, true
	case "false", "0", "no", "":
		return false, true
	}
	return false, false
}

// Name is the item's name (item_name when name is absent).
func (it Item) Name() string {
	if n := it.Str("name"); n != "" {
		return n
	}
	return it.Str("item_name")
}

// Active reports whether the item's status is active.
func (it Item) Active() bool { return !strings.EqualFold(it.Str("status"), "inactive") }

// LastModified parses last_modified_time with its offset (2006-01-02T15:04:05-0700).
func (it Item) LastModified() time.Time {
	t, _ := ParseTime(it.Str("last_modified_time"))
	return t
}

// ImageIdentity is what identifies the item's current image: empty when the
// item has none (docs/zoho.md#item-images: image_name / image_document_id).
func (it Item) ImageIdentity() string {
	doc, name := it.Str("image_document_id"), it.Str("image_name")
	if doc == "" && name == "" {
		return ""
	}
	id := it.Str("image_id")
	return strings.Trim(doc+"|"+id+"|"+name, "|")
}

// ParseTime reads Zoho timestamps: offsets with or without a colon, or a bare date.
func ParseTime(s string) (time.Time, error) {
	s = strings.TrimSpace(s)
	for _, layout := range []string{"2006-01-02T15:04:05-0700", time.RFC3339, "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.Parse(layout, s); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("not a Zoho timestamp: %q", s)
}

func truncate(s string, n int) string {
	if len(s) <= n {
		return s
	}
	return s[:n] + "…"
}

// Page is one page of items.
type Page struct {
	Items   []Item
	HasMore bool
	Total   int // 0 when Zoho did not say
}

type listEnvelope struct {
	Items       []Item `json:"items"`
	PageContext struct {
		Page       int  `json:"page"`
		HasMore    bool `json:"has_more_page"`
		Total      *int `json:"total"`
		TotalPages *int `json:"total_pages"`
	} `json:"page_context"`
}

// ListItems reads one page of items, active and inactive (filter_by=Status.All).
func (c *Client) ListItems(ctx context.Context, src Source, page int) (Page, error) {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(PageSize))
	q.Set("filter_by", "Status.All")
	q.Set("response_option", "1") // adds total and total_pages to page_context
	if src == Inventory {
		// Inventory can sort by creation time: new items land on the last page,
		// so an item added during paging cannot push another one off a page.
		q.Set("sort_column", "created_time")
		q.Set("sort_order", "A")
	}
	return c.listPage(ctx, src, q)
}

// ItemDetails reads full records for up to 100 ids (unknown ids are skipped by Zoho).
func (c *Client) ItemDetails(ctx context.Context, src Source, ids []string) ([]Item, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	if len(ids) > 100 {
		return nil, fmt.Errorf("zoho: at most 100 ids per itemdetails call, got %d", len(ids))
	}
	q := url.Values{}
	q.Set("item_ids", strings.Join(ids, ","))
	r, err := c.get(ctx, src, "/itemdetails", q, false)
	if err != nil {
		return nil, err
	}
	var env struct {
		Items []Item `json:"items"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		return nil, &Error{Kind: KindTransient, Msg: "Zoho's item details could not be read: " + err.Error()}
	}
	return env.Items, nil
}

// Organization is one Zoho organisation.
type Organization struct {
	ID       string `json:"organization_id"`
	Name     string `json:"name"`
	PlanName string `json:"plan_name"`
	TimeZone string `json:"time_zone"`
	Currency string `json:"currency_code"`
}

// Organizations lists the organisations the token can see.
func (c *Client) Organizations(ctx context.Context, src Source) ([]Organization, error) {
	r, err := c.get(ctx, src, "/organizations", nil, true)
	if err != nil {
		return nil, err
	}
	var env struct {
		Organizations []struct {
			Organization
			RawID json.RawMessage `json:"organization_id"`
		} `json:"organizations"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		return nil, &Error{Kind: KindTransient, Msg: "Zoho's organisation list could not be read: " + err.Error()}
	}
	out := make([]Organization, 0, len(env.Organizations))
	for _, o := range env.Organizations {
		org := o.Organization
		org.ID = strings.Trim(string(o.RawID), `"`)
		out = append(out, org)
	}
	return out, nil
}

// Image is an item image as Zoho served it; the bytes are not yet checked.
type Image struct {
	ContentType string
	Data        []byte
}

// DownloadImage reads an item's primary image from one source. Errors that
// arrive with HTTP 200 (a JSON or HTML body) are returned as a not-an-image
// answer for the caller's checker; "no image" is KindNotFound.
func (c *Client) DownloadImage(ctx context.Context, src Source, itemID string) (Image, error) {
	r, err := c.getAs(ctx, src, "/items/"+url.PathEscape(itemID)+"/image", nil, false, true)
	if err != nil {
		return Image{}, err
	}
	return Image{ContentType: r.header.Get("Content-Type"), Data: r.body}, nil
}
