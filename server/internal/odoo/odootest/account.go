package odootest

import "strings"

// The Invoicing (account) app's part of products (Options.Account): the
// account.tax model, the companies' default taxes, and the products'
// customer/vendor tax fields, which default to them on create.

func addAccountModels(s *schema, pt, pp *modelDef) {
	sale, purchase := "Customer Taxes", "Vendor Taxes"
	if s.major >= 18 {
		sale, purchase = "Sales Taxes", "Purchase Taxes"
	}
	for _, m := range []*modelDef{pt, pp} {
		for _, f := range []*fieldDef{
			fd("taxes_id", "many2many", sale, "S", "rel=account.tax"),
			fd("supplier_taxes_id", "many2many", purchase, "S", "rel=account.tax"),
		} {
			f.inherited = m == pp
			f.buildDesc()
			m.add(f)
		}
	}
	tx := &modelDef{name: "account.tax", description: "Tax", order: "sequence,id", recName: "name", hasActive: true}
	tx.add(fd("name", "char", "Tax Name", "R", "S", "T"))
	tx.add(fd("type_tax_use", "selection", "Tax Type", "R", "S").sel("sale", "Sales", "purchase", "Purchases", "none", "None"))
	tx.add(fd("amount_type", "selection", "Tax Computation", "R", "S").sel(
		"group", "Group of Taxes", "fixed", "Fixed", "percent", "Percentage of Price", "division", "Percentage of Price Tax Included"))
	tx.add(fd("amount", "float", "Amount", "R", "S"))
	tx.add(fd("company_id", "many2one", "Company", "R", "S", "rel=res.company"))
	tx.add(fd("active", "boolean", "Active", "S"))
	tx.add(fd("sequence", "integer", "Sequence", "R", "S"))
	tx.add(fd("price_include", "boolean", "Included in Price", "S"))
	logAccessFields(tx)
	s.models[tx.name] = finish(tx)
	co := s.models["res.company"]
	co.add(fd("account_sale_tax_id", "many2one", "Default Sale Tax", "S", "rel=account.tax"))
	co.add(fd("account_purchase_tax_id", "many2one", "Default Purchase Tax", "S", "rel=account.tax"))
}

// seedTaxes gives the company the taxes a fresh database with the generic
// chart of accounts has (a 15% sale and a 15% purchase tax, its defaults),
// and an archived 10% sale tax, which a search without active_test skips.
func (s *Server) seedTaxes(put func(string, int, row), xmlid func(string, string, string, int)) {
	for _, t := range []struct {
		id     int
		xml    string
		name   string
		use    string
		amount float64
		active bool
	}{
		{1, "1_sale_tax_template", "15%", "sale", 15, true},
		{2, "1_purchase_tax_template", "15%", "purchase", 15, true},
		{3, "1_sale_tax_archived", "10%", "sale", 10, false},
	} {
		put("account.tax", t.id, row{"name": t.name, "type_tax_use": t.use, "amount_type": "percent", "amount": t.amount,
			"company_id": 1, "active": t.active, "sequence": 1, "price_include": false})
		xmlid("account", t.xml, "account.tax", t.id)
	}
	s.db.set("res.company", 1, "account_sale_tax_id", 1)
	s.db.set("res.company", 1, "account_purchase_tax_id", 2)
}

// SetCompanyTaxDefaults points the company's default sale and purchase taxes
// elsewhere (0: none), as a user may in Odoo's settings.
func (s *Server) SetCompanyTaxDefaults(sale, purchase int) {
	s.mu.Lock()
	defer s.mu.Unlock()
	set := func(f string, id int) {
		if id == 0 {
			s.db.set("res.company", 1, f, nil)
		} else {
			s.db.set("res.company", 1, f, id)
		}
	}
	set("account_sale_tax_id", sale)
	set("account_purchase_tax_id", purchase)
}

// AddTax adds an active percentage tax to the company and returns its id.
func (s *Server) AddTax(name, use string, amount float64) int {
	s.mu.Lock()
	defer s.mu.Unlock()
	id := s.db.nextID("account.tax")
	s.db.insert("account.tax", id, row{"name": name, "type_tax_use": use, "amount_type": "percent", "amount": amount,
		"company_id": 1, "active": true, "sequence": 1, "price_include": false,
		"create_uid": 1, "create_date": nowString(), "write_uid": 1, "write_date": nowString()})
	return id
}

// accountDefaults is product.template's _default_taxes/_default_supplier_taxes:
// the company's default taxes on a product created without them.
func accountDefaults(e *env, vals *pyDict) {
	co := e.st.row("res.company", 1)
	for field, def := range map[string]string{"taxes_id": "account_sale_tax_id", "supplier_taxes_id": "account_purchase_tax_id"} {
		ids := []any{}
		if id, ok := co[def].(int); ok && id != 0 {
			ids = append(ids, id)
		}
		vals.SetDefault(field, []any{[]any{6, 0, ids}})
	}
}

// importMany2many is ir.fields.converter._str_to_many2many: the cell holds
// comma-separated references (database ids in a "field/.id" column), each
// looked up as db_id_for does, and the field's whole set is replaced
// (Command.set): load() never merges into the existing set.
func (e *env) importMany2many(f *fieldDef, recs []*pyDict) (any, []*importErr, *importErr) {
	rec := recs[0]
	if rec.Len() > 1 {
		return nil, nil, &importErr{msg: "Ambiguous specification for field '%(field)s', only provide one of name, external id or database id"}
	}
	subfield := rec.Keys()[0]
	var ids []any
	var warns []*importErr
	for _, ref := range strings.Split(pyStr(rec.Val(subfield)), ",") {
		id, ws, err := e.dbIDFor(f, subfield, ref)
		if err != nil {
			return nil, nil, err
		}
		warns = append(warns, ws...)
		if id != 0 {
			ids = append(ids, id)
		}
	}
	if ids == nil {
		ids = []any{}
	}
	return []any{[]any{6, 0, ids}}, warns, nil
}
