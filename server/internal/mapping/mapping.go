// Package mapping turns a Zoho item into the values of an Odoo product, per
// field_mapping.json and the target Odoo's dialect, and fingerprints them so
// that an item whose mapped values did not change is never written again.
package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"html"
	"maps"
	"math"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"unicode/utf8"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// Limits that keep absurd input from reaching Odoo as a half-written product.
const (
	MaxNameLen = 2048    // characters of a char field (names, SKUs)
	MaxTextLen = 1 << 16 // characters of a text or html field
	MaxPrice   = 1e12    // larger prices are refused
)

// Warning is a notice about the mapping (not an item failure).
type Warning struct {
	Code    zv1.WarningCode
	Message string
}

// Product is one item's Odoo values.
type Product struct {
	ZohoID string
	Name   string
	SKU    string
	Active bool
	// Values are written on create and kept in step on update.
	Values map[string]any
	// CreateOnly are default_values: set when the product is created, never rewritten.
	CreateOnly map[string]any
	// Checksum fingerprints Values (not CreateOnly).
	Checksum string
	// ImageIdentity is Zoho's identity of the item's image; empty when it has none.
	ImageIdentity string
	// TaxesMatched and TaxesUnmatched count the item's Zoho taxes (sales,
	// purchase) that found an Odoo tax, and those that did not (tax.go).
	TaxesMatched, TaxesUnmatched int
}

// Mapper maps items for one Odoo target.
type Mapper struct {
	fields   []config.FieldMap
	odoo     map[string]odoo.Field
	dialect  odoo.Dialect
	opts     config.Options
	units    map[string]odoo.UoM // lower-cased name → unit
	cats     map[string]int64    // lower-cased complete name and leaf name → id
	defType  odoo.ProductType
	defaults map[string]any      // converted default_values, minus the type keys
	model    []config.ModelField // product-model fields this Odoo has (model.go)
	model2   config.ModelOptions
	catNames map[string]string // lower-cased complete name and leaf name → complete name
	tax      *taxTable         // nil: the tax part is off (UseTaxes)
	// Warnings gathered while building the mapper (once per run).
	Warnings []Warning
}

// New checks the mapping against Odoo's product fields and prepares unit and
// category lookups. Errors name the mapping entry that cannot work.
func New(m config.Mapping, fields map[string]odoo.Field, d odoo.Dialect, units []odoo.UoM, cats []odoo.Category) (*Mapper, error) {
	mp := &Mapper{fields: m.Fields, odoo: fields, dialect: d, opts: m.Options, units: map[string]odoo.UoM{}, cats: map[string]int64{}, catNames: map[string]string{}, defaults: map[string]any{}}
	for _, u := range units {
		k := strings.ToLower(strings.TrimSpace(u.Name))
		if _, dup := mp.units[k]; !dup {
			mp.units[k] = u
		}
	}
	for _, c := range cats {
		mp.cats[strings.ToLower(c.CompleteName)] = c.ID
		mp.catNames[strings.ToLower(c.CompleteName)] = c.CompleteName
		leaf := c.CompleteName
		if i := strings.LastIndex(leaf, " / "); i >= 0 {
			leaf = leaf[i+3:]
		}
		if _, dup := mp.cats[strings.ToLower(leaf)]; !dup {
			mp.cats[strings.ToLower(leaf)] = c.ID
			mp.catNames[strings.ToLower(leaf)] = c.CompleteName
		}
	}
	for _, fm := range m.Fields {
		f, ok := fields[fm.Odoo]
		if !ok {
			return nil, fmt.Errorf("%s maps Zoho field %q to Odoo field %q, which product.template does not have", config.MappingFile, fm.Zoho, fm.Odoo)
		}
		if f.Readonly && fm.Odoo != "default_code" && fm.Odoo != "standard_price" {
			return nil, fmt.Errorf("%s maps Zoho field %q to Odoo field %q, which is read-only", config.MappingFile, fm.Zoho, fm.Odoo)
		}
		switch f.Type {
		case "char", "text", "html", "float", "monetary", "integer", "boolean", "selection":
		case "many2one":
			if f.Relation != "uom.uom" && f.Relation != "product.category" {
				return nil, fmt.Errorf("%s maps Zoho field %q to %q, a link to %s; only units (uom.uom) and categories (product.category) can be matched by name", config.MappingFile, fm.Zoho, fm.Odoo, f.Relation)
			}
		default:
			return nil, fmt.Errorf("%s maps Zoho field %q to %q, an Odoo %s field, which zohosync cannot fill", config.MappingFile, fm.Zoho, fm.Odoo, f.Type)
		}
	}
	mp.defType = odoo.TypeConsumable
	for _, k := range slices.Sorted(maps.Keys(m.Defaults)) {
		v := m.Defaults[k]
		if k == "type" || k == "detailed_type" {
			s, _ := v.(string)
			switch s {
			case "product", "storable":
				mp.defType = odoo.TypeStorable
			case "consu", "consumable", "":
				mp.defType = odoo.TypeConsumable
			case "service":
				mp.defType = odoo.TypeService
			default:
				return nil, fmt.Errorf(`%s: default_values.%s %q is not "product", "consu" or "service"`, config.MappingFile, k, s)
			}
			continue
		}
		f, ok := fields[k]
		if !ok {
			return nil, fmt.Errorf("%s: default_values sets %q, which product.template does not have", config.MappingFile, k)
		}
		cv, err := convertDefault(f, v)
		if err != nil {
			return nil, fmt.Errorf("%s: default_values.%s: %w", config.MappingFile, k, err)
		}
		mp.defaults[k] = cv
	}
	if _, w := d.TypeValues(mp.defType); w != "" {
		mp.Warnings = append(mp.Warnings, Warning{Code: zv1.WarningCode_WARNING_CODE_STORABLE_UNAVAILABLE, Message: w})
	}
	mp.modelSetup(m)
	return mp, nil
}

