// Package store keeps all of zohosync's state in Badger under the data
// directory: one record per Zoho item (its Odoo id, checksum and last values),
// the runs, the cached Zoho token and the scheduler's state.
package store

import (
	"encoding/json"
	"errors"
	"fmt"
	"log/slog"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"syscall"
	"time"

	"github.com/dgraph-io/badger/v4"
	"github.com/dgraph-io/badger/v4/options"
	"google.golang.org/protobuf/proto"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// Key prefixes. Each record type has its own so that prefix scans stay cheap.
const (
	prefixItem   = "i/" // i/<zoho item id> → ItemState JSON
	prefixOdoo   = "o/" // o/<odoo id, 20 digits> → zoho item id
	prefixFailed = "f/" // f/<zoho item id> → nothing: index of failed items
	prefixRun    = "r/" // r/<run id, 20 digits> → zohosync.v1.Run
	prefixMeta   = "m/" // m/<name> → JSON
	keyRunSeq    = "m/run_seq"
)

// Item states.
const (
	StateSynced   = "synced"
	StateFailed   = "failed"
	StateArchived = "archived"
)

// ErrNotFound is returned when a record does not exist.
var ErrNotFound = errors.New("not found")

// ErrLocked means another process has the data directory open.
var ErrLocked = errors.New("data directory is in use by another zohosync process")

// ItemState is what zohosync knows about one Zoho item.
type ItemState struct {
	ZohoID       string         `json:"-"`
	OdooID       int64          `json:"odoo_id,omitempty"`
	Checksum     string         `json:"checksum,omitempty"` // of the mapped values last written successfully
	Values       map[string]any `json:"values,omitempty"`   // those values, for old → new diffs
	Name         string         `json:"name,omitempty"`
	SKU          string         `json:"sku,omitempty"`
	State        string         `json:"state,omitempty"`
	LinkedBy     string         `json:"linked_by,omitempty"`
	LastSyncedAt time.Time      `json:"last_synced_at,omitzero"`
	LastSeenRun  int64          `json:"last_seen_run,omitempty"` // last run that listed the item in Zoho
	LastRunID    string         `json:"last_run_id,omitempty"`
	LastError    string         `json:"last_error,omitempty"`
	Failures     int            `json:"failures,omitempty"`
	ImageID      string         `json:"image_id,omitempty"`  // Zoho's identity of the image last sent
	ImageMD5     string         `json:"image_md5,omitempty"` // MD5 of the bytes last sent
	ImageError   string         `json:"image_error,omitempty"`
	ImageCleared bool           `json:"image_cleared,omitempty"`
	ZohoModified time.Time      `json:"zoho_modified,omitzero"`
	// InputSum fingerprints the item's mapped input (mapping.InputSum) when it
	// was last handled: written, found unchanged, or failed. An unchanged sum
	// lets a smart sync skip the item without asking Odoo.
	InputSum string `json:"input_sum,omitempty"`
	// ImageErrorID is the image identity ImageError is about.
	ImageErrorID string `json:"image_error_id,omitempty"`
	// ImageMissing: ImageError is Zoho's final "no image" (code 1002) for
	// ImageErrorID, not asked again while the item's image fields are the same.
	ImageMissing bool `json:"image_missing,omitempty"`
}

// Store is the Badger database.
type Store struct {
	db  *badger.DB
	dir string
	log *slog.Logger
	gc  chan struct{}

	// counts caches Counts between item writes: status calls are frequent,
	// and counting is a scan of every key.
	countsMu    sync.Mutex
	countsValid bool
	tracked     int64
	failed      int64

	runSeqMu sync.Mutex
	runSeq   *badger.Sequence // made by the first NextRunID
}

// Options tune the database.
type Options struct {
	InMemory bool         // for tests
	Logger   *slog.Logger // receives Badger's warnings and errors
}

// Open opens (or creates) the database in dir/state.
func Open(dir string, o Options) (*Store, error) {
	log := o.Logger
	if log == nil {
		log = slog.New(slog.DiscardHandler)
	}
	path := filepath.Join(dir, "state")
	bo := badger.DefaultOptions(path).
		WithValueLogFileSize(64 << 20).
		WithMemTableSize(4 << 20).
		WithNumMemtables(2).
		WithNumLevelZeroTables(2).
		WithNumLevelZeroTablesStall(4).
		WithBlockCacheSize(8 << 20).
		WithIndexCacheSize(4 << 20).
		WithCompression(options.None).
		WithBaseTableSize(1 << 20).
		WithValueThreshold(64 << 10).
		WithNumCompactors(2).
		WithNumVersionsToKeep(1).
		WithSyncWrites(true).
		WithLogger(badgerLogger{log})
	bo.TableSizeMultiplier = 1
	if o.InMemory {
		bo = bo.WithInMemory(true).WithDir("").WithValueDir("")
	} else if err := os.MkdirAll(path, 0o700); err != nil {
		return nil, fmt.Errorf("cannot create data directory %s: %w", path, err)
	}
	db, err := badger.Open(bo)
	if err != nil {
		if strings.Contains(err.Error(), "Cannot acquire directory lock") {
			return nil, fmt.Errorf("%w (%s); stop the other server or give this one its own --data-dir", ErrLocked, dir)
		}
		return nil, fmt.Errorf("cannot open state in %s: %w", path, err)
	}
	s := &Store{db: db, log: log, gc: make(chan struct{})}
	if !o.InMemory {
		s.dir = path
	}
	if !o.InMemory {
		go s.gcLoop()
	}
	return s, nil
}

// Close flushes and closes the database.
func (s *Store) Close() error {
	select {
	case <-s.gc:
	default:
		close(s.gc)
	}
	s.runSeqMu.Lock()
	if s.runSeq != nil {
		_ = s.runSeq.Release() // as Badger asks before closing
		s.runSeq = nil
	}
	s.runSeqMu.Unlock()
	return s.db.Close()
}

// gcLoop reclaims value-log space now and then; Badger never does it on its own.
func (s *Store) gcLoop() {
	t := time.NewTicker(10 * time.Minute)
	defer t.Stop()
	for {
		select {
		case <-s.gc:
			return
		case <-t.C:
			for s.db.RunValueLogGC(0.5) == nil {
			}
		}
	}
}

func itemKey(id string) []byte { return []byte(prefixItem + id) }
func odooKey(id int64) []byte  { return []byte(fmt.Sprintf("%s%020d", prefixOdoo, id)) }
func runKey(id int64) []byte   { return []byte(fmt.Sprintf("%s%020d", prefixRun, id)) }

// Items returns the states of the given Zoho ids that exist, in one read.
func (s *Store) Items(ids []string) (map[string]ItemState, error) {
	out := make(map[string]ItemState, len(ids))
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range ids {
			st, err := getItem(txn, id)
			if errors.Is(err, ErrNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			out[id] = st
		}
		return nil
	})
	return out, err
}

