package engine_test

import (
	"context"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/webhook"
	"github.com/zohosync/zohosync/server/internal/zoho/zohotest"
)

const hookSecret = "a-shared-secret-for-tests"

// hookRig is a rig with a webhook receiver in front of its engine.
type hookRig struct {
	*rig
	url  string
	runs <-chan *zv1.Run
}

func newHookRig(t *testing.T, items int) *hookRig {
	r := newRig(t, rigOptions{items: items, noImage: true})
	if run := r.full(); run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
		t.Fatalf("first sync: %v", run.State)
	}
	rc, err := webhook.New(r.eng, webhook.Options{Secret: config.NewSecret(hookSecret), Debounce: 50 * time.Millisecond, MaxWait: 200 * time.Millisecond, Burst: 5, Rate: 1})
	if err != nil {
		t.Fatal(err)
	}
	runs, unfollow := r.eng.Follow()
	ctx, cancel := context.WithCancel(context.Background())
	go rc.Run(ctx)
	srv := httptest.NewServer(rc.Handler())
	t.Cleanup(func() { srv.Close(); cancel(); unfollow(); r.eng.Wait() })
	return &hookRig{rig: r, url: srv.URL + webhook.Path, runs: runs}
}

func (h *hookRig) post(body string) int {
	h.t.Helper()
	req, _ := http.NewRequest(http.MethodPost, h.url, strings.NewReader(body))
	req.Header.Set("Content-Type", "application/json")
	req.Header.Set(webhook.SecretHeader, hookSecret)
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		h.t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}

// nextWebhookRun waits for the end of the next webhook run.
func (h *hookRig) nextWebhookRun() *zv1.Run {
	h.t.Helper()
	timeout := time.After(10 * time.Second)
	for {
		select {
		case r := <-h.runs:
			if r.Kind == zv1.RunKind_RUN_KIND_WEBHOOK && r.State != zv1.RunState_RUN_STATE_RUNNING {
				return r
			}
		case <-timeout:
			h.t.Fatal("no webhook run ended")
		}
	}
}

func TestWebhookRuns(t *testing.T) {
	tests := []struct {
		name string
		// act changes Zoho and posts; it returns the ids whose products it checks.
		act   func(h *hookRig, ids []string) string
		check func(t *testing.T, h *hookRig, run *zv1.Run, id string)
	}{
		{"an edit is synced", func(h *hookRig, ids []string) string {
			h.zoho.UpdateItem(ids[0], func(it *zohotest.Item) { it.Name = "Edited by webhook" })
			h.post(`{"item":{"item_id":"` + ids[0] + `","name":"ignored: Zoho is asked"}}`)
			return ids[0]
		}, func(t *testing.T, h *hookRig, run *zv1.Run, id string) {
			if p := h.products()[id]; len(p) != 1 || p[0].Name != "Edited by webhook" || counts(run).Updated != 1 {
				t.Fatalf("product %+v counts %+v", p, counts(run))
			}
		}},
		{"a delete Zoho confirms archives", func(h *hookRig, ids []string) string {
			h.zoho.DeleteItem(ids[1])
			h.post(`{"item_id":` + ids[1] + `}`)
			return ids[1]
		}, func(t *testing.T, h *hookRig, run *zv1.Run, id string) {
			if p := h.products()[id]; len(p) != 1 || p[0].Active || counts(run).Archived != 1 {
				t.Fatalf("product %+v counts %+v", p, counts(run))
			}
		}},
		{"a forged delete of an existing item archives nothing", func(h *hookRig, ids []string) string {
			h.post(`{"item_id":"` + ids[2] + `","event":"deleted"}`)
			return ids[2]
		}, func(t *testing.T, h *hookRig, run *zv1.Run, id string) {
			if p := h.products()[id]; len(p) != 1 || !p[0].Active || counts(run).Archived != 0 || counts(run).Unchanged != 1 {
				t.Fatalf("product %+v counts %+v", p, counts(run))
			}
		}},
		{"an id Zoho does not have creates nothing", func(h *hookRig, ids []string) string {
			h.post(`{"item_id":"9999999999999999"}`)
			return "9999999999999999"
		}, func(t *testing.T, h *hookRig, run *zv1.Run, id string) {
			if p := h.products()[id]; len(p) != 0 || counts(run).Created != 0 || len(h.odoo.Products(true)) != 5 {
				t.Fatalf("product %+v counts %+v", p, counts(run))
			}
		}},
		{"many events make one run; a flood is refused but what was accepted is synced once", func(h *hookRig, ids []string) string {
			h.zoho.UpdateItem(ids[3], func(it *zohotest.Item) { it.Rate = 123.45 })
			codes := map[int]int{}
			for range 20 {
				codes[h.post(`{"item_ids":["`+ids[3]+`","`+ids[4]+`"]}`)]++
			}
			if codes[http.StatusOK] == 0 || codes[http.StatusTooManyRequests] == 0 {
				h.t.Fatalf("answers %v", codes)
			}
			return ids[3]
		}, func(t *testing.T, h *hookRig, run *zv1.Run, id string) {
			if p := h.products()[id]; len(p) != 1 || p[0].ListPrice != 123.45 || counts(run).Seen != 2 || counts(run).Updated != 1 {
				t.Fatalf("product %+v counts %+v", p, counts(run))
			}
			select {
			case r := <-h.runs:
				t.Fatalf("a second run %v %v", r.Kind, r.State)
			case <-time.After(400 * time.Millisecond):
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			h := newHookRig(t, 5)
			var ids []string
			for _, it := range h.zoho.Items() {
				ids = append(ids, it.ItemID)
			}
			id := tt.act(h, ids)
			run := h.nextWebhookRun()
			if run.Trigger != zv1.RunTrigger_RUN_TRIGGER_WEBHOOK || run.State != zv1.RunState_RUN_STATE_SUCCEEDED {
				t.Fatalf("run %v %v %s", run.Trigger, run.State, run.Error)
			}
			tt.check(t, h, run, id)
		})
	}
}

func TestStartRefusesWebhookKind(t *testing.T) {
	r := newRig(t, rigOptions{items: 1, noImage: true})
	if _, _, err := r.eng.Start(zv1.RunKind_RUN_KIND_WEBHOOK, false, zv1.RunTrigger_RUN_TRIGGER_MANUAL); err == nil {
		t.Fatal("a webhook run started without ids")
	}
}