// Dialect returns the target dialect.
func (mp *Mapper) Dialect() odoo.Dialect { return mp.dialect }

// Field returns an Odoo field's description.
func (mp *Mapper) Field(name string) (odoo.Field, bool) {
	f, ok := mp.odoo[name]
	return f, ok
}

// Map converts one item. An error is the item's own problem (bad value) and
// names the field; warnings are run-level notices (e.g. an unknown unit).
func (mp *Mapper) Map(it zoho.Item) (Product, []Warning, error) {
	p := Product{ZohoID: it.ID, Values: map[string]any{}, CreateOnly: map[string]any{}, Active: it.Active()}
	var warns []Warning
	for _, fm := range mp.fields {
		f := mp.odoo[fm.Odoo]
		raw, present := it.String(fm.Zoho)
		if fm.Zoho == "name" && raw == "" {
			raw, present = it.Name(), it.Name() != ""
		}
		v, keep, w, err := mp.convert(fm, f, raw, present)
		if err != nil {
			return Product{}, nil, err
		}
		if w != nil {
			warns = append(warns, *w)
		}
		if keep {
			p.Values[fm.Odoo] = v
		}
	}
	name, _ := p.Values["name"].(string)
	if strings.TrimSpace(name) == "" {
		return Product{}, nil, fmt.Errorf("the item has no name, which every Odoo product needs")
	}
	p.Name = name
	p.SKU, _ = p.Values["default_code"].(string)
	mw, err := mp.mapModel(it, &p)
	if err != nil {
		return Product{}, nil, err
	}
	warns = append(warns, mw...)
	tv, tw := mp.dialect.TypeValues(mp.productType(it))
	if tw != "" {
		warns = append(warns, Warning{Code: zv1.WarningCode_WARNING_CODE_STORABLE_UNAVAILABLE, Message: tw})
	}
	for k, v := range tv {
		p.Values[k] = v
	}
	if uom, ok := p.Values["uom_id"]; ok && mp.dialect.SendUomPo {
		p.Values["uom_po_id"] = uom // 16/17: the purchase unit must share the unit's category
	}
	if mp.opts.ArchiveInactive {
		p.Values["active"] = p.Active
	}
	for k, v := range mp.defaults {
		if _, mapped := p.Values[k]; !mapped {
			p.CreateOnly[k] = v
		}
	}
	if mp.opts.Images.Enabled {
		p.ImageIdentity = it.ImageIdentity()
	}
	if mp.tax != nil {
		ws, err := mp.mapTaxes(it, &p)
		if err != nil {
			return Product{}, nil, err
		}
		warns = append(warns, ws...)
	}
	p.Checksum = Checksum(p.Values)
	return p, warns, nil
}

var controlChars = regexp.MustCompile("[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")

// cleanText makes text safe for XML-RPC and stable across a round trip:
// valid UTF-8, no control characters (Odoo strips them), and \n line ends
// (XML parsers turn \r\n into \n), so that comparisons do not always differ.
func cleanText(s string) string {
	if !utf8.ValidString(s) {
		s = strings.ToValidUTF8(s, "\uFFFD")
	}
	s = strings.ReplaceAll(s, "\r\n", "\n")
	s = strings.ReplaceAll(s, "\r", "\n")
	return controlChars.ReplaceAllString(s, "")
}

