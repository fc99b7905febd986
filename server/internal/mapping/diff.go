package mapping

import (
	"fmt"
	"maps"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// Change is one field whose value differs.
type Change struct {
	Field    string
	Old, New any
}

// priceTolerance: Odoo rounds prices to the currency's precision (2 decimals
// by default), so smaller differences are not changes.
const priceTolerance = 0.005

// Diff lists the fields of want whose value differs from have. have may be a
// record read from Odoo (many2one as [id, name], empty as False) or values
// stored after an earlier write; both are normalised before comparing.
func (mp *Mapper) Diff(want, have map[string]any) []Change {
	var out []Change
	for _, k := range slices.Sorted(maps.Keys(want)) {
		old, ok := have[k]
		if !ok || !mp.equal(k, want[k], old) {
			out = append(out, Change{Field: k, Old: old, New: want[k]})
		}
	}
	return out
}

func (mp *Mapper) equal(field string, want, have any) bool {
	f := mp.odoo[field]
	switch f.Type {
	case "many2one":
		if name, ok := want.(string); ok { // a category by complete name (model.go)
			return strings.EqualFold(name, categoryName(have))
		}
		return asID(want) == asID(have)
	case "many2many":
		return sameIDs(want, have)
	case "float", "monetary":
		a, aok := asFloat(want)
		b, bok := asFloat(have)
		return aok && bok && math.Abs(a-b) < priceTolerance+1e-9
	case "integer":
		a, _ := asFloat(want)
		b, _ := asFloat(have)
		return a == b
	case "boolean":
		return asBool(want) == asBool(have)
	case "html":
		return HTMLText(asText(want)) == HTMLText(asText(have))
	default:
		return asText(want) == asText(have)
	}
}

func asID(v any) int64 {
	switch x := v.(type) {
	case []any:
		return odoo.Many2oneID(x)
	case int64:
		return x
	case float64:
		return int64(x)
	case int:
		return int64(x)
	}
	return 0
}

func asFloat(v any) (float64, bool) {
	switch x := v.(type) {
	case float64:
		return x, true
	case int64:
		return float64(x), true
	case int:
		return float64(x), true
	case bool:
		return 0, !x // False from Odoo means 0
	case string:
		f, err := strconv.ParseFloat(x, 64)
		return f, err == nil
	}
	return 0, false
}

func asBool(v any) bool {
	b, _ := v.(bool)
	return b
}

func asText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case bool, nil:
		return "" // Odoo reads empty text as False
	}
	return fmt.Sprint(v)
}

// Show renders a value for people (dry-run plans, logs).
func (mp *Mapper) Show(field string, v any) string {
	if v == nil {
		return ""
	}
	f := mp.odoo[field]
	switch f.Type {
	case "many2many":
		return mp.showIDs(v)
	case "many2one":
		if pair, ok := v.([]any); ok && len(pair) == 2 {
			return fmt.Sprint(pair[1])
		}
		if name, ok := v.(string); ok {
			return name
		}
		id := asID(v)
		if id == 0 {
			return ""
		}
		if f.Relation == "uom.uom" {
			for _, u := range mp.units {
				if u.ID == id {
					return u.Name
				}
			}
		}
		return strconv.FormatInt(id, 10)
	case "float", "monetary":
		if n, ok := asFloat(v); ok {
			return strconv.FormatFloat(n, 'f', -1, 64)
		}
	case "boolean":
		return strconv.FormatBool(asBool(v))
	case "html":
		return truncate(HTMLText(asText(v)), 200)
	}
	return truncate(asText(v), 200)
}

// Fields returns the Odoo fields the mapper writes (for reading them back on a full sync).
func (mp *Mapper) Fields() []string {
	set := map[string]bool{"name": true, "active": true, "default_code": true}
	for _, fm := range mp.fields {
		set[fm.Odoo] = true
	}
	for _, f := range mp.taxFields() {
		set[f] = true
	}
	tv, _ := mp.dialect.TypeValues(mp.defType)
	for k := range tv {
		set[k] = true
	}
	set[mp.dialect.TypeField] = true
	if mp.dialect.StorableByFlag {
		set["is_storable"] = true // types vary per item (model.go)
	}
	for _, mf := range mp.model {
		set[mf.Odoo] = true
	}
	if mp.dialect.SendUomPo && set["uom_id"] {
		set["uom_po_id"] = true
	}
	out := make([]string, 0, len(set))
	for k := range set {
		if _, ok := mp.odoo[k]; ok {
			out = append(out, k)
		}
	}
	sort.Strings(out)
	return out
}

// NormalizeRead turns a record read from Odoo into the mapper's value form
// (many2one → id, False → empty), for storing as "last written" values.
func (mp *Mapper) NormalizeRead(field string, v any) any {
	f := mp.odoo[field]
	switch f.Type {
	case "many2one":
		if _, byName := mp.modelKind(field); byName {
			return categoryName(v)
		}
		return asID(v)
	case "many2many":
		return normalizeIDs(v)
	case "float", "monetary":
		n, _ := asFloat(v)
		return n
	case "integer":
		n, _ := asFloat(v)
		return int64(n)
	case "boolean":
		return asBool(v)
	}
	return strings.Clone(asText(v))
}

// categoryName is a category as read ([id, "All / Saleable"]) or as stored
// after a write (its complete name).
func categoryName(v any) string {
	switch x := v.(type) {
	case []any:
		if len(x) == 2 {
			return fmt.Sprint(x[1])
		}
	case string:
		return x
	}
	return ""
}

// modelKind reports the model-field kind of an Odoo field, and whether its
// value is a category's complete name.
func (mp *Mapper) modelKind(field string) (string, bool) {
	for _, mf := range mp.model {
		if mf.Odoo == field {
			return mf.Kind, mf.Kind == config.KindCategory
		}
	}
	return "", false
}
