package schedule

import (
	"fmt"
	"os"
	"path/filepath"
	"sync"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// Notifier appends one line per run summary and per escalation to the
// notifications log (the Python tool's logs/sync_notifications.log; docs/python-tool.md#files).
type Notifier struct {
	mu   sync.Mutex
	base string
	path string
	now  func() time.Time
}

// NewNotifier writes to path; a relative path is taken from base (the data directory).
func NewNotifier(base, path string, now func() time.Time) *Notifier {
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(base, path)
	}
	if now == nil {
		now = time.Now
	}
	return &Notifier{base: base, path: path, now: now}
}

// SetPath changes the file (sync_schedule.json's notifications.log_file was updated).
func (n *Notifier) SetPath(path string) {
	if n == nil {
		return
	}
	if path != "" && !filepath.IsAbs(path) {
		path = filepath.Join(n.base, path)
	}
	n.mu.Lock()
	n.path = path
	n.mu.Unlock()
}

// Path is the file written to.
func (n *Notifier) Path() string {
	if n == nil {
		return ""
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	return n.path
}

// Run writes a run's summary line: ERROR for a failed run, WARNING for one
// that finished with failed items, INFO otherwise (a cancelled run included).
func (n *Notifier) Run(r *zv1.Run) {
	c := r.GetProgress().GetCounts()
	line := fmt.Sprintf("run %s %s%s (%s) %s: created %d, updated %d, unchanged %d, archived %d, failed %d in %s",
		r.GetId(), KindName(r.GetKind()), dry(r.GetDryRun()), triggerName(r.GetTrigger()), StateName(r.GetState()),
		c.GetCreated(), c.GetUpdated(), c.GetUnchanged(), c.GetArchived(), c.GetFailed(), r.GetDuration().AsDuration().Round(time.Millisecond))
	if r.GetError() != "" {
		line += "; error: " + r.GetError()
	}
	level := "INFO"
	switch r.GetState() {
	case zv1.RunState_RUN_STATE_FAILED:
		level = "ERROR"
	case zv1.RunState_RUN_STATE_PARTIAL:
		level = "WARNING"
	}
	n.write(level, line)
}

// Escalation writes an escalation line.
func (n *Notifier) Escalation(msg string) { n.write("ESCALATION", msg) }

func (n *Notifier) write(level, msg string) {
	if n == nil || n.path == "" {
		return
	}
	n.mu.Lock()
	defer n.mu.Unlock()
	if err := os.MkdirAll(filepath.Dir(n.path), 0o755); err != nil {
		return
	}
	f, err := os.OpenFile(n.path, os.O_CREATE|os.O_APPEND|os.O_WRONLY, 0o644)
	if err != nil {
		return
	}
	defer f.Close()
	fmt.Fprintf(f, "%s %s %s\n", n.now().UTC().Format(time.RFC3339), level, msg)
}

func dry(d bool) string {
	if d {
		return " dry-run"
	}
	return ""
}

// KindName is a run kind as people say it: smart, full, retry-failed, webhook.
func KindName(k zv1.RunKind) string {
	switch k {
	case zv1.RunKind_RUN_KIND_FULL:
		return "full"
	case zv1.RunKind_RUN_KIND_RETRY_FAILED:
		return "retry-failed"
	case zv1.RunKind_RUN_KIND_WEBHOOK:
		return "webhook"
	case zv1.RunKind_RUN_KIND_STOCK:
		return "stock-only"
	}
	return "smart"
}

func triggerName(t zv1.RunTrigger) string {
	switch t {
	case zv1.RunTrigger_RUN_TRIGGER_SCHEDULE:
		return "scheduled"
	case zv1.RunTrigger_RUN_TRIGGER_WEBHOOK:
		return "webhook"
	}
	return "manual"
}

// StateName is a run state as people say it.
func StateName(s zv1.RunState) string {
	switch s {
	case zv1.RunState_RUN_STATE_SUCCEEDED:
		return "succeeded"
	case zv1.RunState_RUN_STATE_PARTIAL:
		return "finished with failed items"
	case zv1.RunState_RUN_STATE_FAILED:
		return "FAILED"
	case zv1.RunState_RUN_STATE_CANCELLED:
		return "cancelled"
	}
	return "running"
}
