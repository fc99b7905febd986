// Package cli is zohosync's command line: `serve` runs the server, and the
// other commands (the seed's status, run-now, config, … and more) talk to a
// running server over gRPC.
package cli

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"flag"
	"fmt"
	"io"
	"os"
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
	Stdout, Stderr io.Writer
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
		{"serve", "run the server (alias: start)", cmdServe},
		{"start", "run the server (alias of serve, as in the seed)", cmdServe},
		{"run-now", "start a sync now and show its progress (--full, --dry-run, --json)", cmdRunNow},
		{"status", "last run, products tracked, errors, schedule (--json)", cmdStatus},
		{"config", "show the configuration, or change the schedule (--enable, --disable, --interval H, --full-sync-days D)", cmdConfig},
		{"runs", "list runs, newest first (--limit N, --json)", cmdRuns},
		{"products", "list synced products (--failed, --archived, --limit N, --json)", cmdProducts},
		{"product", "show one product by Zoho item id or --odoo-id ID", cmdProduct},
		{"watch", "follow a run's progress (watch RUN; no RUN = the run in progress)", cmdWatch},
		{"cancel", "stop the run in progress after its current batch", cmdCancel},
		{"retry-failed", "start a run over the failed items only and show its progress", cmdRetryFailed},
		{"test-connections", "check the Zoho and Odoo credentials", cmdTestConnections},
		{"import-state", "import the Python tool's data/product_sync_data.json (server stopped)", cmdImportState},
		{"version", "print the version", cmdVersion},
	}
}

// Main runs the command line and returns the exit code.
func Main(ctx context.Context, io IO, args []string) int {
	if io.Getenv == nil {
		io.Getenv = os.Getenv
	}
	if len(args) == 0 || args[0] == "-h" || args[0] == "--help" || args[0] == "help" {
		usage(io.Stdout)
		if len(args) == 0 {
			return ExitPartial
		}
		return ExitOK
	}
	for _, c := range commands() {
		if c.name == args[0] {
			return c.run(ctx, io, args[1:])
		}
	}
	fmt.Fprintf(io.Stderr, "zohosync: unknown command %q (see zohosync help)\n", args[0])
	return ExitPartial
}

func usage(w io.Writer) {
	fmt.Fprintln(w, "zohosync keeps an Odoo product catalogue in step with Zoho Books / Inventory.")
	fmt.Fprintln(w, "\nUsage: zohosync <command> [flags]\n\nCommands:")
	for _, c := range commands() {
		fmt.Fprintf(w, "  %-17s %s\n", c.name, c.summary)
	}
	fmt.Fprintf(w, "\nClient commands reach the server at --server (or $%s, default 127.0.0.1:50051) and send $%s as the bearer token.\n", EnvServer, EnvAPIToken)
	fmt.Fprintln(w, "Run `zohosync <command> -h` for a command's flags.")
}

// parse parses flags wherever they appear among the arguments (so that
// `watch 12 --json` works like `watch --json 12`) and returns the positionals.
func parse(fs *flag.FlagSet, args []string) ([]string, error) {
	var pos []string
	for {
		if err := fs.Parse(args); err != nil {
			return nil, err
		}
		if fs.NArg() == 0 {
			return pos, nil
		}
		pos = append(pos, fs.Arg(0))
		args = fs.Args()[1:]
	}
}

func newFlags(io IO, name, usage string) *flag.FlagSet {
	fs := flag.NewFlagSet(name, flag.ContinueOnError)
	fs.SetOutput(io.Stderr)
	fs.Usage = func() {
		fmt.Fprintf(io.Stderr, "Usage: zohosync %s\n", usage)
		fs.PrintDefaults()
	}
	return fs
}

// conn holds the client connection flags.
type conn struct {
	server string
	tls    bool
	ca     string
	token  string
	json   bool
}

func (c *conn) register(fs *flag.FlagSet, io IO) {
	def := io.Getenv(EnvServer)
	if def == "" {
		def = "127.0.0.1:50051"
	}
	fs.StringVar(&c.server, "server", def, "server address host:port (env "+EnvServer+")")
	fs.BoolVar(&c.tls, "tls", false, "connect with TLS")
	fs.StringVar(&c.ca, "ca", "", "PEM file of the CA that signed the server's certificate (implies --tls)")
	fs.BoolVar(&c.json, "json", false, "print JSON")
	c.token = io.Getenv(EnvAPIToken)
}

// dial connects to the server.
func (c *conn) dial() (*grpc.ClientConn, error) {
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
	switch st.Code() {
	case codes.Unavailable:
		msg := st.Message()
		if strings.Contains(msg, "connection refused") || strings.Contains(msg, "dial") || strings.Contains(msg, "no such host") {
			fmt.Fprintf(io.Stderr, "zohosync: cannot reach the server at %s (is `zohosync serve` running? set --server or %s)\n", c.server, EnvServer)
			return ExitFailed
		}
		if strings.Contains(msg, "tls") || strings.Contains(msg, "handshake") || strings.Contains(msg, "EOF") {
			fmt.Fprintf(io.Stderr, "zohosync: connection to %s failed (%s); check --tls / --ca against the server's TLS setting\n", c.server, msg)
			return ExitFailed
		}
	case codes.Unauthenticated:
		fmt.Fprintf(io.Stderr, "zohosync: the server refused the API token: %s (set %s)\n", st.Message(), EnvAPIToken)
		return ExitFailed
	}
	fmt.Fprintf(io.Stderr, "zohosync: %s\n", st.Message())
	return ExitFailed
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

func cmdVersion(_ context.Context, io IO, _ []string) int {
	fmt.Fprintf(io.Stdout, "zohosync %s\n", io.Version)
	return ExitOK
}
