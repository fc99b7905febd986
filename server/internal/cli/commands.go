package cli

import (
	"context"
	"flag"
	"fmt"
	"io"
	"maps"
	"runtime/debug"
	"slices"
	"strconv"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/app"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/webhook"
)

func cmdServe(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "serve", "serve --config-dir DIR --data-dir DIR [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--metrics HOST:PORT] [--webhook-listen HOST:PORT] [--no-scheduler]")
	o := app.Options{Stderr: io.Stderr, Stdout: io.Stdout, Version: io.Version}
	fs.StringVar(&o.ConfigDir, "config-dir", "config", "directory with zoho_config.json, odoo_config.json, field_mapping.json, sync_schedule.json")
	fs.StringVar(&o.DataDir, "data-dir", "data", "directory for state (Badger), logs and the image cache")
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:50051", "address to serve the gRPC API on")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "PEM certificate for TLS")
	fs.StringVar(&o.TLSKey, "tls-key", "", "PEM private key for TLS")
	fs.StringVar(&o.Metrics, "metrics", "", "address to serve Prometheus metrics on (e.g. 127.0.0.1:9464); off when empty")
	fs.StringVar(&o.WebhookListen, "webhook-listen", "", "address to receive Zoho workflow-rule webhooks on (path "+webhook.Path+"; needs $"+app.EnvWebhookSecret+"); off when empty")
	fs.DurationVar(&o.WebhookDebounce, "webhook-debounce", webhook.DefaultDebounce, "quiet time after a webhook before its items are synced")
	fs.DurationVar(&o.WebhookMaxWait, "webhook-max-wait", webhook.DefaultMaxWait, "longest a webhook's items wait for a quiet moment")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	noSched := fs.Bool("no-scheduler", false, "do not start scheduled runs (runs start only through the API)")
	fs.BoolVar(&o.AllowPlaintext, "allow-plaintext", false, "allow a non-loopback --listen without TLS (behind a TLS proxy); logged as a warning")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) > 0 {
		return fs.fail(fmt.Sprintf("unexpected argument %q", pos[0]))
	}
	if err := o.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		return fs.fail(fmt.Sprintf("--log-level takes debug, info, warn or error, not %q", *level))
	}
	o.NoScheduler = *noSched
	o.APIToken = config.NewSecret(io.Getenv(EnvAPIToken))
	o.WebhookSecret = config.NewSecret(io.Getenv(app.EnvWebhookSecret))
	if io.Getenv("GOMEMLIMIT") == "" {
		// Badger's compactions allocate in bursts; without a limit the
		// collector lets the heap double over them (GOMEMLIMIT overrides).
		debug.SetMemoryLimit(DefaultMemoryLimit)
	}
	if err := app.Serve(ctx, o); err != nil {
		fmt.Fprintf(io.Stderr, "zohosync: %s\n", firstLine(err.Error()))
		return ExitFailed
	}
	return ExitOK
}

// DefaultMemoryLimit is the server's soft memory limit: above its steady
// heap (about 30 MB at 100,000 items) and compaction peaks (about 50 MB).
const DefaultMemoryLimit = 80 << 20

func firstLine(s string) string {
	if i := strings.IndexByte(s, '\n'); i >= 0 {
		return s[:i]
	}
	return s
}