func (mp *Mapper) convert(fm config.FieldMap, f odoo.Field, raw string, present bool) (any, bool, *Warning, error) {
	raw = cleanText(raw)
	switch f.Type {
	case "char":
		s := strings.TrimSpace(raw)
		if n := utf8.RuneCountInString(s); n > MaxNameLen {
			return nil, false, nil, fmt.Errorf("%s is %d characters long; at most %d fit an Odoo %s", fm.Zoho, n, MaxNameLen, fm.Odoo)
		}
		return s, true, nil, nil
	case "text":
		if n := utf8.RuneCountInString(raw); n > MaxTextLen {
			return nil, false, nil, fmt.Errorf("%s is %d characters long; at most %d are written to Odoo %s", fm.Zoho, n, MaxTextLen, fm.Odoo)
		}
		return raw, true, nil, nil
	case "html":
		if n := utf8.RuneCountInString(raw); n > MaxTextLen {
			return nil, false, nil, fmt.Errorf("%s is %d characters long; at most %d are written to Odoo %s", fm.Zoho, n, MaxTextLen, fm.Odoo)
		}
		return TextToHTML(raw), true, nil, nil
	case "float", "monetary", "integer":
		if !present || strings.TrimSpace(raw) == "" {
			return nil, false, nil, nil // unset in Zoho: leave Odoo's value alone
		}
		n, err := parseNumber(raw)
		if err != nil {
			return nil, false, nil, fmt.Errorf("%s is not a number: %q", fm.Zoho, truncate(raw, 40))
		}
		if n < 0 && isPrice(fm.Odoo) {
			return nil, false, nil, fmt.Errorf("%s is negative (%s); Odoo prices must not be", fm.Zoho, raw)
		}
		if math.Abs(n) > MaxPrice {
			return nil, false, nil, fmt.Errorf("%s is out of range (%s)", fm.Zoho, truncate(raw, 40))
		}
		if f.Type == "integer" {
			return int64(math.Round(n)), true, nil, nil
		}
		return n, true, nil, nil
	case "boolean":
		switch strings.ToLower(strings.TrimSpace(raw)) {
		case "true", "1", "yes":
			return true, true, nil, nil
		case "false", "0", "no", "":
			return false, true, nil, nil
		}
		return nil, false, nil, fmt.Errorf("%s is not true or false: %q", fm.Zoho, truncate(raw, 40))
	case "selection":
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, false, nil, nil
		}
		for _, v := range f.Selection {
			if strings.EqualFold(v, s) {
				return v, true, nil, nil
			}
		}
		return nil, false, nil, fmt.Errorf("%s %q is not one of Odoo %s's values (%s)", fm.Zoho, truncate(s, 40), fm.Odoo, strings.Join(f.Selection, ", "))
	case "many2one":
		s := strings.TrimSpace(raw)
		if s == "" {
			return nil, false, nil, nil // Odoo's default applies
		}
		if f.Relation == "uom.uom" {
			if u, ok := mp.Unit(s); ok {
				return u.ID, true, nil, nil
			}
			return nil, false, &Warning{Code: zv1.WarningCode_WARNING_CODE_UOM_NOT_FOUND, Message: fmt.Sprintf("Zoho unit %q has no Odoo unit of measure; those products keep Odoo's default unit", s)}, nil
		}
		if id, ok := mp.cats[strings.ToLower(s)]; ok {
			return id, true, nil, nil
		}
		return nil, false, &Warning{Code: zv1.WarningCode_WARNING_CODE_CATEGORY_NOT_FOUND, Message: fmt.Sprintf("Zoho %s %q has no Odoo product category; those products keep Odoo's default category", fm.Zoho, s)}, nil
	}
	return nil, false, nil, fmt.Errorf("cannot write to Odoo %s fields", f.Type)
}

func isPrice(field string) bool {
	return strings.Contains(field, "price") || strings.Contains(field, "cost")
}

func parseNumber(s string) (float64, error) {
	s = strings.TrimSuffix(strings.ReplaceAll(strings.TrimSpace(s), ",", ""), "%")
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || math.IsInf(f, 0) {
		return 0, fmt.Errorf("not a number")
	}
	return f, nil
}

func truncate(s string, n int) string {
	if utf8.RuneCountInString(s) <= n {
		return s
	}
	return string([]rune(s)[:n]) + "…"
}

