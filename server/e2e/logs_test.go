package e2e

import (
	"context"
	"encoding/json"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/credentials/insecure"
	healthpb "google.golang.org/grpc/health/grpc_health_v1"
)

// At info the log has the server's and the runs' lines, not one per RPC;
// at debug every RPC has its line, health checks included, at debug only.
func TestOneLinePerRPCOnlyAtDebug(t *testing.T) {
	t.Parallel()
	for _, level := range []string{"info", "debug"} {
		t.Run(level, func(t *testing.T) {
			t.Parallel()
			e := newEnv(t, envOptions{items: 5, seed: 8})
			e.start("--log-level", level)
			if _, code := e.runNow(); code != 0 {
				t.Fatalf("run-now exit %d", code)
			}
			for i := 0; i < 3; i++ {
				if out, stderr, code := e.cli("status"); code != 0 {
					t.Fatalf("status: exit %d %s%s", code, out, stderr)
				}
			}
			conn, err := grpc.NewClient(e.addr, grpc.WithTransportCredentials(insecure.NewCredentials()))
			if err != nil {
				t.Fatal(err)
			}
			for i := 0; i < 5; i++ {
				if _, err := healthpb.NewHealthClient(conn).Check(context.Background(), &healthpb.HealthCheckRequest{}); err != nil {
					t.Fatal(err)
				}
			}
			conn.Close()
			e.stop()
			data, err := os.ReadFile(filepath.Join(e.dataDir, "logs", "zohosync.log"))
			if err != nil {
				t.Fatal(err)
			}
			perRPC, health, runFinished := 0, 0, 0
			for _, line := range strings.Split(strings.TrimSpace(string(data)), "\n") {
				var rec map[string]any
				if err := json.Unmarshal([]byte(line), &rec); err != nil {
					t.Fatalf("log line is not JSON: %s", line)
				}
				switch {
				case rec["msg"] == "finished call":
					perRPC++
					if rec["level"] != "DEBUG" {
						t.Errorf("an RPC logged at %s: %s", rec["level"], line)
					}
					if rec["grpc.service"] == "grpc.health.v1.Health" {
						health++
					}
				case rec["msg"] == "run finished":
					runFinished++
				}
			}
			if runFinished != 1 {
				t.Errorf("%d 'run finished' lines, want 1", runFinished)
			}
			if level == "info" && perRPC != 0 {
				t.Errorf("%d per-RPC lines at info, want none", perRPC)
			}
			// 3 status calls, 5 health checks, and run-now's own RPCs.
			if level == "debug" && (perRPC < 3+5+1 || health != 5) {
				t.Errorf("at debug: %d per-RPC lines (%d health checks), want at least 9 (5)", perRPC, health)
			}
		})
	}
}
