package e2e

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/cookiejar"
	"os"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

// BenchmarkRealOdooFirstSync (make bench-real-odoo; skipped without
// ZOHOSYNC_REAL_ODOO): a first sync of 1,000 items, 60% with a picture of
// about 200 KB, Zoho's rate lifted so that Odoo is the bound, into a fresh
// copy of the template; then the least a client could do for the same
// products on another fresh copy — load() of 100-row batches with their
// pictures, the next batch built while one is in flight — and the ratio.
// A meter in front of Odoo counts and times every call; the breakdown is logged.
// The sync runs twice: with the password and with an API key.
func BenchmarkRealOdooFirstSync(b *testing.B) {
	const items, seed = 1000, 2
	for i := 0; i < b.N; i++ {
		plain := benchPlainWriter(b, items, seed)
		b.ReportMetric(plain.Seconds(), "plain-wall-s")
		creds := []string{"password", "apikey"}
		if v := os.Getenv("ZOHOSYNC_BENCH_CREDENTIALS"); v != "" {
			creds = strings.Split(v, ",")
		}
		for _, cred := range creds {
			wall := benchZohosync(b, items, seed, cred)
			b.ReportMetric(wall.Seconds()/plain.Seconds(), cred+"-ratio-to-plain")
		}
	}
}

// benchZohosync runs the real binary for a first sync into a fresh copy and
// reports its wall time, Odoo RPCs and bytes sent per item.
func benchZohosync(b *testing.B, items int, seed int64, cred string) time.Duration {
	ro := newRealOdoo(b, "")
	defer ro.drop()
	meter := newRPCMeter(b, ro.url)
	e := ro.env(b, envOptions{items: items, seed: seed, zohoExtra: map[string]any{"requests_per_minute": 6000},
		zoho: zohotest.Options{PerMinuteLimit: 6000}})
	e.zoho.SeedImageSize(200_000)
	secret := "admin"
	if cred == "apikey" {
		secret = makeAPIKey(b, ro)
	}
	e.writeJSON("odoo_config.json", map[string]any{"url": meter.URL, "db": ro.db, "username": "admin", "password": secret,
		"retry_base_seconds": 0.2, "max_retries": 4})
	e.start()
	defer e.stop()
	meter.reset()
	cpu0 := odooCPU()
	start := time.Now()
	run, code := e.runNow("--full")
	wall := time.Since(start)
	reportOdooCPU(b, cred, cpu0)
	if code != 0 {
		b.Fatalf("first sync (%s): exit %d: %v", cred, code, run["error"])
	}
	if c := counts(run); c["created"] != items || c["failed"] != 0 || c["images_failed"] != 0 {
		b.Fatalf("first sync (%s): counts %v", cred, c)
	}
	t := meter.totals()
	b.ReportMetric(wall.Seconds(), cred+"-wall-s")
	b.ReportMetric(t.inOdoo.Seconds(), cred+"-in-odoo-s")
	b.ReportMetric(float64(t.calls)/float64(items), cred+"-odoo-rpcs/item")
	b.ReportMetric(float64(t.sent)/float64(items), cred+"-odoo-bytes-sent/item")
	b.Logf("zohosync, first sync of %d items with the %s: %s, %d Odoo calls (%.1f s with one in flight, %.1f s summed), %.1f MB sent\n%s",
		items, cred, wall.Round(time.Millisecond), t.calls, t.inOdoo.Seconds(), t.sumOfCalls.Seconds(), float64(t.sent)/(1<<20), meter.breakdown())
	e.stop()
	ro.check(e.zoho, true)
	probeAuthCost(b, ro, secret, cred)
	return wall
}

// makeAPIKey makes a persistent API key for admin as the user preferences
// dialog does, over JSON-RPC with a web session: the key wizard needs one
// (it asks for the password once, an identity check).
func makeAPIKey(b testing.TB, ro *realOdoo) string {
	jar, _ := cookiejar.New(nil)
	hc := &http.Client{Jar: jar, Timeout: time.Minute}
	call := func(path string, params map[string]any) any {
		body, _ := json.Marshal(map[string]any{"jsonrpc": "2.0", "method": "call", "id": 1, "params": params})
		res, err := hc.Post(ro.url+path, "application/json", bytes.NewReader(body))
		if err != nil {
			b.Fatalf("API key: %v", err)
		}
		defer res.Body.Close()
		var out struct {
			Result any
			Error  map[string]any
		}
		if err := json.NewDecoder(res.Body).Decode(&out); err != nil || out.Error != nil {
			b.Fatalf("API key: %s: %v %v", path, err, out.Error)
		}
		return out.Result
	}
	kw := func(model, method string, args ...any) any {
		return call("/web/dataset/call_kw", map[string]any{"model": model, "method": method, "args": args, "kwargs": map[string]any{}})
	}
	call("/web/session/authenticate", map[string]any{"db": ro.db, "login": "admin", "password": "admin"})
	descID := kw("res.users.apikeys.description", "create", map[string]any{"name": "zohosync bench", "duration": "0"})
	if ids, ok := descID.([]any); ok {
		descID = ids[0]
	}
	action, _ := kw("res.users.apikeys.description", "make_key", []any{descID}).(map[string]any)
	if ctx, _ := action["context"].(map[string]any); ctx["default_key"] == nil {
		checkID := action["res_id"]
		kw("res.users.identitycheck", "write", []any{checkID}, map[string]any{"password": "admin"})
		action, _ = kw("res.users.identitycheck", "run_check", []any{checkID}).(map[string]any)
	}
	ctx, _ := action["context"].(map[string]any)
	key, _ := ctx["default_key"].(string)
	if len(key) != 40 {
		b.Fatalf("API key wizard answered %v", action)
	}
	return key
}

