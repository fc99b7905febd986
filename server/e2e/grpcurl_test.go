package e2e

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strings"
	"testing"
)

// grpcurlPath finds grpcurl: $GRPCURL, then PATH, then $(go env GOPATH)/bin.
func grpcurlPath(t *testing.T) string {
	if p := os.Getenv("GRPCURL"); p != "" {
		return p
	}
	if p, err := exec.LookPath("grpcurl"); err == nil {
		return p
	}
	out, err := exec.Command("go", "env", "GOPATH").Output()
	if err == nil {
		p := filepath.Join(strings.TrimSpace(string(out)), "bin", "grpcurl")
		if _, err := os.Stat(p); err == nil {
			return p
		}
	}
	t.Fatal("grpcurl not found: `go install github.com/fullstorydev/grpcurl/cmd/grpcurl@v1.9.4` (make test does it)")
	return ""
}

// readmeGrpcurl returns the commands of the README's "```sh grpcurl" block.
func readmeGrpcurl(t *testing.T) []string {
	f, err := os.Open("../../README.md")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	var cmds []string
	in := false
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := sc.Text()
		switch {
		case strings.HasPrefix(line, "```sh grpcurl"):
			in = true
		case in && strings.HasPrefix(line, "```"):
			return cmds
		case in && strings.HasPrefix(line, "grpcurl "):
			cmds = append(cmds, line)
		}
	}
	t.Fatal("README has no ```sh grpcurl block")
	return nil
}

// TestReadmeGrpcurl runs every grpcurl command the README shows against a
// live server that requires a token.
func TestReadmeGrpcurl(t *testing.T) {
	t.Parallel()
	grpcurl := grpcurlPath(t)
	cmds := readmeGrpcurl(t)
	e := newEnv(t, envOptions{items: 30, seed: 1})
	const token = "readme-token-123"
	e.token = token
	e.start()
	if _, code := e.runNow(); code != 0 {
		t.Fatal("first run failed")
	}
	rpcs := map[string]bool{}
	for _, c := range cmds {
		cmd := exec.Command("bash", "-c", strings.Replace(c, "grpcurl ", grpcurl+" ", 1))
		cmd.Env = append(os.Environ(), "ADDR="+e.addr, "AUTH=authorization: Bearer "+token)
		out, err := cmd.CombinedOutput()
		code := cmd.ProcessState.ExitCode()
		okPrecondition := code == 64+9 && (strings.Contains(c, "RetryFailed") || strings.Contains(c, "CancelRun"))
		if err != nil && !okPrecondition {
			t.Errorf("%s\nexit %d: %s", c, code, out)
			continue
		}
		if len(out) == 0 {
			t.Errorf("%s: no output", c)
		}
		for _, f := range strings.Fields(c) {
			if strings.HasPrefix(f, "zohosync.v1.") && strings.Contains(f, "/") {
				rpcs[f] = true
			}
		}
	}
	// Every RPC of the API appears in the README.
	for _, svc := range []string{"SyncService/RunSync", "SyncService/StartSync", "SyncService/WatchRun", "SyncService/CancelRun",
		"SyncService/GetRun", "SyncService/ListRuns", "SyncService/GetStatus", "ScheduleService/GetSchedule",
		"ScheduleService/UpdateSchedule", "ProductService/ListProducts", "ProductService/GetProduct",
		"ProductService/RetryFailed", "ConfigService/GetConfig", "ConfigService/TestConnections"} {
		if !rpcs["zohosync.v1."+svc] {
			t.Errorf("the README shows no grpcurl command for %s", svc)
		}
	}
	// Without the token, a call is refused with Unauthenticated (exit 64+16).
	out, err := exec.Command(grpcurl, "-plaintext", e.addr, "zohosync.v1.SyncService/GetStatus").CombinedOutput()
	if err == nil || !strings.Contains(string(out), "Unauthenticated") {
		t.Fatalf("call without token: %v %s", err, out)
	}
}
