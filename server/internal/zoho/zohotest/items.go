package zohotest

import (
	"cmp"
	"fmt"
	"math/rand/v2"
	"slices"
	"strconv"
	"strings"
	"time"
)

// OrgLocation is the organization's time zone: timestamps are rendered in it
// and the daily quota resets at its midnight.
var OrgLocation = time.FixedZone("IST", 5*3600+30*60)

// OrgTimeZone is the organization's time_zone field.
const OrgTimeZone = "Asia/Calcutta"

// TimeLayout is Zoho's timestamp layout (offset without colon, docs/zoho.md#timestamps).
const TimeLayout = "2006-01-02T15:04:05-0700"

// idBase is where generated ids start: above 2^53 so that float64 decoders break.
const idBase uint64 = 2077500000000000000

// Item is one Zoho item as the emulator stores it. Responses are rendered
// from it in Zoho's shape (docs/zoho.md#item-fields): ids as JSON strings,
// rate/purchase_rate/tax_percentage as JSON numbers, reorder_level and
// dimensions as strings ("" when unset), timestamps in TimeLayout at +0530.
type Item struct {
	ItemID              string
	Name                string
	Status              string // "active" | "inactive"
	Description         string
	SKU                 string
	Unit                string
	Rate                float64
	PurchaseRate        float64
	PurchaseDescription string
	ProductType         string // "goods" | "service"
	ItemType            string // "sales" | "purchases" | "sales_and_purchases" | "inventory"
	TaxID               string
	TaxName             string
	TaxPercentage       float64
	// PurchaseTaxID/Name/Percentage are a purchase tax of the item's own,
	// rendered as purchase_tax_* only when PurchaseTaxName is set
	// (docs/zoho.md#taxes); Taxable overrides is_taxable, which otherwise is
	// true exactly when the item has a sales tax.
	PurchaseTaxID         string
	PurchaseTaxName       string
	PurchaseTaxPercentage float64
	Taxable               *bool

	// Variants (Inventory item groups).
	GroupID    string
	GroupName  string
	Attributes []Attribute // up to 3, rendered as attribute_*1..3 (Inventory only)

	Brand        string
	Manufacturer string
	UPC, EAN     string // Inventory only
	ReorderLevel string // "" when unset
	Length       string // package dimensions, "" when unset
	Width        string
	Height       string
	Weight       string
	// Units of the measures: "" renders Zoho's defaults, cm and kg.
	DimensionUnit, WeightUnit string
	CategoryName              string // Inventory only
	ISBN                      string // Inventory only

	TrackInventory bool    // stock fields are rendered only when true
	StockOnHand    float64 // when TrackInventory
	// Locations (item details) replace the single "Main" location; older
	// organisations list them as warehouses (docs/zoho.md#stock-on-hand).
	Locations     []ItemLocation
	OldWarehouses bool

	// Image: all empty = no image. ImageID (Inventory's image_id) differs
	// from ImageDocumentID on purpose (docs/zoho.md#item-images).
	ImageName       string
	ImageType       string // "png", "jpg", ...
	ImageDocumentID string
	ImageID         string

	CustomFields []CustomField // detail only

	CreatedTime      time.Time
	LastModifiedTime time.Time
}

// Attribute is one variant attribute of an item in a group (Size=Small).
type Attribute struct {
	ID, Name, OptionID, OptionName string
}

// CustomField is one entry of custom_fields.
type CustomField struct {
	ID, Label, APIName, Value string
}

// HasImage reports whether the item advertises an image.
func (it *Item) HasImage() bool { return it.ImageDocumentID != "" || it.ImageName != "" }

func (it Item) clone() *Item {
	it.Attributes = slices.Clone(it.Attributes)
	it.CustomFields = slices.Clone(it.CustomFields)
	return &it
}

// compareIDs orders numeric ids numerically (shorter first), then bytewise.
func compareIDs(a, b string) int {
	if c := cmp.Compare(len(a), len(b)); c != 0 {
		return c
	}
	return strings.Compare(a, b)
}

// ---- store API ----

