package odootest

import (
	"fmt"
	"regexp"
	"strings"
)

// This file emulates BaseModel.load() of Odoo 17 (odoo/models.py load,
// _extract_records, _convert_records, _load_records and
// odoo/addons/base/models/ir_fields.py).

var (
	reDbID  = regexp.MustCompile(`([^/])\.id`)
	reExtID = regexp.MustCompile(`([^/]):id`)
)

func fixImportPath(f string) []string {
	f = reDbID.ReplaceAllString(f, "$1/.id")
	f = reExtID.ReplaceAllString(f, "$1/id")
	return strings.Split(f, "/")
}

// loadItem is one extracted + converted row.
type loadItem struct {
	xid  string
	vals *pyDict
	info *pyDict // {'rows': {'from','to'}, 'record': n}
}

const tbLoad = `  File "{odoo}/odoo/api.py", line 464, in call_kw
  File "{odoo}/odoo/api.py", line 435, in _call_kw_model
`

func (e *env) load(model string, fieldsArg []string, data [][]any) (any, *odooError) {
	m := e.model(model)
	currentModule := "__import__"
	if v, ok := e.ctx.Get("module"); ok && pyTruthy(v) {
		currentModule = pyStr(v)
	}
	noupdate := pyTruthy(e.ctx.Val("noupdate"))
	mode := "init"
	if v, ok := e.ctx.Get("mode"); ok {
		mode = pyStr(v)
	}
	update := mode == "update"

	paths := make([][]string, len(fieldsArg))
	for i, f := range fieldsArg {
		paths[i] = fixImportPath(f)
	}
	// the creatable_models loop of load(): unknown names raise KeyError
	for _, p := range paths {
		if p[0] == "id" || p[0] == ".id" {
			continue
		}
		if m.field(p[0]) == nil {
			return nil, pyError(tbHead+tbLoad+"  File \"{odoo}/odoo/models.py\", line 1184, in load\n", "KeyError", pyStrRepr(p[0]))
		}
		for _, name := range p {
			if name == "id" || name == ".id" {
				break
			}
			f := m.field(name)
			if f == nil {
				return nil, pyError(tbHead+tbLoad+"  File \"{odoo}/odoo/models.py\", line 1191, in load\n", "KeyError", pyStrRepr(name))
			}
			if f.typ == "one2many" {
				return nil, pyError(tbHead+tbLoad+"  File \"{odoo}/odoo/models.py\", line 1191, in load\n", "NotImplementedError",
					fmt.Sprintf("odootest does not emulate load() of one2many column %s", pyStrRepr(strings.Join(p, "/"))))
			}
		}
	}

	sp := e.st.savepoint()
	var ids []int
	messages := []any{}
	hasError := func() bool {
		for _, msg := range messages {
			if d, ok := msg.(*pyDict); ok && d.Val("type") == "error" {
				return true
			}
		}
		return false
	}
	logMsg := func(d *pyDict) { messages = append(messages, d) }

	var batch []loadItem
	flush := func() *odooError {
		if len(batch) == 0 {
			return nil
		}
		items := batch
		batch = nil
		bsp := e.st.savepoint()
		recs, err := e.loadRecords(model, items, update, noupdate)
		if err == nil {
			ids = append(ids, recs...)
			return nil
		}
		e.st.rollbackTo(bsp)
		if err.code == 1 && err.msg == "__fatal__" {
			return err
		}
		var global *pyDict
		if err.user && !err.pg {
			global = items[0].info.Copy()
			global.Set("type", "error")
			global.Set("message", err.msg)
		}
		errors := 0
		for i, it := range items {
			rsp := e.st.savepoint()
			recs, err := e.loadRecords(model, []loadItem{it}, update, noupdate)
			if err == nil {
				ids = append(ids, recs...)
				continue
			}
			e.st.rollbackTo(rsp)
			d := it.info.Copy()
			d.Set("type", "error")
			switch {
			case err.pg:
				for _, kv := range pgErrorToOE(m, err) {
					d.Set(kv[0].(string), kv[1])
				}
			case err.user:
				d.Set("message", err.msg)
			default:
				excType, msg, _ := strings.Cut(err.msg, ": ")
				d.Set("message", fmt.Sprintf("Unknown error during import: <class '%s'>: %s", excType, msg))
				d.Set("moreinfo", "Resolve other errors first")
			}
			logMsg(d)
			errors++
			if errors >= 10 && float64(errors) >= float64(i+1)/10 {
				logMsg(pd("type", "warning", "message", "Found more than 10 errors and more than one error per 10 records, interrupted to avoid showing too many errors."))
				break
			}
		}
		if errors > 0 && global != nil {
			found := false
			for _, msg := range messages {
				if d, ok := msg.(*pyDict); ok && pyRepr(d) == pyRepr(global) {
					found = true
				}
			}
			if !found {
				messages = append([]any{global}, messages...)
			}
		}
		return nil
	}

	for index, rowVals := range data {
		info := pd("rows", pd("from", index, "to", index))
		rec, xid, dbid, fatal := e.extractConvert(model, paths, rowVals, index, info, logMsg)
		if fatal != nil {
			return nil, fatal
		}
		item := loadItem{vals: rec, info: pd("rows", pd("from", index, "to", index), "record", index)}
		if xid != "" {
			if !strings.Contains(xid, ".") {
				xid = currentModule + "." + xid
			}
			item.xid = xid
		} else if dbid != 0 {
			rec.Set("id", dbid)
		}
		batch = append(batch, item)
	}
	if err := flush(); err != nil {
		return nil, err
	}
	var idsOut any = intsToAny(ids)
	if hasError() {
		e.st.rollbackTo(sp)
		idsOut = false
	}
	return pd("ids", idsOut, "messages", messages, "nextrow", 0), nil
}

