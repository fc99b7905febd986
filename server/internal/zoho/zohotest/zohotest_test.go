package zohotest

import (
	"bytes"
	"encoding/json"
	"fmt"
	"image/jpeg"
	"image/png"
	"io"
	"net/http"
	"net/url"
	"reflect"
	"regexp"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
	"unicode/utf8"
)

// ---- helpers ----

type fakeClock struct {
	mu sync.Mutex
	t  time.Time
}

func newClock() *fakeClock {
	return &fakeClock{t: time.Date(2025, 3, 10, 12, 0, 0, 0, time.UTC)} // 17:30 IST
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.t
}

func (c *fakeClock) Advance(d time.Duration) {
	c.mu.Lock()
	c.t = c.t.Add(d)
	c.mu.Unlock()
}

func newServer(t *testing.T, opts Options) *Server {
	t.Helper()
	if opts.Logf == nil {
		opts.Logf = t.Logf
	}
	s := NewServer(opts)
	t.Cleanup(s.Close)
	return s
}

type resp struct {
	status int
	header http.Header
	body   []byte
	err    error
}

func (r resp) json(t *testing.T) map[string]any {
	t.Helper()
	var m map[string]any
	d := json.NewDecoder(bytes.NewReader(r.body))
	d.UseNumber()
	if err := d.Decode(&m); err != nil {
		t.Fatalf("body is not JSON (%v): %q", err, r.body)
	}
	return m
}

func (r resp) code(t *testing.T) int {
	t.Helper()
	n, err := r.json(t)["code"].(json.Number).Int64()
	if err != nil {
		t.Fatalf("code: %v", err)
	}
	return int(n)
}

var plainClient = &http.Client{Timeout: 10 * time.Second}

func do(t *testing.T, c *http.Client, method, u, token string, body io.Reader, ct string) resp {
	t.Helper()
	req, err := http.NewRequest(method, u, body)
	if err != nil {
		t.Fatal(err)
	}
	if token != "" {
		req.Header.Set("Authorization", "Zoho-oauthtoken "+token)
	}
	if ct != "" {
		req.Header.Set("Content-Type", ct)
	}
	if c == nil {
		c = plainClient
	}
	res, err := c.Do(req)
	if err != nil {
		return resp{err: err}
	}
	defer res.Body.Close()
	b, err := io.ReadAll(res.Body)
	return resp{status: res.StatusCode, header: res.Header, body: b, err: err}
}

// api GETs path (relative to s.URL) with organization_id added unless the
// query already has one or noOrg is set.
func api(t *testing.T, s *Server, token, path string) resp {
	t.Helper()
	u := s.URL + path
	if !strings.Contains(path, "organization_id=") && !strings.Contains(path, "/organizations") {
		sep := "?"
		if strings.Contains(path, "?") {
			sep = "&"
		}
		u += sep + "organization_id=" + s.Config().OrgID
	}
	r := do(t, nil, "GET", u, token, nil, "")
	if r.err != nil {
		t.Fatalf("GET %s: %v", path, r.err)
	}
	return r
}

func tokenForm() url.Values {
	return url.Values{
		"grant_type":    {"refresh_token"},
		"client_id":     {DefaultClientID},
		"client_secret": {DefaultClientSecret},
		"refresh_token": {DefaultRefreshToken},
	}
}

func postToken(t *testing.T, s *Server, v url.Values, inBody bool) resp {
	t.Helper()
	var r resp
	if inBody {
		r = do(t, nil, "POST", s.URL+"/oauth/v2/token", "", strings.NewReader(v.Encode()), "application/x-www-form-urlencoded")
	} else {
		r = do(t, nil, "POST", s.URL+"/oauth/v2/token?"+v.Encode(), "", nil, "")
	}
	if r.err != nil {
		t.Fatal(r.err)
	}
	return r
}

func items(t *testing.T, r resp) []map[string]any {
	t.Helper()
	raw, ok := r.json(t)["items"].([]any)
	if !ok {
		t.Fatalf("no items array in %s", r.body)
	}
	out := make([]map[string]any, len(raw))
	for i, x := range raw {
		out[i] = x.(map[string]any)
	}
	return out
}

func pageCtx(t *testing.T, r resp) map[string]any {
	t.Helper()
	pc, ok := r.json(t)["page_context"].(map[string]any)
	if !ok {
		t.Fatalf("no page_context in %s", r.body)
	}
	return pc
}

func ids(rows []map[string]any) []string {
	var out []string
	for _, r := range rows {
		out = append(out, r["item_id"].(string))
	}
	return out
}

func wantError(t *testing.T, r resp, status, code int, msg string) {
	t.Helper()
	if r.status != status {
		t.Fatalf("status %d, want %d; body %s", r.status, status, r.body)
	}
	if !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
	m := r.json(t)
	if got := r.code(t); got != code {
		t.Fatalf("code %d, want %d; body %s", got, code, r.body)
	}
	if msg != "" && m["message"] != msg {
		t.Errorf("message %q, want %q", m["message"], msg)
	}
}

// ---- OAuth ----

func TestTokenEndpoint(t *testing.T) {
	s := newServer(t, Options{})
	with := func(k, v string) url.Values {
		f := tokenForm()
		f.Set(k, v)
		return f
	}
	cases := []struct {
		name    string
		form    url.Values
		inBody  bool
		revoke  bool
		status  int
		wantErr string
	}{
		{"query", tokenForm(), false, false, 200, ""},
		{"form body", tokenForm(), true, false, 200, ""},
		{"wrong client id", with("client_id", "1000.OTHER"), true, false, 200, "invalid_client"},
		{"wrong secret", with("client_secret", "nope"), false, false, 200, "invalid_client_secret"},
		{"bad refresh token", with("refresh_token", "1000.bad.token"), true, false, 200, "invalid_code"},
		{"revoked refresh token", tokenForm(), true, true, 200, "invalid_code"},
		{"unsupported grant", with("grant_type", "password"), true, false, 200, "unsupported_grant_type"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			if tc.revoke {
				s.RevokeRefreshToken()
				defer s.RestoreRefreshToken()
			}
			r := postToken(t, s, tc.form, tc.inBody)
			if r.status != tc.status {
				t.Fatalf("status %d want %d: %s", r.status, tc.status, r.body)
			}
			m := r.json(t)
			if tc.wantErr != "" {
				if m["error"] != tc.wantErr || m["access_token"] != nil {
					t.Fatalf("body %s, want error %q", r.body, tc.wantErr)
				}
				return
			}
			tok, _ := m["access_token"].(string)
			if !regexp.MustCompile(`^1000\.[0-9a-f]{32}\.[0-9a-f]{32}$`).MatchString(tok) {
				t.Errorf("access_token %q", tok)
			}
			if m["api_domain"] != s.URL || m["token_type"] != "Bearer" || m["expires_in"] != json.Number("3600") {
				t.Errorf("body %s", r.body)
			}
			if _, has := m["refresh_token"]; has {
				t.Errorf("refresh response must not carry refresh_token")
			}
			if r := api(t, s, tok, "/books/v3/organizations"); r.status != 200 {
				t.Errorf("minted token rejected: %d %s", r.status, r.body)
			}
		})
	}
	st := s.Stats()
	if st.TokenRequests != len(cases) || st.TokensMinted != 2 || st.TokenErrors != len(cases)-2 {
		t.Errorf("stats %+v", st)
	}
	if st.ByPath["POST /oauth/v2/token"] != len(cases) {
		t.Errorf("ByPath %v", st.ByPath)
	}
}

