package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"os"
	"sort"
	"strconv"
	"time"

	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// pythonState is the Python tool's data/product_sync_data.json (docs/python-tool.md#state-file).
type pythonState struct {
	LastSync string `json:"last_sync"`
	Products map[string]struct {
		OdooID       json.Number `json:"odoo_id"`
		LastModified string      `json:"last_modified"`
		Checksum     string      `json:"checksum"`
	} `json:"products"`
}

func cmdImportState(_ context.Context, io IO, args []string) int {
	fs := newFlags(io, "import-state", "import-state FILE --data-dir DIR [--overwrite]")
	dataDir := fs.String("data-dir", "data", "the server's data directory (the server must be stopped)")
	overwrite := fs.Bool("overwrite", false, "replace items zohosync already tracks (default: keep them)")
	pos, code, ok := fs.parse(args)
	if !ok {
		return code
	}
	if len(pos) != 1 {
		return fs.fail("give the Python tool's state file, e.g. data/product_sync_data.json")
	}
	data, err := os.ReadFile(pos[0])
	if err != nil {
		fmt.Fprintf(io.Stderr, "zohosync import-state: cannot read %s: %v\n", pos[0], err)
		return ExitFailed
	}
	var state pythonState
	if err := json.Unmarshal(data, &state); err != nil {
		fmt.Fprintf(io.Stderr, "zohosync import-state: %s is not the Python tool's state file: %v\n", pos[0], err)
		return ExitFailed
	}
	if state.Products == nil {
		fmt.Fprintf(io.Stderr, "zohosync import-state: %s has no \"products\" object\n", pos[0])
		return ExitFailed
	}
	st, err := store.Open(*dataDir, store.Options{})
	if err != nil {
		fmt.Fprintf(io.Stderr, "zohosync import-state: %v\n", err)
		return ExitFailed
	}
	defer st.Close()
	ids := make([]string, 0, len(state.Products))
	for id := range state.Products {
		ids = append(ids, id)
	}
	sort.Strings(ids)
	var imported, kept, skipped int
	for start := 0; start < len(ids); start += 500 {
		chunk := ids[start:min(start+500, len(ids))]
		existing, err := st.Items(chunk)
		if err != nil {
			fmt.Fprintf(io.Stderr, "zohosync import-state: %v\n", err)
			return ExitFailed
		}
		var batch []store.ItemState
		for _, id := range chunk {
			p := state.Products[id]
			odooID, err := strconv.ParseInt(p.OdooID.String(), 10, 64)
			if err != nil || odooID <= 0 {
				skipped++
				continue
			}
			if _, ok := existing[id]; ok && !*overwrite {
				kept++
				continue
			}
			// No checksum: the Python tool's checksums use another algorithm (docs/python-tool.md#state-file), so the
			// first run compares each product with Odoo and writes only what differs.
			item := store.ItemState{ZohoID: id, OdooID: odooID, State: store.StateSynced, LinkedBy: "imported"}
			if t, err := zoho.ParseTime(p.LastModified); err == nil {
				item.ZohoModified = t
			}
			if t, err := time.Parse("2006-01-02T15:04:05", state.LastSync); err == nil {
				item.LastSyncedAt = t
			}
			batch = append(batch, item)
		}
		if err := st.PutItems(batch); err != nil {
			fmt.Fprintf(io.Stderr, "zohosync import-state: %v\n", err)
			return ExitFailed
		}
		imported += len(batch)
	}
	fmt.Fprintf(io.Stdout, "imported %d items from %s", imported, pos[0])
	if kept > 0 {
		fmt.Fprintf(io.Stdout, "; kept %d already tracked (use --overwrite to replace)", kept)
	}
	if skipped > 0 {
		fmt.Fprintf(io.Stdout, "; skipped %d without an Odoo id", skipped)
	}
	fmt.Fprintln(io.Stdout, "\nthe next run compares each imported product with Odoo and links it; nothing is created twice")
	return ExitOK
}
