package odootest

import (
	"fmt"
	"slices"
	"sort"
	"strings"
)

const tooltipConsu = "Consumables are physical products for which you don't manage the inventory level: they are always available."

// variantsOf returns the variant ids of a template (activeOnly: only active ones).
func (e *env) variantsOf(tmpl int, activeOnly bool) []int {
	r := e.st.row("product.template", tmpl)
	if r == nil {
		return nil
	}
	all, _ := r["__variants"].([]int)
	var out []int
	for _, v := range all {
		vr := e.st.row("product.product", v)
		if vr == nil {
			continue
		}
		if activeOnly {
			if a, _ := vr["active"].(bool); !a {
				continue
			}
		}
		out = append(out, v)
	}
	return out
}

func (e *env) tmplOf(variant int) int {
	r := e.st.row("product.product", variant)
	if r == nil {
		return 0
	}
	t, _ := r["product_tmpl_id"].(int)
	return t
}

// singleVariant mirrors _compute_template_field_from_variant_field.
func (e *env) singleVariant(tmpl int) int {
	vs := e.variantsOf(tmpl, e.activeTest())
	if len(vs) == 1 {
		return vs[0]
	}
	if len(vs) == 0 && e.activeTest() {
		all := e.variantsOf(tmpl, false)
		if len(all) == 1 {
			return all[0]
		}
	}
	return 0
}

func (e *env) templateCompute(id int, r row, fname string) (any, bool) {
	switch fname {
	case "default_code":
		return r["default_code"], true
	case "barcode", "standard_price", "volume", "weight":
		v := e.singleVariant(id)
		if v == 0 {
			f := e.model("product.template").field(fname)
			return zeroValue(f), true
		}
		return e.st.row("product.product", v)[fname], true
	case "display_name":
		return e.displayName("product.template", id), true
	case "uom_name":
		if u, ok := r["uom_id"].(int); ok {
			return e.value("uom.uom", u, "name"), true
		}
		return nil, true
	case "weight_uom_name":
		return e.value("uom.uom", e.s.xmlidRes("uom.product_uom_kgm"), "name"), true
	case "volume_uom_name":
		return e.value("uom.uom", e.s.xmlidRes("uom.product_uom_cubic_meter"), "name"), true
	case "currency_id", "cost_currency_id":
		return 1, true
	case "product_variant_ids":
		return nonNilInts(e.variantsOf(id, e.activeTest())), true
	case "attribute_line_ids", "valid_product_template_attribute_line_ids":
		return e.templateLines(id), true
	case "product_variant_id":
		vs := e.variantsOf(id, e.activeTest())
		if len(vs) == 0 {
			return nil, true
		}
		return vs[0], true
	case "product_variant_count":
		return len(e.variantsOf(id, e.activeTest())), true
	case "is_product_variant", "has_configurable_attributes", "message_is_follower", "has_message",
		"message_needaction", "message_has_error", "message_has_sms_error":
		return false, true
	case "product_tooltip":
		if r["type"] == "consu" {
			return tooltipConsu, true
		}
		return "", true
	case "can_image_1024_be_zoomed":
		b, _ := r["can_image_1024_be_zoomed"].(bool)
		return b, true
	case "is_storable":
		b, _ := r["is_storable"].(bool)
		return b, true
	}
	return nil, false
}

