package e2e

import (
	"fmt"
	"testing"

	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// BenchmarkIncremental: the Zoho calls (and Odoo RPCs) of a no-op smart sync
// and of one with 10 changed items, at 10,000 and 100,000 items, before (every smart sync
// lists everything: full_listing_hours 0) and after (incremental reads). A
// full sync and one smart sync (which probes Books once) come first.
func BenchmarkIncremental(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		for _, mode := range []string{"full-listing", "incremental"} {
			b.Run(fmt.Sprintf("%d-%s", n, mode), func(b *testing.B) {
				for i := 0; i < b.N; i++ {
					extra := map[string]any{"requests_per_minute": 10000}
					if mode == "full-listing" {
						extra["full_listing_hours"] = 0
					}
					e := newEnv(b, envOptions{items: n, seed: 6, imagesOff: true, batchSize: 200, zohoExtra: extra,
						zoho: zohotest.Options{PerMinuteLimit: 10000}})
					e.start()
					if _, code := e.runNow("--full"); code != 0 {
						b.Fatalf("full sync: exit %d", code)
					}
					if _, code := e.runNow(); code != 0 {
						b.Fatalf("first smart sync: exit %d", code)
					}
					measure := func(label string) {
						z0, l0, o0 := e.zoho.Stats().APICalls, e.listCalls(), e.odoo.TotalCalls()
						run, code := e.runNow()
						if code != 0 {
							b.Fatalf("%s: exit %d", label, code)
						}
						b.ReportMetric(float64(e.zoho.Stats().APICalls-z0), label+"-zoho_calls/op")
						b.ReportMetric(float64(e.listCalls()-l0), label+"-list_calls/op")
						b.ReportMetric(float64(e.odoo.TotalCalls()-o0), label+"-odoo_rpcs/op")
						b.Logf("%d items, %s, %s: %d Zoho calls (%d list), %d Odoo RPCs, %v", n, mode, label, e.zoho.Stats().APICalls-z0, e.listCalls()-l0,
							e.odoo.TotalCalls()-o0, counts(run))
					}
					measure("noop")
					e.changeItems(10)
					measure("changed10")
					e.stop()
				}
			})
		}
	}
}