func TestTokenMintThrottle(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	for i := 0; i < 10; i++ {
		if r := postToken(t, s, tokenForm(), true); r.status != 200 || r.json(t)["access_token"] == nil {
			t.Fatalf("mint %d: %d %s", i+1, r.status, r.body)
		}
		clk.Advance(10 * time.Second)
	}
	for i, adv := range []time.Duration{0, 8 * time.Minute} {
		clk.Advance(adv)
		r := postToken(t, s, tokenForm(), true)
		if r.status != 400 || string(r.body) != AccessDeniedBody {
			t.Fatalf("blocked attempt %d: %d %s", i, r.status, r.body)
		}
	}
	clk.Advance(2 * time.Minute) // window opened at the first mint; 10 min have now passed
	if r := postToken(t, s, tokenForm(), false); r.status != 200 || r.json(t)["access_token"] == nil {
		t.Fatalf("after window: %d %s", r.status, r.body)
	}
	if st := s.Stats(); st.TokensMinted != 11 || st.TokenErrors != 2 || st.TokenRequests != 13 {
		t.Errorf("stats %+v", st)
	}
}

func TestTokenExpiryAndAuthErrors(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, TokenTTL: time.Hour})
	s.Seed(3, 1)
	tok := postToken(t, s, tokenForm(), true).json(t)["access_token"].(string)
	if r := api(t, s, tok, "/books/v3/items"); r.status != 200 || r.header.Get("X-Rate-Limit-Limit") == "" {
		t.Fatalf("fresh token: %d %s", r.status, r.body)
	}
	clk.Advance(time.Hour)

	cases := []struct {
		name   string
		header string
		code   int
		msg    string
	}{
		{"missing header", "", 14, MsgNoAuth},
		{"bearer scheme", "Bearer " + tok, 14, MsgNoAuth},
		{"unknown token", "Zoho-oauthtoken 1000.abc.def", 57, MsgNotAuthz},
		{"expired token", "Zoho-oauthtoken " + tok, 57, MsgNotAuthz},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			req, _ := http.NewRequest("GET", s.URL+"/books/v3/items?organization_id="+DefaultOrgID, nil)
			if tc.header != "" {
				req.Header.Set("Authorization", tc.header)
			}
			res, err := plainClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			b, _ := io.ReadAll(res.Body)
			res.Body.Close()
			r := resp{status: res.StatusCode, header: res.Header, body: b}
			wantError(t, r, 401, tc.code, tc.msg)
			for _, h := range []string{"X-Rate-Limit-Limit", "X-Rate-Limit-Remaining", "X-Rate-Limit-Reset"} {
				if r.header.Get(h) != "" {
					t.Errorf("%s present on 401", h)
				}
			}
		})
	}

	tok2 := s.IssueToken()
	if r := api(t, s, tok2, "/books/v3/items"); r.status != 200 {
		t.Fatalf("issued token: %d", r.status)
	}
	s.ExpireTokens()
	wantError(t, api(t, s, tok2, "/books/v3/items"), 401, 57, MsgNotAuthz)
	if st := s.Stats(); st.Unauthorized != 5 {
		t.Errorf("Unauthorized = %d", st.Unauthorized)
	}
}

// ---- organizations, routing ----

func TestOrganizationsAndRouting(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(3, 1)
	tok := s.IssueToken()
	for _, prefix := range []string{"/books/v3", "/inventory/v1"} {
		r := api(t, s, tok, prefix+"/organizations")
		if r.status != 200 || r.code(t) != 0 || r.json(t)["message"] != "success" {
			t.Fatalf("%s orgs: %d %s", prefix, r.status, r.body)
		}
		orgs := r.json(t)["organizations"].([]any)
		if len(orgs) != 1 || orgs[0].(map[string]any)["organization_id"] != DefaultOrgID || orgs[0].(map[string]any)["name"] != "Emulated Org" {
			t.Errorf("orgs %s", r.body)
		}
		r = api(t, s, tok, prefix+"/organizations/"+DefaultOrgID)
		if org, ok := r.json(t)["organization"].(map[string]any); !ok || org["time_zone"] != OrgTimeZone {
			t.Errorf("org detail %s", r.body)
		}
		wantError(t, api(t, s, tok, prefix+"/organizations/123"), 400, 6041, MsgOrg("123"))
	}

	cases := []struct {
		name, method, path string
		status, code       int
	}{
		{"no organization_id", "GET", "/books/v3/items", 400, 6041},
		{"wrong organization_id", "GET", "/books/v3/items?organization_id=999", 400, 6041},
		{"unknown path", "GET", "/books/v3/invoices?organization_id=" + DefaultOrgID, 404, 5},
		{"itemgroups not in Books", "GET", "/books/v3/itemgroups?organization_id=" + DefaultOrgID, 404, 5},
		{"outside the API", "GET", "/crm/v2/Products", 404, 5},
		{"POST on items", "POST", "/books/v3/items?organization_id=" + DefaultOrgID, 405, 37},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := do(t, nil, tc.method, s.URL+tc.path, tok, nil, "")
			wantError(t, r, tc.status, tc.code, "")
		})
	}
	if r := do(t, nil, "GET", s.URL+"/books/v3/invoices?organization_id="+DefaultOrgID, tok, nil, ""); r.json(t)["message"] != MsgInvalidURL {
		t.Errorf("code 5 message: %s", r.body)
	}
	if r := api(t, s, tok, "/books/v3/items"); !strings.HasPrefix(r.header.Get("Content-Type"), "application/json;charset=UTF-8") {
		t.Errorf("Content-Type %q", r.header.Get("Content-Type"))
	}
}

// ---- items ----

