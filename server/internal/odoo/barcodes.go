package odoo

import (
	"context"
	"fmt"
	"strings"
)

// Barcodes are unique per company among active products (a Python
// constraint, fault 2 or a load() message starting "Barcode(s) already
// assigned:", docs/odoo.md#barcodes). Odoo's message lists every product with
// the barcode, the refused one included, by display name; explain names the
// other product by name, SKU and id instead.

const barcodeClash = "Barcode(s) already assigned:"

// explain returns prefix+msg, or for a barcode clash a message naming the
// product that already has the barcode.
func (c *Client) explain(ctx context.Context, p ProductWrite, prefix, msg string) string {
	b, _ := p.Values["barcode"].(string)
	if !strings.HasPrefix(msg, barcodeClash) || b == "" {
		return prefix + msg
	}
	var rows []map[string]any
	err := c.Execute(ctx, "product.product", "search_read", []any{[]any{[]any{"barcode", "=", b}}},
		map[string]any{"fields": []any{"name", "default_code", "product_tmpl_id"}, "order": "id", "limit": 5}, &rows)
	var others []string
	for _, r := range rows {
		tmpl := Many2oneID(r["product_tmpl_id"])
		if p.ID != 0 && tmpl == p.ID {
			continue
		}
		o := fmt.Sprintf("%q (", asString(r["name"]))
		if sku := asString(r["default_code"]); sku != "" {
			o += fmt.Sprintf("SKU %q, ", sku)
		}
		others = append(others, o+fmt.Sprintf("product id %d)", tmpl))
	}
	if err != nil || len(others) == 0 {
		// Not readable, or the other product was in the same refused batch:
		// Odoo's own line names it.
		own := map[string]bool{}
		if name, _ := p.Values["name"].(string); name != "" {
			own[name] = true
			if sku, _ := p.Values["default_code"].(string); sku != "" {
				own["["+sku+"] "+name] = true
			}
		}
		for _, line := range strings.Split(msg, "\n") {
			_, names, ok := strings.Cut(line, `"`+b+`" already assigned to product(s): `)
			if !ok {
				continue
			}
			var named []string
			for _, n := range strings.Split(names, ", ") {
				if !own[n] {
					named = append(named, fmt.Sprintf("%q", n))
				}
			}
			if len(named) > 0 {
				return fmt.Sprintf("%sbarcode %q is already used by the Odoo product %s; Odoo requires barcodes to be unique", prefix, b, strings.Join(named, ", "))
			}
		}
		return prefix + strings.ReplaceAll(msg, "\n", " ")
	}
	return fmt.Sprintf("%sbarcode %q is already used by the Odoo product %s; Odoo requires barcodes to be unique", prefix, b, strings.Join(others, ", "))
}
