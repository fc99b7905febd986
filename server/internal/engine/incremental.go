package engine

import (
	"context"
	"errors"
	"fmt"
	"time"

	"google.golang.org/protobuf/types/known/timestamppb"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// Incremental reads (docs/zoho.md#incremental-reads): a smart sync reads only
// the items modified since a cursor kept in the store, and lists everything
// when it has no cursor, when the last full listing is older than the
// setting, or when Zoho Books ignores the filter.

// probeEvery is how long a Books answer about the filter is trusted.
const probeEvery = 24 * time.Hour

// readState is what the store keeps per source and organisation.
type readState struct {
	// Every item modified before Cursor is committed (or recorded as failed,
	// and so retried by every smart sync until it is not).
	Cursor          time.Time `json:"cursor,omitzero"`
	LastFullListing time.Time `json:"last_full_listing,omitzero"`
	FilterIgnored   bool      `json:"filter_ignored,omitempty"` // Books answered the probe with an item
	ProbedAt        time.Time `json:"probed_at,omitzero"`
}

func readStateKey(z config.Zoho) string {
	return "read_cursor/" + z.ItemSource + "/" + z.OrganizationID
}

func loadReadState(st Store, z config.Zoho) (readState, error) {
	var rs readState
	if err := st.GetMeta(readStateKey(z), &rs); err != nil && !errors.Is(err, store.ErrNotFound) {
		return readState{}, err
	}
	return rs, nil
}

// readDecision is how a run reads Zoho.
type readDecision struct {
	mode     zv1.ReadMode_Mode
	reason   string
	probeDue bool // Books: the filter must be checked (one call) before reading incrementally
}

// decideRead chooses the read mode of a run of this kind; it does no I/O.
func decideRead(kind zv1.RunKind, z config.Zoho, rs readState, now time.Time) readDecision {
	full := func(reason string) readDecision {
		return readDecision{mode: zv1.ReadMode_MODE_FULL_LISTING, reason: reason}
	}
	switch {
	case kind == zv1.RunKind_RUN_KIND_FULL:
		return full("a full sync lists every item")
	case z.FullListingEvery <= 0:
		return full("full_listing_hours is 0: every smart sync lists every item")
	case rs.LastFullListing.IsZero() || rs.Cursor.IsZero():
		return full("no complete listing yet: the first one sets the cursor")
	case now.Sub(rs.LastFullListing) >= z.FullListingEvery:
		return full(fmt.Sprintf("the last full listing (%s) is older than full_listing_hours (%g h): it catches deletions and anything the cursor missed",
			rs.LastFullListing.UTC().Format(time.RFC3339), z.FullListingEvery.Hours()))
	}
	if zoho.Source(z.ItemSource) == zoho.Books {
		if rs.ProbedAt.IsZero() || now.Sub(rs.ProbedAt) >= probeEvery {
			return readDecision{mode: zv1.ReadMode_MODE_INCREMENTAL, probeDue: true,
				reason: "items modified since the cursor, once a check confirms that Zoho Books honours the last_modified_time filter"}
		}
		if rs.FilterIgnored {
			return full(fmt.Sprintf("Zoho Books ignores the last_modified_time filter for this organisation (checked %s)", rs.ProbedAt.UTC().Format(time.RFC3339)))
		}
		return readDecision{mode: zv1.ReadMode_MODE_INCREMENTAL, reason: fmt.Sprintf("items modified since the cursor, less %s (Zoho Books honours the filter, checked %s)",
			z.ModifiedOverlap, rs.ProbedAt.UTC().Format(time.RFC3339))}
	}
	return readDecision{mode: zv1.ReadMode_MODE_INCREMENTAL, reason: fmt.Sprintf("items modified since the cursor, less %s (Zoho Inventory documents the filter)", z.ModifiedOverlap)}
}

// ReadMode is how the next smart sync reads Zoho, for GetStatus.
func (e *Engine) ReadMode() (*zv1.ReadMode, error) {
	z := e.d.Config.Zoho
	rs, err := loadReadState(e.d.Store, z)
	if err != nil {
		return nil, err
	}
	d := decideRead(zv1.RunKind_RUN_KIND_SMART, z, rs, e.now())
	rm := &zv1.ReadMode{Mode: d.mode, Reason: d.reason}
	if !rs.Cursor.IsZero() {
		rm.Cursor = timestamppb.New(rs.Cursor)
	}
	if !rs.LastFullListing.IsZero() {
		rm.LastFullListing = timestamppb.New(rs.LastFullListing)
	}
	return rm, nil
}

// cursor follows a listing and moves the stored cursor only over items that
// are committed: a crash or a failed page leaves it where it was, so the next
// run reads those items again.
type cursor struct {
	store   Store
	key     string
	dry     bool
	now     func() time.Time
	state   readState
	since   time.Time // incremental: the filter sent; zero for a full listing
	ordered bool      // pages come in ascending last_modified_time order
	started time.Time // when the listing started: the cursor never passes it
	max     time.Time // newest last_modified_time among committed items
	handled map[string]bool
}

// chooseRead decides this run's read (probing Books when due) and returns
// the cursor that follows it.
func (s *syncRun) chooseRead(ctx context.Context) (*cursor, error) {
	z := s.cfg.Zoho
	rs, err := loadReadState(s.store, z)
	if err != nil {
		return nil, err
	}
	c := &cursor{store: s.store, key: readStateKey(z), dry: s.dry, now: s.now, state: rs, started: s.now(), handled: map[string]bool{}}
	d := decideRead(s.kind, z, rs, s.now())
	if d.probeDue {
		honoured, err := s.zoho.ModifiedFilterHonoured(ctx, s.read.src, s.now().In(rs.Cursor.Location()))
		if err != nil {
			if ctx.Err() != nil {
				return nil, errCancelled
			}
			s.log.Warn("could not check whether Zoho Books honours the last_modified_time filter; listing every item", "error", err)
			d = readDecision{mode: zv1.ReadMode_MODE_FULL_LISTING, reason: "the check of the last_modified_time filter failed: " + err.Error()}
		} else {
			c.state.FilterIgnored, c.state.ProbedAt = !honoured, s.now()
			if err := c.save(); err != nil {
				return nil, err
			}
			d = decideRead(s.kind, z, c.state, s.now())
		}
	}
	if d.mode == zv1.ReadMode_MODE_INCREMENTAL {
		c.since = rs.Cursor.Add(-z.ModifiedOverlap)
		c.ordered = zoho.SortsByModified(s.read.src)
	}
	s.log.Info("read mode", "mode", d.mode.String(), "reason", d.reason, "since", c.since)
	return c, nil
}

func (c *cursor) incremental() bool { return !c.since.IsZero() }

// committed notes a page whose items are all recorded in the store (written,
// unchanged or failed); in ascending order the cursor moves at once.
func (c *cursor) committed(items []zoho.Item) error {
	for _, it := range items {
		c.handled[it.ID] = true
		if t := it.LastModified(); t.After(c.max) {
			c.max = t
		}
	}
	if c.incremental() && c.ordered {
		return c.advance()
	}
	return nil
}

// listed notes that the listing reached its last page.
func (c *cursor) listed() error {
	if !c.incremental() {
		c.state.LastFullListing = c.now()
	}
	return c.advance()
}

// advance moves the cursor to the newest committed item, but never past the
// start of the listing: an item edited while the pages were read may have
// shifted off a page, and the next run must read it again.
func (c *cursor) advance() error {
	if c.max.IsZero() {
		if !c.incremental() && !c.state.LastFullListing.IsZero() {
			return c.save()
		}
		return nil
	}
	next := c.max
	if start := c.started.In(c.max.Location()); start.Before(next) {
		next = start
	}
	if next.After(c.state.Cursor) || c.state.Cursor.IsZero() {
		c.state.Cursor = next
	} else if c.incremental() {
		return nil
	}
	return c.save()
}

func (c *cursor) save() error {
	if c.dry {
		return nil
	}
	if err := c.store.PutMeta(c.key, c.state); err != nil {
		return fmt.Errorf("cannot record the read cursor in the data directory: %w", err)
	}
	return nil
}
