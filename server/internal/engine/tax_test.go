package engine_test

import (
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

func TestTaxesPerRun(t *testing.T) {
	cases := []struct {
		name      string
		account   bool
		enabled   bool
		forbidden bool // the user may not read account.tax
		warn      zv1.WarningCode
		reads     int // account.tax search_read calls per run
		matched   int64
		unmatched int64
	}{
		{"account app", true, true, false, zv1.WarningCode_WARNING_CODE_TAX_UNMATCHED, 1, 3, 1},
		{"no account app", false, true, false, zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE, 0, 0, 0},
		{"no rights on taxes", true, true, true, zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE, 1, 0, 0},
		{"turned off", true, false, false, zv1.WarningCode_WARNING_CODE_UNSPECIFIED, 0, 0, 0},
	}
	for _, c := range cases {
		t.Run(c.name, func(t *testing.T) {
			r := newRig(t, rigOptions{noImage: true, odoo: odootest.Options{Account: c.account}, mapping: func(m *config.Mapping) {
				m.Options.Taxes.Enabled = c.enabled
				m.Options.Taxes.PurchaseFromSales = true
			}})
			if c.forbidden {
				r.odoo.Inject(odootest.Fault{Model: "account.tax", Method: "search_read", Code: 4, Message: "You are not allowed to access 'Tax' (account.tax) records.", Times: -1})
			}
			r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000021", Name: "Pen", Status: "active", Rate: 1, SKU: "P-1", TaxID: "1", TaxName: "GST", TaxPercentage: 15})
			r.zoho.PutItem(zohotest.Item{ItemID: "2077500000000000022", Name: "Ink", Status: "active", Rate: 1, SKU: "I-1", TaxID: "2", TaxName: "GST18", TaxPercentage: 18,
				PurchaseTaxID: "3", PurchaseTaxName: "GST", PurchaseTaxPercentage: 15})
			dry, evs := r.sync(zv1.RunKind_RUN_KIND_SMART, true)
			if dry.State != zv1.RunState_RUN_STATE_SUCCEEDED {
				t.Fatalf("dry run %v %v", dry.State, dry.GetError())
			}
			shown := ""
			for _, ev := range evs {
				for _, f := range ev.GetPlannedChange().GetFields() {
					shown += f.Field + "=" + f.NewValue + ";"
				}
			}
			if c.matched > 0 && !strings.Contains(shown, "taxes_id=15% (15%)") || c.matched == 0 && strings.Contains(shown, "taxes_id") {
				t.Errorf("dry run shows %q", shown)
			}
			r.odoo.ResetCalls()
			run := r.full()
			if run.State != zv1.RunState_RUN_STATE_SUCCEEDED || len(run.GetItemErrors()) != 0 {
				t.Fatalf("run %v %v %v", run.State, run.GetError(), run.GetItemErrors())
			}
			if n := r.odoo.Calls()["account.tax.search_read"]; n != c.reads {
				t.Errorf("%d tax reads, want %d", n, c.reads)
			}
			cn := run.GetProgress().GetCounts()
			if cn.TaxesMatched != c.matched || cn.TaxesUnmatched != c.unmatched {
				t.Errorf("matched %d unmatched %d, want %d %d", cn.TaxesMatched, cn.TaxesUnmatched, c.matched, c.unmatched)
			}
			var tax []string
			for _, w := range run.GetWarnings() {
				if w.Code == zv1.WarningCode_WARNING_CODE_TAX_UNMATCHED || w.Code == zv1.WarningCode_WARNING_CODE_TAXES_UNAVAILABLE {
					tax = append(tax, w.Code.String()+": "+w.Message)
				}
			}
			if c.warn == zv1.WarningCode_WARNING_CODE_UNSPECIFIED && len(tax) != 0 || c.warn != zv1.WarningCode_WARNING_CODE_UNSPECIFIED && (len(tax) != 1 || !strings.HasPrefix(tax[0], c.warn.String())) {
				t.Errorf("tax warnings %q, want one %v", tax, c.warn)
			}
			if c.unmatched > 0 && !strings.Contains(tax[0], `18% ("GST18")`) {
				t.Errorf("the unmatched warning names no rate: %q", tax[0])
			}
			// a no-op full resync writes nothing
			r.odoo.ResetCalls()
			if run := r.full(); run.GetProgress().GetCounts().Updated != 0 || r.odoo.Calls()["product.template.load"] != 0 {
				t.Errorf("no-op resync: counts %v calls %v", run.GetProgress().GetCounts(), r.odoo.Calls())
			}
		})
	}
}
