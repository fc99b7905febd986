package odootest

import (
	"fmt"
	"regexp"
	"strings"
	"sync"
)

// A normalized domain is a prefix-notation list of "&", "|", "!" and leaves.
type leaf struct {
	left  string
	op    string
	right any
	raw   []any
	truth int // 1 = TRUE_LEAF, -1 = FALSE_LEAF, 0 = normal
}

var termOperators = map[string]bool{
	"=": true, "!=": true, "<=": true, "<": true, ">": true, ">=": true, "=?": true,
	"=like": true, "=ilike": true, "like": true, "not like": true, "ilike": true, "not ilike": true,
	"in": true, "not in": true, "child_of": true, "parent_of": true, "any": true, "not any": true, "<>": true,
}

const tbSearch = `  File "{odoo}/odoo/api.py", line 464, in call_kw
  File "{odoo}/odoo/api.py", line 435, in _call_kw_model
  File "{odoo}/odoo/models.py", line 1596, in search
  File "{odoo}/odoo/models.py", line 1610, in search_fetch
  File "{odoo}/odoo/models.py", line 5360, in _search
  File "{odoo}/odoo/osv/expression.py", line 788, in __init__
  File "{odoo}/odoo/osv/expression.py", line 597, in domain_combine_anies
  File "{odoo}/odoo/osv/expression.py", line 379, in _anyfy_leaves
`

func domainError(msg string) *odooError {
	return valueError(tbHead+tbSearch, msg)
}

// normalizeDomain validates and normalizes a domain (implicit '&'), like
// odoo.osv.expression.normalize_domain + check_leaf.
func (e *env) normalizeDomain(model string, domain []any) ([]any, *odooError) {
	if len(domain) == 0 {
		return nil, nil
	}
	var out []any
	expected := 1
	for _, t := range domain {
		if expected == 0 {
			out = append([]any{"&"}, out...)
			expected = 1
		}
		switch x := t.(type) {
		case []any:
			expected--
			out = append(out, x)
		case string:
			switch x {
			case "&", "|":
				expected++
			case "!":
			default:
				expected--
			}
			out = append(out, x)
		default:
			expected--
			out = append(out, x)
		}
	}
	if expected != 0 {
		return nil, domainError(fmt.Sprintf("Domain %s is syntactically not correct.", pyRepr(domain)))
	}
	for i, t := range out {
		switch x := t.(type) {
		case string:
			if x == "&" || x == "|" || x == "!" {
				continue
			}
			return nil, domainError(fmt.Sprintf("Invalid leaf %s", x))
		case []any:
			l, err := e.makeLeaf(model, x)
			if err != nil {
				return nil, err
			}
			out[i] = l
		default:
			return nil, domainError(fmt.Sprintf("Invalid leaf %s", pyRepr(t)))
		}
	}
	return out, nil
}

func (e *env) makeLeaf(model string, x []any) (*leaf, *odooError) {
	if len(x) != 3 {
		return nil, domainError(fmt.Sprintf("Invalid leaf %s", pyRepr(x)))
	}
	l := &leaf{raw: x}
	// TRUE_LEAF (1, '=', 1) / FALSE_LEAF (0, '=', 1)
	if a, ok := x[0].(int); ok {
		if op, _ := x[1].(string); op == "=" {
			if b, ok := x[2].(int); ok && b == 1 && (a == 0 || a == 1) {
				if a == 1 {
					l.truth = 1
				} else {
					l.truth = -1
				}
				return l, nil
			}
		}
	}
	left, ok1 := x[0].(string)
	op, ok2 := x[1].(string)
	if !ok1 || !ok2 || left == "" || !termOperators[strings.ToLower(op)] {
		return nil, domainError(fmt.Sprintf("Invalid leaf %s", pyRepr(pyTuple(x))))
	}
	op = strings.ToLower(op)
	if op == "<>" {
		op = "!="
	}
	l.left, l.op, l.right = left, op, x[2]
	path := strings.SplitN(left, ".", 2)
	m := e.model(model)
	f := m.field(path[0])
	if f == nil {
		return nil, domainError(fmt.Sprintf("Invalid field %s.%s in leaf %s", model, path[0], pyRepr(pyTuple(x))))
	}
	if len(path) > 1 {
		if f.relation == "" || e.model(f.relation) == nil {
			if f.relation == "" {
				return nil, domainError(fmt.Sprintf("Invalid field %s.%s in leaf %s", model, left, pyRepr(pyTuple(x))))
			}
		} else if _, err := e.makeLeaf(f.relation, []any{path[1], x[1], x[2]}); err != nil {
			return nil, err
		}
	}
	return l, nil
}

