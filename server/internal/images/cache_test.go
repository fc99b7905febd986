package images

import (
	"bytes"
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"sync"
	"testing"
)

func blob(n int, seed byte) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = seed + byte(i*31)
	}
	return b
}

func mustOpen(t *testing.T, dir string, max int64) *Cache {
	t.Helper()
	c, err := OpenCache(dir, max)
	if err != nil {
		t.Fatal(err)
	}
	return c
}

func mustPut(t *testing.T, c *Cache, item, identity string, data []byte) {
	t.Helper()
	if err := c.Put(item, identity, data, ""); err != nil {
		t.Fatal(err)
	}
}

// cachedNames lists the image files in dir.
func cachedNames(t *testing.T, dir string) []string {
	t.Helper()
	des, err := os.ReadDir(dir)
	if err != nil {
		t.Fatal(err)
	}
	var out []string
	for _, de := range des {
		if isMD5Hex(de.Name()) {
			out = append(out, de.Name())
		}
	}
	return out
}

func TestCache(t *testing.T) {
	a, b, c := blob(100, 1), blob(100, 2), blob(100, 3)
	tests := []struct {
		name string
		max  int64
		run  func(t *testing.T, dir string, cache *Cache)
	}{
		{"put get round trip", 0, func(t *testing.T, dir string, cache *Cache) {
			if err := cache.Put("item1", "doc1", a, md5Hex(a)); err != nil {
				t.Fatal(err)
			}
			data, sum, ok := cache.Get("item1", "doc1")
			if !ok || !bytes.Equal(data, a) || sum != md5Hex(a) {
				t.Fatalf("Get = %d bytes, %q, %v", len(data), sum, ok)
			}
			if got := cachedNames(t, dir); !slices.Equal(got, []string{md5Hex(a)}) {
				t.Fatalf("files %v, want one named by the MD5", got)
			}
			if cache.Size() != 100 || cache.Len() != 1 {
				t.Fatalf("Size %d Len %d", cache.Size(), cache.Len())
			}
		}},
		{"identity change misses", 0, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "item1", "doc1", a)
			if _, _, ok := cache.Get("item1", "doc2"); ok {
				t.Fatal("hit for another identity")
			}
			if _, _, ok := cache.Get("item2", "doc1"); ok {
				t.Fatal("hit for another item")
			}
			if _, _, ok := cache.Get("item1", ""); ok {
				t.Fatal("hit for an empty identity")
			}
			// The new image replaces the old one, whose file goes.
			mustPut(t, cache, "item1", "doc2", b)
			if _, _, ok := cache.Get("item1", "doc1"); ok {
				t.Fatal("old identity still served")
			}
			if got := cachedNames(t, dir); !slices.Equal(got, []string{md5Hex(b)}) {
				t.Fatalf("files %v", got)
			}
		}},
		{"same bytes for two items are stored once", 0, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "item1", "doc1", a)
			mustPut(t, cache, "item2", "doc9", a)
			if cache.Size() != 100 || len(cachedNames(t, dir)) != 1 {
				t.Fatalf("Size %d, files %v", cache.Size(), cachedNames(t, dir))
			}
			if err := cache.Forget("item1"); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := cache.Get("item2", "doc9"); !ok {
				t.Fatal("item2 lost its image when item1 was forgotten")
			}
			if err := cache.Forget("item2"); err != nil {
				t.Fatal(err)
			}
			if cache.Size() != 0 || len(cachedNames(t, dir)) != 0 {
				t.Fatalf("Size %d, files %v after forgetting both", cache.Size(), cachedNames(t, dir))
			}
		}},
		{"prune keeps the newest under the cap", 250, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			mustPut(t, cache, "b", "1", b)
			mustPut(t, cache, "c", "1", c) // 300 > 250: a, the oldest, goes
			if _, _, ok := cache.Get("a", "1"); ok {
				t.Fatal("oldest not pruned")
			}
			for _, it := range []string{"b", "c"} {
				if _, _, ok := cache.Get(it, "1"); !ok {
					t.Fatalf("%s pruned", it)
				}
			}
			if cache.Size() != 200 || len(cachedNames(t, dir)) != 2 {
				t.Fatalf("Size %d, files %v", cache.Size(), cachedNames(t, dir))
			}
		}},
		{"get refreshes the use time", 250, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			mustPut(t, cache, "b", "1", b)
			if _, _, ok := cache.Get("a", "1"); !ok {
				t.Fatal("miss")
			}
			mustPut(t, cache, "c", "1", c) // b is now the least recently used
			if _, _, ok := cache.Get("b", "1"); ok {
				t.Fatal("b survived, a was used more recently")
			}
			if _, _, ok := cache.Get("a", "1"); !ok {
				t.Fatal("a pruned although just used")
			}
		}},
		{"image over the cap is not stored", 150, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			mustPut(t, cache, "a", "2", blob(200, 9))
			if cache.Size() != 0 {
				t.Fatalf("Size %d", cache.Size())
			}
			if _, _, ok := cache.Get("a", "1"); ok {
				t.Fatal("stale entry kept")
			}
		}},
		{"wrong md5 is refused", 0, func(t *testing.T, dir string, cache *Cache) {
			if err := cache.Put("a", "1", a, md5Hex(b)); err == nil {
				t.Fatal("no error")
			}
			if err := cache.Put("a", "", a, ""); err == nil {
				t.Fatal("no error for an empty identity")
			}
			if cache.Len() != 0 {
				t.Fatal("stored anyway")
			}
		}},
		{"corrupt file is a miss and is dropped", 0, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			if err := os.WriteFile(filepath.Join(dir, md5Hex(a)), []byte("garbage"), 0o644); err != nil {
				t.Fatal(err)
			}
			if _, _, ok := cache.Get("a", "1"); ok {
				t.Fatal("served a file whose bytes do not match its MD5")
			}
			if cache.Len() != 0 || len(cachedNames(t, dir)) != 0 {
				t.Fatal("corrupt file kept")
			}
			mustPut(t, cache, "a", "1", a)
			if _, _, ok := cache.Get("a", "1"); !ok {
				t.Fatal("miss after storing again")
			}
		}},
		{"survives reopen", 250, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			mustPut(t, cache, "b", "1", b)
			mustPut(t, cache, "b", "2", c) // replaces b's entry
			if err := cache.Forget("a"); err != nil {
				t.Fatal(err)
			}
			mustPut(t, cache, "a", "3", a)
			// Leftovers of a crash: a temp file, an orphan image, a torn index line.
			os.WriteFile(filepath.Join(dir, tempPrefix+"123"), []byte("x"), 0o644)
			os.WriteFile(filepath.Join(dir, md5Hex([]byte("orphan"))), []byte("orphan"), 0o644)
			f, _ := os.OpenFile(filepath.Join(dir, indexName), os.O_APPEND|os.O_WRONLY, 0)
			f.WriteString(`{"item":"zz","ident`)
			f.Close()

			re := mustOpen(t, dir, 250)
			for _, k := range []struct {
				item, identity string
				want           []byte
			}{{"a", "3", a}, {"b", "2", c}} {
				data, _, ok := re.Get(k.item, k.identity)
				if !ok || !bytes.Equal(data, k.want) {
					t.Fatalf("Get(%s, %s) after reopen: ok=%v", k.item, k.identity, ok)
				}
			}
			for _, k := range [][2]string{{"a", "1"}, {"b", "1"}, {"zz", ""}} {
				if _, _, ok := re.Get(k[0], k[1]); ok {
					t.Fatalf("stale entry %v after reopen", k)
				}
			}
			if re.Size() != 200 {
				t.Fatalf("Size %d after reopen", re.Size())
			}
			got := cachedNames(t, dir)
			want := []string{md5Hex(a), md5Hex(c)}
			slices.Sort(want)
			if !slices.Equal(got, want) {
				t.Fatalf("files %v, want %v", got, want)
			}
			if _, err := os.Stat(filepath.Join(dir, tempPrefix+"123")); !os.IsNotExist(err) {
				t.Fatal("temp file left behind")
			}
			idx, _ := os.ReadFile(filepath.Join(dir, indexName))
			if n := strings.Count(string(idx), "\n"); n != 2 {
				t.Fatalf("index not compacted: %q", idx)
			}
		}},
		{"reopen with a smaller cap prunes the least recently used", 0, func(t *testing.T, dir string, cache *Cache) {
			mustPut(t, cache, "a", "1", a)
			mustPut(t, cache, "b", "1", b)
			mustPut(t, cache, "c", "1", c)
			cache.Get("a", "1") // a is now the most recently used (mtime refreshed)
			re := mustOpen(t, dir, 150)
			if re.Len() != 1 {
				t.Fatalf("Len %d", re.Len())
			}
			if _, _, ok := re.Get("a", "1"); !ok {
				t.Fatal("the most recently used file was pruned")
			}
		}},
		{"index is compacted as it grows", 0, func(t *testing.T, dir string, cache *Cache) {
			for i := range 3000 { // new identities, same bytes: index records only
				mustPut(t, cache, "a", fmt.Sprint(i), a)
			}
			idx, _ := os.ReadFile(filepath.Join(dir, indexName))
			if n := strings.Count(string(idx), "\n"); n > 1100 {
				t.Fatalf("index has %d lines for one entry", n)
			}
			re := mustOpen(t, dir, 0)
			if _, _, ok := re.Get("a", "2999"); !ok || re.Len() != 1 {
				t.Fatalf("after reopen: ok=%v Len=%d", ok, re.Len())
			}
		}},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			dir := filepath.Join(t.TempDir(), "product_images")
			tt.run(t, dir, mustOpen(t, dir, tt.max))
		})
	}
}

