package mapping_test

import (
	"maps"
	"reflect"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
)

// Odoo's taxes of two companies (1 is the user's), as Taxes reads them.
var odooTaxes = []odoo.Tax{
	{ID: 1, Name: "15%", Use: odoo.TaxSale, Amount: 15, CompanyID: 1},
	{ID: 2, Name: "15%", Use: odoo.TaxPurchase, Amount: 15, CompanyID: 1},
	{ID: 7, Name: "VAT 20", Use: odoo.TaxSale, Amount: 20, CompanyID: 1},
	{ID: 5, Name: "Standard 20", Use: odoo.TaxSale, Amount: 20, CompanyID: 1},
	{ID: 9, Name: "Other company 12", Use: odoo.TaxSale, Amount: 12, CompanyID: 2},
	{ID: 11, Name: "0% Exempt", Use: odoo.TaxSale, Amount: 0, CompanyID: 1},
	{ID: 12, Name: "Reduced", Use: odoo.TaxPurchase, Amount: 7.5, CompanyID: 1},
}

func TestMatchTax(t *testing.T) {
	cases := []struct {
		name    string
		use     string
		company int64
		rate    float64
		zname   string
		want    int64 // 0: no match
	}{
		{"rate and use", odoo.TaxSale, 1, 15, "GST", 1},
		{"purchase use", odoo.TaxPurchase, 1, 15, "", 2},
		{"use matters", odoo.TaxPurchase, 1, 20, "VAT 20", 0},
		{"tie: the name wins", odoo.TaxSale, 1, 20, "vat 20", 7},
		{"tie: otherwise the lowest id", odoo.TaxSale, 1, 20, "VAT", 5},
		{"company matters", odoo.TaxSale, 1, 12, "Other company 12", 0},
		{"the other company's", odoo.TaxSale, 2, 12, "", 9},
		{"0% is a rate", odoo.TaxSale, 1, 0, "Zero Rated", 11},
		{"decimals", odoo.TaxPurchase, 1, 7.5, "", 12},
		{"unmatched rate", odoo.TaxSale, 1, 18, "GST18", 0},
		{"close is not equal", odoo.TaxSale, 1, 15.01, "", 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, ok := mapping.MatchTax(odooTaxes, c.use, c.company, c.rate, c.zname)
			if ok != (c.want != 0) || got.ID != c.want {
				t.Errorf("MatchTax = %d (%v), want %d", got.ID, ok, c.want)
			}
		})
	}
	// the order Odoo answers in does not change the choice
	rev := append([]odoo.Tax(nil), odooTaxes...)
	for i, j := 0, len(rev)-1; i < j; i, j = i+1, j-1 {
		rev[i], rev[j] = rev[j], rev[i]
	}
	if got, _ := mapping.MatchTax(rev, odoo.TaxSale, 1, 20, "VAT"); got.ID != 5 {
		t.Errorf("reversed order chose %d, want 5", got.ID)
	}
}

var fieldsAccount = func() map[string]odoo.Field {
	f := maps.Clone(fields17)
	f["taxes_id"] = odoo.Field{Name: "taxes_id", Type: "many2many", Relation: "account.tax"}
	f["supplier_taxes_id"] = odoo.Field{Name: "supplier_taxes_id", Type: "many2many", Relation: "account.tax"}
	return f
}()

func taxMapper(t *testing.T, opts config.TaxOptions) *mapping.Mapper {
	t.Helper()
	m := config.DefaultMapping()
	m.Options.Taxes = opts
	mp, err := mapping.New(m, fieldsAccount, odoo.DialectFor(odoo.Version{Major: 17}, fieldsAccount), units, nil)
	if err != nil {
		t.Fatal(err)
	}
	mp.UseTaxes(opts, 1, odooTaxes)
	return mp
}

