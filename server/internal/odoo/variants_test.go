package odoo_test

import (
	"bytes"
	"context"
	"fmt"
	"image"
	pngpkg "image/png"
	"slices"
	"sort"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
)

func optionKey(os []odoo.Option) string {
	parts := make([]string, len(os))
	for i, o := range os {
		parts[i] = o.Attribute + "=" + o.Value
	}
	sort.Strings(parts)
	return strings.Join(parts, ",")
}

func activeKeys(vs []odoo.Variant) []string {
	var out []string
	for _, v := range vs {
		if v.Active {
			out = append(out, optionKey(v.Options))
		}
	}
	sort.Strings(out)
	return out
}

func tinyPNG(t *testing.T) []byte {
	var b bytes.Buffer
	if err := pngpkg.Encode(&b, image.NewRGBA(image.Rect(0, 0, 4, 4))); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestVariantsOnTheDouble(t *testing.T) {
	for _, version := range []string{"17.0", "18.0"} {
		t.Run(version, func(t *testing.T) {
			ctx := context.Background()
			srv, c := stockClient(t, version, false)
			res, err := c.WriteTemplates(ctx, []odoo.TemplateWrite{{GroupID: "g1", Values: map[string]any{"name": "T-shirt", "list_price": 10.0}}}, 100)
			if err != nil || res[0].Err != nil {
				t.Fatal(err, res[0].Err)
			}
			tmpl := res[0].ID
			// a create repeated after a crash updates the same template
			again, err := c.WriteTemplates(ctx, []odoo.TemplateWrite{{GroupID: "g1", Values: map[string]any{"name": "T-shirt", "list_price": 10.0}}}, 100)
			if err != nil || again[0].ID != tmpl {
				t.Fatalf("second create: %v id %d, want %d", err, again[0].ID, tmpl)
			}
			links, _ := c.TemplateLinks(ctx, []string{"g1", "g2"})
			if links["g1"] != tmpl || len(links) != 1 {
				t.Fatalf("template links %v", links)
			}
			lines := map[int64][]odoo.AttributeLine{tmpl: {{"Size", []string{"S", "M"}}, {"Colour", []string{"Red", "Blue"}}}}
			wrote, err := c.SetAttributeLines(ctx, lines)
			if err != nil || !wrote[tmpl] {
				t.Fatal(err, wrote)
			}
			vs, extras, err := c.ReadVariants(ctx, []int64{tmpl}, []string{"default_code"})
			if err != nil {
				t.Fatal(err)
			}
			want := []string{"Colour=Blue,Size=M", "Colour=Blue,Size=S", "Colour=Red,Size=M", "Colour=Red,Size=S"}
			if got := activeKeys(vs); !slices.Equal(got, want) || len(vs) != 4 {
				t.Fatalf("variants %v (%d), want %v", got, len(vs), want)
			}
			// the same lines again write nothing; attribute names match case-insensitively
			before := c.Stats()
			wrote, err = c.SetAttributeLines(ctx, map[int64][]odoo.AttributeLine{tmpl: {{"size", []string{"s", "M"}}, {"Colour", []string{"Red", "Blue"}}}})
			if err != nil || len(wrote) != 0 {
				t.Fatalf("no-op lines wrote %v (%v)", wrote, err)
			}
			_ = before
			// prices: M +2, Blue +1
			set := map[int64]float64{}
			for _, x := range extras {
				switch x.Value {
				case "M":
					set[x.ID] = 2
				case "Blue":
					set[x.ID] = 1
				}
			}
			if err := c.SetPriceExtras(ctx, set); err != nil {
				t.Fatal(err)
			}
			var writes []odoo.VariantWrite
			links2 := map[string]int64{}
			for i, v := range vs {
				writes = append(writes, odoo.VariantWrite{ID: v.ID, Values: map[string]any{"default_code": fmt.Sprintf("SKU-%d", i), "barcode": fmt.Sprintf("00%d", i), "standard_price": 3.5}, Image: tinyPNG(t)})
				links2[fmt.Sprintf("item%d", i)] = v.ID
			}
			rs, err := c.WriteVariants(ctx, writes, 100)
			if err != nil {
				t.Fatal(err)
			}
			for _, r := range rs {
				if r.Err != nil {
					t.Fatal(r.Err)
				}
			}
			if err := c.LinkVariants(ctx, links2); err != nil {
				t.Fatal(err)
			}
			if got, _ := c.VariantLinks(ctx, []string{"item0", "item3", "nope"}); len(got) != 2 || got["item3"] != vs[3].ID {
				t.Fatalf("variant links %v", got)
			}
			vs, _, _ = c.ReadVariants(ctx, []int64{tmpl}, []string{"default_code", "barcode", "standard_price"})
			for i, v := range vs {
				price := 10.0
				k := optionKey(v.Options)
				if strings.Contains(k, "Size=M") {
					price += 2
				}
				if strings.Contains(k, "Colour=Blue") {
					price++
				}
				if v.LstPrice != price || v.Values["default_code"] != fmt.Sprintf("SKU-%d", i) || v.Values["barcode"] != fmt.Sprintf("00%d", i) || v.Values["standard_price"] != 3.5 || !v.HasImage {
					t.Errorf("variant %s: price %v (want %v) values %v image %v", k, v.LstPrice, price, v.Values, v.HasImage)
				}
			}
			// a duplicate barcode fails that variant only
			rs, err = c.WriteVariants(ctx, []odoo.VariantWrite{{ID: vs[0].ID, Values: map[string]any{"barcode": "001"}}, {ID: vs[2].ID, Values: map[string]any{"barcode": "777"}}}, 100)
			if err != nil || rs[0].Err == nil || rs[1].Err != nil {
				t.Fatalf("barcode clash: %v, %v / %v", err, rs[0].Err, rs[1].Err)
			}
			// removing a value removes its variants; adding one creates them
			if _, err := c.SetAttributeLines(ctx, map[int64][]odoo.AttributeLine{tmpl: {{"Size", []string{"S", "M", "L"}}, {"Colour", []string{"Red"}}}}); err != nil {
				t.Fatal(err)
			}
			vs, _, _ = c.ReadVariants(ctx, []int64{tmpl}, nil)
			if got := activeKeys(vs); !slices.Equal(got, []string{"Colour=Red,Size=L", "Colour=Red,Size=M", "Colour=Red,Size=S"}) {
				t.Fatalf("after the change: %v", got)
			}
			// archiving one variant keeps it, archived, until its value comes back in a line write
			if err := c.SetVariantsActive(ctx, []int64{vs[0].ID}, false); err != nil {
				t.Fatal(err)
			}
			vs2, _, _ := c.ReadVariants(ctx, []int64{tmpl}, nil)
			if len(activeKeys(vs2)) != 2 || len(vs2) != 3 {
				t.Fatalf("after archiving one: %v of %d", activeKeys(vs2), len(vs2))
			}
			if ps := srv.Products(true); len(ps) != 1 {
				t.Errorf("templates = %d, want 1", len(ps))
			}
		})
	}
}