func (e *env) variantCompute(id int, r row, fname string) (any, bool) {
	tmpl, _ := r["product_tmpl_id"].(int)
	switch fname {
	case "default_code", "barcode", "standard_price", "volume", "weight", "active", "product_tmpl_id",
		"image_variant_1920", "image_variant_1024", "image_variant_512", "image_variant_256", "image_variant_128",
		"combination_indices", "create_uid", "create_date", "write_uid":
		if v, ok := r[fname]; ok {
			return v, true
		}
		return zeroValue(e.model("product.product").field(fname)), true
	case "product_template_attribute_value_ids", "product_template_variant_value_ids":
		if ps, ok := r["product_template_attribute_value_ids"].([]int); ok {
			return slices.Clone(ps), true
		}
		return []int{}, true
	case "additional_product_tag_ids", "product_document_ids", "packaging_ids":
		return []int{}, true
	case "attribute_line_ids", "valid_product_template_attribute_line_ids":
		return e.templateLines(tmpl), true
	case "display_name", "partner_ref":
		return e.displayName("product.product", id), true
	case "code":
		return r["default_code"], true
	case "lst_price":
		lp, _ := e.value("product.template", tmpl, "list_price").(float64)
		return floatRound(lp+e.variantPriceExtra(r), 2), true
	case "price_extra":
		return e.variantPriceExtra(r), true
	case "is_product_variant":
		return true, true
	case "all_product_tag_ids":
		return e.value("product.template", tmpl, "product_tag_ids"), true
	case "image_1920", "image_1024", "image_512", "image_256", "image_128":
		own := strings.Replace(fname, "image_", "image_variant_", 1)
		if v := r[own]; v != nil {
			return v, true
		}
		return e.value("product.template", tmpl, fname), true
	case "can_image_variant_1024_be_zoomed":
		return false, true
	case "write_date":
		w, _ := r["write_date"].(string)
		tw, _ := e.st.row("product.template", tmpl)["write_date"].(string)
		if tw > w {
			return tw, true
		}
		return w, true
	case "pricelist_item_count", "product_document_count":
		return 0, true
	}
	if e.model("product.template").field(fname) != nil {
		return e.value("product.template", tmpl, fname), true
	}
	return nil, false
}

// ---------------------------------------------------------------- product.template hooks

func (e *env) typeField() string {
	if e.sch.major >= 18 {
		return "type"
	}
	return "detailed_type"
}

func init() {
	modelHooks["product.template"] = &hooks{
		sanitize:     templateSanitize,
		defaults:     templateDefaults,
		afterConvert: templateAfterConvert,
		beforeConstraints: func(e *env, ids []int, conv map[string]any) {
			// 18: _compute_uom_po_id when uom_id changes
			if u, ok := conv["__uom_recompute"].(int); ok {
				for _, id := range ids {
					p, _ := e.st.row("product.template", id)["uom_po_id"].(int)
					if p == 0 || e.st.row("uom.uom", p)["category_id"] != e.st.row("uom.uom", u)["category_id"] {
						e.st.set("product.template", id, "uom_po_id", u)
					}
				}
			}
		},
		constraints: templateConstraints,
		after:       templateAfter,
	}
	modelHooks["product.product"] = &hooks{}
}

func templateSanitize(e *env, vals *pyDict, ids []int) *odooError {
	if e.sch.major < 18 {
		// _sanitize_vals (16/17)
		if vals.Has("type") && !vals.Has("detailed_type") {
			cur := map[string]bool{}
			for _, id := range ids {
				if t, ok := e.st.row("product.template", id)["type"].(string); ok {
					cur[t] = true
				}
			}
			t, _ := vals.Val("type").(string)
			if !cur[t] || vals.Val("type") == nil || vals.Val("type") == false {
				vals.Set("detailed_type", vals.Val("type"))
			}
		}
		if vals.Has("detailed_type") && !vals.Has("type") {
			vals.Set("type", vals.Val("detailed_type"))
		}
	}
	if ids != nil && e.sch.major < 18 && (vals.Has("uom_id") || vals.Has("uom_po_id")) {
		// write(): reset uom_po_id when it would not match uom_id
		pick := func(k string) (int, *odooError) {
			if v, ok := vals.Val(k).(int); ok && v != 0 {
				return v, nil
			}
			if len(ids) > 1 {
				parts := make([]any, len(ids))
				for i, id := range ids {
					parts[i] = id
				}
				return 0, valueError(tbHead+tbCallKwMulti+
					"  File \"{odoo}/addons/product/models/product_template.py\", line 494, in write\n  File \"{odoo}/odoo/fields.py\", line 1157, in __get__\n  File \"{odoo}/odoo/models.py\", line 5897, in ensure_one\n",
					fmt.Sprintf("Expected singleton: product.template%s", pyRepr(pyTuple(parts))))
			}
			if len(ids) == 0 {
				return 0, nil
			}
			v, _ := e.st.row("product.template", ids[0])[k].(int)
			return v, nil
		}
		u, err := pick("uom_id")
		if err != nil {
			return err
		}
		p, err := pick("uom_po_id")
		if err != nil {
			return err
		}
		if u != 0 && p != 0 && e.exists("uom.uom", u) && e.exists("uom.uom", p) &&
			e.st.row("uom.uom", u)["category_id"] != e.st.row("uom.uom", p)["category_id"] {
			vals.Set("uom_po_id", u)
		}
	}
	return nil
}

