package mapping

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// The product model (README "Product model"): barcodes, categories, product
// types, weights and volumes, each a config.ModelField with its own
// conversion. A category is carried in Values as its complete name
// ("All / Saleable"): the Odoo writer resolves it to its id, creating the
// category when it does not exist yet (odoo.WriteProducts).

// modelSetup checks the model fields against Odoo's product fields; a field
// this Odoo lacks turns that part off with one warning.
func (mp *Mapper) modelSetup(m config.Mapping) {
	want := map[string]func(odoo.Field) bool{
		config.KindBarcode:  func(f odoo.Field) bool { return f.Type == "char" },
		config.KindCategory: func(f odoo.Field) bool { return f.Type == "many2one" && f.Relation == "product.category" },
		config.KindWeight:   func(f odoo.Field) bool { return f.Type == "float" },
		config.KindVolume:   func(f odoo.Field) bool { return f.Type == "float" },
	}
	for _, mf := range m.Model() {
		f, ok := mp.odoo[mf.Odoo]
		if !ok || f.Readonly || !want[mf.Kind](f) {
			mp.Warnings = append(mp.Warnings, Warning{Code: zv1.WarningCode_WARNING_CODE_MODEL_FIELD_UNAVAILABLE,
				Message: fmt.Sprintf("this Odoo's products have no writable %s field for Zoho's %s; %ss are not synced", mf.Odoo, strings.Join(mf.Zoho, "/"), mf.Kind)})
			continue
		}
		mp.model = append(mp.model, mf)
	}
	mp.model2 = m.Options.Model
}

// mapModel sets the model fields' values of one item.
func (mp *Mapper) mapModel(it zoho.Item, p *Product) ([]Warning, error) {
	var warns []Warning
	for _, mf := range mp.model {
		var v any
		var w *Warning
		var err error
		switch mf.Kind {
		case config.KindBarcode:
			v, err = barcode(it, mf.Zoho)
		case config.KindCategory:
			v, w = mp.category(it.Str("category_name"))
		case config.KindWeight:
			v, w, err = weight(it, mp.model2.Weight.Unit)
		case config.KindVolume:
			v, w, err = volume(it, mp.model2.Volume.Unit)
		}
		if err != nil {
			return nil, err
		}
		if w != nil {
			warns = append(warns, *w)
		}
		if v != nil {
			p.Values[mf.Odoo] = v
		}
	}
	return warns, nil
}

// barcode is the first non-empty source, as text. Leading zeros are kept; a
// barcode Zoho sent as a JSON number lost them, so a number shorter than its
// standard length gets them back when the padded code's check digit is right
// (docs/zoho.md#barcodes). Nil: the item has none, and Odoo's is left alone.
func barcode(it zoho.Item, sources []string) (any, error) {
	for _, src := range sources {
		s, number := it.Code(src)
		s = cleanText(s)
		if s == "" {
			continue
		}
		if n := utf8.RuneCountInString(s); n > MaxNameLen {
			return nil, fmt.Errorf("%s is %d characters long; at most %d fit an Odoo barcode", src, n, MaxNameLen)
		}
		if number {
			s = restoreZeros(src, s)
		}
		return s, nil
	}
	return nil, nil
}

// restoreZeros pads a numeric code to its standard length: UPC-A 12 digits,
// EAN 8 or 13, ISBN 10 or 13; only when the padded code checks.
func restoreZeros(src, s string) string {
	var lengths []int
	switch src {
	case "upc":
		lengths = []int{12}
	case "ean":
		lengths = []int{8, 13}
	case "isbn":
		lengths = []int{10, 13}
	}
	for _, n := range lengths {
		if len(s) >= n {
			continue
		}
		padded := strings.Repeat("0", n-len(s)) + s
		if (n == 10 && isbn10OK(padded)) || (n != 10 && gtinOK(padded)) {
			return padded
		}
	}
	return s
}

// gtinOK checks a GTIN (UPC-A, EAN-8, EAN-13, ISBN-13) check digit.
func gtinOK(s string) bool {
	sum := 0
	for i := len(s) - 1; i >= 0; i-- {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		if (len(s)-1-i)%2 == 1 {
			d *= 3
		}
		sum += d
	}
	return sum%10 == 0
}

// isbn10OK checks an ISBN-10 (digits only: a number cannot end in X).
func isbn10OK(s string) bool {
	sum := 0
	for i := 0; i < 10; i++ {
		d := int(s[i] - '0')
		if d < 0 || d > 9 {
			return false
		}
		sum += (10 - i) * d
	}
	return sum%11 == 0
}

