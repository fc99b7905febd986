// Command zohosync is the zohosync server (`zohosync serve`) and its command line.
package main

import (
	"context"
	"os"
	"os/signal"
	"syscall"

	"github.com/zohosync/zohosync/server/internal/cli"
)

// version is set at build time with -ldflags "-X main.version=...".
var version = "dev"

func main() {
	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt, syscall.SIGTERM)
	defer stop()
	fi, _ := os.Stdout.Stat()
	io := cli.IO{
		Stdout: os.Stdout, Stderr: os.Stderr, Getenv: os.Getenv, Version: version,
		IsTerminal: fi != nil && fi.Mode()&os.ModeCharDevice != 0 && os.Getenv("TERM") != "dumb",
	}
	os.Exit(cli.Main(ctx, io, os.Args[1:]))
}
