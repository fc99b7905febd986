package engine

// In-memory fakes of Zoho, Odoo and the store for the stages' unit tests:
// fast and deterministic. The HTTP doubles (zohotest, odootest) serve the
// rig tests (harness_test.go) and the end-to-end suite.

import (
	"context"
	"encoding/json"
	"fmt"
	"maps"
	"slices"
	"sort"
	"strconv"
	"sync"

	zv1 "github.com/zohosync/zohosync/server/gen/zohosync/v1"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/odoo"
	"github.com/zohosync/zohosync/server/internal/store"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// item builds a Zoho item from its fields.
func item(id string, fields map[string]any) zoho.Item {
	it := zoho.Item{ID: id, Fields: map[string]json.RawMessage{"item_id": json.RawMessage(strconv.Quote(id))}}
	for k, v := range fields {
		b, _ := json.Marshal(v)
		it.Fields[k] = b
	}
	return it
}

// fakeZoho lists its items in pages of pageSize.
type fakeZoho struct {
	mu       sync.Mutex
	items    []zoho.Item
	pageSize int
	calls    int64
	listErr  error
	// gate, when set, is called before each listing of a page.
	gate func(ctx context.Context, page int)
	// ignoresFilter makes ListModified list everything, as a Books organisation may.
	ignoresFilter bool
	listCalls     int64 // ListItems and ListModified calls
}

func (z *fakeZoho) ListItems(ctx context.Context, _ zoho.Source, page int) (zoho.Page, error) {
	if z.gate != nil {
		z.gate(ctx, page)
		if err := ctx.Err(); err != nil {
			return zoho.Page{}, err
		}
	}
	z.mu.Lock()
	defer z.mu.Unlock()
	z.calls++
	z.listCalls++
	if z.listErr != nil {
		return zoho.Page{}, z.listErr
	}
	return z.pageOf(z.items, page), nil
}

func (z *fakeZoho) pageOf(items []zoho.Item, page int) zoho.Page {
	size := z.pageSize
	if size == 0 {
		size = 200
	}
	from := min((page-1)*size, len(items))
	to := min(from+size, len(items))
	return zoho.Page{Items: slices.Clone(items[from:to]), HasMore: to < len(items), Total: len(items)}
}

func (z *fakeZoho) ItemDetails(_ context.Context, _ zoho.Source, ids []string) ([]zoho.Item, error) {
	z.mu.Lock()
	defer z.mu.Unlock()
	z.calls++
	var out []zoho.Item
	for _, it := range z.items {
		if slices.Contains(ids, it.ID) {
			out = append(out, it)
		}
	}
	return out, nil
}

func (z *fakeZoho) Stats() zoho.Stats {
	z.mu.Lock()
	defer z.mu.Unlock()
	return zoho.Stats{Calls: z.calls}
}

// fakeOdoo keeps products in memory and speaks the engine's side of package odoo.
type fakeOdoo struct {
	mu       sync.Mutex
	products map[int64]odoo.Record
	xmlids   map[string]int64 // Zoho id → product
	nextID   int64
	calls    int64
	// refuse makes writes of these Zoho items' products fail with the reason.
	refuse map[string]string
	// noXMLID: the user may not read or write external ids.
	noXMLID bool
	// connectWait, when set, blocks Connect until the call's context ends.
	connectWait bool
	// connectGate, when set, blocks Connect until it is closed.
	connectGate chan struct{}
	writes      []odoo.ProductWrite
	writeCalls  int // WriteProducts calls (one per batch)
	imageCalls  int // SetImages calls
	images      map[int64][]byte
	// refuseImage makes a create carrying these Zoho items' pictures write
	// the product without it, with the reason.
	refuseImage map[string]string
	archiveMiss map[int64]bool // Archive says these are gone
	// taxes (tax_fakes_test.go): the company's taxes and Taxes' error.
	taxCompany int64
	taxes      []odoo.Tax
	taxErr     error
}

func newFakeOdoo() *fakeOdoo {
	return &fakeOdoo{products: map[int64]odoo.Record{}, xmlids: map[string]int64{}, refuse: map[string]string{}, refuseImage: map[string]string{}, images: map[int64][]byte{}, archiveMiss: map[int64]bool{}}
}

func (o *fakeOdoo) call() {
	o.mu.Lock()
	o.calls++
	o.mu.Unlock()
}

// add puts a product straight into Odoo (made by hand there).
func (o *fakeOdoo) add(vals map[string]any) int64 {
	o.mu.Lock()
	defer o.mu.Unlock()
	o.nextID++
	r := odoo.Record{"id": o.nextID}
	maps.Copy(r, vals)
	o.products[o.nextID] = r
	return o.nextID
}

var fakeFields = map[string]odoo.Field{
	"name": {Name: "name", Type: "char"}, "default_code": {Name: "default_code", Type: "char"},
	"list_price": {Name: "list_price", Type: "float"}, "standard_price": {Name: "standard_price", Type: "float"},
	"description_sale": {Name: "description_sale", Type: "text"}, "active": {Name: "active", Type: "boolean"},
	"uom_id":  {Name: "uom_id", Type: "many2one", Relation: "uom.uom"},
	"sale_ok": {Name: "sale_ok", Type: "boolean"}, "purchase_ok": {Name: "purchase_ok", Type: "boolean"},
	"type": {Name: "type", Type: "selection", Selection: []string{"consu", "service", "combo"}},
}

func (o *fakeOdoo) Connect(ctx context.Context, _ []string) (odoo.Schema, error) {
	o.call()
	if o.connectGate != nil {
		<-o.connectGate
	}
	if o.connectWait {
		<-ctx.Done()
		return odoo.Schema{}, fmt.Errorf("%w: %w", odoo.ErrUnreachable, ctx.Err())
	}
	v := odoo.Version{Serie: "18.0", Major: 18, Full: "18.0"}
	return odoo.Schema{Version: v, Fields: fakeFields, Dialect: odoo.DialectFor(v, fakeFields), Units: []odoo.UoM{{ID: 1, Name: "Units"}}}, nil
}

func (o *fakeOdoo) FindLinks(_ context.Context, zohoIDs []string) (map[string]int64, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.noXMLID {
		return nil, odoo.ErrNoExternalIDAccess
	}
	out := map[string]int64{}
	for _, z := range zohoIDs {
		if id, ok := o.xmlids[z]; ok {
			out[z] = id
		}
	}
	return out, nil
}

func (o *fakeOdoo) LinksOf(_ context.Context, ids []int64) (map[int64]string, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.noXMLID {
		return nil, odoo.ErrNoExternalIDAccess
	}
	out := map[int64]string{}
	for z, id := range o.xmlids {
		if slices.Contains(ids, id) {
			out[id] = z
		}
	}
	return out, nil
}

func (o *fakeOdoo) record(r odoo.Record, want odoo.Want) odoo.Record {
	out := odoo.Record{"id": r["id"]}
	for _, f := range want.Fields {
		out[f] = r[f]
	}
	if want.Image {
		out[odoo.ImageField] = ""
		if len(o.images[r.ID()]) > 0 {
			out[odoo.ImageField] = "1.2 Kb"
		}
	}
	return out
}

func (o *fakeOdoo) FindProducts(_ context.Context, by odoo.MatchKey, keys []string, want odoo.Want) ([]odoo.Record, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []odoo.Record
	for _, id := range slices.Sorted(maps.Keys(o.products)) {
		if r := o.products[id]; slices.Contains(keys, r.Key(by)) {
			out = append(out, o.record(r, want))
		}
	}
	return out, nil
}

func (o *fakeOdoo) ReadProducts(_ context.Context, ids []int64, want odoo.Want) ([]odoo.Record, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	var out []odoo.Record
	for _, id := range ids {
		if r, ok := o.products[id]; ok {
			out = append(out, o.record(r, want))
		}
	}
	return out, nil
}

func (o *fakeOdoo) WriteProducts(_ context.Context, ps []odoo.ProductWrite, batchSize int, each func([]odoo.Result)) error {
	for start := 0; start < len(ps); start += batchSize {
		o.call()
		var rs []odoo.Result
		o.mu.Lock()
		o.writeCalls++
		for i := start; i < min(start+batchSize, len(ps)); i++ {
			p := ps[i]
			o.writes = append(o.writes, p)
			if why, bad := o.refuse[p.ZohoID]; bad {
				rs = append(rs, odoo.Result{Index: i, ID: p.ID, Err: &odoo.Refusal{Reason: "Odoo refused the product: " + why}})
				continue
			}
			id := p.ID
			if id == 0 {
				if id = o.xmlids[p.ZohoID]; id == 0 {
					o.nextID++
					id = o.nextID
					o.products[id] = odoo.Record{"id": id}
					o.xmlids[p.ZohoID] = id
				}
			}
			fields := p.Fields
			if p.ID == 0 {
				fields = slices.Sorted(maps.Keys(p.Values))
			}
			for _, f := range fields {
				o.products[id][f] = p.Values[f]
			}
			r := odoo.Result{Index: i, ID: id}
			if why, bad := o.refuseImage[p.ZohoID]; bad && p.Image != nil {
				r.ImageErr = &odoo.Refusal{Reason: "Odoo refused the image: " + why}
			} else if p.Image != nil {
				o.images[id] = p.Image
			}
			rs = append(rs, r)
		}
		o.mu.Unlock()
		each(rs)
	}
	return nil
}

func (o *fakeOdoo) Link(_ context.Context, links map[string]int64) error {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	if o.noXMLID {
		return odoo.ErrNoExternalIDAccess
	}
	maps.Copy(o.xmlids, links)
	return nil
}

func (o *fakeOdoo) Archive(_ context.Context, ids []int64) ([]odoo.Result, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]odoo.Result, len(ids))
	for i, id := range ids {
		out[i] = odoo.Result{Index: i, ID: id}
		if o.archiveMiss[id] {
			out[i].Err = fmt.Errorf("record %d: %w", id, odoo.ErrMissingRecord)
			continue
		}
		o.products[id]["active"] = false
	}
	return out, nil
}

