package api_test

import (
	"context"
	"fmt"
	"net"
	"strconv"
	"strings"
	"testing"

	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/credentials/insecure"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/grpc/test/bufconn"
	"google.golang.org/protobuf/types/known/fieldmaskpb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/api"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/store"
)

// idleEngine has no run in progress and starts none (the engine itself is
// tested in its own package; here only the API's mapping is).
type idleEngine struct{ st *store.Store }

func (e idleEngine) Start(zv1.RunKind, bool, zv1.RunTrigger) (*zv1.Run, bool, error) {
	return nil, false, engine.ErrNoFailed
}
func (e idleEngine) Subscribe(id string) (*engine.Subscription, *zv1.Run, error) {
	if id == "" {
		return nil, nil, engine.ErrNoRun
	}
	r, err := e.Run(id)
	return nil, r, err
}
func (e idleEngine) Unsubscribe(*engine.Subscription) {}
func (e idleEngine) Cancel(string) (*zv1.Run, error)  { return nil, engine.ErrNoRun }
func (e idleEngine) Run(id string) (*zv1.Run, error) {
	r, err := e.st.Run(id)
	if err == store.ErrNotFound {
		return nil, fmt.Errorf("%w: %q", engine.ErrRunNotFound, id)
	}
	return r, err
}
func (e idleEngine) Current() *zv1.Run { return nil }
func (e idleEngine) ReadMode() (*zv1.ReadMode, error) {
	return &zv1.ReadMode{Mode: zv1.ReadMode_MODE_FULL_LISTING, Reason: "no complete listing yet"}, nil
}

type fixedSchedule struct{}

func (fixedSchedule) Current() *zv1.Schedule {
	return &zv1.Schedule{Enabled: true, SyncIntervalHours: 4}
}
func (fixedSchedule) Update(mask []string, in *zv1.Schedule) (*zv1.Schedule, error) {
	if in.SyncIntervalHours < 0.25 {
		return nil, fmt.Errorf("%w: sync_interval_hours must be at least 0.25 (15 minutes), not %g", schedule.ErrInvalid, in.SyncIntervalHours)
	}
	return in, nil
}

func serve(t *testing.T) (*grpc.ClientConn, *store.Store) {
	t.Helper()
	return serveWith(t, fixedSchedule{})
}

// serveWith serves the API over bufconn with the given scheduler.
func serveWith(t *testing.T, sched api.Scheduler) (*grpc.ClientConn, *store.Store) {
	t.Helper()
	st, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { st.Close() })
	for i := 1; i <= 45; i++ {
		n, _ := st.NextRunID()
		_ = st.PutRun(&zv1.Run{Id: strconv.FormatInt(n, 10), State: zv1.RunState_RUN_STATE_SUCCEEDED,
			ItemErrors: []*zv1.ItemError{{ZohoItemId: "x"}}, Progress: &zv1.Progress{Counts: &zv1.Counts{}}})
	}
	var items []store.ItemState
	for i := 0; i < 120; i++ {
		s := store.StateSynced
		if i%10 == 0 {
			s = store.StateFailed
		}
		items = append(items, store.ItemState{ZohoID: fmt.Sprintf("%05d", i), OdooID: int64(i + 1), State: s, Name: fmt.Sprint("item ", i)})
	}
	if err := st.PutItems(items); err != nil {
		t.Fatal(err)
	}
	lis := bufconn.Listen(1 << 20)
	srv := grpc.NewServer()
	eng := idleEngine{st}
	zv1.RegisterSyncServiceServer(srv, &api.SyncService{Engine: eng, State: st, Schedule: sched, Version: "test"})
	zv1.RegisterProductServiceServer(srv, &api.ProductService{Engine: eng, State: st})
	zv1.RegisterScheduleServiceServer(srv, &api.ScheduleService{Scheduler: sched})
	go srv.Serve(lis)
	t.Cleanup(srv.Stop)
	conn, err := grpc.NewClient("passthrough:///bufnet", grpc.WithContextDialer(func(ctx context.Context, _ string) (net.Conn, error) {
		return lis.DialContext(ctx)
	}), grpc.WithTransportCredentials(insecure.NewCredentials()))
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { conn.Close() })
	return conn, st
}