// Items returns a snapshot of the catalogue in item_id order.
func (s *Server) Items() []Item {
	s.mu.Lock()
	defer s.mu.Unlock()
	es := s.sortedLocked("item_id", false)
	out := make([]Item, len(es))
	for i, e := range es {
		out[i] = *e.it.clone()
	}
	return out
}

// Item returns one item.
func (s *Server) Item(id string) (Item, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	it, ok := s.items[id]
	if !ok {
		return Item{}, false
	}
	return *it.clone(), true
}

// Len returns the number of items.
func (s *Server) Len() int {
	s.mu.Lock()
	defer s.mu.Unlock()
	return len(s.items)
}

// NewID returns a fresh id (above 2^53, larger than every id handed out so far).
func (s *Server) NewID() string {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.newIDLocked()
}

func (s *Server) newIDLocked() string {
	s.lastID += 17
	return strconv.FormatUint(s.lastID, 10)
}

func (s *Server) noteIDLocked(id string) {
	if n, err := strconv.ParseUint(id, 10, 64); err == nil && n > s.lastID {
		s.lastID = n
	}
}

// PutItem adds or replaces an item and bumps its LastModifiedTime to Now().
// An empty ItemID gets a new id; an empty Status becomes "active"; a zero
// CreatedTime becomes Now() (or the replaced item's CreatedTime).
func (s *Server) PutItem(it Item) {
	s.mu.Lock()
	defer s.mu.Unlock()
	now := s.now().Truncate(time.Second)
	if it.ItemID == "" {
		it.ItemID = s.newIDLocked()
	}
	s.noteIDLocked(it.ItemID)
	if it.Status == "" {
		it.Status = "active"
	}
	if it.CreatedTime.IsZero() {
		if old, ok := s.items[it.ItemID]; ok {
			it.CreatedTime = old.CreatedTime
		} else {
			it.CreatedTime = now
		}
	}
	it.LastModifiedTime = now
	s.storeLocked(it.clone())
}

// UpdateItem edits an item (f gets a copy; the id cannot change) and bumps
// LastModifiedTime. It reports whether the item exists.
func (s *Server) UpdateItem(id string, f func(*Item)) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.items[id]
	if !ok {
		return false
	}
	it := old.clone()
	f(it)
	it.ItemID = id
	it.LastModifiedTime = s.now().Truncate(time.Second)
	s.storeLocked(it)
	return true
}

// DeleteItem removes an item: it vanishes from lists and its detail answers
// 404 code 1002. It reports whether the item existed.
func (s *Server) DeleteItem(id string) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	if _, ok := s.items[id]; !ok {
		return false
	}
	s.removeLocked(id)
	delete(s.custom, id)
	return true
}

// ---- sorted index ----

// entry caches the lowered strings used by sorting and filtering.
type entry struct {
	it                 *Item
	lname, lsku, ldesc string
	ltax               string
	reorder            float64
}

func newEntry(it *Item) *entry {
	e := &entry{
		it:    it,
		lname: strings.ToLower(it.Name),
		lsku:  strings.ToLower(it.SKU),
		ldesc: strings.ToLower(it.Description),
		ltax:  strings.ToLower(it.TaxName),
	}
	e.reorder, _ = strconv.ParseFloat(it.ReorderLevel, 64)
	return e
}

// index holds one entry per item and the sorted orders computed so far.
// Mutations update it incrementally (O(n) memmove per cached order) instead
// of re-sorting, so edits on a 100k catalogue stay cheap.
type index struct {
	byID   map[string]*entry
	sorted map[string][]*entry // "col" or "col D" → entries
}

