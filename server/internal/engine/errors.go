package engine

import (
	"context"
	"errors"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// errCancelled ends a run that was asked to stop.
var errCancelled = errors.New("run cancelled")

// configError is a mapping or configuration problem found when the run starts.
type configError struct{ err error }

func (c *configError) Error() string { return c.err.Error() }
func (c *configError) Unwrap() error { return c.err }

// Reason is the stable reason why a run failed, for clients to switch on
// (ERROR_REASON_UNSPECIFIED for nil, ERROR_REASON_INTERNAL when nothing more is known).
func Reason(err error) zv1.ErrorReason {
	var ce *configError
	var cfgErr *config.Error
	var reserve *quotaReserveError
	switch {
	case err == nil:
		return zv1.ErrorReason_ERROR_REASON_UNSPECIFIED
	case errors.Is(err, ErrRunNotFound):
		return zv1.ErrorReason_ERROR_REASON_RUN_NOT_FOUND
	case errors.Is(err, ErrNoRun):
		return zv1.ErrorReason_ERROR_REASON_NO_RUN_IN_PROGRESS
	case errors.Is(err, ErrRunEnded):
		return zv1.ErrorReason_ERROR_REASON_RUN_ALREADY_ENDED
	case errors.Is(err, ErrNoFailed):
		return zv1.ErrorReason_ERROR_REASON_NO_FAILED_ITEMS
	case errors.Is(err, ErrShuttingDown):
		return zv1.ErrorReason_ERROR_REASON_SHUTTING_DOWN
	case errors.Is(err, ErrWebhookKind):
		return zv1.ErrorReason_ERROR_REASON_INVALID_RUN_KIND
	case errors.Is(err, errCancelled):
		return zv1.ErrorReason_ERROR_REASON_CANCELLED
	case errors.As(err, &reserve):
		return zv1.ErrorReason_ERROR_REASON_QUOTA_RESERVE
	case zoho.IsKind(err, zoho.KindQuota):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_QUOTA_EXHAUSTED
	case zoho.IsKind(err, zoho.KindAuth):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_AUTH_FAILED
	case zoho.IsKind(err, zoho.KindTokenLimit):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_TOKEN_LIMIT
	case zoho.IsKind(err, zoho.KindOrganization):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_ORGANIZATION_NOT_FOUND
	case zoho.IsKind(err, zoho.KindRateLimited):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_RATE_LIMITED
	case zoho.IsKind(err, zoho.KindTransient):
		return zv1.ErrorReason_ERROR_REASON_ZOHO_UNAVAILABLE
	case errors.Is(err, odoo.ErrLogin):
		return zv1.ErrorReason_ERROR_REASON_ODOO_LOGIN_FAILED
	case errors.Is(err, odoo.ErrUnreachable):
		return zv1.ErrorReason_ERROR_REASON_ODOO_UNREACHABLE
	case errors.As(err, &ce), errors.As(err, &cfgErr):
		return zv1.ErrorReason_ERROR_REASON_CONFIG_INVALID
	case errors.Is(err, store.ErrLocked):
		return zv1.ErrorReason_ERROR_REASON_DATA_DIR_LOCKED
	case errors.Is(err, store.ErrDiskFull):
		return zv1.ErrorReason_ERROR_REASON_DISK_FULL
	case errors.Is(err, context.DeadlineExceeded):
		return zv1.ErrorReason_ERROR_REASON_TIMEOUT
	}
	if odoo.IsFault(err) {
		return zv1.ErrorReason_ERROR_REASON_ODOO_FAULT
	}
	return zv1.ErrorReason_ERROR_REASON_INTERNAL
}
