package odootest

import (
	"fmt"
	"io"
	"net"
	"net/http"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configures a Server.
type Options struct {
	// Version is "17.0" (default), "18.0" or "16.0" (16 behaves like 17 for
	// products). It drives version() and the product fields.
	Version string
	// Stock emulates the stock module: 16/17 add detailed_type 'product'
	// (Storable Product); 18 adds the boolean is_storable.
	Stock bool
	// Account emulates the Invoicing (account) app's part of products: the
	// account.tax model with a fresh generic chart's two 15% taxes, and the
	// products' taxes_id/supplier_taxes_id, defaulting to them (account.go).
	Account bool
	// DB, Login, Password default to "odoo", "admin", "admin"; admin is uid 2.
	DB, Login, Password string
	// APIKey, when set (40 hex characters), is accepted in place of the password.
	APIKey string
	// Latency is added to every call.
	Latency time.Duration
	// MaxBodyBytes is the request body limit (default 128 MiB, like Odoo 17+).
	MaxBodyBytes int64
}

// Server is a running test double.
type Server struct {
	// URL is "http://127.0.0.1:port"; it serves /xmlrpc/2/common and /xmlrpc/2/object.
	URL string

	opts    Options
	mu      sync.Mutex // guards everything below (calls are serialized)
	db      *store
	sch     *schema
	stock   *stockDB // nil without the stock app (Options.Stock)
	calls   map[string]int
	total   int
	faults  []*faultEntry
	latency time.Duration

	bytesIn atomic.Int64
	down    atomic.Bool
	ln      net.Listener
	srv     *http.Server
	wg      sync.WaitGroup
}

// Fault describes an injected failure.
type Fault struct {
	// Model and Method select the call ("" = any). For the common service
	// Model is "common" (Method "authenticate", "version", ...).
	Model, Method string
	// Match is an optional extra predicate on the decoded call: args are the
	// positional arguments of the model method (execute_kw's args), kwargs
	// its keyword arguments; values are bool, int, float64, string, nil,
	// []any and map[string]any.
	Match func(args []any, kwargs map[string]any) bool
	// Code and Message: answer this fault instead of executing. Code 1 wraps
	// Message as the last line of a traceback (e.g. "psycopg2.errors.
	// SerializationFailure: could not serialize access due to concurrent
	// update"); Code 0 means 2; an empty Message with Code 3 is
	// "Access Denied".
	Code    int
	Message string
	// CutAfterCommit executes and commits the call, then closes the TCP
	// connection without a response.
	CutAfterCommit bool
	// Down closes the connection immediately without executing.
	Down bool
	// Times is how many calls it applies to (0 = once, -1 = forever).
	Times int
}

type faultEntry struct {
	f       Fault
	left    int // -1 forever
	removed bool
}

// NewServer starts a double listening on 127.0.0.1 on a free port.
func NewServer(opts Options) *Server {
	if opts.Version == "" {
		opts.Version = "17.0"
	}
	switch opts.Version {
	case "16.0", "17.0", "18.0":
	default:
		panic("odootest: unsupported Version " + opts.Version)
	}
	if opts.DB == "" {
		opts.DB = "odoo"
	}
	if opts.Login == "" {
		opts.Login = "admin"
	}
	if opts.Password == "" {
		opts.Password = "admin"
	}
	if opts.MaxBodyBytes <= 0 {
		opts.MaxBodyBytes = 128 * 1024 * 1024
	}
	s := &Server{
		opts:    opts,
		db:      newStore(),
		sch:     newSchema(opts.Version, opts.Stock, opts.Account),
		calls:   map[string]int{},
		latency: opts.Latency,
	}
	if opts.Stock {
		s.stock = newStockDB()
	}
	s.seed()
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		panic("odootest: listen: " + err.Error())
	}
	s.ln = &downListener{Listener: ln, s: s}
	s.URL = "http://" + ln.Addr().String()
	s.srv = &http.Server{Handler: s, ReadHeaderTimeout: 30 * time.Second}
	s.wg.Add(1)
	go func() {
		defer s.wg.Done()
		_ = s.srv.Serve(s.ln)
	}()
	return s
}

