package app

import (
	"bytes"
	"context"
	"encoding/json"
	"log/slog"
	"net"
	"strings"
	"sync"
	"testing"

	dto "github.com/prometheus/client_model/go"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/health"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/reflection"
	reflectionpb "google.golang.org/grpc/reflection/grpc_reflection_v1"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/emptypb"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// pingDesc is a one-method service: Ping answers OK, or Internal when the
// request's metadata asks it to fail.
var pingDesc = grpc.ServiceDesc{
	ServiceName: "zohosync.test.Ping",
	HandlerType: (*any)(nil),
	Methods: []grpc.MethodDesc{{MethodName: "Ping", Handler: func(srv any, ctx context.Context, dec func(any) error, icpt grpc.UnaryServerInterceptor) (any, error) {
		in := new(emptypb.Empty)
		if err := dec(in); err != nil {
			return nil, err
		}
		h := func(ctx context.Context, _ any) (any, error) {
			if md, _ := metadata.FromIncomingContext(ctx); len(md.Get("fail")) > 0 {
				return nil, status.Error(codes.Internal, "broken")
			}
			return &emptypb.Empty{}, nil
		}
		return icpt(ctx, in, &grpc.UnaryServerInfo{Server: srv, FullMethod: "/zohosync.test.Ping/Ping"}, h)
	}}},
}

// syncBuf is a bytes.Buffer safe for the server's goroutines.
type syncBuf struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (s *syncBuf) Write(p []byte) (int, error) { s.mu.Lock(); defer s.mu.Unlock(); return s.b.Write(p) }
func (s *syncBuf) String() string              { s.mu.Lock(); defer s.mu.Unlock(); return s.b.String() }

// rpcLines are the per-RPC log lines ("finished call") by level.
func rpcLines(t *testing.T, logs string) map[string][]string {
	t.Helper()
	out := map[string][]string{}
	for _, line := range strings.Split(strings.TrimSpace(logs), "\n") {
		if line == "" {
			continue
		}
		var rec map[string]any
		if err := json.Unmarshal([]byte(line), &rec); err != nil {
			t.Fatalf("log line is not JSON: %s", line)
		}
		if rec["msg"] == "finished call" {
			out[rec["level"].(string)] = append(out[rec["level"].(string)], rec["grpc.service"].(string)+"/"+rec["grpc.method"].(string))
		}
	}
	return out
}

// callEverything makes 5 pings, 5 health checks, a health watch, a
// reflection listing and one failing ping against a server logging at level.
func callEverything(t *testing.T, level slog.Level) (string, *metrics) {
	t.Helper()
	var buf syncBuf
	log := slog.New(slog.NewJSONHandler(&buf, &slog.HandlerOptions{Level: level}))
	m := newMetrics(zoho.New(zoho.Config{}), nil)
	srv := newGRPCServer(log, config.Secret{}, nil, m)
	srv.RegisterService(&pingDesc, struct{}{})
	healthpb.RegisterHealthServer(srv, health.NewServer())
	reflection.Register(srv)
	m.grpc.InitializeMetrics(srv)
	lis := bufconn.Listen(1 << 20)
	go func() { _ = srv.Serve(lis) }()
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithContextDialer(func(context.Context, string) (net.Conn, error) { return lis.Dial() }),
		grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	ctx := context.Background()
	for i := 0; i < 5; i++ {
		if err := conn.Invoke(ctx, "/zohosync.test.Ping/Ping", &emptypb.Empty{}, &emptypb.Empty{}); err != nil {
			t.Fatal(err)
		}
		if _, err := healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{}); err != nil {
			t.Fatal(err)
		}
	}
	// A health check for an unknown service answers NotFound: still not info.
	_, _ = healthpb.NewHealthClient(conn).Check(ctx, &healthpb.HealthCheckRequest{Service: "nope"})
	wctx, cancel := context.WithCancel(ctx)
	w, err := healthpb.NewHealthClient(conn).Watch(wctx, &healthpb.HealthCheckRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if _, err := w.Recv(); err != nil {
		t.Fatal(err)
	}
	cancel()
	rs, err := reflectionpb.NewServerReflectionClient(conn).ServerReflectionInfo(ctx)
	if err != nil {
		t.Fatal(err)
	}
	if err := rs.Send(&reflectionpb.ServerReflectionRequest{MessageRequest: &reflectionpb.ServerReflectionRequest_ListServices{}}); err != nil {
		t.Fatal(err)
	}
	if _, err := rs.Recv(); err != nil {
		t.Fatal(err)
	}
	_ = rs.CloseSend()
	_, _ = rs.Recv() // io.EOF once the server ends the stream
	failCtx := metadata.AppendToOutgoingContext(ctx, "fail", "1")
	if err := conn.Invoke(failCtx, "/zohosync.test.Ping/Ping", &emptypb.Empty{}, &emptypb.Empty{}); status.Code(err) != codes.Internal {
		t.Fatalf("failing ping: %v", err)
	}
	conn.Close()
	srv.GracefulStop()
	return buf.String(), m
}

func TestRPCsAreLoggedAtDebugAndHealthChecksNeverAtInfo(t *testing.T) {
	cases := []struct {
		level slog.Level
		want  map[string]int // per-RPC lines by level
	}{
		// At info, only the server's own failure gets a line.
		{slog.LevelInfo, map[string]int{"ERROR": 1}},
		// At debug: 5 pings, 6 health checks and the watch, the reflection stream.
		{slog.LevelDebug, map[string]int{"DEBUG": 13, "ERROR": 1}},
	}
	for _, tc := range cases {
		t.Run(tc.level.String(), func(t *testing.T) {
			logs, _ := callEverything(t, tc.level)
			lines := rpcLines(t, logs)
			for lvl, want := range tc.want {
				if len(lines[lvl]) != want {
					t.Errorf("%d %s lines, want %d: %v", len(lines[lvl]), lvl, want, lines[lvl])
				}
			}
			for lvl, got := range lines {
				if _, ok := tc.want[lvl]; !ok {
					t.Errorf("unexpected %s lines: %v", lvl, got)
				}
			}
			for _, l := range lines["ERROR"] {
				if l != "zohosync.test.Ping/Ping" {
					t.Errorf("error line for %s", l)
				}
			}
			if tc.level == slog.LevelDebug {
				health := 0
				for _, l := range lines["DEBUG"] {
					if strings.HasPrefix(l, "grpc.health.v1.Health/") {
						health++
					}
				}
				if health != 7 {
					t.Errorf("%d health lines at debug, want 7", health)
				}
			}
		})
	}
}

func TestRPCMetricsFromTheMiddleware(t *testing.T) {
	_, m := callEverything(t, slog.LevelInfo)
	families, err := m.reg.Gather()
	if err != nil {
		t.Fatal(err)
	}
	byName := map[string]*dto.MetricFamily{}
	for _, f := range families {
		byName[f.GetName()] = f
	}
	handled := func(service, method, code string) float64 {
		for _, mt := range byName["grpc_server_handled_total"].GetMetric() {
			l := map[string]string{}
			for _, p := range mt.GetLabel() {
				l[p.GetName()] = p.GetValue()
			}
			if l["grpc_service"] == service && l["grpc_method"] == method && l["grpc_code"] == code {
				return mt.GetCounter().GetValue()
			}
		}
		return -1
	}
	for _, tc := range []struct {
		service, method, code string
		want                  float64
	}{
		{"zohosync.test.Ping", "Ping", "OK", 5}, {"zohosync.test.Ping", "Ping", "Internal", 1},
		{"grpc.health.v1.Health", "Check", "OK", 5}, {"grpc.health.v1.Health", "Check", "NotFound", 1},
		{"grpc.health.v1.Health", "Watch", "Canceled", 1},
	} {
		if got := handled(tc.service, tc.method, tc.code); got != tc.want {
			t.Errorf("grpc_server_handled_total{%s/%s %s} = %v, want %v", tc.service, tc.method, tc.code, got, tc.want)
		}
	}
	for _, name := range []string{"grpc_server_started_total", "grpc_server_handling_seconds", "go_goroutines", "go_memstats_heap_alloc_bytes",
		"process_resident_memory_bytes", "zohosync_zoho_token_mints_total", "zohosync_run_in_progress"} {
		if byName[name] == nil {
			t.Errorf("no metric %s", name)
		}
	}
}