// category returns the complete name of the item's Odoo category: the one
// matched by name, or the one to create under the configured parent. Nil
// (Odoo's category left alone) when the item has none, or when it matches
// nothing and creation is off (a warning).
func (mp *Mapper) category(name string) (any, *Warning) {
	name = strings.TrimSpace(cleanText(name))
	if name == "" {
		return nil, nil
	}
	if full, ok := mp.catNames[strings.ToLower(name)]; ok {
		return full, nil
	}
	c := mp.model2.Categories
	if !c.CreateMissing {
		return nil, &Warning{Code: zv1.WarningCode_WARNING_CODE_CATEGORY_NOT_FOUND, Message: fmt.Sprintf("Zoho category %q has no Odoo product category and options.categories.create_missing is off; those products keep their Odoo category", name)}
	}
	if c.Parent == "" {
		return name, nil
	}
	parent := c.Parent
	if full, ok := mp.catNames[strings.ToLower(parent)]; ok {
		parent = full
	}
	return parent + " / " + name, nil
}

// Weight units to kilograms, and volume units (of length) to metres.
var (
	kilograms = map[string]float64{"kg": 1, "g": 0.001, "lb": 0.45359237, "oz": 0.028349523125}
	metres    = map[string]float64{"m": 1, "cm": 0.01, "mm": 0.001, "in": 0.0254, "ft": 0.3048}
)

// unitName reads a Zoho unit: lower case, common spellings of it folded.
func unitName(s string) string {
	s = strings.ToLower(strings.TrimSuffix(strings.TrimSpace(s), "."))
	if a, ok := unitAliases[s]; ok {
		return a
	}
	return s
}

// weight converts Zoho's weight into the Odoo unit ("kg" or "lb"). Zoho's
// default unit is kg, so an empty weight_unit is read as kg.
func weight(it zoho.Item, to string) (any, *Warning, error) {
	raw := it.Measure("weight")
	if raw == "" {
		return nil, nil, nil
	}
	n, err := parseNumber(raw)
	if err != nil || n < 0 || n > MaxPrice {
		return nil, nil, fmt.Errorf("weight is not a weight: %q", truncate(raw, 40))
	}
	u := unitName(it.Measure("weight_unit"))
	if u == "" {
		u = "kg"
	}
	f, ok := kilograms[u]
	if !ok {
		return nil, &Warning{Code: zv1.WarningCode_WARNING_CODE_MEASURE_UNIT_UNKNOWN, Message: fmt.Sprintf("Zoho weight unit %q is not kg, g, lb or oz; those products keep their Odoo weight", truncate(u, 20))}, nil
	}
	kg := n * f
	if to == "lb" {
		return round6(kg / kilograms["lb"]), nil, nil
	}
	return round6(kg), nil, nil
}

// volume is length × width × height converted into the Odoo unit ("m3" or
// "ft3"); nil unless all three are given. Zoho's default unit is cm.
func volume(it zoho.Item, to string) (any, *Warning, error) {
	v := 1.0
	for _, d := range []string{"length", "width", "height"} {
		raw := it.Measure(d)
		if raw == "" {
			return nil, nil, nil
		}
		n, err := parseNumber(raw)
		if err != nil || n < 0 || n > MaxPrice {
			return nil, nil, fmt.Errorf("%s is not a length: %q", d, truncate(raw, 40))
		}
		v *= n
	}
	u := unitName(it.Measure("dimension_unit"))
	if u == "" {
		u = "cm"
	}
	f, ok := metres[u]
	if !ok {
		return nil, &Warning{Code: zv1.WarningCode_WARNING_CODE_MEASURE_UNIT_UNKNOWN, Message: fmt.Sprintf("Zoho dimension unit %q is not cm, m, mm, in or ft; those products keep their Odoo volume", truncate(u, 20))}, nil
	}
	m3 := v * f * f * f
	if to == "ft3" {
		ft := metres["ft"]
		return round6(m3 / (ft * ft * ft)), nil, nil
	}
	return round6(m3), nil, nil
}

// round6 keeps six decimals: more than Odoo stores, fewer than float noise,
// so a checksum does not change with the order of multiplications.
func round6(x float64) float64 {
	r, _ := strconv.ParseFloat(strconv.FormatFloat(math.Round(x*1e6)/1e6, 'f', 6, 64), 64)
	return r
}

// productType is the Odoo kind of an item (README "Product model"): a
// service; goods tracked in inventory are storable (Inventory item_type in
// Books, track_inventory in Inventory); other goods are consumables.
func (mp *Mapper) productType(it zoho.Item) odoo.ProductType {
	switch strings.ToLower(it.Str("product_type")) {
	case "service", "digital_service", "capital_service":
		return odoo.TypeService
	}
	if !mp.model2.TypesFromZoho {
		return mp.defType
	}
	tracked, known := it.Bool("track_inventory")
	if !known {
		switch strings.ToLower(it.Str("item_type")) {
		case "inventory":
			tracked, known = true, true
		case "sales", "purchases", "sales_and_purchases":
			known = true
		}
	}
	switch {
	case !known:
		return mp.defType
	case tracked:
		return odoo.TypeStorable
	}
	return odoo.TypeConsumable
}
