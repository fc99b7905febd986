package config

import (
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
)

// Schedule is sync_schedule.json, in the Python tool's shape (docs/python-tool.md#schedule).
type Schedule struct {
	Enabled              bool    `json:"enabled"`
	SyncIntervalHours    float64 `json:"sync_interval_hours"`
	ForceFullSyncDays    int     `json:"force_full_sync_days"`
	MaxConsecutiveErrors int     `json:"max_consecutive_errors"`
	Notifications        struct {
		LogFile string `json:"log_file"`
	} `json:"notifications"`
}

// MinIntervalHours is the shortest allowed interval between scheduled runs (15 minutes).
const MinIntervalHours = 0.25

// DefaultSchedule is what a missing sync_schedule.json is created with (the Python tool's defaults).
func DefaultSchedule() Schedule {
	s := Schedule{Enabled: true, SyncIntervalHours: 4, ForceFullSyncDays: 7, MaxConsecutiveErrors: 5}
	s.Notifications.LogFile = filepath.Join("logs", "sync_notifications.log")
	return s
}

// Validate says what is wrong with a schedule and what is allowed.
func (s Schedule) Validate() error {
	switch {
	case s.SyncIntervalHours < MinIntervalHours:
		return fmt.Errorf("sync_interval_hours must be at least %g (15 minutes), not %g", MinIntervalHours, s.SyncIntervalHours)
	case s.SyncIntervalHours > 24*365:
		return fmt.Errorf("sync_interval_hours must be at most %d (a year), not %g", 24*365, s.SyncIntervalHours)
	case s.ForceFullSyncDays < 0 || s.ForceFullSyncDays > 3650:
		return fmt.Errorf("force_full_sync_days must be between 0 (never) and 3650, not %d", s.ForceFullSyncDays)
	case s.MaxConsecutiveErrors < 1 || s.MaxConsecutiveErrors > 1000:
		return fmt.Errorf("max_consecutive_errors must be between 1 and 1000, not %d", s.MaxConsecutiveErrors)
	case s.Notifications.LogFile == "":
		return errors.New("notifications.log_file must name a file")
	}
	return nil
}

// LoadSchedule reads sync_schedule.json from dir, creating it with the
// defaults when it does not exist (as the Python tool did).
func LoadSchedule(dir string) (Schedule, error) {
	path := filepath.Join(dir, ScheduleFile)
	data, err := os.ReadFile(path)
	if errors.Is(err, fs.ErrNotExist) {
		s := DefaultSchedule()
		return s, SaveSchedule(dir, s)
	}
	if err != nil {
		return Schedule{}, errorf(path, "cannot read: %v", err)
	}
	s := DefaultSchedule()
	if err := decodeStrict(path, data, &s); err != nil {
		return Schedule{}, err
	}
	if err := s.Validate(); err != nil {
		return Schedule{}, errorf(path, "%v", err)
	}
	return s, nil
}

// SaveSchedule writes sync_schedule.json atomically (temp file, then rename).
func SaveSchedule(dir string, s Schedule) error {
	path := filepath.Join(dir, ScheduleFile)
	data, err := json.MarshalIndent(s, "", "  ")
	if err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".sync_schedule-*.json")
	if err != nil {
		return errorf(path, "cannot write: %v", err)
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(data, '\n')); err != nil {
		tmp.Close()
		return errorf(path, "cannot write: %v", err)
	}
	if err := tmp.Close(); err != nil {
		return errorf(path, "cannot write: %v", err)
	}
	if err := os.Rename(tmp.Name(), path); err != nil {
		return errorf(path, "cannot write: %v", err)
	}
	return nil
}
