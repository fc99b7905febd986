// Package config reads zohosync's configuration directory: the Python tool's
// zoho_config.json, field_mapping.json and sync_schedule.json, plus
// odoo_config.json (docs/python-tool.md#configuration-files). Every problem comes back as one line naming the file and
// the key, so a person can fix it without reading code.
package config

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"io/fs"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"time"
)

// File names inside the config directory.
const (
	ZohoFile     = "zoho_config.json"
	OdooFile     = "odoo_config.json"
	MappingFile  = "field_mapping.json"
	ScheduleFile = "sync_schedule.json"
)

// Environment variables that override secrets (and the client id) from the files.
const (
	EnvZohoClientID     = "ZOHOSYNC_ZOHO_CLIENT_ID"
	EnvZohoClientSecret = "ZOHOSYNC_ZOHO_CLIENT_SECRET"
	EnvZohoRefreshToken = "ZOHOSYNC_ZOHO_REFRESH_TOKEN"
	EnvOdooPassword     = "ZOHOSYNC_ODOO_PASSWORD"
)

// Config is everything read from the config directory.
type Config struct {
	Dir     string
	Zoho    Zoho
	Odoo    Odoo
	Mapping Mapping
}

// Zoho is zoho_config.json after defaults and environment overrides.
type Zoho struct {
	BooksBaseURL       string // e.g. https://www.zohoapis.com/books/v3
	InventoryBaseURL   string // e.g. https://www.zohoapis.com/inventory/v1
	AccountsURL        string // e.g. https://accounts.zoho.com
	DataCenter         string // US, EU, ... or CUSTOM
	ClientID           string
	ClientSecret       Secret
	ClientSecretSource string
	RefreshToken       Secret
	RefreshTokenSource string
	OrganizationID     string
	ItemSource         string // "books" or "inventory"
	RequestsPerMinute  int    // our own ceiling, below Zoho's 100/minute
	MaxConcurrency     int    // requests in flight at once
	Retry              Retry
	// Incremental reads (docs/zoho.md#incremental-reads): how far before the
	// cursor a smart sync reads again, and how old the last full listing may be
	// before a smart sync lists everything (0: every smart sync lists everything).
	ModifiedOverlap  time.Duration
	FullListingEvery time.Duration
	// QuotaReservePercent of the daily allowance is left for the
	// organisation's other apps (zoho_books.quota_reserve_percent, default 20).
	QuotaReservePercent float64
}

// Retry tunes retries of failed calls (optional keys in the config files).
type Retry struct {
	MaxAttempts   int           // attempts per call
	BaseDelay     time.Duration // first wait after a 5xx or a dropped connection, doubled per attempt
	RateLimitWait time.Duration // first wait after Zoho's per-minute limit (code 44)
	Timeout       time.Duration // per call (Odoo)
}

// Odoo is odoo_config.json after environment overrides.
type Odoo struct {
	URL            string
	DB             string
	Username       string
	Password       Secret
	PasswordSource string
	Retry          Retry
}

// DataCenter is one Zoho data centre (docs/zoho.md#data-centres-and-hosts).
type DataCenter struct {
	Name, APIHost, AccountsURL string
}

// DataCenters lists every data centre in docs/zoho.md#data-centres-and-hosts; the UK one is unconfirmed for Books/Inventory.
var DataCenters = []DataCenter{
	{"US", "www.zohoapis.com", "https://accounts.zoho.com"},
	{"EU", "www.zohoapis.eu", "https://accounts.zoho.eu"},
	{"IN", "www.zohoapis.in", "https://accounts.zoho.in"},
	{"AU", "www.zohoapis.com.au", "https://accounts.zoho.com.au"},
	{"JP", "www.zohoapis.jp", "https://accounts.zoho.jp"},
	{"CA", "www.zohoapis.ca", "https://accounts.zohocloud.ca"},
	{"CN", "www.zohoapis.com.cn", "https://accounts.zoho.com.cn"},
	{"SA", "www.zohoapis.sa", "https://accounts.zoho.sa"},
	{"UK", "www.zohoapis.uk", "https://accounts.zoho.uk"},
}

// dataCenterFor finds the data centre of an API URL, accepting the legacy
// books.zoho.<tld> / inventory.zoho.<tld> hosts too.
func dataCenterFor(rawURL string) (DataCenter, bool) {
	u, err := url.Parse(rawURL)
	if err != nil {
		return DataCenter{}, false
	}
	host := strings.ToLower(u.Hostname())
	for _, dc := range DataCenters {
		tld := strings.TrimPrefix(dc.APIHost, "www.zohoapis.")
		if host == dc.APIHost || host == "zohoapis."+tld ||
			host == "books.zoho."+tld || host == "inventory.zoho."+tld {
			return dc, true
		}
	}
	if host == "books.zohocloud.ca" || host == "inventory.zohocloud.ca" {
		return DataCenters[5], true
	}
	return DataCenter{}, false
}

