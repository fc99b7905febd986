package e2e

import (
	"fmt"
	"net"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/zohosync/zohosync/server/internal/odoo/odootest"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

const webhookSecret = "e2e-webhook-secret-0123456789"

func webhookAddr(t testing.TB) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// startWithWebhooks makes a first sync, then serves webhooks; it returns the webhook URL.
func startWithWebhooks(t testing.TB, e *env, flags ...string) string {
	t.Setenv("ZOHOSYNC_WEBHOOK_SECRET", webhookSecret)
	addr := webhookAddr(t)
	e.start(append([]string{"--webhook-listen", addr}, flags...)...)
	if _, code := e.runNow(); code != 0 {
		t.Fatalf("first sync exit %d", code)
	}
	return "http://" + addr + "/zoho/webhook"
}

func postWebhook(t testing.TB, url, secret, body string) int {
	req, _ := http.NewRequest(http.MethodPost, url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	if secret != "" {
		req.Header.Set("X-Zohosync-Secret", secret)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// waitForName polls the Odoo double until a product carries name.
func waitForName(t testing.TB, e *env, name string, limit time.Duration) time.Duration {
	start := time.Now()
	for {
		for _, p := range e.odoo.Products(true) {
			if p.Name == name {
				return time.Since(start)
			}
		}
		if time.Since(start) > limit {
			t.Fatalf("no product named %q after %s", name, limit)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func TestWebhookEndToEnd(t *testing.T) {
	e := newEnv(t, envOptions{items: 20, imagesOff: true})
	url := startWithWebhooks(t, e, "--webhook-debounce", "500ms")
	id := e.zoho.Items()[3].ItemID
	e.zoho.UpdateItem(id, func(it *zohotest.Item) { it.Name = "Renamed in Zoho" })
	if code := postWebhook(t, url, "", `{"item_id":"`+id+`"}`); code != http.StatusUnauthorized {
		t.Fatalf("no secret: %d", code)
	}
	if code := postWebhook(t, url, webhookSecret, `{"item":{"item_id":"`+id+`"}}`); code != http.StatusOK {
		t.Fatalf("good call: %d", code)
	}
	waitForName(t, e, "Renamed in Zoho", 30*time.Second)
	out, _, code := e.cli("runs", "--json")
	if code != 0 || !strings.Contains(out, "RUN_KIND_WEBHOOK") {
		t.Fatalf("runs (exit %d): %s", code, out)
	}
	if strings.Contains(e.logs.String(), webhookSecret) {
		t.Fatal("the webhook secret is in the server's log")
	}
}

// BenchmarkWebhookLatency: an item edited in the emulator, its webhook
// posted, until the Odoo double shows the edit (the default 2s debounce included).
func BenchmarkWebhookLatency(b *testing.B) {
	for range b.N {
		e := newEnv(b, envOptions{items: 200, imagesOff: true, zoho: zohotest.Options{Latency: 30 * time.Millisecond}, odoo: odootest.Options{Latency: 30 * time.Millisecond}})
		url := startWithWebhooks(b, e)
		ids := e.zoho.Items()
		var lat []time.Duration
		for i := range 20 {
			id := ids[i*7].ItemID
			name := fmt.Sprintf("Edit %d", i)
			e.zoho.UpdateItem(id, func(it *zohotest.Item) { it.Name = name })
			if code := postWebhook(b, url, webhookSecret, `{"item_id":"`+id+`"}`); code != http.StatusOK {
				b.Fatalf("webhook: %d", code)
			}
			lat = append(lat, waitForName(b, e, name, 30*time.Second))
		}
		slices.Sort(lat)
		b.ReportMetric(lat[len(lat)/2].Seconds(), "p50-s")
		b.ReportMetric(lat[len(lat)*95/100].Seconds(), "p95-s")
		e.stop()
	}
}