func intsToAny(ids []int) []any {
	out := make([]any, len(ids))
	for i, id := range ids {
		out[i] = id
	}
	return out
}

// pgErrorToOE is PGERROR_TO_OE of odoo/models.py.
func pgErrorToOE(m *modelDef, err *odooError) [][2]any {
	switch err.pgCode {
	case "23502":
		if err.pgTable != tableName(m.name) {
			return [][2]any{{"message", fmt.Sprintf("Missing required value for the field '%s'", err.pgNotNull)}}
		}
		f := m.field(err.pgNotNull)
		s := err.pgNotNull
		if f != nil {
			s = f.str
		}
		return [][2]any{
			{"message", fmt.Sprintf("Missing required value for the field '%s' (%s)", s, err.pgNotNull)},
			{"field", err.pgNotNull},
		}
	}
	raw := err.pgRaw
	if raw == "" {
		raw = err.msg
	}
	return [][2]any{{"message", raw}}
}

// extractConvert is _extract_records + _convert_records for one row.
// It returns the converted values, the raw xml id and the database id.
func (e *env) extractConvert(model string, paths [][]string, rowVals []any, index int, extras *pyDict, log func(*pyDict)) (*pyDict, string, int, *odooError) {
	m := e.model(model)
	n := len(paths)
	if len(rowVals) < n {
		n = len(rowVals)
	}
	// non-relational columns (including the fake 'id' and '.id' fields)
	record := newPyDict()
	isRel := func(name string) bool {
		f := m.field(name)
		return f != nil && (f.typ == "many2one" || f.typ == "many2many" || f.typ == "one2many")
	}
	for i := 0; i < n; i++ {
		if !isRel(paths[i][0]) {
			record.Set(paths[i][0], rowVals[i])
		}
	}
	// relational columns: [{subfield: value}] when any cell is non-empty
	var relOrder []string
	relSeen := map[string]bool{}
	for i := 0; i < len(paths); i++ {
		if isRel(paths[i][0]) && !relSeen[paths[i][0]] {
			relSeen[paths[i][0]] = true
			relOrder = append(relOrder, paths[i][0])
		}
	}
	relData := map[string][]*pyDict{}
	for _, rf := range relOrder {
		sub := newPyDict()
		any := false
		for i := 0; i < n; i++ {
			if paths[i][0] != rf {
				continue
			}
			key := "\x00name" // None: the display name
			if len(paths[i]) > 1 {
				key = paths[i][1]
			}
			sub.Set(key, rowVals[i])
			if pyTruthy(rowVals[i]) {
				any = true
			}
		}
		if any {
			relData[rf] = []*pyDict{sub}
		} else {
			relData[rf] = nil
		}
	}

	fieldString := func(name string) string {
		if name == "id" {
			return "External ID"
		}
		if name == ".id" {
			return "Database ID"
		}
		if f := m.field(name); f != nil {
			return f.str
		}
		return name
	}
	logConv := func(fname string, warning bool, msg string, info *pyDict, withFieldName bool) {
		d := extras.Copy()
		if warning {
			d.Set("type", "warning")
		} else {
			d.Set("type", "error")
		}
		d.Set("record", index)
		d.Set("field", fname)
		d.Set("message", strings.ReplaceAll(strings.ReplaceAll(msg, "%(field)s", fieldString(fname)), "%(field)r", pyStrRepr(fieldString(fname))))
		if withFieldName {
			if info != nil {
				for _, k := range info.Keys() {
					d.Set(k, info.Val(k))
				}
			}
			d.Set("field_name", fieldString(fname))
		}
		log(d)
	}

	// xid / dbid
	xid := ""
	if v, ok := record.Get("id"); ok && pyTruthy(v) {
		xid = pyStr(v)
	}
	dbid := 0
	if v, ok := record.Get(".id"); ok {
		var id int
		var good bool
		switch t := v.(type) {
		case int:
			id, good = t, true
		case string:
			id, good = pyParseInt(t)
		case bool:
			id, good = 0, true
			if t {
				id = 1
			}
		}
		if !good {
			return nil, "", 0, pyError(tbHead+tbLoad+"  File \"{odoo}/odoo/models.py\", line 1418, in _convert_records\n  File \"{odoo}/odoo/models.py\", line 1596, in search\n",
				"psycopg2.errors.InvalidTextRepresentation", fmt.Sprintf("invalid input syntax for type integer: %q\nLINE 1: ...", pyStr(v)))
		}
		found, _ := e.search(model, []any{[]any{"id", "=", id}}, 0, 0, "")
		if len(found) == 0 {
			d := extras.Copy()
			d.Set("type", "error")
			d.Set("record", index)
			d.Set("field", ".id")
			d.Set("message", fmt.Sprintf("Unknown database identifier '%d'", id))
			log(d)
		} else {
			dbid = id
		}
	}

	// convert (for_model): iterate the record dict in insertion order
	conv := newPyDict()
	keys := append(record.Keys(), relOrder...)
	for _, fname := range keys {
		if fname == "id" || fname == ".id" {
			continue
		}
		f := m.field(fname)
		var value any
		if isRel(fname) {
			if relData[fname] == nil {
				conv.Set(fname, false)
				continue
			}
			value = relData[fname]
		} else {
			value = record.Val(fname)
			if !pyTruthy(value) {
				conv.Set(fname, false)
				continue
			}
		}
		v, warnings, err := e.importConvert(model, f, value)
		if err != nil {
			if err.fatal != nil {
				return nil, "", 0, err.fatal
			}
			logConv(fname, false, err.msg, err.info, err.twoArgs)
			continue
		}
		conv.Set(fname, v)
		for _, w := range warnings {
			logConv(fname, true, w.msg, w.info, w.twoArgs)
		}
	}
	return conv, xid, dbid, nil
}

