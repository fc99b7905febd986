package cli

import (
	"fmt"
	"io"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// printReadMode says how smart syncs read Zoho (docs/zoho.md#incremental-reads).
func printReadMode(w io.Writer, rm *zv1.ReadMode) {
	if rm == nil {
		return
	}
	mode := "full listing"
	if rm.GetMode() == zv1.ReadMode_MODE_INCREMENTAL {
		mode = "incremental"
	}
	fmt.Fprintf(w, "smart sync reads: %s (%s)\n", mode, rm.GetReason())
	if t := rm.GetCursor(); t != nil {
		fmt.Fprintf(w, "  cursor: %s", t.AsTime().Local().Format("2006-01-02 15:04:05"))
		if l := rm.GetLastFullListing(); l != nil {
			fmt.Fprintf(w, ", last full listing: %s", l.AsTime().Local().Format("2006-01-02 15:04:05"))
		}
		fmt.Fprintln(w)
	}
}
