// Package packaging holds the systemd unit and the Debian package recipe
// (`make deb`); this test checks the unit's directives in every `make test`,
// while `make test-deb` installs the package and runs it.
package packaging

import (
	"bufio"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
)

// unit reads a systemd unit: section → key → values (a key may repeat).
func unit(t *testing.T, path string) map[string]map[string][]string {
	t.Helper()
	f, err := os.Open(path)
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	out := map[string]map[string][]string{}
	section := ""
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		switch {
		case line == "" || strings.HasPrefix(line, "#") || strings.HasPrefix(line, ";"):
		case strings.HasPrefix(line, "[") && strings.HasSuffix(line, "]"):
			section = strings.Trim(line, "[]")
			out[section] = map[string][]string{}
		default:
			k, v, ok := strings.Cut(line, "=")
			if !ok || section == "" {
				t.Fatalf("%s: cannot read line %q", path, line)
			}
			out[section][k] = append(out[section][k], v)
		}
	}
	return out
}

func TestUnitDirectives(t *testing.T) {
	u := unit(t, "zohosync.service")
	svc := u["Service"]
	want := map[string]string{
		"StateDirectory":         "zohosync",
		"ConfigurationDirectory": "zohosync",
		"EnvironmentFile":        "-/etc/zohosync/zohosync.env",
		"ProtectSystem":          "strict",
		"NoNewPrivileges":        "true",
		"Restart":                "on-failure",
		"KillSignal":             "SIGTERM",
		"ReadWritePaths":         "/etc/zohosync", // the scheduler saves sync_schedule.json
		"ProtectHome":            "true",
		"PrivateTmp":             "true",
	}
	for k, v := range want {
		if got := svc[k]; len(got) != 1 || got[0] != v {
			t.Errorf("[Service] %s = %v, want %q", k, got, v)
		}
	}
	if svc["DynamicUser"] == nil && (len(svc["User"]) != 1 || svc["User"][0] == "root") {
		t.Errorf("the service runs as root: User = %v, DynamicUser = %v", svc["User"], svc["DynamicUser"])
	}
	// SIGTERM lets the batch in flight finish (up to 60 s) and the API close (5 s).
	if s, err := strconv.Atoi(strings.TrimSuffix(first(svc["TimeoutStopSec"]), "s")); err != nil || s < 65 {
		t.Errorf("TimeoutStopSec = %v, want at least 65 s", svc["TimeoutStopSec"])
	}
	exec := first(svc["ExecStart"])
	for _, part := range []string{"/usr/bin/zohosync serve ", "--config-dir /etc/zohosync", "--data-dir /var/lib/zohosync", "$ZOHOSYNC_SERVE_ARGS"} {
		if !strings.Contains(exec, part) {
			t.Errorf("ExecStart %q lacks %q", exec, part)
		}
	}
	if first(u["Install"]["WantedBy"]) != "multi-user.target" {
		t.Errorf("[Install] WantedBy = %v", u["Install"]["WantedBy"])
	}
}

// TestPackageContents: the secrets file ships as a 0600 conffile, and the
// scripts keep the data directory.
func TestPackageContents(t *testing.T) {
	data, err := os.ReadFile("nfpm.yaml")
	if err != nil {
		t.Fatal(err)
	}
	y := string(data)
	for _, want := range []string{"dst: /usr/bin/zohosync", "dst: /lib/systemd/system/zohosync.service", "dst: /usr/share/zohosync/examples/config/",
		"dst: /usr/share/zohosync/python-client/", "dst: /etc/zohosync/zohosync.env\n    type: config|noreplace\n    file_info:\n      mode: 0600"} {
		if !strings.Contains(y, want) {
			t.Errorf("nfpm.yaml lacks %q", want)
		}
	}
	for _, script := range []string{"postinstall.sh", "preremove.sh", "postremove.sh"} {
		body, err := os.ReadFile(script)
		if err != nil {
			t.Fatal(err)
		}
		if strings.Contains(string(body), "rm -rf /var/lib/zohosync") || strings.Contains(string(body), "rm -r /var/lib") {
			t.Errorf("%s deletes the data directory", script)
		}
	}
}

func first(v []string) string {
	if len(v) == 0 {
		return ""
	}
	return v[0]
}

// TestDebianPythonLegFailsLoudly: make test-python's leg on Debian's
// grpcio/protobuf fails, naming the packages, when they are missing, rather
// than being skipped (CI installs them: .ci/run).
func TestDebianPythonLegFailsLoudly(t *testing.T) {
	if _, err := exec.LookPath("make"); err != nil {
		t.Skip("no make here")
	}
	fake := filepath.Join(t.TempDir(), "python3")
	if err := os.WriteFile(fake, []byte("#!/bin/sh\nexit 1\n"), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command("make", "-s", "-C", "..", "check-debian-python", "DEBIAN_PY="+fake).CombinedOutput()
	if err == nil || !strings.Contains(string(out), "apt-get install python3-grpcio python3-protobuf python3-pytest") {
		t.Fatalf("make check-debian-python without the packages: %v\n%s", err, out)
	}
	ci, err := os.ReadFile("../.ci/run")
	if err != nil {
		t.Fatal(err)
	}
	for _, pkg := range []string{"python3-grpcio", "python3-protobuf", "python3-pytest"} {
		if !strings.Contains(string(ci), "need_apt+=("+pkg+")") {
			t.Errorf(".ci/run does not install %s", pkg)
		}
	}
}