func cmdStatus(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "status", "status [--json]")
	var c conn
	c.register(fs, io)
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		st, err := zv1.NewSyncServiceClient(gc).GetStatus(ctx, &zv1.GetStatusRequest{})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, st)
			return ExitOK, nil
		}
		w := io.Stdout
		fmt.Fprintf(w, "zohosync server %s at %s\n", st.GetServerVersion(), c.server)
		if r := st.GetCurrentRun(); r != nil {
			fmt.Fprintf(w, "running: run %s (%s sync%s), %s\n", r.GetId(), schedule.KindName(r.GetKind()), dryText(r.GetDryRun()), progressText(r.GetProgress()))
		}
		if r := st.GetLastRun(); r != nil {
			fmt.Fprintf(w, "last run: %s at %s (%s sync%s, %s), took %s\n", r.GetId(), r.GetStartedAt().AsTime().Local().Format("2006-01-02 15:04:05"),
				schedule.KindName(r.GetKind()), dryText(r.GetDryRun()), schedule.StateName(r.GetState()), r.GetDuration().AsDuration().Round(10*time.Millisecond))
			cn := r.GetProgress().GetCounts()
			fmt.Fprintf(w, "  added %d, updated %d, unchanged %d, archived %d, failed %d\n", cn.GetCreated(), cn.GetUpdated(), cn.GetUnchanged(), cn.GetArchived(), cn.GetFailed())
			if n := cn.GetRepeatedFailures(); n > 0 {
				fmt.Fprintf(w, "  repeated failures: %d (known, as on their previous run)\n", n)
			}
			if cn.GetImagesDownloaded()+cn.GetImagesUnchanged()+cn.GetImagesFailed()+cn.GetImagesCleared() > 0 {
				fmt.Fprintf(w, "  images: downloaded %d (%s), unchanged %d, cleared %d, failed %d\n", cn.GetImagesDownloaded(),
					bytesText(cn.GetImageBytesDownloaded()), cn.GetImagesUnchanged(), cn.GetImagesCleared(), cn.GetImagesFailed())
			}
			if r.GetError() != "" {
				fmt.Fprintf(w, "  error: %s\n", r.GetError())
			}
		} else {
			fmt.Fprintln(w, "last run: none yet (zohosync test-connections, then zohosync run-now --dry-run, then zohosync run-now)")
		}
		if r := st.GetLastSuccessfulRun(); r != nil && r.GetId() != st.GetLastRun().GetId() {
			fmt.Fprintf(w, "last successful run: %s at %s\n", r.GetId(), r.GetFinishedAt().AsTime().Local().Format("2006-01-02 15:04:05"))
		}
		fmt.Fprintf(w, "products tracked: %d, failing: %d\n", st.GetProductsTracked(), st.GetProductsFailed())
		if q := st.GetQuota(); q != nil {
			fmt.Fprintf(w, "Zoho calls today: %d / %d (reserve %d)", q.GetCallsUsedToday(), q.GetAllowance(), q.GetReserve())
			if q.GetResetsAt() != nil {
				fmt.Fprintf(w, ", resets %s", q.GetResetsAt().AsTime().Local().Format("2006-01-02 15:04:05"))
			}
			fmt.Fprintf(w, " [%s]\n", q.GetSource())
		}
		for _, e := range st.GetRecentErrors() {
			fmt.Fprintf(w, "  %s %q: %s\n", e.GetZohoItemId(), e.GetName(), e.GetReason())
		}
		printSchedule(io, st.GetSchedule())
		if t := st.GetSchedule().GetLastFullSyncAt(); t != nil {
			fmt.Fprintf(w, "last full sync: %s\n", t.AsTime().Local().Format("2006-01-02 15:04:05"))
		}
		printReadMode(w, st.GetReadMode())
		return ExitOK, nil
	})
}

