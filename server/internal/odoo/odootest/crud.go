package odootest

import (
	"fmt"
	"sort"
	"strings"
)

// hooks customise the generic create/write of a model.
type hooks struct {
	// sanitize runs first on each (copied) vals dict; ids are the records
	// being written (nil on create).
	sanitize func(e *env, vals *pyDict, ids []int) *odooError
	// defaults adds default values to a create vals dict.
	defaults func(e *env, vals *pyDict)
	// afterConvert adjusts converted values (create: ids == nil).
	afterConvert func(e *env, vals map[string]any, raw *pyDict, ids []int)
	// beforeConstraints runs on write after the columns were set.
	beforeConstraints func(e *env, ids []int, conv map[string]any)
	// constraints checks Python constraints on the given records; written
	// are the field names that changed.
	constraints func(e *env, ids []int, written map[string]bool) *odooError
	// after runs after a successful create/write.
	after func(e *env, ids []int, raws []*pyDict, conv []map[string]any, create bool) *odooError
}

var modelHooks = map[string]*hooks{}

func (e *env) hooksFor(model string) *hooks {
	if h := modelHooks[model]; h != nil {
		return h
	}
	return &hooks{}
}

// tbCreateFor returns the traceback prefix of a create on a model.
func tbCreateFor(model string) string {
	if model == "product.template" {
		return tbHead + tbCreateHead
	}
	return tbHead + `  File "{odoo}/odoo/api.py", line 466, in call_kw
  File "{odoo}/odoo/api.py", line 444, in _call_kw_model_create
  File "<decorator-gen-0>", line 2, in create
  File "{odoo}/odoo/api.py", line 415, in _model_create_multi
`
}

func tbInvalidFieldCreate(model, field string) string {
	return `Traceback (most recent call last):
  File "{odoo}/odoo/models.py", line 6015, in _update_cache
  File "{odoo}/odoo/models.py", line 6015, in <listcomp>
KeyError: ` + pyStrRepr(field) + `

During handling of the above exception, another exception occurred:

` + tbCreateFor(model) + tbCreateNew + `  File "{odoo}/odoo/models.py", line 6017, in _update_cache
`
}

func (e *env) defaultsFromContext(m *modelDef, vals *pyDict) {
	for _, k := range e.ctx.Keys() {
		if strings.HasPrefix(k, "default_") {
			fn := strings.TrimPrefix(k, "default_")
			if f := m.field(fn); f != nil && f.stored {
				vals.SetDefault(fn, e.ctx.Val(k))
			}
		}
	}
}

// isColumn tells whether a stored field is a database column (NOT NULL
// checks apply).
func isColumn(f *fieldDef) bool {
	switch f.typ {
	case "one2many", "many2many", "binary", "properties", "properties_definition":
		return false
	}
	return f.stored && !f.variant && !f.inherited
}

// convertVals converts the stored fields of a vals dict (alphabetical order,
// like Odoo's _create which sorts the column names).
func (e *env) convertVals(model string, vals *pyDict, tb string) (map[string]any, *odooError) {
	m := e.model(model)
	keys := vals.Keys()
	sort.Strings(keys)
	out := map[string]any{}
	for _, k := range keys {
		f := m.field(k)
		if f == nil || !f.stored || k == "id" {
			continue
		}
		if f.image > 0 {
			out[k] = vals.Val(k) // processed later
			continue
		}
		v, err := e.convertValue(model, f, vals.Val(k), tb)
		if err != nil {
			return nil, err
		}
		out[k] = v
	}
	return out, nil
}

func (e *env) checkUnknownFields(model string, vals *pyDict, tbFn func(field string) string) *odooError {
	m := e.model(model)
	for _, k := range vals.Keys() {
		if m.field(k) == nil {
			return valueError(tbFn(k), fmt.Sprintf("Invalid field %s on model %s", pyStrRepr(k), pyStrRepr(model)))
		}
	}
	return nil
}

func tableName(model string) string { return strings.ReplaceAll(model, ".", "_") }