func domainMentions(dom []any, field string) bool {
	for _, t := range dom {
		if l, ok := t.(*leaf); ok && l.truth == 0 {
			if l.left == field || strings.HasPrefix(l.left, field+".") {
				return true
			}
		}
	}
	return false
}

// evalDomain evaluates a normalized domain on one record.
func (e *env) evalDomain(model string, id int, dom []any) (bool, *odooError) {
	if len(dom) == 0 {
		return true, nil
	}
	pos := 0
	var eval func() (bool, *odooError)
	eval = func() (bool, *odooError) {
		t := dom[pos]
		pos++
		switch t {
		case "&":
			a, err := eval()
			if err != nil {
				return false, err
			}
			b, err := eval()
			if err != nil {
				return false, err
			}
			return a && b, nil
		case "|":
			a, err := eval()
			if err != nil {
				return false, err
			}
			b, err := eval()
			if err != nil {
				return false, err
			}
			return a || b, nil
		case "!":
			a, err := eval()
			return !a, err
		}
		return e.evalLeaf(model, id, t.(*leaf))
	}
	return eval()
}

func (e *env) evalLeaf(model string, id int, l *leaf) (bool, *odooError) {
	if l.truth != 0 {
		return l.truth > 0, nil
	}
	m := e.model(model)
	path := strings.SplitN(l.left, ".", 2)
	f := m.field(path[0])
	if len(path) > 1 {
		// traverse a relation: true when any related record matches
		if e.model(f.relation) == nil {
			return false, nil
		}
		var rel []int
		switch v := e.value(model, id, path[0]).(type) {
		case int:
			if v != 0 {
				rel = []int{v}
			}
		case []int:
			rel = v
		}
		sub := &leaf{left: path[1], op: l.op, right: l.right, raw: l.raw}
		negative := l.op == "!=" || l.op == "not in" || l.op == "not like" || l.op == "not ilike"
		if negative {
			// Odoo: ('a.b', '!=', x) -> a not any (b = x) ... approximated
			pos := *sub
			pos.op = map[string]string{"!=": "=", "not in": "in", "not like": "like", "not ilike": "ilike"}[l.op]
			for _, r := range rel {
				ok, err := e.evalLeaf(f.relation, r, &pos)
				if err != nil {
					return false, err
				}
				if ok {
					return false, nil
				}
			}
			return true, nil
		}
		for _, r := range rel {
			ok, err := e.evalLeaf(f.relation, r, sub)
			if err != nil {
				return false, err
			}
			if ok {
				return true, nil
			}
		}
		return false, nil
	}
	v := e.value(model, id, l.left)
	right := l.right
	op := l.op

	switch op {
	case "child_of", "parent_of":
		ids := e.resolveIDs(f, right)
		target := e.relationIDs(model, id, f)
		if f.name == "id" {
			target = []int{id}
		}
		comodel := f.relation
		if f.name == "id" {
			comodel = model
		}
		for _, t := range target {
			for _, x := range ids {
				if op == "child_of" && e.isDescendant(comodel, t, x) {
					return true, nil
				}
				if op == "parent_of" && e.isDescendant(comodel, x, t) {
					return true, nil
				}
			}
		}
		return false, nil
	case "any", "not any":
		sub, _ := right.([]any)
		dom, err := e.normalizeDomain(f.relation, sub)
		if err != nil {
			return false, err
		}
		found := false
		for _, r := range e.relationIDs(model, id, f) {
			ok, err := e.evalDomain(f.relation, r, dom)
			if err != nil {
				return false, err
			}
			if ok {
				found = true
				break
			}
		}
		if op == "any" {
			return found, nil
		}
		return !found, nil
	case "=?":
		if right == nil || right == false {
			return true, nil
		}
		op = "="
	}

	switch f.typ {
	case "many2one", "one2many", "many2many":
		return e.evalRelational(model, id, f, op, right, v)
	case "boolean":
		bv := pyTruthy(v)
		switch op {
		case "=", "!=":
			if rb, ok := right.(bool); ok {
				if op == "=" {
					return bv == rb, nil
				}
				return bv != rb, nil
			}
			if right == nil {
				if op == "=" {
					return v == nil, nil
				}
				return v != nil, nil
			}
		case "in", "not in":
			list, _ := right.([]any)
			in := false
			for _, x := range list {
				if pyTruthy(x) == bv && (x == true || x == false || x == nil) {
					in = true
				}
				if xi, ok := x.(int); ok && (xi != 0) == bv {
					in = true
				}
			}
			if op == "in" {
				return in, nil
			}
			return !in, nil
		}
	}
	return e.compareLeaf(f, op, right, v), nil
}

