package e2e

import (
	"fmt"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// peakRSS reads the server process's peak resident set (VmHWM) in bytes.
func (e *env) peakRSS() int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.srv.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

// measuredRun starts a fresh server (so its peak RSS covers one run only),
// runs one sync and reports what it cost.
func measuredRun(b *testing.B, e *env, label string, args ...string) {
	b.Helper()
	e.start()
	defer e.stop()
	zoho0, odoo0 := e.zoho.Stats(), e.odoo.TotalCalls()
	odooBytes0 := e.odoo.BytesReceived()
	start := time.Now()
	run, code := e.runNow(args...)
	wall := time.Since(start)
	if code != 0 {
		b.Fatalf("%s: exit %d: %v", label, code, run["error"])
	}
	c := counts(run)
	zs := e.zoho.Stats()
	zohoCalls := zs.APICalls - zoho0.APICalls
	odooCalls := e.odoo.TotalCalls() - odoo0
	items := float64(c["seen"])
	b.ReportMetric(wall.Seconds(), label+"-wall-s")
	b.ReportMetric(float64(zohoCalls), label+"-zoho-calls")
	b.ReportMetric(float64(zohoCalls)/items, label+"-zoho-calls/item")
	b.ReportMetric(float64(odooCalls), label+"-odoo-rpcs")
	b.ReportMetric(float64(odooCalls)/items, label+"-odoo-rpcs/item")
	b.ReportMetric(float64(zohoCalls)/wall.Minutes(), label+"-zoho-req/min")
	b.ReportMetric(float64(zs.RateLimited44-zoho0.RateLimited44), label+"-zoho-429s")
	b.ReportMetric(float64(e.odoo.BytesReceived()-odooBytes0)/(1<<20), label+"-odoo-MB-sent")
	b.ReportMetric(float64(e.peakRSS())/(1<<20), label+"-peak-RSS-MB")
	if c["images_downloaded"]+c["images_unchanged"] > 0 {
		b.ReportMetric(float64(zs.ImageCalls-zoho0.ImageCalls), label+"-image-downloads")
		b.ReportMetric(float64(c["image_bytes_downloaded"])/(1<<20), label+"-image-MB-downloaded")
		b.ReportMetric(float64(c["image_bytes_sent"])/(1<<20), label+"-image-MB-sent")
	}
	b.Logf("%s: %v in %s; Zoho %d calls, Odoo %d RPCs, peak RSS %.1f MB", label, c, wall.Round(time.Millisecond),
		zohoCalls, odooCalls, float64(e.peakRSS())/(1<<20))
}

// BenchmarkSync10k: a full sync of 10,000 items and a no-op smart resync,
// with 30 ms added to every Zoho and Odoo call and Zoho's real limit of 100
// requests per minute.
func BenchmarkSync10k(b *testing.B) {
	for i := 0; i < b.N; i++ {
		e := newEnv(b, envOptions{items: 10000, seed: 1, imagesOff: true,
			zoho: zohotest.Options{Latency: 30 * time.Millisecond, PerMinuteLimit: 100},
			odoo: odootest.Options{Latency: 30 * time.Millisecond}})
		measuredRun(b, e, "full", "--full")
		measuredRun(b, e, "noop")
	}
}

// BenchmarkImages: 60% of the items have an image of about 200 KB; 30 ms is
// added to every call. The emulator allows 6,000 requests a minute here so
// that the figures show the sync's own cost (with Zoho's real 100 a minute,
// image downloads are bound at 90 a minute).
func BenchmarkImages(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				e := newEnv(b, envOptions{items: n, seed: 2, zohoExtra: map[string]any{"requests_per_minute": 6000},
					zoho: zohotest.Options{Latency: 30 * time.Millisecond, PerMinuteLimit: 6000},
					odoo: odootest.Options{Latency: 30 * time.Millisecond}})
				e.zoho.SeedImageSize(200_000)
				measuredRun(b, e, "full", "--full")
				measuredRun(b, e, "noop")
			}
		})
	}
}
