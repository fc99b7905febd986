package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"maps"
	"os"
	"slices"
	"strings"
)

// Mapping is field_mapping.json: which Zoho item field goes to which Odoo
// product field, the values every new product gets, and the run options.
type Mapping struct {
	// Fields in Zoho-field order.
	Fields []FieldMap
	// Defaults are set on products the sync creates (Odoo field → JSON value).
	Defaults map[string]any
	Options  Options
	// Builtin is true when no field_mapping.json exists and the built-in mapping is used.
	Builtin bool
}

// FieldMap maps one Zoho item field to one Odoo product.template field.
type FieldMap struct {
	Zoho string
	Odoo string
}

// Options are the run options ("products.options" in field_mapping.json).
type Options struct {
	ArchiveInactive bool // archive the Odoo product when the Zoho item is inactive
	ArchiveMissing  bool // on a full sync, archive products whose Zoho item vanished
	MatchBySKU      bool // link existing Odoo products by default_code before creating
	MatchByName     bool // then by exact name (as the Python tool did, docs/python-tool.md#matching)
	BatchSize       int  // products per Odoo write call
	Images          ImageOptions
	Stock           StockOptions // off by default
	Model           ModelOptions // barcodes, categories, types, weight and volume (model.go)
	Taxes           TaxOptions   // on by default, where Odoo has the account app
}

// ImageOptions control image sync.
type ImageOptions struct {
	Enabled       bool
	Sources       []string // "inventory", "books", tried in this order
	ClearRemoved  bool     // clear the Odoo image when the Zoho item no longer has one
	MaxBytes      int64    // larger downloads are refused
	MaxMegapixels float64  // larger images are refused (Odoo refuses above 50)
	Concurrency   int      // downloads in flight at once
	Cache         bool     // keep downloaded images in <data-dir>/product_images
	CacheMaxBytes int64    // cache size cap; oldest files are pruned beyond it
}

// ZohoItemFields are the Zoho item fields a mapping may read (docs/zoho.md#item-fields).
var ZohoItemFields = []string{
	"name", "item_name", "description", "purchase_description", "rate", "purchase_rate",
	"pricebook_rate", "unit", "sku", "upc", "ean", "isbn", "part_number", "product_type",
	"item_type", "brand", "manufacturer", "category_name", "tax_name", "tax_percentage",
	"reorder_level", "weight", "length", "width", "height", "hsn_or_sac", "group_name",
}

// ReservedOdooFields are written by the sync itself and cannot be mapped.
var ReservedOdooFields = []string{"id", "active", "image_1920", "product_variant_ids", "uom_po_id"}

// DefaultMapping is used when the config directory has no field_mapping.json.
func DefaultMapping() Mapping {
	return Mapping{
		Fields: []FieldMap{
			{"description", "description_sale"},
			{"name", "name"},
			{"purchase_rate", "standard_price"},
			{"rate", "list_price"},
			{"sku", "default_code"},
			{"unit", "uom_id"},
		},
		Defaults: map[string]any{"sale_ok": true, "purchase_ok": true, "type": "consu"},
		Options:  defaultOptions(),
		Builtin:  true,
	}
}

func defaultOptions() Options {
	return Options{
		ArchiveInactive: true,
		ArchiveMissing:  true,
		MatchBySKU:      true,
		MatchByName:     true,
		BatchSize:       100,
		Images: ImageOptions{
			Enabled:       true,
			Sources:       []string{"inventory", "books"},
			ClearRemoved:  true,
			MaxBytes:      20 << 20,
			MaxMegapixels: 40,
			Concurrency:   3,
			Cache:         true,
			CacheMaxBytes: 512 << 20,
		},
		Model: defaultModelOptions(),
		Taxes: defaultTaxOptions(),
	}
}

type mappingFile struct {
	Products *struct {
		ZohoBooks     map[string]string `json:"zoho_books"`
		ZohoInventory map[string]string `json:"zoho_inventory"`
		DefaultValues map[string]any    `json:"default_values"`
		Options       *optionsFile      `json:"options"`
	} `json:"products"`
}

type optionsFile struct {
	ArchiveInactive *bool `json:"archive_inactive"`
	ArchiveMissing  *bool `json:"archive_missing"`
	MatchBySKU      *bool `json:"match_by_sku"`
	MatchByName     *bool `json:"match_by_name"`
	BatchSize       *int  `json:"batch_size"`
	Images          *struct {
		Enabled       *bool    `json:"enabled"`
		Sources       []string `json:"sources"`
		ClearRemoved  *bool    `json:"clear_removed"`
		MaxMB         *float64 `json:"max_mb"`
		MaxMegapixels *float64 `json:"max_megapixels"`
		Concurrency   *int     `json:"concurrency"`
		Cache         *bool    `json:"cache"`
		CacheMaxMB    *float64 `json:"cache_max_mb"`
	} `json:"images"`
	Stock *stockFile `json:"stock"`
	modelFile
	Taxes *taxFile `json:"taxes"`
}

// LoadMapping reads field_mapping.json; a missing file gives the built-in mapping.
func LoadMapping(path string) (Mapping, error) {
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		return DefaultMapping(), nil
	}
	if err != nil {
		return Mapping{}, errorf(path, "cannot read: %v", err)
	}
	return ParseMapping(path, data)
}