func templateDefaults(e *env, vals *pyDict) {
	vals.SetDefault("sequence", 1)
	vals.SetDefault(e.typeField(), "consu")
	if e.sch.major < 18 && !vals.Has("type") {
		vals.Set("type", vals.Val("detailed_type")) // precomputed type
	}
	vals.SetDefault("categ_id", e.s.xmlidRes("product.product_category_all"))
	vals.SetDefault("list_price", 1.0)
	vals.SetDefault("sale_ok", true)
	vals.SetDefault("purchase_ok", true)
	unit := e.s.xmlidRes("uom.product_uom_unit")
	vals.SetDefault("uom_id", unit)
	if e.sch.major < 18 {
		// _get_default_uom_po_id: default_get(['uom_id']) or Units, never the sent uom_id
		def := any(unit)
		if v, ok := e.ctx.Get("default_uom_id"); ok && pyTruthy(v) {
			def = v
		}
		vals.SetDefault("uom_po_id", def)
	}
	vals.SetDefault("active", true)
	vals.SetDefault("priority", "0")
	if e.sch.account {
		accountDefaults(e, vals)
	}
	if e.sch.major >= 18 && e.sch.stock {
		vals.SetDefault("is_storable", false)
	}
}

func templateAfterConvert(e *env, c map[string]any, raw *pyDict, ids []int) {
	if e.sch.major >= 18 {
		// uom_po_id is computed from uom_id (kept when it matches the category)
		if u, ok := c["uom_id"].(int); ok {
			if _, sent := c["uom_po_id"]; !sent {
				if ids == nil {
					c["uom_po_id"] = u
				} else {
					// recompute on write for records whose pair would mismatch
					c["__uom_recompute"] = u
				}
			}
		}
		if t, ok := c["type"].(string); ok && t != "consu" {
			if _, has := e.model("product.template").fmap["is_storable"]; has {
				c["is_storable"] = false
			}
		}
	}
}

func templateConstraints(e *env, ids []int, written map[string]bool) *odooError {
	if e.sch.major >= 18 && written["type"] {
		for _, id := range ids {
			if e.st.row("product.template", id)["type"] == "combo" {
				return userError("A combo product must contain at least 1 combo choice.")
			}
		}
	}
	if written["uom_id"] || written["uom_po_id"] {
		for _, id := range ids {
			r := e.st.row("product.template", id)
			u, _ := r["uom_id"].(int)
			p, _ := r["uom_po_id"].(int)
			if u != 0 && p != 0 && e.st.row("uom.uom", u)["category_id"] != e.st.row("uom.uom", p)["category_id"] {
				return userError("The default Unit of Measure and the purchase Unit of Measure must be in the same category.")
			}
		}
	}
	if e.sch.major < 18 && (written["type"] || written["detailed_type"]) {
		for _, id := range ids {
			r := e.st.row("product.template", id)
			if r["type"] != r["detailed_type"] {
				return userError("The Type of this product doesn't match the Detailed Type")
			}
		}
	}
	return nil
}

// templateAfter creates the variants (create) and propagates the
// variant-level fields, archiving, etc.
func templateAfter(e *env, ids []int, raws []*pyDict, convs []map[string]any, create bool) *odooError {
	if create {
		if v, ok := e.ctx.Get("create_product_product"); !ok || pyTruthy(v) {
			for _, id := range ids {
				e.createVariant(id, nil)
			}
		}
		for i, id := range ids {
			rel := map[string]any{}
			for _, fn := range variantMirrored {
				if pyTruthy(raws[i].Val(fn)) {
					rel[fn] = convs[i][fn]
				}
			}
			if len(rel) > 0 {
				if err := e.setVariantFields(id, rel); err != nil {
					return err
				}
			}
		}
		return nil
	}
	conv := convs[0]
	rel := map[string]any{}
	for _, fn := range variantMirrored {
		if v, ok := conv[fn]; ok {
			rel[fn] = v
		}
	}
	for _, id := range ids {
		if len(rel) > 0 {
			if err := e.setVariantFields(id, rel); err != nil {
				return err
			}
		}
		if a, ok := conv["active"]; ok {
			if !pyTruthy(a) {
				for _, v := range e.variantsOf(id, false) {
					e.st.set("product.product", v, "active", false)
				}
			} else if len(e.variantsOf(id, true)) == 0 {
				all := e.variantsOf(id, false)
				if len(all) == 0 {
					e.createVariant(id, nil)
				}
				for _, v := range all {
					e.st.set("product.product", v, "active", true)
				}
			}
			e.syncDefaultCode(id)
		}
	}
	return nil
}

