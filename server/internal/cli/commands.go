package cli

import (
	"context"
	"flag"
	"fmt"
	"maps"
	"runtime/debug"
	"slices"
	"strings"
	"time"

	"google.golang.org/grpc"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/app"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/schedule"
)

func cmdServe(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "serve", "serve --config-dir DIR --data-dir DIR [--listen HOST:PORT] [--tls-cert FILE --tls-key FILE] [--metrics HOST:PORT]")
	o := app.Options{Stderr: io.Stderr, Stdout: io.Stdout, Version: io.Version}
	fs.StringVar(&o.ConfigDir, "config-dir", "config", "directory with zoho_config.json, odoo_config.json, field_mapping.json, sync_schedule.json")
	fs.StringVar(&o.DataDir, "data-dir", "data", "directory for state (Badger), logs and the image cache")
	fs.StringVar(&o.Listen, "listen", "127.0.0.1:50051", "address to serve the gRPC API on")
	fs.StringVar(&o.TLSCert, "tls-cert", "", "PEM certificate for TLS")
	fs.StringVar(&o.TLSKey, "tls-key", "", "PEM private key for TLS")
	fs.StringVar(&o.Metrics, "metrics", "", "address to serve Prometheus metrics on (e.g. 127.0.0.1:9464); off when empty")
	level := fs.String("log-level", "info", "debug, info, warn or error")
	noSched := fs.Bool("no-scheduler", false, "do not start scheduled runs (runs start only through the API)")
	if pos, err := parse(fs, args); err != nil || len(pos) > 0 {
		if err == nil {
			fmt.Fprintf(io.Stderr, "zohosync serve: unexpected argument %q\n", pos[0])
		}
		return ExitPartial
	}
	if err := o.LogLevel.UnmarshalText([]byte(*level)); err != nil {
		fmt.Fprintf(io.Stderr, "zohosync serve: --log-level %q is not debug, info, warn or error\n", *level)
		return ExitPartial
	}
	o.NoScheduler = *noSched
	o.APIToken = config.NewSecret(io.Getenv(EnvAPIToken))
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
	if _, err := parse(fs, args); err != nil {
		return ExitPartial
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
			fmt.Fprintf(w, "last run: %s at %s (%s sync, %s), took %s\n", r.GetId(), r.GetStartedAt().AsTime().Local().Format("2006-01-02 15:04:05"),
				schedule.KindName(r.GetKind()), schedule.StateName(r.GetState()), r.GetDuration().AsDuration().Round(10*time.Millisecond))
			cn := r.GetProgress().GetCounts()
			fmt.Fprintf(w, "  added %d, updated %d, unchanged %d, archived %d, failed %d\n", cn.GetCreated(), cn.GetUpdated(), cn.GetUnchanged(), cn.GetArchived(), cn.GetFailed())
			if cn.GetImagesDownloaded()+cn.GetImagesUnchanged()+cn.GetImagesFailed()+cn.GetImagesCleared() > 0 {
				fmt.Fprintf(w, "  images: downloaded %d (%s), unchanged %d, cleared %d, failed %d\n", cn.GetImagesDownloaded(),
					bytesText(cn.GetImageBytesDownloaded()), cn.GetImagesUnchanged(), cn.GetImagesCleared(), cn.GetImagesFailed())
			}
			if r.GetError() != "" {
				fmt.Fprintf(w, "  error: %s\n", r.GetError())
			}
		} else {
			fmt.Fprintln(w, "last run: none yet (zohosync run-now)")
		}
		if r := st.GetLastSuccessfulRun(); r != nil && r.GetId() != st.GetLastRun().GetId() {
			fmt.Fprintf(w, "last successful run: %s at %s\n", r.GetId(), r.GetFinishedAt().AsTime().Local().Format("2006-01-02 15:04:05"))
		}
		fmt.Fprintf(w, "products tracked: %d, failing: %d\n", st.GetProductsTracked(), st.GetProductsFailed())
		for _, e := range st.GetRecentErrors() {
			fmt.Fprintf(w, "  %s %q: %s\n", e.GetZohoItemId(), e.GetName(), e.GetReason())
		}
		sc := st.GetSchedule()
		sched := "disabled"
		if sc.GetEnabled() {
			sched = "enabled"
			if t := sc.GetNextRunAt(); t != nil {
				sched += fmt.Sprintf(", next %s sync at %s", schedule.KindName(sc.GetNextRunKind()), t.AsTime().Local().Format("2006-01-02 15:04:05"))
			}
		}
		fmt.Fprintf(w, "scheduler: %s\n", sched)
		if r := sc.GetDisabledReason(); r != "" {
			fmt.Fprintf(w, "  %s\n", r)
		}
		if n := sc.GetConsecutiveFailures(); n > 0 {
			fmt.Fprintf(w, "  failed scheduled runs in a row: %d\n", n)
		}
		if t := sc.GetLastFullSyncAt(); t != nil {
			fmt.Fprintf(w, "last full sync: %s\n", t.AsTime().Local().Format("2006-01-02 15:04:05"))
		}
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
	if _, err := parse(fs, args); err != nil {
		return ExitPartial
	}
	if *enable && *disable {
		fmt.Fprintln(io.Stderr, "zohosync config: --enable and --disable contradict each other")
		return ExitPartial
	}
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
	fmt.Fprintf(w, "schedule: %s, every %g hours, full sync every %d days, disable after %d failures in a row\n",
		state, s.GetSyncIntervalHours(), s.GetForceFullSyncDays(), s.GetMaxConsecutiveErrors())
	if t := s.GetNextRunAt(); t != nil {
		fmt.Fprintf(w, "  next run: %s sync at %s\n", schedule.KindName(s.GetNextRunKind()), t.AsTime().Local().Format("2006-01-02 15:04:05"))
	}
	if r := s.GetDisabledReason(); r != "" {
		fmt.Fprintf(w, "  %s\n", r)
	}
	fmt.Fprintf(w, "  notifications: %s\n", s.GetNotificationsLogFile())
}