// Close stops the server.
func (s *Server) Close() {
	_ = s.srv.Close()
	s.wg.Wait()
}

// downListener refuses (closes) connections while the server is down.
type downListener struct {
	net.Listener
	s *Server
}

func (l *downListener) Accept() (net.Conn, error) {
	for {
		c, err := l.Listener.Accept()
		if err != nil {
			return nil, err
		}
		if l.s.down.Load() {
			if tc, ok := c.(*net.TCPConn); ok {
				_ = tc.SetLinger(0)
			}
			_ = c.Close()
			continue
		}
		return c, nil
	}
}

// SetLatency changes the latency added to every call.
func (s *Server) SetLatency(d time.Duration) {
	s.mu.Lock()
	s.latency = d
	s.mu.Unlock()
}

// SetDown makes the whole server refuse connections (close immediately).
func (s *Server) SetDown(down bool) { s.down.Store(down) }

// Inject adds a fault; faults are matched in injection order.
func (s *Server) Inject(f Fault) {
	left := f.Times
	if left == 0 {
		left = 1
	}
	s.mu.Lock()
	s.faults = append(s.faults, &faultEntry{f: f, left: left})
	s.mu.Unlock()
}

// ClearFaults removes all injected faults.
func (s *Server) ClearFaults() {
	s.mu.Lock()
	for _, fe := range s.faults {
		fe.removed = true
	}
	s.faults = nil
	s.mu.Unlock()
}

// Calls returns the number of calls per "service.method" (common) or
// "model.method" (object), e.g. "common.version", "product.template.create".
func (s *Server) Calls() map[string]int {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := make(map[string]int, len(s.calls))
	for k, v := range s.calls {
		out[k] = v
	}
	return out
}

// TotalCalls is the number of decoded XML-RPC calls.
func (s *Server) TotalCalls() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.total
}

// ResetCalls clears the call counters.
func (s *Server) ResetCalls() {
	s.mu.Lock()
	s.calls = map[string]int{}
	s.total = 0
	s.mu.Unlock()
}

// BytesReceived is the total size of the request bodies received.
func (s *Server) BytesReceived() int64 { return s.bytesIn.Load() }

// ---------------------------------------------------------------- HTTP

const (
	html405 = "<!doctype html>\n<html lang=en>\n<title>405 Method Not Allowed</title>\n<h1>Method Not Allowed</h1>\n<p>The method is not allowed for the requested URL.</p>\n"
	html413 = "<!doctype html>\n<html lang=en>\n<title>413 Request Entity Too Large</title>\n<h1>Request Entity Too Large</h1>\n<p>The data value transmitted exceeds the capacity limit.</p>\n"
	html404 = "<!doctype html>\n<html lang=en>\n<title>404 Not Found</title>\n<h1>Not Found</h1>\n<p>The requested URL was not found on the server. If you entered the URL manually please check your spelling and try again.</p>\n"
)

func writeRaw(w http.ResponseWriter, status int, ctype string, body []byte, extra ...string) {
	h := w.Header()
	h.Set("Server", "Werkzeug/2.2.2 Python/3.11.2")
	h.Set("Content-Type", ctype)
	for i := 0; i+1 < len(extra); i += 2 {
		h.Set(extra[i], extra[i+1])
	}
	h.Set("Content-Length", fmt.Sprint(len(body)))
	if ctype == "text/xml; charset=utf-8" {
		h.Set("X-Content-Type-Options", "nosniff")
	}
	h.Set("Connection", "close")
	w.WriteHeader(status)
	_, _ = w.Write(body)
}

func hangUp(w http.ResponseWriter) {
	hj, ok := w.(http.Hijacker)
	if !ok {
		panic(http.ErrAbortHandler)
	}
	c, _, err := hj.Hijack()
	if err != nil {
		panic(http.ErrAbortHandler)
	}
	if tc, ok := c.(*net.TCPConn); ok {
		_ = tc.SetLinger(0)
	}
	_ = c.Close()
}

