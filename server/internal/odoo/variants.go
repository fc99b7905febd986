package odoo

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
)

// Variants: a Zoho item group is one product.template with attribute lines;
// Odoo generates its product.product variants, one per combination of the
// lines' values, and each is matched to its Zoho item by that combination
// (docs/odoo.md#attributes-and-variants).

// VariantModel is the model of one variant.
const VariantModel = "product.product"

// VariantImageField is a variant's own picture (its image_1920 falls back to the template's).
const VariantImageField = "image_variant_1920"

// GroupXMLIDName is the external-id name of a Zoho item group's template.
func GroupXMLIDName(groupID string) string { return "zoho_group_" + groupID }

// VariantXMLIDName is the external-id name of a Zoho item's variant.
func VariantXMLIDName(zohoID string) string { return "zoho_variant_" + zohoID }

// Option is one attribute value (Size = Small), by name.
type Option struct{ Attribute, Value string }

// AttributeLine is one attribute of a template and the values it offers, in order.
type AttributeLine struct {
	Attribute string
	Values    []string
}

// TemplateWrite is one group's template to create (ID 0) or update.
type TemplateWrite struct {
	GroupID string
	ID      int64
	Values  map[string]any
	Image   []byte // the group's picture, sent on create
}

// TemplateLinks returns the templates already carrying these groups' external ids.
func (c *Client) TemplateLinks(ctx context.Context, groupIDs []string) (map[string]int64, error) {
	return c.xmlLinks(ctx, ProductModel, "zoho_group_", groupIDs, GroupXMLIDName)
}

// VariantLinks returns the variants already carrying these items' external ids.
func (c *Client) VariantLinks(ctx context.Context, zohoIDs []string) (map[string]int64, error) {
	return c.xmlLinks(ctx, VariantModel, "zoho_variant_", zohoIDs, VariantXMLIDName)
}

func (c *Client) xmlLinks(ctx context.Context, model, prefix string, keys []string, name func(string) string) (map[string]int64, error) {
	out := map[string]int64{}
	if len(keys) == 0 {
		return out, nil
	}
	names := make([]any, len(keys))
	for i, k := range keys {
		names[i] = name(k)
	}
	var rows []map[string]any
	err := c.Execute(ctx, "ir.model.data", "search_read", []any{[]any{
		[]any{"module", "=", XMLIDModule}, []any{"model", "=", model}, []any{"name", "in", names},
	}}, map[string]any{"fields": []any{"name", "res_id"}}, &rows)
	if errors.Is(err, ErrForbidden) {
		return nil, ErrNoExternalIDAccess
	}
	if err != nil {
		return nil, err
	}
	for _, r := range rows {
		if k, ok := strings.CutPrefix(asString(r["name"]), prefix); ok {
			out[k] = asInt(r["res_id"])
		}
	}
	return out, nil
}

