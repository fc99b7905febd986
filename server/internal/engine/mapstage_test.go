package engine

import (
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/mapping"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

func TestMapStagePairsProductsWithStateAndSetsFailuresApart(t *testing.T) {
	v := odoo.Version{Major: 18}
	mp, err := mapping.New(config.DefaultMapping(), fakeFields, odoo.DialectFor(v, fakeFields), []odoo.UoM{{ID: 1, Name: "Units"}}, nil)
	if err != nil {
		t.Fatal(err)
	}
	items := []zoho.Item{
		item("1", map[string]any{"name": "Tile", "rate": 2.5, "unit": "parsec"}),
		item("2", map[string]any{"name": "", "rate": 1}),
		item("3", map[string]any{"name": "Grout"}),
	}
	states := map[string]store.ItemState{"1": {OdooID: 5}, "3": {State: store.StateFailed}} // 3 failed before it was ever written
	plans, failed, warns := mapStage{mapper: mp}.run(items, states, nil)
	if len(plans) != 2 || plans[0].p.ZohoID != "1" || !plans[0].tracked || plans[0].odooID != 5 || plans[1].tracked {
		t.Fatalf("plans %+v", plans)
	}
	if plans[0].p.Values["list_price"] != 2.5 || plans[0].st.ZohoID != "1" {
		t.Errorf("product %+v state %+v", plans[0].p, plans[0].st)
	}
	if len(failed) != 1 || failed[0].st.ZohoID != "2" || failed[0].err == nil {
		t.Fatalf("failed %+v", failed)
	}
	if len(warns) != 1 || warns[0].zohoID != "1" {
		t.Fatalf("warnings %+v (want the unknown unit of item 1)", warns)
	}
}

func TestReporterCountsEachPlanOnce(t *testing.T) {
	rep, ar := testReporter()
	a := &plan{action: zv1.Action_ACTION_CREATE}
	b := &plan{action: zv1.Action_ACTION_UNCHANGED}
	rep.done([]*plan{a}, 0)
	rep.done([]*plan{a, b}, 2)
	p := ar.snapshot(false).Progress
	if p.Done != 4 || p.Counts.Created != 1 || p.Counts.Unchanged != 1 {
		t.Fatalf("done %d counts %+v", p.Done, p.Counts)
	}
}