// checkFK verifies many2one targets exist (PostgreSQL foreign keys).
func (e *env) checkFK(model string, id int) *odooError {
	m := e.model(model)
	r := e.st.row(model, id)
	for _, f := range m.fields {
		if f.typ != "many2one" || !isColumn(f) {
			continue
		}
		v, ok := r[f.name].(int)
		if !ok || v == 0 {
			continue
		}
		if !e.exists(f.relation, v) {
			return fkError(m.description, model, tableName(model)+"_"+f.name+"_fkey")
		}
	}
	return nil
}

// createRecords is the generic create (model_create_multi).
func (e *env) createRecords(model string, valsList []*pyDict) ([]int, *odooError) {
	m := e.model(model)
	h := e.hooksFor(model)
	tb := tbCreateFor(model)
	raws := make([]*pyDict, len(valsList))
	for i, v := range valsList {
		raws[i] = v.Copy()
		if h.sanitize != nil {
			if err := h.sanitize(e, raws[i], nil); err != nil {
				return nil, err
			}
		}
	}
	// defaults, unknown fields and conversion (before any INSERT)
	convs := make([]map[string]any, len(raws))
	for i, vals := range raws {
		if err := e.checkUnknownFields(model, vals, func(f string) string { return tbInvalidFieldCreate(model, f) }); err != nil {
			return nil, err
		}
		e.defaultsFromContext(m, vals)
		if h.defaults != nil {
			h.defaults(e, vals)
		}
		c, err := e.convertVals(model, vals, tb+tbCreateMark)
		if err != nil {
			return nil, err
		}
		if h.afterConvert != nil {
			h.afterConvert(e, c, vals, nil)
		}
		convs[i] = c
	}
	// INSERT: one sequence value per row, NOT NULL checked per row
	ids := make([]int, len(raws))
	for i, c := range convs {
		id := e.st.nextID(model)
		ids[i] = id
		r := row{}
		for _, f := range m.fields {
			if !isColumn(f) || f.image > 0 {
				continue
			}
			if v, ok := c[f.name]; ok {
				r[f.name] = v
			} else {
				r[f.name] = zeroValue(f)
			}
		}
		for _, f := range m.fields {
			if f.typ == "many2many" && f.stored {
				r[f.name] = []int{}
			}
		}
		for _, f := range m.fields {
			if isColumn(f) && f.required && f.image == 0 && r[f.name] == nil {
				return nil, notNullError(m.description, model, f.str, f.name)
			}
		}
		if err := e.insertHook(model, id, r, c); err != nil {
			return nil, err
		}
		r["create_uid"] = e.uid
		r["create_date"] = e.now
		r["write_uid"] = e.uid
		r["write_date"] = e.now
		e.st.insert(model, id, r)
	}
	for _, id := range ids {
		if err := e.checkFK(model, id); err != nil {
			return nil, err
		}
	}
	// x2many and attachment (image) fields
	for i, id := range ids {
		if err := e.applyNonColumn(model, id, convs[i], raws[i]); err != nil {
			return nil, err
		}
	}
	if h.constraints != nil {
		written := map[string]bool{}
		for _, c := range convs {
			for k := range c {
				written[k] = true
			}
		}
		for _, f := range m.fields {
			if f.stored {
				written[f.name] = true
			}
		}
		if err := h.constraints(e, ids, written); err != nil {
			return nil, err
		}
	}
	if h.after != nil {
		if err := h.after(e, ids, raws, convs, true); err != nil {
			return nil, err
		}
	}
	return ids, nil
}

// insertHook enforces SQL constraints at INSERT time.
func (e *env) insertHook(model string, id int, r row, c map[string]any) *odooError {
	if model == "ir.model.data" {
		name, _ := r["name"].(string)
		mod, _ := r["module"].(string)
		if strings.Contains(name, " ") {
			err := userError("The operation cannot be completed: External IDs cannot contain spaces")
			err.pg, err.pgCode, err.pgTable = true, "23514", "ir_model_data"
			err.pgRaw = "new row for relation \"ir_model_data\" violates check constraint \"ir_model_data_name_nospaces\"\n"
			return err
		}
		if e.st.lookupXMLID(mod+"."+name) != 0 {
			return imdUniqueError(mod, name)
		}
	}
	return nil
}