// WriteTemplates creates and updates group templates through load(): a
// create row carries the group's external id, so the template and its link
// are one transaction and a create repeated after a crash updates it. Rows
// with the same fields share a call; a call Odoo refuses is retried row by
// row, so only the bad template fails. The error is for the run.
func (c *Client) WriteTemplates(ctx context.Context, ts []TemplateWrite, batchSize int) ([]Result, error) {
	results := make([]Result, len(ts))
	groups := map[string][]int{}
	var order []string
	for i, t := range ts {
		fields := slices.Sorted(maps.Keys(t.Values))
		if t.ID == 0 && t.Image != nil {
			fields = append(fields, ImageField)
		}
		k := strconv.FormatBool(t.ID == 0) + ":" + strings.Join(fields, ",")
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		idx := groups[k]
		create := strings.HasPrefix(k, "true:")
		names := strings.Split(strings.SplitN(k, ":", 2)[1], ",")
		if names[0] == "" {
			names = nil
		}
		cols := []string{".id"}
		if create {
			cols = []string{"id"}
		}
		for _, f := range names {
			if f == ImageField {
				cols = append(cols, f)
			} else {
				cols = append(cols, c.column(f))
			}
		}
		row := func(i int) []string {
			t := ts[i]
			r := []string{strconv.FormatInt(t.ID, 10)}
			if create {
				r = []string{XMLIDModule + "." + GroupXMLIDName(t.GroupID)}
			}
			for _, f := range names {
				if f == ImageField {
					r = append(r, base64.StdEncoding.EncodeToString(t.Image))
				} else {
					r = append(r, FormatImportValue(t.Values[f]))
				}
			}
			return r
		}
		for start := 0; start < len(idx); start += max(batchSize, 1) {
			batch := idx[start:min(len(idx), start+max(batchSize, 1))]
			if err := c.loadRows(ctx, ProductModel, cols, batch, row, results); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// loadRows loads rows on a model, then one by one when Odoo refuses the call.
func (c *Client) loadRows(ctx context.Context, model string, cols []string, batch []int, row func(int) []string, results []Result) error {
	rows := make([][]string, len(batch))
	for i, b := range batch {
		rows[i] = row(b)
	}
	res, err := c.loadModel(ctx, model, cols, rows)
	if err != nil {
		f, ok := rowFault(err)
		if !ok {
			return err
		}
		if len(batch) == 1 {
			results[batch[0]] = Result{Index: batch[0], Err: refused("Odoo refused the product: "+f.Message(), f)}
			return nil
		}
	}
	if err == nil && res.IDs != nil {
		for i, b := range batch {
			results[b] = Result{Index: b, ID: res.IDs[i]}
		}
		return nil
	}
	if len(batch) == 1 {
		msg := res.RowErr[0]
		if msg == "" {
			msg = res.RowErr[-1]
		}
		results[batch[0]] = Result{Index: batch[0], Err: refused("Odoo refused the product: "+msg, ErrValidation)}
		return nil
	}
	for _, b := range batch {
		if err := c.loadRows(ctx, model, cols, []int{b}, row, results); err != nil {
			return err
		}
	}
	return nil
}

// SetAttributeLines makes each template's attribute lines offer exactly
// these attributes and values: attributes and values are matched by name
// (case-insensitively) and created when missing, lines created or their
// values replaced. Odoo then creates, reactivates or removes the variants
// itself. It reports the templates whose lines it wrote.
func (c *Client) SetAttributeLines(ctx context.Context, lines map[int64][]AttributeLine) (map[int64]bool, error) {
	wrote := map[int64]bool{}
	if len(lines) == 0 {
		return wrote, nil
	}
	var names []string
	want := map[string][]string{} // attribute (lower) → values
	display := map[string]string{}
	for _, ls := range lines {
		for _, l := range ls {
			k := strings.ToLower(l.Attribute)
			if _, ok := display[k]; !ok {
				display[k] = l.Attribute
				names = append(names, l.Attribute)
			}
			want[k] = append(want[k], l.Values...)
		}
	}
	attrs, err := c.ensureAttributes(ctx, names)
	if err != nil {
		return nil, err
	}
	values, err := c.ensureValues(ctx, attrs, want)
	if err != nil {
		return nil, err
	}
	tmpls := slices.Sorted(maps.Keys(lines))
	var have []map[string]any
	if err := c.Execute(ctx, "product.template.attribute.line", "search_read",
		[]any{[]any{[]any{"product_tmpl_id", "in", int64sToAny(tmpls)}}},
		map[string]any{"fields": []any{"product_tmpl_id", "attribute_id", "value_ids"}, "order": "id"}, &have); err != nil {
		return nil, err
	}
	type key struct {
		tmpl, attr int64
	}
	existing := map[key]map[string]any{}
	for _, h := range have {
		existing[key{Many2oneID(h["product_tmpl_id"]), Many2oneID(h["attribute_id"])}] = h
	}
	var creates []any
	for _, t := range tmpls {
		keepAttr := map[int64]bool{}
		for _, l := range lines[t] {
			a := attrs[strings.ToLower(l.Attribute)]
			keepAttr[a] = true
			var ids []int64
			for _, v := range l.Values {
				id := values[valueKey{a, strings.ToLower(v)}]
				if !slices.Contains(ids, id) {
					ids = append(ids, id)
				}
			}
			h, ok := existing[key{t, a}]
			if !ok {
				creates = append(creates, map[string]any{"product_tmpl_id": t, "attribute_id": a, "value_ids": []any{[]any{6, 0, int64sToAny(ids)}}})
				wrote[t] = true
				continue
			}
			cur := idList(h["value_ids"])
			if !sameSet(cur, ids) {
				if err := c.Execute(ctx, "product.template.attribute.line", "write",
					[]any{[]any{asInt(h["id"])}, map[string]any{"value_ids": []any{[]any{6, 0, int64sToAny(ids)}}}},
					map[string]any{"context": writeContext()}, nil); err != nil {
					return nil, fmt.Errorf("cannot set the values of %s on product %d: %w", l.Attribute, t, err)
				}
				wrote[t] = true
			}
		}
		for k, h := range existing {
			if k.tmpl == t && !keepAttr[k.attr] {
				if err := c.Execute(ctx, "product.template.attribute.line", "unlink", []any{[]any{asInt(h["id"])}}, nil, nil); err != nil {
					return nil, err
				}
				wrote[t] = true
			}
		}
	}
	if len(creates) > 0 {
		if err := c.Execute(ctx, "product.template.attribute.line", "create", []any{creates},
			map[string]any{"context": writeContext()}, nil); err != nil {
			return nil, err
		}
	}
	return wrote, nil
}

type valueKey struct {
	attr int64
	name string
}

func idList(v any) []int64 {
	xs, _ := v.([]any)
	out := make([]int64, 0, len(xs))
	for _, x := range xs {
		out = append(out, asInt(x))
	}
	return out
}

func sameSet(a, b []int64) bool {
	if len(a) != len(b) {
		return false
	}
	for _, x := range a {
		if !slices.Contains(b, x) {
			return false
		}
	}
	return true
}

// ensureAttributes finds product.attribute records by name, creating the missing ones.
func (c *Client) ensureAttributes(ctx context.Context, names []string) (map[string]int64, error) {
	out := map[string]int64{}
	var rows []map[string]any
	// every attribute, matched here: a catalogue has few, and Odoo's "in" is case-sensitive
	if err := c.Execute(ctx, "product.attribute", "search_read", []any{[]any{}},
		map[string]any{"fields": []any{"name", "create_variant"}, "order": "id"}, &rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		k := strings.ToLower(asString(r["name"]))
		if _, ok := out[k]; !ok {
			out[k] = asInt(r["id"])
		}
	}
	var missing []any
	var order []string
	for _, n := range names {
		if _, ok := out[strings.ToLower(n)]; !ok {
			missing = append(missing, map[string]any{"name": n, "create_variant": "always"})
			order = append(order, strings.ToLower(n))
		}
	}
	if len(missing) > 0 {
		var ids []any
		if err := c.Execute(ctx, "product.attribute", "create", []any{missing}, map[string]any{"context": writeContext()}, &ids); err != nil {
			return nil, err
		}
		for i, id := range ids {
			out[order[i]] = asInt(id)
		}
	}
	return out, nil
}

// ensureValues finds each attribute's values by name, creating the missing ones.
func (c *Client) ensureValues(ctx context.Context, attrs map[string]int64, want map[string][]string) (map[valueKey]int64, error) {
	out := map[valueKey]int64{}
	ids := slices.Sorted(maps.Values(attrs))
	var rows []map[string]any
	if err := c.Execute(ctx, "product.attribute.value", "search_read", []any{[]any{[]any{"attribute_id", "in", int64sToAny(ids)}}},
		map[string]any{"fields": []any{"name", "attribute_id"}, "order": "id"}, &rows); err != nil {
		return nil, err
	}
	for _, r := range rows {
		k := valueKey{Many2oneID(r["attribute_id"]), strings.ToLower(asString(r["name"]))}
		if _, ok := out[k]; !ok {
			out[k] = asInt(r["id"])
		}
	}
	var missing []any
	var order []valueKey
	for _, an := range slices.Sorted(maps.Keys(want)) {
		a := attrs[an]
		for _, v := range want[an] {
			k := valueKey{a, strings.ToLower(v)}
			if _, ok := out[k]; ok || slices.Contains(order, k) {
				continue
			}
			missing = append(missing, map[string]any{"name": v, "attribute_id": a})
			order = append(order, k)
		}
	}
	if len(missing) > 0 {
		var created []any
		if err := c.Execute(ctx, "product.attribute.value", "create", []any{missing}, map[string]any{"context": writeContext()}, &created); err != nil {
			return nil, err
		}
		for i, id := range created {
			out[order[i]] = asInt(id)
		}
	}
	return out, nil
}

// Variant is one product.product of a template as Odoo has it.
type Variant struct {
	ID, TemplateID int64
	Active         bool
	Options        []Option // its combination, by attribute and value name
	// Values are the variant's own fields (default_code, barcode, standard_price, …).
	Values   map[string]any
	HasImage bool
	// LstPrice is its sale price: the template's list_price plus price_extra.
	LstPrice float64
}

// ValueExtra is one attribute value of a template, with its price_extra.
type ValueExtra struct {
	ID         int64 // the template's value record
	TemplateID int64
	Option
	PriceExtra float64
	Active     bool
}

// ReadVariants reads the variants (archived included) and the attribute
// values of these templates; fields are the variant fields to read.
func (c *Client) ReadVariants(ctx context.Context, tmplIDs []int64, fields []string) ([]Variant, []ValueExtra, error) {
	if len(tmplIDs) == 0 {
		return nil, nil, nil
	}
	var pt []map[string]any
	if err := c.Execute(ctx, "product.template.attribute.value", "search_read",
		[]any{[]any{[]any{"product_tmpl_id", "in", int64sToAny(tmplIDs)}}},
		map[string]any{"fields": []any{"product_tmpl_id", "attribute_id", "name", "price_extra", "ptav_active"}, "order": "id"}, &pt); err != nil {
		return nil, nil, err
	}
	byID := map[int64]Option{}
	extras := make([]ValueExtra, 0, len(pt))
	for _, r := range pt {
		_, an := many2one(r["attribute_id"])
		o := Option{Attribute: an, Value: asString(r["name"])}
		byID[asInt(r["id"])] = o
		active, _ := r["ptav_active"].(bool)
		extras = append(extras, ValueExtra{ID: asInt(r["id"]), TemplateID: Many2oneID(r["product_tmpl_id"]), Option: o, PriceExtra: asFloat(r["price_extra"]), Active: active})
	}
	want := append([]string{"product_tmpl_id", "active", "product_template_attribute_value_ids", "lst_price", VariantImageField}, fields...)
	var rows []map[string]any
	if err := c.Execute(ctx, VariantModel, "search_read",
		[]any{[]any{[]any{"product_tmpl_id", "in", int64sToAny(tmplIDs)}}},
		map[string]any{"fields": toAny(want), "order": "id", "context": readContext()}, &rows); err != nil {
		return nil, nil, err
	}
	out := make([]Variant, 0, len(rows))
	for _, r := range rows {
		v := Variant{ID: asInt(r["id"]), TemplateID: Many2oneID(r["product_tmpl_id"]), Values: map[string]any{}, LstPrice: asFloat(r["lst_price"])}
		v.Active, _ = r["active"].(bool)
		for _, p := range idList(r["product_template_attribute_value_ids"]) {
			v.Options = append(v.Options, byID[p])
		}
		if img, ok := r[VariantImageField].(string); ok && img != "" {
			v.HasImage = true
		}
		for _, f := range fields {
			v.Values[f] = r[f]
		}
		out = append(out, v)
	}
	return out, extras, nil
}

// SetPriceExtras writes attribute values' price_extra, one call per distinct amount.
func (c *Client) SetPriceExtras(ctx context.Context, extras map[int64]float64) error {
	byAmount := map[float64][]int64{}
	for id, x := range extras {
		byAmount[x] = append(byAmount[x], id)
	}
	for _, x := range slices.Sorted(maps.Keys(byAmount)) {
		ids := byAmount[x]
		slices.Sort(ids)
		if err := c.Execute(ctx, "product.template.attribute.value", "write",
			[]any{int64sToAny(ids), map[string]any{"price_extra": x}}, map[string]any{"context": writeContext()}, nil); err != nil {
			return err
		}
	}
	return nil
}

// VariantWrite is one variant's own values to update, by its database id.
type VariantWrite struct {
	ID     int64
	Values map[string]any // default_code, barcode, standard_price, active, …
	Image  []byte         // its own picture; nil leaves it alone
}

// WriteVariants updates variants through load() on product.product (".id"
// rows; rows with the same fields share a call). A variant Odoo refuses (a
// barcode another product has) fails alone.
func (c *Client) WriteVariants(ctx context.Context, vs []VariantWrite, batchSize int) ([]Result, error) {
	results := make([]Result, len(vs))
	groups := map[string][]int{}
	var order []string
	for i, v := range vs {
		fields := slices.Sorted(maps.Keys(v.Values))
		if v.Image != nil {
			fields = append(fields, VariantImageField)
		}
		k := strings.Join(fields, ",")
		if _, ok := groups[k]; !ok {
			order = append(order, k)
		}
		groups[k] = append(groups[k], i)
	}
	for _, k := range order {
		if k == "" {
			for _, i := range groups[k] {
				results[i] = Result{Index: i, ID: vs[i].ID}
			}
			continue
		}
		names := strings.Split(k, ",")
		cols := []string{".id"}
		for _, f := range names {
			if f == VariantImageField {
				cols = append(cols, f)
			} else {
				cols = append(cols, c.column(f))
			}
		}
		row := func(i int) []string {
			r := []string{strconv.FormatInt(vs[i].ID, 10)}
			for _, f := range names {
				if f == VariantImageField {
					r = append(r, base64.StdEncoding.EncodeToString(vs[i].Image))
				} else {
					r = append(r, FormatImportValue(vs[i].Values[f]))
				}
			}
			return r
		}
		idx := groups[k]
		bs := max(batchSize, 1)
		for start := 0; start < len(idx); start += bs {
			if err := c.loadRows(ctx, VariantModel, cols, idx[start:min(len(idx), start+bs)], row, results); err != nil {
				return nil, err
			}
		}
	}
	return results, nil
}

// LinkVariants gives variants the external ids of their Zoho items, in one call.
func (c *Client) LinkVariants(ctx context.Context, links map[string]int64) error {
	if len(links) == 0 {
		return nil
	}
	vals := make([]any, 0, len(links))
	for _, z := range slices.Sorted(maps.Keys(links)) {
		vals = append(vals, map[string]any{
			"module": XMLIDModule, "name": VariantXMLIDName(z), "model": VariantModel, "res_id": links[z], "noupdate": true,
		})
	}
	err := c.Execute(ctx, "ir.model.data", "create", []any{vals}, nil, nil)
	if errors.Is(err, ErrForbidden) {
		return ErrNoExternalIDAccess
	}
	return err
}

// SetVariantsActive archives (or restores) variants, one call.
func (c *Client) SetVariantsActive(ctx context.Context, ids []int64, active bool) error {
	if len(ids) == 0 {
		return nil
	}
	return c.Execute(ctx, VariantModel, "write", []any{int64sToAny(ids), map[string]any{"active": active}},
		map[string]any{"context": writeContext()}, nil)
}
