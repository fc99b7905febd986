package images

import (
	"bufio"
	"bytes"
	"container/list"
	"crypto/md5"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"time"
)

// indexName is the cache's index: one JSON record per line, appended on every
// change and rewritten (temp file + rename) when it has grown well past the
// live entries and at every OpenCache.
const indexName = "index.jsonl"

// tempPrefix starts the names of files being written; leftovers are removed
// by OpenCache.
const tempPrefix = ".tmp-"

// Cache is the local image cache (the Python tool's data/product_images/, docs/python-tool.md#files): files
// named by the MD5 of their bytes, plus a small index from (item id, Zoho
// image identity) to that MD5, so an image is never downloaded twice.
//
// Image files are written atomically (temp file + rename) and verified
// against their name when read. Each item has at most one entry (its current
// image); a file no entry refers to any more is deleted. When the total size
// passes maxBytes, the least recently used files are pruned (Get refreshes an
// entry's use time, kept in the file's modification time so that it survives
// a restart). Safe for concurrent use; one Cache per directory.
type Cache struct {
	dir      string
	maxBytes int64

	mu      sync.Mutex
	entries map[string]entry         // item id → entry
	files   map[string]*list.Element // md5 → element of lru holding *cachedFile
	lru     *list.List               // front: most recently used
	size    int64
	logged  int // records in the index file
}

type entry struct {
	identity, md5 string
}

type cachedFile struct {
	md5   string
	size  int64
	used  time.Time
	items map[string]struct{} // item ids whose entry points here
}

// record is one line of the index. Del removes the item's entry.
type record struct {
	Item     string `json:"item"`
	Identity string `json:"identity,omitempty"`
	MD5      string `json:"md5,omitempty"`
	Del      bool   `json:"del,omitempty"`
}

// OpenCache opens (creating it if needed) the cache in dir. maxBytes <= 0
// means no cap. Leftover temp files and files the index does not refer to are
// removed; index entries whose file is missing are dropped.
func OpenCache(dir string, maxBytes int64) (*Cache, error) {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return nil, fmt.Errorf("image cache: %w", err)
	}
	c := &Cache{
		dir:      dir,
		maxBytes: maxBytes,
		entries:  map[string]entry{},
		files:    map[string]*list.Element{},
		lru:      list.New(),
	}
	if err := c.replay(); err != nil {
		return nil, err
	}
	des, err := os.ReadDir(dir)
	if err != nil {
		return nil, fmt.Errorf("image cache: %w", err)
	}
	refs := map[string][]string{} // md5 → item ids
	for item, e := range c.entries {
		refs[e.md5] = append(refs[e.md5], item)
	}
	var found []*cachedFile
	for _, de := range des {
		name := de.Name()
		switch {
		case strings.HasPrefix(name, tempPrefix):
			os.Remove(filepath.Join(dir, name))
			continue
		case !isMD5Hex(name) || !de.Type().IsRegular():
			continue
		}
		items, ok := refs[name]
		if !ok {
			os.Remove(filepath.Join(dir, name)) // written, but its index record was lost
			continue
		}
		fi, err := de.Info()
		if err != nil {
			continue
		}
		f := &cachedFile{md5: name, size: fi.Size(), used: fi.ModTime(), items: map[string]struct{}{}}
		for _, it := range items {
			f.items[it] = struct{}{}
		}
		found = append(found, f)
		delete(refs, name)
	}
	for _, items := range refs { // entries whose file is gone
		for _, it := range items {
			delete(c.entries, it)
		}
	}
	slices.SortFunc(found, func(a, b *cachedFile) int {
		if d := a.used.Compare(b.used); d != 0 {
			return -d // newest first
		}
		return strings.Compare(a.md5, b.md5)
	})
	for _, f := range found {
		c.files[f.md5] = c.lru.PushBack(f)
		c.size += f.size
	}
	c.prune("")
	if err := c.compact(); err != nil {
		return nil, err
	}
	return c, nil
}

func isMD5Hex(s string) bool {
	if len(s) != 32 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !('0' <= s[i] && s[i] <= '9' || 'a' <= s[i] && s[i] <= 'f') {
			return false
		}
	}
	return true
}