// ServeHTTP serves the XML-RPC endpoints (NewServer already listens; this
// allows mounting the double in another http.Server or httptest.Server).
func (s *Server) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	if s.down.Load() {
		hangUp(w)
		return
	}
	// Only /xmlrpc/2/ (integer fault codes): the legacy /xmlrpc/ endpoint and
	// the db service are not what zohosync calls, nor what was recorded.
	service, _ := strings.CutPrefix(r.URL.Path, "/xmlrpc/2/")
	if service != "common" && service != "object" {
		writeRaw(w, http.StatusNotFound, "text/html; charset=utf-8", []byte(html404))
		return
	}
	switch r.Method {
	case http.MethodPost:
	case http.MethodOptions:
		writeRaw(w, http.StatusOK, "text/html; charset=utf-8", nil, "Allow", "POST, OPTIONS")
		return
	default:
		writeRaw(w, http.StatusMethodNotAllowed, "text/html; charset=utf-8", []byte(html405), "Allow", "POST, OPTIONS")
		return
	}
	limit := s.opts.MaxBodyBytes
	if r.ContentLength > limit {
		writeRaw(w, http.StatusRequestEntityTooLarge, "text/html; charset=utf-8", []byte(html413))
		return
	}
	body, err := io.ReadAll(io.LimitReader(r.Body, limit+1))
	s.bytesIn.Add(int64(len(body)))
	if err != nil {
		hangUp(w)
		return
	}
	if int64(len(body)) > limit {
		writeRaw(w, http.StatusRequestEntityTooLarge, "text/html; charset=utf-8", []byte(html413))
		return
	}
	resp, action := s.handleRPC(service, body)
	switch action {
	case actHangUp:
		hangUp(w)
		return
	}
	writeRaw(w, http.StatusOK, "text/xml; charset=utf-8", resp)
}

type rpcAction int

const (
	actReply rpcAction = iota
	actHangUp
)

// handleRPC decodes, dispatches and encodes one XML-RPC call.
func (s *Server) handleRPC(service string, body []byte) ([]byte, rpcAction) {
	mc, perr := parseMethodCall(body)
	if perr != nil {
		return s.encodeFault(&odooError{code: 1, tb: tbParse, msg: perr.Error()}), actReply
	}
	key, fargs, fkw := s.describe(service, mc)

	s.mu.Lock()
	s.total++
	s.calls[key]++
	latency := s.latency
	entries := append([]*faultEntry(nil), s.faults...)
	s.mu.Unlock()

	// Match predicates run without the lock (they may call back into s).
	var inj *Fault
	for _, fe := range entries {
		if !faultMatches(&fe.f, service, key, mc, fargs, fkw) {
			continue
		}
		s.mu.Lock()
		if fe.left != 0 && !fe.removed {
			f := fe.f
			inj = &f
			if fe.left > 0 {
				fe.left--
				if fe.left == 0 {
					fe.removed = true
					for i, x := range s.faults {
						if x == fe {
							s.faults = append(s.faults[:i], s.faults[i+1:]...)
							break
						}
					}
				}
			}
		}
		s.mu.Unlock()
		if inj != nil {
			break
		}
	}

	if latency > 0 {
		time.Sleep(latency)
	}
	if inj != nil {
		switch {
		case inj.Down:
			return nil, actHangUp
		case !inj.CutAfterCommit:
			return s.encodeFault(injectedError(inj)), actReply
		}
	}
	res, oerr := s.dispatch(service, mc)
	if inj != nil && inj.CutAfterCommit {
		return nil, actHangUp
	}
	if oerr != nil {
		return s.encodeFault(oerr), actReply
	}
	out, merr := marshalResponse(res)
	if merr != nil {
		tb := tbMarshalNone
		if !strings.Contains(merr.Error(), "None") {
			tb = tbMarshalOther
		}
		return s.encodeFault(&odooError{code: 1, tb: tb, msg: merr.Error()}), actReply
	}
	return out, actReply
}

