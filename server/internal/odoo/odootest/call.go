package odootest

import (
	"fmt"
	"sort"
	"strings"
)

// param describes a Python parameter for argument binding.
type param struct {
	name     string
	required bool
	def      any
}

type bound map[string]any

// bind mimics Python's argument binding of args/kwargs to a signature.
func bind(qual string, sig []param, args []any, kw *pyDict, extraKw bool, tb string) (bound, *pyDict, *odooError) {
	b := bound{}
	if len(args) > len(sig) {
		return nil, nil, pyError(tb, "TypeError", fmt.Sprintf("%s() takes %d positional arguments but %d were given", qual, len(sig)+1, len(args)+1))
	}
	for i, a := range args {
		b[sig[i].name] = a
	}
	extra := newPyDict()
	for _, k := range kw.Keys() {
		found := false
		for _, p := range sig {
			if p.name == k {
				found = true
				if _, dup := b[k]; dup {
					return nil, nil, pyError(tb, "TypeError", fmt.Sprintf("%s() got multiple values for argument '%s'", qual, k))
				}
				b[k] = kw.Val(k)
			}
		}
		if !found {
			if !extraKw {
				return nil, nil, pyError(tb, "TypeError", fmt.Sprintf("%s() got an unexpected keyword argument '%s'", qual, k))
			}
			extra.Set(k, kw.Val(k))
		}
	}
	var missing []string
	for _, p := range sig {
		if _, ok := b[p.name]; !ok {
			if p.required {
				missing = append(missing, "'"+p.name+"'")
			} else {
				b[p.name] = p.def
			}
		}
	}
	if len(missing) > 0 {
		word := "argument"
		if len(missing) > 1 {
			word = "arguments"
		}
		list := strings.Join(missing, ", ")
		if len(missing) > 1 {
			list = strings.Join(missing[:len(missing)-1], ", ") + " and " + missing[len(missing)-1]
		}
		return nil, nil, pyError(tb, "TypeError", fmt.Sprintf("%s() missing %d required positional %s: %s", qual, len(missing), word, list))
	}
	return b, extra, nil
}

// modelMethods lists the emulated public methods and whether they take ids:
// what zohosync's client calls, plus what the recordings call (unlink,
// action_archive). Any other name answers AttributeError, as an unknown method.
var modelMethods = map[string]string{
	"search": "model", "search_count": "model", "search_read": "model", "read": "multi",
	"create": "create", "write": "multi", "unlink": "multi", "fields_get": "model",
	"load": "model", "action_archive": "multi", "action_apply_inventory": "multi",
}

func (e *env) methodExists(model, method string) bool {
	kind, ok := modelMethods[method]
	if !ok {
		return false
	}
	if method == "action_archive" {
		return e.model(model).hasActive
	}
	if method == "action_apply_inventory" {
		return model == "stock.quant"
	}
	return kind != ""
}