func (e *env) relationIDs(model string, id int, f *fieldDef) []int {
	switch v := e.value(model, id, f.name).(type) {
	case int:
		if v != 0 {
			return []int{v}
		}
	case []int:
		return v
	}
	return nil
}

func (e *env) isDescendant(model string, child, ancestor int) bool {
	seen := map[int]bool{}
	for cur := child; cur != 0 && !seen[cur]; {
		if cur == ancestor {
			return true
		}
		seen[cur] = true
		r := e.st.row(model, cur)
		if r == nil {
			return false
		}
		p, _ := r["parent_id"].(int)
		cur = p
	}
	return false
}

// resolveIDs turns a right operand (id, ids, or names) into ids of f's comodel.
func (e *env) resolveIDs(f *fieldDef, right any) []int {
	comodel := f.relation
	var out []int
	var add func(x any)
	add = func(x any) {
		switch t := x.(type) {
		case int:
			out = append(out, t)
		case string:
			if comodel != "" && e.model(comodel) != nil {
				for _, id := range e.st.ids(comodel) {
					if dn, _ := e.displayName(comodel, id).(string); strings.Contains(strings.ToLower(dn), strings.ToLower(t)) {
						out = append(out, id)
					}
				}
			}
		case []any:
			for _, y := range t {
				add(y)
			}
		}
	}
	add(right)
	return out
}

func (e *env) evalRelational(model string, id int, f *fieldDef, op string, right, v any) (bool, *odooError) {
	var cur []int
	switch t := v.(type) {
	case int:
		if t != 0 {
			cur = []int{t}
		}
	case []int:
		cur = t
	}
	// string operands are matched against display names of the comodel
	matchName := func(s string, op string) bool {
		for _, r := range cur {
			dn, _ := e.displayName(f.relation, r).(string)
			if matchString(dn, op, s) {
				return true
			}
		}
		return false
	}
	switch op {
	case "=", "!=":
		if right == nil || right == false {
			empty := len(cur) == 0
			if op == "=" {
				return empty, nil
			}
			return !empty, nil
		}
		if s, ok := right.(string); ok {
			m := matchName(s, "=")
			if op == "=" {
				return m, nil
			}
			return !m, nil
		}
		rid, _ := toInt(right)
		has := false
		for _, c := range cur {
			if c == rid {
				has = true
			}
		}
		if op == "=" {
			return has, nil
		}
		return !has, nil
	case "in", "not in":
		list, ok := right.([]any)
		if !ok {
			list = []any{right}
		}
		checkNull := false
		want := map[int]bool{}
		var names []string
		for _, x := range list {
			switch t := x.(type) {
			case nil:
				checkNull = true
			case bool:
				if !t {
					checkNull = true
				}
			case int:
				want[t] = true
			case string:
				names = append(names, t)
			}
		}
		in := false
		for _, c := range cur {
			if want[c] {
				in = true
			}
		}
		for _, n := range names {
			if matchName(n, "=") {
				in = true
			}
		}
		if checkNull && len(cur) == 0 {
			in = true
		}
		if op == "in" {
			return in, nil
		}
		return !in, nil
	case "like", "ilike", "=like", "=ilike", "not like", "not ilike":
		s := pyStr(right)
		if right == nil || right == false {
			s = ""
		}
		pos := strings.TrimPrefix(op, "not ")
		m := matchName(s, pos)
		if (pos == "like" || pos == "ilike") && s == "" {
			m = true
		}
		if strings.HasPrefix(op, "not ") {
			return !m, nil
		}
		return m, nil
	default:
		if len(cur) == 0 {
			return false, nil
		}
		return e.compareLeaf(&fieldDef{typ: "integer"}, op, right, cur[0]), nil
	}
}

