package odootest

import (
	"fmt"
	"regexp"
	"strings"
)

// Domains are emulated as far as zohosync's client and the recordings use
// them: a conjunction of leaves (field, operator, value) with =, !=, in,
// not in and =like, on a field of the model itself. Anything else answers a
// fault naming what the double does not emulate, so a client that starts
// relying on more fails loudly instead of getting a wrong answer.
type leaf struct {
	left  string
	op    string
	right any
}

var termOperators = map[string]bool{"=": true, "!=": true, "in": true, "not in": true, "=like": true}

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

// normalizeDomain checks a domain and returns its leaves (all and-ed).
func (e *env) normalizeDomain(model string, domain []any) ([]any, *odooError) {
	out := make([]any, 0, len(domain))
	for _, t := range domain {
		x, ok := t.([]any)
		if !ok {
			return nil, domainError(fmt.Sprintf("odootest does not emulate domain term %s (only and-ed leaves)", pyRepr(t)))
		}
		l, err := e.makeLeaf(model, x)
		if err != nil {
			return nil, err
		}
		out = append(out, l)
	}
	return out, nil
}

func (e *env) makeLeaf(model string, x []any) (*leaf, *odooError) {
	if len(x) != 3 {
		return nil, domainError(fmt.Sprintf("Invalid leaf %s", pyRepr(x)))
	}
	left, ok1 := x[0].(string)
	op, ok2 := x[1].(string)
	if !ok1 || !ok2 || left == "" {
		return nil, domainError(fmt.Sprintf("Invalid leaf %s", pyRepr(pyTuple(x))))
	}
	op = strings.ToLower(op)
	if !termOperators[op] {
		return nil, domainError(fmt.Sprintf("odootest does not emulate the domain operator %q in leaf %s", op, pyRepr(pyTuple(x))))
	}
	if e.model(model).field(left) == nil {
		return nil, domainError(fmt.Sprintf("Invalid field %s.%s in leaf %s", model, left, pyRepr(pyTuple(x))))
	}
	return &leaf{left: left, op: op, right: x[2]}, nil
}

func domainMentions(dom []any, field string) bool {
	for _, t := range dom {
		if l, ok := t.(*leaf); ok && l.left == field {
			return true
		}
	}
	return false
}

// evalDomain evaluates a normalized domain on one record.
func (e *env) evalDomain(model string, id int, dom []any) (bool, *odooError) {
	for _, t := range dom {
		if !e.evalLeaf(model, id, t.(*leaf)) {
			return false, nil
		}
	}
	return true, nil
}

func (e *env) evalLeaf(model string, id int, l *leaf) bool {
	f := e.model(model).field(l.left)
	v := e.value(model, id, l.left)
	switch f.typ {
	case "many2one", "one2many", "many2many":
		return evalRelational(l.op, l.right, v)
	case "boolean":
		bv := pyTruthy(v)
		switch l.op {
		case "=", "!=":
			if rb, ok := l.right.(bool); ok {
				return (bv == rb) == (l.op == "=")
			}
		case "in", "not in":
			list, _ := l.right.([]any)
			in := false
			for _, x := range list {
				if pyTruthy(x) == bv && (x == true || x == false || x == nil) {
					in = true
				}
				if xi, ok := x.(int); ok && (xi != 0) == bv {
					in = true
				}
			}
			return in == (l.op == "in")
		}
	}
	return compareLeaf(f, l.op, l.right, v)
}

// evalRelational compares a relational value (an id, ids or 0) with ids or False.
func evalRelational(op string, right, v any) bool {
	var cur []int
	switch t := v.(type) {
	case int:
		if t != 0 {
			cur = []int{t}
		}
	case []int:
		cur = t
	}
	list, isList := right.([]any)
	if !isList {
		list = []any{right}
	}
	in := false
	for _, x := range list {
		if x == nil || x == false {
			in = in || len(cur) == 0
			continue
		}
		rid, _ := toInt(x)
		for _, c := range cur {
			in = in || c == rid
		}
	}
	if op == "=" || op == "in" {
		return in
	}
	return !in
}

// compareLeaf evaluates a scalar leaf like the SQL Odoo generates.
func compareLeaf(f *fieldDef, op string, right, v any) bool {
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
		return !isNull && equalValues(v, right)
	case "!=":
		if right == nil || right == false {
			return !isNull
		}
		return isNull || !equalValues(v, right) // negative operators also match NULL
	case "in", "not in":
		list, ok := right.([]any)
		if !ok {
			list = []any{right}
		}
		checkNull, in := false, false
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
	case "=like":
		s := pyStr(right)
		if right == nil || right == false {
			s = ""
		}
		return !isNull && likeMatch(valueText(v), s)
	}
	return false
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

// likeMatch implements SQL LIKE (case-sensitive) with % and _ wildcards and backslash escapes.
func likeMatch(text, pattern string) bool {
	var sb strings.Builder
	sb.WriteString("(?s)^")
	rs := []rune(pattern)
	for i := 0; i < len(rs); i++ {
		switch c := rs[i]; c {
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
	return regexp.MustCompile(sb.String()).MatchString(text)
}
