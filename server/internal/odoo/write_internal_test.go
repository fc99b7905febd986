package odoo

import (
	"fmt"
	"testing"
)

func TestCutBatchesByRowsAndPictureBytes(t *testing.T) {
	mb := func(n int) []byte { return make([]byte, n<<20) }
	cases := []struct {
		images []int // MB of picture per row (0: none)
		size   int
		want   string
	}{
		{[]int{0, 0, 0, 0, 0}, 2, "[[0 1] [2 3] [4]]"},
		{[]int{3, 3, 3, 3, 3}, 100, "[[0 1 2] [3 4]]"}, // cut once 8 MB is reached
		{[]int{9, 0, 1}, 100, "[[0] [1 2]]"},
		{[]int{1, 1}, 1, "[[0] [1]]"},
	}
	for _, tc := range cases {
		ps := make([]ProductWrite, len(tc.images))
		idx := make([]int, len(tc.images))
		for i, n := range tc.images {
			idx[i] = i
			if n > 0 {
				ps[i].Image = mb(n)
			}
		}
		if got := fmt.Sprint(cutBatches(idx, ps, tc.size)); got != tc.want {
			t.Errorf("%v size %d: %s, want %s", tc.images, tc.size, got, tc.want)
		}
	}
}