func TestMapTaxes(t *testing.T) {
	on := config.TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"}
	fromSales := on
	fromSales.PurchaseFromSales = true
	saleOnly := on
	saleOnly.PurchaseField = ""
	none := odoo.TaxIDs{}
	cases := []struct {
		name       string
		opts       config.TaxOptions
		item       string
		values     map[string]any // tax fields kept in step
		createOnly map[string]any
		matched    int
		unmatched  int
		warn       string
	}{
		{"sales and purchase matched", on,
			`{"tax_id": "4815000000044043", "tax_name": "GST", "tax_percentage": 15, "purchase_tax_id": "1", "purchase_tax_name": "GST", "purchase_tax_percentage": 15, "is_taxable": true}`,
			map[string]any{"taxes_id": odoo.TaxIDs{1}, "supplier_taxes_id": odoo.TaxIDs{2}}, nil, 2, 0, ""},
		{"not taxable: empty sets", on,
			`{"tax_id": "", "tax_name": "", "tax_percentage": 0, "is_taxable": false}`,
			map[string]any{"taxes_id": none, "supplier_taxes_id": none}, nil, 0, 0, ""},
		{"not taxable as a number (item groups)", on,
			`{"tax_name": "GST", "tax_percentage": 15, "is_taxable": 0}`,
			map[string]any{"taxes_id": none, "supplier_taxes_id": none}, nil, 0, 0, ""},
		{"no tax named: left to Odoo", on,
			`{"tax_id": "", "tax_name": "", "tax_percentage": 0, "is_taxable": true}`, nil, nil, 0, 0, ""},
		{"unmatched: a warning, none on create", on,
			`{"tax_id": "3215000000012007", "tax_name": "GST18", "tax_percentage": 18}`,
			nil, map[string]any{"taxes_id": none}, 0, 1, `Zoho sales tax 18% ("GST18") has no active sale tax`},
		{"0% named tax", on, `{"tax_name": "Zero Rated", "tax_percentage": 0, "tax_id": "9"}`,
			map[string]any{"taxes_id": odoo.TaxIDs{11}}, nil, 1, 0, ""},
		{"percentage as a string with %", on, `{"tax_name": "Sales Tax", "tax_percentage": "20%", "tax_id": "1"}`,
			map[string]any{"taxes_id": odoo.TaxIDs{5}}, nil, 1, 0, ""},
		{"purchase from sales", fromSales, `{"tax_name": "GST", "tax_percentage": 15, "tax_id": "1"}`,
			map[string]any{"taxes_id": odoo.TaxIDs{1}, "supplier_taxes_id": odoo.TaxIDs{2}}, nil, 2, 0, ""},
		{"purchase from sales, unmatched purchase", fromSales, `{"tax_name": "VAT", "tax_percentage": 20, "tax_id": "1"}`,
			map[string]any{"taxes_id": odoo.TaxIDs{5}}, map[string]any{"supplier_taxes_id": none}, 1, 1, "Zoho sales tax (for purchases) 20%"},
		{"sale side only", saleOnly, `{"tax_name": "GST", "tax_percentage": 15, "purchase_tax_percentage": 15, "is_taxable": false}`,
			map[string]any{"taxes_id": none}, nil, 0, 0, ""},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			mp := taxMapper(t, c.opts)
			p, ws, err := mp.Map(item(t, `{"item_id": "1", "name": "Pen", "rate": 1, `+strings.TrimPrefix(c.item, "{")))
			if err != nil {
				t.Fatal(err)
			}
			got := map[string]any{}
			for _, f := range []string{"taxes_id", "supplier_taxes_id"} {
				if v, ok := p.Values[f]; ok {
					got[f] = v
				}
			}
			if len(got) == 0 {
				got = nil
			}
			if !reflect.DeepEqual(got, c.values) {
				t.Errorf("values %v, want %v", got, c.values)
			}
			gotCO := map[string]any{}
			for _, f := range []string{"taxes_id", "supplier_taxes_id"} {
				if v, ok := p.CreateOnly[f]; ok {
					gotCO[f] = v
				}
			}
			if len(gotCO) == 0 {
				gotCO = nil
			}
			if !reflect.DeepEqual(gotCO, c.createOnly) {
				t.Errorf("create-only %v, want %v", gotCO, c.createOnly)
			}
			if p.TaxesMatched != c.matched || p.TaxesUnmatched != c.unmatched {
				t.Errorf("matched %d unmatched %d, want %d %d", p.TaxesMatched, p.TaxesUnmatched, c.matched, c.unmatched)
			}
			var msgs []string
			for _, w := range ws {
				if w.Code == zv1.WarningCode_WARNING_CODE_TAX_UNMATCHED {
					msgs = append(msgs, w.Message)
				}
			}
			if c.warn == "" && len(msgs) > 0 || c.warn != "" && (len(msgs) != 1 || !strings.Contains(msgs[0], c.warn)) {
				t.Errorf("warnings %q, want one containing %q", msgs, c.warn)
			}
		})
	}
}