// Error is a configuration problem: one line naming the file and what is wrong.
type Error struct {
	File string
	Msg  string
}

func (e *Error) Error() string {
	if e.File == "" {
		return "config: " + e.Msg
	}
	return e.File + ": " + e.Msg
}

func errorf(file, format string, args ...any) error {
	return &Error{File: file, Msg: fmt.Sprintf(format, args...)}
}

// Load reads and checks every file of the config directory. A missing
// sync_schedule.json is not an error (see LoadSchedule); a missing
// field_mapping.json means the built-in mapping.
func Load(dir string) (*Config, error) {
	if dir == "" {
		return nil, errorf("", "no config directory given (--config-dir)")
	}
	st, err := os.Stat(dir)
	if err != nil || !st.IsDir() {
		return nil, errorf("", "config directory %s does not exist", dir)
	}
	c := &Config{Dir: dir}
	if c.Zoho, err = loadZoho(filepath.Join(dir, ZohoFile)); err != nil {
		return nil, err
	}
	if c.Odoo, err = loadOdoo(filepath.Join(dir, OdooFile)); err != nil {
		return nil, err
	}
	if c.Mapping, err = LoadMapping(filepath.Join(dir, MappingFile)); err != nil {
		return nil, err
	}
	return c, nil
}

// readStrict decodes one JSON file into v, refusing unknown keys, and turns
// decoder errors into a line with the file name and, for syntax errors, line:column.
func readStrict(path string, v any) error {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return errorf(path, "file not found")
	}
	if err != nil {
		return errorf(path, "cannot read: %v", err)
	}
	return decodeStrict(path, data, v)
}

func decodeStrict(path string, data []byte, v any) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.DisallowUnknownFields()
	if err := dec.Decode(v); err != nil {
		var syn *json.SyntaxError
		var typ *json.UnmarshalTypeError
		switch {
		case errors.As(err, &syn):
			line, col := lineCol(data, syn.Offset)
			return errorf(path, "invalid JSON at line %d, column %d: %v", line, col, syn)
		case errors.As(err, &typ):
			return errorf(path, "%q must be a %s, not a JSON %s", typ.Field, goTypeName(typ.Type.Kind().String()), typ.Value)
		case errors.Is(err, io.EOF) || errors.Is(err, io.ErrUnexpectedEOF):
			return errorf(path, "file is empty or cut short")
		case strings.HasPrefix(err.Error(), "json: unknown field "):
			return errorf(path, "unknown key %s", strings.TrimPrefix(err.Error(), "json: unknown field "))
		default:
			return errorf(path, "invalid JSON: %v", err)
		}
	}
	if dec.More() {
		return errorf(path, "unexpected data after the JSON object")
	}
	return nil
}

func goTypeName(kind string) string {
	switch kind {
	case "string":
		return "string"
	case "bool":
		return "boolean (true/false)"
	case "int", "int64", "float64":
		return "number"
	case "map", "struct":
		return "JSON object"
	case "slice":
		return "JSON array"
	}
	return kind
}

func lineCol(data []byte, offset int64) (int, int) {
	if offset > int64(len(data)) {
		offset = int64(len(data))
	}
	line, col := 1, 1
	for _, b := range data[:offset] {
		if b == '\n' {
			line++
			col = 1
		} else {
			col++
		}
	}
	return line, col
}

type zohoFile struct {
	ZohoBooks *struct {
		BaseURL           string   `json:"base_url"`
		InventoryBaseURL  string   `json:"inventory_base_url"`
		AccountsURL       string   `json:"accounts_url"`
		ClientID          string   `json:"client_id"`
		ClientSecret      string   `json:"client_secret"`
		RefreshToken      string   `json:"refresh_token"`
		OrganizationID    string   `json:"organization_id"`
		ItemSource        string   `json:"item_source"`
		RequestsPerMinute int      `json:"requests_per_minute"`
		MaxConcurrency    int      `json:"max_concurrency"`
		MaxRetries        *int     `json:"max_retries"`
		RetryBaseSeconds  *float64 `json:"retry_base_seconds"`
		RateLimitWaitSecs *float64 `json:"rate_limit_wait_seconds"`
		OverlapMinutes    *float64 `json:"modified_overlap_minutes"`
		FullListingHours  *float64 `json:"full_listing_hours"`
		QuotaReserve      *float64 `json:"quota_reserve_percent"`
	} `json:"zoho_books"`
}