var sortColumns = map[string]func(a, b *entry) int{
	"name":               func(a, b *entry) int { return strings.Compare(a.lname, b.lname) },
	"sku":                func(a, b *entry) int { return strings.Compare(a.lsku, b.lsku) },
	"rate":               func(a, b *entry) int { return cmp.Compare(a.it.Rate, b.it.Rate) },
	"purchase_rate":      func(a, b *entry) int { return cmp.Compare(a.it.PurchaseRate, b.it.PurchaseRate) },
	"tax_name":           func(a, b *entry) int { return strings.Compare(a.ltax, b.ltax) },
	"created_time":       func(a, b *entry) int { return a.it.CreatedTime.Compare(b.it.CreatedTime) },
	"last_modified_time": func(a, b *entry) int { return a.it.LastModifiedTime.Compare(b.it.LastModifiedTime) },
	"item_id":            func(a, b *entry) int { return 0 },
	"reorder_level":      func(a, b *entry) int { return cmp.Compare(a.reorder, b.reorder) },
	"stock_on_hand":      func(a, b *entry) int { return cmp.Compare(a.it.StockOnHand, b.it.StockOnHand) },
}

// comparator returns the total order of a sort key: the column, ties broken
// by item_id, the whole order reversed for "D".
func comparator(key string) func(a, b *entry) int {
	col, desc := strings.CutSuffix(key, " D")
	byCol := sortColumns[col]
	if desc {
		return func(a, b *entry) int {
			if c := byCol(a, b); c != 0 {
				return -c
			}
			return -compareIDs(a.it.ItemID, b.it.ItemID)
		}
	}
	return func(a, b *entry) int {
		if c := byCol(a, b); c != 0 {
			return c
		}
		return compareIDs(a.it.ItemID, b.it.ItemID)
	}
}

func (s *Server) indexLocked() *index {
	if s.idx == nil {
		byID := make(map[string]*entry, len(s.items))
		for id, it := range s.items {
			byID[id] = newEntry(it)
		}
		s.idx = &index{byID: byID, sorted: map[string][]*entry{}}
	}
	return s.idx
}

func (s *Server) sortedLocked(col string, desc bool) []*entry {
	idx := s.indexLocked()
	key := col
	if desc {
		key += " D"
	}
	if es, ok := idx.sorted[key]; ok {
		return es
	}
	es := make([]*entry, 0, len(idx.byID))
	for _, e := range idx.byID {
		es = append(es, e)
	}
	slices.SortFunc(es, comparator(key))
	idx.sorted[key] = es
	return es
}

// storeLocked puts it (a private copy) in the catalogue and the index.
func (s *Server) storeLocked(it *Item) {
	s.removeFromIndexLocked(it.ItemID)
	s.items[it.ItemID] = it
	if s.idx == nil {
		return
	}
	e := newEntry(it)
	s.idx.byID[it.ItemID] = e
	for key, es := range s.idx.sorted {
		c := comparator(key)
		i, _ := slices.BinarySearchFunc(es, e, c)
		s.idx.sorted[key] = slices.Insert(es, i, e)
	}
}

func (s *Server) removeLocked(id string) {
	s.removeFromIndexLocked(id)
	delete(s.items, id)
}

func (s *Server) removeFromIndexLocked(id string) {
	if s.idx == nil {
		return
	}
	old, ok := s.idx.byID[id]
	if !ok {
		return
	}
	delete(s.idx.byID, id)
	for key, es := range s.idx.sorted {
		if i, found := slices.BinarySearchFunc(es, old, comparator(key)); found && es[i] == old {
			s.idx.sorted[key] = slices.Delete(es, i, i+1)
		} else if i := slices.Index(es, old); i >= 0 { // cannot happen; stay correct anyway
			s.idx.sorted[key] = slices.Delete(es, i, i+1)
		}
	}
}

// ---- list query ----

type listParams struct {
	page, perPage  int
	filter         string // echoed applied_filter
	status         string // "", "active", "inactive"
	sortColumn     string
	sortDesc       bool
	responseOption int

	searchText                     string
	name, nameStarts, nameContains string
	sku, skuStarts, skuContains    string
	desc, descStarts, descContains string
	itemID, groupID                string
	rateOps, prateOps              []rateOp
	lmt                            time.Time
	hasLMT                         bool
}

type rateOp struct {
	op string
	v  float64
}

var inventoryFilters = map[string]bool{
	"Status.Lowstock": true, "Status.Unmapped": true, "Status.Uncategorized": true, "Status.Grouped": true,
	"ItemType.All": true, "ItemType.Sales": true, "ItemType.Purchases": true, "ItemType.SalesAndPurchases": true,
	"ItemType.Inventory": true, "ItemType.NonInventory": true, "ItemType.Service": true,
}