// applyNonColumn writes x2many and image values.
func (e *env) applyNonColumn(model string, id int, conv map[string]any, raw *pyDict) *odooError {
	m := e.model(model)
	keys := make([]string, 0, len(conv))
	for k := range conv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	for _, k := range keys {
		f := m.field(k)
		if f == nil || f.variant || f.inherited {
			continue
		}
		switch {
		case f.typ == "many2many":
			if x, ok := conv[k].(*x2m); ok {
				cur, _ := e.st.row(model, id)[k].([]int)
				e.st.set(model, id, k, x.apply(cur))
			}
		case f.typ == "one2many":
			// only empty commands are accepted (see convertX2many)
		}
	}
	// images: image_1920 drives the derived sizes
	for _, base := range []string{"image_1920", "image_variant_1920"} {
		if f := m.field(base); f != nil && f.stored {
			if v, ok := conv[base]; ok {
				imgs, zoomable, err := processImageField(v, e.sch.major)
				if err != nil {
					return err
				}
				prefix := strings.TrimSuffix(base, "1920")
				for _, sz := range []int{1920, 1024, 512, 256, 128} {
					e.st.set(model, id, fmt.Sprintf("%s%d", prefix, sz), imgs[sz])
				}
				if model == "product.template" {
					e.st.set(model, id, "can_image_1024_be_zoomed", zoomable)
				}
			}
		}
	}
	return nil
}

