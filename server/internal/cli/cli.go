// Package cli is zohosync's command line: `serve` runs the server, and the
// other commands (the Python tool's status, run-now, config, … and more;
// docs/python-tool.md#commands) talk to a
// running server over gRPC.
package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"flag"
	"fmt"
	gio "io"
	"net"
	"net/url"
	"os"
	"regexp"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/status"
)

// Exit codes.
const (
	ExitOK      = 0 // the command (or run) succeeded
	ExitPartial = 1 // the run finished but some items failed; or a usage error
	ExitFailed  = 2 // the run failed, or the command could not be carried out
)

// Env are the environment variables the CLI reads.
const (
	EnvServer   = "ZOHOSYNC_SERVER"
	EnvAPIToken = "ZOHOSYNC_API_TOKEN"
)

// IO is where commands read and write (tests replace it).
type IO struct {
	Stdout, Stderr gio.Writer
	Getenv         func(string) string
	IsTerminal     bool
	Version        string
}

// command is one subcommand.
type command struct {
	name    string
	summary string
	run     func(ctx context.Context, io IO, args []string) int
}

func commands() []command {
	return []command{
		{"init", "write example config files, with a README of every key, into a new config directory", cmdInit},
		{"serve", "run the server (alias: start)", cmdServe},
		{"start", "run the server (alias of serve, as in the Python tool)", cmdServe},
		{"test-connections", "check the Zoho and Odoo credentials, each check as it goes", cmdTestConnections},
		{"run-now", "start a sync now and show its progress (--full, --dry-run, --json)", cmdRunNow},
		{"status", "last run, products tracked, errors, schedule (--json)", cmdStatus},
		{"config", "show the configuration, or change the schedule (--enable, --disable, --interval H, --full-sync-days D)", cmdConfig},
		{"runs", "list runs, newest first (--limit N, --json)", cmdRuns},
		{"products", "list synced products (--failed, --archived, --synced, --limit N, --json)", cmdProducts},
		{"product", "show one product by Zoho item id or --odoo-id ID", cmdProduct},
		{"watch", "follow a run's progress (watch RUN; no RUN = the run in progress)", cmdWatch},
		{"cancel", "stop the run in progress after its current batch", cmdCancel},
		{"retry-failed", "start a run over the failed items only and show its progress", cmdRetryFailed},
		{"import-state", "import the Python tool's data/product_sync_data.json (server stopped)", cmdImportState},
		{"version", "print the version", cmdVersion},
	}
}

// globalFlags may come before the command (`zohosync --server X status`);
// they are handed to the command, which reads them like its own. The value
// says whether the flag takes a value.
var globalFlags = map[string]bool{"server": true, "ca": true, "tls": false, "json": false}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, io IO, args []string) int {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	var global []string
	for len(args) > 0 && strings.HasPrefix(args[0], "-") {
		arg := args[0]
		name, _, hasValue := strings.Cut(strings.TrimLeft(arg, "-"), "=")
		switch takesValue, known := globalFlags[name]; {
		case name == "h" || name == "help":
			usage(io.Stdout)
			return ExitOK
		case name == "version":
			return cmdVersion(ctx, io, nil)
		case !known:
			fmt.Fprintf(io.Stderr, "zohosync: unknown flag %s before the command (see zohosync --help)\n", arg)
			return ExitPartial
		case takesValue && !hasValue:
			if len(args) < 2 {
				fmt.Fprintf(io.Stderr, "zohosync: --%s needs a value (see zohosync --help)\n", name)
				return ExitPartial
			}
			global = append(global, arg, args[1])
			args = args[2:]
		default:
			global = append(global, arg)
			args = args[1:]
		}
	}
	if len(args) == 0 {
		usage(io.Stderr)
		return ExitPartial
	}
	if args[0] == "help" {
		if len(args) == 1 {
			usage(io.Stdout)
			return ExitOK
		}
		args = []string{args[1], "--help"}
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, io, append(args[1:], global...))
		}
	}
	fmt.Fprintf(io.Stderr, "zohosync: unknown command %q (see zohosync --help)\n", args[0])
	return ExitPartial
}

