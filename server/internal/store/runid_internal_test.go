package store

import (
	"encoding/binary"
	"testing"

	"github.com/dgraph-io/badger/v4"
)

func TestRunIDsContinueAcrossRestartsAndFromTheOldCounter(t *testing.T) {
	dir := t.TempDir()
	open := func() *Store {
		s, err := Open(dir, Options{})
		if err != nil {
			t.Fatal(err)
		}
		return s
	}
	next := func(s *Store) int64 {
		n, err := s.NextRunID()
		if err != nil {
			t.Fatal(err)
		}
		return n
	}
	s := open()
	for want := int64(1); want <= 3; want++ {
		if got := next(s); got != want {
			t.Fatalf("run id %d, want %d", got, want)
		}
	}
	s.Close()
	s = open()
	s.Close() // a server that started no run uses up no id
	s = open()
	if got := next(s); got != 4 {
		t.Fatalf("after restarts: run id %d, want 4", got)
	}
	// A data directory from before the sequence holds the last id, big-endian.
	var b [8]byte
	binary.BigEndian.PutUint64(b[:], 41)
	if err := s.db.Update(func(txn *badger.Txn) error { return txn.Set([]byte(keyRunSeq), b[:]) }); err != nil {
		t.Fatal(err)
	}
	s.Close()
	s = open()
	defer s.Close()
	if got := next(s); got != 42 {
		t.Fatalf("after the old counter's 41: run id %d, want 42", got)
	}
}