// writeRecords is the generic write.
func (e *env) writeRecords(model string, ids []int, vals *pyDict) *odooError {
	m := e.model(model)
	h := e.hooksFor(model)
	if len(ids) == 0 {
		return nil
	}
	vals = vals.Copy()
	var missing []int
	for _, id := range ids {
		if !e.exists(model, id) {
			missing = append(missing, id)
		}
	}
	if h.sanitize != nil {
		if len(missing) > 0 {
			return missingError(model, missing, e.uid)
		}
		if err := h.sanitize(e, vals, ids); err != nil {
			return err
		}
	}
	if len(missing) > 0 {
		return missingError(model, missing, e.uid)
	}
	tb := tbHead + tbWriteHead
	if model != "product.template" {
		tb = tbHead + tbCallKwMulti + "  File \"{odoo}/odoo/models.py\", line 4358, in write\n"
	}
	if err := e.checkUnknownFields(model, vals, func(string) string { return tb }); err != nil {
		return err
	}
	conv, err := e.convertVals(model, vals, tb)
	if err != nil {
		return err
	}
	if h.afterConvert != nil {
		h.afterConvert(e, conv, vals, ids)
	}
	keys := make([]string, 0, len(conv))
	for k := range conv {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	seen := map[int]bool{}
	var uniq []int
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	for _, id := range uniq {
		for _, k := range keys {
			f := m.field(k)
			if f == nil || !isColumn(f) || f.image > 0 {
				continue
			}
			if f.required && conv[k] == nil {
				return notNullError(m.description, model, f.str, f.name)
			}
			e.st.set(model, id, k, conv[k])
		}
		e.st.set(model, id, "write_uid", e.uid)
		e.st.set(model, id, "write_date", e.now)
		if model == "ir.model.data" {
			if err := e.checkIMDUnique(id); err != nil {
				return err
			}
		}
	}
	for _, id := range uniq {
		if err := e.checkFK(model, id); err != nil {
			return err
		}
	}
	for _, id := range uniq {
		if err := e.applyNonColumn(model, id, conv, vals); err != nil {
			return err
		}
	}
	if h.beforeConstraints != nil {
		h.beforeConstraints(e, uniq, conv)
	}
	written := map[string]bool{}
	for k := range conv {
		written[k] = true
	}
	if h.constraints != nil {
		if err := h.constraints(e, uniq, written); err != nil {
			return err
		}
	}
	if h.after != nil {
		raws := make([]*pyDict, len(uniq))
		convs := make([]map[string]any, len(uniq))
		for i := range uniq {
			raws[i] = vals
			convs[i] = conv
		}
		if err := h.after(e, uniq, raws, convs, false); err != nil {
			return err
		}
	}
	return nil
}

func imdUniqueError(module, name string) *odooError {
	raw := fmt.Sprintf("duplicate key value violates unique constraint \"ir_model_data_module_name_uniq_index\"\nDETAIL:  Key (module, name)=(%s, %s) already exists.\n", module, name)
	err := userError("The operation cannot be completed: " + raw)
	err.pg, err.pgCode, err.pgTable, err.pgRaw = true, "23505", "ir_model_data", raw
	return err
}

func (e *env) checkIMDUnique(id int) *odooError {
	r := e.st.row("ir.model.data", id)
	for _, other := range e.st.withXMLID(imdKey(r)) {
		if other != id {
			return imdUniqueError(pyStr(r["module"]), pyStr(r["name"]))
		}
	}
	return nil
}

// unlinkRecords is the generic unlink.
func (e *env) unlinkRecords(model string, ids []int) *odooError {
	m := e.model(model)
	var missing []int
	seen := map[int]bool{}
	var uniq []int
	for _, id := range ids {
		if !e.exists(model, id) {
			missing = append(missing, id)
		} else if !seen[id] {
			seen[id] = true
			uniq = append(uniq, id)
		}
	}
	if len(missing) > 0 {
		return missingError(model, missing, e.uid)
	}
	switch model {
	case "product.category":
		for _, id := range uniq {
			if id == e.s.xmlidRes("product.product_category_all") {
				return userError("You cannot delete this product category, it is the default generic category.")
			}
			if id == e.s.xmlidRes("product.cat_expense") {
				return userError(fmt.Sprintf("You cannot delete the %s product category.", pyStr(e.value(model, id, "name"))))
			}
		}
	case "uom.uom":
		var locked []string
		for _, d := range e.st.ids("ir.model.data") {
			r := e.st.row("ir.model.data", d)
			if r["model"] != model || r["module"] != "uom" || r["name"] == "product_uom_hour" || r["name"] == "product_uom_dozen" {
				continue
			}
			if rid, _ := r["res_id"].(int); seen[rid] {
				locked = append(locked, pyStr(e.value(model, rid, "name")))
			}
		}
		if len(locked) > 0 {
			return userError(fmt.Sprintf("The following units of measure are used by the system and cannot be deleted: %s\nYou can archive them instead.", strings.Join(locked, ", ")))
		}
	case "product.template":
		for _, id := range uniq {
			for _, v := range e.variantsOf(id, false) {
				e.deleteRow("product.product", v)
			}
		}
	case "product.product":
		tmpls := map[int]bool{}
		for _, id := range uniq {
			tmpls[e.tmplOf(id)] = true
		}
		for _, id := range uniq {
			e.deleteRow(model, id)
		}
		for t := range tmpls {
			e.syncDefaultCode(t)
			if len(e.variantsOf(t, true)) == 0 && e.exists("product.template", t) {
				for _, v := range e.variantsOf(t, false) {
					e.deleteRow("product.product", v)
				}
				e.deleteRow("product.template", t)
			}
		}
		return e.checkRestrict()
	}
	for _, id := range uniq {
		e.deleteRow(model, id)
	}
	_ = m
	return e.checkRestrict()
}

func (e *env) deleteRow(model string, id int) {
	if !e.exists(model, id) {
		return
	}
	e.st.delete(model, id)
	if model == "ir.model.data" {
		return
	}
	for _, d := range e.st.ids("ir.model.data") {
		r := e.st.row("ir.model.data", d)
		if r["model"] == model && r["res_id"] == id {
			e.st.delete("ir.model.data", d)
		}
	}
}

// checkRestrict emulates ON DELETE RESTRICT foreign keys after an unlink.
func (e *env) checkRestrict() *odooError {
	for _, mname := range []string{"product.template", "product.product", "uom.uom", "product.category", "res.users", "res.company"} {
		m := e.model(mname)
		for _, id := range e.st.ids(mname) {
			r := e.st.row(mname, id)
			for _, f := range m.fields {
				if f.typ != "many2one" || !isColumn(f) && !(mname == "product.product" && f.name == "product_tmpl_id") {
					continue
				}
				v, ok := r[f.name].(int)
				if !ok || v == 0 || e.model(f.relation) == nil {
					continue
				}
				if !e.exists(f.relation, v) {
					if f.relation == "product.category" && f.name == "parent_id" {
						// ondelete cascade
						e.deleteRow(mname, id)
						continue
					}
					return fkError(m.description, mname, tableName(mname)+"_"+f.name+"_fkey")
				}
			}
		}
	}
	return nil
}