func usage(w gio.Writer) {
	fmt.Fprintln(w, "zohosync keeps an Odoo product catalogue in step with Zoho Books / Inventory.")
	fmt.Fprintln(w, "\nUsage: zohosync [--server HOST:PORT] [--tls] [--ca FILE] [--json] <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-17s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nClient commands reach the server at --server (or $%s, default 127.0.0.1:50051) and send $%s as the bearer token.\n", EnvServer, EnvAPIToken)
	fmt.Fprintln(w, "`zohosync <command> --help` shows a command's flags; `zohosync --version` the version.")
}

// flags is one command's flag set: --help prints its usage once on stdout,
// and a mistake is one line that points at --help.
type flags struct {
	*flag.FlagSet
	io    IO
	name  string
	usage string
}

func newFlags(io IO, name, usage string) *flags {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(gio.Discard) // errors are reported by parse, in one line
	fs.Usage = func() {}
	return &flags{FlagSet: fs, io: io, name: name, usage: usage}
}

// parse parses flags wherever they appear among the arguments (so that
// `watch 12 --json` works like `watch --json 12`) and returns the
// positionals. When ok is false the command returns code: 0 after --help,
// a usage error otherwise.
func (f *flags) parse(args []string) (pos []string, code int, ok bool) {
	for {
		if err := f.Parse(args); err != nil {
			if errors.Is(err, flag.ErrHelp) {
				f.printUsage(f.io.Stdout)
				return nil, ExitOK, false
			}
			return nil, f.fail(f.explain(err)), false
		}
		if f.NArg() == 0 {
			return pos, 0, true
		}
		pos = append(pos, f.Arg(0))
		args = f.Args()[1:]
	}
}

// fail prints a usage mistake as one line and returns the usage exit code.
func (f *flags) fail(msg string) int {
	fmt.Fprintf(f.io.Stderr, "zohosync %s: %s (see zohosync %s --help)\n", f.name, msg, f.name)
	return ExitPartial
}

var (
	reBadValue   = regexp.MustCompile(`^invalid (?:boolean )?value "(.*)" for (?:flag )?-(\S+): (.*)$`)
	reUnknown    = regexp.MustCompile(`^flag provided but not defined: -+(\S+)$`)
	reNeedsValue = regexp.MustCompile(`^flag needs an argument: -+(\S+)$`)
)

// explain turns the flag package's messages into ones that name the flag as
// people type it and say what it takes.
func (f *flags) explain(err error) string {
	msg := err.Error()
	if m := reUnknown.FindStringSubmatch(msg); m != nil {
		return "unknown flag --" + m[1]
	}
	if m := reNeedsValue.FindStringSubmatch(msg); m != nil {
		return "--" + m[1] + " needs a value"
	}
	if m := reBadValue.FindStringSubmatch(msg); m != nil {
		what := "a valid value"
		if fl := f.Lookup(m[2]); fl != nil {
			if g, ok := fl.Value.(flag.Getter); ok {
				switch g.Get().(type) {
				case bool:
					what = "true or false (or nothing)"
				case int, int64:
					what = "a whole number"
				case float64:
					what = "a number"
				}
			}
		}
		if strings.Contains(m[3], "out of range") {
			return fmt.Sprintf("--%s %s is out of range", m[2], m[1])
		}
		return fmt.Sprintf("--%s takes %s, not %q", m[2], what, m[1])
	}
	return msg
}

// printUsage writes the command's usage and flags, with two dashes as in the README.
func (f *flags) printUsage(w gio.Writer) {
	fmt.Fprintf(w, "Usage: zohosync %s\n", f.usage)
	var any bool
	f.VisitAll(func(fl *flag.Flag) {
		if !any {
			fmt.Fprintln(w, "\nFlags:")
			any = true
		}
		arg, help := flag.UnquoteUsage(fl)
		name := "--" + fl.Name
		if arg != "" {
			name += " " + strings.ToUpper(arg)
		}
		line := fmt.Sprintf("  %-24s %s", name, help)
		if fl.DefValue != "" && fl.DefValue != "false" && fl.DefValue != "0" && fl.DefValue != "-1" {
			line += fmt.Sprintf(" (default %s)", fl.DefValue)
		}
		fmt.Fprintln(w, line)
	})
}

