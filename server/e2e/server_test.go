package e2e

import (
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"io"
	"math/big"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestTokenIsRequiredAndSecretsAppearNowhere(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 50, seed: 3})
	e.token = "api-T0ken-secret-42"
	e.start()
	var outputs []string
	// Without the token: refused, with a message that says what to do.
	tok := e.token
	e.token = ""
	out, stderr, code := e.cli("status")
	if code != 2 || !strings.Contains(stderr, "refused the API token") || !strings.Contains(stderr, "ZOHOSYNC_API_TOKEN") {
		t.Fatalf("status without token: exit %d %s%s", code, out, stderr)
	}
	e.token = "wrong"
	if _, stderr, code := e.cli("status"); code != 2 || !strings.Contains(stderr, "wrong API token") {
		t.Fatalf("wrong token: exit %d %s", code, stderr)
	}
	e.token = tok
	for _, args := range [][]string{{"run-now", "--json"}, {"run-now"}, {"status", "--json"}, {"status"}, {"config", "--json"}, {"config"},
		{"runs", "--json"}, {"products", "--json"}, {"test-connections", "--json"}, {"test-connections"}, {"product", "--odoo-id", "1"}} {
		out, stderr, _ := e.cli(args...)
		outputs = append(outputs, out, stderr)
	}
	// An Odoo password that Odoo refuses: the error names the problem, not the password.
	e.stop()
	e.writeJSON("odoo_config.json", map[string]any{"url": e.odoo.URL, "db": "odoo", "username": "admin", "password": "Wr0ng-pw-S3cret"})
	e.start()
	// a full sync: a smart sync with nothing to write never opens Odoo (README "A no-op costs nothing in Odoo")
	out, stderr, _ = e.cli("run-now", "--full")
	outputs = append(outputs, out, stderr)
	out, stderr, _ = e.cli("status")
	outputs = append(outputs, out, stderr)
	e.stop()
	for _, f := range []string{"logs/zohosync.log", "logs/sync_notifications.log"} {
		data, _ := os.ReadFile(filepath.Join(e.dataDir, f))
		if len(data) == 0 {
			t.Errorf("%s is empty", f)
		}
		outputs = append(outputs, string(data))
	}
	outputs = append(outputs, e.logs.String())
	zc := e.zoho.Config()
	all := strings.Join(outputs, "\n")
	for name, secret := range map[string]string{"Zoho client secret": zc.ClientSecret, "Zoho refresh token": zc.RefreshToken,
		"Odoo password": odooPassword, "wrong Odoo password": "Wr0ng-pw-S3cret", "API token": tok} {
		if strings.Contains(all, secret) {
			i := strings.Index(all, secret)
			t.Errorf("the %s appears in an output: …%s…", name, all[max(0, i-80):min(len(all), i+40)])
		}
	}
	if !strings.Contains(all, `"set":true`) || !strings.Contains(all, "wrong username, password or API key") {
		t.Error("config --json should show secrets as set, and the bad password run should say what is wrong")
	}
}

func TestRefusesNonLoopbackWithoutToken(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	err := e.tryStart("--listen", "0.0.0.0:0")
	if err == nil || !strings.Contains(e.logs.String(), "refusing to listen on 0.0.0.0:0 without an API token") {
		t.Fatalf("err %v, log %s", err, e.logs.String())
	}
}

func TestSecondServerOnTheSameDataDirIsRefused(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.start()
	other := &env{t: t, cfgDir: e.cfgDir, dataDir: e.dataDir, logs: &syncBuffer{}}
	if err := other.tryStart(); err == nil {
		other.stop()
		t.Fatal("a second server started on the same data directory")
	}
	if !strings.Contains(other.logs.String(), "data directory is in use by another zohosync process") {
		t.Fatalf("message: %s", other.logs.String())
	}
}