func TestPaging(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(25, 7)
	tok := s.IssueToken()
	var got []string
	var names []string
	wantMore := []bool{true, true, false}
	wantLen := []int{10, 10, 5}
	for page := 1; page <= 3; page++ {
		r := api(t, s, tok, fmt.Sprintf("/books/v3/items?filter_by=Status.All&page=%d&per_page=10", page))
		pc := pageCtx(t, r)
		want := map[string]any{
			"page": json.Number(strconv.Itoa(page)), "per_page": json.Number("10"), "has_more_page": wantMore[page-1],
			"report_name": "Items", "applied_filter": "Status.All", "custom_fields": []any{},
			"sort_column": "name", "sort_order": "A",
		}
		if !reflect.DeepEqual(pc, want) {
			t.Errorf("page %d page_context %v, want %v", page, pc, want)
		}
		rows := items(t, r)
		if len(rows) != wantLen[page-1] {
			t.Fatalf("page %d has %d rows", page, len(rows))
		}
		got = append(got, ids(rows)...)
		for _, row := range rows {
			names = append(names, strings.ToLower(row["name"].(string)))
		}
	}
	all := s.Items()
	if len(got) != len(all) {
		t.Fatalf("paged %d ids, catalogue has %d", len(got), len(all))
	}
	seen := map[string]bool{}
	for _, id := range got {
		seen[id] = true
	}
	for _, it := range all {
		if !seen[it.ItemID] {
			t.Errorf("item %s missing from pages", it.ItemID)
		}
	}
	for i := 1; i < len(names); i++ {
		if names[i-1] > names[i] {
			t.Errorf("not sorted by name: %q > %q", names[i-1], names[i])
		}
	}
	// Past the end, and per_page capped at 200.
	r := api(t, s, tok, "/books/v3/items?filter_by=Status.All&page=4&per_page=10")
	if len(items(t, r)) != 0 || pageCtx(t, r)["has_more_page"] != false {
		t.Errorf("page 4: %s", r.body)
	}
	r = api(t, s, tok, "/books/v3/items?filter_by=Status.All&per_page=500")
	if pageCtx(t, r)["per_page"] != json.Number("200") || len(items(t, r)) != 25 {
		t.Errorf("per_page cap: %v", pageCtx(t, r))
	}
	if st := s.Stats(); st.ListCalls != 5 || st.ByPath["GET /books/v3/items"] != 5 {
		t.Errorf("stats %+v", st)
	}
}

func TestFilterBy(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(60, 3)
	tok := s.IssueToken()
	active, inactive := 0, 0
	for _, it := range s.Items() {
		if it.Status == "active" {
			active++
		} else {
			inactive++
		}
	}
	if inactive == 0 {
		t.Fatal("seed has no inactive item")
	}
	cases := []struct {
		name, path  string
		wantN       int
		wantStatus  string // "" = mixed
		wantApplied string
	}{
		{"books default is active only", "/books/v3/items", active, "active", "Status.Active"},
		{"books Status.All", "/books/v3/items?filter_by=Status.All", active + inactive, "", "Status.All"},
		{"books Status.Active", "/books/v3/items?filter_by=Status.Active", active, "active", "Status.Active"},
		{"books Status.Inactive", "/books/v3/items?filter_by=Status.Inactive", inactive, "inactive", "Status.Inactive"},
		{"inventory default is active only", "/inventory/v1/items", active, "active", "Status.Active"},
		{"inventory Status.All", "/inventory/v1/items?filter_by=Status.All", active + inactive, "", "Status.All"},
		{"inventory extra filter acts as All", "/inventory/v1/items?filter_by=Status.Lowstock", active + inactive, "", "Status.Lowstock"},
		{"inventory status param", "/inventory/v1/items?filter_by=Status.All&status=inactive", inactive, "inactive", "Status.All"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := api(t, s, tok, tc.path)
			rows := items(t, r)
			if len(rows) != tc.wantN {
				t.Errorf("%d rows, want %d", len(rows), tc.wantN)
			}
			for _, row := range rows {
				if tc.wantStatus != "" && row["status"] != tc.wantStatus {
					t.Errorf("row status %v", row["status"])
				}
			}
			if got := pageCtx(t, r)["applied_filter"]; got != tc.wantApplied {
				t.Errorf("applied_filter %v", got)
			}
		})
	}
	for _, path := range []string{
		"/books/v3/items?filter_by=Status.Lowstock",
		"/books/v3/items?filter_by=status.all",
		"/inventory/v1/items?filter_by=Bogus",
	} {
		wantError(t, api(t, s, tok, path), 400, 2, "Invalid value passed for filter_by")
	}
}

