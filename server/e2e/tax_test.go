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
	for _, v := range []string{"17.0", "18.0"} {
		t.Run(v, func(t *testing.T) { e2eTaxes(t, v) })
	}
}

func e2eTaxes(t *testing.T, version string) {
	e := newEnv(t, envOptions{imagesOff: true, odoo: odootest.Options{Version: version, Account: true}})
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

// TestE2ETaxesRPCsPerRun: a 1,000-item first sync of the emulator's seeded
// catalogue (sales taxes GST18, GST5 or none, is_taxable false for none) with
// taxes on and off: the taxes are read once a run, and the writes stay batched.
func TestE2ETaxesRPCsPerRun(t *testing.T) {
	const n = 1000
	per := map[bool]int{}
	for _, on := range []bool{false, true} {
		e := newEnv(t, envOptions{imagesOff: true, items: n, batchSize: 100, odoo: odootest.Options{Account: true},
			mappingOpts: map[string]any{"taxes": map[string]any{"enabled": on}}})
		e.odoo.AddTax("GST 18%", "sale", 18) // GST18 matches, GST5 does not
		e.start()
		e.odoo.ResetCalls()
		run, code := e.runNow()
		if code != 0 {
			t.Fatalf("exit %d %v", code, run["error"])
		}
		if c := counts(run); on && (c["taxes_matched"] == 0 || c["taxes_unmatched"] == 0) {
			t.Errorf("counts %v: want both matched and unmatched taxes", c)
		}
		calls := e.odoo.Calls()
		want := 0
		if on {
			want = 1
		}
		if calls["account.tax.search_read"] != want || calls["res.users.read"] != want {
			t.Errorf("taxes on %v: tax reads %d, user reads %d, want %d each a run (calls %v)", on, calls["account.tax.search_read"], calls["res.users.read"], want, calls)
		}
		per[on] = e.odoo.TotalCalls()
		t.Logf("taxes on %v: %d items, %d Odoo calls (%.3f per item), counts %v: %v", on, n, e.odoo.TotalCalls(), float64(e.odoo.TotalCalls())/n, counts(run), calls)
		e.odoo.ResetCalls()
		if run, code = e.runNow(); code != 0 || counts(run)["created"]+counts(run)["updated"] != 0 || e.odoo.Calls()["product.template.load"] != 0 {
			t.Fatalf("no-op resync wrote: exit %d counts %v calls %v", code, counts(run), e.odoo.Calls())
		}
	}
	if per[true] > per[false]+2+3*n/100 {
		t.Errorf("taxes on: %d calls, off: %d; want at most 2 reads and 3 more load() calls per batch", per[true], per[false])
	}
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

// TestRealOdooTaxes: taxes into a real Odoo with the account app
// (ZOHOSYNC_REAL_ODOO_TEMPLATE=odoo17account or odoo18account): matched by
// rate and use, an unmatched rate (a warning, no tax on the new product),
// is_taxable false (empty sets, Odoo's defaults not applied), no tax named
// (Odoo's defaults), read back; a no-op resync and full sync write nothing.
// On a template without the account app: one warning and a good run.
func TestRealOdooTaxes(t *testing.T) {
	ro := newRealOdoo(t, "")
	ctx := context.Background()
	fields, err := ro.client.ProductFields(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if !odoo.TaxFieldOK(fields["taxes_id"]) {
		e := ro.env(t, envOptions{imagesOff: true})
		taxItems(e.zoho, 15)
		e.start()
		run, code := e.runNow()
		if code != 0 || counts(run)["created"] != 4 || countWarnings(run, "taxes are not synced") != 1 {
			t.Fatalf("without the account app: exit %d counts %v warnings %v", code, counts(run), warningTexts(run))
		}
		t.Logf("template %s (no account app): one warning, 4 products created", ro.templateName)
		return
	}
	company, taxes, err := ro.client.Taxes(ctx)
	if err != nil {
		t.Fatal(err)
	}
	// the rate to test with: the company's default sale tax's
	var cos []map[string]any
	if err := ro.client.Execute(ctx, "res.company", "read", []any{[]any{company}},
		map[string]any{"fields": []any{"account_sale_tax_id", "account_purchase_tax_id"}}, &cos); err != nil {
		t.Fatal(err)
	}
	defSale, defPurchase := odoo.Many2oneID(cos[0]["account_sale_tax_id"]), odoo.Many2oneID(cos[0]["account_purchase_tax_id"])
	var rate float64
	for _, tx := range taxes {
		if tx.ID == defSale {
			rate = tx.Amount
		}
	}
	sale, ok1 := mappingMatch(taxes, odoo.TaxSale, company, rate)
	purchase, ok2 := mappingMatch(taxes, odoo.TaxPurchase, company, rate)
	if defSale == 0 || !ok1 || !ok2 {
		t.Fatalf("template %s: default sale tax %d, taxes %+v: no sale and purchase tax at %g%%", ro.templateName, defSale, taxes, rate)
	}
	for _, tx := range taxes {
		if tx.Amount == 18 {
			t.Fatalf("template %s has an 18%% tax; the unmatched case needs a rate it lacks", ro.templateName)
		}
	}
	t.Logf("template %s: company %d, %d taxes; %g%%: sale %d, purchase %d; defaults %d/%d", ro.templateName, company, len(taxes), rate, sale, purchase, defSale, defPurchase)
	e := ro.env(t, envOptions{imagesOff: true})
	taxItems(e.zoho, rate)
	e.start()
	checkTaxes(t, e, ro.client, sale, purchase, defSale, defPurchase, func() int { return 0 })
}

// mappingMatch is the tax the sync must choose for a rate with no Zoho name:
// the lowest id of that use, company and rate (mapping.MatchTax's rule).
func mappingMatch(taxes []odoo.Tax, use string, company int64, rate float64) (int64, bool) {
	var best int64
	for _, tx := range taxes {
		if tx.Use == use && tx.CompanyID == company && tx.Amount == rate && (best == 0 || tx.ID < best) {
			best = tx.ID
		}
	}
	return best, best != 0
}