func TestTLSAndMetrics(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 20, seed: 4})
	cert, key, ca := selfSigned(t)
	metrics := freePort(t)
	e.start("--tls-cert", cert, "--tls-key", key, "--metrics", metrics)
	out, stderr, code := e.cli("run-now", "--ca", ca)
	if code != 0 {
		t.Fatalf("run over TLS: exit %d %s%s", code, out, stderr)
	}
	if _, stderr, code := e.cli("status"); code != 2 || !strings.Contains(stderr, "--tls") {
		t.Fatalf("plaintext client against a TLS server: exit %d %q", code, stderr)
	}
	resp, err := http.Get("http://" + metrics + "/metrics")
	if err != nil {
		t.Fatal(err)
	}
	body, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	for _, want := range []string{`zohosync_runs_total{kind="RUN_KIND_SMART",state="RUN_STATE_SUCCEEDED"} 1`, `zohosync_items_total{outcome="created"} 20`,
		"zohosync_zoho_calls_total", "zohosync_odoo_rpcs_total", "zohosync_run_duration_seconds_count 1", "zohosync_last_success_timestamp_seconds",
		"zohosync_zoho_rate_limited_total 0", `grpc_server_handled_total{grpc_code="OK",grpc_method="WatchRun",grpc_service="zohosync.v1.SyncService",grpc_type="server_stream"} 1`,
		`grpc_server_handling_seconds_bucket{grpc_method="GetStatus"`, "go_goroutines", "process_resident_memory_bytes"} {
		if !strings.Contains(string(body), want) {
			t.Errorf("metrics lack %q", want)
		}
	}
}

func freePort(t *testing.T) string {
	l, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		t.Fatal(err)
	}
	defer l.Close()
	return l.Addr().String()
}

// selfSigned writes a CA-less self-signed certificate for 127.0.0.1 and returns its files.
func selfSigned(t *testing.T) (cert, key, ca string) {
	priv, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "zohosync test"},
		NotBefore: time.Now().Add(-time.Hour), NotAfter: time.Now().Add(time.Hour), IPAddresses: []net.IP{net.ParseIP("127.0.0.1")},
		KeyUsage: x509.KeyUsageDigitalSignature | x509.KeyUsageCertSign, ExtKeyUsage: []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		IsCA: true, BasicConstraintsValid: true}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &priv.PublicKey, priv)
	if err != nil {
		t.Fatal(err)
	}
	kb, _ := x509.MarshalECPrivateKey(priv)
	dir := t.TempDir()
	cert, key = filepath.Join(dir, "cert.pem"), filepath.Join(dir, "key.pem")
	_ = os.WriteFile(cert, pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), 0o600)
	_ = os.WriteFile(key, pem.EncodeToMemory(&pem.Block{Type: "EC PRIVATE KEY", Bytes: kb}), 0o600)
	return cert, key, cert
}

// TestImportSeedStateThenSync: an installation of the Python tool switches
// over. Its products exist in Odoo without our external ids, and its state
// file links them; after import-state, the first run creates nothing.
func TestImportSeedStateThenSync(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{items: 120, seed: 6, imagesOff: true, mappingOpts: map[string]any{"match_by_sku": false, "match_by_name": false}})
	seed := map[string]any{"last_sync": "2025-05-23T17:30:00", "sync_stats": map[string]any{"total_synced": 120}}
	products := map[string]any{}
	for i, it := range e.zoho.Items() {
		// The old tool's product, a little out of date.
		id := e.odoo.CreateProduct(map[string]any{"name": it.Name, "list_price": it.Rate + float64(i%2), "default_code": it.SKU})
		products[it.ItemID] = map[string]any{"odoo_id": id, "last_modified": "2025-05-23T17:30:00", "checksum": "abc123"}
	}
	seed["products"] = products
	data, _ := json.Marshal(seed)
	stateFile := filepath.Join(t.TempDir(), "product_sync_data.json")
	_ = os.WriteFile(stateFile, data, 0o600)
	out, stderr, code := e.exec("import-state", stateFile, "--data-dir", e.dataDir)
	if code != 0 || !strings.Contains(out, "imported 120 items") {
		t.Fatalf("import: exit %d %s%s", code, out, stderr)
	}
	e.start()
	run, code := e.runNow()
	c := counts(run)
	if code != 0 || c["created"] != 0 || c["updated"]+c["unchanged"]+c["archived"] != 120 || c["failed"] != 0 {
		t.Fatalf("first run after import: exit %d counts %v", code, c)
	}
	if n := len(e.odoo.Products(true)); n != 120 {
		t.Fatalf("%d products after the first run, want the old tool's 120", n)
	}
	e.checkOdooMatchesZoho() // every product now also carries our external id
	// Importing while the server runs is refused with a clear message.
	_, stderr, code = e.exec("import-state", stateFile, "--data-dir", e.dataDir)
	if code != 2 || !strings.Contains(stderr, "in use by another zohosync process") {
		t.Fatalf("import with the server running: exit %d %s", code, stderr)
	}
}
