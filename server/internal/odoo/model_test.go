package odoo_test

import (
	"context"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
)

// TestBarcodeClashIsTheItemsErrorNamingTheOtherProduct: Odoo refuses a
// barcode another product has (as the double answers, like Odoo's load());
// that one product gets an error naming the other, the rest of the batch is
// written, the first row included although Odoo files its batch message under it.
func TestBarcodeClashIsTheItemsErrorNamingTheOtherProduct(t *testing.T) {
	cases := []struct {
		name      string
		barcodes  []string // per product, in batch order
		wantBad   []int
		wantInMsg string
	}{
		{"clash with an existing product, not on the first row", []string{"0001", "0002", "0999", "0003"}, []int{2}, `"Existing" (SKU "EX-1", product id`},
		{"clash on the first row", []string{"0999", "0002"}, []int{0}, `"Existing" (SKU "EX-1", product id`},
		{"two rows of one batch with the same barcode", []string{"0001", "0555", "0555"}, []int{2}, `"P1"`},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			c, srv := client(t, odootest.Options{})
			ctx := context.Background()
			if _, err := c.ProductFields(ctx); err != nil {
				t.Fatal(err)
			}
			srv.CreateProduct(map[string]any{"name": "Existing", "default_code": "EX-1", "barcode": "0999"})
			var ps []odoo.ProductWrite
			for i, b := range tc.barcodes {
				ps = append(ps, odoo.ProductWrite{ZohoID: "z" + string(rune('a'+i)), Values: map[string]any{"name": "P" + string(rune('0'+i)), "barcode": b}})
			}
			var got []odoo.Result
			if err := c.WriteProducts(ctx, ps, 10, func(rs []odoo.Result) { got = append(got, rs...) }); err != nil {
				t.Fatal(err)
			}
			slices.SortFunc(got, func(a, b odoo.Result) int { return a.Index - b.Index })
			if len(got) != len(ps) {
				t.Fatalf("%d results for %d products", len(got), len(ps))
			}
			for i, r := range got {
				var ref *odoo.Refusal
				bad := slices.Contains(tc.wantBad, i)
				switch {
				case bad && (!errors.As(r.Err, &ref) || !errors.Is(r.Err, odoo.ErrValidation)):
					t.Errorf("product %d: %v, want a refusal", i, r.Err)
				case bad && (!strings.Contains(ref.Reason, `barcode "`+tc.barcodes[i]+`" is already used by`) || !strings.Contains(ref.Reason, tc.wantInMsg) || strings.Contains(ref.Reason, "\n")):
					t.Errorf("product %d: %q does not name the other product on one line (%s)", i, ref.Reason, tc.wantInMsg)
				case !bad && (r.Err != nil || r.ID == 0):
					t.Errorf("product %d: %v (id %d), want written", i, r.Err, r.ID)
				}
			}
			if n := len(srv.Products(true)); n != 1+len(ps)-len(tc.wantBad) {
				t.Errorf("%d products in Odoo, want %d", n, 1+len(ps)-len(tc.wantBad))
			}
		})
	}
}

// TestCategoriesByNameAreCreatedOnceWithAnExternalID: a category given by
// complete name is matched, or created under its parent with an external id;
// a second client (a restart after a kill) finds it instead of making another.
func TestCategoriesByNameAreCreatedOnceWithAnExternalID(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	ctx := context.Background()
	if _, err := c.ProductFields(ctx); err != nil {
		t.Fatal(err)
	}
	write := func(c *odoo.Client, cats ...string) []odoo.Result {
		t.Helper()
		var ps []odoo.ProductWrite
		for i, cat := range cats {
			ps = append(ps, odoo.ProductWrite{ZohoID: "c" + string(rune('a'+i)), Values: map[string]any{"name": "P " + cat, "categ_id": cat}})
		}
		var got []odoo.Result
		if err := c.WriteProducts(ctx, ps, 10, func(rs []odoo.Result) { got = append(got, rs...) }); err != nil {
			t.Fatal(err)
		}
		for _, r := range got {
			if r.Err != nil {
				t.Fatalf("product %d: %v", r.Index, r.Err)
			}
		}
		return got
	}
	categories := func() map[string]int64 {
		t.Helper()
		list, err := c.Categories(ctx)
		if err != nil {
			t.Fatal(err)
		}
		out := map[string]int64{}
		for _, cat := range list {
			if _, dup := out[cat.CompleteName]; dup {
				t.Fatalf("two categories named %q", cat.CompleteName)
			}
			out[cat.CompleteName] = cat.ID
		}
		return out
	}
	before := len(categories())
	write(c, "All / Sauces", "All / Sauces", "All / Tools / Knives", "All")
	cats := categories()
	if len(cats) != before+3 {
		t.Fatalf("%d categories, want %d: %v", len(cats), before+3, cats)
	}
	for _, p := range srv.Products(true) {
		want := strings.TrimPrefix(p.Name, "P ")
		if p.CategID != int(cats[want]) {
			t.Errorf("%s: category %d, want %d (%s)", p.Name, p.CategID, cats[want], want)
		}
	}
	// a fresh client, as after a restart: matched by name, none created
	c2 := odoo.New(odoo.Config{URL: srv.URL, DB: "odoo", Username: "admin", Password: secret, Retry: fastRetry})
	if err := c2.Login(ctx); err != nil {
		t.Fatal(err)
	}
	if _, err := c2.ProductFields(ctx); err != nil {
		t.Fatal(err)
	}
	write(c2, "all / sauces", "All / Tools / Knives")
	if n := len(categories()); n != before+3 {
		t.Errorf("%d categories after a second run, want %d", n, before+3)
	}
}