// compareLeaf evaluates a scalar leaf like the SQL Odoo generates.
func (e *env) compareLeaf(f *fieldDef, op string, right, v any) bool {
	isNull := v == nil
	if f.typ == "char" || f.typ == "text" || f.typ == "html" || f.typ == "selection" {
		if s, ok := v.(string); ok && s == "" && f.translate {
			isNull = false
		}
	}
	switch op {
	case "=":
		if right == nil || right == false {
			return isNull
		}
		if isNull {
			return false
		}
		return equalValues(v, right)
	case "!=":
		if right == nil || right == false {
			return !isNull
		}
		if isNull {
			return true // negative operators also match NULL
		}
		return !equalValues(v, right)
	case "in", "not in":
		list, ok := right.([]any)
		if !ok {
			if b, isb := right.(bool); isb {
				if (op == "in" && b) || (op == "not in" && !b) {
					return !isNull
				}
				return isNull
			}
			list = []any{right}
		}
		checkNull := false
		in := false
		for _, x := range list {
			if x == nil || x == false {
				checkNull = true
				continue
			}
			if !isNull && equalValues(v, x) {
				in = true
			}
		}
		if op == "in" {
			return in || (checkNull && isNull)
		}
		if isNull {
			return !checkNull
		}
		return !in
	case "like", "ilike", "not like", "not ilike", "=like", "=ilike":
		s := pyStr(right)
		if right == nil || right == false {
			s = ""
		}
		neg := strings.HasPrefix(op, "not ")
		pos := strings.TrimPrefix(op, "not ")
		wild := pos == "like" || pos == "ilike"
		if isNull {
			if wild && s == "" {
				return !neg
			}
			return neg && s != ""
		}
		m := matchString(valueText(v), pos, s)
		if neg {
			return !m
		}
		return m
	case "<", ">", "<=", ">=":
		if isNull || right == nil || right == false && f.typ != "boolean" {
			return false
		}
		c := compareValues(normalizeNum(v), normalizeNum(coerceRight(f, right)))
		switch op {
		case "<":
			return c < 0
		case ">":
			return c > 0
		case "<=":
			return c <= 0
		case ">=":
			return c >= 0
		}
	}
	return false
}

func coerceRight(f *fieldDef, right any) any {
	switch f.typ {
	case "float", "monetary":
		if s, ok := right.(string); ok {
			if x, ok := pyParseFloat(s); ok {
				return x
			}
		}
	case "integer":
		if s, ok := right.(string); ok {
			if x, ok := pyParseInt(s); ok {
				return x
			}
		}
	}
	return right
}

func normalizeNum(v any) any {
	if b, ok := v.(bool); ok {
		if b {
			return 1
		}
		return 0
	}
	return v
}

func valueText(v any) string {
	switch x := v.(type) {
	case string:
		return x
	case float64:
		return pyFloatRepr(x)
	}
	return pyStr(v)
}

func equalValues(a, b any) bool {
	switch x := a.(type) {
	case string:
		switch y := b.(type) {
		case string:
			return x == y
		case pyDateTime:
			return x == string(y)
		}
		return x == pyStr(b)
	case int:
		switch y := b.(type) {
		case int:
			return x == y
		case float64:
			return float64(x) == y
		case string:
			n, ok := pyParseInt(y)
			return ok && n == x
		case bool:
			return (x != 0) == y
		}
	case float64:
		switch y := b.(type) {
		case float64:
			return x == y
		case int:
			return x == float64(y)
		case string:
			f, ok := pyParseFloat(y)
			return ok && f == x
		}
	case bool:
		return x == pyTruthy(b)
	}
	return false
}

var (
	likeMu    sync.Mutex
	likeCache = map[string]*regexp.Regexp{}
)

// matchString implements =, like, ilike, =like, =ilike on text.
func matchString(text, op, pattern string) bool {
	switch op {
	case "=":
		return text == pattern
	case "like":
		return likeMatch(text, "%"+pattern+"%", false)
	case "ilike":
		return likeMatch(text, "%"+pattern+"%", true)
	case "=like":
		return likeMatch(text, pattern, false)
	case "=ilike":
		return likeMatch(text, pattern, true)
	}
	return false
}

// likeMatch implements SQL LIKE with % and _ wildcards and backslash escapes.
func likeMatch(text, pattern string, ci bool) bool {
	key := pattern
	if ci {
		key = "i:" + pattern
	}
	likeMu.Lock()
	re, ok := likeCache[key]
	likeMu.Unlock()
	if !ok {
		var sb strings.Builder
		if ci {
			sb.WriteString("(?is)^")
		} else {
			sb.WriteString("(?s)^")
		}
		rs := []rune(pattern)
		for i := 0; i < len(rs); i++ {
			c := rs[i]
			switch c {
			case '\\':
				if i+1 < len(rs) {
					i++
					sb.WriteString(regexp.QuoteMeta(string(rs[i])))
				}
			case '%':
				sb.WriteString(".*")
			case '_':
				sb.WriteString(".")
			default:
				sb.WriteString(regexp.QuoteMeta(string(c)))
			}
		}
		sb.WriteString("$")
		re = regexp.MustCompile(sb.String())
		likeMu.Lock()
		if len(likeCache) > 1000 {
			likeCache = map[string]*regexp.Regexp{}
		}
		likeCache[key] = re
		likeMu.Unlock()
	}
	return re.MatchString(text)
}