func injectedError(f *Fault) *odooError {
	msg := f.Message
	switch f.Code {
	case 1:
		if msg == "" {
			msg = "Exception: injected fault"
		}
		return &odooError{code: 1, tb: tbHead + tbCallKwModel, msg: msg}
	case 3:
		if msg == "" {
			msg = "Access Denied"
		}
	}
	code := f.Code
	if code == 0 {
		code = 2
	}
	return &odooError{code: code, msg: msg}
}

func (s *Server) encodeFault(e *odooError) []byte {
	return marshalFault(e.code, e.faultString())
}

// describe returns the counter key and the Match arguments of a call.
func (s *Server) describe(service string, mc *methodCall) (string, []any, map[string]any) {
	p := mc.Params
	if service == "object" && mc.Method == "execute_kw" && len(p) >= 5 {
		model, _ := p[3].(string)
		method, _ := p[4].(string)
		var args []any
		kw := map[string]any{}
		if mc.Method == "execute_kw" {
			if len(p) > 5 {
				args, _ = p[5].([]any)
			}
			if len(p) > 6 {
				if d, ok := p[6].(*pyDict); ok {
					kw = plainMap(d)
				}
			}
		} else {
			args = p[5:]
		}
		return model + "." + method, plainList(args), kw
	}
	return service + "." + mc.Method, plainList(p), map[string]any{}
}

func faultMatches(f *Fault, service, key string, mc *methodCall, args []any, kw map[string]any) bool {
	model, method, _ := strings.Cut(key, ".")
	if service == "object" {
		if i := strings.LastIndex(key, "."); i >= 0 {
			model, method = key[:i], key[i+1:]
		}
	}
	if f.Model != "" && f.Model != model {
		return false
	}
	if f.Method != "" && f.Method != method {
		return false
	}
	if f.Match != nil && !f.Match(args, kw) {
		return false
	}
	return true
}

func plainList(v []any) []any {
	out := make([]any, len(v))
	for i, x := range v {
		out[i] = plain(x)
	}
	return out
}

func plainMap(d *pyDict) map[string]any {
	out := make(map[string]any, d.Len())
	for _, k := range d.Keys() {
		out[k] = plain(d.Val(k))
	}
	return out
}

func plain(v any) any {
	switch x := v.(type) {
	case []any:
		return plainList(x)
	case *pyDict:
		return plainMap(x)
	case pyBinary:
		return []byte(x)
	case pyDateTime:
		return string(x)
	}
	return v
}

// ---------------------------------------------------------------- dispatch

func (s *Server) versionInfo() *pyDict {
	major := s.sch.major
	return pd(
		"server_version", s.opts.Version,
		"server_version_info", []any{major, 0, 0, "final", 0, ""},
		"server_serie", s.opts.Version,
		"protocol_version", 1,
	)
}

func (s *Server) dispatch(service string, mc *methodCall) (any, *odooError) {
	switch service {
	case "common":
		return s.dispatchCommon(mc.Method, mc.Params)
	case "object":
		return s.dispatchObject(mc.Method, mc.Params)
	}
	return nil, pyError(tbHeadCommon, "KeyError", pyStrRepr(service))
}

func argCountError(fn string, want int, got int, names []string) *odooError {
	if got > want {
		return pyError(tbHeadCommon+"  File \"{odoo}/odoo/service/common.py\", line 56, in dispatch\n", "TypeError",
			fmt.Sprintf("%s() takes %d positional arguments but %d were given", fn, want, got))
	}
	missing := names[got:]
	q := make([]string, len(missing))
	for i, m := range missing {
		q[i] = "'" + m + "'"
	}
	word := "argument"
	list := strings.Join(q, ", ")
	if len(q) > 1 {
		word = "arguments"
		list = strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
	}
	return pyError(tbHeadCommon+"  File \"{odoo}/odoo/service/common.py\", line 56, in dispatch\n", "TypeError",
		fmt.Sprintf("%s() missing %d required positional %s: %s", fn, len(q), word, list))
}

