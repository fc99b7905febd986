package engine

import (
	"context"
	"errors"

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

// Reason is the stable code for why a run failed, for clients to switch on.
func Reason(err error) string {
	var ce *configError
	var cfgErr *config.Error
	switch {
	case err == nil:
		return ""
	case errors.Is(err, errCancelled):
		return "CANCELLED"
	case zoho.IsKind(err, zoho.KindQuota):
		return "ZOHO_QUOTA_EXHAUSTED"
	case zoho.IsKind(err, zoho.KindAuth):
		return "ZOHO_AUTH_FAILED"
	case zoho.IsKind(err, zoho.KindTokenLimit):
		return "ZOHO_TOKEN_LIMIT"
	case zoho.IsKind(err, zoho.KindOrganization):
		return "ZOHO_ORGANIZATION_NOT_FOUND"
	case zoho.IsKind(err, zoho.KindRateLimited):
		return "ZOHO_RATE_LIMITED"
	case zoho.IsKind(err, zoho.KindTransient):
		return "ZOHO_UNAVAILABLE"
	case errors.Is(err, odoo.ErrLogin):
		return "ODOO_LOGIN_FAILED"
	case errors.Is(err, odoo.ErrUnreachable):
		return "ODOO_UNREACHABLE"
	case errors.As(err, &ce), errors.As(err, &cfgErr):
		return "CONFIG_INVALID"
	case errors.Is(err, store.ErrLocked):
		return "DATA_DIR_LOCKED"
	case errors.Is(err, store.ErrDiskFull):
		return "DISK_FULL"
	case errors.Is(err, context.DeadlineExceeded):
		return "TIMEOUT"
	}
	if odoo.IsFault(err) {
		return "ODOO_FAULT"
	}
	return "INTERNAL"
}