func loadZoho(path string) (Zoho, error) {
	var f zohoFile
	if err := readStrict(path, &f); err != nil {
		return Zoho{}, err
	}
	if f.ZohoBooks == nil {
		return Zoho{}, errorf(path, `missing the "zoho_books" object`)
	}
	b := f.ZohoBooks
	z := Zoho{
		BooksBaseURL:      strings.TrimRight(b.BaseURL, "/"),
		InventoryBaseURL:  strings.TrimRight(b.InventoryBaseURL, "/"),
		AccountsURL:       strings.TrimRight(b.AccountsURL, "/"),
		ClientID:          b.ClientID,
		ClientSecret:      NewSecret(b.ClientSecret),
		RefreshToken:      NewSecret(b.RefreshToken),
		OrganizationID:    b.OrganizationID,
		ItemSource:        b.ItemSource,
		RequestsPerMinute: b.RequestsPerMinute,
		MaxConcurrency:    b.MaxConcurrency,
	}
	z.ClientSecretSource = sourceOf(b.ClientSecret)
	z.RefreshTokenSource = sourceOf(b.RefreshToken)
	if v := os.Getenv(EnvZohoClientID); v != "" {
		z.ClientID = v
	}
	if v := os.Getenv(EnvZohoClientSecret); v != "" {
		z.ClientSecret, z.ClientSecretSource = NewSecret(v), "env:"+EnvZohoClientSecret
	}
	if v := os.Getenv(EnvZohoRefreshToken); v != "" {
		z.RefreshToken, z.RefreshTokenSource = NewSecret(v), "env:"+EnvZohoRefreshToken
	}
	if z.BooksBaseURL == "" && z.InventoryBaseURL == "" {
		return Zoho{}, errorf(path, "zoho_books.base_url is required (e.g. https://www.zohoapis.com/books/v3)")
	}
	for key, u := range map[string]string{"base_url": z.BooksBaseURL, "inventory_base_url": z.InventoryBaseURL, "accounts_url": z.AccountsURL} {
		if u == "" {
			continue
		}
		if p, err := url.Parse(u); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
			return Zoho{}, errorf(path, "zoho_books.%s %q is not an http(s) URL", key, u)
		}
	}
	ref := z.BooksBaseURL
	if ref == "" {
		ref = z.InventoryBaseURL
	}
	if dc, ok := dataCenterFor(ref); ok {
		z.DataCenter = dc.Name
		if z.AccountsURL == "" {
			z.AccountsURL = dc.AccountsURL
		}
		if z.BooksBaseURL == "" {
			z.BooksBaseURL = "https://" + dc.APIHost + "/books/v3"
		}
		if z.InventoryBaseURL == "" {
			z.InventoryBaseURL = "https://" + dc.APIHost + "/inventory/v1"
		}
	} else {
		z.DataCenter = "CUSTOM"
		if z.AccountsURL == "" {
			return Zoho{}, errorf(path, "zoho_books.accounts_url is required: %s is not a Zoho data centre host", hostOf(ref))
		}
	}
	switch z.ItemSource {
	case "":
		z.ItemSource = "books"
	case "books", "inventory":
	default:
		return Zoho{}, errorf(path, `zoho_books.item_source must be "books" or "inventory", not %q`, z.ItemSource)
	}
	if z.ItemSource == "books" && z.BooksBaseURL == "" || z.ItemSource == "inventory" && z.InventoryBaseURL == "" {
		return Zoho{}, errorf(path, "zoho_books: item_source %q needs its base URL", z.ItemSource)
	}
	switch {
	case z.ClientID == "":
		return Zoho{}, errorf(path, "zoho_books.client_id is required (or set %s)", EnvZohoClientID)
	case !z.ClientSecret.IsSet():
		return Zoho{}, errorf(path, "zoho_books.client_secret is required (or set %s)", EnvZohoClientSecret)
	case !z.RefreshToken.IsSet():
		return Zoho{}, errorf(path, "zoho_books.refresh_token is required (or set %s)", EnvZohoRefreshToken)
	case z.OrganizationID == "":
		return Zoho{}, errorf(path, "zoho_books.organization_id is required")
	}
	if z.RequestsPerMinute == 0 {
		z.RequestsPerMinute = 90
	}
	maxRPM := 100 // Zoho allows 100 per organisation; a custom host (an emulator, a proxy) may allow more
	if z.DataCenter == "CUSTOM" {
		maxRPM = 10000
	}
	if z.RequestsPerMinute < 0 || z.RequestsPerMinute > maxRPM {
		return Zoho{}, errorf(path, "zoho_books.requests_per_minute must be between 1 and %d (Zoho allows 100 per organisation), not %d", maxRPM, z.RequestsPerMinute)
	}
	if z.MaxConcurrency == 0 {
		z.MaxConcurrency = 4
	}
	z.QuotaReservePercent = 20
	if b.QuotaReserve != nil {
		z.QuotaReservePercent = *b.QuotaReserve
	}
	if z.QuotaReservePercent < 0 || z.QuotaReservePercent > 90 {
		return Zoho{}, errorf(path, "zoho_books.quota_reserve_percent must be between 0 and 90 (the share of Zoho's daily calls left to other apps), not %g", z.QuotaReservePercent)
	}
	if z.MaxConcurrency < 1 || z.MaxConcurrency > 10 {
		return Zoho{}, errorf(path, "zoho_books.max_concurrency must be between 1 and 10 (Zoho allows 5 on free plans, 10 on paid), not %d", z.MaxConcurrency)
	}
	z.ModifiedOverlap, z.FullListingEvery = 10*time.Minute, 24*time.Hour
	if v := b.OverlapMinutes; v != nil {
		if *v < 1 || *v > 24*60 {
			return Zoho{}, errorf(path, "zoho_books.modified_overlap_minutes must be between 1 and 1440, not %g", *v)
		}
		z.ModifiedOverlap = time.Duration(*v * float64(time.Minute))
	}
	if v := b.FullListingHours; v != nil {
		if *v < 0 || *v > 24*31 {
			return Zoho{}, errorf(path, "zoho_books.full_listing_hours must be between 0 (always list everything) and 744, not %g", *v)
		}
		z.FullListingEvery = time.Duration(*v * float64(time.Hour))
	}
	var err error
	if z.Retry, err = retryOf(path, "zoho_books.", b.MaxRetries, b.RetryBaseSeconds, b.RateLimitWaitSecs, nil); err != nil {
		return Zoho{}, err
	}
	return z, nil
}

