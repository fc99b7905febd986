package odootest

import (
	"fmt"
	"sort"
	"strings"
)

// Product is a snapshot of a product.template record.
type Product struct {
	ID                                                     int
	Name, DefaultCode, Type, DetailedType, DescriptionSale string
	Description                                            string
	ListPrice, StandardPrice                               float64
	UomID, UomPoID, CategID                                int
	Active, SaleOK, PurchaseOK, IsStorable                 bool
	Image1920                                              string   // base64, "" if none
	XMLIDs                                                 []string // "module.name" pointing at it
	Values                                                 map[string]any
}

// Products returns the product.template records in id order.
func (s *Server) Products(includeArchived bool) []Product {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := s.adminEnv()
	var out []Product
	for _, id := range s.db.ids("product.template") {
		p := s.productLocked(e, id)
		if !includeArchived && !p.Active {
			continue
		}
		out = append(out, p)
	}
	return out
}

// Product returns one product.template record.
func (s *Server) Product(id int) (Product, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if !s.db.exists("product.template", id) {
		return Product{}, false
	}
	return s.productLocked(s.adminEnv(), id), true
}

func (s *Server) adminEnv() *env {
	return &env{s: s, st: s.db, sch: s.sch, uid: 2, ctx: pd("active_test", false), now: nowString()}
}

func str(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return ""
}

func num(v any) float64 {
	switch x := v.(type) {
	case float64:
		return x
	case int:
		return float64(x)
	}
	return 0
}

func idOf(v any) int {
	i, _ := v.(int)
	return i
}

func (s *Server) productLocked(e *env, id int) Product {
	val := func(f string) any {
		if e.model("product.template").field(f) == nil {
			return nil
		}
		return e.value("product.template", id, f)
	}
	p := Product{
		ID:              id,
		Name:            str(val("name")),
		DefaultCode:     str(val("default_code")),
		Type:            str(val("type")),
		DetailedType:    str(val("detailed_type")),
		DescriptionSale: str(val("description_sale")),
		Description:     str(val("description")),
		ListPrice:       num(val("list_price")),
		StandardPrice:   num(val("standard_price")),
		UomID:           idOf(val("uom_id")),
		UomPoID:         idOf(val("uom_po_id")),
		CategID:         idOf(val("categ_id")),
		Active:          pyTruthy(val("active")),
		SaleOK:          pyTruthy(val("sale_ok")),
		PurchaseOK:      pyTruthy(val("purchase_ok")),
		IsStorable:      pyTruthy(val("is_storable")),
		Image1920:       str(val("image_1920")),
		Values:          map[string]any{},
	}
	if s.sch.major < 18 && s.sch.stock {
		p.IsStorable = p.DetailedType == "product"
	}
	for _, f := range e.model("product.template").fields {
		if !f.stored || f.image > 0 && f.image < 1920 {
			continue // the smaller picture sizes are computed only when read over XML-RPC
		}
		v := e.value("product.template", id, f.name)
		if ids, ok := v.([]int); ok {
			v = append([]int{}, ids...)
		}
		p.Values[f.name] = v
	}
	for _, k := range []string{"create_date", "write_date", "create_uid", "write_uid"} {
		p.Values[k] = e.value("product.template", id, k)
	}
	for _, d := range s.db.ids("ir.model.data") {
		r := s.db.row("ir.model.data", d)
		if r["model"] == "product.template" && r["res_id"] == id {
			p.XMLIDs = append(p.XMLIDs, imdKey(r))
		}
	}
	sort.Strings(p.XMLIDs)
	return p
}

// CreateProduct seeds a product as an Odoo user would create it (no xml id).
// vals use XML-RPC style values (string, int, float64, bool, nil, []any,
// map[string]any). It panics when Odoo would refuse the values.
func (s *Server) CreateProduct(vals map[string]any) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &env{s: s, st: s.db, sch: s.sch, uid: 2, ctx: newPyDict(), now: nowString()}
	sp := s.db.savepoint()
	ids, err := e.create("product.template", []*pyDict{dictFromMap(vals)})
	if err != nil {
		s.db.rollbackTo(sp)
		panic(fmt.Sprintf("odootest: CreateProduct: %s", lastLine(err.faultString())))
	}
	s.db.commit()
	return ids[0]
}

// UpdateProduct writes values on a product.template as an Odoo user would.
// It panics when Odoo would refuse the values.
func (s *Server) UpdateProduct(id int, vals map[string]any) {
	s.mu.Lock()
	defer s.mu.Unlock()
	e := &env{s: s, st: s.db, sch: s.sch, uid: 2, ctx: pd("active_test", false), now: nowString()}
	sp := s.db.savepoint()
	if err := e.write("product.template", []int{id}, dictFromMap(vals)); err != nil {
		s.db.rollbackTo(sp)
		panic(fmt.Sprintf("odootest: UpdateProduct: %s", lastLine(err.faultString())))
	}
	s.db.commit()
}

func lastLine(s string) string {
	s = strings.TrimRight(s, "\n")
	if i := strings.LastIndex(s, "\n"); i >= 0 && strings.HasPrefix(s, "Traceback") {
		return s[i+1:]
	}
	return s
}

// dictFromMap converts Go values to decoded XML-RPC values (map keys sorted).
func dictFromMap(m map[string]any) *pyDict {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	d := newPyDict()
	for _, k := range keys {
		d.Set(k, fromGo(m[k]))
	}
	return d
}

func fromGo(v any) any {
	switch x := v.(type) {
	case map[string]any:
		return dictFromMap(x)
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = fromGo(e)
		}
		return out
	case []int:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case []string:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = e
		}
		return out
	case int64:
		return int(x)
	case int32:
		return int(x)
	case float32:
		return float64(x)
	case []byte:
		return pyBinary(x)
	}
	return v
}