type paramError struct{ param string }

func (e paramError) Error() string { return "Invalid value passed for " + e.param }

func parseListParams(q map[string][]string, p product) (*listParams, error) {
	get := func(k string) string {
		if v := q[k]; len(v) > 0 {
			return v[0]
		}
		return ""
	}
	lp := &listParams{page: 1, perPage: 200, sortColumn: "name"}
	if v := get("page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, paramError{"page"}
		}
		lp.page = n
	}
	if v := get("per_page"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return nil, paramError{"per_page"}
		}
		lp.perPage = min(n, 200)
	}
	switch f := get("filter_by"); {
	case f == "":
		lp.filter, lp.status = "Status.Active", "active"
	case f == "Status.All":
		lp.filter = f
	case f == "Status.Active":
		lp.filter, lp.status = f, "active"
	case f == "Status.Inactive":
		lp.filter, lp.status = f, "inactive"
	case p == inventory && inventoryFilters[f]:
		lp.filter = f
	default:
		return nil, paramError{"filter_by"}
	}
	if p == inventory {
		switch st := get("status"); st {
		case "":
		case "active", "inactive":
			lp.status = st
		default:
			return nil, paramError{"status"}
		}
	}
	if v := get("sort_column"); v != "" {
		if sortColumns[v] == nil {
			return nil, paramError{"sort_column"}
		}
		lp.sortColumn = v
	}
	switch v := get("sort_order"); v {
	case "", "A":
	case "D":
		lp.sortDesc = true
	default:
		return nil, paramError{"sort_order"}
	}
	switch v := get("response_option"); v {
	case "", "0":
	case "1", "2":
		lp.responseOption = int(v[0] - '0')
	default:
		return nil, paramError{"response_option"}
	}
	low := func(k string) string { return strings.ToLower(get(k)) }
	lp.searchText = low("search_text")
	lp.name, lp.nameStarts, lp.nameContains = low("name"), low("name_startswith"), low("name_contains")
	lp.sku, lp.skuStarts, lp.skuContains = low("sku"), low("sku_startswith"), low("sku_contains")
	lp.desc, lp.descStarts, lp.descContains = low("description"), low("description_startswith"), low("description_contains")
	lp.itemID, lp.groupID = get("item_id"), get("group_id")
	for _, field := range []string{"rate", "purchase_rate"} {
		for _, suffix := range []string{"", "_less_than", "_less_equals", "_greater_than", "_greater_equals"} {
			v := get(field + suffix)
			if v == "" {
				continue
			}
			f, err := strconv.ParseFloat(v, 64)
			if err != nil {
				return nil, paramError{field + suffix}
			}
			op := rateOp{op: suffix, v: f}
			if field == "rate" {
				lp.rateOps = append(lp.rateOps, op)
			} else {
				lp.prateOps = append(lp.prateOps, op)
			}
		}
	}
	if v := get("last_modified_time"); v != "" {
		t, err := parseZohoTime(v)
		if err != nil {
			return nil, paramError{"last_modified_time"}
		}
		lp.lmt, lp.hasLMT = t, true
	}
	return lp, nil
}

func parseZohoTime(v string) (time.Time, error) {
	if t, err := time.Parse(TimeLayout, v); err == nil {
		return t, nil
	}
	return time.Parse(time.RFC3339, v)
}

func rateOK(x float64, ops []rateOp) bool {
	for _, o := range ops {
		var ok bool
		switch o.op {
		case "":
			ok = x == o.v
		case "_less_than":
			ok = x < o.v
		case "_less_equals":
			ok = x <= o.v
		case "_greater_than":
			ok = x > o.v
		case "_greater_equals":
			ok = x >= o.v
		}
		if !ok {
			return false
		}
	}
	return true
}

