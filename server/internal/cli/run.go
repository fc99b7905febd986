package cli

import (
	"context"
	"errors"
	"fmt"
	"io"
	"maps"
	"slices"
	"strings"
	"time"

	"google.golang.org/protobuf/encoding/protojson"
	"google.golang.org/protobuf/proto"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/schedule"
)

// jsonOpts: every field, false and zero included, so scripts need not know
// which values proto3 leaves out.
var jsonOpts = protojson.MarshalOptions{UseProtoNames: true, EmitUnpopulated: true}

func printJSON(w io.Writer, m proto.Message) {
	b, _ := jsonOpts.Marshal(m)
	fmt.Fprintln(w, string(b))
}

func cmdRunNow(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "run-now", "run-now [--full | --stock-only] [--dry-run] [--json] [--server HOST:PORT]")
	var c conn
	c.register(fs, io)
	full := fs.Bool("full", false, "full sync: re-check every item against Odoo and archive products whose item vanished")
	dry := fs.Bool("dry-run", false, "show what would change, per product and field, and write nothing")
	stockOnly := fs.Bool("stock-only", false, "bring only the stock on hand of synced products into Odoo (products.options.stock)")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	kind := zv1.RunKind_RUN_KIND_SMART
	switch {
	case *full && *stockOnly:
		return fs.fail("--full and --stock-only cannot be combined")
	case *full:
		kind = zv1.RunKind_RUN_KIND_FULL
	case *stockOnly:
		kind = zv1.RunKind_RUN_KIND_STOCK
	}
	return startAndFollow(ctx, io, &c, func(cl zv1.SyncServiceClient) (string, error) {
		r, err := cl.StartSync(ctx, &zv1.StartSyncRequest{Kind: kind, DryRun: *dry})
		if err != nil {
			return "", err
		}
		if r.GetAlreadyRunning() && !c.json {
			fmt.Fprintf(io.Stderr, "a run is already in progress (run %s); following it instead of starting another\n", r.GetRun().GetId())
		}
		return r.GetRun().GetId(), nil
	})
}

func cmdRetryFailed(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "retry-failed", "retry-failed [--dry-run] [--json]")
	var c conn
	c.register(fs, io)
	dry := fs.Bool("dry-run", false, "show what would change and write nothing")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	return startAndFollow(ctx, io, &c, func(_ zv1.SyncServiceClient) (string, error) {
		gc, err := c.dial()
		if err != nil {
			return "", err
		}
		defer gc.Close()
		r, err := zv1.NewProductServiceClient(gc).RetryFailed(ctx, &zv1.RetryFailedRequest{DryRun: *dry})
		if err != nil {
			return "", err
		}
		if r.GetAlreadyRunning() && !c.json {
			fmt.Fprintf(io.Stderr, "a run is already in progress (run %s); following it\n", r.GetRun().GetId())
		}
		return r.GetRun().GetId(), nil
	})
}

func cmdWatch(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "watch", "watch [RUN] [--json]")
	var c conn
	c.register(fs, io)
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 1 {
		return fs.fail("give at most one run id")
	}
	id := ""
	if len(pos) == 1 {
		id = pos[0]
	}
	return startAndFollow(ctx, io, &c, func(zv1.SyncServiceClient) (string, error) { return id, nil })
}

// startAndFollow starts (or names) a run, streams its events and returns the
// exit code of its outcome: 0 succeeded, 1 some items failed, 2 failed.
func startAndFollow(ctx context.Context, io IO, c *conn, start func(zv1.SyncServiceClient) (string, error)) int {
	gc, err := c.dial()
	if err != nil {
		fmt.Fprintf(io.Stderr, "zohosync: %v\n", err)
		return ExitFailed
	}
	defer gc.Close()
	cl := zv1.NewSyncServiceClient(gc)
	id, err := start(cl)
	if err != nil {
		return rpcError(io, c, err)
	}
	stream, err := cl.WatchRun(ctx, &zv1.WatchRunRequest{RunId: id})
	if err != nil {
		return rpcError(io, c, err)
	}
	p := newProgress(io, c.json)
	for {
		resp, err := stream.Recv()
		if err != nil {
			p.clear()
			if errors.Is(ctx.Err(), context.Canceled) {
				fmt.Fprintln(io.Stderr, "zohosync: stopped watching; the run goes on in the server (zohosync watch to follow it again)")
				return ExitFailed
			}
			return rpcError(io, c, err)
		}
		ev := resp.GetEvent()
		if final := ev.GetFinished(); final != nil {
			p.finish(final)
			return exitFor(final)
		}
		p.event(ev)
	}
}

func exitFor(r *zv1.Run) int {
	switch r.GetState() {
	case zv1.RunState_RUN_STATE_SUCCEEDED:
		return ExitOK
	case zv1.RunState_RUN_STATE_PARTIAL:
		return ExitPartial
	}
	return ExitFailed
}

