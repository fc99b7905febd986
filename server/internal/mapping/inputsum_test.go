package mapping

import (
	"encoding/json"
	"testing"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

func TestInputSum(t *testing.T) {
	item := func(fields map[string]string) zoho.Item {
		it := zoho.Item{ID: "1", Fields: map[string]json.RawMessage{}}
		for k, v := range fields {
			it.Fields[k] = json.RawMessage(v)
		}
		return it
	}
	base := map[string]string{"item_id": `"1"`, "name": `"Bolt"`, "rate": `2.5`, "image_document_id": `"d1"`, "stock_on_hand": `10`}
	with := func(k, v string) map[string]string {
		m := map[string]string{}
		for a, b := range base {
			m[a] = b
		}
		m[k] = v
		return m
	}
	m := config.DefaultMapping()
	other := config.DefaultMapping()
	other.Options.ArchiveInactive = !other.Options.ArchiveInactive
	want := InputSum(m, item(base))
	tests := []struct {
		name string
		m    config.Mapping
		it   zoho.Item
		same bool
	}{
		{"same item", m, item(base), true},
		{"a mapped field changed", m, item(with("rate", `3`)), false},
		{"another picture", m, item(with("image_document_id", `"d2"`)), false},
		{"a field the mapping may read appeared", m, item(with("brand", `"Acme"`)), false},
		{"only the stock moved", m, item(with("stock_on_hand", `9`)), true},
		{"the mapping changed", other, item(base), false},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			if got := InputSum(tt.m, tt.it); (got == want) != tt.same {
				t.Fatalf("sum %s vs %s, same = %v, want %v", got, want, got == want, tt.same)
			}
		})
	}
}
