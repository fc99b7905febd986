package engine

import (
	"go/parser"
	"go/token"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// The engine speaks in products and results: package odoo owns XML-RPC,
// load() columns, field names of the wire and fault codes
// (docs/architecture.md). `make lint` greps for the same.
func TestEngineNamesNoOdooWireDetail(t *testing.T) {
	files, _ := filepath.Glob("*.go")
	forbidden := []string{"image_1920", "/.id", `".id"`, "xmlrpc", "execute_kw", "search_read", "ir.model.data", ".Code ==", ".Code !=", "does not exist", "odoo.Fault", "stock.quant", "inventory_mode", "location_stock_on_hand"}
	for _, name := range files {
		if strings.HasSuffix(name, "_test.go") {
			continue
		}
		src, err := os.ReadFile(name)
		if err != nil {
			t.Fatal(err)
		}
		f, err := parser.ParseFile(token.NewFileSet(), name, src, parser.ImportsOnly)
		if err != nil {
			t.Fatal(err)
		}
		for _, imp := range f.Imports {
			if p, _ := strconv.Unquote(imp.Path.Value); strings.Contains(p, "xmlrpc") {
				t.Errorf("%s imports %s", name, p)
			}
		}
		for _, bad := range forbidden {
			if strings.Contains(string(src), bad) {
				t.Errorf("%s names the Odoo wire detail %q; it belongs in package odoo", name, bad)
			}
		}
	}
}