func (lp *listParams) match(e *entry, inclusive bool) bool {
	it := e.it
	if lp.status != "" && it.Status != lp.status {
		return false
	}
	if lp.searchText != "" && !strings.Contains(e.lname, lp.searchText) &&
		!strings.Contains(e.lsku, lp.searchText) && !strings.Contains(e.ldesc, lp.searchText) {
		return false
	}
	if (lp.name != "" && e.lname != lp.name) ||
		(lp.nameStarts != "" && !strings.HasPrefix(e.lname, lp.nameStarts)) ||
		(lp.nameContains != "" && !strings.Contains(e.lname, lp.nameContains)) ||
		(lp.sku != "" && e.lsku != lp.sku) ||
		(lp.skuStarts != "" && !strings.HasPrefix(e.lsku, lp.skuStarts)) ||
		(lp.skuContains != "" && !strings.Contains(e.lsku, lp.skuContains)) ||
		(lp.desc != "" && e.ldesc != lp.desc) ||
		(lp.descStarts != "" && !strings.HasPrefix(e.ldesc, lp.descStarts)) ||
		(lp.descContains != "" && !strings.Contains(e.ldesc, lp.descContains)) ||
		(lp.itemID != "" && it.ItemID != lp.itemID) ||
		(lp.groupID != "" && it.GroupID != lp.groupID) {
		return false
	}
	if !rateOK(it.Rate, lp.rateOps) || !rateOK(it.PurchaseRate, lp.prateOps) {
		return false
	}
	if lp.hasLMT {
		m := it.LastModifiedTime.Truncate(time.Second)
		if inclusive {
			if m.Before(lp.lmt) {
				return false
			}
		} else if !m.After(lp.lmt) {
			return false
		}
	}
	return true
}

type listResult struct {
	items   []*Item
	total   int // -1 when not computed
	hasMore bool
}

func (s *Server) queryLocked(lp *listParams) listResult {
	es := s.sortedLocked(lp.sortColumn, lp.sortDesc)
	offset := (lp.page - 1) * lp.perPage
	end := offset + lp.perPage
	needTotal := lp.responseOption != 0
	res := listResult{total: -1}
	n := 0
	for _, e := range es {
		if !lp.match(e, s.lmtInclusive) {
			continue
		}
		if n >= offset && n < end && lp.responseOption != 2 {
			res.items = append(res.items, e.it.clone())
		}
		n++
		if n > end && !needTotal {
			break
		}
	}
	res.hasMore = n > end
	if needTotal {
		res.total = n
	}
	return res
}

// ---- deterministic catalogue ----

var (
	seedAdjectives = []string{"Glazed", "Matte", "Rustic", "Classic", "Premium", "Compact", "Heavy-Duty", "Eco", "Deluxe", "Mini", "Polished", "Vintage"}
	seedNouns      = []string{"Tile", "Mug", "Bracket", "Cable", "Lamp", "Chair", "Notebook", "Bottle", "Hammer", "Bolt", "Panel", "Basket", "Shelf", "Brush"}
	// Non-ASCII adjectives and nouns (about 1 name in 8 uses one).
	seedAdjectivesIntl = []string{"Café", "Crème", "Señor", "Øresund", "Großer", "Élan", "Ünïcode"}
	seedNounsIntl      = []string{"Ножницы", "日本茶 Tea", "Çaydanlık", "Łyżka", "Kaffeetasse ☕", "Tête-à-tête Set", "Θερμός"}
	seedGroupNouns     = []string{"Tote Bag", "T-Shirt", "Sneaker", "Hoodie", "Flower Pot"}
	seedSizes          = []string{"Small", "Medium", "Large", "XL"}
	seedUnits          = []string{"pcs", "kg", "box", "m", "l", ""}
	seedBrands         = []string{"Acme", "Globex", "Initech", "Umbrella", ""}
	seedColours        = []string{"Red", "Natural", "Blue", "Black", "Green"}
	seedDescriptions   = []string{
		"",
		"Box of 10\nFrost-proof\nMade in EU",
		"<p>Rated <b>5★</b> by \"customers\" & <i>partners</i></p><script>alert('x')</script>",
		"Line one\r\nLine two\r\n\r\n• bullet <not a tag>",
		"Plain single-line description.",
		"Dimensions: 30 x 30 cm; weight < 2 kg & > 1 kg.",
		"Multi\n\nparagraph\n\n\ttabbed text with trailing spaces   ",
	}
	seedTaxes = []struct {
		id, name string
		pct      float64
	}{{"2077500000000000101", "GST18", 18}, {"2077500000000000102", "GST5", 5}, {"", "", 0}}
)

