package odootest

import (
	"encoding/base64"
	"fmt"
	"math"
	"slices"
	"sort"
	"strconv"
	"strings"
	"time"
)

// env is the execution environment of one call (Odoo's self.env).
type env struct {
	s   *Server
	st  *store
	sch *schema
	uid int
	ctx *pyDict
	now string
}

func (e *env) activeTest() bool {
	v, ok := e.ctx.Get("active_test")
	if !ok {
		return true
	}
	return pyTruthy(v)
}

func (e *env) withCtx(kv ...any) *env {
	n := *e
	n.ctx = e.ctx.Copy()
	for i := 0; i+1 < len(kv); i += 2 {
		n.ctx.Set(kv[i].(string), kv[i+1])
	}
	return &n
}

func (e *env) model(name string) *modelDef { return e.sch.models[name] }

func (e *env) exists(model string, id int) bool { return e.st.exists(model, id) }

func nowString() string { return time.Now().UTC().Format("2006-01-02 15:04:05") }

// ---------------------------------------------------------------- value access

// value returns the internal value of a field of a record.
func (e *env) value(model string, id int, fname string) any {
	v := e.storedOrComputed(model, id, fname)
	if l, ok := v.(lazyImage); ok {
		return l.materialize()
	}
	return v
}

func (e *env) storedOrComputed(model string, id int, fname string) any {
	m := e.model(model)
	if fname == "id" {
		return id
	}
	r := e.st.row(model, id)
	if r == nil {
		return nil
	}
	switch model {
	case "product.template":
		if v, ok := e.templateCompute(id, r, fname); ok {
			return v
		}
	case "product.product":
		if v, ok := e.variantCompute(id, r, fname); ok {
			return v
		}
	case "product.template.attribute.value":
		if fname == "name" {
			return e.value("product.attribute.value", idOf(r["product_attribute_value_id"]), "name")
		}
	case "product.category":
		switch fname {
		case "complete_name", "display_name":
			return e.categoryCompleteName(id)
		case "child_id":
			return e.childIDs(id)
		}
	case "ir.model.data":
		switch fname {
		case "complete_name":
			mod, _ := r["module"].(string)
			name, _ := r["name"].(string)
			if mod == "" {
				return name
			}
			if name == "" {
				return mod
			}
			return mod + "." + name
		}
	case "res.users":
		switch fname {
		case "name", "display_name", "email":
			if pid, ok := r["partner_id"].(int); ok {
				return e.value("res.partner", pid, fname)
			}
		}
	}
	if fname == "display_name" {
		return e.displayName(model, id)
	}
	if v, ok := r[fname]; ok {
		return v
	}
	if f := m.field(fname); f != nil {
		return zeroValue(f)
	}
	return nil
}

func nonNilInts(v []int) []int {
	if v == nil {
		return []int{}
	}
	return v
}

func zeroValue(f *fieldDef) any {
	switch f.typ {
	case "boolean":
		return false
	case "integer":
		return 0
	case "float", "monetary":
		return 0.0
	case "one2many", "many2many":
		return []int{}
	case "properties":
		return []int{}
	case "many2one_reference":
		return 0
	}
	return nil
}

// displayName is the display name (internal value: string or nil).
func (e *env) displayName(model string, id int) any {
	m := e.model(model)
	if m == nil || !e.exists(model, id) {
		return nil
	}
	switch model {
	case "product.template", "product.product":
		var name any
		code := e.value(model, id, "default_code")
		if model == "product.product" {
			name = e.value("product.template", e.tmplOf(id), "name")
		} else {
			name = e.st.row(model, id)["name"]
		}
		ns, _ := name.(string)
		if ns == "" && name == nil {
			return nil
		}
		if cs, ok := code.(string); ok && cs != "" {
			if model == "product.product" {
				if v, ok := e.ctx.Get("display_default_code"); ok && !pyTruthy(v) {
					return ns
				}
			}
			return "[" + cs + "] " + ns
		}
		return ns
	case "product.category":
		return e.categoryCompleteName(id)
	case "ir.model.data":
		return e.value(model, id, "complete_name")
	case "res.users":
		return e.value(model, id, "name")
	}
	rn := m.recName
	if rn == "" {
		rn = "name"
	}
	v := e.value(model, id, rn)
	if v == nil {
		return fmt.Sprintf("%s,%d", model, id)
	}
	return v
}

