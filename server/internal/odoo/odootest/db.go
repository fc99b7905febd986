package odootest

import (
	"slices"
	"sort"
	"strconv"
	"strings"
)

// row is one stored record: field name -> internal value.
//
// Internal values: string, float64, int, bool, nil (NULL / False),
// []int (x2many ids). Many2one values are int ids or nil.
type row map[string]any

type table struct {
	rows map[int]row
	seq  int // last id handed out (PostgreSQL sequence: never rolled back)
}

// store is the in-memory database. It is only used under Server.mu.
// Every mutation is journaled so that a call (or a savepoint) can be rolled
// back; sequences are not journaled, like PostgreSQL sequences.
type store struct {
	tables  map[string]*table
	journal []func()
	// valueHints indexes the indexedFields ("model\x00field"): value ->
	// ids that ever had it. Lookups verify the row, so the hints survive
	// rollbacks without bookkeeping.
	valueHints map[string]map[string][]int
}

// indexedFields lists the fields with a value index (lookups verify rows):
// barcode for its uniqueness check, the others so that searching a large
// catalogue by xml id or by record is not a scan of every row.
var indexedFields = map[string][]string{
	"product.product":  {"barcode"},
	"product.template": {"name", "default_code"},
	"ir.model.data":    {"name", "res_id"},
}

// hintKey is an index key for a string or int value; ok is false for any
// other value (and for "" and 0, which are never looked up).
func hintKey(v any) (string, bool) {
	switch x := v.(type) {
	case string:
		return "s" + x, x != ""
	case int:
		return "i" + strconv.Itoa(x), x != 0
	}
	return "", false
}

func newStore() *store {
	return &store{tables: map[string]*table{}, valueHints: map[string]map[string][]int{}}
}

func (s *store) hintValue(model, field string, id int, v any) {
	str, ok := hintKey(v)
	if !ok {
		return
	}
	key := model + "\x00" + field
	m := s.valueHints[key]
	if m == nil {
		m = map[string][]int{}
		s.valueHints[key] = m
	}
	for _, x := range m[str] {
		if x == id {
			return
		}
	}
	m[str] = append(m[str], id)
}

// indexed reports whether field of model has a value index.
func indexed(model, field string) bool { return slices.Contains(indexedFields[model], field) }

// hinted returns every id that ever had value v in an indexed field (a
// superset of the rows that have it now).
func (s *store) hinted(model, field string, v any) []int {
	k, ok := hintKey(v)
	if !ok {
		return nil
	}
	return s.valueHints[model+"\x00"+field][k]
}

// lookupValue returns the ids whose indexed field currently equals v.
func (s *store) lookupValue(model, field, v string) []int {
	var out []int
	for _, id := range s.hinted(model, field, v) {
		if r := s.row(model, id); r != nil && r[field] == v {
			out = append(out, id)
		}
	}
	return out
}

func imdKey(r row) string {
	m, _ := r["module"].(string)
	n, _ := r["name"].(string)
	return m + "." + n
}

// withXMLID returns the ir.model.data ids whose "module.name" is xmlid now.
func (s *store) withXMLID(xmlid string) []int {
	_, name, _ := strings.Cut(xmlid, ".")
	ids := s.hinted("ir.model.data", "name", name)
	if name == "" {
		ids = s.ids("ir.model.data") // empty names are not indexed
	}
	var out []int
	for _, id := range ids {
		if r := s.row("ir.model.data", id); r != nil && imdKey(r) == xmlid {
			out = append(out, id)
		}
	}
	return out
}

// lookupXMLID returns the ir.model.data id of "module.name" (0 if none).
func (s *store) lookupXMLID(xmlid string) int {
	if ids := s.withXMLID(xmlid); len(ids) > 0 {
		return ids[0]
	}
	return 0
}

func (s *store) table(model string) *table {
	t := s.tables[model]
	if t == nil {
		t = &table{rows: map[int]row{}}
		s.tables[model] = t
	}
	return t
}

// nextID consumes one sequence value.
func (s *store) nextID(model string) int {
	t := s.table(model)
	t.seq++
	return t.seq
}

func (s *store) setSeq(model string, last int) { s.table(model).seq = last }

func (s *store) exists(model string, id int) bool {
	t := s.tables[model]
	if t == nil {
		return false
	}
	_, ok := t.rows[id]
	return ok
}

func (s *store) row(model string, id int) row {
	t := s.tables[model]
	if t == nil {
		return nil
	}
	return t.rows[id]
}

// ids returns all ids of a model in ascending order.
func (s *store) ids(model string) []int {
	t := s.tables[model]
	if t == nil {
		return nil
	}
	out := make([]int, 0, len(t.rows))
	for id := range t.rows {
		out = append(out, id)
	}
	sort.Ints(out)
	return out
}

// insert stores a new row under an id obtained from nextID.
func (s *store) insert(model string, id int, r row) {
	t := s.table(model)
	t.rows[id] = r
	for _, f := range indexedFields[model] {
		s.hintValue(model, f, id, r[f])
	}
	s.journal = append(s.journal, func() { delete(t.rows, id) })
}

func (s *store) set(model string, id int, field string, v any) {
	t := s.table(model)
	r := t.rows[id]
	if r == nil {
		return
	}
	old, had := r[field]
	r[field] = v
	if indexed(model, field) {
		s.hintValue(model, field, id, v)
	}
	s.journal = append(s.journal, func() {
		if rr := t.rows[id]; rr != nil {
			if had {
				rr[field] = old
			} else {
				delete(rr, field)
			}
		}
	})
}

func (s *store) delete(model string, id int) {
	t := s.table(model)
	r, ok := t.rows[id]
	if !ok {
		return
	}
	delete(t.rows, id)
	s.journal = append(s.journal, func() { t.rows[id] = r })
}

// savepoint returns a mark for rollbackTo.
func (s *store) savepoint() int { return len(s.journal) }

func (s *store) rollbackTo(sp int) {
	for i := len(s.journal) - 1; i >= sp; i-- {
		s.journal[i]()
	}
	s.journal = s.journal[:sp]
}

func (s *store) commit() { s.journal = s.journal[:0] }
