package cli

import (
	"bytes"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

func TestExitCodes(t *testing.T) {
	for state, want := range map[zv1.RunState]int{
		zv1.RunState_RUN_STATE_SUCCEEDED: ExitOK,
		zv1.RunState_RUN_STATE_PARTIAL:   ExitPartial,
		zv1.RunState_RUN_STATE_FAILED:    ExitFailed,
		zv1.RunState_RUN_STATE_CANCELLED: ExitFailed,
	} {
		if got := exitFor(&zv1.Run{State: state}); got != want {
			t.Errorf("%s: exit %d, want %d", state, got, want)
		}
	}
}

func TestProgressText(t *testing.T) {
	cases := []struct {
		name string
		pr   *zv1.Progress
		want []string
		not  []string
	}{
		{"total unknown", &zv1.Progress{Done: 200}, []string{"200/0  created 0"}, []string{"%", "ETA"}},
		{"rate and ETA", &zv1.Progress{Done: 250, Total: 1000, ItemsPerSecond: 50, Counts: &zv1.Counts{Created: 240, Failed: 10}},
			[]string{"250/1000 (25%)", "50.0 items/s", "ETA 15s", "created 240", "failed 10"}, []string{"images"}},
		{"done: no ETA", &zv1.Progress{Done: 10, Total: 10, ItemsPerSecond: 5}, []string{"10/10 (100%)"}, []string{"ETA"}},
		{"images", &zv1.Progress{Counts: &zv1.Counts{ImagesDownloaded: 3, ImageBytesDownloaded: 3 << 20}}, []string{"images 3 (3.0 MB)"}, nil},
	}
	for _, tc := range cases {
		got := progressText(tc.pr)
		for _, w := range tc.want {
			if !strings.Contains(got, w) {
				t.Errorf("%s: %q lacks %q", tc.name, got, w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(got, n) {
				t.Errorf("%s: %q has %q", tc.name, got, n)
			}
		}
	}
}

// TestPipedProgressPrintsEveryFivePercent: without a terminal, batch events
// become plain lines, one per 5% step, and no escape codes.
func TestPipedProgressPrintsEveryFivePercent(t *testing.T) {
	var out bytes.Buffer
	p := newProgress(IO{Stdout: &out}, false)
	for done := int64(0); done <= 1000; done += 10 {
		p.event(&zv1.RunEvent{Progress: &zv1.Progress{Done: done, Total: 1000}, Detail: &zv1.RunEvent_BatchDone{BatchDone: 1}})
	}
	lines := strings.Split(strings.TrimSpace(out.String()), "\n")
	if len(lines) != 21 || strings.Contains(out.String(), "\033") {
		t.Errorf("%d lines (want 21, 0%% to 100%% by 5), escape codes: %v", len(lines), strings.Contains(out.String(), "\033"))
	}
}

func TestBytesText(t *testing.T) {
	for n, want := range map[int64]string{0: "0 B", 1023: "1023 B", 1536: "1.5 KB", 5 << 20: "5.0 MB", 3 << 30: "3.0 GB"} {
		if got := bytesText(n); got != want {
			t.Errorf("bytesText(%d) = %q, want %q", n, got, want)
		}
	}
}

func TestPrintSchedule(t *testing.T) {
	cases := []struct {
		name string
		s    *zv1.Schedule
		want []string
		not  []string
	}{
		{"no scheduler", &zv1.Schedule{DisabledReason: "this server runs without a scheduler (serve --no-scheduler)"},
			[]string{"schedule: none (this server runs without a scheduler (serve --no-scheduler))"}, []string{"every 0 hours"}},
		{"waiting", &zv1.Schedule{Enabled: true, SyncIntervalHours: 4, ForceFullSyncDays: 7, MaxConsecutiveErrors: 5, WaitingForFirstRun: true},
			[]string{"schedule: enabled, every 4 hours, full sync every 7 days", "waiting for the first sync started by hand"}, []string{"next run"}},
		{"disabled, no full syncs", &zv1.Schedule{SyncIntervalHours: 6, MaxConsecutiveErrors: 3, ConsecutiveFailures: 3, DisabledReason: "disabled after 3 failed"},
			[]string{"schedule: disabled, every 6 hours, no forced full syncs", "failed scheduled runs in a row: 3", "disabled after 3 failed"}, []string{"waiting"}},
	}
	for _, tc := range cases {
		var out bytes.Buffer
		printSchedule(IO{Stdout: &out}, tc.s)
		for _, w := range tc.want {
			if !strings.Contains(out.String(), w) {
				t.Errorf("%s: %q lacks %q", tc.name, out.String(), w)
			}
		}
		for _, n := range tc.not {
			if strings.Contains(out.String(), n) {
				t.Errorf("%s: %q has %q", tc.name, out.String(), n)
			}
		}
	}
}

func TestFlagMistakesAreOneLine(t *testing.T) {
	cases := []struct {
		args []string
		code int
		want string
	}{
		{[]string{"config", "--interval", "abc"}, ExitPartial, `zohosync config: --interval takes a number, not "abc" (see zohosync config --help)` + "\n"},
		{[]string{"runs", "--limit", "9999999999999999999999"}, ExitPartial, "--limit 9999999999999999999999 is out of range"},
		{[]string{"status", "--json=maybe"}, ExitPartial, `--json takes true or false (or nothing), not "maybe"`},
		{[]string{"--server"}, ExitPartial, "--server needs a value"},
		{[]string{"status", "--server", "http://h:1"}, ExitFailed, "--server takes host:port, not a URL: use --server h:1\n"},
	}
	for _, tc := range cases {
		var out, errb bytes.Buffer
		code := Main(t.Context(), IO{Stdout: &out, Stderr: &errb, Getenv: func(string) string { return "" }}, tc.args)
		if code != tc.code || out.Len() != 0 || strings.Count(errb.String(), "\n") != 1 || !strings.Contains(errb.String(), tc.want) {
			t.Errorf("%v: exit %d, stdout %q, stderr %q; want exit %d and one line with %q", tc.args, code, out.String(), errb.String(), tc.code, tc.want)
		}
	}
	var out bytes.Buffer
	if code := Main(t.Context(), IO{Stdout: &out, Stderr: &out, Getenv: func(string) string { return "" }}, []string{"product", "--help"}); code != ExitOK ||
		strings.Count(out.String(), "Usage:") != 1 || !strings.Contains(out.String(), "--odoo-id ID") {
		t.Errorf("product --help: exit %d\n%s", code, out.String())
	}
}

func TestSummaryShowsRepeatedFailures(t *testing.T) {
	cases := []struct {
		name string
		c    *zv1.Counts
		errs []*zv1.ItemError
		want []string
		not  []string
	}{
		{"repeated and new", &zv1.Counts{Seen: 10, Failed: 1, ImagesFailed: 2, RepeatedFailures: 2},
			[]*zv1.ItemError{{ZohoItemId: "1", Name: "a", Reason: "image: Zoho has no image for this item", Repeated: true}, {ZohoItemId: "2", Name: "b", Reason: "refused"}},
			[]string{"repeated failures: 2 of 3", "new: 1", `1 "a": image: Zoho has no image for this item (repeated)`, `2 "b": refused` + "\n"}, nil},
		{"none repeated", &zv1.Counts{Seen: 10, Failed: 1},
			[]*zv1.ItemError{{ZohoItemId: "2", Name: "b", Reason: "refused"}},
			[]string{`2 "b": refused` + "\n"}, []string{"repeated"}},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			var b bytes.Buffer
			printSummary(&b, &zv1.Run{Id: "7", State: zv1.RunState_RUN_STATE_PARTIAL, Progress: &zv1.Progress{Counts: tc.c}, ItemErrors: tc.errs})
			for _, w := range tc.want {
				if !strings.Contains(b.String(), w) {
					t.Errorf("summary lacks %q:\n%s", w, b.String())
				}
			}
			for _, w := range tc.not {
				if strings.Contains(b.String(), w) {
					t.Errorf("summary has %q:\n%s", w, b.String())
				}
			}
		})
	}
}