// progress renders events: a live bar on a terminal, plain lines when piped,
// or one JSON object per event.
type progress struct {
	io      IO
	json    bool
	tty     bool
	last    time.Time
	drawn   bool
	runID   string
	lastPct int64
}

func newProgress(io IO, json bool) *progress {
	return &progress{io: io, json: json, tty: io.IsTerminal && !json, lastPct: -5} // -5: a step below 0%, so 0-4% prints
}

func (p *progress) event(ev *zv1.RunEvent) {
	if p.json {
		printJSON(p.io.Stdout, ev)
		return
	}
	out := p.io.Stdout
	switch d := ev.Detail.(type) {
	case *zv1.RunEvent_Joined:
		p.runID = d.Joined.GetId()
		p.line(fmt.Sprintf("run %s: %s sync%s, started %s", d.Joined.GetId(), schedule.KindName(d.Joined.GetKind()), dryText(d.Joined.GetDryRun()),
			d.Joined.GetStartedAt().AsTime().Local().Format("2006-01-02 15:04:05")))
	case *zv1.RunEvent_PhaseChanged:
		p.line("phase: " + phaseName(d.PhaseChanged))
	case *zv1.RunEvent_ItemError:
		e := d.ItemError
		p.line(fmt.Sprintf("error: item %s %q (%s): %s", e.GetZohoItemId(), e.GetName(), strings.ToLower(strings.TrimPrefix(e.GetStage().String(), "ITEM_STAGE_")), e.GetReason()))
	case *zv1.RunEvent_Warning:
		p.line("warning: " + d.Warning.GetMessage())
	case *zv1.RunEvent_PlannedChange:
		p.line(planText(d.PlannedChange))
	case *zv1.RunEvent_BatchDone:
		if !p.tty {
			pr := ev.GetProgress()
			pct := int64(-1)
			if pr.GetTotal() > 0 {
				pct = pr.GetDone() * 100 / pr.GetTotal()
			}
			// Piped output: a line per 5% step (or per batch while the total is unknown).
			if pct < 0 || pct/5 != p.lastPct/5 {
				fmt.Fprintln(out, progressText(pr))
				p.lastPct = pct
			}
		}
	}
	if p.tty && time.Since(p.last) > 100*time.Millisecond {
		p.draw(ev.GetProgress())
	}
}

// line prints a line above the bar.
func (p *progress) line(s string) {
	p.clear()
	fmt.Fprintln(p.io.Stdout, s)
}

func (p *progress) clear() {
	if p.tty && p.drawn {
		fmt.Fprint(p.io.Stdout, "\r\033[K")
		p.drawn = false
	}
}

func (p *progress) draw(pr *zv1.Progress) {
	const width = 30
	filled := 0
	if pr.GetTotal() > 0 {
		filled = int(float64(width) * float64(pr.GetDone()) / float64(pr.GetTotal()))
	}
	filled = min(max(filled, 0), width)
	bar := strings.Repeat("█", filled) + strings.Repeat("░", width-filled)
	fmt.Fprintf(p.io.Stdout, "\r\033[K%s %s", bar, progressText(pr))
	p.drawn = true
	p.last = time.Now()
}

func progressText(pr *zv1.Progress) string {
	c := pr.GetCounts()
	s := fmt.Sprintf("%d/%d", pr.GetDone(), pr.GetTotal())
	if pr.GetTotal() > 0 {
		s += fmt.Sprintf(" (%d%%)", pr.GetDone()*100/pr.GetTotal())
	}
	if rate := pr.GetItemsPerSecond(); rate > 0 {
		s += fmt.Sprintf("  %.1f items/s", rate)
		if left := pr.GetTotal() - pr.GetDone(); left > 0 {
			s += "  ETA " + (time.Duration(float64(left)/rate) * time.Second).Round(time.Second).String()
		}
	}
	s += fmt.Sprintf("  created %d, updated %d, unchanged %d, archived %d, failed %d",
		c.GetCreated(), c.GetUpdated(), c.GetUnchanged(), c.GetArchived(), c.GetFailed())
	if n := c.GetImagesDownloaded() + c.GetImagesFailed(); n > 0 {
		s += fmt.Sprintf("; images %d (%s)", c.GetImagesDownloaded(), bytesText(c.GetImageBytesDownloaded()))
	}
	return s
}

func (p *progress) finish(r *zv1.Run) {
	if p.json {
		printJSON(p.io.Stdout, &zv1.RunEvent{RunId: r.GetId(), Progress: r.GetProgress(), Detail: &zv1.RunEvent_Finished{Finished: r}})
		return
	}
	p.clear()
	printSummary(p.io.Stdout, r)
}