// createVariant creates the single variant of a template.
func (e *env) createVariant(tmpl int, own map[string]any) int {
	vid := e.st.nextID("product.product")
	active, _ := e.st.row("product.template", tmpl)["active"].(bool)
	r := row{
		"product_tmpl_id":     tmpl,
		"active":              active,
		"default_code":        nil,
		"barcode":             nil,
		"standard_price":      0.0,
		"volume":              0.0,
		"weight":              0.0,
		"combination_indices": "",
		"create_uid":          e.uid,
		"create_date":         e.now,
		"write_uid":           e.uid,
		"write_date":          e.now,
	}
	for k, v := range own {
		r[k] = v
	}
	e.st.insert("product.product", vid, r)
	cur, _ := e.st.row("product.template", tmpl)["__variants"].([]int)
	e.st.set("product.template", tmpl, "__variants", append(append([]int{}, cur...), vid))
	e.syncDefaultCode(tmpl)
	return vid
}

// setVariantFields mirrors _set_product_variant_field, then checks barcodes.
func (e *env) setVariantFields(tmpl int, vals map[string]any) *odooError {
	vs := e.variantsOf(tmpl, true)
	if len(vs) != 1 {
		if len(vs) == 0 {
			all := e.variantsOf(tmpl, false)
			if len(all) == 1 {
				vs = all
			} else {
				return nil
			}
		} else {
			return nil
		}
	}
	for k, v := range vals {
		e.st.set("product.product", vs[0], k, v)
	}
	e.st.set("product.product", vs[0], "write_date", e.now)
	e.syncDefaultCode(tmpl)
	if _, ok := vals["barcode"]; ok {
		return e.checkBarcodes(vs)
	}
	return nil
}

// checkBarcodes is product.product._check_barcode_uniqueness.
func (e *env) checkBarcodes(variants []int) *odooError {
	var barcodes []string
	seen := map[string]bool{}
	for _, v := range variants {
		if b, ok := e.st.row("product.product", v)["barcode"].(string); ok && b != "" && !seen[b] {
			seen[b] = true
			barcodes = append(barcodes, b)
		}
	}
	if len(barcodes) == 0 {
		return nil
	}
	sort.Strings(barcodes)
	var lines []string
	for _, b := range barcodes {
		var same []int
		for _, v := range e.st.lookupValue("product.product", "barcode", b) {
			if act, _ := e.st.row("product.product", v)["active"].(bool); act {
				same = append(same, v)
			}
		}
		if len(same) > 1 {
			same = e.sortIDs("product.product", same, "")
			names := make([]string, len(same))
			for i, v := range same {
				names[i] = pyStr(e.displayName("product.product", v))
			}
			lines = append(lines, fmt.Sprintf("- Barcode \"%s\" already assigned to product(s): %s", b, strings.Join(names, ", ")))
		}
	}
	if len(lines) == 0 {
		return nil
	}
	msg := strings.Join(lines, "\n") + "\n\nNote: products that you don't have access to will not be shown above."
	return userError("Barcode(s) already assigned:\n\n" + msg)
}

// syncDefaultCode recomputes the stored product.template.default_code
// (_compute_default_code: the value of the single variant).
func (e *env) syncDefaultCode(tmpl int) {
	if !e.exists("product.template", tmpl) {
		return
	}
	ae := e
	if !e.activeTest() {
		ae = e.withCtx("active_test", true)
	}
	var v any
	if vid := ae.singleVariant(tmpl); vid != 0 {
		v = e.st.row("product.product", vid)["default_code"]
	}
	if cur, ok := e.st.row("product.template", tmpl)["default_code"]; !ok || cur != v {
		e.st.set("product.template", tmpl, "default_code", v)
	}
}

// ---------------------------------------------------------------- product.product create / write

