package app

import (
	"context"
	"log/slog"
	"strings"

	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/logging"
	"github.com/grpc-ecosystem/go-grpc-middleware/v2/interceptors/selector"
	"google.golang.org/grpc"
	"google.golang.org/grpc/codes"
)

// rpcLogging logs one line per finished RPC with go-grpc-middleware's logging
// interceptor: at debug when the RPC did what was asked or answered the client
// with a reason it can act on, at warn or error only when the server failed.
// Health checks (probes every few seconds) are logged at debug whatever their
// answer.
func rpcLogging(log *slog.Logger) ([]grpc.UnaryServerInterceptor, []grpc.StreamServerInterceptor) {
	logger := logging.LoggerFunc(func(ctx context.Context, lvl logging.Level, msg string, fields ...any) {
		log.Log(ctx, slog.Level(lvl), msg, fields...)
	})
	opts := []logging.Option{logging.WithLogOnEvents(logging.FinishCall), logging.WithLevels(rpcLevel)}
	healthOpts := []logging.Option{logging.WithLogOnEvents(logging.FinishCall),
		logging.WithLevels(func(codes.Code) logging.Level { return logging.LevelDebug })}
	health, other := selector.MatchFunc(isHealthCheck), selector.MatchFunc(func(ctx context.Context, c interceptors.CallMeta) bool {
		return !isHealthCheck(ctx, c)
	})
	unary := []grpc.UnaryServerInterceptor{
		selector.UnaryServerInterceptor(logging.UnaryServerInterceptor(logger, healthOpts...), health),
		selector.UnaryServerInterceptor(logging.UnaryServerInterceptor(logger, opts...), other),
	}
	stream := []grpc.StreamServerInterceptor{
		selector.StreamServerInterceptor(logging.StreamServerInterceptor(logger, healthOpts...), health),
		selector.StreamServerInterceptor(logging.StreamServerInterceptor(logger, opts...), other),
	}
	return unary, stream
}

// rpcLevel is the level of an RPC's log line by its answer's code.
func rpcLevel(c codes.Code) logging.Level {
	switch c {
	case codes.Unknown, codes.Internal, codes.DataLoss:
		return logging.LevelError // a bug or a broken data directory
	case codes.Unimplemented, codes.Unauthenticated, codes.PermissionDenied:
		return logging.LevelWarn // a client that does not fit this server, or a wrong API token
	default:
		// OK, and the answers a client acts on (not found, failed precondition,
		// unavailable while Odoo is down, …): the run's own lines say what matters.
		return logging.LevelDebug
	}
}

func isHealthCheck(_ context.Context, c interceptors.CallMeta) bool {
	return strings.HasPrefix(c.FullMethod(), "/grpc.health.v1.")
}
