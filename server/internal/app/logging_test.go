package app

import (
	"io"
	"log/slog"
	"os"
	"path/filepath"
	"strings"
	"testing"
	"time"
)

func TestLogFileRotatesAndKeepsFiveOld(t *testing.T) {
	dir := t.TempDir()
	var stderr strings.Builder
	logs, err := NewLogger(dir, &stderr, slog.LevelInfo)
	if err != nil {
		t.Fatal(err)
	}
	defer logs.Close()
	if logs.file.MaxSize != 10 || logs.file.MaxBackups != 5 {
		t.Fatalf("rotation at %d MB keeping %d, want 10 MB and 5 as the README says", logs.file.MaxSize, logs.file.MaxBackups)
	}
	logs.file.MaxSize = 1 // 1 MB: the smallest lumberjack takes
	line := strings.Repeat("x", 300<<10)
	for i := 0; i < 30; i++ { // 9 MB
		logs.Logger.Info("filler", "text", line)
	}
	if !strings.Contains(stderr.String(), `"msg":"filler"`) {
		t.Fatal("nothing logged to stderr")
	}
	logDir := filepath.Join(dir, filepath.Dir(LogFile))
	deadline := time.Now().Add(5 * time.Second)
	for {
		entries, err := os.ReadDir(logDir)
		if err != nil {
			t.Fatal(err)
		}
		var old []string
		for _, e := range entries {
			st, _ := e.Info()
			if st.Size() > 1<<20 {
				t.Fatalf("%s is %d bytes, over the 1 MB limit", e.Name(), st.Size())
			}
			if e.Name() != filepath.Base(LogFile) {
				old = append(old, e.Name())
			}
		}
		if len(old) == 5 {
			break
		}
		if len(old) < 5 || time.Now().After(deadline) { // old files are removed in the background
			t.Fatalf("old log files: %v, want 5", old)
		}
		time.Sleep(20 * time.Millisecond)
	}
	if _, err := os.Stat(filepath.Join(dir, LogFile)); err != nil {
		t.Fatal(err)
	}
}

func TestLogFileThatCannotBeOpenedIsAStartUpError(t *testing.T) {
	dir := t.TempDir()
	if err := os.WriteFile(filepath.Join(dir, "logs"), nil, 0o600); err != nil { // a file where the folder should be
		t.Fatal(err)
	}
	if _, err := NewLogger(dir, io.Discard, slog.LevelInfo); err == nil || !strings.Contains(err.Error(), "cannot open the log file") {
		t.Fatalf("err = %v", err)
	}
}