func (e *env) categoryCompleteName(id int) any {
	var parts []string
	seen := map[int]bool{}
	for cur := id; cur != 0 && !seen[cur]; {
		seen[cur] = true
		r := e.st.row("product.category", cur)
		if r == nil {
			break
		}
		n, _ := r["name"].(string)
		parts = append([]string{n}, parts...)
		p, _ := r["parent_id"].(int)
		cur = p
	}
	if len(parts) == 0 {
		return nil
	}
	return strings.Join(parts, " / ")
}

func (e *env) childIDs(id int) []int {
	var out []int
	for _, c := range e.st.ids("product.category") {
		if p, _ := e.st.row("product.category", c)["parent_id"].(int); p == id {
			out = append(out, c)
		}
	}
	return e.sortIDs("product.category", out, "")
}

// toRead converts an internal value to what read() returns.
func (e *env) toRead(f *fieldDef, v any, classic bool) any {
	switch f.typ {
	case "many2one":
		id, ok := v.(int)
		if !ok || id == 0 {
			return false
		}
		if !classic {
			return id
		}
		dn := e.displayName(f.relation, id)
		if dn == nil {
			if e.model(f.relation) == nil {
				return []any{id, fmt.Sprintf("%s,%d", f.relation, id)}
			}
			return false
		}
		return []any{id, dn}
	case "one2many", "many2many", "properties":
		ids, _ := v.([]int)
		out := make([]any, len(ids))
		for i, x := range ids {
			out[i] = x
		}
		return out
	case "boolean":
		return pyTruthy(v)
	case "integer", "many2one_reference":
		switch x := v.(type) {
		case int:
			return x
		case float64:
			return int(x)
		}
		return 0
	case "float", "monetary":
		switch x := v.(type) {
		case float64:
			return x
		case int:
			return float64(x)
		}
		return 0.0
	}
	if v == nil {
		return false
	}
	if s, ok := v.(string); ok {
		return s
	}
	return v
}

// ---------------------------------------------------------------- search

type orderTerm struct {
	field string
	desc  bool
	nulls string // "", "first", "last"
}

func (e *env) parseOrder(model, order string) ([]orderTerm, *odooError) {
	m := e.model(model)
	var out []orderTerm
	for _, part := range strings.Split(order, ",") {
		part = strings.TrimSpace(part)
		if part == "" {
			continue
		}
		toks := strings.Fields(part)
		t := orderTerm{field: toks[0]}
		rest := toks[1:]
		if len(rest) > 0 {
			switch strings.ToLower(rest[0]) {
			case "asc":
				rest = rest[1:]
			case "desc":
				t.desc = true
				rest = rest[1:]
			}
		}
		if len(rest) == 2 && strings.ToLower(rest[0]) == "nulls" {
			t.nulls = strings.ToLower(rest[1])
			if t.nulls != "first" && t.nulls != "last" {
				return nil, valueError(genericTB("model", "odoo/models.py", "_order_to_sql", 5120),
					fmt.Sprintf("Invalid \"order\" specified (%s). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)", order))
			}
			rest = nil
		}
		if len(rest) > 0 || !validFieldToken(t.field) {
			return nil, valueError(genericTB("model", "odoo/models.py", "_order_to_sql", 5120),
				fmt.Sprintf("Invalid \"order\" specified (%s). A valid \"order\" specification is a comma-separated list of valid field names (optionally followed by asc/desc for the direction)", order))
		}
		if m.field(t.field) == nil {
			return nil, valueError(genericTB("model", "odoo/models.py", "_order_field_to_sql", 5208),
				fmt.Sprintf("Invalid field %s on model %s", pyStrRepr(t.field), pyStrRepr(model)))
		}
		out = append(out, t)
	}
	return out, nil
}

func validFieldToken(s string) bool {
	if s == "" {
		return false
	}
	for _, c := range s {
		if !(c == '_' || c == '.' || c >= 'a' && c <= 'z' || c >= 'A' && c <= 'Z' || c >= '0' && c <= '9') {
			return false
		}
	}
	return true
}

