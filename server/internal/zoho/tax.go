package zoho

import "strings"

// Tax is one of an item's taxes as Zoho gives it (docs/zoho.md#taxes).
type Tax struct {
	ID, Name string
	// Percentage is the rate; Zoho sends 0 (and empty id and name) when the
	// item has no tax.
	Percentage float64
}

// Named reports whether Zoho names a tax at all: an id or a name, or a
// non-zero rate. tax_percentage 0 with empty id and name is "no tax".
func (t Tax) Named() bool { return t.ID != "" || t.Name != "" || t.Percentage != 0 }

// taxFields are the fields of each kind of tax on an item. Zoho's own answers
// carry the sales tax as tax_id/tax_name/tax_percentage; a purchase tax of
// its own is purchase_tax_id/purchase_tax_name/purchase_tax_percentage where
// an edition gives one (docs/zoho.md#taxes).
var taxFields = map[string][3]string{
	"sales":    {"tax_id", "tax_name", "tax_percentage"},
	"purchase": {"purchase_tax_id", "purchase_tax_name", "purchase_tax_percentage"},
}

func (it Item) tax(kind string) (Tax, error) {
	f := taxFields[kind]
	t := Tax{ID: strings.TrimSpace(it.Str(f[0])), Name: strings.TrimSpace(it.Str(f[1]))}
	if t.ID == "0" {
		t.ID = "" // a bare-number id of 0 is no tax
	}
	p, _, err := it.Number(f[2])
	if err != nil {
		return Tax{}, err
	}
	t.Percentage = p
	return t, nil
}

// SalesTax is the item's sales tax; an error names a rate that is not a number.
func (it Item) SalesTax() (Tax, error) { return it.tax("sales") }

// PurchaseTax is the item's own purchase tax, when its edition has one.
func (it Item) PurchaseTax() (Tax, error) { return it.tax("purchase") }

// Taxable is is_taxable: known is false when Zoho does not say (editions
// without it). Zoho sends a JSON boolean, on item groups sometimes a number.
func (it Item) Taxable() (taxable, known bool) { return it.Bool("is_taxable") }