func TestListParameters(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	s.Seed(40, 11)
	tok := s.IssueToken()
	all := s.Items()

	// response_option
	r := api(t, s, tok, "/books/v3/items?filter_by=Status.All&per_page=15&response_option=1")
	pc := pageCtx(t, r)
	if pc["total"] != json.Number("40") || pc["total_pages"] != json.Number("3") || len(items(t, r)) != 15 {
		t.Errorf("response_option=1: %v", pc)
	}
	r = api(t, s, tok, "/books/v3/items?filter_by=Status.All&response_option=2")
	if _, has := r.json(t)["items"]; has || pageCtx(t, r)["total"] != json.Number("40") {
		t.Errorf("response_option=2: %s", r.body)
	}

	// sort by rate descending
	r = api(t, s, tok, "/books/v3/items?filter_by=Status.All&sort_column=rate&sort_order=D")
	rows := items(t, r)
	for i := 1; i < len(rows); i++ {
		a, _ := rows[i-1]["rate"].(json.Number).Float64()
		b, _ := rows[i]["rate"].(json.Number).Float64()
		if a < b {
			t.Fatalf("not sorted by rate D: %v < %v", a, b)
		}
	}
	if pc := pageCtx(t, r); pc["sort_column"] != "rate" || pc["sort_order"] != "D" {
		t.Errorf("page_context %v", pc)
	}

	// text filters
	target := all[17]
	for _, q := range []string{
		"name_contains=" + url.QueryEscape(strings.ToUpper(target.Name[2:])),
		"search_text=" + url.QueryEscape(strings.ToLower(target.Name)),
		"name=" + url.QueryEscape(target.Name),
	} {
		rows := items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&"+q))
		found := false
		for _, row := range rows {
			found = found || row["item_id"] == target.ItemID
		}
		if !found {
			t.Errorf("%s did not find %q", q, target.Name)
		}
	}
	if target.SKU != "" {
		rows := items(t, api(t, s, tok, "/inventory/v1/items?filter_by=Status.All&sku="+url.QueryEscape(target.SKU)))
		if len(rows) != 1 || rows[0]["item_id"] != target.ItemID {
			t.Errorf("sku filter: %v", ids(rows))
		}
	}
	rows = items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&rate_greater_than=500"))
	for _, row := range rows {
		if v, _ := row["rate"].(json.Number).Float64(); v <= 500 {
			t.Errorf("rate %v not > 500", v)
		}
	}

	// last_modified_time: strict by default, inclusive on request
	clk.Advance(30 * time.Minute)
	s.UpdateItem(all[0].ItemID, func(it *Item) { it.Rate = 1.5 })
	edited, _ := s.Item(all[0].ItemID)
	stamp := url.QueryEscape(edited.LastModifiedTime.In(OrgLocation).Format(TimeLayout))
	if n := len(items(t, api(t, s, tok, "/inventory/v1/items?filter_by=Status.All&last_modified_time="+stamp))); n != 0 {
		t.Errorf("strict filter returned %d rows", n)
	}
	s.SetLastModifiedInclusive(true)
	rows = items(t, api(t, s, tok, "/inventory/v1/items?filter_by=Status.All&last_modified_time="+stamp))
	if len(rows) != 1 || rows[0]["item_id"] != edited.ItemID {
		t.Errorf("inclusive filter: %v", ids(rows))
	}
	before := url.QueryEscape(edited.LastModifiedTime.Add(-time.Second).Format(TimeLayout))
	s.SetLastModifiedInclusive(false)
	rows = items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&sort_column=last_modified_time&last_modified_time="+before))
	if len(rows) != 1 || rows[0]["item_id"] != edited.ItemID {
		t.Errorf("strict filter one second before: %v", ids(rows))
	}

	// invalid values
	for _, q := range []string{"sort_column=colour", "sort_order=X", "page=0", "per_page=abc", "response_option=3",
		"rate_less_than=cheap", "last_modified_time=yesterday",
		"last_modified_time=2025-03-10T10:00:00 0530"} {
		r := api(t, s, tok, "/books/v3/items?filter_by=Status.All&"+strings.ReplaceAll(q, " ", "+"))
		param := strings.SplitN(q, "=", 2)[0]
		wantError(t, r, 400, 2, "Invalid value passed for "+param)
	}
}