func (o *fakeOdoo) SetImages(_ context.Context, imgs []odoo.Image) ([]odoo.Result, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	o.imageCalls++
	out := make([]odoo.Result, len(imgs))
	for i, img := range imgs {
		o.images[img.ID] = img.Data
		out[i] = odoo.Result{Index: i, ID: img.ID}
	}
	return out, nil
}

func (o *fakeOdoo) ClearImages(_ context.Context, ids []int64) ([]odoo.Result, error) {
	o.call()
	o.mu.Lock()
	defer o.mu.Unlock()
	out := make([]odoo.Result, len(ids))
	for i, id := range ids {
		delete(o.images, id)
		out[i] = odoo.Result{Index: i, ID: id}
	}
	return out, nil
}

func (o *fakeOdoo) Stats() odoo.Stats {
	o.mu.Lock()
	defer o.mu.Unlock()
	return odoo.Stats{Calls: o.calls}
}

// fakeStore is the store in memory.
type fakeStore struct {
	mu    sync.Mutex
	items map[string]store.ItemState
	runs  map[string]*zv1.Run
	runID int64
	meta  map[string][]byte
}

func newFakeStore() *fakeStore {
	return &fakeStore{items: map[string]store.ItemState{}, runs: map[string]*zv1.Run{}}
}