// replay reads the index into c.entries; unreadable lines (a torn last line
// after a crash) are skipped.
func (c *Cache) replay() error {
	f, err := os.Open(filepath.Join(c.dir, indexName))
	if errors.Is(err, os.ErrNotExist) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("image cache: %w", err)
	}
	defer f.Close()
	r := bufio.NewReader(f)
	for {
		line, err := r.ReadBytes('\n')
		if len(bytes.TrimSpace(line)) > 0 {
			var rec record
			if json.Unmarshal(line, &rec) == nil && rec.Item != "" {
				switch {
				case rec.Del:
					delete(c.entries, rec.Item)
				case rec.Identity != "" && isMD5Hex(rec.MD5):
					c.entries[rec.Item] = entry{identity: rec.Identity, md5: rec.MD5}
				}
			}
		}
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return fmt.Errorf("image cache: reading the index: %w", err)
		}
	}
}

// compact rewrites the index with one record per live entry. Called with
// c.mu held (or before c is shared).
func (c *Cache) compact() error {
	items := make([]string, 0, len(c.entries))
	for it := range c.entries {
		items = append(items, it)
	}
	slices.Sort(items)
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, it := range items {
		e := c.entries[it]
		enc.Encode(record{Item: it, Identity: e.identity, MD5: e.md5})
	}
	if err := c.writeAtomic(indexName, buf.Bytes()); err != nil {
		return fmt.Errorf("image cache: writing the index: %w", err)
	}
	c.logged = len(items)
	return nil
}

// appendIndex appends records to the index, compacting it instead when it
// has grown to more than twice the live entries. Called with c.mu held.
func (c *Cache) appendIndex(recs ...record) error {
	if len(recs) == 0 {
		return nil
	}
	if c.logged+len(recs) > 2*len(c.entries)+1024 {
		return c.compact()
	}
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	for _, r := range recs {
		enc.Encode(r)
	}
	f, err := os.OpenFile(filepath.Join(c.dir, indexName), os.O_WRONLY|os.O_APPEND|os.O_CREATE, 0o644)
	if err != nil {
		return fmt.Errorf("image cache: writing the index: %w", err)
	}
	_, err = f.Write(buf.Bytes())
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		return fmt.Errorf("image cache: writing the index: %w", err)
	}
	c.logged += len(recs)
	return nil
}

// writeTemp writes data to a new temp file in the cache directory and
// returns its path.
func (c *Cache) writeTemp(data []byte) (string, error) {
	f, err := os.CreateTemp(c.dir, tempPrefix+"*")
	if err != nil {
		return "", err
	}
	_, err = f.Write(data)
	if err == nil {
		err = f.Sync()
	}
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	if err != nil {
		os.Remove(f.Name())
		return "", err
	}
	return f.Name(), nil
}

func (c *Cache) writeAtomic(name string, data []byte) error {
	tmp, err := c.writeTemp(data)
	if err != nil {
		return err
	}
	if err := os.Rename(tmp, filepath.Join(c.dir, name)); err != nil {
		os.Remove(tmp)
		return err
	}
	return nil
}

// Get returns the cached image of itemID when it was stored for the same
// identity, and marks it used. A file that went missing or no longer matches
// its MD5 is dropped and reported as a miss.
func (c *Cache) Get(itemID, identity string) (data []byte, md5hex string, ok bool) {
	c.mu.Lock()
	e, ok := c.entries[itemID]
	if !ok || identity == "" || e.identity != identity {
		c.mu.Unlock()
		return nil, "", false
	}
	el, ok := c.files[e.md5]
	if !ok {
		c.mu.Unlock()
		return nil, "", false
	}
	now := time.Now()
	el.Value.(*cachedFile).used = now
	c.lru.MoveToFront(el)
	c.mu.Unlock()

	path := filepath.Join(c.dir, e.md5)
	data, err := os.ReadFile(path)
	if err != nil || md5Hex(data) != e.md5 {
		c.mu.Lock()
		if cur, ok := c.files[e.md5]; ok && cur == el {
			// Best effort: a failed index write only means the entry comes
			// back at the next open and is dropped then (its file is gone).
			_ = c.appendIndex(c.removeFile(el)...)
		}
		c.mu.Unlock()
		return nil, "", false
	}
	_ = os.Chtimes(path, now, now) // the use time survives a restart
	return data, e.md5, true
}

