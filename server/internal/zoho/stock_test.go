package zoho_test

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/zoho"
)

func TestItemLocations(t *testing.T) {
	cases := []struct {
		name string
		json string
		ok   bool
		want []zoho.LocationStock
		err  string
	}{
		{"list entry: none", `{"item_id": "1", "stock_on_hand": 4}`, false, nil, ""},
		{"locations, strings and empty", `{"item_id": "1", "locations": [
			{"location_id": "71", "location_name": "Main Store", "status": "active", "is_primary": true, "location_stock_on_hand": "12.5"},
			{"location_id": "72", "location_name": " Depot ", "status": "inactive", "location_stock_on_hand": ""}]}`, true,
			[]zoho.LocationStock{{ID: "71", Name: "Main Store", OnHand: 12.5, Known: true, Active: true}, {ID: "72", Name: "Depot"}}, ""},
		{"older warehouses, numbers", `{"item_id": "1", "warehouses": [
			{"warehouse_id": "81", "warehouse_name": "North", "status": "active", "warehouse_stock_on_hand": 45.0}]}`, true,
			[]zoho.LocationStock{{ID: "81", Name: "North", OnHand: 45, Known: true, Active: true}}, ""},
		{"placeholder entry skipped", `{"item_id": "1", "warehouses": [{"warehouse_id": "", "warehouse_name": "", "warehouse_stock_on_hand": ""}]}`, true, nil, ""},
		{"not a number", `{"item_id": "1", "locations": [{"location_id": "71", "location_name": "Main", "location_stock_on_hand": "lots"}]}`, false, nil,
			`locations[0] (Main): location_stock_on_hand is not a number: "lots"`},
		{"not a list", `{"item_id": "1", "locations": {"a": 1}}`, false, nil, "locations is not a list"},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			var it zoho.Item
			if err := json.Unmarshal([]byte(c.json), &it); err != nil {
				t.Fatal(err)
			}
			got, ok, err := it.Locations()
			if c.err != "" {
				if err == nil || !strings.Contains(err.Error(), c.err) {
					t.Fatalf("error %v, want %q", err, c.err)
				}
				return
			}
			if err != nil || ok != c.ok || !reflect.DeepEqual(got, c.want) {
				t.Errorf("Locations() = %+v, %v, %v; want %+v, %v", got, ok, err, c.want, c.ok)
			}
		})
	}
}

func TestItemTracksInventory(t *testing.T) {
	cases := []struct {
		json string
		want bool
	}{
		{`{"item_id": "1", "track_inventory": true, "product_type": "goods"}`, true},
		{`{"item_id": "1", "track_inventory": false, "item_type": "inventory"}`, false},
		{`{"item_id": "1", "item_type": "inventory", "product_type": "goods"}`, true},
		{`{"item_id": "1", "item_type": "sales", "product_type": "goods"}`, false},
		{`{"item_id": "1", "product_type": "service"}`, false},
		{`{"item_id": "1"}`, true},
	}
	for _, c := range cases {
		var it zoho.Item
		if err := json.Unmarshal([]byte(c.json), &it); err != nil {
			t.Fatal(err)
		}
		if got := it.TracksInventory(); got != c.want {
			t.Errorf("%s: TracksInventory() = %v, want %v", c.json, got, c.want)
		}
	}
}
