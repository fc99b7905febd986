package odootest

import (
	_ "embed"
	"fmt"
	"strings"
)

//go:embed testdata/odoo17-xmlrpc/16-fields-get-product-template.response.xml
var fieldsGetTemplate17 []byte

//go:embed testdata/odoo17-xmlrpc/17-fields-get-product-product.response.xml
var fieldsGetProduct17 []byte

type fieldDef struct {
	name      string
	typ       string // char text html integer float monetary boolean selection many2one one2many many2many binary date datetime properties many2one_reference
	str       string
	required  bool
	readonly  bool
	relation  string
	selection [][2]string
	desc      *pyDict // fields_get attributes, sorted by name
	digits    int     // decimal digits for float rounding (0 = none)
	// stored: a value kept in the row (writable through create/write).
	stored bool
	// variant: on product.template, stored on the single variant instead.
	variant bool
	// inherited: on product.product, delegated to the template.
	inherited bool
	translate bool
	image     int // image field max size (0 = not an image field)
}

type modelDef struct {
	name        string
	description string
	fields      []*fieldDef
	fmap        map[string]*fieldDef
	order       string
	recName     string
	hasActive   bool
	inherits    string // delegated parent model (product.product -> product.template)
}

func (m *modelDef) field(name string) *fieldDef { return m.fmap[name] }

func (m *modelDef) add(f *fieldDef) {
	if m.fmap == nil {
		m.fmap = map[string]*fieldDef{}
	}
	if old, ok := m.fmap[f.name]; ok {
		*old = *f
		return
	}
	m.fields = append(m.fields, f)
	m.fmap[f.name] = f
}

func (m *modelDef) remove(name string) {
	delete(m.fmap, name)
	for i, f := range m.fields {
		if f.name == name {
			m.fields = append(m.fields[:i], m.fields[i+1:]...)
			return
		}
	}
}

func (m *modelDef) insertAfter(after string, f *fieldDef) {
	m.add(f)
	// move f right after `after`
	idx := -1
	for i, x := range m.fields {
		if x.name == f.name {
			idx = i
		}
	}
	m.fields = append(m.fields[:idx], m.fields[idx+1:]...)
	for i, x := range m.fields {
		if x.name == after {
			m.fields = append(m.fields[:i+1], append([]*fieldDef{f}, m.fields[i+1:]...)...)
			return
		}
	}
	m.fields = append(m.fields, f)
}

// buildDesc (re)computes the fields_get description of a field.
func (f *fieldDef) buildDesc() {
	d := newPyDict()
	d.Set("readonly", f.readonly)
	if f.relation != "" {
		d.Set("relation", f.relation)
	}
	d.Set("required", f.required)
	if f.typ == "selection" {
		sel := make([]any, len(f.selection))
		for i, s := range f.selection {
			sel[i] = []any{s[0], s[1]}
		}
		d.Set("selection", sel)
	}
	d.Set("string", f.str)
	d.Set("type", f.typ)
	f.desc = d
}

func fd(name, typ, str string, opts ...string) *fieldDef {
	f := &fieldDef{name: name, typ: typ, str: str}
	for _, o := range opts {
		switch {
		case o == "R":
			f.required = true
		case o == "ro":
			f.readonly = true
		case o == "S":
			f.stored = true
		case o == "T":
			f.translate = true
		case strings.HasPrefix(o, "rel="):
			f.relation = o[4:]
		case strings.HasPrefix(o, "digits="):
			fmt.Sscanf(o[7:], "%d", &f.digits)
		}
	}
	return f
}

func (f *fieldDef) sel(pairs ...string) *fieldDef {
	for i := 0; i+1 < len(pairs); i += 2 {
		f.selection = append(f.selection, [2]string{pairs[i], pairs[i+1]})
	}
	return f
}

