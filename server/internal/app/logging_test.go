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

func TestCheckListen(t *testing.T) {
	cases := []struct {
		addr  string
		token bool
		ok    bool
	}{
		{"127.0.0.1:50051", false, true}, {"localhost:1", false, true}, {"[::1]:1", false, true},
		{"0.0.0.0:50051", false, false}, {"10.0.0.5:1", false, false}, {"0.0.0.0:50051", true, true}, {"nonsense", true, false},
	}
	for _, tc := range cases {
		if err := checkListen(tc.addr, tc.token); (err == nil) != tc.ok {
			t.Errorf("checkListen(%q, token=%v) = %v", tc.addr, tc.token, err)
		}
	}
}