// importErr is a ValueError/ImportWarning raised by an ir.fields converter.
type importErr struct {
	msg     string
	info    *pyDict
	twoArgs bool       // the exception had a second argument (adds field_name)
	fatal   *odooError // an exception that escapes load() (fault 1)
}

func attrErr(v any) *importErr {
	return &importErr{fatal: pyError(tbHead+tbLoad+"  File \"{odoo}/odoo/addons/base/models/ir_fields.py\", line 236, in _str_to_boolean\n",
		"AttributeError", fmt.Sprintf("'%s' object has no attribute 'lower'", pyTypeName(v)))}
}

func (e *env) importConvert(model string, f *fieldDef, value any) (any, []*importErr, *importErr) {
	switch f.typ {
	case "char", "text", "html", "binary", "reference":
		return value, nil, nil
	case "boolean":
		s, ok := value.(string)
		if !ok {
			return nil, nil, attrErr(value)
		}
		switch strings.ToLower(s) {
		case "1", "true", "yes":
			return true, nil, nil
		case "", "0", "false", "no":
			return false, nil, nil
		}
		return true, []*importErr{{msg: fmt.Sprintf("Unknown value '%s' for boolean field '%%(field)s'", s), info: pd("moreinfo", "Use '1' for yes and '0' for no"), twoArgs: true}}, nil
	case "integer", "many2one_reference":
		switch t := value.(type) {
		case int:
			return t, nil, nil
		case float64:
			return int(t), nil, nil
		case bool:
			if t {
				return 1, nil, nil
			}
			return 0, nil, nil
		case string:
			if n, ok := pyParseInt(t); ok {
				return n, nil, nil
			}
			return nil, nil, &importErr{msg: fmt.Sprintf("'%s' does not seem to be an integer for field '%%(field)s'", t), twoArgs: true}
		}
		return nil, nil, &importErr{msg: fmt.Sprintf("'%s' does not seem to be an integer for field '%%(field)s'", pyStr(value)), twoArgs: true}
	case "float", "monetary":
		switch t := value.(type) {
		case int:
			return float64(t), nil, nil
		case float64:
			return t, nil, nil
		case bool:
			if t {
				return 1.0, nil, nil
			}
			return 0.0, nil, nil
		case string:
			if x, ok := pyParseFloat(t); ok {
				return x, nil, nil
			}
			return nil, nil, &importErr{msg: fmt.Sprintf("'%s' does not seem to be a number for field '%%(field)s'", t), twoArgs: true}
		}
		return nil, nil, &importErr{msg: fmt.Sprintf("'%s' does not seem to be a number for field '%%(field)s'", pyStr(value)), twoArgs: true}
	case "selection":
		s, ok := value.(string)
		if !ok {
			return nil, nil, attrErr(value)
		}
		for _, p := range f.selection {
			if strings.EqualFold(s, p[0]) || strings.EqualFold(s, p[1]) {
				return p[0], nil, nil
			}
		}
		labels := make([]any, 0, len(f.selection))
		for _, p := range f.selection {
			if p[1] != "" {
				labels = append(labels, p[1])
			} else {
				labels = append(labels, p[0])
			}
		}
		return nil, nil, &importErr{msg: fmt.Sprintf("Value '%s' not found in selection field '%%(field)s'", s), info: pd("moreinfo", labels), twoArgs: true}
	case "many2one":
		recs := value.([]*pyDict)
		rec := recs[0]
		var subfield string
		nonRef := false
		for _, k := range rec.Keys() {
			if k != "\x00name" && k != "id" && k != ".id" {
				nonRef = true
			}
		}
		if nonRef {
			return nil, nil, &importErr{msg: "Can not create Many-To-One records indirectly, import the field separately"}
		}
		if rec.Len() > 1 {
			return nil, nil, &importErr{msg: "Ambiguous specification for field '%(field)s', only provide one of name, external id or database id"}
		}
		subfield = rec.Keys()[0]
		raw := rec.Val(subfield)
		id, warns, err := e.dbIDFor(f, subfield, raw)
		if err != nil {
			return nil, nil, err
		}
		if id == 0 {
			return false, warns, nil
		}
		return id, warns, nil
	case "many2many":
		return e.importMany2many(f, value.([]*pyDict))
	case "one2many", "date", "datetime":
		return nil, nil, &importErr{msg: fmt.Sprintf("odootest does not emulate importing %s fields (%%(field)s)", f.typ)}
	case "properties", "properties_definition":
		return nil, nil, &importErr{msg: fmt.Sprintf("Unable to import field type '%s'  ", f.typ)}
	}
	return value, nil, nil
}

