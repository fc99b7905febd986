package e2e

import (
	"context"
	"reflect"
	"slices"
	"strings"
	"testing"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// taxItems puts items with the kinds of tax Zoho gives in the emulator, by SKU:
// sales and purchase tax at a rate Odoo has, a rate Odoo lacks, not taxable,
// and taxable with no tax named.
func taxItems(z *zohotest.Server, rate float64) {
	no := false
	for _, it := range []zohotest.Item{
		{SKU: "TX-MATCH", TaxID: "4815000000044043", TaxName: "GST", TaxPercentage: rate,
			PurchaseTaxID: "4815000000044044", PurchaseTaxName: "GST", PurchaseTaxPercentage: rate},
		{SKU: "TX-18", TaxID: "3215000000012007", TaxName: "GST18", TaxPercentage: 18},
		{SKU: "TX-NONE", TaxID: "4815000000044043", TaxName: "GST", TaxPercentage: rate, Taxable: &no},
		{SKU: "TX-UNNAMED", Taxable: new(bool)},
	} {
		if it.SKU == "TX-UNNAMED" {
			*it.Taxable = true
		}
		it.Name, it.Status, it.Rate, it.ProductType, it.ItemType = "Taxed "+it.SKU, "active", 10, "goods", "sales_and_purchases"
		z.PutItem(it)
	}
}

// productTaxes reads each synced product's taxes by SKU.
func productTaxes(t *testing.T, c *odoo.Client) map[string][2][]int64 {
	t.Helper()
	var rows []map[string]any
	if err := c.Execute(context.Background(), "product.template", "search_read", []any{[]any{[]any{"default_code", "in", []any{"TX-MATCH", "TX-18", "TX-NONE", "TX-UNNAMED"}}}},
		map[string]any{"fields": []any{"default_code", "taxes_id", "supplier_taxes_id"}}, &rows); err != nil {
		t.Fatal(err)
	}
	out := map[string][2][]int64{}
	for _, r := range rows {
		s, _ := odoo.Many2manyIDs(r["taxes_id"])
		p, _ := odoo.Many2manyIDs(r["supplier_taxes_id"])
		slices.Sort(s)
		slices.Sort(p)
		out[r["default_code"].(string)] = [2][]int64{append([]int64{}, s...), append([]int64{}, p...)}
	}
	return out
}

func countWarnings(run map[string]any, text string) int {
	n := 0
	for _, w := range warningTexts(run) {
		if strings.Contains(w, text) {
			n++
		}
	}
	return n
}

// checkTaxes runs the tax scenario against an Odoo with the account app whose
// company has a sale tax and a purchase tax at rate (with default taxes
// defSale/defPurchase): first sync, read back, a no-op resync writing nothing.
func checkTaxes(t *testing.T, e *env, c *odoo.Client, sale, purchase, defSale, defPurchase int64, odooCalls func() int) {
	t.Helper()
	out, _, code := e.cli("run-now", "--dry-run")
	if code != 0 || !strings.Contains(out, "taxes_id") || !strings.Contains(out, "supplier_taxes_id") || !strings.Contains(out, "none") {
		t.Fatalf("dry run (exit %d) shows no taxes:\n%s", code, out)
	}
	run, code := e.runNow()
	cn := counts(run)
	if code != 0 || cn["created"] != 4 || cn["taxes_matched"] != 2 || cn["taxes_unmatched"] != 1 {
		t.Fatalf("first sync: exit %d counts %v warnings %v error %v", code, cn, run["warnings"], run["error"])
	}
	if n := countWarnings(run, `Zoho sales tax 18% ("GST18") has no active sale tax`); n != 1 {
		t.Errorf("%d unmatched-tax warnings in %v, want 1", n, warningTexts(run))
	}
	none := []int64{}
	want := map[string][2][]int64{
		"TX-MATCH":   {{sale}, {purchase}},
		"TX-18":      {none, {defPurchase}}, // unmatched: none, never Odoo's default; no purchase tax named: Odoo's default
		"TX-NONE":    {none, none},          // is_taxable false
		"TX-UNNAMED": {{defSale}, {defPurchase}},
	}
	if got := productTaxes(t, c); !reflect.DeepEqual(got, want) {
		t.Errorf("taxes read back %v, want %v", got, want)
	}
	before := odooCalls()
	run, code = e.runNow()
	if cn := counts(run); code != 0 || cn["created"]+cn["updated"] != 0 || cn["unchanged"] != 4 {
		t.Fatalf("no-op resync: exit %d counts %v", code, cn)
	}
	if calls := run["odoo_calls"]; calls == nil {
		t.Logf("no-op resync: %d Odoo calls (counted by the server: %v)", odooCalls()-before, calls)
	}
	run, code = e.runNow("--full")
	if cn := counts(run); code != 0 || cn["created"]+cn["updated"] != 0 {
		t.Fatalf("no-op full sync rewrote products (taxes read back differ?): exit %d counts %v", code, cn)
	}
}

func TestE2ETaxes(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true, odoo: odootest.Options{Account: true}})
	taxItems(e.zoho, 15)
	e.start()
	c := odoo.New(odoo.Config{URL: e.odoo.URL, DB: "odoo", Username: "admin", Password: odooPassword})
	if err := c.Login(context.Background()); err != nil {
		t.Fatal(err)
	}
	checkTaxes(t, e, c, 1, 2, 1, 2, e.odoo.TotalCalls)
	// writes go through load() in batches: the first sync's products in one call
	calls := e.odoo.Calls()
	if calls["product.template.load"] == 0 {
		t.Logf("calls %v", calls)
	}
	// once Odoo has the missing rate, the product takes it (no Zoho change needed)
	gst18 := int64(e.odoo.AddTax("GST 18%", "sale", 18))
	run, code := e.runNow("--full")
	if cn := counts(run); code != 0 || cn["updated"] != 1 || cn["taxes_unmatched"] != 0 {
		t.Fatalf("after adding 18%%: exit %d counts %v", code, cn)
	}
	if got := productTaxes(t, c)["TX-18"][0]; !reflect.DeepEqual(got, []int64{gst18}) {
		t.Errorf("TX-18 sale taxes %v, want [%d]", got, gst18)
	}
}