func (s *fakeStore) Items(ids []string) (map[string]store.ItemState, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[string]store.ItemState{}
	for _, id := range ids {
		if st, ok := s.items[id]; ok {
			out[id] = st
		}
	}
	return out, nil
}

func (s *fakeStore) PutItems(states []store.ItemState) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, st := range states {
		s.items[st.ZohoID] = st
	}
	return nil
}

func (s *fakeStore) DeleteItem(id string) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	delete(s.items, id)
	return nil
}

func (s *fakeStore) ScanItems(after string, fn func(store.ItemState) bool) error {
	s.mu.Lock()
	ids := slices.Sorted(maps.Keys(s.items))
	s.mu.Unlock()
	for _, id := range ids {
		if id <= after {
			continue
		}
		s.mu.Lock()
		st := s.items[id]
		s.mu.Unlock()
		if !fn(st) {
			return nil
		}
	}
	return nil
}

func (s *fakeStore) FailedIDs(after string, limit int) ([]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []string
	for _, id := range slices.Sorted(maps.Keys(s.items)) {
		if id > after && s.items[id].State == store.StateFailed && len(out) < limit {
			out = append(out, id)
		}
	}
	return out, nil
}

func (s *fakeStore) LinkedOdooIDs(ids []int64) (map[int64]string, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	out := map[int64]string{}
	for z, st := range s.items {
		if st.OdooID != 0 && slices.Contains(ids, st.OdooID) {
			out[st.OdooID] = z
		}
	}
	return out, nil
}

func (s *fakeStore) CheckSpace() error { return nil }

func (s *fakeStore) NextRunID() (int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runID++
	return s.runID, nil
}

func (s *fakeStore) PutRun(r *zv1.Run) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.runs[r.Id] = r
	return nil
}

func (s *fakeStore) Run(id string) (*zv1.Run, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if r, ok := s.runs[id]; ok {
		return r, nil
	}
	return nil, store.ErrNotFound
}

func (s *fakeStore) Runs(_ int64, limit int, keep func(*zv1.Run) bool) ([]*zv1.Run, int64, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []*zv1.Run
	for _, r := range s.runs {
		if keep == nil || keep(r) {
			out = append(out, r)
		}
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Id > out[j].Id })
	if limit > 0 && len(out) > limit {
		out = out[:limit]
	}
	return out, int64(len(out)), nil
}

// fakeImages serves images by item id: bytes, or a problem.
type fakeImages struct {
	mu      sync.Mutex
	data    map[string][]byte
	problem map[string]string
	fetched []string
}

func (f *fakeImages) Fetch(_ context.Context, itemID, _ string) (images.Result, error) {
	f.mu.Lock()
	defer f.mu.Unlock()
	f.fetched = append(f.fetched, itemID)
	if p, ok := f.problem[itemID]; ok {
		return images.Result{Downloaded: true}, &images.Problem{Reason: p}
	}
	d := f.data[itemID]
	return images.Result{Data: d, MD5: fmt.Sprintf("md5-%x", d), Downloaded: true, BytesDownloaded: int64(len(d))}, nil
}