func logAccessFields(m *modelDef) {
	m.add(fd("id", "integer", "ID", "ro"))
	m.add(fd("display_name", "char", "Display Name", "ro"))
	m.add(fd("create_uid", "many2one", "Created by", "ro", "rel=res.users"))
	m.add(fd("create_date", "datetime", "Created on", "ro"))
	m.add(fd("write_uid", "many2one", "Last Updated by", "ro", "rel=res.users"))
	m.add(fd("write_date", "datetime", "Last Updated on", "ro"))
}

func finish(m *modelDef) *modelDef {
	for _, f := range m.fields {
		if f.desc == nil {
			f.buildDesc()
		}
	}
	return m
}

// recordedModel builds a model from a recorded fields_get response.
func recordedModel(name string, body []byte) *modelDef {
	v, _, _, isFault, err := parseMethodResponse(body)
	if err != nil || isFault {
		panic(fmt.Sprintf("odootest: cannot parse embedded fields_get of %s: %v", name, err))
	}
	d := v.(*pyDict)
	m := &modelDef{name: name}
	for _, k := range d.Keys() {
		desc := d.Val(k).(*pyDict)
		f := &fieldDef{name: k, desc: desc}
		f.typ, _ = desc.Val("type").(string)
		f.str, _ = desc.Val("string").(string)
		f.required, _ = desc.Val("required").(bool)
		f.readonly, _ = desc.Val("readonly").(bool)
		f.relation, _ = desc.Val("relation").(string)
		if sel, ok := desc.Val("selection").([]any); ok {
			for _, p := range sel {
				pp := p.([]any)
				f.selection = append(f.selection, [2]string{pp[0].(string), pp[1].(string)})
			}
		}
		m.add(f)
	}
	return m
}

// schema holds the model definitions for one emulated Odoo version.
type schema struct {
	version string // "16.0", "17.0", "18.0"
	major   int
	stock   bool
	account bool // the Invoicing (account) app's product fields and taxes (account.go)
	models  map[string]*modelDef
}

// productTemplateStored lists the product.template fields kept in the row.
var productTemplateStored = []string{
	"name", "sequence", "description", "description_purchase", "description_sale",
	"detailed_type", "type", "categ_id", "list_price", "sale_ok", "purchase_ok",
	"uom_id", "uom_po_id", "company_id", "active", "color", "priority", "product_tag_ids",
	"image_1920", "image_1024", "image_512", "image_256", "image_128", "activity_summary",
	"activity_type_id", "is_storable",
}

// fields stored on the variant and mirrored on a single-variant template.
var variantMirrored = []string{"default_code", "barcode", "standard_price", "volume", "weight"}

var productProductOwn = []string{
	"default_code", "barcode", "standard_price", "volume", "weight", "active", "product_tmpl_id",
	"image_variant_1920", "image_variant_1024", "image_variant_512", "image_variant_256", "image_variant_128",
	"product_template_attribute_value_ids", "additional_product_tag_ids", "combination_indices",
}

