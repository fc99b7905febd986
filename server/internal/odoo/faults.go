package odoo

import (
	"errors"
	"strings"
)

// What a fault means, named so that callers decide with errors.Is and never
// read a fault code or message (docs/odoo.md#faults). *Fault answers
// errors.Is for each meaning that applies to it.
var (
	// ErrAccessDenied: Odoo refused the credentials on a call (fault 3); no
	// further call can succeed, so a run stops.
	ErrAccessDenied = errors.New("Odoo refused the credentials")
	// ErrForbidden: the user lacks an access right (fault 4, AccessError).
	ErrForbidden = errors.New("the Odoo user lacks the access rights for this")
	// ErrMissingRecord: a record the call names does not exist (deleted in Odoo).
	ErrMissingRecord = errors.New("the Odoo record does not exist")
	// ErrValidation: Odoo refused the values (fault 2, UserError/ValidationError).
	ErrValidation = errors.New("Odoo refused the values")
	// ErrSerialization: a concurrent update in Odoo's database; retried by the client.
	ErrSerialization = errors.New("Odoo hit a concurrent update")
	// ErrServerError: an unexpected exception inside Odoo (fault 1).
	ErrServerError = errors.New("Odoo raised an unexpected error")
)

// XML-RPC fault codes Odoo's dispatcher sends (docs/odoo.md#faults).
const (
	faultServerError  = 1
	faultUserError    = 2
	faultAccessDenied = 3
	faultAccessError  = 4
)

// Is reports the named meanings of the fault.
func (f *Fault) Is(target error) bool {
	switch target {
	case ErrAccessDenied:
		return f.Code == faultAccessDenied
	case ErrForbidden:
		return f.Code == faultAccessError
	case ErrMissingRecord:
		return (f.Code == faultUserError || f.Code == faultServerError) &&
			(strings.Contains(f.String, "does not exist") || strings.Contains(f.String, "MissingError"))
	case ErrValidation:
		return f.Code == faultUserError
	case ErrSerialization:
		return f.Code == faultServerError && isRetryableTraceback(f.String)
	case ErrServerError:
		return f.Code == faultServerError
	}
	return false
}

// rowFault reports whether err is a fault the data of a call caused (a
// product Odoo refuses), as opposed to Odoo being unreachable or the
// credentials gone, which stop the run.
func rowFault(err error) (*Fault, bool) {
	var f *Fault
	if !errors.As(err, &f) || errors.Is(f, ErrAccessDenied) {
		return nil, false
	}
	return f, true
}

// IsFault reports whether err is an answer from Odoo (a fault) rather than a
// failure to reach it.
func IsFault(err error) bool {
	var f *Fault
	return errors.As(err, &f)
}
