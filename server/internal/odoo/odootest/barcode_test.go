package odootest

import (
	"strings"
	"testing"
)

// TestLoadBarcodeClash: load() answers a barcode clash as Odoo 17/18 do
// (docs/odoo.md#barcodes): nothing saved, the batch's ValidationError first,
// filed under the first row although that row is fine, then the row-by-row
// message of the clashing row; the names list every active product with the
// barcode, the refused one included; an archived product does not clash.
func TestLoadBarcodeClash(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	srv.CreateProduct(map[string]any{"name": "Existing", "default_code": "EX-1", "barcode": "0999"})
	old := srv.CreateProduct(map[string]any{"name": "Archived", "barcode": "0777"})
	srv.UpdateProduct(old, map[string]any{"active": false})
	data := []any{
		[]any{"__zohosync__.a", "Fine", "0001"},
		[]any{"__zohosync__.b", "Copy", "0999"},
		[]any{"__zohosync__.c", "Reuses the archived one's", "0777"},
	}
	res := mustEx(t, srv, "product.template", "load", []any{[]any{"id", "name", "barcode"}, data}, nil).(*pyDict)
	clash := "Barcode(s) already assigned:\n\n- Barcode \"0999\" already assigned to product(s): [EX-1] Existing, Copy\n\nNote: products that you don't have access to will not be shown above."
	msgs, _ := res.Val("messages").([]any)
	if res.Val("ids") != false || len(msgs) != 2 {
		t.Fatalf("answer %s", pyRepr(res))
	}
	first, second := msgs[0].(*pyDict), msgs[1].(*pyDict)
	if first.Val("record") != 0 || first.Val("message") != clash || second.Val("record") != 1 || second.Val("message") != clash {
		t.Fatalf("messages %s", pyRepr(res.Val("messages")))
	}
	if n := len(srv.Products(true)); n != 2 {
		t.Fatalf("%d products after a refused load, want 2", n)
	}
	// without the clashing row all goes through, the archived barcode included
	res = mustEx(t, srv, "product.template", "load", []any{[]any{"id", "name", "barcode"}, []any{data[0], data[2]}}, nil).(*pyDict)
	if ids, _ := res.Val("ids").([]any); len(ids) != 2 || strings.Contains(pyRepr(res.Val("messages")), "error") {
		t.Fatalf("answer %s", pyRepr(res))
	}
}