func (e *env) createProducts(valsList []*pyDict) ([]int, *odooError) {
	m := e.model("product.product")
	var ids []int
	for _, vals := range valsList {
		if err := e.checkUnknownFields("product.product", vals, func(f string) string { return tbInvalidFieldCreate("product.product", f) }); err != nil {
			return nil, err
		}
	}
	for _, vals := range valsList {
		own := newPyDict()
		tvals := newPyDict()
		tmpl := 0
		for _, k := range vals.Keys() {
			f := m.field(k)
			switch {
			case k == "product_tmpl_id":
				tmpl, _ = vals.Val(k).(int)
			case f.inherited || k == "image_1920" || k == "lst_price":
				if k == "lst_price" {
					tvals.Set("list_price", vals.Val(k))
				} else {
					tvals.Set(k, vals.Val(k))
				}
			case f.stored:
				own.Set(k, vals.Val(k))
			}
		}
		if tmpl == 0 {
			tids, err := e.withCtx("create_product_product", false).createRecords("product.template", []*pyDict{tvals})
			if err != nil {
				return nil, err
			}
			tmpl = tids[0]
		} else if !e.exists("product.template", tmpl) {
			e.st.nextID("product.product")
			return nil, fkError(m.description, "product.product", "product_product_product_tmpl_id_fkey")
		} else if tvals.Len() > 0 {
			if err := e.writeRecords("product.template", []int{tmpl}, tvals); err != nil {
				return nil, err
			}
		}
		conv, err := e.convertVals("product.product", own, tbCreateFor("product.product")+tbCreateMark)
		if err != nil {
			return nil, err
		}
		ownVals := map[string]any{}
		for k, v := range conv {
			if f := m.field(k); f.image == 0 && f.typ != "many2many" && f.typ != "one2many" {
				ownVals[k] = v
			}
		}
		vid := e.createVariant(tmpl, ownVals)
		if err := e.applyNonColumn("product.product", vid, conv, own); err != nil {
			return nil, err
		}
		if _, ok := ownVals["barcode"]; ok {
			if err := e.checkBarcodes([]int{vid}); err != nil {
				return nil, err
			}
		}
		ids = append(ids, vid)
	}
	return ids, nil
}

func (e *env) writeProducts(ids []int, vals *pyDict) *odooError {
	m := e.model("product.product")
	if len(ids) == 0 {
		return nil
	}
	var missing []int
	for _, id := range ids {
		if !e.exists("product.product", id) {
			missing = append(missing, id)
		}
	}
	if len(missing) > 0 {
		return missingError("product.product", missing, e.uid)
	}
	tb := tbHead + tbCallKwMulti + "  File \"{odoo}/odoo/models.py\", line 4358, in write\n"
	if err := e.checkUnknownFields("product.product", vals, func(string) string { return tb }); err != nil {
		return err
	}
	own := newPyDict()
	tvals := newPyDict()
	for _, k := range vals.Keys() {
		f := m.field(k)
		switch {
		case f.inherited || k == "image_1920":
			tvals.Set(k, vals.Val(k))
		case k == "lst_price":
			tvals.Set("list_price", vals.Val(k))
		case f.stored && k != "product_tmpl_id":
			own.Set(k, vals.Val(k))
		}
	}
	conv, err := e.convertVals("product.product", own, tb)
	if err != nil {
		return err
	}
	tmpls := map[int]bool{}
	var tlist []int
	for _, id := range ids {
		t := e.tmplOf(id)
		if !tmpls[t] {
			tmpls[t] = true
			tlist = append(tlist, t)
		}
		for k, v := range conv {
			f := m.field(k)
			if f.image > 0 || f.typ == "many2many" || f.typ == "one2many" {
				continue
			}
			e.st.set("product.product", id, k, v)
		}
		e.st.set("product.product", id, "write_uid", e.uid)
		e.st.set("product.product", id, "write_date", e.now)
		if err := e.applyNonColumn("product.product", id, conv, own); err != nil {
			return err
		}
	}
	for _, t := range tlist {
		e.syncDefaultCode(t)
	}
	if tvals.Len() > 0 {
		if err := e.writeRecords("product.template", tlist, tvals); err != nil {
			return err
		}
	}
	if _, ok := conv["barcode"]; ok {
		if err := e.checkBarcodes(ids); err != nil {
			return err
		}
	}
	if a, ok := conv["active"]; ok && pyTruthy(a) {
		for _, t := range tlist {
			if act, _ := e.st.row("product.template", t)["active"].(bool); !act {
				e.st.set("product.template", t, "active", true)
			}
		}
	}
	return nil
}
