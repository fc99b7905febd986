// Package app assembles the server: configuration, store, Zoho and Odoo
// clients, engine, scheduler and the gRPC API, and runs it until told to stop.
package app

import (
	"context"
	"crypto/subtle"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"runtime/debug"
	"strings"
	"syscall"
	"time"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/auth"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/recovery"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/reflection"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/api"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/webhook"
)

// EnvAPIToken is the environment variable holding the API bearer token.
const EnvAPIToken = "ZOHOSYNC_API_TOKEN"

// EnvWebhookSecret is the environment variable holding the webhooks' shared secret.
const EnvWebhookSecret = "ZOHOSYNC_WEBHOOK_SECRET"

// Options configure the server.
type Options struct {
	ConfigDir string
	DataDir   string
	Listen    string // host:port; default 127.0.0.1:50051
	APIToken  config.Secret
	TLSCert   string
	TLSKey    string
	Metrics   string // host:port for Prometheus metrics; empty = off

	WebhookListen   string // host:port for Zoho's webhooks; empty = off
	WebhookSecret   config.Secret
	WebhookDebounce time.Duration
	WebhookMaxWait  time.Duration
	LogLevel        slog.Level
	Stderr          io.Writer
	Stdout          io.Writer // receives the "listening on" line
	Version         string

	NoScheduler bool
	// AllowPlaintext lets a non-loopback listener with an API token run
	// without TLS (behind a TLS-terminating proxy, or on a trusted network).
	AllowPlaintext bool
	Clock          schedule.Clock // for tests
}

// Error is a start-up problem: one line, no stack.
type Error struct{ Msg string }

func (e *Error) Error() string { return e.Msg }