// Put stores data as itemID's image for identity, replacing the item's
// previous entry. md5hex may be "" (it is computed; when given it must match
// data). An image larger than the cap is not stored (and the item's old entry
// is removed).
func (c *Cache) Put(itemID, identity string, data []byte, md5hex string) error {
	if itemID == "" || identity == "" {
		return errors.New("image cache: an entry needs an item id and an image identity")
	}
	sum := md5Hex(data)
	if md5hex != "" && !strings.EqualFold(md5hex, sum) {
		return fmt.Errorf("image cache: MD5 %s given for data whose MD5 is %s", md5hex, sum)
	}
	if c.maxBytes > 0 && int64(len(data)) > c.maxBytes {
		return c.Forget(itemID)
	}

	c.mu.Lock()
	_, have := c.files[sum]
	c.mu.Unlock()
	tmp := ""
	if !have {
		// Write outside the lock: Gets go on meanwhile.
		var err error
		if tmp, err = c.writeTemp(data); err != nil {
			return fmt.Errorf("image cache: %w", err)
		}
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	now := time.Now()
	el, have := c.files[sum]
	if have {
		if tmp != "" {
			os.Remove(tmp) // another Put stored the same bytes meanwhile
		}
		_ = os.Chtimes(filepath.Join(c.dir, sum), now, now)
	} else {
		if tmp == "" { // pruned since we looked: write it again
			var err error
			if tmp, err = c.writeTemp(data); err != nil {
				return fmt.Errorf("image cache: %w", err)
			}
		}
		if err := os.Rename(tmp, filepath.Join(c.dir, sum)); err != nil {
			os.Remove(tmp)
			return fmt.Errorf("image cache: %w", err)
		}
		el = c.lru.PushFront(&cachedFile{md5: sum, size: int64(len(data)), items: map[string]struct{}{}})
		c.files[sum] = el
		c.size += int64(len(data))
	}
	f := el.Value.(*cachedFile)
	f.used = now
	c.lru.MoveToFront(el)

	if old, ok := c.entries[itemID]; ok && old.md5 != sum {
		c.unref(itemID, old.md5)
	}
	c.entries[itemID] = entry{identity: identity, md5: sum}
	f.items[itemID] = struct{}{}
	recs := []record{{Item: itemID, Identity: identity, MD5: sum}}
	recs = append(recs, c.prune(sum)...)
	return c.appendIndex(recs...)
}

// Forget removes itemID's entry (and its file when no other item uses it).
func (c *Cache) Forget(itemID string) error {
	c.mu.Lock()
	defer c.mu.Unlock()
	old, ok := c.entries[itemID]
	if !ok {
		return nil
	}
	delete(c.entries, itemID)
	c.unref(itemID, old.md5)
	return c.appendIndex(record{Item: itemID, Del: true})
}

// Size is the total size in bytes of the cached files.
func (c *Cache) Size() int64 {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.size
}

// Len is the number of cached files.
func (c *Cache) Len() int {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.lru.Len()
}

// Dir is the cache's directory.
func (c *Cache) Dir() string { return c.dir }

// unref detaches itemID from file sum, deleting the file when nothing uses
// it any more. The caller updates c.entries. Called with c.mu held.
func (c *Cache) unref(itemID, sum string) {
	el, ok := c.files[sum]
	if !ok {
		return
	}
	f := el.Value.(*cachedFile)
	delete(f.items, itemID)
	if len(f.items) == 0 {
		c.removeFile(el)
	}
}

// removeFile deletes a file and every entry pointing to it, returning the
// index records that say so. Called with c.mu held.
func (c *Cache) removeFile(el *list.Element) []record {
	f := el.Value.(*cachedFile)
	os.Remove(filepath.Join(c.dir, f.md5))
	c.lru.Remove(el)
	delete(c.files, f.md5)
	c.size -= f.size
	var recs []record
	for it := range f.items {
		if e, ok := c.entries[it]; ok && e.md5 == f.md5 {
			delete(c.entries, it)
			recs = append(recs, record{Item: it, Del: true})
		}
	}
	return recs
}

// prune removes least recently used files until the total is within the cap,
// never the file keep. Called with c.mu held.
func (c *Cache) prune(keep string) []record {
	var recs []record
	for c.maxBytes > 0 && c.size > c.maxBytes {
		el := c.lru.Back()
		if el == nil {
			break
		}
		if el.Value.(*cachedFile).md5 == keep {
			if el = el.Prev(); el == nil {
				break
			}
		}
		recs = append(recs, c.removeFile(el)...)
	}
	return recs
}

func md5Hex(data []byte) string {
	sum := md5.Sum(data)
	return hex.EncodeToString(sum[:])
}
