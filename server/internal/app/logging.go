package app

import (
	"fmt"
	"io"
	"log/slog"
	"path/filepath"

	"gopkg.in/natefinch/lumberjack.v2"
)

// LogFile is the server log inside the data directory (the Python tool's
// logs/ folder, docs/python-tool.md#files).
const LogFile = "logs/zohosync.log"

// The server log is rotated at logMaxMB and logBackups old files are kept.
const (
	logMaxMB   = 10
	logBackups = 5
)

// Logs are JSON lines to stderr and to a rotating file.
type Logs struct {
	Logger *slog.Logger
	file   *lumberjack.Logger
}

// NewLogger writes to stderr and to <dataDir>/logs/zohosync.log.
func NewLogger(dataDir string, stderr io.Writer, level slog.Level) (*Logs, error) {
	f := &lumberjack.Logger{Filename: filepath.Join(dataDir, LogFile), MaxSize: logMaxMB, MaxBackups: logBackups}
	// lumberjack opens the file on the first write: open it now, so that a
	// data directory the server cannot write to is a start-up error.
	if _, err := f.Write(nil); err != nil {
		return nil, &Error{fmt.Sprintf("cannot open the log file: %v", err)}
	}
	h := slog.NewJSONHandler(io.MultiWriter(stderr, f), &slog.HandlerOptions{Level: level})
	return &Logs{Logger: slog.New(h), file: f}, nil
}

// Close closes the log file.
func (l *Logs) Close() error { return l.file.Close() }