func TestLiveOffsetsShiftPages(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(20, 5)
	tok := s.IssueToken()
	p1 := ids(items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&per_page=10&page=1")))
	s.PutItem(Item{Name: "!!! first by name", Status: "active", Rate: 1})
	p2 := ids(items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&per_page=10&page=2")))
	if p2[0] != p1[9] {
		t.Errorf("an insertion before page 2 should repeat page 1's last item: p1=%v p2=%v", p1, p2)
	}
}

var tsRe = regexp.MustCompile(`^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\+0530$`)

func TestDetailAndShapes(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	s.Seed(30, 9)
	tok := s.IssueToken()
	all := s.Items()

	var withCF, variant Item
	for _, it := range all {
		if len(it.CustomFields) > 0 && withCF.ItemID == "" {
			withCF = it
		}
		if it.GroupID != "" && variant.ItemID == "" {
			variant = it
		}
	}
	if withCF.ItemID == "" || variant.ItemID == "" {
		t.Fatal("seed lacks custom fields or variants")
	}

	r := api(t, s, tok, "/books/v3/items/"+withCF.ItemID)
	if r.status != 200 || r.code(t) != 0 {
		t.Fatalf("detail: %d %s", r.status, r.body)
	}
	var raw struct {
		Item map[string]json.RawMessage `json:"item"`
	}
	json.Unmarshal(r.body, &raw)
	kinds := map[string]byte{"item_id": '"', "rate": 'n', "purchase_rate": 'n', "tax_percentage": 'n', "reorder_level": '"',
		"length": '"', "weight": '"', "created_time": '"', "last_modified_time": '"', "custom_fields": '[', "locations": '[',
		"image_document_id": '"', "status": '"'}
	for k, want := range kinds {
		v, ok := raw.Item[k]
		if !ok {
			t.Errorf("detail lacks %s", k)
			continue
		}
		got := v[0]
		if got >= '0' && got <= '9' || got == '-' {
			got = 'n'
		}
		if got != want {
			t.Errorf("%s = %s, want kind %c", k, v, want)
		}
	}
	for _, k := range []string{"created_time", "last_modified_time"} {
		var ts string
		json.Unmarshal(raw.Item[k], &ts)
		if !tsRe.MatchString(ts) {
			t.Errorf("%s = %q", k, ts)
		}
	}
	if _, has := raw.Item["group_id"]; has {
		t.Errorf("Books detail carries Inventory-only group_id")
	}

	// Lists omit custom_fields; Inventory shows variant fields.
	row := items(t, api(t, s, tok, "/inventory/v1/items?filter_by=Status.All&item_id="+variant.ItemID))[0]
	if row["group_id"] != variant.GroupID || row["attribute_name1"] != "Size" || row["attribute_option_name1"] == "" {
		t.Errorf("inventory variant row %v", row)
	}
	if _, has := row["custom_fields"]; has {
		t.Errorf("list row carries custom_fields")
	}
	row = items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All&item_id="+variant.ItemID))[0]
	if _, has := row["group_id"]; has {
		t.Errorf("Books row carries group_id")
	}

	// Unknown and deleted items.
	wantError(t, api(t, s, tok, "/inventory/v1/items/2077599999999999999"), 404, 1002, MsgItemNotFound)
	victim := all[3].ItemID
	if !s.DeleteItem(victim) {
		t.Fatal("DeleteItem")
	}
	wantError(t, api(t, s, tok, "/books/v3/items/"+victim), 404, 1002, MsgItemNotFound)
	for _, id := range ids(items(t, api(t, s, tok, "/books/v3/items?filter_by=Status.All"))) {
		if id == victim {
			t.Errorf("deleted item still listed")
		}
	}

	// Deactivation flips status and bumps last_modified_time.
	clk.Advance(time.Minute)
	s.UpdateItem(all[4].ItemID, func(it *Item) { it.Status = "inactive" })
	it, _ := s.Item(all[4].ItemID)
	if it.Status != "inactive" || !it.LastModifiedTime.Equal(clk.Now()) {
		t.Errorf("deactivated item %+v", it)
	}
	if st := s.Stats(); st.DetailCalls != 3 || st.ByPath["GET /books/v3/items/{id}"] != 2 || st.ByPath["GET /inventory/v1/items/{id}"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestItemDetails(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(12, 2)
	tok := s.IssueToken()
	all := s.Items()
	req := []string{all[9].ItemID, "2077500000000000001", all[2].ItemID, all[5].ItemID}
	r := api(t, s, tok, "/books/v3/itemdetails?item_ids="+strings.Join(req, ","))
	rows := items(t, r)
	want := []string{all[9].ItemID, all[2].ItemID, all[5].ItemID}
	if !reflect.DeepEqual(ids(rows), want) {
		t.Errorf("itemdetails order %v, want %v", ids(rows), want)
	}
	if _, ok := rows[0]["custom_fields"]; !ok {
		t.Errorf("itemdetails rows lack detail fields")
	}
	wantError(t, api(t, s, tok, "/inventory/v1/itemdetails"), 400, 2, "Invalid value passed for item_ids")
	if st := s.Stats(); st.ItemDetailCalls != 2 || st.ByPath["GET /books/v3/itemdetails"] != 1 {
		t.Errorf("stats %+v", st)
	}
}

func TestItemGroups(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(20, 4)
	tok := s.IssueToken()
	r := api(t, s, tok, "/inventory/v1/itemgroups")
	groups := r.json(t)["itemgroups"].([]any)
	if len(groups) == 0 {
		t.Fatalf("no groups: %s", r.body)
	}
	g := groups[0].(map[string]any)
	id := g["group_id"].(string)
	r = api(t, s, tok, "/inventory/v1/itemgroups/"+id)
	detail := r.json(t)["item_group"].(map[string]any)
	if vs := detail["items"].([]any); len(vs) != 3 {
		t.Errorf("specimen group has %d variants", len(vs))
	}
	wantError(t, api(t, s, tok, "/inventory/v1/itemgroups/1"), 404, 1002, "")
	r = api(t, s, tok, "/inventory/v1/compositeitems")
	if c := r.json(t)["composite_items"].([]any); len(c) != 0 {
		t.Errorf("composites %s", r.body)
	}
}

// ---- images ----

func TestImages(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(30, 8)
	tok := s.IssueToken()
	var pngItem, jpgItem, noImage Item
	for _, it := range s.Items() {
		switch {
		case it.ImageType == "png" && pngItem.ItemID == "":
			pngItem = it
		case it.ImageType == "jpg" && jpgItem.ItemID == "":
			jpgItem = it
		case !it.HasImage() && noImage.ItemID == "":
			noImage = it
		}
	}
	if pngItem.ItemID == "" || jpgItem.ItemID == "" || noImage.ItemID == "" {
		t.Fatal("seed lacks png/jpg/no-image items")
	}
	cases := []struct {
		name, path, ct string
		decode         func(io.Reader) error
	}{
		{"books png", "/books/v3/items/" + pngItem.ItemID + "/image", "image/png", func(r io.Reader) error { _, err := png.Decode(r); return err }},
		{"inventory jpeg", "/inventory/v1/items/" + jpgItem.ItemID + "/image", "image/jpeg", func(r io.Reader) error { _, err := jpeg.Decode(r); return err }},
		{"with document_id", "/inventory/v1/items/" + pngItem.ItemID + "/image?document_id=" + pngItem.ImageDocumentID, "image/png", func(r io.Reader) error { _, err := png.Decode(r); return err }},
	}
	var first []byte
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			r := api(t, s, tok, tc.path)
			if r.status != 200 || r.header.Get("Content-Type") != tc.ct {
				t.Fatalf("%d %q", r.status, r.header.Get("Content-Type"))
			}
			if err := tc.decode(bytes.NewReader(r.body)); err != nil {
				t.Errorf("decode: %v", err)
			}
			if r.header.Get("X-Rate-Limit-Remaining") == "" {
				t.Errorf("no rate headers")
			}
			if first == nil {
				first = r.body
			}
		})
	}
	again := api(t, s, tok, "/books/v3/items/"+pngItem.ItemID+"/image")
	if !bytes.Equal(again.body, first) {
		t.Errorf("image bytes not stable")
	}
	other := api(t, s, tok, "/books/v3/items/"+jpgItem.ItemID+"/image")
	if bytes.Equal(other.body, first) {
		t.Errorf("two items share image bytes")
	}

	wantError(t, api(t, s, tok, "/books/v3/items/"+noImage.ItemID+"/image"), 404, 1002, MsgNoImage)
	wantError(t, api(t, s, tok, "/books/v3/items/"+pngItem.ItemID+"/image?document_id=42"), 404, 1002, MsgNoImage)
	wantError(t, api(t, s, tok, "/books/v3/items/2077500000000000001/image"), 404, 1002, MsgItemNotFound)

	// SetImage: new document id, served bytes and type; same bytes keep the id.
	data := []byte("GIF89a fake")
	s.SetImage(noImage.ItemID, "image/gif", data)
	it, _ := s.Item(noImage.ItemID)
	if it.ImageType != "gif" || it.ImageDocumentID == "" || it.ImageID == it.ImageDocumentID || !it.LastModifiedTime.Equal(noImage.LastModifiedTime) {
		t.Errorf("after SetImage: %+v", it)
	}
	r := api(t, s, tok, "/inventory/v1/items/"+noImage.ItemID+"/image")
	if r.status != 200 || r.header.Get("Content-Type") != "image/gif" || !bytes.Equal(r.body, data) {
		t.Errorf("custom image: %d %q %q", r.status, r.header.Get("Content-Type"), r.body)
	}
	s.SetImage(noImage.ItemID, "image/gif", data)
	if it2, _ := s.Item(noImage.ItemID); it2.ImageDocumentID != it.ImageDocumentID {
		t.Errorf("same bytes changed the document id")
	}
	s.SetImageBumpsModified(true)
	s.SetImage(noImage.ItemID, "image/png", first)
	if it3, _ := s.Item(noImage.ItemID); it3.ImageDocumentID == it.ImageDocumentID || it3.ImageType != "png" {
		t.Errorf("new bytes kept document id: %+v", it3)
	}
	s.ClearImage(pngItem.ItemID)
	wantError(t, api(t, s, tok, "/books/v3/items/"+pngItem.ItemID+"/image"), 404, 1002, MsgNoImage)
	if it, _ := s.Item(pngItem.ItemID); it.ImageName != "" || it.ImageDocumentID != "" {
		t.Errorf("ClearImage left %+v", it)
	}

	// Group image falls back to the first variant with an image.
	if r := api(t, s, tok, "/inventory/v1/itemgroups/1/image"); r.status != 404 {
		t.Errorf("unknown group image: %d", r.status)
	}
	if st := s.Stats(); st.ImageCalls != 11 || st.ByPath["GET /books/v3/items/{id}/image"] != 7 {
		t.Errorf("stats %+v", st)
	}
}

func TestLargeImages(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(20, 8)
	s.SeedImageSize(200_000)
	tok := s.IssueToken()
	done := map[string]bool{}
	for _, it := range s.Items() {
		if !it.HasImage() || done[it.ImageType] {
			continue
		}
		done[it.ImageType] = true
		r := api(t, s, tok, "/books/v3/items/"+it.ItemID+"/image")
		if r.status != 200 {
			t.Fatalf("%d", r.status)
		}
		if n := len(r.body); n < 160_000 || n > 260_000 {
			t.Errorf("%s image is %d bytes, want about 200000", it.ImageType, n)
		}
		var err error
		if it.ImageType == "png" {
			_, err = png.Decode(bytes.NewReader(r.body))
		} else {
			_, err = jpeg.Decode(bytes.NewReader(r.body))
		}
		if err != nil {
			t.Errorf("%s decode: %v", it.ImageType, err)
		}
	}
	if len(done) != 2 {
		t.Errorf("checked %v", done)
	}
}

// ---- limits ----

func TestPerMinuteLimit(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, PerMinuteLimit: 3, DailyLimit: -1})
	tok := s.IssueToken()
	for i := 0; i < 3; i++ {
		if r := api(t, s, tok, "/books/v3/items"); r.status != 200 {
			t.Fatalf("call %d: %d", i, r.status)
		}
		clk.Advance(10 * time.Second)
	}
	wantError(t, api(t, s, tok, "/books/v3/items"), 429, 44, MsgPerMinute)
	wantError(t, api(t, s, tok, "/inventory/v1/organizations"), 429, 44, MsgPerMinute)
	clk.Advance(30 * time.Second) // the window opened 60 s ago
	if r := api(t, s, tok, "/books/v3/items"); r.status != 200 {
		t.Fatalf("after the window: %d %s", r.status, r.body)
	}
	st := s.Stats()
	if st.RateLimited44 != 2 || st.APICalls != 6 || st.PeakPerMinute != 3 {
		t.Errorf("stats %+v", st)
	}
}