// Seed replaces the catalogue with n deterministic items: the same (n, seed)
// always gives the same items. About 5% are inactive, about 8% are variants
// in groups of 2 to 4, about 2% have no SKU, descriptions mix empty, plain,
// multi-line (\n and \r\n) and HTML-like text, about 1 name in 8 is
// non-ASCII, about 60% have an image (half PNG, half JPEG, generated on
// demand), units are drawn from pcs/kg/box/m/l/"". Ids are unique numbers
// above 2^53; names are unique. With n >= 10 the first items are fixed
// specimens: 0 has a PNG image, 1 is inactive, 2 has no SKU, 3 an HTML-like
// description, 4 a non-ASCII name, 5-7 one group of three variants, 8 no image.
// Seed clears images set with SetImage but keeps stats, faults and tokens.
func (s *Server) Seed(n int, seed int64) {
	items := genCatalogue(n, seed)
	s.mu.Lock()
	defer s.mu.Unlock()
	s.items = make(map[string]*Item, len(items))
	s.custom = map[string]customImage{}
	s.lastID = idBase
	for _, it := range items {
		s.items[it.ItemID] = it
		s.noteIDLocked(it.ItemID)
	}
	s.lastID += 1000
	s.idx = nil
	s.images.clear()
}

func genCatalogue(n int, seed int64) []*Item {
	r := rand.New(rand.NewPCG(uint64(seed), 0x5eed_2077_cafe))
	base := idBase + (uint64(seed)&0xffff)*10_000_000_000 + 10_000_000
	epoch := time.Date(2023, 1, 1, 9, 0, 0, 0, OrgLocation)
	items := make([]*Item, 0, n)
	specimens := n >= 10
	for i := 0; i < n; {
		if (specimens && i == 5) || (!(specimens && i < 10) && n-i >= 2 && r.IntN(100) < 3) {
			size := 2 + r.IntN(3)
			if specimens && i == 5 {
				size = 3
			}
			size = min(size, n-i)
			var groupID, attrID, groupName, prefix string
			for v := 0; v < size; v++ {
				id := seedID(r, base, i)
				if v == 0 {
					groupID = strconv.FormatUint(id+5000, 10)
					attrID = strconv.FormatUint(id+6000, 10)
					groupName = fmt.Sprintf("%s %d", seedGroupNouns[r.IntN(len(seedGroupNouns))], i+1)
					prefix = fmt.Sprintf("GRP%d", i+1)
				}
				it := genItem(r, id, i, epoch, specimens)
				opt := seedSizes[v]
				it.Name = groupName + " - " + opt
				if it.SKU != "" {
					it.SKU = prefix + "-" + strings.ToUpper(opt[:1]) + strconv.Itoa(v)
				}
				it.GroupID, it.GroupName = groupID, groupName
				it.Attributes = []Attribute{{ID: attrID, Name: "Size", OptionID: strconv.FormatUint(id+7000, 10), OptionName: opt}}
				it.ProductType, it.ItemType, it.TrackInventory = "goods", "inventory", true
				if it.Unit == "" {
					it.Unit = "pcs"
				}
				items = append(items, it)
				i++
			}
			continue
		}
		items = append(items, genItem(r, seedID(r, base, i), i, epoch, specimens))
		i++
	}
	return items
}

// seedID spaces item ids 10000 apart; an item's other ids (image document,
// image, custom field, group, attribute, option) use offsets 2000-7999 from
// it, so no two ids of a catalogue collide.
func seedID(r *rand.Rand, base uint64, i int) uint64 {
	return base + uint64(i)*10000 + uint64(r.IntN(1000))
}