func TestE2ETaxesRPCsPerRun(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true, items: 300, batchSize: 100, odoo: odootest.Options{Account: true}})
	e.start()
	e.odoo.ResetCalls()
	run, code := e.runNow()
	if code != 0 {
		t.Fatalf("exit %d %v", code, run["error"])
	}
	calls := e.odoo.Calls()
	if calls["account.tax.search_read"] != 1 || calls["res.users.read"] != 1 {
		t.Errorf("tax reads %d, user reads %d, want 1 each a run (calls %v)", calls["account.tax.search_read"], calls["res.users.read"], calls)
	}
	t.Logf("300 items with taxes: %d Odoo calls (%.3f per item): %v", e.odoo.TotalCalls(), float64(e.odoo.TotalCalls())/300, calls)
}

func TestE2ETaxesWithoutTheAccountApp(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true})
	taxItems(e.zoho, 15)
	e.start()
	run, code := e.runNow()
	if code != 0 || counts(run)["created"] != 4 || countWarnings(run, "taxes are not synced") != 1 || counts(run)["taxes_matched"] != 0 {
		t.Fatalf("exit %d counts %v warnings %v", code, counts(run), warningTexts(run))
	}
	if run, code = e.runNow(); code != 0 || counts(run)["unchanged"] != 4 {
		t.Fatalf("resync: exit %d counts %v", code, counts(run))
	}
}

func TestE2ETaxesTurnedOff(t *testing.T) {
	e := newEnv(t, envOptions{imagesOff: true, odoo: odootest.Options{Account: true}, mappingOpts: map[string]any{"taxes": map[string]any{"enabled": false}}})
	taxItems(e.zoho, 15)
	e.start()
	run, code := e.runNow()
	if code != 0 || counts(run)["created"] != 4 || countWarnings(run, "tax") != 0 || e.odoo.Calls()["account.tax.search_read"] != 0 {
		t.Fatalf("exit %d counts %v warnings %v calls %v", code, counts(run), warningTexts(run), e.odoo.Calls())
	}
}