func cmdConfig(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "config", "config [--enable | --disable] [--interval HOURS] [--full-sync-days DAYS] [--max-errors N] [--json]")
	var c conn
	c.register(fs, io)
	enable := fs.Bool("enable", false, "enable the scheduler (resets its failure count)")
	disable := fs.Bool("disable", false, "disable the scheduler")
	interval := fs.Float64("interval", 0, "hours between scheduled syncs (at least 0.25)")
	fullDays := fs.Int("full-sync-days", -1, "force a full sync when the last one is older than this many days (0 = never)")
	maxErr := fs.Int("max-errors", 0, "disable the scheduler after this many failed runs in a row")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	if *enable && *disable {
		return fs.fail("--enable and --disable contradict each other")
	}
	c.fieldFlags = map[string]string{"sync_interval_hours": "--interval", "force_full_sync_days": "--full-sync-days", "max_consecutive_errors": "--max-errors"}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		want := &zv1.Schedule{}
		var mask []string
		set := map[string]bool{}
		fs.Visit(func(f *flag.Flag) { set[f.Name] = true })
		if *enable || *disable {
			want.Enabled = *enable
			mask = append(mask, "enabled")
		}
		if set["interval"] {
			want.SyncIntervalHours = *interval
			mask = append(mask, "sync_interval_hours")
		}
		if set["full-sync-days"] {
			want.ForceFullSyncDays = int32(*fullDays)
			mask = append(mask, "force_full_sync_days")
		}
		if set["max-errors"] {
			want.MaxConsecutiveErrors = int32(*maxErr)
			mask = append(mask, "max_consecutive_errors")
		}
		sc := zv1.NewScheduleServiceClient(gc)
		if len(mask) > 0 {
			resp, err := sc.UpdateSchedule(ctx, &zv1.UpdateScheduleRequest{Schedule: want, UpdateMask: &fieldmaskpb.FieldMask{Paths: mask}})
			if err != nil {
				return 0, err
			}
			if c.json {
				printJSON(io.Stdout, resp.GetSchedule())
			} else {
				fmt.Fprintln(io.Stdout, "schedule updated")
				printSchedule(io, resp.GetSchedule())
			}
			return ExitOK, nil
		}
		cfg, err := zv1.NewConfigServiceClient(gc).GetConfig(ctx, &zv1.GetConfigRequest{})
		if err != nil {
			return 0, err
		}
		s, err := sc.GetSchedule(ctx, &zv1.GetScheduleRequest{})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, &zv1.Config{Zoho: cfg.GetConfig().GetZoho(), Odoo: cfg.GetConfig().GetOdoo(), Mapping: cfg.GetConfig().GetMapping(),
				DefaultValues: cfg.GetConfig().GetDefaultValues(), Options: cfg.GetConfig().GetOptions(), ConfigDir: cfg.GetConfig().GetConfigDir(),
				DataDir: cfg.GetConfig().GetDataDir(), ListenAddress: cfg.GetConfig().GetListenAddress(), ApiTokenRequired: cfg.GetConfig().GetApiTokenRequired(), Tls: cfg.GetConfig().GetTls()})
			printJSON(io.Stdout, s.GetSchedule())
			return ExitOK, nil
		}
		k := cfg.GetConfig()
		w := io.Stdout
		fmt.Fprintf(w, "config dir: %s\ndata dir:   %s\n", k.GetConfigDir(), k.GetDataDir())
		z := k.GetZoho()
		fmt.Fprintf(w, "zoho: %s data centre, items from %s, organisation %s\n", z.GetDataCenter(), strings.ToLower(strings.TrimPrefix(z.GetItemSource().String(), "ZOHO_PRODUCT_")), z.GetOrganizationId())
		fmt.Fprintf(w, "  client id %s, client secret %s, refresh token %s\n", z.GetClientId(), secretText(z.GetClientSecret()), secretText(z.GetRefreshToken()))
		o := k.GetOdoo()
		fmt.Fprintf(w, "odoo: %s, database %s, user %s, password %s\n", o.GetUrl(), o.GetDb(), o.GetUsername(), secretText(o.GetPassword()))
		fmt.Fprintln(w, "mapping:")
		for _, m := range k.GetMapping() {
			fmt.Fprintf(w, "  %-16s → %s\n", m.GetZohoField(), m.GetOdooField())
		}
		for _, key := range slices.Sorted(maps.Keys(k.GetDefaultValues())) {
			fmt.Fprintf(w, "  default %s = %s\n", key, k.GetDefaultValues()[key])
		}
		printSchedule(io, s.GetSchedule())
		return ExitOK, nil
	})
}

func secretText(s *zv1.SecretState) string {
	if !s.GetSet() {
		return "NOT SET"
	}
	return "set (" + s.GetSource() + ")"
}