// dbIDFor is ir.fields.converter.db_id_for.
func (e *env) dbIDFor(f *fieldDef, subfield string, value any) (int, []*importErr, *importErr) {
	action := pd(
		"name", "Possible Values",
		"type", "ir.actions.act_window",
		"target", "new",
		"view_mode", "tree,form",
		"views", []any{[]any{false, "list"}, []any{false, "form"}},
		"context", pd("create", false),
		"help", "See all possible values",
	)
	if subfield == "\x00name" {
		action.Set("res_model", f.relation)
	} else {
		action.Set("res_model", "ir.model.data")
		action.Set("domain", []any{[]any{"model", "=", f.relation}})
	}
	s := pyStr(value)
	falsy := func(s string) bool {
		switch strings.ToLower(s) {
		case "", "0", "false", "no":
			return true
		}
		return false
	}
	var id int
	var fieldType string
	var warns []*importErr
	found := false
	switch subfield {
	case ".id":
		fieldType = "database id"
		if falsy(s) {
			return 0, nil, nil
		}
		n, ok := pyParseInt(s)
		if !ok {
			return 0, nil, &importErr{msg: fmt.Sprintf("Invalid database id '%s' for the field '%%(field)s'", s), info: pd("moreinfo", action), twoArgs: true}
		}
		if e.model(f.relation) != nil && e.exists(f.relation, n) {
			id, found = n, true
		}
	case "id":
		fieldType = "external id"
		if falsy(s) {
			return 0, nil, nil
		}
		xmlid := s
		if !strings.Contains(s, ".") {
			mod := ""
			if v, ok := e.ctx.Get("module"); ok && pyTruthy(v) {
				mod = pyStr(v)
			} else {
				mod = "__import__"
			}
			xmlid = mod + "." + s
		}
		if imd := e.s.lookupXMLID(xmlid); imd != 0 {
			r := e.st.row("ir.model.data", imd)
			rmodel, _ := r["model"].(string)
			rid, _ := r["res_id"].(int)
			if e.model(rmodel) != nil && e.exists(rmodel, rid) || e.model(rmodel) == nil && rmodel == f.relation {
				if rmodel != f.relation {
					return 0, nil, &importErr{msg: fmt.Sprintf("Invalid external ID %s: expected model %s, found %s", xmlid, pyStrRepr(f.relation), pyStrRepr(rmodel))}
				}
				id, found = rid, true
			}
		}
	default:
		fieldType = "name"
		if s == "" {
			return 0, nil, nil
		}
		if e.model(f.relation) != nil {
			res := e.nameSearch(f.relation, s)
			if len(res) > 1 {
				warns = append(warns, &importErr{msg: fmt.Sprintf("Found multiple matches for value %s in field %%(field)r (%d matches)", pyStrRepr(s), len(res))})
			}
			if len(res) > 0 {
				id, found = res[0], true
			}
		}
	}
	if !found {
		return 0, nil, &importErr{
			msg:     fmt.Sprintf("No matching record found for %s '%s' in field '%%(field)s'", fieldType, s),
			info:    pd("moreinfo", action),
			twoArgs: true,
		}
	}
	return id, warns, nil
}

