package config

import (
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"strings"
)

// ExampleReadme is written beside the example files: JSON has no comments,
// so the notes on every key live here.
const ExampleReadme = "README.md"

// exampleFiles are the files `zohosync init` writes: every key the reader
// knows, at its default, with the values only the user can know left empty
// (the server refuses to start until they are filled in, naming each).
var exampleFiles = []struct{ name, body string }{
	{ZohoFile, `{
  "zoho_books": {
    "base_url": "https://www.zohoapis.com/books/v3",
    "inventory_base_url": "https://www.zohoapis.com/inventory/v1",
    "accounts_url": "",
    "client_id": "",
    "client_secret": "",
    "refresh_token": "",
    "organization_id": "",
    "item_source": "books",
    "requests_per_minute": 90,
    "max_concurrency": 4,
    "max_retries": 8,
    "retry_base_seconds": 1,
    "rate_limit_wait_seconds": 30
  }
}
`},
	{OdooFile, `{
  "url": "",
  "db": "",
  "username": "",
  "password": "",
  "max_retries": 6,
  "retry_base_seconds": 1,
  "timeout_seconds": 600
}
`},
	{MappingFile, `{
  "products": {
    "zoho_books": {
      "name": "name",
      "description": "description_sale",
      "rate": "list_price",
      "purchase_rate": "standard_price",
      "sku": "default_code",
      "unit": "uom_id"
    },
    "default_values": {"sale_ok": true, "purchase_ok": true, "type": "consu"},
    "options": {
      "archive_inactive": true,
      "archive_missing": true,
      "match_by_sku": true,
      "match_by_name": true,
      "batch_size": 100,
      "images": {
        "enabled": true,
        "sources": ["inventory", "books"],
        "clear_removed": true,
        "max_mb": 20,
        "max_megapixels": 40,
        "concurrency": 3,
        "cache": true,
        "cache_max_mb": 512
      },
      "stock": {
        "enabled": false,
        "default_warehouse": "",
        "warehouses": {}
      },
      "barcode": {"source": ["upc", "ean", "isbn"]},
      "categories": {"enabled": true, "create_missing": true, "parent": "All"},
      "product_type": {"from_zoho": true},
      "weight": {"enabled": true, "unit": "kg"},
      "volume": {"enabled": true, "unit": "m3"},
      "taxes": {
        "enabled": true,
        "sale_field": "taxes_id",
        "purchase_field": "supplier_taxes_id",
        "purchase_from_sales": false
      }
    }
  }
}
`},
	{ScheduleFile, `{
  "enabled": true,
  "sync_interval_hours": 4,
  "force_full_sync_days": 7,
  "max_consecutive_errors": 5,
  "notifications": {
    "log_file": "logs/sync_notifications.log"
  }
}
`},
	{ExampleReadme, exampleReadme},
}