func printSchedule(io IO, s *zv1.Schedule) {
	w := io.Stdout
	state := "disabled"
	if s.GetEnabled() {
		state = "enabled"
	}
	if s.GetSyncIntervalHours() == 0 { // no scheduler at all: only the reason means anything
		fmt.Fprintf(w, "schedule: none (%s)\n", s.GetDisabledReason())
		return
	}
	full := fmt.Sprintf("full sync every %d days", s.GetForceFullSyncDays())
	if s.GetForceFullSyncDays() == 0 {
		full = "no forced full syncs"
	}
	fmt.Fprintf(w, "schedule: %s, every %g hours, %s, disable after %d failures in a row\n",
		state, s.GetSyncIntervalHours(), full, s.GetMaxConsecutiveErrors())
	if s.GetEnabled() && s.GetWaitingForFirstRun() {
		fmt.Fprintln(w, "  waiting for the first sync started by hand: nothing runs on schedule until one succeeds (zohosync run-now)")
	}
	if n := s.GetConsecutiveFailures(); n > 0 {
		fmt.Fprintf(w, "  failed scheduled runs in a row: %d\n", n)
	}
	if t := s.GetNextRunAt(); t != nil {
		fmt.Fprintf(w, "  next run: %s sync at %s\n", schedule.KindName(s.GetNextRunKind()), t.AsTime().Local().Format("2006-01-02 15:04:05"))
	}
	if r := s.GetDisabledReason(); r != "" {
		fmt.Fprintf(w, "  %s\n", r)
	}
	if f := s.GetNotificationsLogFile(); f != "" {
		fmt.Fprintf(w, "  notifications: %s\n", f)
	}
}

func cmdRuns(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "runs", "runs [--limit N] [--page-token T] [--json]")
	var c conn
	c.register(fs, io)
	limit := fs.Int("limit", 20, "runs to show, 1 to 200")
	token := fs.String("page-token", "", "continue from a previous page")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	if *limit < 1 || *limit > 200 {
		return fs.fail(fmt.Sprintf("--limit must be between 1 and 200, not %d", *limit))
	}
	c.fieldFlags = map[string]string{"page_size": "--limit", "page_token": "--page-token"}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewSyncServiceClient(gc).ListRuns(ctx, &zv1.ListRunsRequest{PageSize: int32(*limit), PageToken: *token})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp)
			return ExitOK, nil
		}
		if len(resp.GetRuns()) == 0 {
			if *token != "" {
				fmt.Fprintln(io.Stdout, "no more runs")
			} else {
				fmt.Fprintln(io.Stdout, "no runs yet (zohosync run-now starts one)")
			}
			return ExitOK, nil
		}
		fmt.Fprintf(io.Stdout, "%-5s %-19s %-12s %-9s %-26s %7s %7s %7s %7s %7s %9s\n", "RUN", "STARTED", "KIND", "TRIGGER", "STATE", "CREATED", "UPDATED", "SAME", "ARCHIVED", "FAILED", "DURATION")
		for _, r := range resp.GetRuns() {
			cn := r.GetProgress().GetCounts()
			trig := "manual"
			switch r.GetTrigger() {
			case zv1.RunTrigger_RUN_TRIGGER_SCHEDULE:
				trig = "schedule"
			case zv1.RunTrigger_RUN_TRIGGER_WEBHOOK:
				trig = "webhook"
			}
			kind := schedule.KindName(r.GetKind())
			if r.GetDryRun() {
				kind += "/dry"
			}
			fmt.Fprintf(io.Stdout, "%-5s %-19s %-12s %-9s %-26s %7d %7d %7d %7d %7d %9s\n", r.GetId(), r.GetStartedAt().AsTime().Local().Format("2006-01-02 15:04:05"),
				kind, trig, schedule.StateName(r.GetState()), cn.GetCreated(), cn.GetUpdated(), cn.GetUnchanged(), cn.GetArchived(), cn.GetFailed(),
				r.GetDuration().AsDuration().Round(100*time.Millisecond))
		}
		fmt.Fprintf(io.Stdout, "%d runs in all", resp.GetTotalSize())
		if t := resp.GetNextPageToken(); t != "" {
			fmt.Fprintf(io.Stdout, "; more with --page-token %s", t)
		}
		fmt.Fprintln(io.Stdout)
		return ExitOK, nil
	})
}

