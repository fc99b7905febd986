package mapping

import (
	"fmt"
	"math"
	"slices"
	"strconv"
	"strings"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// rateTolerance: Odoo stores a tax's amount with 4 decimals.
const rateTolerance = 0.00005

// MatchTax finds the Odoo tax for a Zoho tax: same use (sale/purchase), same
// company, same percentage (Taxes reads only active percentage taxes). When
// several match, the one whose name equals Zoho's tax name (ignoring case)
// wins, then the lowest id: the same Odoo tax every run (docs/odoo.md#taxes).
func MatchTax(taxes []odoo.Tax, use string, company int64, rate float64, name string) (odoo.Tax, bool) {
	var best odoo.Tax
	found, bestNamed := false, false
	for _, t := range taxes {
		if t.Use != use || t.CompanyID != company || math.Abs(t.Amount-rate) > rateTolerance {
			continue
		}
		named := name != "" && strings.EqualFold(strings.TrimSpace(t.Name), strings.TrimSpace(name))
		switch {
		case !found, named && !bestNamed, named == bestNamed && t.ID < best.ID:
			best, found, bestNamed = t, true, named
		}
	}
	return best, found
}

// taxSide is one tax field the mapper fills.
type taxSide struct {
	field string // product.template field
	use   string // odoo.TaxSale or odoo.TaxPurchase
}

// taxTable is what the mapper knows of this Odoo's taxes for the run.
type taxTable struct {
	opts    config.TaxOptions
	sides   []taxSide
	company int64
	taxes   []odoo.Tax
	byID    map[int64]odoo.Tax
}

// TaxFields checks options.taxes against product.template's fields_get. Off
// (no fields) when the option is off; off with a warning when this Odoo has no
// account app (no tax fields at all); an error when a named field exists but
// cannot hold taxes, or one side's field is missing while the app is there.
func TaxFields(opts config.TaxOptions, fields map[string]odoo.Field) ([]string, *Warning, error) {
	if !opts.Enabled || opts.SaleField == "" && opts.PurchaseField == "" {
		return nil, nil, nil
	}
	var out []string
	anyTaxField := false
	for _, f := range fields {
		if odoo.TaxFieldOK(f) {
			anyTaxField = true
		}
	}
	if !anyTaxField {
		return nil, &Warning{Code: zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE,
			Message: "taxes are not synced: this Odoo has no Invoicing/Accounting (account) app, so products have no tax fields"}, nil
	}
	for _, s := range []struct{ key, name string }{{"sale_field", opts.SaleField}, {"purchase_field", opts.PurchaseField}} {
		if s.name == "" {
			continue
		}
		f, ok := fields[s.name]
		if !ok {
			return nil, nil, fmt.Errorf("%s: options.taxes.%s names Odoo field %q, which product.template does not have", config.MappingFile, s.key, s.name)
		}
		if !odoo.TaxFieldOK(f) {
			return nil, nil, fmt.Errorf("%s: options.taxes.%s names Odoo field %q, a %s field, not taxes (a many2many to %s)", config.MappingFile, s.key, s.name, f.Type, odoo.TaxModel)
		}
		out = append(out, s.name)
	}
	return out, nil, nil
}

// UseTaxes turns the tax part on for this run with the company's taxes (read
// once, odoo.Client.Taxes). Call it after New and before Map.
func (mp *Mapper) UseTaxes(opts config.TaxOptions, company int64, taxes []odoo.Tax) {
	tt := &taxTable{opts: opts, company: company, taxes: taxes, byID: map[int64]odoo.Tax{}}
	for _, t := range taxes {
		tt.byID[t.ID] = t
	}
	if opts.SaleField != "" {
		tt.sides = append(tt.sides, taxSide{opts.SaleField, odoo.TaxSale})
	}
	if opts.PurchaseField != "" {
		tt.sides = append(tt.sides, taxSide{opts.PurchaseField, odoo.TaxPurchase})
	}
	mp.tax = tt
}

// mapTaxes fills the tax fields of one product (docs/odoo.md#taxes):
//   - is_taxable false: every tax field is an empty set, kept in step (Odoo's
//     default taxes are not applied to a new product);
//   - a tax Zoho names, matched: that tax, kept in step;
//   - a tax Zoho names, unmatched: a warning naming the rate and Zoho's name;
//     the field is not kept in step (a tax set by hand in Odoo stays), and a
//     new product gets an empty set rather than Odoo's default: never a guess;
//   - no tax named: the field is left to Odoo (its company default on create).
func (mp *Mapper) mapTaxes(it zoho.Item, p *Product) ([]Warning, error) {
	tt := mp.tax
	sale, err := it.SalesTax()
	if err != nil {
		return nil, err
	}
	purchase, err := it.PurchaseTax()
	if err != nil {
		return nil, err
	}
	source := map[string]string{odoo.TaxSale: "sales tax", odoo.TaxPurchase: "purchase tax"}
	if !purchase.Named() && tt.opts.PurchaseFromSales {
		purchase = sale
		source[odoo.TaxPurchase] = "sales tax (for purchases)"
	}
	taxable, known := it.Taxable()
	var warns []Warning
	for _, s := range tt.sides {
		zt := sale
		if s.use == odoo.TaxPurchase {
			zt = purchase
		}
		switch {
		case known && !taxable:
			p.Values[s.field] = odoo.TaxIDs{}
		case !zt.Named():
			// left to Odoo
		default:
			t, ok := MatchTax(tt.taxes, s.use, tt.company, zt.Percentage, zt.Name)
			if ok {
				p.Values[s.field] = odoo.TaxIDs{t.ID}
				p.TaxesMatched++
				continue
			}
			p.TaxesUnmatched++
			p.CreateOnly[s.field] = odoo.TaxIDs{}
			name := ""
			if zt.Name != "" {
				name = fmt.Sprintf(" (%q)", zt.Name)
			}
			warns = append(warns, Warning{Code: zv1.WarningCode_WARNING_CODE_TAX_UNMATCHED, Message: fmt.Sprintf(
				"Zoho %s %s%%%s has no active %s tax of that rate in the Odoo company; those products keep their %s (none on new products)",
				source[s.use], strconv.FormatFloat(zt.Percentage, 'f', -1, 64), name, s.use, s.field)})
		}
	}
	return warns, nil
}

// taxFields are the fields the tax part writes (for reading them back).
func (mp *Mapper) taxFields() []string {
	if mp.tax == nil {
		return nil
	}
	out := make([]string, len(mp.tax.sides))
	for i, s := range mp.tax.sides {
		out[i] = s.field
	}
	return out
}

// sameIDs compares many2many values as sets.
func sameIDs(a, b any) bool {
	x, okA := odoo.Many2manyIDs(a)
	y, okB := odoo.Many2manyIDs(b)
	if !okA || !okB {
		return false
	}
	x, y = slices.Clone(x), slices.Clone(y)
	slices.Sort(x)
	slices.Sort(y)
	return slices.Equal(slices.Compact(x), slices.Compact(y))
}

// showIDs renders taxes by name and rate ("15% (15%)"), or "none".
func (mp *Mapper) showIDs(v any) string {
	ids, ok := odoo.Many2manyIDs(v)
	if !ok {
		return fmt.Sprint(v)
	}
	if len(ids) == 0 {
		return "none"
	}
	parts := make([]string, len(ids))
	for i, id := range ids {
		if t, ok := mp.taxByID(id); ok {
			parts[i] = t.Label()
		} else {
			parts[i] = "tax " + strconv.FormatInt(id, 10) // another company's, or archived
		}
	}
	return strings.Join(parts, ", ")
}

func (mp *Mapper) taxByID(id int64) (odoo.Tax, bool) {
	if mp.tax == nil {
		return odoo.Tax{}, false
	}
	t, ok := mp.tax.byID[id]
	return t, ok
}

// normalizeIDs is a many2many value in the mapper's form, sorted.
func normalizeIDs(v any) odoo.TaxIDs {
	ids, _ := odoo.Many2manyIDs(v)
	out := odoo.TaxIDs(slices.Clone(ids))
	if out == nil {
		out = odoo.TaxIDs{}
	}
	slices.Sort(out)
	return out
}