func cmdRuns(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "runs", "runs [--limit N] [--page-token T] [--json]")
	var c conn
	c.register(fs, io)
	limit := fs.Int("limit", 20, "runs to show (at most 200)")
	token := fs.String("page-token", "", "continue from a previous page")
	if _, err := parse(fs, args); err != nil {
		return ExitPartial
	}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewSyncServiceClient(gc).ListRuns(ctx, &zv1.ListRunsRequest{PageSize: int32(*limit), PageToken: *token})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp)
			return ExitOK, nil
		}
		fmt.Fprintf(io.Stdout, "%-5s %-19s %-12s %-9s %-26s %7s %7s %7s %7s %7s %9s\n", "RUN", "STARTED", "KIND", "TRIGGER", "STATE", "CREATED", "UPDATED", "SAME", "ARCHIVED", "FAILED", "DURATION")
		for _, r := range resp.GetRuns() {
			cn := r.GetProgress().GetCounts()
			trig := "manual"
			if r.GetTrigger() == zv1.RunTrigger_RUN_TRIGGER_SCHEDULE {
				trig = "schedule"
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
	limit := fs.Int("limit", 50, "products to show (at most 500)")
	token := fs.String("page-token", "", "continue from a previous page")
	if _, err := parse(fs, args); err != nil {
		return ExitPartial
	}
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
	odooID := fs.Int64("odoo-id", 0, "find by Odoo product id")
	pos, err := parse(fs, args)
	if err != nil || (len(pos) != 1 && *odooID == 0) {
		fs.Usage()
		return ExitPartial
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
		printJSON(io.Stdout, resp.GetProduct())
		return ExitOK, nil
	})
}

func cmdCancel(ctx context.Context, io IO, args []string) int {
	fs := newFlags(io, "cancel", "cancel [RUN]")
	var c conn
	c.register(fs, io)
	pos, err := parse(fs, args)
	if err != nil || len(pos) > 1 {
		return ExitPartial
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
	if _, err := parse(fs, args); err != nil {
		return ExitPartial
	}
	return c.call(ctx, io, func(ctx context.Context, gc *grpc.ClientConn) (int, error) {
		resp, err := zv1.NewConfigServiceClient(gc).TestConnections(ctx, &zv1.TestConnectionsRequest{})
		if err != nil {
			return 0, err
		}
		if c.json {
			printJSON(io.Stdout, resp)
		} else {
			z, o := resp.GetZoho(), resp.GetOdoo()
			if z.GetOk() {
				fmt.Fprintf(io.Stdout, "zoho: OK — organisation %q, plan %s\n", z.GetOrganizationName(), z.GetPlan())
			} else {
				fmt.Fprintf(io.Stdout, "zoho: FAILED — %s\n", z.GetError())
			}
			if o.GetOk() {
				fmt.Fprintf(io.Stdout, "odoo: OK — version %s, uid %d, writes %s\n", o.GetServerVersion(), o.GetUid(), strings.Join(o.GetFields(), ", "))
				for _, w := range o.GetWarnings() {
					fmt.Fprintf(io.Stdout, "  warning: %s\n", w)
				}
			} else {
				fmt.Fprintf(io.Stdout, "odoo: FAILED — %s\n", o.GetError())
			}
		}
		if !resp.GetZoho().GetOk() || !resp.GetOdoo().GetOk() {
			return ExitFailed, nil
		}
		return ExitOK, nil
	})
}