func cmdProducts(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "products", "products [--failed | --archived | --synced] [--limit N] [--page-token T] [--json]")
	var c conn
	c.register(fs, io)
	failed := fs.Bool("failed", false, "only items whose last sync failed")
	archived := fs.Bool("archived", false, "only archived products")
	synced := fs.Bool("synced", false, "only synced products")
	limit := fs.Int("limit", 50, "products to show, 1 to 500")
	token := fs.String("page-token", "", "continue from a previous page")
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	if *limit < 1 || *limit > 500 {
		return fs.fail(fmt.Sprintf("--limit must be between 1 and 500, not %d", *limit))
	}
	if n := countTrue(*failed, *archived, *synced); n > 1 {
		return fs.fail("--failed, --archived and --synced exclude each other: give one")
	}
	c.fieldFlags = map[string]string{"page_size": "--limit", "page_token": "--page-token"}
	filter := zv1.ProductFilter_PRODUCT_FILTER_UNSPECIFIED
	switch {
	case *failed:
		filter = zv1.ProductFilter_PRODUCT_FILTER_FAILED
	case *archived:
		filter = zv1.ProductFilter_PRODUCT_FILTER_ARCHIVED
	case *synced:
		filter = zv1.ProductFilter_PRODUCT_FILTER_SYNCED
	}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewProductServiceClient(gc).ListProducts(ctx, &zv1.ListProductsRequest{Filter: filter, PageSize: int32(*limit), PageToken: *token})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp)
			return ExitOK, nil
		}
		if len(resp.GetProducts()) == 0 {
			switch {
			case *token != "":
				fmt.Fprintln(io.Stdout, "no more products")
			case *failed:
				fmt.Fprintln(io.Stdout, "no failed products")
			case *archived:
				fmt.Fprintln(io.Stdout, "no archived products")
			case *synced:
				fmt.Fprintln(io.Stdout, "no synced products yet")
			default:
				fmt.Fprintln(io.Stdout, "no products tracked yet (zohosync run-now syncs them)")
			}
			return ExitOK, nil
		}
		fmt.Fprintf(io.Stdout, "%-20s %8s %-9s %-19s %-20s %s\n", "ZOHO ITEM", "ODOO ID", "STATE", "LAST SYNC", "SKU", "NAME / ERROR")
		for _, p := range resp.GetProducts() {
			last := ""
			if t := p.GetLastSyncedAt(); t != nil {
				last = t.AsTime().Local().Format("2006-01-02 15:04:05")
			}
			what := p.GetName()
			if p.GetLastError() != "" {
				what += " — " + p.GetLastError()
			}
			fmt.Fprintf(io.Stdout, "%-20s %8d %-9s %-19s %-20s %s\n", p.GetZohoItemId(), p.GetOdooId(),
				strings.ToLower(strings.TrimPrefix(p.GetState().String(), "PRODUCT_STATE_")), last, p.GetSku(), what)
		}
		if t := resp.GetNextPageToken(); t != "" {
			fmt.Fprintf(io.Stdout, "more with --page-token %s\n", t)
		}
		return ExitOK, nil
	})
}

func cmdProduct(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "product", "product ZOHO_ITEM_ID | --odoo-id ID [--json]")
	var c conn
	c.register(fs, io)
	odooID := fs.Int64("odoo-id", 0, "find by Odoo product `id`")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	switch {
	case len(pos) > 1:
		return fs.fail("give one Zoho item id")
	case len(pos) == 1 && *odooID != 0:
		return fs.fail("give a Zoho item id or --odoo-id, not both")
	case len(pos) == 0 && *odooID == 0:
		return fs.fail("give a Zoho item id, or --odoo-id ID")
	case *odooID < 0:
		return fs.fail(fmt.Sprintf("--odoo-id must be a positive Odoo product id, not %d", *odooID))
	}
	req := &zv1.GetProductRequest{}
	if *odooID != 0 {
		req.Key = &zv1.GetProductRequest_OdooId{OdooId: *odooID}
	} else {
		req.Key = &zv1.GetProductRequest_ZohoItemId{ZohoItemId: pos[0]}
	}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewProductServiceClient(gc).GetProduct(ctx, req)
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp.GetProduct())
		} else {
			printProduct(io.Stdout, resp.GetProduct())
		}
		return ExitOK, nil
	})
}

func cmdCancel(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "cancel", "cancel [RUN]")
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
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewSyncServiceClient(gc).CancelRun(ctx, &zv1.CancelRunRequest{RunId: id})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp)
		} else {
			fmt.Fprintf(io.Stdout, "run %s will stop after its current batch\n", resp.GetRun().GetId())
		}
		return ExitOK, nil
	})
}