// call executes model.method(*args, **kwargs) (api.call_kw).
func (e *env) call(model, method string, args []any, kw *pyDict) (any, *odooError) {
	kind := modelMethods[method]
	tbModel := tbHead + tbCallKwModel
	tbMulti := tbHead + tbCallKwMulti
	var ids []int
	if kind == "multi" {
		if len(args) == 0 {
			return nil, pyError(tbHead+"  File \"{odoo}/odoo/api.py\", line 468, in call_kw\n  File \"{odoo}/odoo/api.py\", line 450, in _call_kw_multi\n", "IndexError", "tuple index out of range")
		}
		var ok bool
		ids, ok = toIDs(args[0])
		if !ok {
			return nil, pyError(tbMulti, "TypeError", fmt.Sprintf("unhashable type: '%s'", pyTypeName(args[0])))
		}
		args = args[1:]
	}
	if e.s.stock != nil && strings.HasPrefix(model, "stock.") && method != "fields_get" {
		return e.callStock(model, method, ids, args, kw)
	}
	switch method {
	case "search":
		sig := []param{{"domain", true, nil}, {"offset", false, 0}, {"limit", false, nil}, {"order", false, nil}}
		if e.sch.major <= 16 {
			sig = append(sig, param{"count", false, false})
		}
		b, _, err := bind("BaseModel.search", sig, args, kw, false, tbModel)
		if err != nil {
			return nil, err
		}
		dom, err := e.domainArg(b["domain"])
		if err != nil {
			return nil, err
		}
		off, _ := toInt(b["offset"])
		lim, _ := toInt(b["limit"])
		order, _ := b["order"].(string)
		res, err := e.search(model, dom, off, lim, order)
		if err != nil {
			return nil, err
		}
		if pyTruthy(b["count"]) {
			return len(res), nil
		}
		return intsToAny(res), nil
	case "search_count":
		b, _, err := bind("BaseModel.search_count", []param{{"domain", true, nil}, {"limit", false, nil}}, args, kw, false, tbModel)
		if err != nil {
			return nil, err
		}
		dom, err := e.domainArg(b["domain"])
		if err != nil {
			return nil, err
		}
		lim, _ := toInt(b["limit"])
		res, err := e.search(model, dom, 0, lim, "")
		if err != nil {
			return nil, err
		}
		return len(res), nil
	case "search_read":
		b, extra, err := bind("BaseModel.search_read", []param{{"domain", false, nil}, {"fields", false, nil}, {"offset", false, 0}, {"limit", false, nil}, {"order", false, nil}}, args, kw, true, tbModel)
		if err != nil {
			return nil, err
		}
		load := "_classic_read"
		for _, k := range extra.Keys() {
			if k != "load" {
				return nil, pyError(tbModel, "TypeError", fmt.Sprintf("BaseModel.read() got an unexpected keyword argument '%s'", k))
			}
			load = pyStr(extra.Val(k))
			if extra.Val(k) == nil || extra.Val(k) == false {
				load = ""
			}
		}
		dom, err := e.domainArg(b["domain"])
		if err != nil {
			return nil, err
		}
		fields, ok := toStrings(b["fields"])
		if !ok {
			return nil, pyError(tbModel, "TypeError", "unhashable type: 'list'")
		}
		off, _ := toInt(b["offset"])
		lim, _ := toInt(b["limit"])
		order, _ := b["order"].(string)
		if err := e.checkFieldsExist(model, fields); err != nil {
			return nil, err
		}
		res, err := e.search(model, dom, off, lim, order)
		if err != nil {
			return nil, err
		}
		rows, err := e.readRecords(model, res, fields, load == "_classic_read")
		if err != nil {
			return nil, err
		}
		return rows, nil
	case "read":
		b, _, err := bind("BaseModel.read", []param{{"fields", false, nil}, {"load", false, "_classic_read"}}, args, kw, false, tbMulti)
		if err != nil {
			return nil, err
		}
		fields, ok := toStrings(b["fields"])
		if !ok {
			return nil, pyError(tbMulti, "TypeError", "unhashable type: 'list'")
		}
		load, _ := b["load"].(string)
		return e.readRecords(model, ids, fields, load == "_classic_read")
	case "create":
		if len(args) == 0 {
			if kw.Has("vals_list") {
				if _, err := e.createArg(model, kw.Val("vals_list")); err != nil {
					return nil, err
				}
			}
			return nil, pyError(tbHead+"  File \"{odoo}/odoo/api.py\", line 466, in call_kw\n  File \"{odoo}/odoo/api.py\", line 444, in _call_kw_model_create\n", "IndexError", "tuple index out of range")
		}
		if _, _, err := bind("ProductTemplate.create", []param{{"vals_list", true, nil}}, args, kw, false, tbHead+tbCreateHead); err != nil {
			return nil, err
		}
		return e.createArg(model, args[0])
	case "write":
		b, _, err := bind("BaseModel.write", []param{{"vals", true, nil}}, args, kw, false, tbMulti)
		if err != nil {
			return nil, err
		}
		vals, ok := b["vals"].(*pyDict)
		if !ok {
			return nil, pyError(tbMulti, "AttributeError", fmt.Sprintf("'%s' object has no attribute 'items'", pyTypeName(b["vals"])))
		}
		if err := e.write(model, ids, vals); err != nil {
			return nil, err
		}
		return true, nil
	case "unlink":
		if _, _, err := bind("BaseModel.unlink", nil, args, kw, false, tbMulti); err != nil {
			return nil, err
		}
		if len(ids) == 0 {
			return true, nil
		}
		if err := e.unlinkRecords(model, ids); err != nil {
			return nil, err
		}
		return true, nil
	case "fields_get":
		b, _, err := bind("BaseModel.fields_get", []param{{"allfields", false, nil}, {"attributes", false, nil}}, args, kw, false, tbModel)
		if err != nil {
			return nil, err
		}
		all, _ := toStrings(b["allfields"])
		attrs, _ := toStrings(b["attributes"])
		return e.fieldsGet(model, all, attrs), nil
	case "load":
		b, _, err := bind("BaseModel.load", []param{{"fields", true, nil}, {"data", true, nil}}, args, kw, false, tbModel)
		if err != nil {
			return nil, err
		}
		fields, ok := toStrings(b["fields"])
		if !ok {
			return nil, pyError(tbModel+"  File \"{odoo}/odoo/models.py\", line 1168, in load\n", "TypeError", "expected string or bytes-like object")
		}
		rowsArg, ok := b["data"].([]any)
		if !ok {
			return nil, pyError(tbModel+"  File \"{odoo}/odoo/models.py\", line 1311, in load\n", "TypeError", fmt.Sprintf("object of type '%s' has no len()", pyTypeName(b["data"])))
		}
		data := make([][]any, len(rowsArg))
		for i, r := range rowsArg {
			rr, ok := r.([]any)
			if !ok {
				rr = []any{r}
			}
			data[i] = rr
		}
		return e.load(model, fields, data)
	case "action_archive":
		var missing []int
		for _, id := range ids {
			if !e.exists(model, id) {
				missing = append(missing, id)
			}
		}
		if len(missing) > 0 {
			return nil, missingError(model, missing, e.uid)
		}
		var act []int
		for _, id := range ids {
			if pyTruthy(e.value(model, id, "active")) {
				act = append(act, id)
			}
		}
		if len(act) > 0 {
			if err := e.write(model, act, pd("active", false)); err != nil {
				return nil, err
			}
		}
		return nil, nil // None: fails to marshal after the commit
	}
	return nil, pyError(tbHead+tbCallKwAttr, "AttributeError", fmt.Sprintf("The method '%s' does not exist on the model '%s'", method, model))
}

