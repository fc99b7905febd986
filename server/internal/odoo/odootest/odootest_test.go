package odootest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"io"
	"net"
	"net/http"
	netrpc "net/rpc"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/kolo/xmlrpc"
)

const fixtures = "testdata/odoo17-xmlrpc"

type manifestCase struct {
	Case         string     `json:"case"`
	Path         string     `json:"path"`
	HTTPMethod   string     `json:"http_method"`
	Method       string     `json:"method"`
	RequestFile  string     `json:"request_file"`
	ResponseFile string     `json:"response_file"`
	Status       int        `json:"status"`
	ContentType  string     `json:"content_type"`
	Headers      [][]string `json:"response_headers"`
	FaultCode    int        `json:"fault_code"`
}

func loadManifest(t *testing.T) []manifestCase {
	t.Helper()
	b, err := os.ReadFile(filepath.Join(fixtures, "manifest.json"))
	if err != nil {
		t.Fatal(err)
	}
	var m struct {
		Cases []manifestCase `json:"cases"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		t.Fatal(err)
	}
	return m.Cases
}

func post(t *testing.T, url string, body []byte) (int, http.Header, []byte) {
	t.Helper()
	resp, err := http.Post(url, "text/xml", bytes.NewReader(body))
	if err != nil {
		t.Fatalf("POST %s: %v", url, err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	if resp.Close {
		// net/http removes "Connection: close" from the header map
		resp.Header.Set("Connection", "close")
	}
	return resp.StatusCode, resp.Header, b
}

// pyCall builds a request body the way Python's xmlrpc.client.dumps does.
func pyCall(method string, params ...any) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodCall>\n<methodName>" + method + "</methodName>\n<params>\n")
	for _, p := range params {
		b.WriteString("<param>\n")
		if err := dumpRequestValue(&b, p); err != nil {
			panic(err)
		}
		b.WriteString("</param>\n")
	}
	b.WriteString("</params>\n</methodCall>\n")
	return b.Bytes()
}

func dumpRequestValue(b *bytes.Buffer, v any) error {
	if v == nil {
		b.WriteString("<value><nil/></value>")
		return nil
	}
	if m, ok := v.(map[string]any); ok {
		v = dictFromMap(m)
	}
	return dumpValue(b, v)
}

// normalizeImages replaces base64 images that differ only in encoder bytes by
// their format and size, so they can be compared.
func imageSignature(b64 string) string {
	raw, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return "not-base64"
	}
	cfg, format, err := image.DecodeConfig(bytes.NewReader(raw))
	if err != nil {
		return "undecodable"
	}
	return fmt.Sprintf("%s %dx%d", format, cfg.Width, cfg.Height)
}

// compareXML compares two XML-RPC responses. Fault 1 tracebacks are
// compared on their last line only.
func compareXML(t *testing.T, name string, want, got []byte, images bool) (exact bool) {
	t.Helper()
	if bytes.Equal(want, got) {
		return true
	}
	wv, wcode, wfs, wfault, err := parseMethodResponse(want)
	if err != nil {
		t.Fatalf("%s: recorded response does not parse: %v", name, err)
	}
	gv, gcode, gfs, gfault, err := parseMethodResponse(got)
	if err != nil {
		t.Fatalf("%s: response does not parse: %v\n%s", name, err, got)
	}
	if wfault != gfault {
		t.Errorf("%s: fault mismatch\nwant:\n%s\ngot:\n%s", name, want, got)
		return false
	}
	if wfault {
		if wcode != gcode {
			t.Errorf("%s: fault code %d, want %d (%q)", name, gcode, wcode, gfs)
			return false
		}
		if wcode == 1 {
			if !strings.HasPrefix(gfs, "Traceback (most recent call last):\n") {
				t.Errorf("%s: fault 1 without traceback: %q", name, gfs)
			}
			if lastLine(wfs) != lastLine(gfs) {
				t.Errorf("%s: last traceback line\n got %q\nwant %q", name, lastLine(gfs), lastLine(wfs))
			}
			// the layout around the fault string must still be exact
			wantRest := strings.Replace(string(want), pyEscape(wfs), "", 1)
			gotRest := strings.Replace(string(got), pyEscape(gfs), "", 1)
			if wantRest != gotRest {
				t.Errorf("%s: fault layout differs\nwant:\n%s\ngot:\n%s", name, wantRest, gotRest)
			}
			return false
		}
		t.Errorf("%s: fault string\n got %q\nwant %q", name, gfs, wfs)
		return false
	}
	if images {
		// compare images by format and size, everything else exactly
		wn := normalizeImagesIn(wv)
		gn := normalizeImagesIn(gv)
		wb, _ := marshalResponse(wn)
		gb, _ := marshalResponse(gn)
		if !bytes.Equal(wb, gb) {
			t.Errorf("%s: response differs (images normalised)\nwant:\n%s\ngot:\n%s", name, wb, gb)
		}
		return false
	}
	t.Errorf("%s: response differs\nwant:\n%s\ngot:\n%s", name, want, got)
	return false
}

func normalizeImagesIn(v any) any {
	switch x := v.(type) {
	case []any:
		out := make([]any, len(x))
		for i, e := range x {
			out[i] = normalizeImagesIn(e)
		}
		return out
	case *pyDict:
		out := newPyDict()
		for _, k := range x.Keys() {
			val := x.Val(k)
			if s, ok := val.(string); ok && strings.HasPrefix(k, "image_") {
				val = imageSignature(s)
			}
			out.Set(k, normalizeImagesIn(val))
		}
		return out
	}
	return v
}

// solidPNG is a one-colour paletted PNG (cheap to encode and decode, which
// matters under -race).
func solidPNG(w, h int) []byte {
	img := image.NewPaletted(image.Rect(0, 0, w, h), color.Palette{color.NRGBA{200, 30, 30, 255}})
	var b bytes.Buffer
	enc := png.Encoder{CompressionLevel: png.BestSpeed}
	if err := enc.Encode(&b, img); err != nil {
		panic(err)
	}
	return b.Bytes()
}

// TestReplayRecordings replays the whole recorded session 01..80 against one
// double, in order, like record.py did against the real server.
func TestReplayRecordings(t *testing.T) {
	cases := loadManifest(t)
	srv := NewServer(Options{DB: "odoo_test"})
	defer srv.Close()
	small := NewServer(Options{DB: "odoo_test", MaxBodyBytes: 4096})
	defer small.Close()

	var exact, normalised []string
	for _, c := range cases {
		num := c.Case[:2]
		var body []byte
		target := srv
		switch {
		case c.RequestFile != "":
			var err error
			body, err = os.ReadFile(filepath.Join(fixtures, c.RequestFile))
			if err != nil {
				t.Fatal(err)
			}
		case num == "76":
			// record.py sent a 2240x2240 noise PNG (20 MB request, not
			// stored); any image that must be scaled down takes the same
			// path and gets the same id.
			b64 := base64.StdEncoding.EncodeToString(solidPNG(2240, 16))
			body = pyCall("execute_kw", "odoo_test", 2, "admin", "product.template", "create",
				[]any{map[string]any{"name": "Image 20 MB request", "image_1920": b64}})
		case num == "77" || num == "78":
			// the 128 MiB limit is configurable: same bodies, scaled down
			target = small
			n := int(small.opts.MaxBodyBytes)
			if num == "78" {
				n++
			}
			base := len(pyCall("execute_kw", "odoo_test", 2, "admin", "product.template", "fields_get", []any{},
				pd("allfields", []any{"name"}, "attributes", []any{"type", ""})))
			body = pyCall("execute_kw", "odoo_test", 2, "admin", "product.template", "fields_get", []any{},
				pd("allfields", []any{"name"}, "attributes", []any{"type", strings.Repeat("A", n-base)}))
			if len(body) != n {
				t.Fatalf("body size %d, want %d", len(body), n)
			}
		}
		if num == "08" {
			for i := 0; i < 5; i++ {
				post(t, srv.URL+c.Path, pyCall("authenticate", "odoo_test", "admin", "wrong-password", map[string]any{}))
			}
		}
		var status int
		var hdr http.Header
		var got []byte
		if c.HTTPMethod == "GET" {
			resp, err := http.Get(target.URL + c.Path)
			if err != nil {
				t.Fatal(err)
			}
			got, _ = io.ReadAll(resp.Body)
			resp.Body.Close()
			status, hdr = resp.StatusCode, resp.Header
			if resp.Close {
				hdr.Set("Connection", "close")
			}
		} else {
			status, hdr, got = post(t, target.URL+c.Path, body)
		}
		want, err := os.ReadFile(filepath.Join(fixtures, c.ResponseFile))
		if err != nil {
			t.Fatal(err)
		}
		if status != c.Status {
			t.Errorf("%s: status %d, want %d", c.Case, status, c.Status)
			continue
		}
		if ct := hdr.Get("Content-Type"); ct != c.ContentType {
			t.Errorf("%s: content type %q, want %q", c.Case, ct, c.ContentType)
		}
		for _, h := range c.Headers {
			if h[0] == "Content-Length" {
				continue
			}
			if got := hdr.Get(h[0]); got != h[1] {
				t.Errorf("%s: header %s = %q, want %q", c.Case, h[0], got, h[1])
			}
		}
		if !strings.HasPrefix(c.ContentType, "text/xml") {
			if !bytes.Equal(want, got) {
				t.Errorf("%s: body\n got %q\nwant %q", c.Case, got, want)
			} else {
				exact = append(exact, num)
			}
			continue
		}
		if compareXML(t, c.Case, want, got, num == "32") {
			exact = append(exact, num)
		} else {
			normalised = append(normalised, num)
		}
	}
	t.Logf("byte-for-byte: %d cases: %s", len(exact), strings.Join(exact, " "))
	t.Logf("compared normalised: %d cases: %s", len(normalised), strings.Join(normalised, " "))
}

// ---------------------------------------------------------------- helpers

type rpcFault struct {
	Code   int
	String string
}

func (f *rpcFault) last() string { return lastLine(f.String) }

// rpc calls a service method with Python-style encoding and decodes the answer.
func rpc(t *testing.T, srv *Server, service, method string, params ...any) (any, *rpcFault) {
	t.Helper()
	status, _, body := post(t, srv.URL+"/xmlrpc/2/"+service, pyCall(method, params...))
	if status != 200 {
		t.Fatalf("%s.%s: HTTP %d: %s", service, method, status, body)
	}
	v, code, fs, isFault, err := parseMethodResponse(body)
	if err != nil {
		t.Fatalf("%s.%s: bad response %v: %s", service, method, err, body)
	}
	if isFault {
		return nil, &rpcFault{code, fs}
	}
	return v, nil
}

// ex is execute_kw as admin on the default db.
func ex(t *testing.T, srv *Server, model, method string, args []any, kw map[string]any) (any, *rpcFault) {
	t.Helper()
	params := []any{srv.opts.DB, 2, srv.opts.Password, model, method, args}
	if kw != nil {
		params = append(params, kw)
	}
	return rpc(t, srv, "object", "execute_kw", params...)
}

func mustEx(t *testing.T, srv *Server, model, method string, args []any, kw map[string]any) any {
	t.Helper()
	v, f := ex(t, srv, model, method, args, kw)
	if f != nil {
		t.Fatalf("%s.%s: fault %d: %s", model, method, f.Code, f.last())
	}
	return v
}

func wantFault(t *testing.T, f *rpcFault, code int, last string) {
	t.Helper()
	if f == nil {
		t.Fatalf("no fault, want fault %d %q", code, last)
	}
	if f.Code != code || f.last() != last {
		t.Fatalf("fault %d %q, want %d %q", f.Code, f.last(), code, last)
	}
}

func recs(v any) []*pyDict {
	l, _ := v.([]any)
	out := make([]*pyDict, len(l))
	for i, x := range l {
		out[i] = x.(*pyDict)
	}
	return out
}

func pngOf(w, h int) string { return base64.StdEncoding.EncodeToString(solidPNG(w, h)) }

// ---------------------------------------------------------------- transport

func TestTransport(t *testing.T) {
	srv := NewServer(Options{MaxBodyBytes: 1000})
	defer srv.Close()

	// raw response bytes keep "Connection: close" and the Werkzeug headers
	conn, err := net.Dial("tcp", strings.TrimPrefix(srv.URL, "http://"))
	if err != nil {
		t.Fatal(err)
	}
	body := pyCall("version")
	fmt.Fprintf(conn, "POST /xmlrpc/2/common HTTP/1.1\r\nHost: x\r\nContent-Type: text/xml\r\nContent-Length: %d\r\n\r\n%s", len(body), body)
	raw, _ := io.ReadAll(conn)
	conn.Close()
	for _, h := range []string{"HTTP/1.1 200 OK\r\n", "Server: Werkzeug/2.2.2 Python/3.11.2\r\n", "Content-Type: text/xml; charset=utf-8\r\n",
		"X-Content-Type-Options: nosniff\r\n", "Connection: close\r\n", "Content-Length: 651\r\n"} {
		if !bytes.Contains(raw, []byte(h)) {
			t.Errorf("missing %q in\n%s", h, raw)
		}
	}

	// body over the limit
	status, _, b := post(t, srv.URL+"/xmlrpc/2/object", bytes.Repeat([]byte("x"), 1001))
	if status != 413 || !bytes.Contains(b, []byte("Request Entity Too Large")) {
		t.Errorf("413 expected, got %d %s", status, b)
	}
	// GET
	resp, err := http.Get(srv.URL + "/xmlrpc/2/common")
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	if resp.StatusCode != 405 || resp.Header.Get("Allow") != "POST, OPTIONS" {
		t.Errorf("GET: %d %v", resp.StatusCode, resp.Header)
	}
	// malformed XML is a fault 1, HTTP 200
	status, _, b = post(t, srv.URL+"/xmlrpc/2/common", []byte("<methodCall><methodName>version"))
	if status != 200 || !bytes.Contains(b, []byte("<int>1</int>")) {
		t.Errorf("bad xml: %d %s", status, b)
	}
	if srv.BytesReceived() == 0 {
		t.Error("BytesReceived not counted")
	}
}

// TestKoloStyleRequest posts a request serialised like github.com/kolo/xmlrpc
// does (double-quoted declaration, no whitespace, <string>, <int>, <boolean>,
// <double>, <nil/>, <value/>) and a hand-written one with untyped values.
func TestKoloStyleRequest(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	body := `<?xml version="1.0" encoding="UTF-8"?><methodCall><methodName>execute_kw</methodName><params>` +
		`<param><value><string>odoo</string></value></param><param><value><int>2</int></value></param>` +
		`<param><value><string>admin</string></value></param><param><value><string>product.template</string></value></param>` +
		`<param><value><string>create</string></value></param>` +
		`<param><value><array><data><value><array><data>` +
		`<value><struct><member><name>name</name><value><string>Kolo &amp; Co &lt;1&gt;</string></value></member>` +
		`<member><name>list_price</name><value><double>9.5</double></value></member>` +
		`<member><name>sale_ok</name><value><boolean>0</boolean></value></member>` +
		`<member><name>barcode</name><value><nil/></value></member>` +
		`<member><name>description_sale</name><value/></member>` +
		`<member><name>default_code</name><value><string>K-1</string></value></member></struct></value>` +
		`</data></array></value></data></array></value></param>` +
		`<param><value><struct><member><name>context</name><value><struct><member><name>tracking_disable</name><value><boolean>1</boolean></value></member></struct></value></member></struct></value></param>` +
		`</params></methodCall>`
	status, _, b := post(t, srv.URL+"/xmlrpc/2/object", []byte(body))
	if status != 200 {
		t.Fatalf("status %d", status)
	}
	v, _, fs, isFault, err := parseMethodResponse(b)
	if err != nil || isFault {
		t.Fatalf("create: %v %s", err, fs)
	}
	ids := v.([]any)
	if len(ids) != 1 {
		t.Fatalf("ids %v", ids)
	}
	p, ok := srv.Product(ids[0].(int))
	if !ok || p.Name != "Kolo & Co <1>" || p.ListPrice != 9.5 || p.SaleOK || p.DefaultCode != "K-1" {
		t.Fatalf("product %+v", p)
	}
	// <value/> is an empty string for Python, not False
	if p.Values["description_sale"] != "" || p.Values["barcode"] != nil {
		t.Errorf("description_sale %#v barcode %#v", p.Values["description_sale"], p.Values["barcode"])
	}
	// read back: escaped text, raw UTF-8
	got := mustEx(t, srv, "product.template", "read", []any{ids, []any{"name", "barcode"}}, nil)
	r := recs(got)[0]
	if r.Val("name") != "Kolo & Co <1>" || r.Val("barcode") != false {
		t.Errorf("read %s", pyRepr(r))
	}
	// untyped strings and <i4>, no declaration (case 80 style), plus <dateTime.iso8601>, <base64>
	body = `<methodCall><methodName>execute_kw</methodName><params><param><value>odoo</value></param>` +
		`<param><value><i4>2</i4></value></param><param><value>admin</value></param><param><value>product.template</value></param>` +
		`<param><value>search_read</value></param><param><value><array><data><value><array><data>` +
		`<value><array><data><value>write_date</value><value>!=</value><value><dateTime.iso8601>20000101T00:00:00</dateTime.iso8601></value></data></array></value>` +
		`</data></array></value></data></array></value></param>` +
		`<param><value><struct><member><name>fields</name><value><array><data><value>name</value></data></array></value></member>` +
		`<member><name>limit</name><value><i8>5</i8></value></member></struct></value></param></params></methodCall>`
	_, _, b = post(t, srv.URL+"/xmlrpc/2/object", []byte(body))
	v, _, fs, isFault, err = parseMethodResponse(b)
	if err != nil || isFault {
		t.Fatalf("search_read: %v %s", err, fs)
	}
	if len(v.([]any)) != 1 {
		t.Errorf("search_read: %s", b)
	}
}

// TestKoloClient drives the double with the XML-RPC client zohosync uses.
func TestKoloClient(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	common, err := xmlrpc.NewClient(srv.URL+"/xmlrpc/2/common", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer common.Close()
	var ver map[string]any
	if err := common.Call("version", nil, &ver); err != nil || ver["server_version"] != "17.0" {
		t.Fatalf("version: %v %v", err, ver)
	}
	var uid int64
	if err := common.Call("authenticate", []any{"odoo", "admin", "admin", map[string]any{}}, &uid); err != nil || uid != 2 {
		t.Fatalf("authenticate: %v %v", err, uid)
	}
	var bad bool
	if err := common.Call("authenticate", []any{"odoo", "admin", "nope", map[string]any{}}, &bad); err != nil || bad {
		t.Fatalf("bad authenticate: %v %v", err, bad)
	}
	obj, err := xmlrpc.NewClient(srv.URL+"/xmlrpc/2/object", nil)
	if err != nil {
		t.Fatal(err)
	}
	defer obj.Close()
	var ids []any
	err = obj.Call("execute_kw", []any{"odoo", 2, "admin", "product.template", "create",
		[]any{[]any{
			map[string]any{"name": "A", "default_code": "A-1", "list_price": 3.25, "image_1920": pngOf(4, 4)},
			map[string]any{"name": "B", "detailed_type": "service"},
		}},
		map[string]any{"context": map[string]any{"tracking_disable": true}}}, &ids)
	if err != nil || len(ids) != 2 {
		t.Fatalf("create: %v %v", err, ids)
	}
	var rows []map[string]any
	err = obj.Call("execute_kw", []any{"odoo", 2, "admin", "product.template", "search_read",
		[]any{[]any{[]any{"default_code", "=", "A-1"}}},
		map[string]any{"fields": []string{"name", "list_price", "uom_id", "image_128", "description"}}}, &rows)
	if err != nil || len(rows) != 1 {
		t.Fatalf("search_read: %v %v", err, rows)
	}
	if rows[0]["list_price"] != 3.25 || rows[0]["description"] != false {
		t.Errorf("row %v", rows[0])
	}
	if uom := rows[0]["uom_id"].([]any); uom[1] != "Units" {
		t.Errorf("uom %v", uom)
	}
	var x any
	err = obj.Call("execute_kw", []any{"odoo", 2, "admin", "product.template", "create",
		[]any{map[string]any{"name": "C", "x_zoho_id": "1"}}}, &x)
	// kolo's Client goes through net/rpc: a fault arrives as an
	// rpc.ServerError "Fault(<code>): <faultString>".
	var se netrpc.ServerError
	if !errors.As(err, &se) || !strings.HasPrefix(string(se), "Fault(1): Traceback") ||
		lastLine(strings.TrimPrefix(string(se), "Fault(1): ")) != "ValueError: Invalid field 'x_zoho_id' on model 'product.template'" {
		t.Fatalf("fault: %#v", err)
	}
	if srv.Calls()["product.template.create"] != 2 || srv.Calls()["common.authenticate"] != 2 {
		t.Errorf("calls %v", srv.Calls())
	}
}

// ---------------------------------------------------------------- faults

func TestFaultInjection(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	create := func(name string) (any, *rpcFault) {
		return ex(t, srv, "product.template", "create", []any{map[string]any{"name": name}}, nil)
	}

	t.Run("code1", func(t *testing.T) {
		srv.Inject(Fault{Model: "product.template", Method: "create", Code: 1,
			Message: "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update"})
		_, f := create("x")
		wantFault(t, f, 1, "psycopg2.errors.SerializationFailure: could not serialize access due to concurrent update")
		if !strings.HasPrefix(f.String, "Traceback (most recent call last):\n") {
			t.Errorf("no traceback: %q", f.String)
		}
		if len(srv.Products(true)) != 0 {
			t.Error("injected fault must not execute")
		}
		// Times 0 = once
		if _, f := create("x"); f != nil {
			t.Fatalf("second call faulted: %v", f)
		}
	})
	t.Run("code2-times-match", func(t *testing.T) {
		srv.Inject(Fault{Method: "create", Code: 2, Message: "boom", Times: 2,
			Match: func(args []any, kw map[string]any) bool {
				m, ok := args[0].(map[string]any)
				return ok && m["name"] == "bad"
			}})
		if _, f := create("good"); f != nil {
			t.Fatalf("non matching call faulted: %v", f)
		}
		_, f := create("bad")
		wantFault(t, f, 2, "boom")
		_, f = create("bad")
		wantFault(t, f, 2, "boom")
		if _, f := create("bad"); f != nil {
			t.Fatalf("Times=2 exceeded: %v", f)
		}
	})
	t.Run("code3-forever-common", func(t *testing.T) {
		srv.Inject(Fault{Model: "common", Method: "authenticate", Code: 3, Times: -1,
			Message: "Too many login failures, please wait a bit before trying again."})
		for i := 0; i < 3; i++ {
			_, f := rpc(t, srv, "common", "authenticate", "odoo", "admin", "admin", map[string]any{})
			wantFault(t, f, 3, "Too many login failures, please wait a bit before trying again.")
		}
		srv.ClearFaults()
		v, f := rpc(t, srv, "common", "authenticate", "odoo", "admin", "admin", map[string]any{})
		if f != nil || v != 2 {
			t.Fatalf("after ClearFaults: %v %v", v, f)
		}
	})
	t.Run("down", func(t *testing.T) {
		srv.Inject(Fault{Model: "product.template", Method: "search_count", Down: true})
		_, err := http.Post(srv.URL+"/xmlrpc/2/object", "text/xml", bytes.NewReader(pyCall("execute_kw", "odoo", 2, "admin", "product.template", "search_count", []any{[]any{}})))
		if err == nil {
			t.Fatal("expected a connection error")
		}
		srv.SetDown(true)
		_, err = http.Post(srv.URL+"/xmlrpc/2/common", "text/xml", bytes.NewReader(pyCall("version")))
		if err == nil {
			t.Fatal("expected a connection error while down")
		}
		srv.SetDown(false)
		if _, f := rpc(t, srv, "common", "version"); f != nil {
			t.Fatal(f)
		}
	})
	t.Run("latency", func(t *testing.T) {
		srv.SetLatency(30 * time.Millisecond)
		t0 := time.Now()
		rpc(t, srv, "common", "version")
		if time.Since(t0) < 30*time.Millisecond {
			t.Error("latency not applied")
		}
		srv.SetLatency(0)
	})
	if srv.TotalCalls() == 0 || srv.Calls()["product.template.create"] == 0 {
		t.Errorf("calls: %v", srv.Calls())
	}
	srv.ResetCalls()
	if srv.TotalCalls() != 0 || len(srv.Calls()) != 0 {
		t.Error("ResetCalls")
	}
}

// TestCutAfterCommit: Odoo received and committed the create, the client
// never hears back.
func TestCutAfterCommit(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	srv.Inject(Fault{Model: "product.template", Method: "load", CutAfterCommit: true})
	body := pyCall("execute_kw", "odoo", 2, "admin", "product.template", "load",
		[]any{[]any{"id", "name", "default_code"}, []any{[]any{"__zoho__.item_1", "Cut", "CUT-1"}}})
	resp, err := http.Post(srv.URL+"/xmlrpc/2/object", "text/xml", bytes.NewReader(body))
	if err == nil {
		resp.Body.Close()
		t.Fatal("expected the connection to be cut")
	}
	ps := srv.Products(false)
	if len(ps) != 1 || ps[0].DefaultCode != "CUT-1" || len(ps[0].XMLIDs) != 1 || ps[0].XMLIDs[0] != "__zoho__.item_1" {
		t.Fatalf("the load was not committed: %+v", ps)
	}
	// a retry finds it by its link instead of duplicating
	v := mustEx(t, srv, "product.template", "load", []any{[]any{"id", "name", "default_code"}, []any{[]any{"__zoho__.item_1", "Cut", "CUT-1"}}}, nil)
	if ids := v.(*pyDict).Val("ids").([]any); len(ids) != 1 || ids[0] != ps[0].ID {
		t.Fatalf("retry: %s", pyRepr(v))
	}
	if len(srv.Products(true)) != 1 {
		t.Fatal("duplicated")
	}
}

func TestAuthAndDispatchFaults(t *testing.T) {
	key := "0123456789abcdef0123456789abcdef01234567"
	srv := NewServer(Options{APIKey: key})
	defer srv.Close()
	if v, f := rpc(t, srv, "common", "login", "odoo", "admin", key); f != nil || v != 2 {
		t.Fatalf("api key login: %v %v", v, f)
	}
	if _, f := rpc(t, srv, "object", "execute_kw", "odoo", 2, key, "product.template", "search", []any{[]any{}}); f != nil {
		t.Fatalf("api key execute: %v", f)
	}
	_, f := rpc(t, srv, "object", "execute_kw", "odoo", 2, "", "product.template", "search", []any{[]any{}})
	wantFault(t, f, 3, "Access Denied")
	_, f = rpc(t, srv, "object", "execute_kw", "nodb", 2, "admin", "product.template", "search", []any{[]any{}})
	if f == nil || f.Code != 1 || !strings.Contains(f.last(), `database "nodb" does not exist`) {
		t.Fatalf("unknown db: %v", f)
	}
	_, f = ex(t, srv, "product.template", "search", []any{[]any{[]any{"nope", "=", 1}}}, nil)
	wantFault(t, f, 1, "ValueError: Invalid field product.template.nope in leaf ('nope', '=', 1)")
	_, f = ex(t, srv, "product.template", "search_read", []any{[]any{}}, map[string]any{"fields": []any{"nope"}})
	wantFault(t, f, 1, "ValueError: Invalid field 'nope' on model 'product.template'")
	_, f = ex(t, srv, "product.template", "write", []any{[]any{}, map[string]any{"nope": 1}}, nil)
	if f != nil {
		t.Fatalf("write on no ids is a no-op: %v", f)
	}
	id := mustEx(t, srv, "product.template", "create", []any{map[string]any{"name": "P"}}, nil)
	_, f = ex(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"nope": 1}}, nil)
	wantFault(t, f, 1, "ValueError: Invalid field 'nope' on model 'product.template'")
	_, f = ex(t, srv, "product.template", "search", []any{[]any{}}, map[string]any{"count": true})
	wantFault(t, f, 1, "TypeError: BaseModel.search() got an unexpected keyword argument 'count'")
	// what the double does not emulate is a fault that says so, not a wrong answer
	_, f = ex(t, srv, "product.template", "search", []any{[]any{[]any{"name", "ilike", "p"}}}, nil)
	wantFault(t, f, 1, "ValueError: odootest does not emulate the domain operator \"ilike\" in leaf ('name', 'ilike', 'p')")
	_, f = ex(t, srv, "product.template", "search", []any{[]any{"|", []any{"id", "=", 1}, []any{"id", "=", 2}}}, nil)
	wantFault(t, f, 1, "ValueError: odootest does not emulate domain term '|' (only and-ed leaves)")
	_, f = ex(t, srv, "product.template", "name_search", []any{"p"}, nil)
	wantFault(t, f, 1, "AttributeError: The method 'name_search' does not exist on the model 'product.template'")
	v := mustEx(t, srv, "res.users", "read", []any{[]any{2}, []any{"name", "login", "company_id"}}, nil)
	if pyRepr(v) != "[{'id': 2, 'name': 'Administrator', 'login': 'admin', 'company_id': [1, 'My Company']}]" {
		t.Fatalf("res.users: %s", pyRepr(v))
	}
	// the whole call is rolled back on a fault
	_, f = ex(t, srv, "product.template", "create", []any{[]any{map[string]any{"name": "ok"}, map[string]any{"name": "bad", "list_price": "x"}}}, nil)
	wantFault(t, f, 1, "ValueError: could not convert string to float: 'x'")
	_, f = ex(t, srv, "product.template", "create", []any{[]any{map[string]any{"name": "ok"}, map[string]any{"name": false}}}, nil)
	if f == nil || f.Code != 2 || !strings.HasPrefix(f.String, "The operation cannot be completed:") || !strings.Contains(f.String, "Field: Name (name)") {
		t.Fatalf("missing name: %v", f)
	}
	if n := len(srv.Products(true)); n != 1 {
		t.Fatalf("rolled back creates persisted: %d products", n)
	}
}

// ---------------------------------------------------------------- versions

func TestVersion18Types(t *testing.T) {
	for _, stock := range []bool{false, true} {
		t.Run(fmt.Sprintf("stock=%v", stock), func(t *testing.T) {
			srv := NewServer(Options{Version: "18.0", Stock: stock})
			defer srv.Close()
			v, _ := rpc(t, srv, "common", "version")
			if pyRepr(v) != "{'server_version': '18.0', 'server_version_info': [18, 0, 0, 'final', 0, ''], 'server_serie': '18.0', 'protocol_version': 1}" {
				t.Fatalf("version %s", pyRepr(v))
			}
			fg := mustEx(t, srv, "product.template", "fields_get", []any{[]any{"type", "detailed_type", "is_storable", "uom_po_id"}},
				map[string]any{"attributes": []any{"type", "selection", "required"}}).(*pyDict)
			if fg.Has("detailed_type") || fg.Has("is_storable") != stock {
				t.Fatalf("fields_get %s", pyRepr(fg))
			}
			if pyRepr(fg.Val("type")) != "{'required': True, 'selection': [['consu', 'Goods'], ['service', 'Service'], ['combo', 'Combo']], 'type': 'selection'}" {
				t.Fatalf("type %s", pyRepr(fg.Val("type")))
			}
			_, f := ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "detailed_type": "consu"}}, nil)
			wantFault(t, f, 1, "ValueError: Invalid field 'detailed_type' on model 'product.template'")
			_, f = ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "type": "product"}}, nil)
			wantFault(t, f, 1, "ValueError: Wrong value for product.template.type: 'product'")
			_, f = ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "type": "combo"}}, nil)
			wantFault(t, f, 2, "A combo product must contain at least 1 combo choice.")
			_, f = ex(t, srv, "product.template", "no_such", []any{[]any{}}, nil)
			wantFault(t, f, 1, "AttributeError: The method 'product.template.no_such' does not exist")
			_, f = ex(t, srv, "product.template", "_create", []any{[]any{}}, nil)
			wantFault(t, f, 4, "Private methods (such as 'product.template._create') cannot be called remotely.")
			// uom_po_id follows uom_id
			kg := 12
			id := mustEx(t, srv, "product.template", "create", []any{map[string]any{"name": "kg", "uom_id": kg}}, nil).(int)
			if p, _ := srv.Product(id); p.UomPoID != kg || p.Type != "consu" {
				t.Fatalf("18 uom_po_id: %+v", p)
			}
			mustEx(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"uom_id": 13}}, nil)
			if p, _ := srv.Product(id); p.UomID != 13 || p.UomPoID != 12 {
				t.Fatalf("18 write uom_id in the same category keeps uom_po_id: %+v", p)
			}
			mustEx(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"uom_id": 1}}, nil)
			if p, _ := srv.Product(id); p.UomPoID != 1 {
				t.Fatalf("18 write uom_id recomputes a mismatched uom_po_id: %+v", p)
			}
			_, f = ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "uom_id": 1, "uom_po_id": 12}}, nil)
			wantFault(t, f, 2, "The default Unit of Measure and the purchase Unit of Measure must be in the same category.")
			if !stock {
				_, f = ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "is_storable": true}}, nil)
				wantFault(t, f, 1, "ValueError: Invalid field 'is_storable' on model 'product.template'")
				return
			}
			ids := mustEx(t, srv, "product.template", "create", []any{[]any{
				map[string]any{"name": "goods", "type": "consu", "is_storable": true},
				map[string]any{"name": "svc", "type": "service", "is_storable": true},
			}}, nil).([]any)
			p1, _ := srv.Product(ids[0].(int))
			p2, _ := srv.Product(ids[1].(int))
			if !p1.IsStorable || p2.IsStorable {
				t.Fatalf("is_storable: %v %v", p1.IsStorable, p2.IsStorable)
			}
			mustEx(t, srv, "product.template", "write", []any{[]any{ids[0]}, map[string]any{"type": "service"}}, nil)
			if p, _ := srv.Product(ids[0].(int)); p.IsStorable {
				t.Fatal("is_storable must be forced False for services")
			}
		})
	}
}

func TestVersion17Stock(t *testing.T) {
	srv := NewServer(Options{Stock: true})
	defer srv.Close()
	id := mustEx(t, srv, "product.template", "create", []any{map[string]any{"name": "st", "detailed_type": "product"}}, nil).(int)
	p, _ := srv.Product(id)
	if p.Type != "product" || p.DetailedType != "product" || !p.IsStorable {
		t.Fatalf("%+v", p)
	}
	_, f := ex(t, srv, "product.template", "create", []any{map[string]any{"name": "x", "type": "service", "detailed_type": "product"}}, nil)
	wantFault(t, f, 2, "The Type of this product doesn't match the Detailed Type")
	fg := mustEx(t, srv, "product.template", "fields_get", []any{[]any{"detailed_type"}}, map[string]any{"attributes": []any{"selection"}})
	if pyRepr(fg) != "{'detailed_type': {'selection': [['consu', 'Consumable'], ['service', 'Service'], ['product', 'Storable Product']]}}" {
		t.Fatalf("%s", pyRepr(fg))
	}
	v16 := NewServer(Options{Version: "16.0"})
	defer v16.Close()
	v, _ := rpc(t, v16, "common", "version")
	if v.(*pyDict).Val("server_version") != "16.0" {
		t.Fatal(pyRepr(v))
	}
}

// TestProducts17 covers product semantics not in the recordings.
func TestProducts17(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	// uom_po_id defaults to Units whatever uom_id is
	_, f := ex(t, srv, "product.template", "create", []any{map[string]any{"name": "kg only", "uom_id": 12}}, nil)
	wantFault(t, f, 2, "The default Unit of Measure and the purchase Unit of Measure must be in the same category.")
	id := mustEx(t, srv, "product.template", "create", []any{map[string]any{"name": "kg", "uom_id": 12, "uom_po_id": 12, "barcode": "123", "default_code": "KG"}}, nil).(int)
	// write auto-fixes a mismatched uom_po_id
	mustEx(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"uom_id": 1}}, nil)
	if p, _ := srv.Product(id); p.UomID != 1 || p.UomPoID != 1 {
		t.Fatalf("auto-fix: %+v", p)
	}
	// writing uom_id alone on several records needs self.uom_po_id: singleton error
	id2 := mustEx(t, srv, "product.template", "create", []any{map[string]any{"name": "other"}}, nil).(int)
	_, f = ex(t, srv, "product.template", "write", []any{[]any{id, id2}, map[string]any{"uom_id": 12}}, nil)
	wantFault(t, f, 1, fmt.Sprintf("ValueError: Expected singleton: product.template(%d, %d)", id, id2))
	// barcode uniqueness
	_, f = ex(t, srv, "product.template", "create", []any{map[string]any{"name": "dup", "barcode": "123"}}, nil)
	if f == nil || f.Code != 2 || f.String != "Barcode(s) already assigned:\n\n- Barcode \"123\" already assigned to product(s): [KG] kg, dup\n\nNote: products that you don't have access to will not be shown above." {
		t.Fatalf("barcode: %q", f.String)
	}
	// product.product mirrors the template
	rows := recs(mustEx(t, srv, "product.product", "search_read", []any{[]any{[]any{"product_tmpl_id", "=", id}}},
		map[string]any{"fields": []any{"default_code", "barcode", "lst_price", "display_name", "product_tmpl_id", "name"}}))
	if len(rows) != 1 || rows[0].Val("default_code") != "KG" || rows[0].Val("display_name") != "[KG] kg" || rows[0].Val("lst_price") != 1.0 {
		t.Fatalf("variant %s", pyRepr(rows))
	}
	vid := rows[0].Val("id")
	mustEx(t, srv, "product.product", "write", []any{[]any{vid}, map[string]any{"default_code": "KG2", "list_price": 7.0}}, nil)
	if p, _ := srv.Product(id); p.DefaultCode != "KG2" || p.ListPrice != 7 {
		t.Fatalf("variant write: %+v", p)
	}
	// archive hides from search, the variant follows
	mustEx(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"active": false}}, nil)
	if n := mustEx(t, srv, "product.product", "search_count", []any{[]any{[]any{"product_tmpl_id", "=", id}}}, nil); n != 0 {
		t.Fatalf("archived variant visible: %v", n)
	}
	n := mustEx(t, srv, "product.template", "search_count", []any{[]any{[]any{"default_code", "=", "KG2"}}}, map[string]any{"context": map[string]any{"active_test": false}})
	if n != 1 {
		t.Fatalf("active_test False: %v", n)
	}
	// domain operators
	mustEx(t, srv, "product.template", "create", []any{[]any{
		map[string]any{"name": "Alpha", "default_code": "D-1", "list_price": 5},
		map[string]any{"name": "beta", "default_code": "D-2", "list_price": 15},
		map[string]any{"name": "Gamma"},
	}}, nil)
	for _, tc := range []struct {
		dom  []any
		want int
	}{
		{[]any{[]any{"name", "in", []any{"Alpha", "beta", "nope"}}}, 2},
		{[]any{[]any{"default_code", "=like", "D-%"}}, 2},
		{[]any{[]any{"default_code", "=like", "d-%"}}, 0},
		{[]any{[]any{"default_code", "=", false}}, 2},
		{[]any{[]any{"default_code", "!=", false}}, 2},
		{[]any{[]any{"default_code", "not in", []any{"D-1"}}}, 3},
		{[]any{[]any{"default_code", "!=", "D-1"}}, 3},
		{[]any{[]any{"categ_id", "=", 1}}, 4},
		{[]any{[]any{"uom_id", "in", []any{1, 12}}}, 4},
		{[]any{[]any{"list_price", "=", 5}, []any{"name", "=", "Alpha"}}, 1},
		{[]any{[]any{"sale_ok", "=", true}, []any{"id", "in", []any{}}}, 0},
	} {
		got := mustEx(t, srv, "product.template", "search_count", []any{tc.dom}, nil)
		if got != tc.want {
			t.Errorf("domain %s: %v, want %d", pyRepr(tc.dom), got, tc.want)
		}
	}
	got := mustEx(t, srv, "product.template", "search", []any{[]any{}}, map[string]any{"order": "list_price desc, name"})
	names := []string{}
	for _, r := range recs(mustEx(t, srv, "product.template", "read", []any{got, []any{"name"}}, nil)) {
		names = append(names, r.Val("name").(string))
	}
	if strings.Join(names, ",") != "beta,Alpha,Gamma,other" {
		t.Errorf("order: %v", names)
	}
	// unlink removes the xml ids pointing at the record
	mustEx(t, srv, "ir.model.data", "create", []any{map[string]any{"module": "__t__", "name": "x", "model": "product.template", "res_id": id2}}, nil)
	mustEx(t, srv, "product.template", "unlink", []any{[]any{id2}}, nil)
	if n := mustEx(t, srv, "ir.model.data", "search_count", []any{[]any{[]any{"module", "=", "__t__"}}}, nil); n != 0 {
		t.Errorf("xml id left after unlink: %v", n)
	}
	// seeding helpers
	sid := srv.CreateProduct(map[string]any{"name": "Seeded", "default_code": "S-1", "list_price": 2.5})
	srv.UpdateProduct(sid, map[string]any{"name": "Edited in Odoo"})
	p, ok := srv.Product(sid)
	if !ok || p.Name != "Edited in Odoo" || p.DefaultCode != "S-1" || len(p.XMLIDs) != 0 || p.Values["list_price"] != 2.5 {
		t.Fatalf("seeded %+v", p)
	}
}

// ---------------------------------------------------------------- images

func decodeB64PNG(t *testing.T, v any) image.Image {
	t.Helper()
	s, ok := v.(string)
	if !ok {
		t.Fatalf("not an image: %#v", v)
	}
	raw, err := base64.StdEncoding.DecodeString(s)
	if err != nil {
		t.Fatal(err)
	}
	img, err := png.Decode(bytes.NewReader(raw))
	if err != nil {
		t.Fatalf("image does not decode as PNG: %v", err)
	}
	return img
}

func TestImages(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	create := func(img any) (any, *rpcFault) {
		return ex(t, srv, "product.template", "create", []any{map[string]any{"name": "img", "image_1920": img}}, nil)
	}
	// a wide PNG is scaled to fit 1920x1920; image_128 is a real PNG
	id, f := create(pngOf(2500, 1000))
	if f != nil {
		t.Fatal(f)
	}
	r := recs(mustEx(t, srv, "product.template", "read", []any{[]any{id}, []any{"image_1920", "image_1024", "image_512", "image_256", "image_128", "can_image_1024_be_zoomed"}}, nil))[0]
	for field, want := range map[string][2]int{"image_1920": {1920, 768}, "image_1024": {1024, 410}, "image_512": {512, 205}, "image_256": {256, 102}, "image_128": {128, 51}} {
		b := decodeB64PNG(t, r.Val(field)).Bounds()
		if b.Dx() != want[0] || b.Dy() != want[1] {
			t.Errorf("%s: %dx%d, want %dx%d", field, b.Dx(), b.Dy(), want[0], want[1])
		}
	}
	img128 := decodeB64PNG(t, r.Val("image_128"))
	if c := color.NRGBAModel.Convert(img128.At(10, 10)).(color.NRGBA); c.R != 200 || c.G != 30 {
		t.Errorf("pixels not preserved: %v", c)
	}
	if r.Val("can_image_1024_be_zoomed") != true {
		t.Error("can_image_1024_be_zoomed")
	}
	// small images are stored as sent, image_128 of a 100px image is resized
	small := pngOf(100, 50)
	id2, _ := create(small)
	r = recs(mustEx(t, srv, "product.template", "read", []any{[]any{id2}, []any{"image_1920", "image_128"}}, nil))[0]
	if r.Val("image_1920") != small || r.Val("image_128") != small {
		t.Error("a small image must be stored unchanged")
	}
	// jpeg stays jpeg
	var jb bytes.Buffer
	jimg := image.NewGray(image.Rect(0, 0, 3000, 500))
	_ = jpeg.Encode(&jb, jimg, nil)
	id3, f := create(base64.StdEncoding.EncodeToString(jb.Bytes()))
	if f != nil {
		t.Fatal(f)
	}
	r = recs(mustEx(t, srv, "product.template", "read", []any{[]any{id3}, []any{"image_1920"}}, nil))[0]
	if sig := imageSignature(r.Val("image_1920").(string)); sig != "jpeg 1920x320" {
		t.Errorf("jpeg: %s", sig)
	}
	// SVG, WebP and a truncated PNG whose header decodes are accepted as is
	for name, raw := range map[string][]byte{
		"svg":       []byte("<svg xmlns='http://www.w3.org/2000/svg'/>"),
		"html":      []byte("<html><body>not an image</body></html>"),
		"webp":      append([]byte("RIFF\x24\x00\x00\x00WEBPVP8 "), make([]byte, 24)...),
		"truncated": solidPNG(64, 64)[:60],
	} {
		b64 := base64.StdEncoding.EncodeToString(raw)
		id, f := create(b64)
		if f != nil {
			t.Errorf("%s refused: %v", name, f)
			continue
		}
		r := recs(mustEx(t, srv, "product.template", "read", []any{[]any{id}, []any{"image_1920", "image_128"}}, nil))[0]
		if r.Val("image_1920") != b64 || r.Val("image_128") != b64 {
			t.Errorf("%s not stored as sent", name)
		}
	}
	_, f = create(base64.StdEncoding.EncodeToString([]byte("this is not an image")))
	wantFault(t, f, 2, "This file could not be decoded as an image file.")
	_, f = create("%%% not base64 %%%")
	wantFault(t, f, 2, "Image is not encoded in base64.")
	// > 50 Mpx: only the header is needed
	huge := solidPNG(1, 1)
	binary.BigEndian.PutUint32(huge[16:20], 8000)
	binary.BigEndian.PutUint32(huge[20:24], 8000)
	binary.BigEndian.PutUint32(huge[29:33], crc32.ChecksumIEEE(huge[12:29]))
	_, f = create(base64.StdEncoding.EncodeToString(huge))
	wantFault(t, f, 2, "Image size excessive, uploaded images must be smaller than 50.0 million pixels.")
	// writing False clears every size
	mustEx(t, srv, "product.template", "write", []any{[]any{id}, map[string]any{"image_1920": false}}, nil)
	r = recs(mustEx(t, srv, "product.template", "read", []any{[]any{id}, []any{"image_1920", "image_1024", "image_128"}}, nil))[0]
	if r.Val("image_1920") != false || r.Val("image_1024") != false || r.Val("image_128") != false {
		t.Errorf("clear: %s", pyRepr(r))
	}
	// the variant shows the template image
	pr := recs(mustEx(t, srv, "product.product", "search_read", []any{[]any{[]any{"product_tmpl_id", "=", id2}}}, map[string]any{"fields": []any{"image_128"}}))
	if len(pr) != 1 || pr[0].Val("image_128") != small {
		t.Error("variant image_128")
	}
	if p, _ := srv.Product(id2.(int)); p.Image1920 != small {
		t.Error("Product.Image1920")
	}
	v18 := NewServer(Options{Version: "18.0"})
	defer v18.Close()
	_, f = ex(t, v18, "product.template", "create", []any{map[string]any{"name": "x", "image_1920": base64.StdEncoding.EncodeToString(huge)}}, nil)
	wantFault(t, f, 2, "Too large image (above 50.0Mpx), reduce the image size.")
}

// ---------------------------------------------------------------- load()

func TestLoad(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	load := func(fields []any, rows ...[]any) *pyDict {
		t.Helper()
		data := make([]any, len(rows))
		for i, r := range rows {
			data[i] = r
		}
		return mustEx(t, srv, "product.template", "load", []any{fields, data}, nil).(*pyDict)
	}
	// an existing product without xml id, created by a user
	existing := srv.CreateProduct(map[string]any{"name": "Made in Odoo", "default_code": "M-1"})

	// `.id` alone updates by database id, no xml id is written
	res := load([]any{".id", "name"}, []any{fmt.Sprint(existing), "Renamed by .id"})
	if pyRepr(res.Val("ids")) != fmt.Sprintf("[%d]", existing) {
		t.Fatalf(".id load: %s", pyRepr(res))
	}
	if p, _ := srv.Product(existing); p.Name != "Renamed by .id" || len(p.XMLIDs) != 0 {
		t.Fatalf(".id load: %+v", p)
	}
	// `id` + `.id`: the xml id wins; a new xml id creates a NEW record
	res = load([]any{"id", ".id", "name"}, []any{"__zoho__.item_1", fmt.Sprint(existing), "Linked?"})
	newID := res.Val("ids").([]any)[0].(int)
	if newID == existing {
		t.Fatal("real Odoo 17 does not link the .id record to a new xml id")
	}
	if p, _ := srv.Product(existing); p.Name != "Renamed by .id" {
		t.Fatalf("the .id record must be untouched: %+v", p)
	}
	// an unknown .id is an error message
	res = load([]any{"id", ".id", "name"}, []any{"__zoho__.item_2", "999999", "x"})
	if res.Val("ids") != false || !strings.Contains(pyRepr(res.Val("messages")), "Unknown database identifier '999999'") {
		t.Fatalf("unknown .id: %s", pyRepr(res))
	}
	// xml id pointing at a deleted record: the record is recreated
	mustEx(t, srv, "ir.model.data", "create", []any{map[string]any{"module": "__zoho__", "name": "ghost", "model": "product.template", "res_id": 424242}}, nil)
	res = load([]any{"id", "name"}, []any{"__zoho__.ghost", "Recreated"})
	gid := res.Val("ids").([]any)[0].(int)
	if p, _ := srv.Product(gid); p.Name != "Recreated" || len(p.XMLIDs) != 1 || p.XMLIDs[0] != "__zoho__.ghost" {
		t.Fatalf("recreate: %+v", p)
	}
	// booleans, ints, selection labels, m2o by name / xml id / .id, warnings
	res = load([]any{"id", "name", "sale_ok", "purchase_ok", "detailed_type", "uom_id", "uom_po_id/.id", "categ_id", "sequence"},
		[]any{"__zoho__.b1", "Bools", "no", "maybe", "Service", "kg", "12", "All / Saleable", "7"})
	msgs := pyRepr(res.Val("messages"))
	if !strings.Contains(msgs, "Unknown value 'maybe' for boolean field 'Can be Purchased'") || !strings.Contains(msgs, "'type': 'warning'") {
		t.Fatalf("boolean warning: %s", msgs)
	}
	bid := res.Val("ids").([]any)[0].(int)
	p, _ := srv.Product(bid)
	if p.SaleOK || !p.PurchaseOK || p.Type != "service" || p.UomID != 12 || p.UomPoID != 12 || p.CategID != 2 || p.Values["sequence"] != 7 {
		t.Fatalf("conversions: %+v", p)
	}
	// selection value not found, integer error, ambiguous m2o
	res = load([]any{"id", "name", "detailed_type", "sequence", "uom_id", "uom_id/id"}, []any{"__zoho__.b2", "x", "storable", "1.5", "kg", "uom.product_uom_kgm"})
	msgs = pyRepr(res.Val("messages"))
	for _, want := range []string{
		"Value 'storable' not found in selection field 'Product Type'",
		"'1.5' does not seem to be an integer for field 'Sequence'",
		"Ambiguous specification for field 'Unit of Measure', only provide one of name, external id or database id",
	} {
		if !strings.Contains(msgs, want) {
			t.Errorf("missing %q in %s", want, msgs)
		}
	}
	// a constraint error in one row: all or nothing, row-by-row messages
	before := len(srv.Products(true))
	res = load([]any{"id", "name", "uom_id/id"}, []any{"__zoho__.c1", "good", "uom.product_uom_unit"}, []any{"__zoho__.c2", "bad uom", "uom.product_uom_kgm"})
	if res.Val("ids") != false || !strings.Contains(pyRepr(res.Val("messages")), "The default Unit of Measure and the purchase Unit of Measure must be in the same category.") {
		t.Fatalf("constraint: %s", pyRepr(res))
	}
	if len(srv.Products(true)) != before {
		t.Fatal("failed load persisted records")
	}
	// duplicate new xml id in one call: second row updates the first record
	res = load([]any{"id", "name"}, []any{"__zoho__.d", "one"}, []any{"__zoho__.d", "two"})
	ids := res.Val("ids").([]any)
	if len(ids) != 2 || ids[0] != ids[1] {
		t.Fatalf("duplicate xml id: %s", pyRepr(res))
	}
	// module from the context
	res = mustEx(t, srv, "product.template", "load", []any{[]any{"id", "name"}, []any{[]any{"m1", "ctx module"}}}, map[string]any{"context": map[string]any{"module": "__ctx__"}}).(*pyDict)
	if p, _ := srv.Product(res.Val("ids").([]any)[0].(int)); len(p.XMLIDs) != 1 || p.XMLIDs[0] != "__ctx__.m1" {
		t.Fatalf("context module: %+v", p)
	}
	// unknown sub-field column is a KeyError fault
	_, f := ex(t, srv, "product.template", "load", []any{[]any{"id", "uom_id/foo"}, []any{[]any{"x", "y"}}}, nil)
	wantFault(t, f, 1, "KeyError: 'foo'")
}

// TestConcurrentCalls exercises the locking under -race.
func TestConcurrentCalls(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	done := make(chan bool)
	for g := 0; g < 4; g++ {
		go func(g int) {
			defer func() { done <- true }()
			for i := 0; i < 10; i++ {
				body := pyCall("execute_kw", "odoo", 2, "admin", "product.template", "load",
					[]any{[]any{"id", "name"}, []any{[]any{fmt.Sprintf("__c__.g%d_%d", g, i), "n"}}})
				resp, err := http.Post(srv.URL+"/xmlrpc/2/object", "text/xml", bytes.NewReader(body))
				if err != nil {
					t.Error(err)
					return
				}
				resp.Body.Close()
				_ = srv.Products(false)
				_ = srv.Calls()
			}
		}(g)
	}
	for g := 0; g < 4; g++ {
		<-done
	}
	if n := len(srv.Products(false)); n != 40 {
		t.Fatalf("%d products", n)
	}
}

// TestAllModelsReadable reads every field of every emulated model.
func TestAllModelsReadable(t *testing.T) {
	for _, v := range []string{"16.0", "17.0", "18.0"} {
		srv := NewServer(Options{Version: v, Stock: true})
		srv.CreateProduct(map[string]any{"name": "P", "default_code": "C", "image_1920": pngOf(10, 10)})
		for m := range srv.sch.models {
			if _, f := ex(t, srv, m, "search_read", []any{[]any{}}, map[string]any{"context": map[string]any{"active_test": false}}); f != nil {
				t.Errorf("%s %s search_read: %v", v, m, f.String)
			}
			if _, f := ex(t, srv, m, "fields_get", []any{}, nil); f != nil {
				t.Errorf("%s %s fields_get: %v", v, m, f.String)
			}
		}
		srv.Close()
	}
}

func TestPythonRepr(t *testing.T) {
	for _, tc := range []struct {
		f    float64
		want string
	}{
		{0.1, "0.1"}, {1e16, "1e+16"}, {1e-5, "1e-05"}, {123456789.0, "123456789.0"}, {1.5e300, "1.5e+300"},
		{0.0001, "0.0001"}, {19.99, "19.99"}, {1.0 / 3, "0.3333333333333333"}, {1e15, "1000000000000000.0"},
		{12345678901234567.0, "1.2345678901234568e+16"}, {-0.5, "-0.5"}, {2.5e-7, "2.5e-07"}, {100, "100.0"}, {1e22, "1e+22"},
	} {
		if got := pyFloatRepr(tc.f); got != tc.want {
			t.Errorf("pyFloatRepr(%v) = %s, want %s", tc.f, got, tc.want)
		}
	}
	if got := pyStrRepr("it's"); got != `"it's"` {
		t.Errorf("repr: %s", got)
	}
	// Python's b64decode: junk ignored, padding checked, data after padding ignored
	for in, ok := range map[string]bool{"aGk=": true, "a G k =": true, "aGk": false, "%%% not base64 %%%": false, "aGk=garbage": true, "a": false} {
		_, err := pyB64Decode(in)
		if (err == nil) != ok {
			t.Errorf("pyB64Decode(%q) err=%v", in, err)
		}
	}
	if floatRound(2.675, 2) != 2.68 || floatRound(19.999, 2) != 20 || floatRound(1.005, 2) != 1.01 {
		t.Errorf("float_round: %v %v %v", floatRound(2.675, 2), floatRound(19.999, 2), floatRound(1.005, 2))
	}
}

// TestIndexedSearchMatchesScan: searches narrowed by an index return exactly
// what a scan of every row returns, after renames, re-pointing and deletes.
func TestIndexedSearchMatchesScan(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	var imd []int
	for i := range 30 {
		pid := srv.CreateProduct(map[string]any{"name": fmt.Sprintf("P%d", i)})
		id := mustEx(t, srv, "ir.model.data", "create", []any{map[string]any{"module": "__zs__", "name": fmt.Sprintf("item_%d", i), "model": "product.template", "res_id": pid}}, nil).(int)
		imd = append(imd, id)
	}
	mustEx(t, srv, "ir.model.data", "write", []any{[]any{imd[0]}, map[string]any{"name": "renamed"}}, nil)
	mustEx(t, srv, "ir.model.data", "write", []any{[]any{imd[1]}, map[string]any{"res_id": 999}}, nil)
	mustEx(t, srv, "ir.model.data", "unlink", []any{[]any{imd[2]}}, nil)
	mustEx(t, srv, "product.template", "write", []any{[]any{5}, map[string]any{"name": "P7", "default_code": "SKU-7"}}, nil)
	mustEx(t, srv, "product.template", "write", []any{[]any{6}, map[string]any{"active": false}}, nil)
	cases := []struct{ model, domain string }{
		{"ir.model.data", `[["name", "in", ["item_0", "item_3", "renamed", "item_2"]]]`},
		{"ir.model.data", `[["module", "=", "__zs__"], ["name", "=", "item_4"]]`},
		{"ir.model.data", `[["res_id", "in", [999, 5, 6]]]`},
		{"ir.model.data", `[["res_id", "=", "5"]]`},
		{"ir.model.data", `[["name", "in", []]]`},
		{"ir.model.data", `[["name", "=", false]]`},
		{"ir.model.data", `[["id", "in", [1, 2, 3, 999]]]`},
		{"ir.model.data", `[["name", "not in", ["item_5", "item_6"]]]`},
		{"ir.model.data", `[["name", "!=", "item_5"]]`},
		{"product.template", `[["name", "in", ["P7", "P6", "P1"]]]`},
		{"product.template", `[["default_code", "in", ["SKU-7"]], ["active", "in", [true, false]]]`},
	}
	for _, c := range cases {
		d, model := c.domain, c.model
		var dom []any
		if err := json.Unmarshal([]byte(d), &dom); err != nil {
			t.Fatal(err)
		}
		dom = intsFromJSON(dom).([]any)
		e := srv.adminEnv()
		norm, oerr := e.normalizeDomain(model, dom)
		if oerr != nil {
			t.Fatalf("%s: %v", d, oerr)
		}
		var scan []int
		for _, id := range e.st.ids(model) {
			if a, _ := e.value(model, id, "active").(bool); !a && model == "product.template" && !domainMentions(norm, "active") {
				continue
			}
			if ok, _ := e.evalDomain(model, id, norm); ok {
				scan = append(scan, id)
			}
		}
		e.ctx = newPyDict() // active_test on, as over XML-RPC
		got, oerr := e.search(model, dom, 0, 0, "id")
		if oerr != nil {
			t.Fatalf("%s: %v", d, oerr)
		}
		if fmt.Sprint(got) != fmt.Sprint(nonNilInts(scan)) {
			t.Errorf("%s %s: search %v, scan %v", model, d, got, scan)
		}
	}
}

// intsFromJSON turns JSON's float64 numbers into the ints XML-RPC decodes.
func intsFromJSON(v any) any {
	switch x := v.(type) {
	case float64:
		return int(x)
	case []any:
		for i := range x {
			x[i] = intsFromJSON(x[i])
		}
	}
	return v
}

// TestBinSize: with bin_size in the context a picture reads as its size
// (what the client reads to learn whether a product has one), else as base64.
func TestBinSize(t *testing.T) {
	srv := NewServer(Options{})
	defer srv.Close()
	img := pngOf(10, 10)
	id := srv.CreateProduct(map[string]any{"name": "P", "image_1920": img})
	none := srv.CreateProduct(map[string]any{"name": "Q"})
	fields := []any{"image_1920", "image_128"}
	rows := recs(mustEx(t, srv, "product.template", "read", []any{[]any{id, none}, fields}, map[string]any{"context": map[string]any{"bin_size": true}}))
	raw, _ := base64.StdEncoding.DecodeString(img)
	want := fmt.Sprintf("%d.00 bytes", len(raw))
	if rows[0].Val("image_1920") != want || rows[0].Val("image_128") != want || rows[1].Val("image_1920") != false {
		t.Fatalf("bin_size read: %s, want %q", pyRepr(rows), want)
	}
	rows = recs(mustEx(t, srv, "product.template", "read", []any{[]any{id}, fields}, nil))
	if rows[0].Val("image_1920") != img || rows[0].Val("image_128") != img {
		t.Fatalf("plain read: %s", pyRepr(rows))
	}
}