// Serve runs the server until ctx is cancelled, then stops gracefully.
func Serve(ctx context.Context, o Options) error {
	if o.Listen == "" {
		o.Listen = "127.0.0.1:50051"
	}
	if o.Stderr == nil {
		o.Stderr = os.Stderr
	}
	if o.Stdout == nil {
		o.Stdout = os.Stdout
	}
	// Everything that can refuse to start is checked before the data
	// directory is touched: a refusal leaves nothing behind.
	plaintextWarning, err := checkListen(o.Listen, o.APIToken.IsSet(), o.TLSCert != "", o.AllowPlaintext)
	if err != nil {
		return err
	}
	if (o.TLSCert == "") != (o.TLSKey == "") {
		return &Error{"--tls-cert and --tls-key go together: give both or neither"}
	}
	if o.DataDir == "" {
		return &Error{"no data directory given (--data-dir)"}
	}
	if o.WebhookListen != "" && len(o.WebhookSecret.Reveal()) < webhook.MinSecretLen {
		return &Error{fmt.Sprintf("--webhook-listen needs a shared secret of at least %d characters in %s", webhook.MinSecretLen, EnvWebhookSecret)}
	}
	if o.WebhookListen != "" {
		host, _, err := net.SplitHostPort(o.WebhookListen)
		if err != nil {
			return &Error{fmt.Sprintf("--webhook-listen %q is not host:port", o.WebhookListen)}
		}
		// The listener speaks plain HTTP and its secret may be in the URL: off loopback only behind a TLS proxy.
		if ip := net.ParseIP(host); host != "localhost" && (ip == nil || !ip.IsLoopback()) && !o.AllowPlaintext {
			return &Error{fmt.Sprintf("refusing to receive webhooks on %s in plain HTTP: listen on 127.0.0.1 behind a TLS proxy, or pass --allow-plaintext (the proxy is on another host)", o.WebhookListen)}
		}
	}
	var creds credentials.TransportCredentials
	if o.TLSCert != "" {
		if creds, err = credentials.NewServerTLSFromFile(o.TLSCert, o.TLSKey); err != nil {
			return &Error{fmt.Sprintf("cannot load the TLS certificate or key: %v", err)}
		}
	}
	cfg, err := config.Load(o.ConfigDir)
	if err != nil {
		return err
	}
	var schedCfg config.Schedule
	if !o.NoScheduler {
		if schedCfg, err = config.LoadSchedule(cfg.Dir); err != nil {
			return err
		}
	}
	lis, err := net.Listen("tcp", o.Listen)
	if err != nil {
		return &Error{fmt.Sprintf("cannot listen on %s: %v", o.Listen, listenCause(err))}
	}
	defer lis.Close()
	var metricsLis net.Listener // kept open, like the API's, so nothing can take the port meanwhile
	if o.Metrics != "" {
		if metricsLis, err = net.Listen("tcp", o.Metrics); err != nil {
			return &Error{fmt.Sprintf("cannot serve metrics on --metrics %s: %v", o.Metrics, listenCause(err))}
		}
		defer metricsLis.Close()
	}
	var webhookLis net.Listener
	if o.WebhookListen != "" {
		if webhookLis, err = net.Listen("tcp", o.WebhookListen); err != nil {
			return &Error{fmt.Sprintf("cannot receive webhooks on --webhook-listen %s: %v", o.WebhookListen, listenCause(err))}
		}
		defer webhookLis.Close()
	}

	if err := os.MkdirAll(o.DataDir, 0o700); err != nil {
		return &Error{fmt.Sprintf("cannot create data directory %s: %v", o.DataDir, err)}
	}
	logs, err := NewLogger(o.DataDir, o.Stderr, o.LogLevel)
	if err != nil {
		return err
	}
	defer logs.Close()
	log := logs.Logger
	if plaintextWarning != "" {
		log.Warn(plaintextWarning)
	}
	st, err := store.Open(o.DataDir, store.Options{Logger: log})
	if err != nil {
		return &Error{err.Error()}
	}
	defer st.Close()

	a := newAssembly(cfg, st, log, o)
	eng := a.engine
	if err := eng.RecoverInterrupted(); err != nil {
		return err
	}
	var sched *schedule.Scheduler
	if !o.NoScheduler {
		notifier := schedule.NewNotifier(o.DataDir, schedCfg.Notifications.LogFile, nil)
		sched, err = schedule.New(schedule.Options{ConfigDir: cfg.Dir, Clock: o.Clock, Starter: eng, Store: st, Logger: log, Notifier: notifier})
		if err != nil {
			return err
		}
	}

	srv := newGRPCServer(log, o.APIToken, creds, a.metrics)
	hs := health.NewServer()
	healthpb.RegisterHealthServer(srv, hs)
	reflection.Register(srv)
	var schedInfo api.Scheduler = api.NoScheduler{}
	if sched != nil {
		schedInfo = sched
	}
	zv1.RegisterSyncServiceServer(srv, &api.SyncService{Engine: eng, State: st, Schedule: schedInfo, Version: o.Version, Quota: a.quotaStatus})
	zv1.RegisterProductServiceServer(srv, &api.ProductService{Engine: eng, State: st})
	zv1.RegisterConfigServiceServer(srv, &api.ConfigService{Checker: a})
	zv1.RegisterScheduleServiceServer(srv, &api.ScheduleService{Scheduler: schedInfo})
	for name := range srv.GetServiceInfo() {
		hs.SetServingStatus(name, healthpb.HealthCheckResponse_SERVING)
	}
	a.metrics.grpc.InitializeMetrics(srv)

	var metricsSrv *http.Server
	if metricsLis != nil {
		metricsSrv = a.metrics.serve(metricsLis, log)
	}
	if webhookLis != nil {
		hooks, err := webhook.New(eng, webhook.Options{Secret: o.WebhookSecret, Debounce: o.WebhookDebounce, MaxWait: o.WebhookMaxWait,
			Logger: log.With("component", "webhook"), Observe: a.metrics.webhookRequest})
		if err != nil {
			return &Error{err.Error()}
		}
		hookSrv := &http.Server{Handler: hooks.Handler(), ReadHeaderTimeout: 10 * time.Second, ReadTimeout: 30 * time.Second}
		hookCtx, stopHooks := context.WithCancel(ctx)
		defer stopHooks()
		go hooks.Run(hookCtx)
		go func() {
			if err := hookSrv.Serve(webhookLis); err != nil && !errors.Is(err, http.ErrServerClosed) {
				log.Error("webhook server stopped", "error", err)
			}
		}()
		defer hookSrv.Close()
		log.Info("webhooks serving", "addr", webhookLis.Addr().String(), "path", webhook.Path)
	}
	log.Info("zohosync serving", "addr", lis.Addr().String(), "tls", creds != nil, "token_required", o.APIToken.IsSet(),
		"config_dir", cfg.Dir, "data_dir", o.DataDir, "version", o.Version)
	fmt.Fprintf(o.Stdout, "zohosync: listening on %s\n", lis.Addr())

	runCtx, stopSched := context.WithCancel(ctx)
	defer stopSched()
	if sched != nil {
		go sched.Run(runCtx)
	}
	serveErr := make(chan error, 1)
	go func() { serveErr <- srv.Serve(lis) }()
	select {
	case err := <-serveErr:
		return err
	case <-ctx.Done():
	}
	log.Info("shutting down: finishing the current batch")
	hs.Shutdown()
	stopSched()
	sctx, cancel := context.WithTimeout(context.Background(), 60*time.Second)
	defer cancel()
	if err := eng.Shutdown(sctx); err != nil {
		log.Error("the run did not stop in time", "error", err)
	}
	stopped := make(chan struct{})
	go func() { srv.GracefulStop(); close(stopped) }()
	select {
	case <-stopped:
	case <-time.After(5 * time.Second):
		srv.Stop()
	}
	if metricsSrv != nil {
		_ = metricsSrv.Close()
	}
	log.Info("stopped")
	return nil
}

