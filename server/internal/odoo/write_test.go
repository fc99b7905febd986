package odoo_test

import (
	"bytes"
	"context"
	"errors"
	"image"
	pngpkg "image/png"
	"slices"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
)

func TestFaultMeanings(t *testing.T) {
	cases := []struct {
		f    odoo.Fault
		is   []error
		isnt []error
	}{
		{odoo.Fault{Code: 3, String: "Access Denied"}, []error{odoo.ErrAccessDenied}, []error{odoo.ErrForbidden, odoo.ErrValidation}},
		{odoo.Fault{Code: 4, String: "You are not allowed to access 'External Identifiers'"}, []error{odoo.ErrForbidden}, []error{odoo.ErrAccessDenied}},
		{odoo.Fault{Code: 2, String: "Record does not exist or has been deleted.\n(Record: product.template(9,), User: 2)"},
			[]error{odoo.ErrMissingRecord, odoo.ErrValidation}, []error{odoo.ErrServerError}},
		{odoo.Fault{Code: 2, String: "The price cannot be negative"}, []error{odoo.ErrValidation}, []error{odoo.ErrMissingRecord}},
		{odoo.Fault{Code: 1, String: "Traceback ...\npsycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"},
			[]error{odoo.ErrSerialization, odoo.ErrServerError}, []error{odoo.ErrValidation}},
	}
	for _, tc := range cases {
		err := error(&tc.f)
		for _, target := range tc.is {
			if !errors.Is(err, target) {
				t.Errorf("fault %d %q: not %v", tc.f.Code, tc.f.String, target)
			}
		}
		for _, target := range tc.isnt {
			if errors.Is(err, target) {
				t.Errorf("fault %d %q: wrongly %v", tc.f.Code, tc.f.String, target)
			}
		}
	}
}

// TestWriteProductsIsolatesTheProductOdooRefuses: a fault on a whole load()
// call is halved until the bad product stands alone; the others are written.
func TestWriteProductsIsolatesTheProductOdooRefuses(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	ctx := context.Background()
	if _, err := c.ProductFields(ctx); err != nil {
		t.Fatal(err)
	}
	srv.Inject(odootest.Fault{Model: "product.template", Method: "load", Code: 2, Message: "Barcode(s) already assigned: 123", Times: -1,
		Match: func(args []any, _ map[string]any) bool {
			rows, _ := args[1].([]any)
			for _, r := range rows {
				if row, _ := r.([]any); slices.Contains(row, any("Bad")) {
					return true
				}
			}
			return false
		}})
	var ps []odoo.ProductWrite
	for i, name := range []string{"A", "B", "Bad", "C", "D"} {
		ps = append(ps, odoo.ProductWrite{ZohoID: strings.Repeat("1", i+1), Values: map[string]any{"name": name, "list_price": float64(i)}})
	}
	var got []odoo.Result
	if err := c.WriteProducts(ctx, ps, 5, func(rs []odoo.Result) { got = append(got, rs...) }); err != nil {
		t.Fatal(err)
	}
	slices.SortFunc(got, func(a, b odoo.Result) int { return a.Index - b.Index })
	if len(got) != 5 {
		t.Fatalf("%d results for 5 products", len(got))
	}
	for i, r := range got {
		var ref *odoo.Refusal
		switch {
		case i == 2 && (!errors.As(r.Err, &ref) || !strings.Contains(ref.Reason, "Barcode(s) already assigned") || !errors.Is(r.Err, odoo.ErrValidation)):
			t.Errorf("the bad product: %v", r.Err)
		case i != 2 && (r.Err != nil || r.ID == 0):
			t.Errorf("product %d: id %d, %v", i, r.ID, r.Err)
		}
	}
	if n := len(srv.Products(true)); n != 4 {
		t.Errorf("%d products in Odoo, want 4", n)
	}
	// An update sends only the named fields, by database id; many2one by id.
	upd := []odoo.ProductWrite{{ZohoID: "1", ID: got[0].ID, Values: map[string]any{"name": "A2", "list_price": 99.0}, Fields: []string{"name"}}}
	if err := c.WriteProducts(ctx, upd, 5, func(rs []odoo.Result) {
		if rs[0].Err != nil {
			t.Error(rs[0].Err)
		}
	}); err != nil {
		t.Fatal(err)
	}
	if p, _ := srv.Product(int(got[0].ID)); p.Name != "A2" || p.ListPrice != 0 {
		t.Errorf("after the update: %q %v; want the name only", p.Name, p.ListPrice)
	}
}