// ParseMapping checks and converts the contents of a field_mapping.json.
func ParseMapping(path string, data []byte) (Mapping, error) {
	var f mappingFile
	if err := decodeStrict(path, data, &f); err != nil {
		return Mapping{}, err
	}
	if f.Products == nil {
		return Mapping{}, errorf(path, `missing the "products" object`)
	}
	p := f.Products
	fields := map[string]string{}
	for _, src := range []map[string]string{p.ZohoBooks, p.ZohoInventory} {
		for z, o := range src {
			if prev, ok := fields[z]; ok && prev != o {
				return Mapping{}, errorf(path, "Zoho field %q is mapped twice, to %q and %q", z, prev, o)
			}
			fields[z] = o
		}
	}
	if len(fields) == 0 {
		return Mapping{}, errorf(path, `products.zoho_books maps no fields (expected e.g. {"name": "name", "rate": "list_price"})`)
	}
	m := Mapping{Defaults: map[string]any{}, Options: defaultOptions()}
	seenOdoo := map[string]string{}
	for _, z := range slices.Sorted(maps.Keys(fields)) {
		o := strings.TrimSpace(fields[z])
		if !contains(ZohoItemFields, z) {
			return Mapping{}, errorf(path, "unknown Zoho item field %q (known: %s)", z, strings.Join(ZohoItemFields, ", "))
		}
		if o == "" || strings.ContainsAny(o, " ./") {
			return Mapping{}, errorf(path, "Zoho field %q maps to %q, which is not an Odoo field name", z, o)
		}
		if contains(ReservedOdooFields, o) {
			return Mapping{}, errorf(path, "Odoo field %q is written by zohosync itself and cannot be mapped (from Zoho field %q)", o, z)
		}
		if prev, ok := seenOdoo[o]; ok {
			return Mapping{}, errorf(path, "Odoo field %q is the target of both %q and %q", o, prev, z)
		}
		seenOdoo[o] = z
		m.Fields = append(m.Fields, FieldMap{Zoho: z, Odoo: o})
	}
	if _, ok := seenOdoo["name"]; !ok {
		return Mapping{}, errorf(path, `no Zoho field maps to Odoo "name", which every product needs`)
	}
	for k, v := range p.DefaultValues {
		if contains(ReservedOdooFields, k) {
			return Mapping{}, errorf(path, "default_values cannot set %q: zohosync writes it itself", k)
		}
		switch v.(type) {
		case string, bool, float64, nil:
		default:
			return Mapping{}, errorf(path, "default_values.%s must be a string, number, boolean or null", k)
		}
		m.Defaults[k] = v
	}
	if err := applyOptions(path, &m.Options, p.Options); err != nil {
		return Mapping{}, err
	}
	return m, nil
}

func applyOptions(path string, o *Options, f *optionsFile) error {
	if f == nil {
		return nil
	}
	setBool(&o.ArchiveInactive, f.ArchiveInactive)
	setBool(&o.ArchiveMissing, f.ArchiveMissing)
	setBool(&o.MatchBySKU, f.MatchBySKU)
	setBool(&o.MatchByName, f.MatchByName)
	if f.BatchSize != nil {
		if *f.BatchSize < 1 || *f.BatchSize > 1000 {
			return errorf(path, "options.batch_size must be between 1 and 1000, not %d", *f.BatchSize)
		}
		o.BatchSize = *f.BatchSize
	}
	if err := applyStock(path, &o.Stock, f.Stock); err != nil {
		return err
	}
	if err := applyModel(path, &o.Model, f.modelFile); err != nil {
		return err
	}
	if err := applyTaxes(path, &o.Taxes, f.Taxes); err != nil {
		return err
	}
	im := f.Images
	if im == nil {
		return nil
	}
	setBool(&o.Images.Enabled, im.Enabled)
	setBool(&o.Images.ClearRemoved, im.ClearRemoved)
	setBool(&o.Images.Cache, im.Cache)
	if im.Sources != nil {
		if len(im.Sources) == 0 {
			return errorf(path, `options.images.sources is empty; use "enabled": false to turn images off`)
		}
		seen := map[string]bool{}
		for _, s := range im.Sources {
			if s != "inventory" && s != "books" {
				return errorf(path, `options.images.sources: %q is not "inventory" or "books"`, s)
			}
			if seen[s] {
				return errorf(path, "options.images.sources lists %q twice", s)
			}
			seen[s] = true
		}
		o.Images.Sources = append([]string(nil), im.Sources...)
	}
	if im.MaxMB != nil {
		if *im.MaxMB <= 0 || *im.MaxMB > 100 {
			return errorf(path, "options.images.max_mb must be above 0 and at most 100, not %g", *im.MaxMB)
		}
		o.Images.MaxBytes = int64(*im.MaxMB * (1 << 20))
	}
	if im.MaxMegapixels != nil {
		if *im.MaxMegapixels <= 0 || *im.MaxMegapixels > 50 {
			return errorf(path, "options.images.max_megapixels must be above 0 and at most 50 (Odoo refuses larger images), not %g", *im.MaxMegapixels)
		}
		o.Images.MaxMegapixels = *im.MaxMegapixels
	}
	if im.Concurrency != nil {
		if *im.Concurrency < 1 || *im.Concurrency > 10 {
			return errorf(path, "options.images.concurrency must be between 1 and 10, not %d", *im.Concurrency)
		}
		o.Images.Concurrency = *im.Concurrency
	}
	if im.CacheMaxMB != nil {
		if *im.CacheMaxMB < 0 {
			return errorf(path, "options.images.cache_max_mb cannot be negative")
		}
		o.Images.CacheMaxBytes = int64(*im.CacheMaxMB * (1 << 20))
	}
	return nil
}

func setBool(dst *bool, src *bool) {
	if src != nil {
		*dst = *src
	}
}

func contains(list []string, s string) bool {
	for _, v := range list {
		if v == s {
			return true
		}
	}
	return false
}

// DefaultJSON renders a default value as JSON text (for the API's view of the config).
func DefaultJSON(v any) string {
	b, err := json.Marshal(v)
	if err != nil {
		return fmt.Sprint(v)
	}
	return string(b)
}