func sourceOf(fileValue string) string {
	if fileValue != "" {
		return "file"
	}
	return ""
}

func hostOf(u string) string {
	if p, err := url.Parse(u); err == nil && p.Host != "" {
		return p.Host
	}
	return u
}

type odooFile struct {
	URL              string   `json:"url"`
	DB               string   `json:"db"`
	Username         string   `json:"username"`
	Password         string   `json:"password"`
	MaxRetries       *int     `json:"max_retries"`
	RetryBaseSeconds *float64 `json:"retry_base_seconds"`
	TimeoutSeconds   *float64 `json:"timeout_seconds"`
}

func loadOdoo(path string) (Odoo, error) {
	var f odooFile
	if err := readStrict(path, &f); err != nil {
		return Odoo{}, err
	}
	o := Odoo{URL: strings.TrimRight(f.URL, "/"), DB: f.DB, Username: f.Username, Password: NewSecret(f.Password), PasswordSource: sourceOf(f.Password)}
	if v := os.Getenv(EnvOdooPassword); v != "" {
		o.Password, o.PasswordSource = NewSecret(v), "env:"+EnvOdooPassword
	}
	switch {
	case o.URL == "":
		return Odoo{}, errorf(path, `"url" is required (e.g. https://odoo.example.com)`)
	case o.DB == "":
		return Odoo{}, errorf(path, `"db" is required (the Odoo database name)`)
	case o.Username == "":
		return Odoo{}, errorf(path, `"username" is required (the login of the Odoo user the sync writes as)`)
	case !o.Password.IsSet():
		return Odoo{}, errorf(path, `"password" is required (a password or an API key; or set %s)`, EnvOdooPassword)
	}
	if p, err := url.Parse(o.URL); err != nil || (p.Scheme != "https" && p.Scheme != "http") || p.Host == "" {
		return Odoo{}, errorf(path, "url %q is not an http(s) URL", o.URL)
	}
	var err error
	if o.Retry, err = retryOf(path, "", f.MaxRetries, f.RetryBaseSeconds, nil, f.TimeoutSeconds); err != nil {
		return Odoo{}, err
	}
	return o, nil
}

// retryOf checks the optional retry keys; zero values mean the client's defaults.
func retryOf(path, prefix string, attempts *int, base, rateWait, timeout *float64) (Retry, error) {
	var r Retry
	if attempts != nil {
		if *attempts < 1 || *attempts > 20 {
			return r, errorf(path, "%smax_retries must be between 1 and 20, not %d", prefix, *attempts)
		}
		r.MaxAttempts = *attempts
	}
	for _, v := range []struct {
		key string
		val *float64
		dst *time.Duration
		max float64
	}{{"retry_base_seconds", base, &r.BaseDelay, 60}, {"rate_limit_wait_seconds", rateWait, &r.RateLimitWait, 600}, {"timeout_seconds", timeout, &r.Timeout, 3600}} {
		if v.val == nil {
			continue
		}
		if *v.val <= 0 || *v.val > v.max {
			return r, errorf(path, "%s%s must be above 0 and at most %g, not %g", prefix, v.key, v.max, *v.val)
		}
		*v.dst = time.Duration(*v.val * float64(time.Second))
	}
	return r, nil
}
