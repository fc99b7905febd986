package engine

import (
	"context"
	"log/slog"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/mapping"
)

func TestWriterCreatesUpdatesLinksAndReportsRefusals(t *testing.T) {
	o := newFakeOdoo()
	existing := o.add(map[string]any{"name": "Old"})
	matched := o.add(map[string]any{"name": "Matched"})
	o.refuse["3"] = "Barcode already assigned"
	plans := []*plan{
		{p: mapping.Product{ZohoID: "1", Values: map[string]any{"name": "New"}, CreateOnly: map[string]any{"sale_ok": true}}, action: zv1.Action_ACTION_CREATE},
		{p: mapping.Product{ZohoID: "2", Values: map[string]any{"name": "Renamed", "list_price": 2.0}}, action: zv1.Action_ACTION_UPDATE, odooID: existing,
			changes: []mapping.Change{{Field: "name", Old: "Old", New: "Renamed"}}},
		{p: mapping.Product{ZohoID: "3", Values: map[string]any{"name": "Refused"}}, action: zv1.Action_ACTION_CREATE},
		{p: mapping.Product{ZohoID: "4", Values: map[string]any{"name": "Matched"}}, action: zv1.Action_ACTION_UNCHANGED, odooID: matched, linkedBy: "sku", link: true},
	}
	var w warnings
	wr := &writer{odoo: o, batchSize: 2, warn: w.add, log: slog.New(slog.DiscardHandler)}
	var written, failed []string
	err := wr.run(context.Background(), plans, nil, func(ok, bad []*plan) {
		for _, pl := range ok {
			written = append(written, pl.p.ZohoID)
		}
		for _, pl := range bad {
			failed = append(failed, pl.p.ZohoID)
		}
	})
	if err != nil {
		t.Fatal(err)
	}
	if len(written) != 2 || len(failed) != 1 || failed[0] != "3" {
		t.Fatalf("written %v, failed %v", written, failed)
	}
	if plans[0].odooID == 0 || plans[0].linkedBy != "created" || o.products[plans[0].odooID]["sale_ok"] != true {
		t.Errorf("create: id %d by %q, values %v", plans[0].odooID, plans[0].linkedBy, o.products[plans[0].odooID])
	}
	if o.products[existing]["name"] != "Renamed" || o.products[existing]["list_price"] != nil {
		t.Errorf("update sent more than the changed field: %v", o.products[existing])
	}
	if plans[2].failReason != "Odoo refused the product: Barcode already assigned" || plans[2].action != zv1.Action_ACTION_UNSPECIFIED {
		t.Errorf("refused: %q %v", plans[2].failReason, plans[2].action)
	}
	if o.xmlids["4"] != matched {
		t.Errorf("matched product not linked: %v", o.xmlids)
	}
}

func TestWriterLinkWithoutRightsWarns(t *testing.T) {
	o := newFakeOdoo()
	o.noXMLID = true
	id := o.add(map[string]any{"name": "Matched"})
	var w warnings
	wr := &writer{odoo: o, batchSize: 10, warn: w.add, log: slog.New(slog.DiscardHandler)}
	pl := &plan{p: mapping.Product{ZohoID: "4"}, action: zv1.Action_ACTION_UNCHANGED, odooID: id, linkedBy: "name", link: true}
	if err := wr.run(context.Background(), []*plan{pl}, nil, func(_, _ []*plan) {}); err != nil {
		t.Fatal(err)
	}
	if len(w) != 1 || w[0] != "EXTERNAL_IDS_UNWRITABLE" {
		t.Fatalf("warnings %v", w)
	}
}
