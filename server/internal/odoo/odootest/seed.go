package odootest

// seed creates the records of a fresh database with only the product module
// (no demo data), with the ids the recordings show.
func (s *Server) seed() {
	st := s.db
	now := nowString()
	meta := func(r row) row {
		r["create_uid"] = 1
		r["create_date"] = now
		r["write_uid"] = 1
		r["write_date"] = now
		return r
	}
	imd := 0
	xmlid := func(module, name, model string, res int) {
		imd++
		st.insert("ir.model.data", imd, meta(row{"module": module, "name": name, "model": model, "res_id": res, "noupdate": true}))
	}
	put := func(model string, id int, r row) {
		st.insert(model, id, meta(r))
		if st.table(model).seq < id {
			st.setSeq(model, id)
		}
	}

	put("res.currency", 1, row{"name": "USD", "symbol": "$", "active": true})
	xmlid("base", "USD", "res.currency", 1)
	put("res.partner", 1, row{"name": "My Company", "company_id": 1, "active": true, "email": nil})
	xmlid("base", "main_partner", "res.partner", 1)
	put("res.partner", 2, row{"name": "OdooBot", "company_id": nil, "active": false, "email": "odoobot@example.com"})
	xmlid("base", "partner_root", "res.partner", 2)
	put("res.partner", 3, row{"name": "Administrator", "company_id": 1, "active": true, "email": nil})
	xmlid("base", "partner_admin", "res.partner", 3)
	put("res.partner", 4, row{"name": "Default User Template", "company_id": 1, "active": false, "email": nil})
	put("res.partner", 5, row{"name": "Public user", "company_id": 1, "active": false, "email": nil})
	xmlid("base", "public_partner", "res.partner", 5)
	put("res.company", 1, row{"name": "My Company", "partner_id": 1, "currency_id": 1, "active": true, "sequence": 10})
	xmlid("base", "main_company", "res.company", 1)

	if s.opts.Account {
		s.seedTaxes(put, xmlid)
	}
	put("res.users", 1, row{"login": "__system__", "partner_id": 2, "company_id": 1, "active": false})
	xmlid("base", "user_root", "res.users", 1)
	put("res.users", 2, row{"login": s.opts.Login, "partner_id": 3, "company_id": 1, "active": true, "__password": s.opts.Password})
	xmlid("base", "user_admin", "res.users", 2)
	put("res.users", 3, row{"login": "default", "partner_id": 4, "company_id": 1, "active": false})
	xmlid("base", "default_user", "res.users", 3)
	put("res.users", 4, row{"login": "public", "partner_id": 5, "company_id": 1, "active": false})
	xmlid("base", "public_user", "res.users", 4)

	cats := []struct{ xml, name string }{
		{"product_uom_categ_unit", "Unit"},
		{"product_uom_categ_kgm", "Weight"},
		{"uom_categ_wtime", "Working Time"},
		{"uom_categ_length", "Length / Distance"},
		{"uom_categ_surface", "Surface"},
		{"product_uom_categ_vol", "Volume"},
	}
	for i, c := range cats {
		put("uom.category", i+1, row{"name": c.name})
		xmlid("uom", c.xml, "uom.category", i+1)
	}
	// factor given directly, or factor_inv for "bigger" units (factor = 1/factor_inv)
	units := []struct {
		xml, name string
		cat       int
		typ       string
		factor    float64
		inv       float64
	}{
		{"product_uom_unit", "Units", 1, "reference", 1, 0},
		{"product_uom_dozen", "Dozens", 1, "bigger", 0, 12},
		{"product_uom_day", "Days", 3, "reference", 1, 0},
		{"product_uom_hour", "Hours", 3, "smaller", 8, 0},
		{"product_uom_meter", "m", 4, "reference", 1, 0},
		{"product_uom_millimeter", "mm", 4, "smaller", 1000, 0},
		{"product_uom_km", "km", 4, "bigger", 0, 1000},
		{"product_uom_cm", "cm", 4, "smaller", 100, 0},
		{"uom_square_meter", "m²", 5, "reference", 1, 0},
		{"product_uom_litre", "L", 6, "reference", 1, 0},
		{"product_uom_cubic_meter", "m³", 6, "bigger", 0, 1000},
		{"product_uom_kgm", "kg", 2, "reference", 1, 0},
		{"product_uom_gram", "g", 2, "smaller", 1000, 0},
		{"product_uom_ton", "t", 2, "bigger", 0, 1000},
		{"product_uom_lb", "lb", 2, "smaller", 2.20462, 0},
		{"product_uom_oz", "oz", 2, "smaller", 35.274, 0},
		{"product_uom_inch", "in", 4, "smaller", 39.3701, 0},
		{"product_uom_foot", "ft", 4, "smaller", 3.28084, 0},
		{"product_uom_yard", "yd", 4, "smaller", 1.09361, 0},
		{"product_uom_mile", "mi", 4, "bigger", 0, 1609.34},
		{"uom_square_foot", "ft²", 5, "smaller", 10.76391, 0},
		{"product_uom_floz", "fl oz (US)", 6, "smaller", 33.814, 0},
		{"product_uom_qt", "qt (US)", 6, "smaller", 1.05669, 0},
		{"product_uom_gal", "gal (US)", 6, "bigger", 0, 3.78541},
		{"product_uom_cubic_inch", "in³", 6, "smaller", 61.0237, 0},
		{"product_uom_cubic_foot", "ft³", 6, "bigger", 0, 28.3168},
	}
	for i, u := range units {
		f := u.factor
		if u.inv != 0 {
			f = 1 / u.inv
		}
		put("uom.uom", i+1, row{
			"name": u.name, "category_id": u.cat, "factor": f, "factor_inv": 1 / f,
			"rounding": 0.01, "active": true, "uom_type": u.typ,
		})
		xmlid("uom", u.xml, "uom.uom", i+1)
	}

	put("product.category", 1, row{"name": "All", "parent_id": nil})
	xmlid("product", "product_category_all", "product.category", 1)
	put("product.category", 2, row{"name": "Saleable", "parent_id": 1})
	xmlid("product", "product_category_1", "product.category", 2)
	put("product.category", 3, row{"name": "Expenses", "parent_id": 1})
	xmlid("product", "cat_expense", "product.category", 3)

	// the fresh 17.0 database of the recordings had 11037 xml ids
	st.setSeq("ir.model.data", 11037)
	st.commit()
}