// loadRecords is BaseModel._load_records: update/create and assign xml ids.
func (e *env) loadRecords(model string, items []loadItem, update, noupdate bool) ([]int, *odooError) {
	m := e.model(model)
	type lookup struct {
		imd      int
		resID    int
		model    string
		alive    bool
		noupdate bool
	}
	existing := map[string]lookup{}
	for _, it := range items {
		if it.xid == "" {
			continue
		}
		if imd := e.s.lookupXMLID(it.xid); imd != 0 {
			r := e.st.row("ir.model.data", imd)
			rm, _ := r["model"].(string)
			rid, _ := r["res_id"].(int)
			nu, _ := r["noupdate"].(bool)
			existing[it.xid] = lookup{imd: imd, resID: rid, model: rm, alive: e.exists(model, rid), noupdate: nu}
		}
	}
	records := make([]int, len(items))
	var toCreate []int // indexes
	var toUpdate []int
	type imdRow struct {
		xid      string
		item     int
		model    string
		noupdate bool
	}
	var imdRows []imdRow
	for i, it := range items {
		if it.xid == "" {
			if id, ok := it.vals.Val("id").(int); ok && id != 0 {
				records[i] = id
				toUpdate = append(toUpdate, i)
			} else if !update {
				toCreate = append(toCreate, i)
			}
			continue
		}
		ex, ok := existing[it.xid]
		if !ok {
			toCreate = append(toCreate, i)
			continue
		}
		if ex.model != model {
			return nil, userError(fmt.Sprintf("For external id %s when trying to create/update a record of model %s found record of different model %s (%d)", it.xid, model, ex.model, ex.imd))
		}
		if ex.alive {
			records[i] = ex.resID
			imdRows = append(imdRows, imdRow{it.xid, i, model, noupdate})
			if !(update && ex.noupdate) {
				toUpdate = append(toUpdate, i)
			}
		} else {
			e.deleteRow("ir.model.data", ex.imd)
			toCreate = append(toCreate, i)
		}
	}
	for _, i := range toUpdate {
		vals := items[i].vals.Copy()
		vals.Del("id")
		if err := e.write(model, []int{records[i]}, vals); err != nil {
			return nil, err
		}
	}
	if len(toCreate) > 0 {
		vl := make([]*pyDict, len(toCreate))
		for j, i := range toCreate {
			v := items[i].vals.Copy()
			v.Del("id")
			vl[j] = v
		}
		created, err := e.create(model, vl)
		if err != nil {
			return nil, err
		}
		for j, i := range toCreate {
			records[i] = created[j]
			if items[i].xid != "" {
				if m.inherits != "" {
					if _, given := items[i].vals.Get("product_tmpl_id"); !given {
						imdRows = append(imdRows, imdRow{items[i].xid + "_" + tableName(m.inherits), i, m.inherits, noupdate})
					}
				}
				imdRows = append(imdRows, imdRow{items[i].xid, i, model, noupdate})
			}
		}
	}
	// _update_xmlids: INSERT .. ON CONFLICT (module, name) DO UPDATE
	type key struct {
		xid, model string
		res        int
		nu         bool
	}
	seenRows := map[key]bool{}
	target := map[string]int{}
	for _, r := range imdRows {
		res := records[r.item]
		if r.model != model {
			res = e.tmplOf(res)
		}
		k := key{r.xid, r.model, res, r.noupdate}
		if seenRows[k] {
			continue
		}
		seenRows[k] = true
		newID := e.st.nextID("ir.model.data")
		if prev, ok := target[r.xid]; ok && prev != res {
			err := &odooError{code: 1, pg: true, pgCode: "21000", tb: tbHead + tbLoad,
				msg:   "psycopg2.errors.CardinalityViolation: ON CONFLICT DO UPDATE command cannot affect row a second time",
				pgRaw: "ON CONFLICT DO UPDATE command cannot affect row a second time\nHINT:  Ensure that no rows proposed for insertion within the same command have duplicate constrained values.\n"}
			return nil, err
		}
		target[r.xid] = res
		mod, name, _ := strings.Cut(r.xid, ".")
		if strings.Contains(name, " ") {
			err := userError("The operation cannot be completed: External IDs cannot contain spaces")
			err.pg, err.pgCode, err.pgTable = true, "23514", "ir_model_data"
			err.pgRaw = "new row for relation \"ir_model_data\" violates check constraint \"ir_model_data_name_nospaces\"\n"
			return nil, err
		}
		if old := e.s.lookupXMLID(r.xid); old != 0 {
			orow := e.st.row("ir.model.data", old)
			if orow["res_id"] != res || orow["model"] != r.model {
				e.st.set("ir.model.data", old, "res_id", res)
				e.st.set("ir.model.data", old, "model", r.model)
				e.st.set("ir.model.data", old, "write_date", e.now)
			}
			continue
		}
		e.st.insert("ir.model.data", newID, row{
			"module": mod, "name": name, "model": r.model, "res_id": res, "noupdate": r.noupdate,
			"create_uid": e.uid, "create_date": e.now, "write_uid": e.uid, "write_date": e.now,
		})
	}
	return records, nil
}

// nameSearch returns the ids whose record name equals name (how load()
// resolves a relation given by name, e.g. categ_id "All / Saleable").
func (e *env) nameSearch(model, name string) []int {
	rn := e.model(model).recName
	if rn == "" {
		rn = "name"
	}
	ids, err := e.search(model, []any{[]any{rn, "=", name}}, 0, 0, "")
	if err != nil {
		return nil
	}
	return ids
}