// Item returns one item's state.
func (s *Store) Item(id string) (ItemState, error) {
	var st ItemState
	err := s.db.View(func(txn *badger.Txn) error {
		var err error
		st, err = getItem(txn, id)
		return err
	})
	return st, err
}

// ItemByOdooID finds the item linked to an Odoo product.
func (s *Store) ItemByOdooID(odooID int64) (ItemState, error) {
	var st ItemState
	err := s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(odooKey(odooID))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		zid, err := it.ValueCopy(nil)
		if err != nil {
			return err
		}
		st, err = getItem(txn, string(zid))
		return err
	})
	return st, err
}

// LinkedOdooIDs reports which of the given Odoo ids are already linked to a Zoho item.
func (s *Store) LinkedOdooIDs(ids []int64) (map[int64]string, error) {
	out := map[int64]string{}
	err := s.db.View(func(txn *badger.Txn) error {
		for _, id := range ids {
			it, err := txn.Get(odooKey(id))
			if errors.Is(err, badger.ErrKeyNotFound) {
				continue
			}
			if err != nil {
				return err
			}
			v, err := it.ValueCopy(nil)
			if err != nil {
				return err
			}
			out[id] = string(v)
		}
		return nil
	})
	return out, err
}

func getItem(txn *badger.Txn, id string) (ItemState, error) {
	it, err := txn.Get(itemKey(id))
	if errors.Is(err, badger.ErrKeyNotFound) {
		return ItemState{}, ErrNotFound
	}
	if err != nil {
		return ItemState{}, err
	}
	var st ItemState
	err = it.Value(func(v []byte) error { return json.Unmarshal(v, &st) })
	st.ZohoID = id
	return st, err
}

// PutItems writes item states in one transaction, keeping the Odoo-id and
// failed-item indexes in step. Either all are written or none.
func (s *Store) PutItems(states []ItemState) error {
	if len(states) == 0 {
		return nil
	}
	defer s.invalidateCounts()
	return s.update(func(txn *badger.Txn) error {
		for _, st := range states {
			if err := putItem(txn, st); err != nil {
				return err
			}
		}
		return nil
	})
}

// update runs fn in a write transaction, splitting nothing: callers keep
// batches well under Badger's transaction limit (a few thousand entries).
func (s *Store) update(fn func(txn *badger.Txn) error) error {
	err := s.db.Update(fn)
	if errors.Is(err, badger.ErrTxnTooBig) {
		return fmt.Errorf("state commit too large for one transaction: %w", err)
	}
	return err
}

