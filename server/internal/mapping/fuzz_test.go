package mapping_test

import (
	"encoding/json"
	"math"
	"strings"
	"testing"
	"unicode/utf8"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// FuzzMap: any item either maps to values Odoo can take safely, or is
// refused with a short reason; mapping is deterministic.
func FuzzMap(f *testing.F) {
	m := config.DefaultMapping()
	m.Fields = append(m.Fields, config.FieldMap{Zoho: "purchase_description", Odoo: "description"})
	mp, err := mapping.New(m, fields17, odoo.DialectFor(odoo.Version{Major: 17}, fields17), units, nil)
	if err != nil {
		f.Fatal(err)
	}
	for _, seed := range []string{
		`{"item_id":"1","name":"Tile","rate":12.5,"unit":"kg","sku":"T","description":"a\nb","status":"active"}`,
		`{"item_id":"1","name":"  ","rate":1}`,
		`{"item_id":"1","name":"x","rate":-1}`,
		`{"item_id":"1","name":"x","rate":"1e308","purchase_rate":"abc"}`,
		`{"item_id":"1","name":"<b onmouseover=alert(1)>x</b>","purchase_description":"<script>x</script>\r\n&amp;"}`,
		`{"item_id":"1","name":"\u0001\u007f\ud800","unit":"Kgs."}`,
		`{"item_id":"1","name":"x","product_type":"service","status":"inactive"}`,
	} {
		f.Add([]byte(seed))
	}
	f.Fuzz(func(t *testing.T, data []byte) {
		var it zoho.Item
		if json.Unmarshal(data, &it) != nil {
			return
		}
		p, _, err := mp.Map(it)
		if err != nil {
			if len(err.Error()) > 300 || strings.Contains(err.Error(), "\n") {
				t.Fatalf("reason is not one short line: %q", err)
			}
			return
		}
		for k, v := range p.Values {
			switch x := v.(type) {
			case string:
				if !utf8.ValidString(x) || strings.ContainsAny(x, "\x00\x01\x7f\r") {
					t.Fatalf("%s = %q is not clean text", k, x)
				}
				if k == "description" && strings.Contains(x, "<script") {
					t.Fatalf("markup reached an html field: %q", x)
				}
			case float64:
				if math.IsNaN(x) || math.IsInf(x, 0) || (strings.Contains(k, "price") && x < 0) {
					t.Fatalf("%s = %v", k, x)
				}
			}
		}
		if strings.TrimSpace(p.Name) == "" {
			t.Fatal("mapped a product without a name")
		}
		again, _, _ := mp.Map(it)
		if again.Checksum != p.Checksum {
			t.Fatal("mapping is not deterministic")
		}
	})
}
