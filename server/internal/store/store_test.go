package store_test

import (
	"errors"
	"strconv"
	"strings"
	"testing"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/store"
)

func open(t *testing.T) *store.Store {
	t.Helper()
	s, err := store.Open(t.TempDir(), store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

func TestItemsAndIndexes(t *testing.T) {
	s := open(t)
	err := s.PutItems([]store.ItemState{
		{ZohoID: "a", OdooID: 10, State: store.StateSynced, Checksum: "x", Values: map[string]any{"name": "A"}},
		{ZohoID: "b", OdooID: 11, State: store.StateFailed, LastError: "boom"},
		{ZohoID: "c", State: store.StateFailed},
	})
	if err != nil {
		t.Fatal(err)
	}
	got, err := s.Items([]string{"a", "b", "zz"})
	if err != nil || len(got) != 2 || got["a"].Values["name"] != "A" || got["a"].ZohoID != "a" {
		t.Fatalf("items = %+v, %v", got, err)
	}
	if st, err := s.ItemByOdooID(11); err != nil || st.ZohoID != "b" {
		t.Fatalf("by odoo id = %+v, %v", st, err)
	}
	tracked, failed, _ := s.Counts()
	if tracked != 2 || failed != 2 {
		t.Fatalf("counts = %d tracked, %d failed", tracked, failed)
	}
	// Re-linking moves the Odoo index; fixing clears the failed index.
	if err := s.PutItems([]store.ItemState{{ZohoID: "b", OdooID: 12, State: store.StateSynced}}); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ItemByOdooID(11); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("old odoo id still indexed: %v", err)
	}
	if ids, _ := s.FailedIDs("", 10); len(ids) != 1 || ids[0] != "c" {
		t.Fatalf("failed ids = %v", ids)
	}
	linked, _ := s.LinkedOdooIDs([]int64{10, 11, 12})
	if len(linked) != 2 || linked[12] != "b" {
		t.Fatalf("linked = %v", linked)
	}
	var scanned []string
	_ = s.ScanItems("a", func(st store.ItemState) bool { scanned = append(scanned, st.ZohoID); return true })
	if strings.Join(scanned, ",") != "b,c" {
		t.Fatalf("scan after a = %v", scanned)
	}
	if err := s.DeleteItem("a"); err != nil {
		t.Fatal(err)
	}
	if _, err := s.ItemByOdooID(10); !errors.Is(err, store.ErrNotFound) {
		t.Fatal("deleted item still indexed")
	}
}

func TestRunsArePagedNewestFirst(t *testing.T) {
	s := open(t)
	for i := 0; i < 25; i++ {
		n, err := s.NextRunID()
		if err != nil {
			t.Fatal(err)
		}
		if err := s.PutRun(&zv1.Run{Id: strconv.FormatInt(n, 10), State: zv1.RunState_RUN_STATE_SUCCEEDED}); err != nil {
			t.Fatal(err)
		}
	}
	page, total, err := s.Runs(0, 10, nil)
	if err != nil || total != 25 || len(page) != 10 || page[0].Id != "25" || page[9].Id != "16" {
		t.Fatalf("first page: %d runs, total %d, first %s", len(page), total, page[0].GetId())
	}
	page, _, _ = s.Runs(16, 10, nil)
	if page[0].Id != "15" {
		t.Fatalf("second page starts at %s", page[0].Id)
	}
	if _, err := s.Run("99"); !errors.Is(err, store.ErrNotFound) {
		t.Fatalf("missing run: %v", err)
	}
}

func TestSecondProcessIsRefused(t *testing.T) {
	dir := t.TempDir()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	_, err = store.Open(dir, store.Options{})
	if !errors.Is(err, store.ErrLocked) || !strings.Contains(err.Error(), "--data-dir") {
		t.Fatalf("second open: %v", err)
	}
}

func TestStateSurvivesReopen(t *testing.T) {
	dir := t.TempDir()
	s, _ := store.Open(dir, store.Options{})
	_ = s.PutItems([]store.ItemState{{ZohoID: "x", OdooID: 5, State: store.StateSynced}})
	_ = s.PutMeta("k", map[string]int{"v": 1})
	s.Close()
	s, err := store.Open(dir, store.Options{})
	if err != nil {
		t.Fatal(err)
	}
	defer s.Close()
	if st, err := s.Item("x"); err != nil || st.OdooID != 5 {
		t.Fatalf("item after reopen: %+v %v", st, err)
	}
	var m map[string]int
	if err := s.GetMeta("k", &m); err != nil || m["v"] != 1 {
		t.Fatalf("meta after reopen: %v %v", m, err)
	}
}