func cmdTestConnections(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "test-connections", "test-connections [--json]")
	var c conn
	c.register(fs, io)
	if _, code, ok := fs.parse(args); !ok {
		return code
	}
	// One call per check, so that each result shows as soon as it is known;
	// the server gives each check at most 10 s.
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		cl := zv1.NewConfigServiceClient(gc)
		w := io.Stdout
		all := &zv1.TestConnectionsResponse{}
		if !c.json {
			fmt.Fprint(w, "zoho: checking the token and the organisation… ")
		}
		resp, err := cl.TestConnections(ctx, &zv1.TestConnectionsRequest{Checks: []zv1.ConnectionCheck{zv1.ConnectionCheck_CONNECTION_CHECK_ZOHO}})
		if err != nil {
			if !c.json {
				fmt.Fprintln(w)
			}
			return 0, err
		}
		all.Zoho = resp.GetZoho()
		if !c.json {
			if z := all.GetZoho(); z.GetOk() {
				fmt.Fprintf(w, "OK — organisation %q, plan %s\n", z.GetOrganizationName(), z.GetPlan())
			} else {
				fmt.Fprintf(w, "FAILED — %s\n", z.GetError())
			}
			fmt.Fprint(w, "odoo: checking the login, version and fields… ")
		}
		resp, err = cl.TestConnections(ctx, &zv1.TestConnectionsRequest{Checks: []zv1.ConnectionCheck{zv1.ConnectionCheck_CONNECTION_CHECK_ODOO}})
		if err != nil {
			if !c.json {
				fmt.Fprintln(w)
			}
			return 0, err
		}
		all.Odoo = resp.GetOdoo()
		if c.json {
			printJSON(w, all)
		} else if o := all.GetOdoo(); o.GetOk() {
			fmt.Fprintf(w, "OK — version %s, uid %d, writes %s\n", o.GetServerVersion(), o.GetUid(), strings.Join(o.GetFields(), ", "))
			for _, wn := range o.GetWarnings() {
				fmt.Fprintf(w, "  warning: %s\n", wn)
			}
		} else {
			fmt.Fprintf(w, "FAILED — %s\n", o.GetError())
		}
		if !all.GetZoho().GetOk() || !all.GetOdoo().GetOk() {
			return ExitFailed, nil
		}
		return ExitOK, nil
	})
}

func countTrue(bs ...bool) int {
	n := 0
	for _, b := range bs {
		if b {
			n++
		}
	}
	return n
}

// printProduct shows one product as text, like the other commands.
func printProduct(w io.Writer, p *zv1.Product) {
	fmt.Fprintf(w, "zoho item %s: %s\n", p.GetZohoItemId(), p.GetName())
	odoo := "none yet"
	if p.GetOdooId() != 0 {
		odoo = strconv.FormatInt(p.GetOdooId(), 10)
	}
	fmt.Fprintf(w, "  odoo product: %s\n", odoo)
	fmt.Fprintf(w, "  state:        %s\n", strings.ToLower(strings.TrimPrefix(p.GetState().String(), "PRODUCT_STATE_")))
	if p.GetSku() != "" {
		fmt.Fprintf(w, "  sku:          %s\n", p.GetSku())
	}
	if l := p.GetLinkedBy(); l != zv1.LinkedBy_LINKED_BY_UNSPECIFIED {
		fmt.Fprintf(w, "  linked by:    %s\n", strings.ReplaceAll(strings.ToLower(strings.TrimPrefix(l.String(), "LINKED_BY_")), "_", " "))
	}
	if t := p.GetLastSyncedAt(); t != nil {
		fmt.Fprintf(w, "  last synced:  %s (run %s)\n", t.AsTime().Local().Format("2006-01-02 15:04:05"), p.GetLastRunId())
	}
	if p.GetImageMd5() != "" {
		fmt.Fprintf(w, "  image:        md5 %s\n", p.GetImageMd5())
	}
	if e := p.GetLastError(); e != "" {
		fmt.Fprintf(w, "  last error:   %s (failed %d times in a row)\n", e, p.GetFailures())
	}
	if e := p.GetImageError(); e != "" {
		fmt.Fprintf(w, "  image error:  %s\n", e)
	}
}
