package app

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"
)

func TestCheckBudgets(t *testing.T) {
	now := time.Now()
	tests := []struct {
		name       string
		deadline   time.Duration // 0: none
		zoho, odoo time.Duration
	}{
		{"no deadline: 30 s in all", 0, 15 * time.Second, 15 * time.Second},
		{"far deadline: still 30 s", time.Minute, 15 * time.Second, 15 * time.Second},
		{"20 s deadline: less a 1 s margin", 20 * time.Second, 9500 * time.Millisecond, 9500 * time.Millisecond},
		{"2 s deadline: less a tenth", 2 * time.Second, 900 * time.Millisecond, 900 * time.Millisecond},
		{"past deadline: nothing", -time.Second, 0, 0},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			ctx := context.Background()
			if tt.deadline != 0 {
				var cancel context.CancelFunc
				ctx, cancel = context.WithDeadline(ctx, now.Add(tt.deadline))
				defer cancel()
			}
			zoho, odoo := checkBudgets(ctx, now)
			if zoho != tt.zoho || odoo != tt.odoo {
				t.Errorf("checkBudgets = %v, %v; want %v, %v", zoho, odoo, tt.zoho, tt.odoo)
			}
		})
	}
}

func TestTimedOutNamesTheCheck(t *testing.T) {
	got := timedOut("Odoo", 9500*time.Millisecond, fmt.Errorf("login: %w", context.DeadlineExceeded))
	if got != "Odoo did not answer within 9.5s" {
		t.Errorf("timedOut = %q", got)
	}
	if got := timedOut("Zoho", time.Second, errors.New("invalid_client")); !strings.Contains(got, "invalid_client") {
		t.Errorf("other errors are kept: %q", got)
	}
}
