package api

import (
	"context"
	"errors"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"

	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/store"
)

// ErrorDomain is the domain of every google.rpc.ErrorInfo the API returns.
const ErrorDomain = "zohosync"

// ReasonTrailer carries the error reason for clients that cannot decode status details.
const ReasonTrailer = "zohosync-error-reason"

// apiError is an error with its gRPC code and stable reason.
type apiError struct {
	code   codes.Code
	reason string
	msg    string
}

func (e *apiError) Error() string { return e.msg }

func invalid(reason, msg string) error { return &apiError{codes.InvalidArgument, reason, msg} }

// Precondition is an error reported as FailedPrecondition with a stable reason.
func Precondition(reason, msg string) error { return &apiError{codes.FailedPrecondition, reason, msg} }

// toStatus maps every error the services return to a gRPC status, in one
// place: the code, a message a person can act on, and a stable reason.
func toStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && !isPlain(err) {
		return err
	}
	code, reason := codes.Internal, "INTERNAL"
	var ae *apiError
	switch {
	case errors.As(err, &ae):
		code, reason = ae.code, ae.reason
	case errors.Is(err, engine.ErrRunNotFound):
		code, reason = codes.NotFound, "RUN_NOT_FOUND"
	case errors.Is(err, engine.ErrNoRun):
		code, reason = codes.FailedPrecondition, "NO_RUN_IN_PROGRESS"
	case errors.Is(err, engine.ErrRunEnded):
		code, reason = codes.FailedPrecondition, "RUN_ALREADY_ENDED"
	case errors.Is(err, engine.ErrNoFailed):
		code, reason = codes.FailedPrecondition, "NO_FAILED_ITEMS"
	case errors.Is(err, engine.ErrShuttingDown):
		code, reason = codes.Unavailable, "SHUTTING_DOWN"
	case errors.Is(err, store.ErrNotFound):
		code, reason = codes.NotFound, "NOT_FOUND"
	case errors.Is(err, context.Canceled):
		code, reason = codes.Canceled, "CANCELLED"
	case errors.Is(err, context.DeadlineExceeded):
		code, reason = codes.DeadlineExceeded, "TIMEOUT"
	default:
		if r := engine.Reason(err); r != "INTERNAL" {
			reason = r
			code = codes.Unavailable
			if r == "CONFIG_INVALID" {
				code = codes.FailedPrecondition
			}
		}
	}
	_ = grpc.SetTrailer(ctx, metadata.Pairs(ReasonTrailer, reason))
	st := status.New(code, err.Error())
	if withInfo, derr := st.WithDetails(&errdetails.ErrorInfo{Reason: reason, Domain: ErrorDomain}); derr == nil {
		st = withInfo
	}
	return st.Err()
}

// isPlain reports whether err is an ordinary error that status.FromError
// would only wrap as Unknown.
func isPlain(err error) bool {
	st, _ := status.FromError(err)
	return st.Code() == codes.Unknown
}