func (s *Server) dispatchCommon(method string, p []any) (any, *odooError) {
	switch method {
	case "version":
		if len(p) != 0 {
			return nil, argCountError("exp_version", 0, len(p), nil)
		}
		return s.versionInfo(), nil
	case "login", "authenticate":
		names := []string{"db", "login", "password", "user_agent_env"}
		want := 4
		if method == "login" {
			want = 3
		}
		if len(p) != want {
			return nil, argCountError("exp_"+method, want, len(p), names[:want])
		}
		db := pyStr(p[0])
		if db != s.opts.DB {
			return nil, unknownDBError(db, true, method)
		}
		s.mu.Lock()
		defer s.mu.Unlock()
		return s.authenticate(pyStr(p[1]), p[2]), nil
	}
	return nil, pyError(tbHeadCommon+"  File \"{odoo}/odoo/service/common.py\", line 60, in dispatch\n", "Exception", "Method not found: "+method)
}

func (s *Server) authenticate(login string, secret any) any {
	for _, id := range s.db.ids("res.users") {
		r := s.db.row("res.users", id)
		if r["login"] == login {
			if act, _ := r["active"].(bool); !act {
				return false
			}
			if pw, _ := r["__password"].(string); pw != "" && (secret == pw || s.opts.APIKey != "" && secret == s.opts.APIKey) {
				return id
			}
			return false
		}
	}
	return false
}

const tbDispatchUID = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 127, in _xmlrpc
  File "{odoo}/odoo/http.py", line 391, in dispatch_rpc
  File "{odoo}/odoo/service/model.py", line 35, in dispatch