func newSchema(version string, stock, account bool) *schema {
	s := &schema{version: version, stock: stock, account: account, models: map[string]*modelDef{}}
	fmt.Sscanf(version, "%d", &s.major)

	// ---------------------------------------------------------- product.template
	pt := recordedModel("product.template", fieldsGetTemplate17)
	pt.description = "Product"
	pt.order = "priority desc, name"
	pt.recName = "name"
	pt.hasActive = true
	for _, n := range productTemplateStored {
		if f := pt.field(n); f != nil {
			f.stored = true
		}
	}
	for _, n := range variantMirrored {
		pt.field(n).variant = true
		pt.field(n).stored = true
	}
	pt.field("name").translate = true
	pt.field("description").translate = true
	pt.field("description_sale").translate = true
	pt.field("description_purchase").translate = true
	for _, n := range []string{"list_price", "standard_price", "volume", "weight"} {
		pt.field(n).digits = 2
	}
	for _, sz := range []int{1920, 1024, 512, 256, 128} {
		pt.field(fmt.Sprintf("image_%d", sz)).image = sz
	}

	// ---------------------------------------------------------- product.product
	pp := recordedModel("product.product", fieldsGetProduct17)
	pp.description = "Product Variant"
	pp.order = "priority desc, default_code, name, id"
	pp.recName = "name"
	pp.hasActive = true
	pp.inherits = "product.template"
	own := map[string]bool{}
	for _, n := range productProductOwn {
		own[n] = true
		if f := pp.field(n); f != nil {
			f.stored = true
		}
	}
	for _, f := range pp.fields {
		if !own[f.name] && pt.field(f.name) != nil && pt.field(f.name).stored {
			f.inherited = true
			f.stored = true
		}
	}
	for _, n := range []string{"standard_price", "volume", "weight", "lst_price", "price_extra"} {
		pp.field(n).digits = 2
	}
	for _, sz := range []int{1920, 1024, 512, 256, 128} {
		pp.field(fmt.Sprintf("image_variant_%d", sz)).image = sz
		pp.field(fmt.Sprintf("image_%d", sz)).image = sz
	}
	pp.field("name").translate = true

	for _, m := range []*modelDef{pt, pp} {
		switch {
		case s.major >= 18:
			m.remove("detailed_type")
			t := m.field("type")
			t.str = "Product Type"
			t.required = true
			t.selection = [][2]string{{"consu", "Goods"}, {"service", "Service"}, {"combo", "Combo"}}
			t.buildDesc()
			if stock {
				f := fd("is_storable", "boolean", "Track Inventory")
				f.stored = true
				f.inherited = m == pp
				f.buildDesc()
				m.insertAfter("type", f)
			}
		case stock:
			for _, n := range []string{"detailed_type", "type"} {
				f := m.field(n)
				f.selection = append(f.selection, [2]string{"product", "Storable Product"})
				f.buildDesc()
			}
		}
	}
	s.models[pt.name] = pt
	s.models[pp.name] = pp
	if stock {
		addStockModels(s, pt, pp)
	}

	// ---------------------------------------------------------- uom.category
	uc := &modelDef{name: "uom.category", description: "Product UoM Categories", order: "id", recName: "name"}
	uc.add(fd("name", "char", "Unit of Measure Category", "R", "S", "T"))
	uc.add(fd("uom_ids", "one2many", "Uom", "rel=uom.uom"))
	uc.add(fd("reference_uom_id", "many2one", "Reference UoM", "rel=uom.uom"))
	logAccessFields(uc)
	s.models[uc.name] = finish(uc)

	// ---------------------------------------------------------- uom.uom
	uu := &modelDef{name: "uom.uom", description: "Product Unit of Measure", order: "factor desc, id", recName: "name", hasActive: true}
	uu.add(fd("name", "char", "Unit of Measure", "R", "S", "T"))
	uu.add(fd("category_id", "many2one", "Category", "R", "S", "rel=uom.category"))
	uu.add(fd("factor", "float", "Ratio", "R", "S"))
	uu.add(fd("factor_inv", "float", "Bigger Ratio", "R", "ro", "S"))
	uu.add(fd("rounding", "float", "Rounding Precision", "R", "S"))
	uu.add(fd("active", "boolean", "Active", "S"))
	uu.add(fd("uom_type", "selection", "Type", "R", "S").sel(
		"bigger", "Bigger than the reference Unit of Measure",
		"reference", "Reference Unit of Measure for this category",
		"smaller", "Smaller than the reference Unit of Measure"))
	uu.add(fd("ratio", "float", "Combined Ratio"))
	uu.add(fd("color", "integer", "Color", "ro"))
	logAccessFields(uu)
	s.models[uu.name] = finish(uu)

	// ---------------------------------------------------------- product.category
	pc := &modelDef{name: "product.category", description: "Product Category", order: "complete_name", recName: "complete_name"}
	pc.add(fd("name", "char", "Name", "R", "S"))
	pc.add(fd("complete_name", "char", "Complete Name", "ro"))
	pc.add(fd("parent_id", "many2one", "Parent Category", "S", "rel=product.category"))
	pc.add(fd("parent_path", "char", "Parent Path", "ro"))
	pc.add(fd("child_id", "one2many", "Child Categories", "rel=product.category"))
	pc.add(fd("product_count", "integer", "# Products", "ro"))
	pc.add(fd("product_properties_definition", "properties_definition", "Product Properties"))
	logAccessFields(pc)
	s.models[pc.name] = finish(pc)

	// ---------------------------------------------------------- product.tag
	addAttributeModels(s)

	tg := &modelDef{name: "product.tag", description: "Product Tag", order: "sequence, id", recName: "name"}
	tg.add(fd("name", "char", "Tag Name", "R", "S", "T"))
	tg.add(fd("sequence", "integer", "Sequence", "S"))
	tg.add(fd("color", "char", "Color", "S"))
	logAccessFields(tg)
	s.models[tg.name] = finish(tg)

	// ---------------------------------------------------------- ir.model.data
	imd := &modelDef{name: "ir.model.data", description: "Model Data", order: "module, model, name", recName: "complete_name"}
	imd.add(fd("name", "char", "External Identifier", "R", "S"))
	imd.add(fd("complete_name", "char", "Complete ID", "ro"))
	imd.add(fd("model", "char", "Model Name", "R", "S"))
	imd.add(fd("module", "char", "Module", "R", "S"))
	imd.add(fd("res_id", "many2one_reference", "Record ID", "S"))
	imd.add(fd("noupdate", "boolean", "Non Updatable", "S"))
	imd.add(fd("reference", "char", "Reference", "ro"))
	logAccessFields(imd)
	s.models[imd.name] = finish(imd)

	// ---------------------------------------------------------- base records
	cur := &modelDef{name: "res.currency", description: "Currency", order: "active desc, name", recName: "name", hasActive: true}
	cur.add(fd("name", "char", "Currency", "R", "S"))
	cur.add(fd("symbol", "char", "Symbol", "R", "S"))
	cur.add(fd("active", "boolean", "Active", "S"))
	logAccessFields(cur)
	s.models[cur.name] = finish(cur)

	co := &modelDef{name: "res.company", description: "Companies", order: "sequence, name", recName: "name", hasActive: true}
	co.add(fd("name", "char", "Company Name", "R", "S"))
	co.add(fd("partner_id", "many2one", "Partner", "R", "S", "rel=res.partner"))
	co.add(fd("currency_id", "many2one", "Currency", "R", "S", "rel=res.currency"))
	co.add(fd("active", "boolean", "Active", "S"))
	co.add(fd("sequence", "integer", "Sequence", "S"))
	logAccessFields(co)
	s.models[co.name] = finish(co)

	pa := &modelDef{name: "res.partner", description: "Contact", order: "name, id", recName: "name", hasActive: true}
	pa.add(fd("name", "char", "Name", "S"))
	pa.add(fd("company_id", "many2one", "Company", "S", "rel=res.company"))
	pa.add(fd("email", "char", "Email", "S"))
	pa.add(fd("active", "boolean", "Active", "S"))
	logAccessFields(pa)
	s.models[pa.name] = finish(pa)

	us := &modelDef{name: "res.users", description: "User", order: "name, login", recName: "name", hasActive: true}
	us.add(fd("name", "char", "Name", "ro"))
	us.add(fd("login", "char", "Login", "R", "S"))
	us.add(fd("partner_id", "many2one", "Related Partner", "R", "S", "rel=res.partner"))
	us.add(fd("company_id", "many2one", "Company", "R", "S", "rel=res.company"))
	us.add(fd("company_ids", "many2many", "Companies", "rel=res.company"))
	us.add(fd("active", "boolean", "Active", "S"))
	us.add(fd("lang", "selection", "Language").sel("en_US", "English (US)"))
	us.add(fd("tz", "selection", "Timezone"))
	us.add(fd("email", "char", "Email"))
	us.add(fd("share", "boolean", "Share User", "ro"))
	logAccessFields(us)
	s.models[us.name] = finish(us)

	if account {
		addAccountModels(s, pt, pp)
	}
	for _, m := range s.models {
		finish(m)
	}
	return s
}