// unitAliases maps common Zoho unit spellings to Odoo's standard unit names (docs/odoo.md#units-of-measure).
var unitAliases = map[string]string{
	"pcs": "units", "pc": "units", "piece": "units", "pieces": "units", "nos": "units", "no": "units",
	"each": "units", "ea": "units", "unit": "units", "qty": "units", "number": "units", "item": "units", "items": "units",
	"dozen": "dozens", "dz": "dozens", "doz": "dozens",
	"kgs": "kg", "kilogram": "kg", "kilograms": "kg", "kilo": "kg",
	"gm": "g", "gms": "g", "gram": "g", "grams": "g", "gr": "g",
	"ton": "t", "tons": "t", "tonne": "t", "tonnes": "t",
	"lbs": "lb", "pound": "lb", "pounds": "lb", "ounce": "oz", "ounces": "oz",
	"mtr": "m", "mtrs": "m", "meter": "m", "meters": "m", "metre": "m", "metres": "m",
	"centimeter": "cm", "millimeter": "mm", "kilometer": "km",
	"inch": "in", "inches": "in", "feet": "ft", "foot": "ft", "yard": "yd", "yards": "yd", "mile": "mi", "miles": "mi",
	"l": "l", "ltr": "l", "ltrs": "l", "litre": "l", "liter": "l", "litres": "l", "liters": "l",
	"m2": "m²", "sqm": "m²", "sq m": "m²", "sq.m": "m²", "sqft": "ft²", "sq ft": "ft²", "ft2": "ft²",
	"m3": "m³", "cbm": "m³", "hr": "hours", "hrs": "hours", "hour": "hours", "day": "days",
}

// Unit finds the Odoo unit for a Zoho unit text: by name, then by alias.
func (mp *Mapper) Unit(zohoUnit string) (odoo.UoM, bool) {
	k := strings.ToLower(strings.TrimSuffix(strings.TrimSpace(zohoUnit), "."))
	if u, ok := mp.units[k]; ok {
		return u, true
	}
	if a, ok := unitAliases[k]; ok {
		u, ok := mp.units[a]
		return u, ok
	}
	return odoo.UoM{}, false
}

func convertDefault(f odoo.Field, v any) (any, error) {
	switch f.Type {
	case "boolean":
		b, ok := v.(bool)
		if !ok {
			return nil, fmt.Errorf("must be true or false for a boolean field")
		}
		return b, nil
	case "float", "monetary":
		n, ok := v.(float64)
		if !ok {
			return nil, fmt.Errorf("must be a number")
		}
		return n, nil
	case "integer":
		n, ok := v.(float64)
		if !ok {
			return nil, fmt.Errorf("must be a number")
		}
		return int64(n), nil
	case "char", "text", "html":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		return s, nil
	case "selection":
		s, ok := v.(string)
		if !ok {
			return nil, fmt.Errorf("must be a string")
		}
		for _, sv := range f.Selection {
			if sv == s {
				return s, nil
			}
		}
		return nil, fmt.Errorf("%q is not one of %s", s, strings.Join(f.Selection, ", "))
	case "many2one":
		n, ok := v.(float64)
		if !ok || n <= 0 {
			return nil, fmt.Errorf("must be the id of a %s record", f.Relation)
		}
		return int64(n), nil
	}
	return nil, fmt.Errorf("zohosync cannot set an Odoo %s field", f.Type)
}

// TextToHTML renders Zoho's plain-text description for an Odoo html field:
// escaped (Zoho text is never markup), newlines kept as line breaks.
func TextToHTML(s string) string {
	s = strings.TrimSpace(s)
	if s == "" {
		return ""
	}
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	for i, l := range lines {
		lines[i] = html.EscapeString(l)
	}
	return "<p>" + strings.Join(lines, "<br>") + "</p>"
}

var tagRE = regexp.MustCompile(`<[^>]*>`)

// HTMLText reduces html to its visible text, for comparing what Odoo stored
// (after sanitising) with what the sync sent.
func HTMLText(s string) string {
	s = strings.NewReplacer("<br>", "\n", "<br/>", "\n", "<br />", "\n", "</p>", "\n").Replace(s)
	s = html.UnescapeString(tagRE.ReplaceAllString(s, ""))
	return strings.Join(strings.Fields(s), " ")
}

// Checksum fingerprints mapped values: SHA-256 of their canonical JSON (keys sorted).
func Checksum(values map[string]any) string {
	b, _ := json.Marshal(values) // maps marshal with sorted keys
	sum := sha256.Sum256(b)
	return hex.EncodeToString(sum[:16])
}
