package cli

import (
	"context"
	"fmt"

	"github.com/zohosync/zohosync/server/internal/config"
)

func cmdInit(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "init", "init --config-dir DIR")
	dir := fs.String("config-dir", "", "the new config `directory` (created; files already there are never overwritten)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.fail(fmt.Sprintf("unexpected argument %q", pos[0]))
	}
	if *dir == "" {
		return fs.fail("--config-dir DIR is required")
	}
	written, err := config.WriteExample(*dir)
	if err != nil {
		fmt.Fprintf(io.Stderr, "zohosync init: %v\n", err)
		return ExitFailed
	}
	for _, p := range written {
		fmt.Fprintf(io.Stdout, "wrote %s\n", p)
	}
	fmt.Fprintf(io.Stdout, "next: fill in the empty values (see %s/%s), then zohosync serve --config-dir %s --data-dir DATA\n", *dir, config.ExampleReadme, *dir)
	return ExitOK
}
