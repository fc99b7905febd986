package config

import "strings"

// TaxOptions control the taxes part ("products.options.taxes"; on by
// default, and only where Odoo's Invoicing/Accounting app is installed): Zoho's
// sales and purchase taxes become the product's customer and vendor taxes,
// matched to the company's Odoo taxes by rate and use (docs/odoo.md#taxes).
type TaxOptions struct {
	Enabled bool
	// SaleField and PurchaseField are the product.template many2many fields
	// that take the sales and the purchase taxes; "" leaves that side alone.
	SaleField     string
	PurchaseField string
	// PurchaseFromSales: an item that carries no purchase tax of its own takes
	// its sales tax's rate for the purchase side (VAT editions of Zoho, where
	// one item tax serves both; docs/zoho.md#taxes). Off by default.
	PurchaseFromSales bool
}

func defaultTaxOptions() TaxOptions {
	return TaxOptions{Enabled: true, SaleField: "taxes_id", PurchaseField: "supplier_taxes_id"}
}

type taxFile struct {
	Enabled           *bool   `json:"enabled"`
	SaleField         *string `json:"sale_field"`
	PurchaseField     *string `json:"purchase_field"`
	PurchaseFromSales *bool   `json:"purchase_from_sales"`
}

func applyTaxes(path string, o *TaxOptions, f *taxFile) error {
	if f == nil {
		return nil
	}
	setBool(&o.Enabled, f.Enabled)
	setBool(&o.PurchaseFromSales, f.PurchaseFromSales)
	for _, side := range []struct {
		key string
		src *string
		dst *string
	}{{"sale_field", f.SaleField, &o.SaleField}, {"purchase_field", f.PurchaseField, &o.PurchaseField}} {
		if side.src == nil {
			continue
		}
		v := strings.TrimSpace(*side.src)
		if strings.ContainsAny(v, " ./") {
			return errorf(path, "options.taxes.%s %q is not an Odoo field name", side.key, v)
		}
		if contains(ReservedOdooFields, v) {
			return errorf(path, "options.taxes.%s cannot be %q: zohosync writes it itself", side.key, v)
		}
		*side.dst = v
	}
	if o.SaleField != "" && o.SaleField == o.PurchaseField {
		return errorf(path, "options.taxes.sale_field and purchase_field are both %q", o.SaleField)
	}
	return nil
}