// defaultOrder returns the model's default order; product.template's
// "priority desc, name" (17) / "is_favorite desc, name" (18) are emulated
// as name then id.
func (e *env) defaultOrder(model string) string {
	m := e.model(model)
	o := m.order
	if o == "" {
		o = "id"
	}
	return o
}

// sortIDs orders ids by an order spec ("" = the model default). The id is
// always the final tie-breaker.
func (e *env) sortIDs(model string, ids []int, order string) []int {
	if order == "" {
		order = e.defaultOrder(model)
	}
	terms, err := e.parseOrder(model, order)
	if err != nil {
		terms = nil
	}
	type keyed struct {
		id   int
		keys []any
	}
	rows := make([]keyed, len(ids))
	ranks := map[string]map[int]int{}
	for i, id := range ids {
		k := make([]any, len(terms))
		for j, t := range terms {
			f := e.model(model).field(t.field)
			v := e.value(model, id, t.field)
			if f != nil && f.typ == "many2one" {
				if rid, ok := v.(int); ok && rid != 0 {
					rk := ranks[f.relation]
					if rk == nil {
						rk = map[int]int{}
						if e.model(f.relation) != nil {
							for pos, x := range e.sortIDs(f.relation, e.st.ids(f.relation), "") {
								rk[x] = pos
							}
						}
						ranks[f.relation] = rk
					}
					v = rk[rid]
				} else {
					v = nil
				}
			}
			if f != nil && f.typ == "boolean" {
				v = pyTruthy(v)
			}
			k[j] = v
		}
		rows[i] = keyed{id, k}
	}
	sort.SliceStable(rows, func(a, b int) bool {
		for j, t := range terms {
			va, vb := rows[a].keys[j], rows[b].keys[j]
			na, nb := va == nil, vb == nil
			if na || nb {
				if na && nb {
					continue
				}
				nullsFirst := t.desc // PostgreSQL default: NULLS LAST for ASC, FIRST for DESC
				if t.nulls == "first" {
					nullsFirst = true
				} else if t.nulls == "last" {
					nullsFirst = false
				}
				if na {
					return nullsFirst
				}
				return !nullsFirst
			}
			c := compareValues(va, vb)
			if c == 0 {
				continue
			}
			if t.desc {
				return c > 0
			}
			return c < 0
		}
		return rows[a].id < rows[b].id
	})
	out := make([]int, len(rows))
	for i, r := range rows {
		out[i] = r.id
	}
	return out
}

// compareValues compares two non-nil internal values.
func compareValues(a, b any) int {
	switch x := a.(type) {
	case int:
		switch y := b.(type) {
		case int:
			return cmpInt(x, y)
		case float64:
			return cmpFloat(float64(x), y)
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return cmpFloat(x, y)
		case int:
			return cmpFloat(x, float64(y))
		}
	case bool:
		if y, ok := b.(bool); ok {
			if x == y {
				return 0
			}
			if !x {
				return -1
			}
			return 1
		}
	case string:
		if y, ok := b.(string); ok {
			return collate(x, y)
		}
	}
	return strings.Compare(fmt.Sprint(a), fmt.Sprint(b))
}

func cmpInt(a, b int) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

func cmpFloat(a, b float64) int {
	switch {
	case a < b:
		return -1
	case a > b:
		return 1
	}
	return 0
}