func TestCacheConcurrent(t *testing.T) {
	dir := t.TempDir()
	cache := mustOpen(t, dir, 40*64)
	var wg sync.WaitGroup
	for w := range 8 {
		wg.Go(func() {
			for i := range 200 {
				item := fmt.Sprintf("item%d", (w*7+i)%50)
				identity := fmt.Sprint(i % 3)
				data := blob(64, byte(i%3)+byte((w*7+i)%50)*3)
				if i%2 == 0 {
					if err := cache.Put(item, identity, data, ""); err != nil {
						t.Error(err)
						return
					}
				}
				if got, sum, ok := cache.Get(item, identity); ok && md5Hex(got) != sum {
					t.Error("Get returned bytes that do not match their MD5")
					return
				}
				if i%37 == 0 {
					cache.Forget(item)
				}
				if s := cache.Size(); s > 40*64 {
					t.Errorf("Size %d over the cap", s)
					return
				}
			}
		})
	}
	wg.Wait()
	// The in-memory view matches the disk.
	var total int64
	for _, name := range cachedNames(t, dir) {
		fi, err := os.Stat(filepath.Join(dir, name))
		if err != nil {
			t.Fatal(err)
		}
		total += fi.Size()
	}
	if total != cache.Size() {
		t.Fatalf("files total %d bytes, Size() %d", total, cache.Size())
	}
	re := mustOpen(t, dir, 40*64)
	if re.Size() != cache.Size() || re.Len() != cache.Len() {
		t.Fatalf("reopened: Size %d Len %d, want %d %d", re.Size(), re.Len(), cache.Size(), cache.Len())
	}
}
