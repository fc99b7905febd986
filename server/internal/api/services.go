package api

import (
	"context"
	"errors"
	"strconv"
	"strings"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/schedule"
	"github.com/zohosync/zohosync/server/internal/store"
)

// Scheduler is what ScheduleService needs.
type Scheduler interface {
	Current() *zv1.Schedule
	Update(mask []string, in *zv1.Schedule) (*zv1.Schedule, error)
}

// ScheduleService implements zohosync.v1.ScheduleService.
type ScheduleService struct {
	zv1.UnimplementedScheduleServiceServer
	Scheduler Scheduler
}

// NoScheduler answers for a server run with --no-scheduler: the schedule
// reads as disabled, and changing it fails with NO_SCHEDULER.
type NoScheduler struct{}

// Current is a disabled schedule that says why.
func (NoScheduler) Current() *zv1.Schedule {
	return &zv1.Schedule{DisabledReason: "this server runs without a scheduler (serve --no-scheduler)"}
}

// Update always fails: there is no scheduler to change.
func (NoScheduler) Update([]string, *zv1.Schedule) (*zv1.Schedule, error) {
	return nil, NewError(zv1.ErrorReason_ERROR_REASON_NO_SCHEDULER,
		"this server runs without a scheduler (serve --no-scheduler); restart it without that flag to use the schedule")
}

func (s *ScheduleService) scheduler() Scheduler {
	if s.Scheduler == nil {
		return NoScheduler{}
	}
	return s.Scheduler
}

// GetSchedule returns settings and state.
func (s *ScheduleService) GetSchedule(ctx context.Context, _ *zv1.GetScheduleRequest) (*zv1.GetScheduleResponse, error) {
	return &zv1.GetScheduleResponse{Schedule: s.scheduler().Current()}, nil
}

// UpdateSchedule changes the masked fields.
func (s *ScheduleService) UpdateSchedule(ctx context.Context, req *zv1.UpdateScheduleRequest) (*zv1.UpdateScheduleResponse, error) {
	if req.GetSchedule() == nil {
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_SCHEDULE, "schedule is required; set the fields to change and name them in update_mask"))
	}
	sc, err := s.scheduler().Update(req.GetUpdateMask().GetPaths(), req.GetSchedule())
	if errors.Is(err, schedule.ErrInvalid) {
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_SCHEDULE, err.Error()))
	}
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.UpdateScheduleResponse{Schedule: sc}, nil
}

// ProductService implements zohosync.v1.ProductService.
type ProductService struct {
	zv1.UnimplementedProductServiceServer
	Engine Engine
	State  State
}

// ProductFromState converts a stored item to the API's Product.
func ProductFromState(st store.ItemState) *zv1.Product {
	p := &zv1.Product{
		ZohoItemId: st.ZohoID, OdooId: st.OdooID, Name: st.Name, Sku: st.SKU, Checksum: st.Checksum,
		ImageMd5: st.ImageMD5, ImageId: st.ImageID, LastError: st.LastError, LastRunId: st.LastRunID,
		LinkedBy: linkedBy(st.LinkedBy), Failures: int32(st.Failures), ImageError: st.ImageError,
	}
	switch st.State {
	case store.StateFailed:
		p.State = zv1.ProductState_PRODUCT_STATE_FAILED
	case store.StateArchived:
		p.State = zv1.ProductState_PRODUCT_STATE_ARCHIVED
	case store.StateSynced:
		p.State = zv1.ProductState_PRODUCT_STATE_SYNCED
	}
	if !st.LastSyncedAt.IsZero() {
		p.LastSyncedAt = timestamppb.New(st.LastSyncedAt)
	}
	return p
}

// linkedBy converts the store's link word ("sku", "external_id", ...) to the enum.
func linkedBy(s string) zv1.LinkedBy {
	return zv1.LinkedBy(zv1.LinkedBy_value["LINKED_BY_"+strings.ToUpper(s)])
}

