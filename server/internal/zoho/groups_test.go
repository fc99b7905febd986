package zoho_test

import (
	"context"
	"encoding/json"
	"slices"
	"testing"

	"github.com/zohosync/zohosync/server/internal/zoho"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func TestItemGroupsFromTheEmulator(t *testing.T) {
	em, c := newPair(t, zohotest.Options{})
	em.Seed(10, 1) // items 5-7: one group of three variants
	ctx := context.Background()
	gp, err := c.ListItemGroups(ctx, 1)
	if err != nil {
		t.Fatal(err)
	}
	if len(gp.Groups) != 1 || gp.HasMore {
		t.Fatalf("groups = %d (more %v), want 1", len(gp.Groups), gp.HasMore)
	}
	g, err := c.ItemGroup(ctx, gp.Groups[0].ID)
	if err != nil {
		t.Fatal(err)
	}
	if len(g.Items) != 3 || g.Name() == "" {
		t.Fatalf("detail: %d items, name %q", len(g.Items), g.Name())
	}
	for _, it := range g.Items {
		if it.GroupID() != g.ID || len(it.Options()) != 1 || it.Options()[0].Attribute != "Size" {
			t.Errorf("variant %s: group %q options %v", it.ID, it.GroupID(), it.Options())
		}
	}
	if _, err := c.ItemGroup(ctx, "1"); !zoho.IsKind(err, zoho.KindNotFound) {
		t.Errorf("unknown group: %v, want not found", err)
	}
}

func TestGroupShapes(t *testing.T) {
	for _, tc := range []struct {
		name, body string
		items      int
		options    []zoho.Option
	}{
		{"items as a list, names on the group (docs example shape)",
			`{"group_id":4815000000044220,"group_name":"Bags","attribute_name1":"Size","attribute_name2":"Colour",
			  "items":[{"item_id":1,"attribute_option_name1":"S","attribute_option_name2":"Red"}]}`,
			1, []zoho.Option{{"Size", "S"}, {"Colour", "Red"}}},
		{"one item as an object", `{"group_id":"7","group_name":"Bags","attribute_name1":"Small",
			  "items":{"item_id":4815000000044208,"attribute_option_name1":"Small"}}`, 1, []zoho.Option{{"Small", "Small"}}},
		{"list row without items", `{"group_id":"7","group_name":"Bags"}`, 0, nil},
		{"a variant's own names win", `{"group_id":"7","attribute_name1":"Size",
			  "items":[{"item_id":"2","attribute_name1":"Taille","attribute_option_name1":"M","attribute_option_name3":"x"}]}`,
			1, []zoho.Option{{"Taille", "M"}}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var g zoho.Group
			if err := json.Unmarshal([]byte(tc.body), &g); err != nil {
				t.Fatal(err)
			}
			if len(g.Items) != tc.items {
				t.Fatalf("items = %d, want %d", len(g.Items), tc.items)
			}
			if tc.items > 0 {
				if got := g.Items[0].Options(); !slices.Equal(got, tc.options) {
					t.Errorf("options = %v, want %v", got, tc.options)
				}
				if g.Items[0].GroupID() != g.ID {
					t.Errorf("variant group %q, want %q", g.Items[0].GroupID(), g.ID)
				}
			}
		})
	}
	var g zoho.Group
	if err := json.Unmarshal([]byte(`{"group_name":"x"}`), &g); err == nil {
		t.Error("a group without group_id was read")
	}
}