func putItem(txn *badger.Txn, st ItemState) error {
	if st.ZohoID == "" {
		return errors.New("store: item without a Zoho id")
	}
	prev, err := getItem(txn, st.ZohoID)
	if err != nil && !errors.Is(err, ErrNotFound) {
		return err
	}
	if prev.OdooID != 0 && prev.OdooID != st.OdooID {
		if err := txn.Delete(odooKey(prev.OdooID)); err != nil {
			return err
		}
	}
	if st.OdooID != 0 {
		if err := txn.Set(odooKey(st.OdooID), []byte(st.ZohoID)); err != nil {
			return err
		}
	}
	if st.State == StateFailed {
		err = txn.Set([]byte(prefixFailed+st.ZohoID), nil)
	} else {
		err = txn.Delete([]byte(prefixFailed + st.ZohoID))
	}
	if err != nil {
		return err
	}
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	return txn.Set(itemKey(st.ZohoID), data)
}

// DeleteItem forgets an item (used when its Odoo product was deleted by hand).
func (s *Store) DeleteItem(id string) error {
	defer s.invalidateCounts()
	return s.update(func(txn *badger.Txn) error {
		prev, err := getItem(txn, id)
		if errors.Is(err, ErrNotFound) {
			return nil
		}
		if err != nil {
			return err
		}
		if prev.OdooID != 0 {
			if err := txn.Delete(odooKey(prev.OdooID)); err != nil {
				return err
			}
		}
		if err := txn.Delete([]byte(prefixFailed + id)); err != nil {
			return err
		}
		return txn.Delete(itemKey(id))
	})
}

// ScanItems calls fn for every item in Zoho-id order, starting after `after`
// (empty = from the start), until fn returns false. Values are decoded one at
// a time so memory stays flat however many items there are.
func (s *Store) ScanItems(after string, fn func(ItemState) bool) error {
	return s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixItem)
		opts.PrefetchSize = 64
		it := txn.NewIterator(opts)
		defer it.Close()
		start := []byte(prefixItem + after)
		for it.Seek(start); it.Valid(); it.Next() {
			id := strings.TrimPrefix(string(it.Item().Key()), prefixItem)
			if after != "" && id == after {
				continue
			}
			var st ItemState
			if err := it.Item().Value(func(v []byte) error { return json.Unmarshal(v, &st) }); err != nil {
				return err
			}
			st.ZohoID = id
			if !fn(st) {
				return nil
			}
		}
		return nil
	})
}

// FailedIDs returns up to limit failed item ids after `after`, in order.
func (s *Store) FailedIDs(after string, limit int) ([]string, error) {
	var ids []string
	err := s.db.View(func(txn *badger.Txn) error {
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixFailed)
		opts.PrefetchValues = false
		it := txn.NewIterator(opts)
		defer it.Close()
		for it.Seek([]byte(prefixFailed + after)); it.Valid() && len(ids) < limit; it.Next() {
			id := strings.TrimPrefix(string(it.Item().Key()), prefixFailed)
			if id == after {
				continue
			}
			ids = append(ids, id)
		}
		return nil
	})
	return ids, err
}

// Counts returns the number of tracked items (linked to an Odoo product) and of failed items.
func (s *Store) Counts() (tracked, failed int64, err error) {
	s.countsMu.Lock()
	defer s.countsMu.Unlock()
	if s.countsValid {
		return s.tracked, s.failed, nil
	}
	err = s.db.View(func(txn *badger.Txn) error {
		tracked = countPrefix(txn, prefixOdoo)
		failed = countPrefix(txn, prefixFailed)
		return nil
	})
	if err == nil {
		s.tracked, s.failed, s.countsValid = tracked, failed, true
	}
	return
}

func (s *Store) invalidateCounts() {
	s.countsMu.Lock()
	s.countsValid = false
	s.countsMu.Unlock()
}

func countPrefix(txn *badger.Txn, prefix string) int64 {
	opts := badger.DefaultIteratorOptions
	opts.Prefix = []byte(prefix)
	opts.PrefetchValues = false
	it := txn.NewIterator(opts)
	defer it.Close()
	var n int64
	for it.Rewind(); it.Valid(); it.Next() {
		n++
	}
	return n
}

// NextRunID allocates the next run id: 1, 2, 3, … from a Badger sequence.
// The sequence leases one id at a time, so a crash never skips an id, and
// its key keeps the last id given out, as the counter before it did.
func (s *Store) NextRunID() (int64, error) {
	s.runSeqMu.Lock()
	defer s.runSeqMu.Unlock()
	if s.runSeq == nil {
		// Made on first use: making it leases an id, and a server that
		// never starts a run should not use one up.
		seq, err := s.db.GetSequence([]byte(keyRunSeq), 1)
		if err != nil {
			return 0, fmt.Errorf("cannot allocate a run id: %w", err)
		}
		s.runSeq = seq
	}
	n, err := s.runSeq.Next()
	if err != nil {
		return 0, fmt.Errorf("cannot allocate a run id: %w", err)
	}
	return int64(n) + 1, nil // the sequence starts at 0, run ids at 1
}

