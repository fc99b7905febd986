package app

import (
	"errors"
	"log/slog"
	"net"
	"net/http"
	"net/http/pprof"
	"sync/atomic"
	"time"

	grpcprom "github.com/grpc-ecosystem/go-grpc-middleware/providers/prometheus"
	"github.com/prometheus/client_golang/prometheus"
	"github.com/prometheus/client_golang/prometheus/collectors"
	"github.com/prometheus/client_golang/prometheus/promhttp"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/quota"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// metrics are the Prometheus metrics served on --metrics.
type metrics struct {
	reg         *prometheus.Registry
	runs        *prometheus.CounterVec
	items       *prometheus.CounterVec
	images      *prometheus.CounterVec
	duration    prometheus.Histogram
	lastSuccess prometheus.Gauge
	inProgress  prometheus.Gauge
	webhooks    *prometheus.CounterVec
	grpc        *grpcprom.ServerMetrics // grpc_server_started_total, _handled_total, _handling_seconds, …
	odooRPCs    atomic.Int64
}

func newMetrics(zc *zoho.Client, qp *quota.Planner) *metrics {
	m := &metrics{reg: prometheus.NewRegistry()}
	m.runs = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zohosync_runs_total", Help: "Finished runs by kind and final state."}, []string{"kind", "state"})
	m.items = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zohosync_items_total", Help: "Items handled by outcome."}, []string{"outcome"})
	m.images = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zohosync_images_total", Help: "Images by outcome."}, []string{"outcome"})
	m.duration = prometheus.NewHistogram(prometheus.HistogramOpts{Name: "zohosync_run_duration_seconds", Help: "Run duration.", Buckets: prometheus.ExponentialBuckets(1, 2, 14)})
	m.lastSuccess = prometheus.NewGauge(prometheus.GaugeOpts{Name: "zohosync_last_success_timestamp_seconds", Help: "When the last successful run finished (Unix time)."})
	m.inProgress = prometheus.NewGauge(prometheus.GaugeOpts{Name: "zohosync_run_in_progress", Help: "1 while a run is in progress."})
	m.webhooks = prometheus.NewCounterVec(prometheus.CounterOpts{Name: "zohosync_webhook_requests_total", Help: "Webhook requests by outcome (accepted, unauthorized, too_large, rate_limited, bad_method, bad_request)."}, []string{"outcome"})
	// The usual gRPC server metrics, named as dashboards for gRPC servers expect.
	m.grpc = grpcprom.NewServerMetrics(grpcprom.WithServerHandlingTimeHistogram())
	m.reg.MustRegister(m.runs, m.items, m.images, m.duration, m.lastSuccess, m.inProgress, m.webhooks, m.grpc)
	m.reg.MustRegister(
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zohosync_zoho_calls_total", Help: "Zoho API requests sent (each attempt)."}, func() float64 { return float64(zc.Stats().Calls) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zohosync_zoho_rate_limited_total", Help: "Zoho 429 answers (codes 44 and 1070)."}, func() float64 { return float64(zc.Stats().RateLimited) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zohosync_zoho_token_mints_total", Help: "Zoho access tokens minted."}, func() float64 { return float64(zc.Stats().TokenMints) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zohosync_zoho_quota_remaining", Help: "Zoho daily calls left as last reported (-1 unknown)."}, func() float64 { return float64(zc.Stats().QuotaLeft) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zohosync_zoho_quota_limit", Help: "Zoho daily call allowance of the organisation as last reported (0 unknown)."}, func() float64 { return float64(figures(qp).Limit) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zohosync_zoho_quota_used", Help: "Zoho calls used today by every app of the organisation, as last reported."}, func() float64 { return float64(figures(qp).Used()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "zohosync_zoho_quota_reserve", Help: "Zoho daily calls left to the organisation's other apps (quota_reserve_percent)."}, func() float64 { return float64(figures(qp).Reserve) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "zohosync_odoo_rpcs_total", Help: "Odoo XML-RPC calls made by finished runs."}, func() float64 { return float64(m.odooRPCs.Load()) }),
		collectors.NewGoCollector(),
		collectors.NewProcessCollector(collectors.ProcessCollectorOpts{}),
	)
	return m
}

// figures are the quota planner's figures; none without a planner.
func figures(qp *quota.Planner) quota.Figures {
	if qp == nil {
		return quota.Figures{}
	}
	return qp.Current()
}

func (m *metrics) runStarted(*zv1.Run) { m.inProgress.Set(1) }

func (m *metrics) webhookRequest(outcome string) { m.webhooks.WithLabelValues(outcome).Inc() }

func (m *metrics) runFinished(r *zv1.Run) {
	m.inProgress.Set(0)
	m.runs.WithLabelValues(r.GetKind().String(), r.GetState().String()).Inc()
	c := r.GetProgress().GetCounts()
	for outcome, n := range map[string]int64{"created": c.GetCreated(), "updated": c.GetUpdated(), "unchanged": c.GetUnchanged(), "archived": c.GetArchived(), "failed": c.GetFailed()} {
		m.items.WithLabelValues(outcome).Add(float64(n))
	}
	for outcome, n := range map[string]int64{"downloaded": c.GetImagesDownloaded(), "unchanged": c.GetImagesUnchanged(), "failed": c.GetImagesFailed(), "cleared": c.GetImagesCleared()} {
		m.images.WithLabelValues(outcome).Add(float64(n))
	}
	m.duration.Observe(r.GetDuration().AsDuration().Seconds())
	m.odooRPCs.Add(r.GetOdooCalls())
	if !r.GetDryRun() && (r.GetState() == zv1.RunState_RUN_STATE_SUCCEEDED || r.GetState() == zv1.RunState_RUN_STATE_PARTIAL) {
		m.lastSuccess.Set(float64(r.GetFinishedAt().AsTime().Unix()))
	}
}

// serve exposes /metrics (and pprof) on lis, the listener serve opened before anything was written.
func (m *metrics) serve(lis net.Listener, log *slog.Logger) *http.Server {
	mux := http.NewServeMux()
	mux.Handle("/metrics", promhttp.HandlerFor(m.reg, promhttp.HandlerOpts{}))
	// Go's profiler, for diagnosing memory or CPU in the field (same port, never the API's).
	mux.HandleFunc("/debug/pprof/", pprof.Index)
	mux.HandleFunc("/debug/pprof/profile", pprof.Profile)
	srv := &http.Server{Handler: mux, ReadHeaderTimeout: 10 * time.Second}
	go func() {
		if err := srv.Serve(lis); err != nil && !errors.Is(err, http.ErrServerClosed) {
			log.Error("metrics server stopped", "error", err)
		}
	}()
	log.Info("metrics serving", "addr", lis.Addr().String())
	return srv
}
