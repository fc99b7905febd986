package odoo

import (
	"context"
	"fmt"
	"strconv"
	"strings"
)

// Tax uses (account.tax type_tax_use) the sync matches Zoho's taxes against.
const (
	TaxSale     = "sale"
	TaxPurchase = "purchase"
)

// TaxModel holds Odoo's taxes; it exists only with the Invoicing/Accounting
// (account) app, which also adds the products' tax fields (docs/odoo.md#taxes).
const TaxModel = "account.tax"

// Tax is one of the company's active percentage taxes.
type Tax struct {
	ID        int64
	Name      string
	Use       string  // TaxSale or TaxPurchase
	Amount    float64 // the percentage
	CompanyID int64
}

// Label is the tax for people: its name and rate.
func (t Tax) Label() string {
	return fmt.Sprintf("%s (%s%%)", t.Name, strconv.FormatFloat(t.Amount, 'f', -1, 64))
}

// TaxFieldOK reports whether a product field can take taxes: a many2many to account.tax.
func TaxFieldOK(f Field) bool { return f.Type == "many2many" && f.Relation == TaxModel }

// Taxes returns the active percentage sale and purchase taxes of the API
// user's current company, by id: two calls a run (the user's company, then
// the taxes), never one per product.
func (c *Client) Taxes(ctx context.Context) (company int64, taxes []Tax, err error) {
	var users []map[string]any
	if err := c.Execute(ctx, "res.users", "read", []any{[]any{c.uid}},
		map[string]any{"fields": []any{"company_id"}}, &users); err != nil {
		return 0, nil, err
	}
	if len(users) != 1 {
		return 0, nil, fmt.Errorf("odoo: the API user (id %d) cannot be read", c.uid)
	}
	company = Many2oneID(users[0]["company_id"])
	domain := []any{
		[]any{"company_id", "=", company},
		[]any{"type_tax_use", "in", []any{TaxSale, TaxPurchase}},
		[]any{"amount_type", "=", "percent"},
	}
	var rows []map[string]any
	if err := c.Execute(ctx, TaxModel, "search_read", []any{domain},
		map[string]any{"fields": []any{"id", "name", "type_tax_use", "amount", "company_id"}, "order": "id"}, &rows); err != nil {
		return 0, nil, err
	}
	for _, r := range rows {
		taxes = append(taxes, Tax{ID: asInt(r["id"]), Name: strings.TrimSpace(asString(r["name"])), Use: asString(r["type_tax_use"]),
			Amount: asFloat(r["amount"]), CompanyID: Many2oneID(r["company_id"])})
	}
	return company, taxes, nil
}

// TaxIDs is a many2many value: the set of tax ids a product field should hold
// (empty: none). load() takes it as one cell of comma-separated database ids
// in the field's "/.id" column, replacing the field's whole set
// (docs/odoo.md#taxes); an empty cell empties it.
type TaxIDs []int64

func (ids TaxIDs) importValue() string {
	parts := make([]string, len(ids))
	for i, id := range ids {
		parts[i] = strconv.FormatInt(id, 10)
	}
	return strings.Join(parts, ",")
}

// Many2manyIDs returns the ids of a many2many value as read ([id, ...]) or as
// written (TaxIDs); ok is false for anything else.
func Many2manyIDs(v any) ([]int64, bool) {
	switch x := v.(type) {
	case TaxIDs:
		return x, true
	case []int64:
		return x, true
	case []any:
		out := make([]int64, 0, len(x))
		for _, e := range x {
			out = append(out, asInt(e))
		}
		return out, true
	case bool:
		return nil, !x // False
	case nil:
		return nil, true
	}
	return nil, false
}
