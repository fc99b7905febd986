package api

import (
	"context"
	"errors"
	"fmt"
	"testing"

	"google.golang.org/grpc/codes"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
)

// TestEveryReasonHasExactlyOneCode: each ErrorReason value but UNSPECIFIED
// appears once in this table, and the code read from errors.proto's
// grpc_code option is the one the table pins. A new reason fails here until
// it gets a code in the proto and a row below; a changed code must be
// changed here too, on purpose.
func TestEveryReasonHasExactlyOneCode(t *testing.T) {
	table := []struct {
		reason zv1.ErrorReason
		code   codes.Code
	}{
		{zv1.ErrorReason_ERROR_REASON_INTERNAL, codes.Internal},
		{zv1.ErrorReason_ERROR_REASON_INVALID_RUN_ID, codes.InvalidArgument},
		{zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_SIZE, codes.InvalidArgument},
		{zv1.ErrorReason_ERROR_REASON_INVALID_PAGE_TOKEN, codes.InvalidArgument},
		{zv1.ErrorReason_ERROR_REASON_INVALID_PRODUCT_KEY, codes.InvalidArgument},
		{zv1.ErrorReason_ERROR_REASON_INVALID_SCHEDULE, codes.InvalidArgument},
		{zv1.ErrorReason_ERROR_REASON_API_TOKEN_MISSING, codes.Unauthenticated},
		{zv1.ErrorReason_ERROR_REASON_API_TOKEN_WRONG, codes.Unauthenticated},
		{zv1.ErrorReason_ERROR_REASON_RUN_NOT_FOUND, codes.NotFound},
		{zv1.ErrorReason_ERROR_REASON_PRODUCT_NOT_FOUND, codes.NotFound},
		{zv1.ErrorReason_ERROR_REASON_NO_RUN_IN_PROGRESS, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_RUN_ALREADY_ENDED, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_NO_FAILED_ITEMS, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_NO_SCHEDULER, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_CONFIG_INVALID, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_DATA_DIR_LOCKED, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_SHUTTING_DOWN, codes.Unavailable},
		{zv1.ErrorReason_ERROR_REASON_CANCELLED, codes.Canceled},
		{zv1.ErrorReason_ERROR_REASON_TIMEOUT, codes.DeadlineExceeded},
		{zv1.ErrorReason_ERROR_REASON_INTERRUPTED, codes.Aborted},
		{zv1.ErrorReason_ERROR_REASON_DISK_FULL, codes.ResourceExhausted},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_AUTH_FAILED, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_ORGANIZATION_NOT_FOUND, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_QUOTA_EXHAUSTED, codes.ResourceExhausted},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_TOKEN_LIMIT, codes.ResourceExhausted},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_RATE_LIMITED, codes.Unavailable},
		{zv1.ErrorReason_ERROR_REASON_ZOHO_UNAVAILABLE, codes.Unavailable},
		{zv1.ErrorReason_ERROR_REASON_ODOO_LOGIN_FAILED, codes.FailedPrecondition},
		{zv1.ErrorReason_ERROR_REASON_ODOO_UNREACHABLE, codes.Unavailable},
		{zv1.ErrorReason_ERROR_REASON_ODOO_FAULT, codes.Unavailable},
		{zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE, codes.ResourceExhausted},
		{zv1.ErrorReason_ERROR_REASON_INVALID_RUN_KIND, codes.InvalidArgument},
	}
	for _, err := range reasonCodeErrs {
		t.Error(err)
	}
	seen := map[zv1.ErrorReason]bool{}
	for _, row := range table {
		if seen[row.reason] {
			t.Errorf("%v is in the table twice", row.reason)
		}
		seen[row.reason] = true
		if got, ok := reasonCodes[row.reason]; !ok || got != row.code {
			t.Errorf("%v: grpc_code %v (set: %v), want %v", row.reason, got, ok, row.code)
		}
	}
	values := zv1.ErrorReason(0).Descriptor().Values()
	for i := range values.Len() {
		r := zv1.ErrorReason(values.Get(i).Number())
		if r != zv1.ErrorReason_ERROR_REASON_UNSPECIFIED && !seen[r] {
			t.Errorf("%v has no row in the table", r)
		}
	}
	if _, ok := reasonCodes[zv1.ErrorReason_ERROR_REASON_UNSPECIFIED]; ok {
		t.Error("UNSPECIFIED must not map to a code: it is never sent")
	}
	if len(reasonCodes) != values.Len()-1 {
		t.Errorf("%d reasons have a code, want %d", len(reasonCodes), values.Len()-1)
	}
}

// TestReasonOf: the errors the services see get their reason; causes wrapped
// with %w keep it.
func TestReasonOf(t *testing.T) {
	cases := []struct {
		err  error
		want zv1.ErrorReason
	}{
		{NewError(zv1.ErrorReason_ERROR_REASON_NO_SCHEDULER, "x"), zv1.ErrorReason_ERROR_REASON_NO_SCHEDULER},
		{fmt.Errorf("get: %w", engine.ErrRunNotFound), zv1.ErrorReason_ERROR_REASON_RUN_NOT_FOUND},
		{engine.ErrNoRun, zv1.ErrorReason_ERROR_REASON_NO_RUN_IN_PROGRESS},
		{engine.ErrRunEnded, zv1.ErrorReason_ERROR_REASON_RUN_ALREADY_ENDED},
		{engine.ErrNoFailed, zv1.ErrorReason_ERROR_REASON_NO_FAILED_ITEMS},
		{engine.ErrShuttingDown, zv1.ErrorReason_ERROR_REASON_SHUTTING_DOWN},
		{fmt.Errorf("write: %w", store.ErrDiskFull), zv1.ErrorReason_ERROR_REASON_DISK_FULL},
		{fmt.Errorf("%w at http://odoo after 3 attempts: %w", odoo.ErrUnreachable, errors.New("connection refused")), zv1.ErrorReason_ERROR_REASON_ODOO_UNREACHABLE},
		{context.Canceled, zv1.ErrorReason_ERROR_REASON_CANCELLED},
		{context.DeadlineExceeded, zv1.ErrorReason_ERROR_REASON_TIMEOUT},
		{errors.New("something else"), zv1.ErrorReason_ERROR_REASON_INTERNAL},
	}
	for _, tc := range cases {
		if got := reasonOf(tc.err); got != tc.want {
			t.Errorf("reasonOf(%v) = %v, want %v", tc.err, got, tc.want)
		}
	}
	if got := WireReason(zv1.ErrorReason_ERROR_REASON_ZOHO_QUOTA_EXHAUSTED); got != "ZOHO_QUOTA_EXHAUSTED" {
		t.Errorf("WireReason = %q", got)
	}
}