// ListProducts pages through tracked items.
func (s *ProductService) ListProducts(ctx context.Context, req *zv1.ListProductsRequest) (*zv1.ListProductsResponse, error) {
	size := int(req.GetPageSize())
	switch {
	case size < 0 || size > 500:
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_SIZE, "page_size must be between 1 and 500 (0 means 50)"))
	case size == 0:
		size = 50
	}
	after := req.GetPageToken()
	if after != "" && (strings.ContainsAny(after, "/\x00") || len(after) > 64) {
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_TOKEN, "page_token is not one this server issued; pass next_page_token from the previous page"))
	}
	want := map[zv1.ProductFilter]string{
		zv1.ProductFilter_PRODUCT_FILTER_SYNCED:   store.StateSynced,
		zv1.ProductFilter_PRODUCT_FILTER_FAILED:   store.StateFailed,
		zv1.ProductFilter_PRODUCT_FILTER_ARCHIVED: store.StateArchived,
	}[req.GetFilter()]
	resp := &zv1.ListProductsResponse{}
	var last string
	more := false
	err := s.State.ScanItems(after, func(st store.ItemState) bool {
		if want != "" && st.State != want {
			return true
		}
		if len(resp.Products) == size {
			more = true
			return false
		}
		resp.Products = append(resp.Products, ProductFromState(st))
		last = st.ZohoID
		return true
	})
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	if more {
		resp.NextPageToken = last
	}
	return resp, nil
}

// GetProduct returns one item by Zoho id or Odoo id.
func (s *ProductService) GetProduct(ctx context.Context, req *zv1.GetProductRequest) (*zv1.GetProductResponse, error) {
	var st store.ItemState
	var err error
	switch k := req.GetKey().(type) {
	case *zv1.GetProductRequest_ZohoItemId:
		if k.ZohoItemId == "" {
			return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PRODUCT_KEY, "zoho_item_id is empty"))
		}
		st, err = s.State.Item(k.ZohoItemId)
		if errors.Is(err, store.ErrNotFound) {
			return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_PRODUCT_NOT_FOUND, "no tracked item has Zoho id "+strconv.Quote(k.ZohoItemId)))
		}
	case *zv1.GetProductRequest_OdooId:
		st, err = s.State.ItemByOdooID(k.OdooId)
		if errors.Is(err, store.ErrNotFound) {
			return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_PRODUCT_NOT_FOUND, "no tracked item is linked to Odoo product "+strconv.FormatInt(k.OdooId, 10)))
		}
	default:
		return nil, toStatus(ctx, NewError(zv1.ErrorReason_ERROR_REASON_INVALID_PRODUCT_KEY, "give zoho_item_id or odoo_id"))
	}
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.GetProductResponse{Product: ProductFromState(st)}, nil
}

// RetryFailed starts a run over the failed items.
func (s *ProductService) RetryFailed(ctx context.Context, req *zv1.RetryFailedRequest) (*zv1.RetryFailedResponse, error) {
	run, already, err := s.Engine.Start(zv1.RunKind_RUN_KIND_RETRY_FAILED, req.GetDryRun(), zv1.RunTrigger_RUN_TRIGGER_MANUAL)
	if err != nil {
		return nil, toStatus(ctx, err)
	}
	return &zv1.RetryFailedResponse{Run: run, AlreadyRunning: already}, nil
}

// Checker tests the connections (built by the app, which holds the clients).
type Checker interface {
	TestConnections(ctx context.Context, checks []zv1.ConnectionCheck) *zv1.TestConnectionsResponse
	Config() *zv1.Config
}

// ConfigService implements zohosync.v1.ConfigService.
type ConfigService struct {
	zv1.UnimplementedConfigServiceServer
	Checker Checker
}

// GetConfig returns the configuration with secrets shown as set / not set.
func (s *ConfigService) GetConfig(ctx context.Context, _ *zv1.GetConfigRequest) (*zv1.GetConfigResponse, error) {
	return &zv1.GetConfigResponse{Config: s.Checker.Config()}, nil
}

// TestConnections checks Zoho and Odoo (or the checks asked for).
func (s *ConfigService) TestConnections(ctx context.Context, req *zv1.TestConnectionsRequest) (*zv1.TestConnectionsResponse, error) {
	return s.Checker.TestConnections(ctx, req.GetChecks()), nil
}
