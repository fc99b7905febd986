package engine

import (
	"context"
	"time"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// What the engine needs from its collaborators, each stage naming only its part.

// ZohoSource is what the engine needs from Zoho (*zoho.Client).
type ZohoSource interface {
	ListItems(ctx context.Context, src zoho.Source, page int) (zoho.Page, error)
	ItemDetails(ctx context.Context, src zoho.Source, ids []string) ([]zoho.Item, error)
	ListModified(ctx context.Context, src zoho.Source, since time.Time, page int) (zoho.Page, error)
	ModifiedFilterHonoured(ctx context.Context, src zoho.Source, now time.Time) (bool, error)
	Stats() zoho.Stats
}

// OdooTarget is what the engine needs from Odoo (*odoo.Client): products and
// results, never the wire.
type OdooTarget interface {
	// Connect logs in and reads the product schema.
	Connect(ctx context.Context, mapped []string) (odoo.Schema, error)
	odooFinder
	odooWriter
	odooPictures
	odooStock
	odooTaxes
	Stats() odoo.Stats
}

// odooFinder is what the lookup stage reads.
type odooFinder interface {
	FindLinks(ctx context.Context, zohoIDs []string) (map[string]int64, error)
	LinksOf(ctx context.Context, odooIDs []int64) (map[int64]string, error)
	FindProducts(ctx context.Context, by odoo.MatchKey, keys []string, want odoo.Want) ([]odoo.Record, error)
	ReadProducts(ctx context.Context, ids []int64, want odoo.Want) ([]odoo.Record, error)
}

// odooWriter is what the write and archive stages write.
type odooWriter interface {
	WriteProducts(ctx context.Context, ps []odoo.ProductWrite, batchSize int, each func([]odoo.Result)) error
	Link(ctx context.Context, links map[string]int64) error
	Archive(ctx context.Context, ids []int64) ([]odoo.Result, error)
}

// odooPictures is what the image stage writes.
type odooPictures interface {
	SetImages(ctx context.Context, imgs []odoo.Image) ([]odoo.Result, error)
	ClearImages(ctx context.Context, ids []int64) ([]odoo.Result, error)
}

// odooStock is what the stock stage reads and writes (docs/odoo.md#stock-on-hand).
type odooStock interface {
	Warehouses(ctx context.Context) ([]odoo.Warehouse, error)
	ReadStock(ctx context.Context, templateIDs []int64, whs []odoo.Warehouse) (map[int64]odoo.StockProduct, map[odoo.StockKey]odoo.StockLevel, error)
	ApplyStock(ctx context.Context, sets []odoo.StockSet, batchSize int) ([]odoo.Result, error)
}

// odooTaxes is what the tax part reads, once a run (docs/odoo.md#taxes).
type odooTaxes interface {
	Taxes(ctx context.Context) (company int64, taxes []odoo.Tax, err error)
}

// ImageFetcher gets an item's checked image (*images.Fetcher).
type ImageFetcher interface {
	Fetch(ctx context.Context, itemID, identity string) (images.Result, error)
}

// QuotaPlanner says how many Zoho calls fit in the day's allowance above the
// reserve kept for the organisation's other apps (*quota.Planner).
type QuotaPlanner interface {
	// Spare is the calls left above the reserve and when the window resets;
	// known is false until Zoho has told the figures.
	Spare() (calls int64, resetsAt time.Time, known bool)
}

// Store is the state the engine keeps (*store.Store).
type Store interface {
	Items(ids []string) (map[string]store.ItemState, error)
	PutItems(states []store.ItemState) error
	DeleteItem(id string) error
	ScanItems(after string, fn func(store.ItemState) bool) error
	FailedIDs(after string, limit int) ([]string, error)
	LinkedOdooIDs(ids []int64) (map[int64]string, error)
	CheckSpace() error
	NextRunID() (int64, error)
	PutRun(r *zv1.Run) error
	Run(id string) (*zv1.Run, error)
	Runs(before int64, limit int, keep func(*zv1.Run) bool) ([]*zv1.Run, int64, error)
	GetMeta(name string, v any) error
	PutMeta(name string, v any) error
}

var _ Store = (*store.Store)(nil)
var _ OdooTarget = (*odoo.Client)(nil)