func printSummary(w io.Writer, r *zv1.Run) {
	c := r.GetProgress().GetCounts()
	fmt.Fprintf(w, "run %s %s: %s sync%s in %s\n", r.GetId(), schedule.StateName(r.GetState()), schedule.KindName(r.GetKind()), dryText(r.GetDryRun()),
		r.GetDuration().AsDuration().Round(10*time.Millisecond))
	verb := ""
	if r.GetDryRun() {
		verb = " (planned)"
	}
	fmt.Fprintf(w, "  items: %d seen; created %d, updated %d, unchanged %d, archived %d, failed %d%s\n",
		c.GetSeen(), c.GetCreated(), c.GetUpdated(), c.GetUnchanged(), c.GetArchived(), c.GetFailed(), verb)
	if c.GetImagesDownloaded()+c.GetImagesFailed()+c.GetImagesUnchanged()+c.GetImagesCleared() > 0 {
		fmt.Fprintf(w, "  images: downloaded %d (%s), sent %s, unchanged %d, cleared %d, failed %d\n",
			c.GetImagesDownloaded(), bytesText(c.GetImageBytesDownloaded()), bytesText(c.GetImageBytesSent()),
			c.GetImagesUnchanged(), c.GetImagesCleared(), c.GetImagesFailed())
	}
	if n := c.GetRepeatedFailures(); n > 0 {
		fmt.Fprintf(w, "  repeated failures: %d of %d, as on their previous run (same error, input or picture unchanged); new: %d\n",
			n, c.GetFailed()+c.GetImagesFailed(), c.GetFailed()+c.GetImagesFailed()-n)
	}
	if c.GetStockAdjusted()+c.GetStockUnchanged()+c.GetStockSkipped() > 0 {
		fmt.Fprintf(w, "  stock: adjusted %d%s, unchanged %d, skipped %d (product × warehouse)\n",
			c.GetStockAdjusted(), verb, c.GetStockUnchanged(), c.GetStockSkipped())
	}
	if fw := c.GetFieldsWritten(); len(fw) > 0 {
		var parts []string
		for _, f := range slices.Sorted(maps.Keys(fw)) {
			parts = append(parts, fmt.Sprintf("%s %d", f, fw[f]))
		}
		fmt.Fprintf(w, "  fields written%s: %s\n", verb, strings.Join(parts, ", "))
	}
	if c.GetTaxesMatched()+c.GetTaxesUnmatched() > 0 {
		fmt.Fprintf(w, "  taxes: matched %d, unmatched %d (Zoho sales/purchase taxes)\n", c.GetTaxesMatched(), c.GetTaxesUnmatched())
	}
	fmt.Fprintf(w, "  calls: Zoho %d, Odoo %d\n", r.GetZohoCalls(), r.GetOdooCalls())
	for _, wn := range r.GetWarnings() {
		fmt.Fprintf(w, "  warning: %s\n", wn.GetMessage())
	}
	if n := len(r.GetItemErrors()); n > 0 {
		fmt.Fprintf(w, "  failed items (%d):\n", c.GetFailed())
		for i, e := range r.GetItemErrors() {
			if i == 20 {
				fmt.Fprintf(w, "    … %d more (zohosync products --failed)\n", c.GetFailed()-20)
				break
			}
			fmt.Fprintf(w, "    %s %q: %s%s\n", e.GetZohoItemId(), e.GetName(), e.GetReason(), repeatedText(e.GetRepeated()))
		}
	}
	if r.GetError() != "" {
		fmt.Fprintf(w, "  error: %s\n", r.GetError())
	}
}

func repeatedText(repeated bool) string {
	if repeated {
		return " (repeated)"
	}
	return ""
}

func planText(pc *zv1.PlannedChange) string {
	var b strings.Builder
	action := strings.ToLower(strings.TrimPrefix(pc.GetAction().String(), "ACTION_"))
	fmt.Fprintf(&b, "plan: %s item %s %q", action, pc.GetZohoItemId(), pc.GetName())
	if pc.GetOdooId() != 0 {
		fmt.Fprintf(&b, " (Odoo %d)", pc.GetOdooId())
	}
	if pc.GetNote() != "" {
		fmt.Fprintf(&b, " — %s", pc.GetNote())
	}
	for _, f := range pc.GetFields() {
		if pc.GetAction() == zv1.Action_ACTION_CREATE {
			fmt.Fprintf(&b, "\n    %s = %q", f.GetField(), f.GetNewValue())
		} else {
			fmt.Fprintf(&b, "\n    %s: %q → %q", f.GetField(), f.GetOldValue(), f.GetNewValue())
		}
	}
	return b.String()
}

func dryText(d bool) string {
	if d {
		return " (dry run)"
	}
	return ""
}

func phaseName(p zv1.Phase) string {
	return strings.ToLower(strings.TrimPrefix(p.String(), "PHASE_"))
}

func bytesText(n int64) string {
	switch {
	case n >= 1<<30:
		return fmt.Sprintf("%.1f GB", float64(n)/(1<<30))
	case n >= 1<<20:
		return fmt.Sprintf("%.1f MB", float64(n)/(1<<20))
	case n >= 1<<10:
		return fmt.Sprintf("%.1f KB", float64(n)/(1<<10))
	}
	return fmt.Sprintf("%d B", n)
}
