package app

import (
	"fmt"
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"sync"
)

// LogFile is the server log inside the data directory (the seed's logs/ folder).
const LogFile = "logs/zohosync.log"

// Logs are JSON lines to stderr and to a rotating file.
type Logs struct {
	Logger *slog.Logger
	file   *RotatingFile
}

// NewLogger writes to stderr and to <dataDir>/logs/zohosync.log.
func NewLogger(dataDir string, stderr io.Writer, level slog.Level) (*Logs, error) {
	f, err := OpenRotating(filepath.Join(dataDir, LogFile), 10<<20, 5)
	if err != nil {
		return nil, &Error{fmt.Sprintf("cannot open the log file: %v", err)}
	}
	h := slog.NewJSONHandler(io.MultiWriter(stderr, f), &slog.HandlerOptions{Level: level})
	return &Logs{Logger: slog.New(h), file: f}, nil
}

// Close closes the log file.
func (l *Logs) Close() error { return l.file.Close() }

// RotatingFile is an append-only file that is renamed to .1, .2, … when it
// passes maxBytes, keeping `keep` old files.
type RotatingFile struct {
	mu       sync.Mutex
	path     string
	maxBytes int64
	keep     int
	f        *os.File
	size     int64
}

// OpenRotating opens (or creates) path for appending.
func OpenRotating(path string, maxBytes int64, keep int) (*RotatingFile, error) {
	if err := os.MkdirAll(filepath.Dir(path), 0o755); err != nil {
		return nil, err
	}
	r := &RotatingFile{path: path, maxBytes: maxBytes, keep: keep}
	return r, r.open()
}

func (r *RotatingFile) open() error {
	f, err := os.OpenFile(r.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return err
	}
	st, err := f.Stat()
	if err != nil {
		f.Close()
		return err
	}
	r.f, r.size = f, st.Size()
	return nil
}

// Write appends p, rotating first when the file would pass its limit.
func (r *RotatingFile) Write(p []byte) (int, error) {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return 0, os.ErrClosed
	}
	if r.size > 0 && r.size+int64(len(p)) > r.maxBytes {
		if err := r.rotate(); err != nil {
			return 0, err
		}
	}
	n, err := r.f.Write(p)
	r.size += int64(n)
	return n, err
}

func (r *RotatingFile) rotate() error {
	r.f.Close()
	for i := r.keep - 1; i >= 1; i-- {
		_ = os.Rename(fmt.Sprintf("%s.%d", r.path, i), fmt.Sprintf("%s.%d", r.path, i+1))
	}
	_ = os.Remove(fmt.Sprintf("%s.%d", r.path, r.keep+1))
	if err := os.Rename(r.path, r.path+".1"); err != nil {
		return err
	}
	return r.open()
}

// Close closes the file.
func (r *RotatingFile) Close() error {
	r.mu.Lock()
	defer r.mu.Unlock()
	if r.f == nil {
		return nil
	}
	err := r.f.Close()
	r.f = nil
	return err
}