func genItem(r *rand.Rand, id uint64, i int, epoch time.Time, specimens bool) *Item {
	it := &Item{ItemID: strconv.FormatUint(id, 10), Status: "active"}

	adj, noun := seedAdjectives[r.IntN(len(seedAdjectives))], seedNouns[r.IntN(len(seedNouns))]
	if r.IntN(8) == 0 || (specimens && i == 4) {
		adj = seedAdjectivesIntl[r.IntN(len(seedAdjectivesIntl))]
		noun = seedNounsIntl[r.IntN(len(seedNounsIntl))]
	}
	it.Name = fmt.Sprintf("%s %s %d", adj, noun, i+1)

	if r.IntN(100) < 5 || (specimens && i == 1) {
		it.Status = "inactive"
	}
	if !(r.IntN(100) < 2 || (specimens && i == 2)) {
		it.SKU = fmt.Sprintf("SKU-%06d", i+1)
	}
	it.Description = seedDescriptions[r.IntN(len(seedDescriptions))]
	if specimens && i == 3 {
		it.Description = seedDescriptions[2]
	}
	it.Unit = seedUnits[r.IntN(len(seedUnits))]
	it.Rate = float64(r.IntN(100000)+1) / 100
	it.PurchaseRate = float64(int(it.Rate*60)) / 100
	if r.IntN(100) < 15 {
		it.ProductType = "service"
		it.ItemType = []string{"sales", "sales_and_purchases"}[r.IntN(2)]
	} else {
		it.ProductType = "goods"
		if r.IntN(2) == 0 {
			it.ItemType, it.TrackInventory = "inventory", true
			it.StockOnHand = float64(r.IntN(500))
		} else {
			it.ItemType = "sales_and_purchases"
		}
	}
	tax := seedTaxes[r.IntN(len(seedTaxes))]
	it.TaxID, it.TaxName, it.TaxPercentage = tax.id, tax.name, tax.pct
	it.Brand = seedBrands[r.IntN(len(seedBrands))]
	if it.Brand != "" {
		it.Manufacturer = it.Brand + " Manufacturing"
	}
	if r.IntN(10) < 3 {
		it.ReorderLevel = strconv.Itoa(r.IntN(20) + 1)
	}
	if r.IntN(2) == 0 {
		it.Length = strconv.FormatFloat(float64(r.IntN(500)+1)/10, 'f', 1, 64)
		it.Width = strconv.FormatFloat(float64(r.IntN(500)+1)/10, 'f', 1, 64)
		it.Height = strconv.FormatFloat(float64(r.IntN(500)+1)/10, 'f', 1, 64)
		it.Weight = strconv.FormatFloat(float64(r.IntN(5000)+1)/100, 'f', 2, 64)
	}
	if r.IntN(4) == 0 {
		it.UPC = fmt.Sprintf("0%011d", r.Int64N(100_000_000_000))
	}
	hasImage := r.IntN(100) < 60
	png := r.IntN(2) == 0
	if specimens && i == 0 {
		hasImage, png = true, true
	}
	if specimens && i == 8 {
		hasImage = false
	}
	if hasImage {
		ext := "jpg"
		if png {
			ext = "png"
		}
		slug := strings.ToLower(it.SKU)
		if slug == "" {
			slug = "item-" + strconv.Itoa(i+1)
		}
		it.ImageName, it.ImageType = slug+"."+ext, ext
		it.ImageDocumentID = strconv.FormatUint(id+2000, 10)
		it.ImageID = strconv.FormatUint(id+3000, 10)
	}
	if r.IntN(10) < 3 {
		it.CustomFields = []CustomField{{
			ID: strconv.FormatUint(id+4000, 10), Label: "Colour", APIName: "cf_colour",
			Value: seedColours[r.IntN(len(seedColours))],
		}}
	}
	it.CreatedTime = epoch.Add(time.Duration(i)*6*time.Minute + time.Duration(r.IntN(300))*time.Second)
	it.LastModifiedTime = it.CreatedTime.Add(time.Duration(r.IntN(400*24*3600)) * time.Second)
	return it
}
