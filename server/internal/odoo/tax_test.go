package odoo_test

import (
	"context"
	"reflect"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
)

func TestTaxesReadsTheCompanysActivePercentTaxesInTwoCalls(t *testing.T) {
	c, srv := client(t, odootest.Options{Account: true})
	ctx := context.Background()
	if _, err := c.Connect(ctx, nil); err != nil {
		t.Fatal(err)
	}
	srv.ResetCalls()
	company, taxes, err := c.Taxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if n := srv.TotalCalls(); n != 2 {
		t.Errorf("%d calls, want 2 (the user's company, the taxes)", n)
	}
	want := []odoo.Tax{
		{ID: 1, Name: "15%", Use: odoo.TaxSale, Amount: 15, CompanyID: 1},
		{ID: 2, Name: "15%", Use: odoo.TaxPurchase, Amount: 15, CompanyID: 1},
	}
	if company != 1 || !reflect.DeepEqual(taxes, want) {
		t.Errorf("company %d taxes %+v, want 1 %+v (the archived 10%% left out)", company, taxes, want)
	}
}

func TestTaxesWithoutTheAccountApp(t *testing.T) {
	c, _ := client(t, odootest.Options{})
	ctx := context.Background()
	s, err := c.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, ok := s.Fields["taxes_id"]; ok {
		t.Fatal("taxes_id without the account app")
	}
	if _, _, err := c.Taxes(ctx); err == nil {
		t.Fatal("Taxes succeeded without account.tax")
	}
}

// load() takes a many2many as "field/.id" with comma-separated database ids
// and replaces the whole set; an empty cell empties it (so Odoo's default
// taxes are not applied on create); a product created without the column gets
// the company's default taxes.
func TestWriteProductsTaxesThroughLoad(t *testing.T) {
	c, srv := client(t, odootest.Options{Account: true})
	ctx := context.Background()
	s, err := c.Connect(ctx, nil)
	if err != nil {
		t.Fatal(err)
	}
	if !odoo.TaxFieldOK(s.Fields["taxes_id"]) || !odoo.TaxFieldOK(s.Fields["supplier_taxes_id"]) {
		t.Fatalf("tax fields %+v %+v", s.Fields["taxes_id"], s.Fields["supplier_taxes_id"])
	}
	extra := srv.AddTax("VAT 20", odoo.TaxSale, 20)
	cases := []struct {
		name           string
		values         map[string]any
		sale, purchase []any
	}{
		{"both set", map[string]any{"taxes_id": odoo.TaxIDs{1, int64(extra)}, "supplier_taxes_id": odoo.TaxIDs{2}}, []any{int64(1), int64(extra)}, []any{int64(2)}},
		{"empty sets: no default", map[string]any{"taxes_id": odoo.TaxIDs{}, "supplier_taxes_id": odoo.TaxIDs{}}, []any{}, []any{}},
		{"absent: the company's defaults", map[string]any{}, []any{int64(1)}, []any{int64(2)}},
	}
	for i, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			vals := map[string]any{"name": tc.name}
			for k, v := range tc.values {
				vals[k] = v
			}
			var got []odoo.Result
			err := c.WriteProducts(ctx, []odoo.ProductWrite{{ZohoID: "t" + string(rune('a'+i)), Values: vals}}, 10, func(rs []odoo.Result) { got = append(got, rs...) })
			if err != nil || len(got) != 1 || got[0].Err != nil {
				t.Fatalf("write: %v %+v", err, got)
			}
			recs, err := c.ReadProducts(ctx, []int64{got[0].ID}, odoo.Want{Fields: []string{"taxes_id", "supplier_taxes_id"}})
			if err != nil || len(recs) != 1 {
				t.Fatal(err)
			}
			if !reflect.DeepEqual(recs[0]["taxes_id"], tc.sale) || !reflect.DeepEqual(recs[0]["supplier_taxes_id"], tc.purchase) {
				t.Errorf("read back %v / %v, want %v / %v", recs[0]["taxes_id"], recs[0]["supplier_taxes_id"], tc.sale, tc.purchase)
			}
			// an update replaces the set, never adds to it
			up := odoo.ProductWrite{ZohoID: "t", ID: got[0].ID, Values: map[string]any{"taxes_id": odoo.TaxIDs{2}}, Fields: []string{"taxes_id"}}
			got = nil
			if err := c.WriteProducts(ctx, []odoo.ProductWrite{up}, 10, func(rs []odoo.Result) { got = append(got, rs...) }); err != nil || got[0].Err != nil {
				t.Fatalf("update: %v %+v", err, got)
			}
			recs, _ = c.ReadProducts(ctx, []int64{got[0].ID}, odoo.Want{Fields: []string{"taxes_id"}})
			if !reflect.DeepEqual(recs[0]["taxes_id"], []any{int64(2)}) {
				t.Errorf("after update %v, want [2]", recs[0]["taxes_id"])
			}
		})
	}
	// an id Odoo does not have is the product's refusal, in Odoo's words
	var got []odoo.Result
	err = c.WriteProducts(ctx, []odoo.ProductWrite{{ZohoID: "bad", Values: map[string]any{"name": "Bad", "taxes_id": odoo.TaxIDs{999}}}}, 10, func(rs []odoo.Result) { got = append(got, rs...) })
	if err != nil || len(got) != 1 || got[0].Err == nil || !strings.Contains(got[0].Err.Error(), "No matching record found for database id '999' in field 'Customer Taxes'") {
		t.Fatalf("unknown tax id: %v %+v", err, got)
	}
}

func TestTaxFieldsOnOdoo18(t *testing.T) {
	c, _ := client(t, odootest.Options{Version: "18.0", Account: true})
	s, err := c.Connect(context.Background(), nil)
	if err != nil {
		t.Fatal(err)
	}
	if f := s.Fields["taxes_id"]; !odoo.TaxFieldOK(f) || f.String != "Sales Taxes" {
		t.Errorf("18 taxes_id %+v", f)
	}
	if f := s.Fields["supplier_taxes_id"]; !odoo.TaxFieldOK(f) || f.String != "Purchase Taxes" {
		t.Errorf("18 supplier_taxes_id %+v", f)
	}
}
