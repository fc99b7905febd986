package engine

import (
	"context"
	"fmt"
	"testing"

	"github.com/zohosync/zohosync/server/internal/zoho"
)

func TestReaderPagesAndByID(t *testing.T) {
	z := &fakeZoho{pageSize: 2}
	for i := range 5 {
		z.items = append(z.items, item(fmt.Sprint(i+1), map[string]any{"name": fmt.Sprint("item ", i+1)}))
	}
	r := reader{zoho: z, src: zoho.Books}
	var got []string
	for p := range r.pages(context.Background()) {
		if p.err != nil {
			t.Fatal(p.err)
		}
		for _, it := range p.page.Items {
			got = append(got, it.ID)
		}
	}
	if fmt.Sprint(got) != "[1 2 3 4 5]" {
		t.Fatalf("pages gave %v", got)
	}
	items, gone, err := r.byID(context.Background(), []string{"2", "9", "4"})
	if err != nil || len(items) != 2 || fmt.Sprint(gone) != "[9]" {
		t.Fatalf("byID: %d items, gone %v, %v", len(items), gone, err)
	}
}

func TestDedupeKeepsTheFirstOfRepeats(t *testing.T) {
	in := []zoho.Item{item("1", nil), item("2", nil), item("1", nil)}
	if out := dedupe(in); len(out) != 2 || out[0].ID != "1" || out[1].ID != "2" {
		t.Fatalf("%v", out)
	}
}
