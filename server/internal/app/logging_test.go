package app

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

func TestRotatingFileKeepsNFiles(t *testing.T) {
	path := filepath.Join(t.TempDir(), "logs", "x.log")
	f, err := OpenRotating(path, 100, 3)
	if err != nil {
		t.Fatal(err)
	}
	line := strings.Repeat("a", 39) + "\n"
	for i := 0; i < 30; i++ {
		if _, err := f.Write([]byte(line)); err != nil {
			t.Fatal(err)
		}
	}
	f.Close()
	for _, name := range []string{"x.log", "x.log.1", "x.log.2", "x.log.3"} {
		st, err := os.Stat(filepath.Join(filepath.Dir(path), name))
		if err != nil {
			t.Fatalf("%s: %v", name, err)
		}
		if st.Size() > 100 {
			t.Fatalf("%s is %d bytes, over the 100-byte limit", name, st.Size())
		}
	}
	if _, err := os.Stat(path + ".4"); err == nil {
		t.Fatal("more than 3 old files kept")
	}
}