// TestPeakPerMinuteSeesBurstsAcrossTheFixedWindow: the fixed window admits
// 2 + 3 calls within 2 seconds; the sliding count says so.
func TestPeakPerMinuteSeesBurstsAcrossTheFixedWindow(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now, PerMinuteLimit: 3, DailyLimit: -1})
	tok := s.IssueToken()
	for _, step := range []time.Duration{0, 59 * time.Second, 0, 1 * time.Second, 0, 0} {
		clk.Advance(step)
		if r := api(t, s, tok, "/books/v3/items"); r.status != 200 {
			t.Fatalf("%d %s", r.status, r.body)
		}
	}
	if st := s.Stats(); st.PeakPerMinute != 5 || st.RateLimited44 != 0 {
		t.Errorf("peak %d, 429s %d; want 5 and 0", st.PeakPerMinute, st.RateLimited44)
	}
}

func TestDailyLimit(t *testing.T) {
	clk := newClock() // 17:30 IST
	s := newServer(t, Options{Now: clk.Now, DailyLimit: 5, PerMinuteLimit: -1})
	tok := s.IssueToken()
	for i := 0; i < 5; i++ {
		r := api(t, s, tok, "/books/v3/items")
		if r.status != 200 {
			t.Fatalf("call %d: %d", i, r.status)
		}
		if r.header.Get("X-Rate-Limit-Limit") != "5" || r.header.Get("X-Rate-Limit-Remaining") != strconv.Itoa(4-i) {
			t.Errorf("call %d headers %v", i, r.header)
		}
		if r.header.Get("X-Rate-Limit-Reset") != strconv.Itoa(int((6*time.Hour+30*time.Minute)/time.Second)) {
			t.Errorf("reset %q", r.header.Get("X-Rate-Limit-Reset"))
		}
	}
	r := api(t, s, tok, "/books/v3/items")
	wantError(t, r, 429, 45, "The API call for this organization has exceeded the maximum call rate limit of 5.")
	if r.header.Get("X-Rate-Limit-Remaining") != "0" || r.header.Get("X-Rate-Limit-Reset") == "" {
		t.Errorf("45 headers %v", r.header)
	}
	if r := api(t, s, tok, "/books/v3/organizations"); r.status != 429 {
		t.Errorf("organizations also count: %d", r.status)
	}
	clk.Advance(6*time.Hour + 30*time.Minute) // midnight IST
	tok = s.IssueToken()                      // the old one expired meanwhile
	if r := api(t, s, tok, "/books/v3/items"); r.status != 200 || r.header.Get("X-Rate-Limit-Remaining") != "4" {
		t.Errorf("new day: %d %v", r.status, r.header)
	}
	if st := s.Stats(); st.Quota45 != 2 {
		t.Errorf("stats %+v", st)
	}
	s.SetLimits(-1, -1, -1)
	if r := api(t, s, tok, "/books/v3/items"); r.header.Get("X-Rate-Limit-Limit") != "" {
		t.Errorf("unlimited daily quota still sends headers")
	}
}

func TestConcurrencyLimit(t *testing.T) {
	s := newServer(t, Options{ConcurrencyLimit: 2, Latency: 300 * time.Millisecond})
	s.Seed(5, 1)
	tok := s.IssueToken()
	const n = 6
	var wg sync.WaitGroup
	codes := make([]int, n)
	start := make(chan struct{})
	for i := 0; i < n; i++ {
		wg.Add(1)
		go func(i int) {
			defer wg.Done()
			<-start
			r := do(t, nil, "GET", s.URL+"/books/v3/items?organization_id="+DefaultOrgID, tok, nil, "")
			if r.err != nil {
				t.Error(r.err)
				return
			}
			if r.status == 200 {
				codes[i] = 0
			} else {
				var e errorBody
				json.Unmarshal(r.body, &e)
				codes[i] = e.Code
				if r.status != 429 || e.Message != MsgConcurrency {
					t.Errorf("refusal %d %s", r.status, r.body)
				}
			}
		}(i)
	}
	close(start)
	wg.Wait()
	ok, refused := 0, 0
	for _, c := range codes {
		switch c {
		case 0:
			ok++
		case 1070:
			refused++
		default:
			t.Errorf("code %d", c)
		}
	}
	st := s.Stats()
	if ok < 1 || refused < 1 || st.Concurrency1070 != refused || st.MaxInFlight > 2 {
		t.Errorf("ok=%d refused=%d stats=%+v", ok, refused, st)
	}
	s.SetLatency(0)
	if r := api(t, s, tok, "/books/v3/items"); r.status != 200 {
		t.Errorf("after the burst: %d", r.status)
	}
}

// ---- faults ----