// conn holds the client connection flags.
type conn struct {
	server string
	tls    bool
	ca     string
	token  string
	json   bool
	// fieldFlags names, for the server's messages, the flag behind each API
	// field (page_size → --limit), so errors speak of what the user typed.
	fieldFlags map[string]string
}

// DefaultServer is where client commands look for the server.
const DefaultServer = "127.0.0.1:50051"

func (c *conn) register(fs *flags, io IO) {
	def := io.Getenv(EnvServer)
	if def == "" {
		def = DefaultServer
	}
	fs.StringVar(&c.server, "server", def, "server `host:port` (env "+EnvServer+")")
	fs.BoolVar(&c.tls, "tls", false, "connect with TLS")
	fs.StringVar(&c.ca, "ca", "", "PEM `file` of the CA that signed the server's certificate (implies --tls)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
	c.token = io.Getenv(EnvAPIToken)
}

// checkServer finds the usual --server mistakes before dialing, each with
// what to type instead.
func (c *conn) checkServer(ctx context.Context) error {
	s := c.server
	if strings.Contains(s, "://") {
		u, err := url.Parse(s)
		if err != nil || u.Host == "" {
			return fmt.Errorf("--server takes host:port (e.g. %s), not a URL", DefaultServer)
		}
		hp, hint := u.Host, ""
		if u.Port() == "" {
			hp = net.JoinHostPort(u.Hostname(), "50051")
		}
		if u.Scheme == "https" {
			hint = " --tls"
		}
		return fmt.Errorf("--server takes host:port, not a URL: use --server %s%s", hp, hint)
	}
	host, port, err := net.SplitHostPort(s)
	if err != nil {
		if strings.Contains(err.Error(), "missing port") {
			return fmt.Errorf("--server %s has no port: use --server %s (zohosync serve listens on 50051 unless --listen says otherwise)", s, net.JoinHostPort(s, "50051"))
		}
		return fmt.Errorf("--server %q is not host:port (e.g. %s)", s, DefaultServer)
	}
	if n, err := strconv.Atoi(port); err != nil || n < 1 || n > 65535 {
		return fmt.Errorf("--server %s: port %q is not a number from 1 to 65535", s, port)
	}
	if host == "" {
		return fmt.Errorf("--server %s has no host: use --server 127.0.0.1%s", s, s)
	}
	if net.ParseIP(host) == nil {
		lctx, cancel := context.WithTimeout(ctx, 5*time.Second)
		defer cancel()
		if _, err := net.DefaultResolver.LookupHost(lctx, host); err != nil {
			return fmt.Errorf("--server %s: the name %q does not resolve; check its spelling, or give an IP address", s, host)
		}
	}
	return nil
}

// dial connects to the server.
func (c *conn) dial() (*grpc.ClientConn, error) {
	if err := c.checkServer(context.Background()); err != nil {
		return nil, err
	}
	var creds credentials.TransportCredentials = insecure.NewCredentials()
	if c.tls || c.ca != "" {
		cfg := &tls.Config{MinVersion: tls.VersionTLS12}
		if c.ca != "" {
			pem, err := os.ReadFile(c.ca)
			if err != nil {
				return nil, fmt.Errorf("cannot read --ca file: %w", err)
			}
			pool := x509.NewCertPool()
			if !pool.AppendCertsFromPEM(pem) {
				return nil, fmt.Errorf("--ca %s holds no PEM certificate", c.ca)
			}
			cfg.RootCAs = pool
		}
		creds = credentials.NewTLS(cfg)
	}
	opts := []grpc.DialOption{grpc.WithTransportCredentials(creds), grpc.WithDefaultCallOptions(grpc.MaxCallRecvMsgSize(32 << 20))}
	if c.token != "" {
		opts = append(opts, grpc.WithPerRPCCredentials(bearer{token: c.token, secure: c.tls || c.ca != ""}))
	}
	return grpc.NewClient(c.server, opts...)
}

// bearer sends the API token on every call.
type bearer struct {
	token  string
	secure bool
}

func (b bearer) GetRequestMetadata(context.Context, ...string) (map[string]string, error) {
	return map[string]string{"authorization": "Bearer " + b.token}, nil
}

func (b bearer) RequireTransportSecurity() bool { return false }

// rpcError prints a failed call as one line and returns the exit code.
func rpcError(io IO, c *conn, err error) int {
	st, _ := status.FromError(err)
	msg := st.Message()
	switch st.Code() {
	case codes.Unavailable:
		switch {
		case strings.Contains(msg, "connection refused"):
			fmt.Fprintf(io.Stderr, "zohosync: nothing listens at %s (is `zohosync serve` running? set --server or %s)\n", c.server, EnvServer)
			return ExitFailed
		case strings.Contains(msg, "no such host") || strings.Contains(msg, "i/o timeout") || strings.Contains(msg, "no route to host") || strings.Contains(msg, "network is unreachable"):
			fmt.Fprintf(io.Stderr, "zohosync: cannot reach the server at %s (%s); check --server or %s\n", c.server, lastPart(msg), EnvServer)
			return ExitFailed
		case strings.Contains(msg, "first record does not look like a TLS handshake"):
			fmt.Fprintf(io.Stderr, "zohosync: %s does not speak TLS: drop --tls / --ca (or start the server with --tls-cert/--tls-key)\n", c.server)
			return ExitFailed
		case strings.Contains(msg, "tls:") || strings.Contains(msg, "x509:") || strings.Contains(msg, "certificate"):
			fmt.Fprintf(io.Stderr, "zohosync: TLS with %s failed (%s); check --ca against the server's certificate\n", c.server, lastPart(msg))
			return ExitFailed
		case c.tls || c.ca != "":
		case speaksTLS(c.server):
			fmt.Fprintf(io.Stderr, "zohosync: the server at %s uses TLS: add --tls (and --ca FILE for a private CA)\n", c.server)
			return ExitFailed
		default:
			// Something answers, but not with gRPC (a web server, another service).
			fmt.Fprintf(io.Stderr, "zohosync: %s answers, but it is not a zohosync server (%s); check the port in --server\n", c.server, lastPart(msg))
			return ExitFailed
		}
	case codes.Unimplemented:
		if strings.Contains(msg, "unknown service") {
			fmt.Fprintf(io.Stderr, "zohosync: %s is a gRPC server, but not zohosync (%s); check the port in --server\n", c.server, msg)
			return ExitFailed
		}
	case codes.Unauthenticated:
		fmt.Fprintf(io.Stderr, "zohosync: the server refused the API token: %s (set %s)\n", msg, EnvAPIToken)
		return ExitFailed
	case codes.DeadlineExceeded:
		fmt.Fprintf(io.Stderr, "zohosync: the server at %s did not answer in time\n", c.server)
		return ExitFailed
	}
	for field, fl := range c.fieldFlags {
		msg = strings.ReplaceAll(msg, field, fl)
	}
	fmt.Fprintf(io.Stderr, "zohosync: %s\n", msg)
	return ExitFailed
}

// lastPart is the innermost cause of a gRPC transport message.
func lastPart(msg string) string {
	msg = strings.TrimSuffix(msg, "\"")
	if i := strings.LastIndex(msg, ": "); i >= 0 {
		return msg[i+2:]
	}
	return msg
}

// speaksTLS says whether addr completes a TLS handshake: what a plaintext
// client sees of a TLS server looks like any other non-gRPC answer.
func speaksTLS(addr string) bool {
	conn, err := tls.DialWithDialer(&net.Dialer{Timeout: 3 * time.Second}, "tcp", addr, &tls.Config{InsecureSkipVerify: true}) //nolint:gosec // a probe; nothing is sent
	if err != nil {
		return false
	}
	conn.Close()
	return true
}

// call dials the server and runs fn within one call's time limit; a failed
// dial or call becomes a one-line message and an exit code.
func (c *conn) call(ctx context.Context, io IO, fn func(ctx context.Context, gc *grpc.ClientConn) (int, error)) int {
	gc, err := c.dial()
	if err != nil {
		fmt.Fprintf(io.Stderr, "zohosync: %v\n", err)
		return ExitFailed
	}
	defer gc.Close()
	ctx, cancel := context.WithTimeout(ctx, 60*time.Second)
	defer cancel()
	code, err := fn(ctx, gc)
	if err != nil {
		return rpcError(io, c, err)
	}
	return code
}

func cmdVersion(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "version", "version")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	fmt.Fprintf(io.Stdout, "zohosync %s\n", io.Version)
	return ExitOK
}
