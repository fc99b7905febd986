package engine

import (
	"context"
	"slices"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
)

// idsPerCall is how many ids one /itemdetails call asks for: the most the
// zoho client sends (docs/zoho.md#listing-items; Zoho documents no maximum).
const idsPerCall = 100

// StartItems begins a webhook run that reads these Zoho items by id and syncs
// them. When a run is in progress it starts nothing and returns that run with
// already = true: the caller keeps the ids and tries again after it ends.
func (e *Engine) StartItems(ids []string) (run *zv1.Run, already bool, err error) {
	ids = slices.Compact(slices.Sorted(slices.Values(ids)))
	if len(ids) == 0 {
		return nil, false, nil
	}
	return e.start(zv1.RunKind_RUN_KIND_WEBHOOK, false, zv1.RunTrigger_RUN_TRIGGER_WEBHOOK, ids)
}

// syncIDs reads the given items by id and handles them like a page: what
// Zoho returns is synced; what it no longer has is archived (or forgotten
// when it never had a product), and nothing is created for it
// (docs/zoho.md#webhooks: a webhook is only a hint).
func (s *syncRun) syncIDs(ctx context.Context, ids []string) error {
	s.report.addTotal(int64(len(ids)))
	for len(ids) > 0 {
		chunk := ids[:min(len(ids), idsPerCall)]
		ids = ids[len(chunk):]
		if err := s.syncChunk(ctx, chunk); err != nil {
			return err
		}
	}
	return nil
}
