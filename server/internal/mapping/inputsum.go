package mapping

import (
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"maps"
	"slices"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// inputSumVersion changes whenever Map would turn the same input into other
// values: every stored sum then differs, and each item is mapped and compared
// once more.
const inputSumVersion = "1"

// stockFigures are item fields Zoho changes when stock moves. No mapping can
// read them (config.ZohoItemFields), and the stock stage compares them with
// Odoo on every run it is on, so they do not make an item's input change.
var stockFigures = []string{
	"stock_on_hand", "available_stock", "actual_available_stock",
	"available_for_sale_stock", "actual_available_for_sale_stock", "locations", "warehouses",
}

// InputSum fingerprints what Map reads, without Odoo: the mapping (fields,
// defaults, options) and every field of the item as Zoho sent it, but its
// stock figures. Two equal sums mean Map would give the same product on the
// same Odoo, so a smart sync can leave the item alone without opening Odoo.
// What it cannot see is a change on the Odoo side (an edit by hand, another
// unit list): a full sync compares with Odoo itself.
func InputSum(m config.Mapping, it zoho.Item) string {
	h := sha256.New()
	h.Write([]byte(inputSumVersion + "\n"))
	mb, _ := json.Marshal(m) // plain data; maps marshal with sorted keys
	h.Write(mb)
	for _, k := range slices.Sorted(maps.Keys(it.Fields)) {
		if slices.Contains(stockFigures, k) {
			continue
		}
		h.Write([]byte("\n" + k + "="))
		h.Write(it.Fields[k]) // raw JSON as received
	}
	return hex.EncodeToString(h.Sum(nil)[:16])
}