// collate approximates a PostgreSQL en_US.UTF-8 collation: case-insensitive
// first, then byte order.
func collate(a, b string) int {
	if c := strings.Compare(strings.ToLower(a), strings.ToLower(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// search runs a domain search with Odoo's active_test handling.
func (e *env) search(model string, domain []any, offset, limit int, order string) ([]int, *odooError) {
	m := e.model(model)
	dom, err := e.normalizeDomain(model, domain)
	if err != nil {
		return nil, err
	}
	if order != "" {
		if _, err := e.parseOrder(model, order); err != nil {
			return nil, err
		}
	}
	applyActive := m.hasActive && e.activeTest() && !domainMentions(dom, "active")
	var ids []int
	all, narrowed := e.candidates(model, dom)
	if !narrowed {
		all = e.st.ids(model)
	}
	for _, id := range all {
		if applyActive {
			if a, _ := e.value(model, id, "active").(bool); !a {
				continue
			}
		}
		ok, err := e.evalDomain(model, id, dom)
		if err != nil {
			return nil, err
		}
		if ok {
			ids = append(ids, id)
		}
	}
	ids = e.sortIDs(model, ids, order)
	if offset > 0 {
		if offset >= len(ids) {
			ids = nil
		} else {
			ids = ids[offset:]
		}
	}
	if limit > 0 && limit < len(ids) {
		ids = ids[:limit]
	}
	return nonNilInts(ids), nil
}

// candidates narrows a search to a superset of its matches when the domain
// has an "=" or "in" leaf on id or on an indexed field; narrowed is false
// when every row has to be scanned. The domain is still evaluated on each
// candidate, so results do not depend on this.
func (e *env) candidates(model string, dom []any) (ids []int, narrowed bool) {
	for _, t := range dom {
		if l, ok := t.(*leaf); ok {
			if ids, ok := e.leafCandidates(model, l); ok {
				return ids, true
			}
		}
	}
	return nil, false
}

// leafCandidates returns, in id order, the existing records that may match
// an "=" or "in" leaf on id or an indexed field; ok is false for any other leaf.
func (e *env) leafCandidates(model string, l *leaf) (ids []int, ok bool) {
	if l.left != "id" && !indexed(model, l.left) {
		return nil, false
	}
	values := []any{l.right}
	switch l.op {
	case "=":
	case "in":
		if values, ok = l.right.([]any); !ok {
			return nil, false
		}
	default:
		return nil, false
	}
	set := map[int]bool{}
	for _, v := range values {
		if l.left == "id" {
			id, isInt := v.(int)
			if !isInt {
				return nil, false
			}
			set[id] = true
			continue
		}
		if !exactKey(e.model(model).field(l.left), v) {
			return nil, false // False, "", 0 or a value Odoo would convert: leave it to a scan
		}
		for _, id := range e.st.hinted(model, l.left, v) {
			set[id] = true
		}
	}
	for id := range set {
		if e.st.exists(model, id) {
			ids = append(ids, id)
		}
	}
	sort.Ints(ids)
	return ids, true
}

// exactKey reports whether v is compared as-is with f's stored values: a
// non-empty string for a text field, a non-zero int for an integer one.
func exactKey(f *fieldDef, v any) bool {
	if _, ok := hintKey(v); !ok || f == nil {
		return false
	}
	switch v.(type) {
	case string:
		return f.typ == "char"
	case int:
		return f.typ == "integer" || f.typ == "many2one_reference" || f.typ == "many2one"
	}
	return false
}

// readRecords implements read(): missing ids are skipped silently.
func (e *env) readRecords(model string, ids []int, fields []string, classic bool) ([]any, *odooError) {
	m := e.model(model)
	if len(fields) == 0 {
		for _, f := range m.fields {
			fields = append(fields, f.name)
		}
	}
	for _, fn := range fields {
		if m.field(fn) == nil {
			return nil, valueError(genericTB("multi", "odoo/models.py", "_read_format", 3879), fmt.Sprintf("Invalid field %s on model %s", pyStrRepr(fn), pyStrRepr(model)))
		}
	}
	bs, _ := e.ctx.Get("bin_size")
	binSize := pyTruthy(bs)
	out := []any{}
	seen := map[int]bool{}
	for _, id := range ids {
		if !e.exists(model, id) || seen[id] {
			continue
		}
		seen[id] = true
		d := newPyDict()
		d.Set("id", id)
		for _, fn := range fields {
			if fn == "id" {
				continue
			}
			f := m.field(fn)
			v := e.value(model, id, fn)
			if binSize && f.typ == "binary" {
				v = humanSize(v)
			}
			d.Set(fn, e.toRead(f, v, classic))
		}
		out = append(out, d)
	}
	return out, nil
}

// humanSize is what a binary field reads as with bin_size in the context:
// odoo.tools.human_size of the stored bytes ("2.07 Kb"), False when empty.
func humanSize(v any) any {
	s, ok := v.(string)
	if !ok || s == "" {
		return nil
	}
	n := base64.StdEncoding.DecodedLen(len(s)) - strings.Count(s[max(0, len(s)-2):], "=")
	units := []string{"bytes", "Kb", "Mb", "Gb", "Tb"}
	size, i := float64(n), 0
	for size >= 1024 && i < len(units)-1 {
		size /= 1024
		i++
	}
	return fmt.Sprintf("%0.2f %s", size, units[i])
}

// ---------------------------------------------------------------- value conversion (convert_to_cache)

// convertValue converts an RPC value for field f to the internal value,
// like Odoo's convert_to_cache/convert_to_column. tb is the traceback prefix.
func (e *env) convertValue(model string, f *fieldDef, v any, tbIn string) (any, *odooError) {
	tb := tbFor(tbIn, tbCreateNew)
	if _, ok := v.(pyBinary); ok && f.image == 0 {
		return nil, pyError(tb+"  File \"{odoo}/odoo/fields.py\", line 1127, in convert_to_cache\n", "TypeError",
			fmt.Sprintf("Object of type Binary is not JSON serializable (field %s)", f.name))
	}
	switch f.typ {
	case "char", "text", "html":
		if v == nil || v == false {
			return nil, nil
		}
		s := pyStr(v)
		if dt, ok := v.(pyDateTime); ok {
			s = string(dt)
		}
		if f.typ == "html" {
			s = sanitizeHTML(s)
		}
		return s, nil
	case "selection":
		if v == nil || v == false {
			return nil, nil
		}
		s, ok := v.(string)
		if ok {
			for _, p := range f.selection {
				if p[0] == s {
					return s, nil
				}
			}
		}
		return nil, valueError(tbFor(tbIn, tbCreateColumn)+tbSelectionTail, fmt.Sprintf("Wrong value for %s.%s: %s", model, f.name, pyRepr(v)))
	case "float", "monetary":
		var x float64
		switch t := v.(type) {
		case nil:
			x = 0
		case bool:
			if t {
				x = 1
			}
		case int:
			x = float64(t)
		case float64:
			x = t
		case string:
			if t == "" {
				x = 0
				break
			}
			p, ok := pyParseFloat(t)
			if !ok {
				return nil, valueError(tbFor(tbIn, tbCreateNew)+tbFloatTail, fmt.Sprintf("could not convert string to float: %s", pyStrRepr(t)))
			}
			x = p
		default:
			if !pyTruthy(v) {
				x = 0
				break
			}
			return nil, pyError(tbFor(tbIn, tbCreateNew)+tbFloatTail, "TypeError", fmt.Sprintf("float() argument must be a string or a real number, not '%s'", pyTypeName(v)))
		}
		if f.digits > 0 {
			x = floatRound(x, f.digits)
		}
		return x, nil
	case "integer", "many2one_reference":
		switch t := v.(type) {
		case nil:
			return 0, nil
		case bool:
			if t {
				return 1, nil
			}
			return 0, nil
		case int:
			return t, nil
		case float64:
			return int(t), nil
		case string:
			if t == "" {
				return 0, nil
			}
			n, ok := pyParseInt(t)
			if !ok {
				return nil, valueError(tb+"  File \"{odoo}/odoo/fields.py\", line 1443, in convert_to_cache\n", fmt.Sprintf("invalid literal for int() with base 10: %s", pyStrRepr(t)))
			}
			return n, nil
		}
		if !pyTruthy(v) {
			return 0, nil
		}
		return nil, pyError(tb+"  File \"{odoo}/odoo/fields.py\", line 1443, in convert_to_cache\n", "TypeError",
			fmt.Sprintf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyTypeName(v)))
	case "boolean":
		return pyTruthy(v), nil
	case "many2one":
		// Odoo only takes an int (or a tuple); anything else is "no value".
		if id, ok := v.(int); ok {
			if id == 0 {
				return nil, nil
			}
			return id, nil
		}
		return nil, nil
	case "binary":
		if v == nil || v == false {
			return nil, nil
		}
		if s, ok := v.(string); ok {
			return s, nil
		}
		if b, ok := v.(pyBinary); ok {
			return b, nil
		}
		return pyStr(v), nil
	case "date", "datetime":
		if v == nil || v == false {
			return nil, nil
		}
		if dt, ok := v.(pyDateTime); ok {
			s := string(dt)
			if t, err := time.Parse("20060102T15:04:05", s); err == nil {
				if f.typ == "date" {
					return t.Format("2006-01-02"), nil
				}
				return t.Format("2006-01-02 15:04:05"), nil
			}
			return s, nil
		}
		s, ok := v.(string)
		if !ok {
			return nil, valueError(tb, fmt.Sprintf("%s is not a valid %s", pyRepr(v), f.typ))
		}
		layouts := []string{"2006-01-02 15:04:05", "2006-01-02T15:04:05", "2006-01-02"}
		for _, l := range layouts {
			if t, err := time.Parse(l, s); err == nil {
				if f.typ == "date" {
					return t.Format("2006-01-02"), nil
				}
				return t.Format("2006-01-02 15:04:05"), nil
			}
		}
		if f.typ == "date" {
			return nil, valueError(tb, fmt.Sprintf("time data %s does not match format '%%Y-%%m-%%d'", pyStrRepr(s)))
		}
		return nil, valueError(tb, fmt.Sprintf("time data %s does not match format '%%Y-%%m-%%d %%H:%%M:%%S'", pyStrRepr(s)))
	case "one2many", "many2many":
		return e.convertX2many(model, f, v, tb)
	case "properties", "properties_definition":
		return nil, nil
	}
	return v, nil
}

// tbCreateMark marks a create traceback prefix: tbFor appends the frames of
// the phase (new() or _create()) in which Odoo converts the value.
const tbCreateMark = "\x00create\x00"

func tbFor(tb, phase string) string {
	if strings.HasSuffix(tb, tbCreateMark) {
		return strings.TrimSuffix(tb, tbCreateMark) + phase
	}
	return tb
}

const tbFloatTail = `  File "{odoo}/odoo/models.py", line 6021, in _update_cache
  File "{odoo}/odoo/fields.py", line 1543, in convert_to_cache
`

const tbSelectionTail = `  File "{odoo}/odoo/fields.py", line 2828, in convert_to_column
  File "{odoo}/odoo/fields.py", line 2838, in convert_to_cache
`

// x2m is a one2many/many2many value written by create/write: the empty ones
// the recordings send (False, [] or a clear command, which clear the field)
// and, on many2many fields, Command.set (6, 0, ids), Command.link (4, id) and
// Command.unlink (3, id), which load() makes of a "field/.id" cell (account.go).
type x2m struct {
	cmds []x2mCmd
}

type x2mCmd struct {
	op  int // 3 unlink, 4 link, 5 clear, 6 set
	ids []int
}

// apply returns the field's ids after the commands, from the current ones.
func (x *x2m) apply(cur []int) []int {
	out := slices.Clone(cur)
	if len(x.cmds) == 0 {
		return []int{}
	}
	for _, c := range x.cmds {
		switch c.op {
		case 5:
			out = nil
		case 6:
			out = slices.Clone(c.ids)
		case 4:
			if !slices.Contains(out, c.ids[0]) {
				out = append(out, c.ids[0])
			}
		case 3:
			out = slices.DeleteFunc(out, func(id int) bool { return id == c.ids[0] })
		}
	}
	if out == nil {
		out = []int{}
	}
	slices.Sort(out) // read back in the comodel's order; account.tax and the recorded ones order by id here
	return out
}

func (e *env) convertX2many(model string, f *fieldDef, v any, tb string) (any, *odooError) {
	list, isList := v.([]any)
	if v == nil || v == false || isList && len(list) == 0 {
		return &x2m{cmds: []x2mCmd{{op: 5}}}, nil
	}
	if !isList {
		return nil, valueError(tb, fmt.Sprintf("Wrong value for %s.%s: %s", model, f.name, pyRepr(v)))
	}
	notEmulated := pyError(tb, "NotImplementedError", fmt.Sprintf("odootest does not emulate this command on %s.%s: %s", model, f.name, pyRepr(v)))
	x := &x2m{}
	var bare []int
	for _, c := range list {
		if id, ok := c.(int); ok && f.typ == "many2many" {
			bare = append(bare, id)
			continue
		}
		t, ok := c.([]any)
		if !ok || len(t) == 0 {
			return nil, notEmulated
		}
		op, _ := t[0].(int)
		switch {
		case op == 5:
			x.cmds = append(x.cmds, x2mCmd{op: 5})
		case f.typ == "many2many" && op == 6 && len(t) == 3:
			ids, ok := toIDs(t[2])
			if !ok {
				return nil, notEmulated
			}
			x.cmds = append(x.cmds, x2mCmd{op: 6, ids: ids})
		case f.typ == "many2many" && (op == 4 || op == 3) && len(t) >= 2:
			id, ok := t[1].(int)
			if !ok {
				return nil, notEmulated
			}
			x.cmds = append(x.cmds, x2mCmd{op: op, ids: []int{id}})
		default:
			return nil, notEmulated
		}
		for _, c := range x.cmds {
			for _, id := range c.ids {
				if e.model(f.relation) != nil && !e.exists(f.relation, id) {
					return nil, pyError(tb, "psycopg2.errors.ForeignKeyViolation", fmt.Sprintf(
						"insert or update on table %q violates foreign key constraint\nDETAIL:  Key (id)=(%d) is not present in table %q.", tableName(model)+"_"+f.name+"_rel", id, tableName(f.relation)))
				}
			}
		}
	}
	if bare != nil {
		x.cmds = append(x.cmds, x2mCmd{op: 6, ids: bare})
	}
	if len(x.cmds) == 0 {
		x.cmds = []x2mCmd{{op: 5}}
	}
	return x, nil
}

// floatRound mimics odoo.tools.float_round (HALF-UP) followed by the
// NUMERIC round trip of the database column.
func floatRound(v float64, digits int) float64 {
	if v == 0 || math.IsInf(v, 0) || math.IsNaN(v) {
		return v
	}
	factor := math.Pow(10, -float64(digits))
	norm := v / factor
	sign := math.Copysign(1, norm)
	eps := math.Pow(2, math.Log2(math.Abs(norm))-52)
	norm += sign * eps
	r := math.RoundToEven(norm)
	// Python's round() is half-even on the epsilon-shifted value.
	res := r * factor
	s := strconv.FormatFloat(res, 'f', digits, 64)
	out, _ := strconv.ParseFloat(s, 64)
	return out
}

// sanitizeHTML approximates Odoo's html sanitizer for plain text input.
func sanitizeHTML(s string) string {
	t := strings.TrimSpace(s)
	if t == "" {
		return s
	}
	if strings.HasPrefix(t, "<") {
		return s
	}
	r := strings.NewReplacer("&", "&amp;", "<", "&lt;", ">", "&gt;")
	return "<p>" + r.Replace(s) + "</p>"
}

// ---------------------------------------------------------------- helpers for args

func toIDs(v any) ([]int, bool) {
	switch x := v.(type) {
	case int:
		return []int{x}, true
	case bool:
		if !x {
			return []int{}, true
		}
		return []int{1}, true
	case nil:
		return []int{}, true
	case []any:
		out := make([]int, 0, len(x))
		for _, e := range x {
			switch n := e.(type) {
			case int:
				out = append(out, n)
			case bool:
				if n {
					out = append(out, 1)
				}
			case float64:
				out = append(out, int(n))
			default:
				return nil, false
			}
		}
		return out, true
	}
	return nil, false
}

func toStrings(v any) ([]string, bool) {
	switch x := v.(type) {
	case nil:
		return nil, true
	case bool:
		if !x {
			return nil, true
		}
	case string:
		return []string{x}, true
	case []any:
		out := make([]string, 0, len(x))
		for _, e := range x {
			s, ok := e.(string)
			if !ok {
				return nil, false
			}
			out = append(out, s)
		}
		return out, true
	}
	return nil, false
}

func toInt(v any) (int, bool) {
	switch x := v.(type) {
	case int:
		return x, true
	case bool:
		if x {
			return 1, true
		}
		return 0, true
	case nil:
		return 0, true
	case float64:
		return int(x), true
	}
	return 0, false
}