func TestFaults(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(20, 6)
	tok := s.IssueToken()
	var imgID string
	for _, it := range s.Items() {
		if it.ImageType == "png" {
			imgID = it.ItemID
			break
		}
	}
	list := "/books/v3/items?organization_id=" + DefaultOrgID
	image := "/books/v3/items/" + imgID + "/image?organization_id=" + DefaultOrgID
	fresh := &http.Client{Timeout: 5 * time.Second, Transport: &http.Transport{DisableKeepAlives: true}}
	quick := &http.Client{Timeout: 300 * time.Millisecond, Transport: &http.Transport{DisableKeepAlives: true}}

	jsonErr := func(status, code int) func(*testing.T, resp) {
		return func(t *testing.T, r resp) { t.Helper(); wantError(t, r, status, code, "") }
	}
	cases := []struct {
		name   string
		fault  Fault
		path   string
		client *http.Client
		check  func(*testing.T, resp)
	}{
		{"500", Fault{Kind: FaultHTTP500}, list, nil, jsonErr(500, 1000)},
		{"503 html", Fault{Kind: Fault503HTML}, list, nil, func(t *testing.T, r resp) {
			if r.status != 503 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.HasPrefix(r.body, []byte("<html>")) {
				t.Errorf("%d %q %q", r.status, r.header.Get("Content-Type"), r.body)
			}
		}},
		{"truncated json", Fault{Kind: FaultTruncatedJSON}, list, nil, func(t *testing.T, r resp) {
			var v any
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || json.Unmarshal(r.body, &v) == nil || len(r.body) < 100 {
				t.Errorf("%d %q %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
			}
		}},
		{"429 code 44", Fault{Kind: Fault429}, list, nil, jsonErr(429, 44)},
		{"1070", Fault{Kind: FaultConcurrency1070}, list, nil, jsonErr(429, 1070)},
		{"45", Fault{Kind: FaultQuota45}, list, nil, jsonErr(429, 45)},
		{"45 with 200", Fault{Kind: FaultQuota45HTTP200}, list, nil, jsonErr(200, 45)},
		{"slow", Fault{Kind: FaultSlow, Delay: 150 * time.Millisecond}, list, nil, nil},
		{"timeout held until the client gives up", Fault{Kind: FaultTimeout}, list, quick, func(t *testing.T, r resp) {
			if r.err == nil {
				t.Errorf("expected a client timeout, got %d", r.status)
			}
		}},
		{"timeout with delay", Fault{Kind: FaultTimeout, Delay: 50 * time.Millisecond}, list, fresh, func(t *testing.T, r resp) {
			if r.err == nil {
				t.Errorf("expected a dropped connection, got %d", r.status)
			}
		}},
		{"token expired", Fault{Kind: FaultTokenExpired}, list, nil, jsonErr(401, 57)},
		{"image json 200", Fault{Kind: FaultImageJSON200}, image, nil, func(t *testing.T, r resp) {
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "application/json") || r.code(t) != 1000 {
				t.Errorf("%d %q %s", r.status, r.header.Get("Content-Type"), r.body)
			}
		}},
		{"image html 200", Fault{Kind: FaultImageHTML200}, image, nil, func(t *testing.T, r resp) {
			if r.status != 200 || !strings.HasPrefix(r.header.Get("Content-Type"), "text/html") || !bytes.HasPrefix(r.body, []byte("<html>")) {
				t.Errorf("%d %q %q", r.status, r.header.Get("Content-Type"), r.body)
			}
		}},
		{"image truncated", Fault{Kind: FaultImageTruncated}, image, nil, func(t *testing.T, r resp) {
			_, err := png.Decode(bytes.NewReader(r.body))
			if r.status != 200 || r.header.Get("Content-Type") != "image/png" || !bytes.HasPrefix(r.body, []byte("\x89PNG")) || err == nil {
				t.Errorf("%d %q %d bytes err=%v", r.status, r.header.Get("Content-Type"), len(r.body), err)
			}
		}},
		{"image empty", Fault{Kind: FaultImageEmpty}, image, nil, func(t *testing.T, r resp) {
			if r.status != 200 || r.header.Get("Content-Type") != "image/jpeg" || len(r.body) != 0 {
				t.Errorf("%d %q %d bytes", r.status, r.header.Get("Content-Type"), len(r.body))
			}
		}},
		{"drop connection", Fault{Kind: FaultDropConnection}, list, fresh, func(t *testing.T, r resp) {
			if r.err == nil {
				t.Errorf("expected a transport error, got %d", r.status)
			}
		}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			s.ClearFaults()
			s.Inject(tc.fault)
			began := time.Now()
			r := do(t, tc.client, "GET", s.URL+tc.path, tok, nil, "")
			if tc.check != nil {
				tc.check(t, r)
			} else if r.err != nil || r.status != 200 {
				t.Errorf("%v %d", r.err, r.status)
			}
			if tc.fault.Kind == FaultSlow && time.Since(began) < tc.fault.Delay {
				t.Errorf("slow fault answered after %v", time.Since(began))
			}
			if s.PendingFaults() != 0 {
				t.Errorf("fault not consumed")
			}
			// Times defaults to 1: the next request is normal.
			if r := do(t, nil, "GET", s.URL+tc.path, tok, nil, ""); r.err != nil || r.status != 200 {
				t.Errorf("after the fault: %v %d %s", r.err, r.status, r.body)
			}
		})
	}

	t.Run("image faults skip non-image paths", func(t *testing.T) {
		s.ClearFaults()
		s.Inject(Fault{Kind: FaultImageEmpty})
		if r := do(t, nil, "GET", s.URL+list, tok, nil, ""); r.status != 200 || s.PendingFaults() != 1 {
			t.Errorf("%d pending=%d", r.status, s.PendingFaults())
		}
	})
	t.Run("after and times", func(t *testing.T) {
		s.ClearFaults()
		s.Inject(Fault{Kind: FaultHTTP500, Path: "/items", After: 2, Times: 2})
		var got []int
		for i := 0; i < 5; i++ {
			got = append(got, do(t, nil, "GET", s.URL+list, tok, nil, "").status)
		}
		if want := []int{200, 200, 500, 500, 200}; !reflect.DeepEqual(got, want) {
			t.Errorf("statuses %v, want %v", got, want)
		}
		if r := api(t, s, tok, "/books/v3/organizations"); r.status != 200 {
			t.Errorf("path filter ignored")
		}
	})
	t.Run("forever until cleared", func(t *testing.T) {
		s.ClearFaults()
		s.Inject(Fault{Kind: Fault429, Times: -1})
		for i := 0; i < 3; i++ {
			wantError(t, do(t, nil, "GET", s.URL+list, tok, nil, ""), 429, 44, MsgPerMinute)
		}
		s.ClearFaults()
		if r := do(t, nil, "GET", s.URL+list, tok, nil, ""); r.status != 200 {
			t.Errorf("after ClearFaults: %d", r.status)
		}
	})
	t.Run("token endpoint", func(t *testing.T) {
		s.ClearFaults()
		s.Inject(Fault{Kind: FaultHTTP500, Path: "/oauth/v2/token"})
		s.Inject(Fault{Kind: FaultHTTP500}) // "" never targets the token endpoint
		if r := postToken(t, s, tokenForm(), true); r.status != 500 {
			t.Errorf("token fault: %d", r.status)
		}
		if r := postToken(t, s, tokenForm(), true); r.status != 200 {
			t.Errorf("token after fault: %d %s", r.status, r.body)
		}
		s.Inject(Fault{Kind: FaultTruncatedJSON, Path: "/oauth/v2/token"})
		var v any
		if r := postToken(t, s, tokenForm(), true); r.status != 200 || json.Unmarshal(r.body, &v) == nil {
			t.Errorf("truncated token body %q", r.body)
		}
	})
	s.ClearFaults()
}

