package api

import (
	"context"
	"errors"
	"fmt"
	"strings"

	"google.golang.org/genproto/googleapis/rpc/errdetails"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
	"google.golang.org/grpc/metadata"
	"google.golang.org/grpc/status"
	"google.golang.org/protobuf/proto"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/engine"
)

// ErrorDomain is the domain of every google.rpc.ErrorInfo the API returns.
const ErrorDomain = "zohosync"

// ReasonTrailer carries the error reason for clients that cannot decode status details.
const ReasonTrailer = "zohosync-error-reason"

// reasonPrefix is left out of the reason on the wire (see errors.proto).
const reasonPrefix = "ERROR_REASON_"

// Error is a failure with a stable reason; its gRPC code follows from the reason.
type Error struct {
	Reason zv1.ErrorReason
	Msg    string
}

func (e *Error) Error() string { return e.Msg }

// NewError returns an error the API answers with reason r and message msg.
func NewError(r zv1.ErrorReason, msg string) error { return &Error{r, msg} }

// reasonCodes is read from the grpc_code option of each ErrorReason value in
// errors.proto: the one place reasons are mapped to gRPC codes.
var reasonCodes, reasonCodeErrs = loadReasonCodes()

func loadReasonCodes() (map[zv1.ErrorReason]codes.Code, []error) {
	out := map[zv1.ErrorReason]codes.Code{}
	var errs []error
	values := zv1.ErrorReason(0).Descriptor().Values()
	for i := range values.Len() {
		v := values.Get(i)
		r := zv1.ErrorReason(v.Number())
		if r == zv1.ErrorReason_ERROR_REASON_UNSPECIFIED {
			continue
		}
		name, _ := proto.GetExtension(v.Options(), zv1.E_GrpcCode).(string)
		var c codes.Code
		if err := c.UnmarshalJSON([]byte(`"` + name + `"`)); err != nil || name == "" || c == codes.OK {
			errs = append(errs, fmt.Errorf("%s: grpc_code %q is not a gRPC error code", v.Name(), name))
			continue
		}
		out[r] = c
	}
	return out, errs
}

// Code is the gRPC code sent with reason r (INTERNAL for a reason with none).
func Code(r zv1.ErrorReason) codes.Code {
	if c, ok := reasonCodes[r]; ok {
		return c
	}
	return codes.Internal
}

// WireReason is r as sent in ErrorInfo.reason and the trailer: its name without ERROR_REASON_.
func WireReason(r zv1.ErrorReason) string {
	return strings.TrimPrefix(r.String(), reasonPrefix)
}

// reasonOf classifies any error a service returns.
func reasonOf(err error) zv1.ErrorReason {
	var ae *Error
	switch {
	case errors.As(err, &ae):
		return ae.Reason
	case errors.Is(err, context.Canceled):
		return zv1.ErrorReason_ERROR_REASON_CANCELLED
	}
	return engine.Reason(err)
}

// Status is the gRPC status error for reason r and message msg, with its
// ErrorInfo and trailer (for interceptors, which answer before any service).
func Status(ctx context.Context, r zv1.ErrorReason, msg string) error {
	_ = grpc.SetTrailer(ctx, metadata.Pairs(ReasonTrailer, WireReason(r)))
	st := status.New(Code(r), msg)
	if withInfo, derr := st.WithDetails(&errdetails.ErrorInfo{Reason: WireReason(r), Domain: ErrorDomain}); derr == nil {
		st = withInfo
	}
	return st.Err()
}

// toStatus maps every error the services return to a gRPC status: the code
// (from the reason), a message a person can act on, and the stable reason.
func toStatus(ctx context.Context, err error) error {
	if err == nil {
		return nil
	}
	if _, ok := status.FromError(err); ok && !isPlain(err) {
		return err
	}
	return Status(ctx, reasonOf(err), err.Error())
}

// isPlain reports whether err is an ordinary error that status.FromError
// would only wrap as Unknown.
func isPlain(err error) bool {
	st, _ := status.FromError(err)
	return st.Code() == codes.Unknown
}