// PutRun records a run (in progress or finished).
func (s *Store) PutRun(r *zv1.Run) error {
	id, err := strconv.ParseInt(r.GetId(), 10, 64)
	if err != nil {
		return fmt.Errorf("store: bad run id %q", r.GetId())
	}
	data, err := proto.Marshal(r)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error { return txn.Set(runKey(id), data) })
}

// Run returns one run.
func (s *Store) Run(id string) (*zv1.Run, error) {
	n, err := strconv.ParseInt(id, 10, 64)
	if err != nil || n <= 0 {
		return nil, ErrNotFound
	}
	r := &zv1.Run{}
	err = s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get(runKey(n))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return it.Value(func(v []byte) error { return proto.Unmarshal(v, r) })
	})
	if err != nil {
		return nil, err
	}
	return r, nil
}

// Runs returns up to limit runs older than `before` (0 = newest first), newest
// first, and the total number of runs.
func (s *Store) Runs(before int64, limit int, keep func(*zv1.Run) bool) ([]*zv1.Run, int64, error) {
	var runs []*zv1.Run
	var total int64
	err := s.db.View(func(txn *badger.Txn) error {
		total = countPrefix(txn, prefixRun)
		opts := badger.DefaultIteratorOptions
		opts.Prefix = []byte(prefixRun)
		opts.Reverse = true
		it := txn.NewIterator(opts)
		defer it.Close()
		seek := runKey(1<<62 - 1)
		if before > 0 {
			seek = runKey(before - 1)
		}
		for it.Seek(seek); it.Valid() && len(runs) < limit; it.Next() {
			r := &zv1.Run{}
			if err := it.Item().Value(func(v []byte) error { return proto.Unmarshal(v, r) }); err != nil {
				return err
			}
			if keep == nil || keep(r) {
				runs = append(runs, r)
			}
		}
		return nil
	})
	return runs, total, err
}

// GetMeta reads a JSON value stored under name; ErrNotFound when absent.
func (s *Store) GetMeta(name string, v any) error {
	return s.db.View(func(txn *badger.Txn) error {
		it, err := txn.Get([]byte(prefixMeta + name))
		if errors.Is(err, badger.ErrKeyNotFound) {
			return ErrNotFound
		}
		if err != nil {
			return err
		}
		return it.Value(func(b []byte) error { return json.Unmarshal(b, v) })
	})
}

// PutMeta stores a JSON value under name.
func (s *Store) PutMeta(name string, v any) error {
	data, err := json.Marshal(v)
	if err != nil {
		return err
	}
	return s.update(func(txn *badger.Txn) error { return txn.Set([]byte(prefixMeta+name), data) })
}

// DeleteMeta removes a value.
func (s *Store) DeleteMeta(name string) error {
	return s.update(func(txn *badger.Txn) error { return txn.Delete([]byte(prefixMeta + name)) })
}

// Size returns the bytes Badger uses on disk (LSM tree and value log).
func (s *Store) Size() (lsm, vlog int64) { return s.db.Size() }

// badgerLogger sends Badger's warnings and errors to slog and drops its chatter.
type badgerLogger struct{ l *slog.Logger }

func (b badgerLogger) Errorf(f string, a ...any) {
	b.l.Error("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (b badgerLogger) Warningf(f string, a ...any) {
	b.l.Warn("badger: " + strings.TrimSpace(fmt.Sprintf(f, a...)))
}
func (b badgerLogger) Infof(string, ...any)  {}
func (b badgerLogger) Debugf(string, ...any) {}

// MinFreeBytes is the free space the data directory's disk must keep: below
// it a run stops with a clear message instead of letting Badger fail a write
// half-way (its memtables alone can need 2 × 16 MB).
const MinFreeBytes = 64 << 20

// ErrDiskFull means the data directory's disk is (almost) full.
var ErrDiskFull = errors.New("the data directory's disk is almost full")

// CheckSpace reports ErrDiskFull when the data directory's disk has less than MinFreeBytes free.
func (s *Store) CheckSpace() error {
	if s.dir == "" {
		return nil
	}
	var fs syscall.Statfs_t
	if err := syscall.Statfs(s.dir, &fs); err != nil {
		return nil // cannot tell: let the write itself decide
	}
	free := int64(fs.Bavail) * int64(fs.Bsize)
	if free < MinFreeBytes {
		return fmt.Errorf("%w (%d MB free in %s, at least %d MB needed): free some space and run again; nothing was lost", ErrDiskFull, free>>20, s.dir, MinFreeBytes>>20)
	}
	return nil
}