func TestListRunsPages(t *testing.T) {
	conn, _ := serve(t)
	c := zv1.NewSyncServiceClient(conn)
	var ids []string
	token := ""
	for pages := 0; ; pages++ {
		resp, err := c.ListRuns(context.Background(), &zv1.ListRunsRequest{PageSize: 20, PageToken: token})
		if err != nil {
			t.Fatal(err)
		}
		if resp.TotalSize != 45 {
			t.Fatalf("total = %d", resp.TotalSize)
		}
		for _, r := range resp.Runs {
			if len(r.ItemErrors) != 0 {
				t.Fatal("ListRuns must leave item errors out")
			}
			ids = append(ids, r.Id)
		}
		if token = resp.NextPageToken; token == "" {
			if pages != 2 {
				t.Fatalf("%d pages", pages+1)
			}
			break
		}
	}
	if len(ids) != 45 || ids[0] != "45" || ids[44] != "1" {
		t.Fatalf("ids = %v", ids)
	}
}

func TestListProductsPagesAndFilters(t *testing.T) {
	conn, _ := serve(t)
	c := zv1.NewProductServiceClient(conn)
	count := func(f zv1.ProductFilter) int {
		n, token := 0, ""
		for {
			resp, err := c.ListProducts(context.Background(), &zv1.ListProductsRequest{Filter: f, PageSize: 7, PageToken: token})
			if err != nil {
				t.Fatal(err)
			}
			for _, p := range resp.Products {
				if f == zv1.ProductFilter_PRODUCT_FILTER_FAILED && p.State != zv1.ProductState_PRODUCT_STATE_FAILED {
					t.Fatalf("filter failed returned %v", p.State)
				}
			}
			n += len(resp.Products)
			if token = resp.NextPageToken; token == "" {
				return n
			}
		}
	}
	if n := count(zv1.ProductFilter_PRODUCT_FILTER_UNSPECIFIED); n != 120 {
		t.Errorf("all: %d", n)
	}
	if n := count(zv1.ProductFilter_PRODUCT_FILTER_FAILED); n != 12 {
		t.Errorf("failed: %d", n)
	}
	p, err := c.GetProduct(context.Background(), &zv1.GetProductRequest{Key: &zv1.GetProductRequest_OdooId{OdooId: 6}})
	if err != nil || p.Product.ZohoItemId != "00005" {
		t.Fatalf("by odoo id: %v %v", p, err)
	}
}

// TestNoScheduler: a server run with --no-scheduler answers UpdateSchedule
// with FailedPrecondition / NO_SCHEDULER (as the clients document), and
// GetStatus still shows the schedule, disabled, with the reason.
func TestNoScheduler(t *testing.T) {
	conn, _ := serveWith(t, api.NoScheduler{})
	ctx := context.Background()
	var trailer metadata.MD
	_, err := zv1.NewScheduleServiceClient(conn).UpdateSchedule(ctx, &zv1.UpdateScheduleRequest{
		Schedule: &zv1.Schedule{Enabled: true}, UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"enabled"}}}, grpc.Trailer(&trailer))
	st, _ := status.FromError(err)
	if st.Code() != codes.FailedPrecondition || !strings.Contains(st.Message(), "--no-scheduler") {
		t.Fatalf("UpdateSchedule: %v %q, want FailedPrecondition naming --no-scheduler", st.Code(), st.Message())
	}
	if got := trailer.Get(api.ReasonTrailer); len(got) != 1 || got[0] != "NO_SCHEDULER" {
		t.Fatalf("reason trailer = %v, want NO_SCHEDULER", got)
	}
	resp, err := zv1.NewSyncServiceClient(conn).GetStatus(ctx, &zv1.GetStatusRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if sc := resp.GetSchedule(); sc == nil || sc.GetEnabled() || !strings.Contains(sc.GetDisabledReason(), "without a scheduler") {
		t.Fatalf("GetStatus schedule = %v, want disabled with its reason", sc)
	}
}

