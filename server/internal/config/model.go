package config

import (
	"encoding/json"
	"slices"
	"strings"
)

// The product model (README "Product model"): the Zoho fields zohosync maps
// with a conversion of their own, each switched and tuned under
// products.options in field_mapping.json. A field_mapping.json written before
// these settings existed is read as it is: every part then takes its default.

// Kinds of model field.
const (
	KindBarcode  = "barcode"  // first non-empty of Zoho's upc/ean/isbn, as text
	KindCategory = "category" // Zoho category_name → product.category, by name
	KindWeight   = "weight"   // weight in weight_unit → Odoo's weight unit
	KindVolume   = "volume"   // length × width × height in dimension_unit → Odoo's volume unit
)

// ModelField is one model field the mapping writes: a kind of conversion, the
// Zoho fields it reads and the Odoo product field it fills.
type ModelField struct {
	Kind string
	Zoho []string
	Odoo string
}

// ModelOptions are products.options.barcode, categories, product_type, weight and volume.
type ModelOptions struct {
	// BarcodeSources are tried in order; the first non-empty one is the
	// barcode. Empty: barcodes are not synced ("source": "none").
	BarcodeSources []string
	Categories     CategoryOptions
	// TypesFromZoho derives each product's type from Zoho's product_type and
	// inventory tracking; false keeps default_values' type for every goods item.
	TypesFromZoho bool
	Weight        MeasureOptions
	Volume        MeasureOptions
}

// CategoryOptions: Zoho's category_name → product.category.
type CategoryOptions struct {
	Enabled       bool
	CreateMissing bool   // create an unmatched category under Parent
	Parent        string // complete name of the parent of created categories, e.g. "All"
}

// MeasureOptions: a converted measure and the Odoo unit it is written in.
type MeasureOptions struct {
	Enabled bool
	Unit    string // weight: "kg" or "lb"; volume: "m3" or "ft3"
}

// BarcodeSourceFields are the Zoho fields a barcode may come from.
var BarcodeSourceFields = []string{"upc", "ean", "isbn"}

func defaultModelOptions() ModelOptions {
	return ModelOptions{
		BarcodeSources: []string{"upc", "ean", "isbn"},
		Categories:     CategoryOptions{Enabled: true, CreateMissing: true, Parent: "All"},
		TypesFromZoho:  true,
		Weight:         MeasureOptions{Enabled: true, Unit: "kg"},
		Volume:         MeasureOptions{Enabled: true, Unit: "m3"},
	}
}

// modelFile is the JSON of the model settings, part of "products.options".
type modelFile struct {
	Barcode *struct {
		Source json.RawMessage `json:"source"` // "upc" | "ean" | "isbn" | "none" | ["upc", "ean"]
	} `json:"barcode"`
	Categories *struct {
		Enabled       *bool   `json:"enabled"`
		CreateMissing *bool   `json:"create_missing"`
		Parent        *string `json:"parent"`
	} `json:"categories"`
	ProductType *struct {
		FromZoho *bool `json:"from_zoho"`
	} `json:"product_type"`
	Weight *measureFile `json:"weight"`
	Volume *measureFile `json:"volume"`
}

type measureFile struct {
	Enabled *bool   `json:"enabled"`
	Unit    *string `json:"unit"`
}

func applyModel(path string, o *ModelOptions, f modelFile) error {
	if b := f.Barcode; b != nil && len(b.Source) > 0 {
		var one string
		var list []string
		if err := json.Unmarshal(b.Source, &one); err == nil {
			list = []string{one}
			if one == "none" {
				list = []string{}
			}
		} else if err := json.Unmarshal(b.Source, &list); err != nil {
			return errorf(path, `options.barcode.source must be "upc", "ean", "isbn", "none" or a list of them`)
		}
		seen := map[string]bool{}
		for _, s := range list {
			if !contains(BarcodeSourceFields, s) {
				return errorf(path, `options.barcode.source: %q is not "upc", "ean", "isbn" or "none"`, s)
			}
			if seen[s] {
				return errorf(path, "options.barcode.source lists %q twice", s)
			}
			seen[s] = true
		}
		o.BarcodeSources = list
	}
	if c := f.Categories; c != nil {
		setBool(&o.Categories.Enabled, c.Enabled)
		setBool(&o.Categories.CreateMissing, c.CreateMissing)
		if c.Parent != nil {
			p := strings.TrimSpace(*c.Parent)
			if strings.HasPrefix(p, "/") || strings.HasSuffix(p, "/") {
				return errorf(path, `options.categories.parent %q is not a category's complete name (e.g. "All" or "All / Saleable")`, *c.Parent)
			}
			o.Categories.Parent = p
		}
	}
	if t := f.ProductType; t != nil {
		setBool(&o.TypesFromZoho, t.FromZoho)
	}
	for _, m := range []struct {
		name  string
		dst   *MeasureOptions
		src   *measureFile
		units []string
	}{{"weight", &o.Weight, f.Weight, []string{"kg", "lb"}}, {"volume", &o.Volume, f.Volume, []string{"m3", "ft3"}}} {
		if m.src == nil {
			continue
		}
		setBool(&m.dst.Enabled, m.src.Enabled)
		if m.src.Unit != nil {
			if !slices.Contains(m.units, *m.src.Unit) {
				return errorf(path, "options.%s.unit %q is not %s (Odoo's %s units)", m.name, *m.src.Unit, strings.Join(quoted(m.units), " or "), m.name)
			}
			m.dst.Unit = *m.src.Unit
		}
	}
	return nil
}

func quoted(xs []string) []string {
	out := make([]string, len(xs))
	for i, x := range xs {
		out[i] = `"` + x + `"`
	}
	return out
}

// Model returns the model fields the mapping writes: those switched on, minus
// any whose Odoo field the mapping already fills from a field of its own
// (an explicit "upc": "barcode" line wins over options.barcode).
func (m Mapping) Model() []ModelField {
	o := m.Options.Model
	var out []ModelField
	add := func(on bool, f ModelField) {
		if !on {
			return
		}
		for _, fm := range m.Fields {
			if fm.Odoo == f.Odoo {
				return
			}
		}
		out = append(out, f)
	}
	add(len(o.BarcodeSources) > 0, ModelField{Kind: KindBarcode, Zoho: slices.Clone(o.BarcodeSources), Odoo: "barcode"})
	add(o.Categories.Enabled, ModelField{Kind: KindCategory, Zoho: []string{"category_name"}, Odoo: "categ_id"})
	add(o.Weight.Enabled, ModelField{Kind: KindWeight, Zoho: []string{"weight", "weight_unit"}, Odoo: "weight"})
	add(o.Volume.Enabled, ModelField{Kind: KindVolume, Zoho: []string{"length", "width", "height", "dimension_unit"}, Odoo: "volume"})
	return out
}

// OdooFields are the Odoo product fields the mapping fills: its fields, then its model fields.
func (m Mapping) OdooFields() []string {
	out := make([]string, 0, len(m.Fields)+4)
	for _, fm := range m.Fields {
		out = append(out, fm.Odoo)
	}
	for _, mf := range m.Model() {
		out = append(out, mf.Odoo)
	}
	return out
}
