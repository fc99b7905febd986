package zoho

import (
	"bytes"
	"encoding/json"
	"math/big"
	"strings"
)

// Code reads an identifier such as upc, ean or isbn as text
// (docs/zoho.md#barcodes): a string as sent, a JSON number as its integer
// digits (Zoho's own examples send barcodes as numbers, which cannot carry
// leading zeros; number reports it so the caller can restore them).
func (it Item) Code(field string) (code string, number bool) {
	raw := bytes.TrimSpace(it.Fields[field])
	if len(raw) == 0 || raw[0] == '"' || raw[0] == '{' || raw[0] == '[' || string(raw) == "null" ||
		string(raw) == "true" || string(raw) == "false" {
		s, _ := it.String(field)
		return strings.TrimSpace(s), false
	}
	s := string(raw)
	if strings.ContainsAny(s, ".eE") { // 1.2e11: render the integer it stands for
		if f, ok := new(big.Float).SetPrec(256).SetString(s); ok {
			if i, acc := f.Int(nil); acc == big.Exact && i.Sign() > 0 {
				return i.String(), true
			}
		}
	}
	return s, true
}

// Measure reads a package measure (weight, weight_unit, length, width,
// height, dimension_unit): at the top level of the item as lists and Books
// send it, else inside package_details as Inventory's item detail does
// (docs/zoho.md#weights-and-dimensions).
func (it Item) Measure(field string) string {
	if s := strings.TrimSpace(it.Str(field)); s != "" {
		return s
	}
	raw, ok := it.Fields["package_details"]
	if !ok {
		return ""
	}
	var pkg Item
	if json.Unmarshal(raw, &pkg.Fields) != nil {
		return ""
	}
	return strings.TrimSpace(pkg.Str(field))
}