// ---- seeding ----

func TestSeedDeterminism(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(600, 42)
	a := s.Items()
	s.Seed(600, 42)
	b := s.Items()
	if !reflect.DeepEqual(a, b) {
		t.Fatal("same seed gave different items")
	}
	s.Seed(600, 43)
	if reflect.DeepEqual(a, s.Items()) {
		t.Fatal("different seeds gave the same items")
	}

	const two53 = 1 << 53
	idsSeen, names := map[string]bool{}, map[string]bool{}
	var inactive, grouped, noSKU, multiline, htmlish, nonASCII, images int
	units := map[string]int{}
	for _, it := range a {
		n, err := strconv.ParseUint(it.ItemID, 10, 64)
		if err != nil || n <= two53 || idsSeen[it.ItemID] {
			t.Fatalf("bad or duplicate id %q", it.ItemID)
		}
		idsSeen[it.ItemID] = true
		if names[strings.ToLower(it.Name)] {
			t.Fatalf("duplicate name %q", it.Name)
		}
		names[strings.ToLower(it.Name)] = true
		if it.Status == "inactive" {
			inactive++
		}
		if it.GroupID != "" {
			grouped++
		}
		if it.SKU == "" {
			noSKU++
		}
		if strings.Contains(it.Description, "\n") {
			multiline++
		}
		if strings.Contains(it.Description, "<") {
			htmlish++
		}
		if utf8.RuneCountInString(it.Name) != len(it.Name) {
			nonASCII++
		}
		if it.HasImage() {
			images++
			if it.ImageDocumentID == it.ImageID || it.ImageName == "" {
				t.Errorf("image fields %+v", it)
			}
		}
		units[it.Unit]++
		if it.Status != "active" && it.Status != "inactive" {
			t.Errorf("status %q", it.Status)
		}
	}
	for _, u := range []string{"pcs", "kg", "box", "m", "l", ""} {
		if units[u] == 0 {
			t.Errorf("no item with unit %q", u)
		}
	}
	if len(units) != 6 {
		t.Errorf("units %v", units)
	}
	t.Logf("600 items: inactive=%d grouped=%d noSKU=%d multiline=%d html=%d nonASCII=%d images=%d",
		inactive, grouped, noSKU, multiline, htmlish, nonASCII, images)
	if inactive < 10 || inactive > 60 || grouped < 10 || noSKU < 2 || multiline == 0 || htmlish == 0 || nonASCII < 20 ||
		images < 300 || images > 420 {
		t.Errorf("mix off")
	}

	// Small catalogues still contain one of each specimen.
	s.Seed(10, 1)
	sm := s.Items()
	if sm[1].Status != "inactive" || sm[2].SKU != "" || !strings.Contains(sm[3].Description, "<") ||
		utf8.RuneCountInString(sm[4].Name) == len(sm[4].Name) || sm[5].GroupID == "" || sm[5].GroupID != sm[7].GroupID ||
		sm[0].ImageType != "png" || sm[8].HasImage() {
		t.Errorf("specimens wrong: %+v", sm)
	}
}

func TestSeedLarge(t *testing.T) {
	s := newServer(t, Options{})
	s.Seed(100000, 1)
	if s.Len() != 100000 {
		t.Fatalf("Len %d", s.Len())
	}
	tok := s.IssueToken()
	r := api(t, s, tok, "/inventory/v1/items?filter_by=Status.All&page=500&response_option=1")
	if len(items(t, r)) != 200 || pageCtx(t, r)["total"] != json.Number("100000") || pageCtx(t, r)["has_more_page"] != false {
		t.Errorf("page 500: %v", pageCtx(t, r))
	}
	last := s.Items()[99999]
	if last.HasImage() {
		if r := api(t, s, tok, "/books/v3/items/"+last.ItemID+"/image"); r.status != 200 {
			t.Errorf("image of last item: %d", r.status)
		}
	}
}

func TestPutItemAndStats(t *testing.T) {
	clk := newClock()
	s := newServer(t, Options{Now: clk.Now})
	s.PutItem(Item{Name: "Manual", Rate: 12.5, SKU: "MAN-1"})
	all := s.Items()
	if len(all) != 1 || all[0].Status != "active" || !all[0].CreatedTime.Equal(clk.Now()) {
		t.Fatalf("%+v", all)
	}
	if n, _ := strconv.ParseUint(all[0].ItemID, 10, 64); n <= 1<<53 {
		t.Errorf("generated id %s", all[0].ItemID)
	}
	clk.Advance(time.Minute)
	it := all[0]
	it.Name = "Manual v2"
	s.PutItem(it)
	got, _ := s.Item(it.ItemID)
	if !got.CreatedTime.Equal(all[0].CreatedTime) || !got.LastModifiedTime.Equal(clk.Now()) || got.Name != "Manual v2" {
		t.Errorf("%+v", got)
	}
	if s.UpdateItem("nope", func(*Item) {}) || s.DeleteItem("nope") {
		t.Error("unknown id reported as found")
	}
	tok := s.IssueToken()
	api(t, s, tok, "/books/v3/items/"+it.ItemID+"/image")
	st := s.Stats()
	if st.APICalls != 1 || st.ImageCalls != 1 || st.ByPath["GET /books/v3/items/{id}/image"] != 1 {
		t.Errorf("%+v", st)
	}
	s.ResetStats()
	if st := s.Stats(); st.APICalls != 0 || len(st.ByPath) != 0 {
		t.Errorf("%+v", st)
	}
}