const exampleReadme = `# zohosync configuration

Written by ` + "`zohosync init`" + `. Fill in the empty values (the server names each
one it still misses and refuses to start until then), then:

    zohosync serve --config-dir DIR --data-dir DATA   # nothing runs on schedule yet
    zohosync test-connections
    zohosync run-now --dry-run                        # the plan, per product and field; writes nothing
    zohosync run-now                                  # the first sync; the schedule follows it

Secrets may stay out of the files: the environment variables below override them
(with systemd, in the EnvironmentFile of mode 0600). JSON has no comments, so the
notes are here. Every key shown is at its default; delete a key to keep the default.

## zoho_config.json ("zoho_books" object)

| key | default | what to fill in |
| --- | --- | --- |
| base_url | https://www.zohoapis.com/books/v3 | Books API of your data centre: www.zohoapis.eu, .in, .com.au, .jp, .ca, .com.cn, .sa, .uk for EU, IN, AU, JP, CA, CN, SA, UK |
| inventory_base_url | https://www.zohoapis.com/inventory/v1 | Inventory API of the same data centre (pictures, and item_source "inventory") |
| accounts_url | derived from base_url | only for a host that is not a Zoho data centre (a proxy, or the emulator) |
| client_id | (required) | OAuth client id from api-console.zoho.com (a "Self Client" will do); or ZOHOSYNC_ZOHO_CLIENT_ID |
| client_secret | (required) | its client secret; or ZOHOSYNC_ZOHO_CLIENT_SECRET |
| refresh_token | (required) | a refresh token with the scopes ZohoBooks.settings.READ and/or ZohoInventory.items.READ; or ZOHOSYNC_ZOHO_REFRESH_TOKEN |
| organization_id | (required) | your organisation id (Books: Settings → Organisation profile); ` + "`zohosync test-connections`" + ` lists the ones the token can see |
| item_source | books | "books" or "inventory": where items are listed from |
| requests_per_minute | 90 | our ceiling; Zoho allows 100 per organisation |
| max_concurrency | 4 | requests in flight; Zoho allows 5 on free plans, 10 on paid |
| max_retries | 8 | attempts per call after a 5xx or a dropped connection (429s get 20) |
| retry_base_seconds | 1 | first wait before a retry, doubled each time |
| rate_limit_wait_seconds | 30 | first wait after Zoho's per-minute limit |

## odoo_config.json

| key | default | what to fill in |
| --- | --- | --- |
| url | (required) | your Odoo, e.g. https://odoo.example.com |
| db | (required) | the database name |
| username | (required) | the login the sync writes as (product create/write rights) |
| password | (required) | its password or, better, an API key; or ZOHOSYNC_ODOO_PASSWORD |
| max_retries | 6 | attempts per call that did not reach Odoo |
| retry_base_seconds | 1 | first wait before a retry, doubled each time |
| timeout_seconds | 600 | per call |

## field_mapping.json

"products.zoho_books" maps Zoho item fields to Odoo product fields (the
built-in mapping, shown; "zoho_inventory" may map more). Zoho fields: name,
item_name, description, purchase_description, rate, purchase_rate,
pricebook_rate, unit, sku, upc, ean, isbn, part_number, product_type, item_type,
brand, manufacturer, category_name, tax_name, tax_percentage, reorder_level,
weight, length, width, height, hsn_or_sac, group_name. Odoo fields are checked
against your Odoo at each run. "default_values" are set on products the sync
creates ("type": "consu" is a goods product; "product" asks for a storable one
where the Inventory app is installed).

| option | default | meaning |
| --- | --- | --- |
| archive_inactive | true | archive the Odoo product when its Zoho item is inactive |
| archive_missing | true | a full sync archives products whose Zoho item is gone |
| match_by_sku | true | link an existing Odoo product by SKU before creating one |
| match_by_name | true | then by exact name |
| batch_size | 100 | products per Odoo write (1 to 1000) |
| images.enabled | true | sync pictures |
| images.sources | ["inventory", "books"] | where pictures are fetched, in order |
| images.clear_removed | true | clear the Odoo picture when the Zoho item has none |
| images.max_mb | 20 | larger pictures are refused (item error, product still syncs) |
| images.max_megapixels | 40 | likewise (Odoo refuses above 50) |
| images.concurrency | 3 | downloads in flight |
| images.cache | true | keep pictures in DATA/product_images |
| images.cache_max_mb | 512 | the cache's size cap |
| stock.enabled | false | bring Zoho's stock on hand into Odoo as inventory adjustments (needs Odoo's Inventory app) |
| stock.default_warehouse | "" (Odoo's first warehouse) | Odoo warehouse (code or name) for Zoho locations not in stock.warehouses |
| stock.warehouses | {} | Zoho warehouse/location name → Odoo warehouse code or name, e.g. {"Main Store": "WH"}; empty: each item's total stock_on_hand goes to the default |
| barcode.source | ["upc", "ean", "isbn"] | Zoho field(s) the Odoo barcode comes from, first non-empty; "none" turns barcodes off |
| categories.enabled | true | Zoho category_name → Odoo product category, matched by name |
| categories.create_missing | true | create an unmatched category under categories.parent (off: a warning) |
| categories.parent | "All" | complete name of the parent of created categories |
| product_type.from_zoho | true | services, storable goods (tracked in Zoho, Inventory app in Odoo) and consumables from Zoho; false: default_values.type |
| weight.enabled, weight.unit | true, "kg" | Zoho weight converted to Odoo's weight unit ("kg" or "lb") |
| volume.enabled, volume.unit | true, "m3" | length × width × height converted to Odoo's volume unit ("m3" or "ft3") |
| taxes.enabled | true | Zoho's sales/purchase taxes → the product's customer/vendor taxes, matched to the company's Odoo taxes by rate (needs Odoo's Invoicing app; without it: one warning) |
| taxes.sale_field | "taxes_id" | Odoo field for the sales tax; "" leaves it alone |
| taxes.purchase_field | "supplier_taxes_id" | Odoo field for the purchase tax; "" leaves it alone |
| taxes.purchase_from_sales | false | an item without a purchase tax of its own takes its sales tax's rate for the purchase side |

## sync_schedule.json

| key | default | meaning |
| --- | --- | --- |
| enabled | true | run on a schedule (only after the first sync started by hand has succeeded) |
| sync_interval_hours | 4 | hours between smart syncs (at least 0.25) |
| force_full_sync_days | 7 | a scheduled run is full when the last full sync is older (0 = never) |
| max_consecutive_errors | 5 | the scheduler disables itself after this many failed runs in a row |
| notifications.log_file | logs/sync_notifications.log | one line per run and escalation; relative to the data directory |

The server rewrites this file when the schedule is changed (` + "`zohosync config`" + `).

## Environment

ZOHOSYNC_ZOHO_CLIENT_ID, ZOHOSYNC_ZOHO_CLIENT_SECRET, ZOHOSYNC_ZOHO_REFRESH_TOKEN
and ZOHOSYNC_ODOO_PASSWORD override the files; ZOHOSYNC_API_TOKEN protects the
API (required to listen on anything but loopback, with --tls-cert/--tls-key).
`

// WriteExample writes the example configuration into dir, creating it. It
// refuses, writing nothing, when any of the files already exists.
func WriteExample(dir string) ([]string, error) {
	if dir == "" {
		return nil, errors.New("no config directory given (--config-dir)")
	}
	var exist []string
	for _, f := range exampleFiles {
		if _, err := os.Lstat(filepath.Join(dir, f.name)); err == nil {
			exist = append(exist, f.name)
		} else if !errors.Is(err, fs.ErrNotExist) {
			return nil, fmt.Errorf("cannot look into %s: %v", dir, err)
		}
	}
	if len(exist) > 0 {
		return nil, fmt.Errorf("%s already holds %s; nothing was written (move them away, or choose another --config-dir)", dir, strings.Join(exist, ", "))
	}
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create %s: %v", dir, err)
	}
	var written []string
	for _, f := range exampleFiles {
		path := filepath.Join(dir, f.name)
		// O_EXCL: a file that appeared since the check is never overwritten.
		fh, err := os.OpenFile(path, os.O_WRONLY|os.O_CREATE|os.O_EXCL, 0o600)
		if err != nil {
			return written, fmt.Errorf("cannot write %s: %v", path, err)
		}
		_, err = fh.WriteString(f.body)
		if cerr := fh.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return written, fmt.Errorf("cannot write %s: %v", path, err)
		}
		written = append(written, path)
	}
	return written, nil
}
