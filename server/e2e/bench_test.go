package e2e

import (
	"context"
	"fmt"
	"math"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"sync/atomic"
	"syscall"
	"testing"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// procStatus reads one field (in kB) of the server process's /proc status, in bytes.
func (e *env) procStatus(field string) int64 {
	data, err := os.ReadFile(fmt.Sprintf("/proc/%d/status", e.srv.Process.Pid))
	if err != nil {
		return -1
	}
	for _, line := range strings.Split(string(data), "\n") {
		if v, ok := strings.CutPrefix(line, field+":"); ok {
			kb, _ := strconv.ParseInt(strings.Fields(v)[0], 10, 64)
			return kb * 1024
		}
	}
	return -1
}

// peakRSS is the server process's peak resident set (VmHWM): its own memory
// plus the pages of Badger's memory-mapped files it touched.
func (e *env) peakRSS() int64 { return e.procStatus("VmHWM") }

// sampleAnon samples the server's anonymous resident memory (RssAnon: heap,
// stacks; not file pages the kernel can drop) until stop, and returns the peak.
func (e *env) sampleAnon(stop <-chan struct{}) <-chan int64 {
	out := make(chan int64, 1)
	go func() {
		var peak int64
		t := time.NewTicker(20 * time.Millisecond)
		defer t.Stop()
		for {
			if v := e.procStatus("RssAnon"); v > peak {
				peak = v
			}
			select {
			case <-stop:
				out <- peak
				return
			case <-t.C:
			}
		}
	}()
	return out
}

// memCgroup makes a cgroup (v1 memory controller) that caps its processes'
// anonymous memory and page cache together at limit bytes. It skips the
// benchmark where there is none to be had (not root, no v1 controller).
func memCgroup(b *testing.B, limit int64) string {
	b.Helper()
	dir := filepath.Join("/sys/fs/cgroup/memory", fmt.Sprintf("zohosync-bench-%d", os.Getpid()))
	if err := os.Mkdir(dir, 0o755); err != nil {
		b.Skipf("no memory cgroup here (needs root and cgroup v1's memory controller): %v", err)
	}
	b.Cleanup(func() { _ = os.Remove(dir) })
	if err := os.WriteFile(filepath.Join(dir, "memory.limit_in_bytes"), []byte(fmt.Sprint(limit)), 0o644); err != nil {
		b.Skipf("cannot set a memory limit: %v", err)
	}
	return dir
}

// measuredRun starts a fresh server (so its peak RSS covers one run only),
// runs one sync and reports what it cost. With a cgroup, the server runs in it.
func measuredRun(b *testing.B, e *env, cgroup, label string, args ...string) {
	b.Helper()
	e.start()
	defer e.stop()
	if cgroup != "" {
		if err := os.WriteFile(filepath.Join(cgroup, "cgroup.procs"), []byte(fmt.Sprint(e.srv.Process.Pid)), 0o644); err != nil {
			b.Fatal(err)
		}
		_ = os.WriteFile(filepath.Join(cgroup, "memory.max_usage_in_bytes"), []byte("0"), 0o644)
		defer func() {
			if v, err := os.ReadFile(filepath.Join(cgroup, "memory.max_usage_in_bytes")); err == nil {
				n, _ := strconv.ParseInt(strings.TrimSpace(string(v)), 10, 64)
				b.ReportMetric(float64(n)/(1<<20), label+"-cgroup-peak-MB")
			}
		}()
	}
	e.zoho.ResetStats() // PeakPerMinute is this run's (its window still sees the last run's calls)
	zoho0, odoo0 := e.zoho.Stats(), e.odoo.TotalCalls()
	odooBytes0 := e.odoo.BytesReceived()
	stop := make(chan struct{})
	anon := e.sampleAnon(stop)
	start := time.Now()
	run, code := e.runNow(args...)
	wall := time.Since(start)
	close(stop)
	peakAnon := <-anon
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
	b.ReportMetric(float64(zs.PeakPerMinute), label+"-zoho-peak-calls-in-60s")
	b.ReportMetric(float64(zs.RateLimited44-zoho0.RateLimited44), label+"-zoho-429s")
	b.ReportMetric(float64(e.odoo.BytesReceived()-odooBytes0)/(1<<20), label+"-odoo-MB-sent")
	b.ReportMetric(float64(e.odoo.BytesReceived()-odooBytes0)/items, label+"-odoo-bytes-sent/item")
	b.ReportMetric(float64(e.peakRSS())/(1<<20), label+"-peak-RSS-MB")
	b.ReportMetric(float64(peakAnon)/(1<<20), label+"-peak-anon-MB")
	if c["images_downloaded"]+c["images_unchanged"] > 0 {
		b.ReportMetric(float64(zs.ImageCalls-zoho0.ImageCalls), label+"-image-downloads")
		b.ReportMetric(float64(c["image_bytes_downloaded"])/(1<<20), label+"-image-MB-downloaded")
		b.ReportMetric(float64(c["image_bytes_sent"])/(1<<20), label+"-image-MB-sent")
	}
	b.Logf("%s: %v in %s; Zoho %d calls (%.0f/min on average, at most %d in 60 s, %d 429s), Odoo %d RPCs, peak RSS %.1f MB, peak anonymous %.1f MB", label, c,
		wall.Round(time.Millisecond), zohoCalls, float64(zohoCalls)/wall.Minutes(), zs.PeakPerMinute, zs.RateLimited44-zoho0.RateLimited44, odooCalls,
		float64(e.peakRSS())/(1<<20), float64(peakAnon)/(1<<20))
}

// BenchmarkImages: 60% of the items have an image of about 200 KB; 30 ms is
// added to every call. The emulator allows 6,000 requests a minute here so
// that the figures show the sync's own cost (with Zoho's real 100 a minute,
// image downloads are bound at 90 a minute).
func BenchmarkImages(b *testing.B) {
	for _, n := range []int{1000, 10000} {
		b.Run(fmt.Sprint(n), func(b *testing.B) {
			for i := 0; i < b.N; i++ {
				e := newEnv(b, envOptions{items: n, seed: 2, zohoExtra: map[string]any{"requests_per_minute": 6000, "full_listing_hours": 0},
					zoho: zohotest.Options{Latency: 30 * time.Millisecond, PerMinuteLimit: 6000},
					odoo: odootest.Options{Latency: 30 * time.Millisecond}})
				e.zoho.SeedImageSize(200_000)
				measuredRun(b, e, "", "full", "--full")
				measuredRun(b, e, "", "noop")
			}
		})
	}
}

// dirBytes is the disk space a directory really uses (allocated blocks, so
// that Badger's sparse preallocated files count for what they hold).
func dirBytes(dir string) int64 {
	var n int64
	_ = filepath.Walk(dir, func(_ string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() {
			if st, ok := fi.Sys().(*syscall.Stat_t); ok {
				n += st.Blocks * 512
			}
		}
		return nil
	})
	return n
}

// BenchmarkScale: a full sync and a no-op resync at 20,000 items against
// Zoho's real limit of 100 requests a minute (we ask for 90: the most calls in
// any 60 s and the 429s are the figures), and at 10,000 and 100,000 items
// with the limit lifted, for memory and Badger size per item.
func BenchmarkScale(b *testing.B) {
	cases := []struct {
		items int
		rpm   int // the emulator's per-minute limit
		capMB int // the server in a cgroup of this many MB, page cache included (0: none)
	}{{20_000, 100, 0}, {10_000, 6000, 0}, {100_000, 6000, 0}, {100_000, 6000, 96}}
	for _, tc := range cases {
		name := fmt.Sprintf("%d-at-%d-per-min", tc.items, tc.rpm)
		if tc.capMB > 0 {
			name += fmt.Sprintf("-in-%dMB", tc.capMB)
		}
		b.Run(name, func(b *testing.B) {
			cgroup := ""
			if tc.capMB > 0 {
				cgroup = memCgroup(b, int64(tc.capMB)<<20)
			}
			for i := 0; i < b.N; i++ {
				o := envOptions{items: tc.items, seed: 3, imagesOff: true, batchSize: 200,
					zoho: zohotest.Options{Latency: 30 * time.Millisecond, PerMinuteLimit: tc.rpm},
					odoo: odootest.Options{Latency: 30 * time.Millisecond}}
				// 90 against 100 is the default; the no-op resync lists everything (BenchmarkIncremental measures the cursor)
				o.zohoExtra = map[string]any{"requests_per_minute": tc.rpm * 9 / 10, "full_listing_hours": 0}
				e := newEnv(b, o)
				measuredRun(b, e, cgroup, "full", "--full")
				measuredRun(b, e, cgroup, "noop")
				b.ReportMetric(float64(dirBytes(filepath.Join(e.dataDir, "state")))/float64(tc.items), "badger-bytes/item")
				b.ReportMetric(math.Ceil(float64(tc.items)/200), "least-zoho-list-calls")
			}
		})
	}
}

// BenchmarkAPILoad: a full sync of 5,000 items alone, then again while 50
// clients watch it and 200 GetStatus calls a second hit the server.
func BenchmarkAPILoad(b *testing.B) {
	run := func(load bool) time.Duration {
		e := newEnv(b, envOptions{items: 5000, seed: 4, imagesOff: true, zohoExtra: map[string]any{"requests_per_minute": 3000},
			zoho: zohotest.Options{Latency: 30 * time.Millisecond}, odoo: odootest.Options{Latency: 30 * time.Millisecond}})
		e.start()
		defer e.stop()
		conn, err := grpc.NewClient(e.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
		if err != nil {
			b.Fatal(err)
		}
		defer conn.Close()
		sc := zv1.NewSyncServiceClient(conn)
		ctx, cancel := context.WithCancel(context.Background())
		defer cancel()
		start := time.Now()
		resp, err := sc.StartSync(ctx, &zv1.StartSyncRequest{Kind: zv1.RunKind_RUN_KIND_FULL})
		if err != nil {
			b.Fatal(err)
		}
		var statusCalls, watchEvents atomic.Int64
		var wg sync.WaitGroup
		if load {
			for w := 0; w < 50; w++ {
				wg.Add(1)
				go func() {
					defer wg.Done()
					st, err := sc.WatchRun(ctx, &zv1.WatchRunRequest{RunId: resp.Run.Id})
					if err != nil {
						return
					}
					for {
						if _, err := st.Recv(); err != nil {
							return
						}
						watchEvents.Add(1)
					}
				}()
			}
			wg.Add(1)
			go func() {
				defer wg.Done()
				tick := time.NewTicker(5 * time.Millisecond) // 200 a second
				defer tick.Stop()
				for {
					select {
					case <-ctx.Done():
						return
					case <-tick.C:
						go func() {
							if _, err := sc.GetStatus(ctx, &zv1.GetStatusRequest{}); err == nil {
								statusCalls.Add(1)
							}
						}()
					}
				}
			}()
		}
		w, err := sc.WatchRun(ctx, &zv1.WatchRunRequest{RunId: resp.Run.Id})
		if err != nil {
			b.Fatal(err)
		}
		for {
			ev, err := w.Recv()
			if err != nil {
				b.Fatal(err)
			}
			if ev.GetEvent().GetFinished() != nil {
				break
			}
		}
		elapsed := time.Since(start)
		cancel()
		wg.Wait()
		if load {
			b.ReportMetric(float64(statusCalls.Load())/elapsed.Seconds(), "getstatus/s")
			b.ReportMetric(float64(watchEvents.Load())/50, "events-per-watcher")
		}
		return elapsed
	}
	for i := 0; i < b.N; i++ {
		alone := run(false)
		loaded := run(true)
		b.ReportMetric(alone.Seconds(), "alone-s")
		b.ReportMetric(loaded.Seconds(), "loaded-s")
		b.ReportMetric(100*(loaded.Seconds()-alone.Seconds())/alone.Seconds(), "slowdown-%")
	}
}