func TestMapTaxesBadRateIsTheItemsError(t *testing.T) {
	mp := taxMapper(t, config.TaxOptions{Enabled: true, SaleField: "taxes_id"})
	_, _, err := mp.Map(item(t, `{"item_id": "1", "name": "Pen", "tax_name": "GST", "tax_percentage": "abc"}`))
	if err == nil || !strings.Contains(err.Error(), "tax_percentage is not a number") {
		t.Fatalf("err %v", err)
	}
}

func TestTaxFieldsAgainstFieldsGet(t *testing.T) {
	on := config.TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"}
	off := on
	off.Enabled = false
	wrong := on
	wrong.SaleField = "product_tag_ids"
	missing := on
	missing.PurchaseField = "purchase_taxes"
	cases := []struct {
		name   string
		opts   config.TaxOptions
		fields map[string]odoo.Field
		want   []string
		warn   bool
		err    string
	}{
		{"account installed", on, fieldsAccount, []string{"taxes_id", "supplier_taxes_id"}, false, ""},
		{"no account app: one warning", on, fields17, nil, true, ""},
		{"off", off, fields17, nil, false, ""},
		{"not a tax field", wrong, fieldsAccount, nil, false, `options.taxes.sale_field names Odoo field "product_tag_ids", a many2many field, not taxes`},
		{"unknown field", missing, fieldsAccount, nil, false, `options.taxes.purchase_field names Odoo field "purchase_taxes", which product.template does not have`},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			got, w, err := mapping.TaxFields(c.opts, c.fields)
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("err %v, want %q", err, c.err)
				}
				return
			}
			if err != nil {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(got, c.want) || (w != nil) != c.warn {
				t.Errorf("fields %v warning %v, want %v %v", got, w, c.want, c.warn)
			}
			if w != nil && w.Code != zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE {
				t.Errorf("warning code %v", w.Code)
			}
		})
	}
}

func TestTaxDiffAndShow(t *testing.T) {
	mp := taxMapper(t, config.TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"})
	want := map[string]any{"taxes_id": odoo.TaxIDs{1}, "supplier_taxes_id": odoo.TaxIDs{}}
	// as read from Odoo: lists of ids; as stored after a write: JSON numbers
	for _, have := range []map[string]any{
		{"taxes_id": []any{int64(1)}, "supplier_taxes_id": []any{}},
		{"taxes_id": []any{float64(1)}, "supplier_taxes_id": []any{}},
	} {
		if cs := mp.Diff(want, have); len(cs) != 0 {
			t.Errorf("Diff(%v) = %v, want none", have, cs)
		}
	}
	cs := mp.Diff(want, map[string]any{"taxes_id": []any{int64(1), int64(5)}, "supplier_taxes_id": []any{int64(2)}})
	if len(cs) != 2 {
		t.Fatalf("changes %v, want both fields", cs)
	}
	if got := mp.Show("taxes_id", []any{int64(1), int64(5)}); got != "15% (15%), Standard 20 (20%)" {
		t.Errorf("Show = %q", got)
	}
	if got := mp.Show("supplier_taxes_id", odoo.TaxIDs{}); got != "none" {
		t.Errorf("Show(empty) = %q", got)
	}
	if got := mp.NormalizeRead("taxes_id", []any{int64(5), int64(1)}); !reflect.DeepEqual(got, odoo.TaxIDs{1, 5}) {
		t.Errorf("NormalizeRead = %#v", got)
	}
	if f := mp.Fields(); !strings.Contains(strings.Join(f, ","), "supplier_taxes_id") || !strings.Contains(strings.Join(f, ","), "taxes_id") {
		t.Errorf("Fields() = %v, want the tax fields read back", f)
	}
}