func (e *env) domainArg(v any) ([]any, *odooError) {
	switch d := v.(type) {
	case nil:
		return nil, nil
	case bool:
		if !d {
			return nil, nil
		}
	case []any:
		return d, nil
	}
	return nil, domainError(fmt.Sprintf("Domain %s is syntactically not correct.", pyRepr(v)))
}

func (e *env) checkFieldsExist(model string, fields []string) *odooError {
	m := e.model(model)
	for _, f := range fields {
		if m.field(f) == nil {
			return valueError(tbHead+tbCallKwModel+"  File \"{odoo}/odoo/models.py\", line 5547, in search_read\n  File \"{odoo}/odoo/models.py\", line 3879, in _read_format\n",
				fmt.Sprintf("Invalid field %s on model %s", pyStrRepr(f), pyStrRepr(model)))
		}
	}
	return nil
}

// createArg handles create(dict) -> id and create([dict, ...]) -> [ids].
func (e *env) createArg(model string, arg any) (any, *odooError) {
	switch v := arg.(type) {
	case *pyDict:
		ids, err := e.create(model, []*pyDict{v})
		if err != nil {
			return nil, err
		}
		return ids[0], nil
	case []any:
		list := make([]*pyDict, len(v))
		for i, x := range v {
			d, ok := x.(*pyDict)
			if !ok {
				return nil, pyError(tbHead+tbCreateHead, "AttributeError", fmt.Sprintf("'%s' object has no attribute 'get'", pyTypeName(x)))
			}
			list[i] = d
		}
		ids, err := e.create(model, list)
		if err != nil {
			return nil, err
		}
		return intsToAny(ids), nil
	}
	return nil, pyError(tbHead+tbCreateHead, "TypeError", fmt.Sprintf("'%s' object is not iterable", pyTypeName(arg)))
}

// create / write dispatch to model specific implementations.
func (e *env) create(model string, vals []*pyDict) ([]int, *odooError) {
	if model == "product.product" {
		return e.createProducts(vals)
	}
	return e.createRecords(model, vals)
}

func (e *env) write(model string, ids []int, vals *pyDict) *odooError {
	if model == "product.product" {
		return e.writeProducts(ids, vals)
	}
	return e.writeRecords(model, ids, vals)
}

// fieldsGet implements fields_get(allfields, attributes).
func (e *env) fieldsGet(model string, allfields, attributes []string) *pyDict {
	m := e.model(model)
	want := map[string]bool{}
	for _, f := range allfields {
		want[f] = true
	}
	out := newPyDict()
	for _, f := range m.fields {
		if len(allfields) > 0 && !want[f.name] {
			continue
		}
		desc := f.desc
		if attributes != nil {
			d := newPyDict()
			keys := append([]string{}, attributes...)
			allKeys := desc.Keys()
			sort.Strings(allKeys)
			for _, k := range allKeys {
				for _, a := range keys {
					if a == k {
						d.Set(k, desc.Val(k))
					}
				}
			}
			for _, a := range keys {
				if a == "name" && !d.Has("name") {
					d.Set("name", f.name)
				}
			}
			desc = sortedDict(d)
		} else {
			d := desc.Copy()
			d.Set("name", f.name)
			desc = sortedDict(d)
		}
		out.Set(f.name, desc)
	}
	return out
}

func sortedDict(d *pyDict) *pyDict {
	keys := d.Keys()
	sort.Strings(keys)
	n := newPyDict()
	for _, k := range keys {
		n.Set(k, d.Val(k))
	}
	return n
}