// TestGetStatusEmbedsTheSchedule: GetStatus returns the scheduler's own Schedule.
func TestGetStatusEmbedsTheSchedule(t *testing.T) {
	conn, _ := serve(t)
	resp, err := zv1.NewSyncServiceClient(conn).GetStatus(context.Background(), &zv1.GetStatusRequest{})
	if err != nil {
		t.Fatal(err)
	}
	if sc := resp.GetSchedule(); !sc.GetEnabled() || sc.GetSyncIntervalHours() != 4 {
		t.Fatalf("schedule = %v, want fixedSchedule's", sc)
	}
}

func TestErrorsCarryCodesAndReasons(t *testing.T) {
	conn, _ := serve(t)
	sc, pc, sch := zv1.NewSyncServiceClient(conn), zv1.NewProductServiceClient(conn), zv1.NewScheduleServiceClient(conn)
	ctx := context.Background()
	cases := []struct {
		name   string
		call   func(opt grpc.CallOption) error
		code   codes.Code
		reason string
		msg    string
	}{
		{"page size", func(o grpc.CallOption) error {
			_, err := sc.ListRuns(ctx, &zv1.ListRunsRequest{PageSize: 999}, o)
			return err
		},
			codes.InvalidArgument, "INVALID_PAGE_SIZE", "between 1 and 200"},
		{"page token", func(o grpc.CallOption) error {
			_, err := sc.ListRuns(ctx, &zv1.ListRunsRequest{PageToken: "zz"}, o)
			return err
		}, codes.InvalidArgument, "INVALID_PAGE_TOKEN", "next_page_token"},
		{"unknown run", func(o grpc.CallOption) error {
			_, err := sc.GetRun(ctx, &zv1.GetRunRequest{RunId: "999"}, o)
			return err
		},
			codes.NotFound, "RUN_NOT_FOUND", `"999"`},
		{"cancel nothing", func(o grpc.CallOption) error { _, err := sc.CancelRun(ctx, &zv1.CancelRunRequest{}, o); return err },
			codes.FailedPrecondition, "NO_RUN_IN_PROGRESS", "no run is in progress"},
		{"retry nothing", func(o grpc.CallOption) error { _, err := pc.RetryFailed(ctx, &zv1.RetryFailedRequest{}, o); return err },
			codes.FailedPrecondition, "NO_FAILED_ITEMS", "nothing to retry"},
		{"unknown product", func(o grpc.CallOption) error {
			_, err := pc.GetProduct(ctx, &zv1.GetProductRequest{Key: &zv1.GetProductRequest_ZohoItemId{ZohoItemId: "nope"}}, o)
			return err
		}, codes.NotFound, "PRODUCT_NOT_FOUND", "nope"},
		{"bad schedule", func(o grpc.CallOption) error {
			_, err := sch.UpdateSchedule(ctx, &zv1.UpdateScheduleRequest{Schedule: &zv1.Schedule{SyncIntervalHours: 0.1},
				UpdateMask: &fieldmaskpb.FieldMask{Paths: []string{"sync_interval_hours"}}}, o)
			return err
		}, codes.InvalidArgument, "INVALID_SCHEDULE", "at least 0.25 (15 minutes)"},
		{"bad watch id", func(o grpc.CallOption) error {
			st, err := sc.WatchRun(ctx, &zv1.WatchRunRequest{RunId: "abc"}, o)
			if err != nil {
				return err
			}
			_, err = st.Recv()
			return err
		}, codes.InvalidArgument, "INVALID_RUN_ID", "run number"},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var trailer metadata.MD
			err := tc.call(grpc.Trailer(&trailer))
			st, _ := status.FromError(err)
			if st.Code() != tc.code || !strings.Contains(st.Message(), tc.msg) {
				t.Fatalf("got %v %q, want %v containing %q", st.Code(), st.Message(), tc.code, tc.msg)
			}
			if got := trailer.Get(api.ReasonTrailer); len(got) != 1 || got[0] != tc.reason {
				t.Fatalf("reason trailer = %v, want %s", got, tc.reason)
			}
			var found bool
			for _, d := range st.Details() {
				if info, ok := d.(interface{ GetReason() string }); ok && info.GetReason() == tc.reason {
					found = true
				}
			}
			if !found {
				t.Fatalf("no ErrorInfo %s in %v", tc.reason, st.Details())
			}
		})
	}
}