`

func (s *Server) dispatchObject(method string, p []any) (any, *odooError) {
	if len(p) < 3 {
		return nil, pyError(tbDispatchUID, "IndexError", "tuple index out of range")
	}
	db := pyStr(p[0])
	var uid int
	switch u := p[1].(type) {
	case int:
		uid = u
	case bool:
		if u {
			uid = 1
		}
	default:
		return nil, pyError(tbDispatchUID, "TypeError", fmt.Sprintf("int() argument must be a string, a bytes-like object or a real number, not '%s'", pyTypeName(p[1])))
	}
	if db != s.opts.DB {
		return nil, unknownDBError(db, false, "")
	}
	var model, mname string
	var args []any
	kw := newPyDict()
	switch method {
	case "execute_kw":
		rest := p[3:]
		if len(rest) < 3 {
			names := []string{"obj", "method", "args"}
			q := make([]string, 0)
			for _, n := range names[len(rest):] {
				q = append(q, "'"+n+"'")
			}
			list := strings.Join(q, ", ")
			if len(q) > 1 {
				list = strings.Join(q[:len(q)-1], ", ") + " and " + q[len(q)-1]
			}
			word := "argument"
			if len(q) > 1 {
				word = "arguments"
			}
			s.mu.Lock()
			err := s.checkUser(uid, p[2])
			s.mu.Unlock()
			if err != nil {
				return nil, err
			}
			return nil, pyError(tbHead[:strings.Index(tbHead, "  File \"{odoo}/odoo/service/model.py\", line 59")]+"  File \"{odoo}/odoo/service/model.py\", line 37, in dispatch\n", "TypeError",
				fmt.Sprintf("execute_kw() missing %d required positional %s: %s", len(q), word, list))
		}
		model = pyStr(rest[0])
		mname = pyStr(rest[1])
		a, ok := rest[2].([]any)
		if !ok {
			return nil, pyError(tbHead[:strings.Index(tbHead, "  File \"{odoo}/odoo/service/model.py\", line 65")], "TypeError",
				fmt.Sprintf("odoo.service.model.execute() argument after * must be an iterable, not %s", pyTypeName(rest[2])))
		}
		args = a
		if len(rest) > 3 && rest[3] != nil && rest[3] != false {
			d, ok := rest[3].(*pyDict)
			if !ok {
				return nil, pyError(tbHead[:strings.Index(tbHead, "  File \"{odoo}/odoo/service/model.py\", line 65")], "TypeError",
					fmt.Sprintf("odoo.service.model.execute() argument after ** must be a mapping, not %s", pyTypeName(rest[3])))
			}
			kw = d.Copy()
		}
		if len(rest) > 4 {
			return nil, pyError(tbHead[:strings.Index(tbHead, "  File \"{odoo}/odoo/service/model.py\", line 59")], "TypeError",
				fmt.Sprintf("execute_kw() takes from 5 to 6 positional arguments but %d were given", len(rest)+2))
		}
	default:
		s.mu.Lock()
		err := s.checkUser(uid, p[2])
		s.mu.Unlock()
		if err != nil {
			return nil, err
		}
		return nil, pyError(tbDispatchUID, "NameError", "Method not available "+method)
	}

	s.mu.Lock()
	defer s.mu.Unlock()
	if err := s.checkUser(uid, p[2]); err != nil {
		return nil, err
	}
	return s.execute(uid, model, mname, args, kw)
}

// checkUser is res.users.check(db, uid, passwd). Callers hold s.mu.
func (s *Server) checkUser(uid int, secret any) *odooError {
	if !pyTruthy(secret) {
		return accessDenied()
	}
	if uid == 0 {
		return accessDenied()
	}
	r := s.db.row("res.users", uid)
	if r == nil {
		return missingError("res.users", []int{uid}, uid)
	}
	if act, _ := r["active"].(bool); !act {
		return accessDenied()
	}
	pw, _ := r["__password"].(string)
	str, _ := secret.(string)
	if pw == "" || (str != pw && !(s.opts.APIKey != "" && str == s.opts.APIKey)) {
		return accessDenied()
	}
	return nil
}

// execute runs one model method in a transaction. Callers hold s.mu.
func (s *Server) execute(uid int, model, method string, args []any, kw *pyDict) (any, *odooError) {
	major := s.sch.major
	private := strings.HasPrefix(method, "_")
	if private && major < 18 {
		return nil, accessError(fmt.Sprintf("Private methods (such as %s) cannot be called remotely.", method))
	}
	if s.sch.models[model] == nil {
		return nil, userError(fmt.Sprintf("Object %s doesn't exist", model))
	}
	if private {
		return nil, accessError(fmt.Sprintf("Private methods (such as '%s.%s') cannot be called remotely.", model, method))
	}
	ctx := newPyDict()
	if c, ok := kw.Get("context"); ok {
		kw.Del("context")
		if d, ok := c.(*pyDict); ok {
			ctx = d.Copy()
		}
	}
	e := &env{s: s, st: s.db, sch: s.sch, uid: uid, ctx: ctx, now: nowString()}
	if !e.methodExists(model, method) {
		switch {
		case major >= 18:
			return nil, pyError(tbHead+tbCallKwAttr, "AttributeError", fmt.Sprintf("The method '%s.%s' does not exist", model, method))
		case major <= 16:
			return nil, pyError(tbHead+tbCallKwAttr, "AttributeError", fmt.Sprintf("type object '%s' has no attribute '%s'", model, method))
		}
		return nil, pyError(tbHead+tbCallKwAttr, "AttributeError", fmt.Sprintf("The method '%s' does not exist on the model '%s'", method, model))
	}
	sp := s.db.savepoint()
	res, err := func() (res any, err *odooError) {
		defer func() {
			if r := recover(); r != nil {
				err = pyError(tbHead+tbCallKwModel, "RuntimeError", fmt.Sprintf("odootest internal error: %v", r))
			}
		}()
		return e.call(model, method, args, kw)
	}()
	if err != nil {
		s.db.rollbackTo(sp)
		return nil, err
	}
	s.db.commit()
	return res, nil
}

// ---------------------------------------------------------------- xml ids

// lookupXMLID returns the ir.model.data id of "module.name" (0 if none).
func (s *Server) lookupXMLID(xmlid string) int { return s.db.lookupXMLID(xmlid) }

// xmlidRes resolves "module.name" to its res_id (0 if none).
func (s *Server) xmlidRes(xmlid string) int {
	id := s.lookupXMLID(xmlid)
	if id == 0 {
		return 0
	}
	rid, _ := s.db.row("ir.model.data", id)["res_id"].(int)
	return rid
}