// probeAuthCost measures what the first authenticated call after a product
// create costs more than the next one: Odoo checking the secret again.
func probeAuthCost(b testing.TB, ro *realOdoo, secret, cred string) {
	ctx := context.Background()
	c := odoo.New(odoo.Config{URL: ro.url, DB: ro.db, Username: "admin", Password: secret})
	if err := c.Login(ctx); err != nil {
		b.Fatal(err)
	}
	cheap := func() time.Duration {
		start := time.Now()
		var n int64
		if err := c.Execute(ctx, "res.users", "search_count", []any{[]any{}}, nil, &n); err != nil {
			b.Fatal(err)
		}
		return time.Since(start)
	}
	const reps = 5
	var first, second time.Duration
	for i := 0; i < reps; i++ {
		// A new external id each time: load() creates (an update would not clear Odoo's caches).
		if res, err := c.Load(ctx, []string{"id", "name"}, [][]string{{fmt.Sprintf("zohosync_bench.probe_%s_%d", cred, i), "probe"}}); err != nil || res.IDs == nil {
			b.Fatalf("probe create: %v %v", err, res.RowErr)
		}
		first += cheap()
		second += cheap()
	}
	cost := (first - second) / reps
	if bb, ok := b.(*testing.B); ok {
		bb.ReportMetric(cost.Seconds(), cred+"-auth-check-after-create-s")
	}
	b.Logf("%s: the first call after a create takes %.3f s, the next %.3f s: %.3f s to check the secret again",
		cred, (first / reps).Seconds(), (second / reps).Seconds(), cost.Seconds())
}

// benchPlainWriter writes the same products as the sync with nothing but
// load(): 100 rows a call, pictures in the rows, no lookups.
func benchPlainWriter(b *testing.B, items int, seed int64) time.Duration {
	ro := newRealOdoo(b, "")
	defer ro.drop()
	meter := newRPCMeter(b, ro.url)
	em := zohotest.NewServer(zohotest.Options{PerMinuteLimit: -1})
	defer em.Close()
	em.Seed(items, seed)
	em.SeedImageSize(200_000)
	cols := []string{"id", "name", "default_code", "description_sale", "list_price", "standard_price", "uom_id/.id",
		"sale_ok", "purchase_ok", "type", "active", "image_1920"}
	all := em.Items()
	batches := make(chan [][]string, 1)
	go func() {
		defer close(batches)
		for start := 0; start < len(all); start += 100 {
			var rows [][]string
			for _, it := range all[start:min(start+100, len(all))] {
				uom := uomFor(it.Unit)
				if uom == 0 {
					uom = 1
				}
				typ := "consu"
				if it.ProductType == "service" {
					typ = "service"
				}
				active := "1"
				if it.Status == "inactive" {
					active = "0"
				}
				img := ""
				if data, _, ok := em.ImageBytes(it.ItemID); ok {
					img = base64.StdEncoding.EncodeToString(data)
				}
				rows = append(rows, []string{odoo.XMLID(it.ItemID), it.Name, it.SKU, strings.ReplaceAll(it.Description, "\r\n", "\n"),
					strconv.FormatFloat(it.Rate, 'f', -1, 64), strconv.FormatFloat(it.PurchaseRate, 'f', -1, 64), strconv.Itoa(uom),
					"1", "1", typ, active, img})
			}
			batches <- rows
		}
	}()
	ctx := context.Background()
	cpu0 := odooCPU()
	start := time.Now()
	c := odoo.New(odoo.Config{URL: meter.URL, DB: ro.db, Username: "admin", Password: "admin"})
	if err := c.Login(ctx); err != nil {
		b.Fatal(err)
	}
	for rows := range batches {
		res, err := c.Load(ctx, cols, rows)
		if err != nil || res.IDs == nil {
			b.Fatalf("plain load: %v %v", err, res.RowErr)
		}
	}
	wall := time.Since(start)
	reportOdooCPU(b, "plain", cpu0)
	t := meter.totals()
	b.ReportMetric(t.inOdoo.Seconds(), "plain-in-odoo-s")
	b.ReportMetric(float64(t.sent)/float64(items), "plain-odoo-bytes-sent/item")
	b.Logf("plain writer, %d items: %s, %d Odoo calls (%.1f s in Odoo), %.1f MB sent\n%s", items, wall.Round(time.Millisecond),
		t.calls, t.inOdoo.Seconds(), float64(t.sent)/(1<<20), meter.breakdown())
	ro.check(em, true)
	return wall
}

// odooCPU is the CPU time the Odoo server process has used so far (its pid
// in ZOHOSYNC_REAL_ODOO_PID; -1 without it). On a shared machine it varies
// far less with the load than wall time does; it counts whatever else that
// Odoo serves meanwhile, and not PostgreSQL.
func odooCPU() time.Duration {
	pid := os.Getenv("ZOHOSYNC_REAL_ODOO_PID")
	if pid == "" {
		return -1
	}
	data, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return -1
	}
	f := strings.Fields(string(data[bytes.LastIndexByte(data, ')')+2:]))
	utime, _ := strconv.ParseInt(f[11], 10, 64)
	stime, _ := strconv.ParseInt(f[12], 10, 64)
	return time.Duration(utime+stime) * time.Second / 100 // USER_HZ
}

func reportOdooCPU(b *testing.B, label string, before time.Duration) {
	if before < 0 {
		return
	}
	if now := odooCPU(); now >= 0 {
		b.ReportMetric((now - before).Seconds(), label+"-odoo-cpu-s")
	}
}
