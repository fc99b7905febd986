package zoho

import (
	"encoding/json"
	"math"
	"testing"
	"unicode/utf8"
)

// FuzzDecodeItems feeds arbitrary bytes to the item-list decoding and every
// tolerant accessor: nothing may panic, and what is read must be usable.
func FuzzDecodeItems(f *testing.F) {
	for _, seed := range []string{
		`{"code":0,"message":"success","items":[{"item_id":"4815000000044208","name":"Tile","rate":12.5,"reorder_level":"","status":"active","last_modified_time":"2024-06-11T17:42:19+0530","image_document_id":"1","image_name":"a.jpg"}],"page_context":{"page":1,"per_page":200,"has_more_page":true,"total":3}}`,
		`{"items":[{"item_id":4815000000044208,"rate":"12,50","tax_percentage":"70%","name":null}]}`,
		`{"items":[{"item_id":"1","rate":"NaN","purchase_rate":"1e400","stock_on_hand":{"x":1},"status":"inactive"}]}`,
		`{"items":[{"item_id":""}]}`,
		`{"items":[{"name":"no id"}]}`,
		`{"items":[{"item_id":"1","last_modified_time":"2013-01-24"}],"page_context":{"total":-1}}`,
		`{"items":[{"item_id":"1","name":"\u0000\ud800 bad"}]}`,
		`{"items":`, `[]`, `null`, ``,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var env listEnvelope
		if json.Unmarshal(data, &env) != nil {
			return
		}
		for _, it := range env.Items {
			if it.ID == "" {
				t.Fatal("an item without item_id was accepted")
			}
			for _, field := range []string{"rate", "purchase_rate", "reorder_level", "tax_percentage", "stock_on_hand", "name"} {
				v, ok, err := it.Number(field)
				if ok && (err != nil || math.IsNaN(v) || math.IsInf(v, 0)) {
					t.Fatalf("%s read as %v (err %v)", field, v, err)
				}
				_, _ = it.String(field)
			}
			_ = it.Name()
			_ = it.Active()
			_ = it.LastModified()
			_ = it.ImageIdentity()
			if s, ok := it.String("item_id"); ok && !utf8.ValidString(s) && json.Valid(data) {
				_ = s // ids are passed on as given; the mapper cleans text fields
			}
		}
	})
}
