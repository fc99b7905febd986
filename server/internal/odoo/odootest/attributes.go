package odootest

import (
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// Product attributes and variants, as Odoo 17's product module does them
// (docs/odoo.md#attributes-and-variants):
//
//   - product.attribute (create_variant "always" by default) and its
//     product.attribute.value rows, unique by name per attribute;
//   - product.template.attribute.line: one per attribute of a template, with
//     value_ids (many2many). Creating or writing a line creates or
//     (de)activates its product.template.attribute.value rows (ptav, with
//     price_extra) and then runs _create_variant_ids on the template;
//   - _create_variant_ids: the variants are the cartesian product of the
//     lines' active ptavs. A line with a single value is first added to the
//     existing variants (so adding it recreates nothing); variants whose
//     combination is valid are reactivated, missing ones created, and the
//     others unlinked, or archived when they cannot be (_unlink_or_archive);
//   - product.product: product_template_attribute_value_ids is its
//     combination, price_extra the sum of its ptavs' price_extra and
//     lst_price the template's list_price plus price_extra.

func addAttributeModels(s *schema) {
	pa := &modelDef{name: "product.attribute", description: "Product Attribute", order: "sequence, id", recName: "name"}
	pa.add(fd("name", "char", "Attribute", "R", "S", "T"))
	pa.add(fd("sequence", "integer", "Sequence", "S"))
	pa.add(fd("create_variant", "selection", "Variants Creation Mode", "R", "S").sel(
		"always", "Instantly", "dynamic", "Dynamically", "no_variant", "Never (option)"))
	pa.add(fd("display_type", "selection", "Display Type", "R", "S").sel(
		"radio", "Radio", "pills", "Pills", "select", "Select", "color", "Color", "multi", "Multi-checkbox (option)"))
	logAccessFields(pa)
	s.models[pa.name] = finish(pa)

	pv := &modelDef{name: "product.attribute.value", description: "Attribute Value", order: "attribute_id, sequence, id", recName: "name"}
	pv.add(fd("name", "char", "Value", "R", "S", "T"))
	pv.add(fd("sequence", "integer", "Sequence", "S"))
	pv.add(fd("attribute_id", "many2one", "Attribute", "R", "S", "rel=product.attribute"))
	pv.add(fd("html_color", "char", "Color", "S"))
	pv.add(fd("is_custom", "boolean", "Is custom value", "S"))
	logAccessFields(pv)
	s.models[pv.name] = finish(pv)

	pl := &modelDef{name: "product.template.attribute.line", description: "Product Template Attribute Line", order: "attribute_id, id", recName: "attribute_id", hasActive: true}
	pl.add(fd("active", "boolean", "Active", "S"))
	pl.add(fd("product_tmpl_id", "many2one", "Product Template", "R", "S", "rel=product.template"))
	pl.add(fd("attribute_id", "many2one", "Attribute", "R", "S", "rel=product.attribute"))
	pl.add(fd("value_ids", "many2many", "Values", "S", "rel=product.attribute.value"))
	pl.add(fd("sequence", "integer", "Sequence", "S"))
	logAccessFields(pl)
	s.models[pl.name] = finish(pl)

	pt := &modelDef{name: "product.template.attribute.value", description: "Product Template Attribute Value", order: "attribute_line_id, id", recName: "name"}
	pt.add(fd("ptav_active", "boolean", "Active", "S"))
	pt.add(fd("name", "char", "Value", "ro"))
	pt.add(fd("product_attribute_value_id", "many2one", "Attribute Value", "R", "S", "rel=product.attribute.value"))
	pt.add(fd("attribute_line_id", "many2one", "Attribute Line", "R", "S", "rel=product.template.attribute.line"))
	pt.add(fd("price_extra", "float", "Value Price Extra", "S", "digits=2"))
	pt.add(fd("product_tmpl_id", "many2one", "Product Template", "ro", "S", "rel=product.template"))
	pt.add(fd("attribute_id", "many2one", "Attribute", "ro", "S", "rel=product.attribute"))
	logAccessFields(pt)
	s.models[pt.name] = finish(pt)
}

func init() {
	modelHooks["product.attribute"] = &hooks{
		defaults: func(e *env, vals *pyDict) {
			vals.SetDefault("create_variant", "always")
			vals.SetDefault("display_type", "radio")
			vals.SetDefault("sequence", 20)
		},
	}
	modelHooks["product.attribute.value"] = &hooks{
		defaults: func(e *env, vals *pyDict) { vals.SetDefault("sequence", 10) },
		constraints: func(e *env, ids []int, written map[string]bool) *odooError {
			if !written["name"] && !written["attribute_id"] {
				return nil
			}
			for _, id := range ids {
				r := e.st.row("product.attribute.value", id)
				for _, o := range e.st.ids("product.attribute.value") {
					or := e.st.row("product.attribute.value", o)
					if o != id && or["attribute_id"] == r["attribute_id"] && or["name"] == r["name"] {
						return userError("You cannot create two values with the same name for the same attribute.")
					}
				}
			}
			return nil
		},
	}
	modelHooks["product.template.attribute.line"] = &hooks{
		defaults: func(e *env, vals *pyDict) { vals.SetDefault("active", true) },
		constraints: func(e *env, ids []int, written map[string]bool) *odooError {
			for _, id := range ids {
				r := e.st.row("product.template.attribute.line", id)
				vs, _ := r["value_ids"].([]int)
				if act, _ := r["active"].(bool); act && len(vs) == 0 {
					return userError(fmt.Sprintf("The attribute %s must have at least one value for the product %s.",
						pyStr(e.value("product.attribute", idOf(r["attribute_id"]), "name")),
						pyStr(e.value("product.template", idOf(r["product_tmpl_id"]), "name"))))
				}
				for _, v := range vs {
					if e.st.row("product.attribute.value", v)["attribute_id"] != r["attribute_id"] {
						return userError(fmt.Sprintf("On the product %s you cannot associate the value %s with the attribute %s because they do not match.",
							pyStr(e.value("product.template", idOf(r["product_tmpl_id"]), "name")),
							pyStr(e.value("product.attribute.value", v, "name")),
							pyStr(e.value("product.attribute", idOf(r["attribute_id"]), "name"))))
					}
				}
				for _, o := range e.st.ids("product.template.attribute.line") {
					or := e.st.row("product.template.attribute.line", o)
					if o != id && or["product_tmpl_id"] == r["product_tmpl_id"] && or["attribute_id"] == r["attribute_id"] {
						if act, _ := or["active"].(bool); act {
							return userError(fmt.Sprintf("The attribute %s is already on the product %s.",
								pyStr(e.value("product.attribute", idOf(r["attribute_id"]), "name")),
								pyStr(e.value("product.template", idOf(r["product_tmpl_id"]), "name"))))
						}
					}
				}
			}
			return nil
		},
		after: func(e *env, ids []int, _ []*pyDict, convs []map[string]any, create bool) *odooError {
			changed := create
			for _, c := range convs {
				if _, ok := c["value_ids"]; ok {
					changed = true
				}
				if _, ok := c["active"]; ok {
					changed = true
				}
			}
			if !changed {
				return nil
			}
			tmpls := map[int]bool{}
			for _, id := range ids {
				e.updatePTAVs(id)
				tmpls[idOf(e.st.row("product.template.attribute.line", id)["product_tmpl_id"])] = true
			}
			for _, t := range slices.Sorted(mapKeys(tmpls)) {
				if err := e.createVariantIDs(t); err != nil {
					return err
				}
			}
			return nil
		},
	}
	modelHooks["product.template.attribute.value"] = &hooks{}
}

// updatePTAVs is _update_product_template_attribute_values for one line.
func (e *env) updatePTAVs(line int) {
	r := e.st.row("product.template.attribute.line", line)
	vals, _ := r["value_ids"].([]int)
	active, _ := r["active"].(bool)
	want := map[int]bool{}
	if active {
		for _, v := range vals {
			want[v] = true
		}
	}
	have := map[int]int{}
	for _, p := range e.st.ids("product.template.attribute.value") {
		pr := e.st.row("product.template.attribute.value", p)
		if idOf(pr["attribute_line_id"]) == line {
			have[idOf(pr["product_attribute_value_id"])] = p
			e.st.set("product.template.attribute.value", p, "ptav_active", want[idOf(pr["product_attribute_value_id"])])
		}
	}
	for _, v := range vals {
		if _, ok := have[v]; ok || !want[v] {
			continue
		}
		id := e.st.nextID("product.template.attribute.value")
		e.st.insert("product.template.attribute.value", id, row{
			"ptav_active": true, "product_attribute_value_id": v, "attribute_line_id": line, "price_extra": 0.0,
			"product_tmpl_id": r["product_tmpl_id"], "attribute_id": r["attribute_id"],
			"create_uid": e.uid, "create_date": e.now, "write_uid": e.uid, "write_date": e.now,
		})
	}
}

// activePTAVs lists a template's lines (variant-creating, active) with their
// active ptavs, in line order.
func (e *env) activePTAVs(tmpl int) [][]int {
	var lines []int
	for _, l := range e.st.ids("product.template.attribute.line") {
		r := e.st.row("product.template.attribute.line", l)
		if idOf(r["product_tmpl_id"]) != tmpl {
			continue
		}
		if act, _ := r["active"].(bool); !act {
			continue
		}
		if e.st.row("product.attribute", idOf(r["attribute_id"]))["create_variant"] != "always" {
			continue
		}
		lines = append(lines, l)
	}
	lines = e.sortIDs("product.template.attribute.line", lines, "")
	out := make([][]int, 0, len(lines))
	for _, l := range lines {
		var ps []int
		for _, p := range e.st.ids("product.template.attribute.value") {
			pr := e.st.row("product.template.attribute.value", p)
			if idOf(pr["attribute_line_id"]) == l && pyTruthy(pr["ptav_active"]) {
				ps = append(ps, p)
			}
		}
		sort.Ints(ps)
		out = append(out, ps)
	}
	return out
}

func comboKey(ptavs []int) string {
	s := slices.Clone(ptavs)
	sort.Ints(s)
	parts := make([]string, len(s))
	for i, p := range s {
		parts[i] = strconv.Itoa(p)
	}
	return strings.Join(parts, ",")
}

// createVariantIDs is product.template._create_variant_ids.
func (e *env) createVariantIDs(tmpl int) *odooError {
	lines := e.activePTAVs(tmpl)
	all := e.variantsOf(tmpl, false)
	// a line with a single value is added to every existing variant
	lineOf := func(p int) int {
		return idOf(e.st.row("product.template.attribute.value", p)["attribute_line_id"])
	}
	for _, ps := range lines {
		if len(ps) != 1 {
			continue
		}
		for _, v := range all {
			cur, _ := e.st.row("product.product", v)["product_template_attribute_value_ids"].([]int)
			if !slices.ContainsFunc(cur, func(p int) bool { return lineOf(p) == lineOf(ps[0]) }) && len(cur) == len(lines)-1 {
				e.st.set("product.product", v, "product_template_attribute_value_ids", append(slices.Clone(cur), ps[0]))
			}
		}
	}
	existing := map[string]int{}
	for _, v := range all {
		cur, _ := e.st.row("product.product", v)["product_template_attribute_value_ids"].([]int)
		existing[comboKey(cur)] = v
	}
	combos := [][]int{{}}
	for _, ps := range lines {
		var next [][]int
		for _, c := range combos {
			for _, p := range ps {
				next = append(next, append(slices.Clone(c), p))
			}
		}
		combos = next
	}
	if len(combos) > 1000 {
		return userError(fmt.Sprintf("The number of variants to generate is above allowed limit. You should either not generate variants for each combination or generate them on demand from the sales order. To do so, open the form view of attributes and change the mode of *Create Variants*."))
	}
	keep := map[int]bool{}
	active, _ := e.st.row("product.template", tmpl)["active"].(bool)
	for _, c := range combos {
		k := comboKey(c)
		if v, ok := existing[k]; ok {
			keep[v] = true
			e.st.set("product.product", v, "active", true)
			continue
		}
		vid := e.createVariant(tmpl, map[string]any{"active": active, "product_template_attribute_value_ids": sortedInts(c), "combination_indices": k})
		keep[vid] = true
	}
	var drop []int
	for _, v := range all {
		if !keep[v] {
			drop = append(drop, v)
		}
	}
	for _, v := range drop { // _unlink_or_archive: nothing in the double refers to a variant
		e.deleteRow("product.product", v)
	}
	e.syncDefaultCode(tmpl)
	return nil
}

func sortedInts(s []int) []int {
	s = slices.Clone(s)
	sort.Ints(s)
	return s
}

// variantPriceExtra is product.product.price_extra: the sum of its ptavs'.
func (e *env) variantPriceExtra(r row) float64 {
	ps, _ := r["product_template_attribute_value_ids"].([]int)
	sum := 0.0
	for _, p := range ps {
		if pr := e.st.row("product.template.attribute.value", p); pr != nil {
			sum += num(pr["price_extra"])
		}
	}
	return floatRound(sum, 2)
}

// templateLines is product.template.attribute_line_ids.
func (e *env) templateLines(tmpl int) []int {
	var out []int
	for _, l := range e.st.ids("product.template.attribute.line") {
		r := e.st.row("product.template.attribute.line", l)
		if idOf(r["product_tmpl_id"]) == tmpl && pyTruthy(r["active"]) {
			out = append(out, l)
		}
	}
	return e.sortIDs("product.template.attribute.line", out, "")
}