func TestWriteProductsStopsWhenTheCredentialsAreGone(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	srv.Inject(odootest.Fault{Model: "product.template", Method: "load", Code: 3, Times: -1})
	err := c.WriteProducts(context.Background(), []odoo.ProductWrite{{ZohoID: "1", Values: map[string]any{"name": "x"}}}, 10, func([]odoo.Result) {
		t.Error("a result for a call Odoo refused to authenticate")
	})
	if !errors.Is(err, odoo.ErrAccessDenied) {
		t.Fatalf("err = %v, want ErrAccessDenied", err)
	}
}

func TestArchiveForgetsDeletedAndSetImages(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	ctx := context.Background()
	var ids []int64
	if err := c.WriteProducts(ctx, []odoo.ProductWrite{{ZohoID: "1", Values: map[string]any{"name": "A"}}, {ZohoID: "2", Values: map[string]any{"name": "B"}}}, 10,
		func(rs []odoo.Result) {
			for _, r := range rs {
				ids = append(ids, r.ID)
			}
		}); err != nil {
		t.Fatal(err)
	}
	rs, err := c.Archive(ctx, []int64{ids[0], 999999})
	if err != nil {
		t.Fatal(err)
	}
	if rs[0].Err != nil || !errors.Is(rs[1].Err, odoo.ErrMissingRecord) {
		t.Fatalf("archive results %+v", rs)
	}
	if p, _ := srv.Product(int(ids[0])); p.Active {
		t.Error("not archived")
	}
	png := []byte("\x89PNG\r\n\x1a\n0000")
	imgs, err := c.SetImages(ctx, []odoo.Image{{ID: ids[1], Data: png}})
	if err != nil || len(imgs) != 1 {
		t.Fatalf("set images: %+v %v", imgs, err)
	}
	cleared, err := c.ClearImages(ctx, []int64{ids[1]})
	if err != nil || cleared[0].Err != nil {
		t.Fatalf("clear: %+v %v", cleared, err)
	}
}

// TestWriteProductsCarriesPicturesInTheCreateRows: new products and their
// pictures go in one load(); one without a picture gets an empty cell; a
// picture Odoo refuses leaves the product created without it.
func TestWriteProductsCarriesPicturesInTheCreateRows(t *testing.T) {
	c, srv := client(t, odootest.Options{})
	ctx := context.Background()
	if _, err := c.ProductFields(ctx); err != nil {
		t.Fatal(err)
	}
	var png bytes.Buffer
	if err := pngpkg.Encode(&png, image.NewRGBA(image.Rect(0, 0, 8, 8))); err != nil {
		t.Fatal(err)
	}
	ps := []odoo.ProductWrite{
		{ZohoID: "1", Values: map[string]any{"name": "Pictured"}, Image: png.Bytes()},
		{ZohoID: "2", Values: map[string]any{"name": "Plain"}},
		{ZohoID: "3", Values: map[string]any{"name": "Bad picture"}, Image: []byte("not a picture")},
	}
	srv.ResetCalls()
	got := make([]odoo.Result, len(ps))
	if err := c.WriteProducts(ctx, ps, 10, func(rs []odoo.Result) {
		for _, r := range rs {
			got[r.Index] = r
		}
	}); err != nil {
		t.Fatal(err)
	}
	for i, r := range got {
		if r.Err != nil || r.ID == 0 {
			t.Fatalf("product %d: id %d, %v", i, r.ID, r.Err)
		}
		p, _ := srv.Product(int(r.ID))
		if (p.Image1920 != "") != (i == 0) {
			t.Errorf("product %d: picture %d bytes", i, len(p.Image1920))
		}
		var ref *odoo.Refusal
		if (i == 2) != errors.As(r.ImageErr, &ref) || (i == 2 && !strings.HasPrefix(ref.Reason, "Odoo refused the image: ")) {
			t.Errorf("product %d: image error %v", i, r.ImageErr)
		}
	}
	// One call for the three, then the refused one's halving and its retry without the picture.
	if n := srv.Calls()["product.template.load"]; n < 2 || n > 5 {
		t.Errorf("%d load() calls", n)
	}
	if n := len(srv.Products(true)); n != 3 {
		t.Errorf("%d products in Odoo, want 3", n)
	}
}