// checkListen refuses a non-loopback address without a token (anyone who can
// reach the port could start syncs and read the configuration), and one with
// a token but without TLS (the token would travel in the clear) unless
// allowPlaintext; then it returns the warning to log.
func checkListen(addr string, haveToken, haveTLS, allowPlaintext bool) (string, error) {
	host, _, err := net.SplitHostPort(addr)
	if err != nil {
		return "", &Error{fmt.Sprintf("--listen %q is not host:port", addr)}
	}
	if host == "localhost" {
		return "", nil
	}
	if ip := net.ParseIP(host); ip != nil && ip.IsLoopback() {
		return "", nil
	}
	switch {
	case !haveToken:
		return "", &Error{fmt.Sprintf("refusing to listen on %s without an API token: set %s, or listen on 127.0.0.1", addr, EnvAPIToken)}
	case haveTLS:
		return "", nil
	case !allowPlaintext:
		return "", &Error{fmt.Sprintf("refusing to listen on %s without TLS: the API token would cross the network in the clear; give --tls-cert and --tls-key (or --allow-plaintext behind a TLS proxy)", addr)}
	}
	return fmt.Sprintf("listening on %s without TLS (--allow-plaintext): the API token crosses the network in the clear", addr), nil
}

// listenCause says "the port is in use" rather than the syscall's words.
func listenCause(err error) string {
	if errors.Is(err, syscall.EADDRINUSE) {
		return "the port is in use (another zohosync, or another program; choose another with --listen)"
	}
	var op *net.OpError
	if errors.As(err, &op) && op.Err != nil {
		return op.Err.Error()
	}
	return err.Error()
}

// newGRPCServer builds the server with logging, panic recovery and (when a
// token is set) bearer-token auth on every RPC except health and reflection.
func newGRPCServer(log *slog.Logger, token config.Secret, creds credentials.TransportCredentials, m *metrics) *grpc.Server {
	recoverOpt := recovery.WithRecoveryHandlerContext(func(ctx context.Context, p any) error {
		log.Error("panic in RPC handler", "panic", p, "stack", string(debug.Stack()))
		return api.Status(ctx, zv1.ErrorReason_ERROR_REASON_INTERNAL, "internal error; see the server log")
	})
	logUnary, logStream := rpcLogging(log)
	unary := append([]grpc.UnaryServerInterceptor{m.grpc.UnaryServerInterceptor()}, logUnary...)
	unary = append(unary, recovery.UnaryServerInterceptor(recoverOpt))
	stream := append([]grpc.StreamServerInterceptor{m.grpc.StreamServerInterceptor()}, logStream...)
	stream = append(stream, recovery.StreamServerInterceptor(recoverOpt))
	if token.IsSet() {
		authFn := bearerAuth(token)
		unary = append(unary, selector.UnaryServerInterceptor(auth.UnaryServerInterceptor(authFn), selector.MatchFunc(needsAuth)))
		stream = append(stream, selector.StreamServerInterceptor(auth.StreamServerInterceptor(authFn), selector.MatchFunc(needsAuth)))
	}
	opts := []grpc.ServerOption{
		grpc.ChainUnaryInterceptor(unary...),
		grpc.ChainStreamInterceptor(stream...),
		grpc.MaxRecvMsgSize(1 << 20),
		grpc.MaxSendMsgSize(32 << 20),
	}
	if creds != nil {
		opts = append(opts, grpc.Creds(creds))
	}
	return grpc.NewServer(opts...)
}

func needsAuth(_ context.Context, c interceptors.CallMeta) bool {
	m := c.FullMethod()
	return !strings.HasPrefix(m, "/grpc.health.v1.") && !strings.HasPrefix(m, "/grpc.reflection.")
}

// bearerAuth checks "authorization: Bearer <token>" in constant time.
func bearerAuth(token config.Secret) auth.AuthFunc {
	want := []byte(token.Reveal())
	return func(ctx context.Context) (context.Context, error) {
		got, err := auth.AuthFromMD(ctx, "bearer")
		if err != nil {
			return nil, api.Status(ctx, zv1.ErrorReason_ERROR_REASON_API_TOKEN_MISSING, "missing API token: send the header \"authorization: Bearer <token>\" (the server's "+EnvAPIToken+")")
		}
		if subtle.ConstantTimeCompare([]byte(got), want) != 1 {
			return nil, api.Status(ctx, zv1.ErrorReason_ERROR_REASON_API_TOKEN_WRONG, "wrong API token")
		}
		return ctx, nil
	}
}
