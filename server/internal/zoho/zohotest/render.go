package zohotest

import (
	"cmp"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// itemJSON is one item as Zoho renders it. Embedded pointers add the
// Inventory-only and detail-only fields.
type itemJSON struct {
	ItemID        string  `json:"item_id"`
	Name          string  `json:"name"`
	ItemName      string  `json:"item_name"`
	Status        string  `json:"status"`
	Description   string  `json:"description"`
	Rate          float64 `json:"rate"`
	Unit          string  `json:"unit"`
	SKU           string  `json:"sku"`
	ProductType   string  `json:"product_type"`
	ItemType      string  `json:"item_type"`
	TaxID         string  `json:"tax_id"`
	TaxName       string  `json:"tax_name"`
	TaxPercentage float64 `json:"tax_percentage"`
	TaxType       string  `json:"tax_type"`
	IsTaxable     bool    `json:"is_taxable"`
	*purchaseTaxJSON
	PurchaseRate        float64 `json:"purchase_rate"`
	PurchaseDescription string  `json:"purchase_description"`
	AccountID           string  `json:"account_id"`
	AccountName         string  `json:"account_name"`
	PurchaseAccountID   string  `json:"purchase_account_id"`
	PurchaseAccountName string  `json:"purchase_account_name"`
	Brand               string  `json:"brand"`
	Manufacturer        string  `json:"manufacturer"`
	*stockJSON
	ReorderLevel        string `json:"reorder_level"`
	Length              string `json:"length"`
	Width               string `json:"width"`
	Height              string `json:"height"`
	Weight              string `json:"weight"`
	DimensionUnit       string `json:"dimension_unit"`
	WeightUnit          string `json:"weight_unit"`
	ImageName           string `json:"image_name"`
	ImageType           string `json:"image_type"`
	ImageDocumentID     string `json:"image_document_id"`
	HasAttachment       bool   `json:"has_attachment"`
	IsLinkedWithZohoCRM bool   `json:"is_linked_with_zohocrm"`
	ZcrmProductID       string `json:"zcrm_product_id"`
	Source              string `json:"source"`
	IsComboProduct      bool   `json:"is_combo_product"`
	*inventoryJSON
	*detailJSON
	CreatedTime      string `json:"created_time"`
	LastModifiedTime string `json:"last_modified_time"`
}

// purchaseTaxJSON is an item's own purchase tax, where it has one.
type purchaseTaxJSON struct {
	PurchaseTaxID         string  `json:"purchase_tax_id"`
	PurchaseTaxName       string  `json:"purchase_tax_name"`
	PurchaseTaxPercentage float64 `json:"purchase_tax_percentage"`
}

type stockJSON struct {
	StockOnHand          float64 `json:"stock_on_hand"`
	AvailableStock       float64 `json:"available_stock"`
	ActualAvailableStock float64 `json:"actual_available_stock"`
}

type inventoryJSON struct {
	UPC                   string `json:"upc"`
	EAN                   string `json:"ean"`
	ISBN                  string `json:"isbn"`
	CategoryName          string `json:"category_name"`
	PartNumber            string `json:"part_number"`
	GroupID               string `json:"group_id"`
	GroupName             string `json:"group_name"`
	ImageID               string `json:"image_id"`
	AttributeID1          string `json:"attribute_id1,omitempty"`
	AttributeName1        string `json:"attribute_name1,omitempty"`
	AttributeOptionID1    string `json:"attribute_option_id1,omitempty"`
	AttributeOptionName1  string `json:"attribute_option_name1,omitempty"`
	AttributeID2          string `json:"attribute_id2,omitempty"`
	AttributeName2        string `json:"attribute_name2,omitempty"`
	AttributeOptionID2    string `json:"attribute_option_id2,omitempty"`
	AttributeOptionName2  string `json:"attribute_option_name2,omitempty"`
	AttributeID3          string `json:"attribute_id3,omitempty"`
	AttributeName3        string `json:"attribute_name3,omitempty"`
	AttributeOptionID3    string `json:"attribute_option_id3,omitempty"`
	AttributeOptionName3  string `json:"attribute_option_name3,omitempty"`
	IsStorageLocationUsed bool   `json:"is_storage_location_enabled"`
}

type detailJSON struct {
	PricebookRate   float64           `json:"pricebook_rate"`
	CanBeSold       bool              `json:"can_be_sold"`
	CanBePurchased  bool              `json:"can_be_purchased"`
	TrackInventory  bool              `json:"track_inventory"`
	VendorID        string            `json:"vendor_id"`
	VendorName      string            `json:"vendor_name"`
	Locations       []locationJSON    `json:"locations"`
	Warehouses      []warehouseJSON   `json:"warehouses,omitempty"`
	CustomFields    []customFieldJSON `json:"custom_fields"`
	CustomFieldHash map[string]string `json:"custom_field_hash"`
}

type locationJSON struct {
	LocationID                   string `json:"location_id"`
	LocationName                 string `json:"location_name"`
	Status                       string `json:"status"`
	IsPrimary                    bool   `json:"is_primary"`
	LocationStockOnHand          string `json:"location_stock_on_hand"`
	LocationAvailableStock       string `json:"location_available_stock"`
	LocationActualAvailableStock string `json:"location_actual_available_stock"`
}

type customFieldJSON struct {
	CustomFieldID string `json:"customfield_id"`
	Label         string `json:"label"`
	APIName       string `json:"api_name"`
	Value         string `json:"value"`
	DataType      string `json:"data_type"`
}

// LocationID is the id of the single stock location in item details.
const LocationID = "2077500000000000201"

func (s *Server) renderItem(it *Item, p product, detail bool) itemJSON {
	j := itemJSON{
		ItemID: it.ItemID, Name: it.Name, ItemName: it.Name, Status: it.Status,
		Description: it.Description, Rate: it.Rate, Unit: it.Unit, SKU: it.SKU,
		ProductType: it.ProductType, ItemType: it.ItemType,
		TaxID: it.TaxID, TaxName: it.TaxName, TaxPercentage: it.TaxPercentage,
		IsTaxable: it.TaxName != "", PurchaseRate: it.PurchaseRate, PurchaseDescription: it.PurchaseDescription,
		AccountID: "2077500000000000301", AccountName: "Sales",
		Brand: it.Brand, Manufacturer: it.Manufacturer,
		ReorderLevel: it.ReorderLevel,
		Length:       it.Length, Width: it.Width, Height: it.Height, Weight: it.Weight,
		ImageName: it.ImageName, ImageType: it.ImageType, ImageDocumentID: it.ImageDocumentID,
		Source:           "user",
		CreatedTime:      formatTime(it.CreatedTime),
		LastModifiedTime: formatTime(it.LastModifiedTime),
	}
	if it.TaxName != "" {
		j.TaxType = "tax"
	}
	if it.Taxable != nil {
		j.IsTaxable = *it.Taxable
	}
	if it.PurchaseTaxName != "" {
		j.purchaseTaxJSON = &purchaseTaxJSON{it.PurchaseTaxID, it.PurchaseTaxName, it.PurchaseTaxPercentage}
	}
	if it.ItemType != "sales" {
		j.PurchaseAccountID, j.PurchaseAccountName = "2077500000000000302", "Cost of Goods Sold"
	}
	if it.Length != "" || it.Width != "" || it.Height != "" {
		j.DimensionUnit = cmp.Or(it.DimensionUnit, "cm")
	}
	if it.Weight != "" {
		j.WeightUnit = cmp.Or(it.WeightUnit, "kg")
	}
	if it.TrackInventory {
		j.stockJSON = &stockJSON{it.StockOnHand, it.StockOnHand, it.StockOnHand}
	}
	if p == inventory {
		inv := &inventoryJSON{UPC: it.UPC, EAN: it.EAN, ISBN: it.ISBN, CategoryName: it.CategoryName, GroupID: it.GroupID, GroupName: it.GroupName, ImageID: it.ImageID}
		for k, a := range it.Attributes {
			switch k {
			case 0:
				inv.AttributeID1, inv.AttributeName1, inv.AttributeOptionID1, inv.AttributeOptionName1 = a.ID, a.Name, a.OptionID, a.OptionName
			case 1:
				inv.AttributeID2, inv.AttributeName2, inv.AttributeOptionID2, inv.AttributeOptionName2 = a.ID, a.Name, a.OptionID, a.OptionName
			case 2:
				inv.AttributeID3, inv.AttributeName3, inv.AttributeOptionID3, inv.AttributeOptionName3 = a.ID, a.Name, a.OptionID, a.OptionName
			}
		}
		j.inventoryJSON = inv
	}
	if detail {
		d := &detailJSON{
			PricebookRate:   it.Rate,
			CanBeSold:       it.ItemType != "purchases",
			CanBePurchased:  it.ItemType != "sales",
			TrackInventory:  it.TrackInventory,
			Locations:       []locationJSON{},
			CustomFields:    []customFieldJSON{},
			CustomFieldHash: map[string]string{},
		}
		if it.TrackInventory {
			st := strconv.FormatFloat(it.StockOnHand, 'f', -1, 64)
			d.Locations = append(d.Locations, locationJSON{
				LocationID: LocationID, LocationName: "Main", Status: "active", IsPrimary: true,
				LocationStockOnHand: st, LocationAvailableStock: st, LocationActualAvailableStock: st,
			})
			stockLocations(it, d)
		}
		for _, cf := range it.CustomFields {
			d.CustomFields = append(d.CustomFields, customFieldJSON{
				CustomFieldID: cf.ID, Label: cf.Label, APIName: cf.APIName, Value: cf.Value, DataType: "string",
			})
			if cf.APIName != "" {
				d.CustomFieldHash[cf.APIName] = cf.Value
				d.CustomFieldHash[cf.APIName+"_unformatted"] = cf.Value
			}
		}
		j.detailJSON = d
	}
	return j
}

func formatTime(t time.Time) string {
	if t.IsZero() {
		return ""
	}
	return t.In(OrgLocation).Format(TimeLayout)
}

// ---- lists ----

type pageContext struct {
	Page          int    `json:"page"`
	PerPage       int    `json:"per_page"`
	HasMorePage   bool   `json:"has_more_page"`
	ReportName    string `json:"report_name"`
	AppliedFilter string `json:"applied_filter"`
	CustomFields  []any  `json:"custom_fields"`
	SortColumn    string `json:"sort_column"`
	SortOrder     string `json:"sort_order"`
	Total         *int   `json:"total,omitempty"`
	TotalPages    *int   `json:"total_pages,omitempty"`
}

type listResponse struct {
	Code        int          `json:"code"`
	Message     string       `json:"message"`
	Items       *[]itemJSON  `json:"items,omitempty"`
	Groups      *[]groupJSON `json:"itemgroups,omitempty"`
	Composites  *[]any       `json:"composite_items,omitempty"`
	PageContext pageContext  `json:"page_context"`
}

func (lp *listParams) pageContext(report string, res listResult) pageContext {
	pc := pageContext{
		Page: lp.page, PerPage: lp.perPage, HasMorePage: res.hasMore, ReportName: report,
		AppliedFilter: lp.filter, CustomFields: []any{}, SortColumn: lp.sortColumn, SortOrder: "A",
	}
	if lp.sortDesc {
		pc.SortOrder = "D"
	}
	if res.total >= 0 {
		total := res.total
		pages := (total + lp.perPage - 1) / lp.perPage
		pc.Total, pc.TotalPages = &total, &pages
	}
	return pc
}

func writeParamError(w http.ResponseWriter, err error) {
	writeError(w, http.StatusBadRequest, 2, err.Error())
}

func (s *Server) serveList(w http.ResponseWriter, r *http.Request, p product) {
	lp, err := parseListParams(r.URL.Query(), p)
	if err != nil {
		writeParamError(w, err)
		return
	}
	s.mu.Lock()
	if p == books && s.booksNoLMT {
		lp.hasLMT = false
	}
	res := s.queryLocked(lp)
	s.mu.Unlock()
	resp := listResponse{Code: 0, Message: "success", PageContext: lp.pageContext("Items", res)}
	if lp.responseOption != 2 {
		rows := make([]itemJSON, 0, len(res.items))
		for _, it := range res.items {
			rows = append(rows, s.renderItem(it, p, false))
		}
		resp.Items = &rows
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) serveDetail(w http.ResponseWriter, p product, id string) {
	s.mu.Lock()
	it, ok := s.items[id]
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 1002, MsgItemNotFound)
		return
	}
	writeJSON(w, http.StatusOK, struct {
		Code    int      `json:"code"`
		Message string   `json:"message"`
		Item    itemJSON `json:"item"`
	}{0, "success", s.renderItem(it, p, true)})
}

func (s *Server) serveItemDetails(w http.ResponseWriter, r *http.Request, p product) {
	raw := r.URL.Query().Get("item_ids")
	if strings.TrimSpace(raw) == "" {
		writeParamError(w, paramError{"item_ids"})
		return
	}
	var found []*Item
	s.mu.Lock()
	for _, id := range strings.Split(raw, ",") {
		if it, ok := s.items[strings.TrimSpace(id)]; ok {
			found = append(found, it)
		}
	}
	s.mu.Unlock()
	rows := make([]itemJSON, 0, len(found))
	for _, it := range found {
		rows = append(rows, s.renderItem(it, p, true))
	}
	writeJSON(w, http.StatusOK, struct {
		Code    int        `json:"code"`
		Message string     `json:"message"`
		Items   []itemJSON `json:"items"`
	}{0, "success", rows})
}

// ---- organizations ----

func (s *Server) orgJSON(detail bool) map[string]any {
	s.mu.Lock()
	daily := s.daily
	s.mu.Unlock()
	plan, planType := "PREMIUM", 150
	switch daily {
	case 1000:
		plan, planType = "FREE", 100
	case 2000:
		plan, planType = "STANDARD", 120
	case 5000:
		plan, planType = "PROFESSIONAL", 130
	}
	o := map[string]any{
		"organization_id":         s.opts.OrgID,
		"name":                    "Emulated Org",
		"contact_name":            "Test Admin",
		"email":                   "admin@example.com",
		"is_default_org":          true,
		"plan_type":               planType,
		"plan_name":               plan,
		"plan_period":             "Yearly",
		"language_code":           "en",
		"fiscal_year_start_month": 3,
		"account_created_date":    "2021-04-01",
		"time_zone":               OrgTimeZone,
		"is_org_active":           true,
		"currency_id":             "2077500000000000099",
		"currency_code":           "INR",
		"currency_symbol":         "₹",
		"currency_format":         "###,##0.00",
		"price_precision":         2,
		"is_sku_enabled":          true,
	}
	if detail {
		o["address"] = map[string]any{
			"street_address1": "1 Test Street", "street_address2": "", "city": "Chennai",
			"state": "Tamil Nadu", "country": "India", "zip": "600001",
		}
		o["date_format"] = "dd MMM yyyy"
		o["field_separator"] = " "
		o["industry_type"] = "Retail"
		o["industry_size"] = ""
		o["tax_basis"] = "accrual"
		o["org_address"] = "1 Test Street, Chennai"
	}
	return o
}

func (s *Server) serveOrgs(w http.ResponseWriter, detail bool) {
	if detail {
		writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "organization": s.orgJSON(true)})
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "organizations": []any{s.orgJSON(false)}})
}

// ---- item groups and composite items (Inventory) ----

type groupJSON struct {
	GroupID          string         `json:"group_id"`
	GroupName        string         `json:"group_name"`
	ProductType      string         `json:"product_type"`
	Brand            string         `json:"brand"`
	Manufacturer     string         `json:"manufacturer"`
	Unit             string         `json:"unit"`
	Description      string         `json:"description"`
	IsTaxable        bool           `json:"is_taxable"`
	TaxID            string         `json:"tax_id"`
	TaxName          string         `json:"tax_name"`
	TaxPercentage    float64        `json:"tax_percentage"`
	AttributeID1     string         `json:"attribute_id1"`
	AttributeName1   string         `json:"attribute_name1"`
	Status           string         `json:"status"`
	ImageID          string         `json:"image_id"`
	ImageName        string         `json:"image_name"`
	ImageType        string         `json:"image_type"`
	CustomFields     []any          `json:"custom_fields"`
	Items            *[]itemJSON    `json:"items,omitempty"`
	Attributes       *[]groupAttrib `json:"attributes,omitempty"`
	CreatedTime      string         `json:"created_time"`
	LastModifiedTime string         `json:"last_modified_time"`
}

type groupAttrib struct {
	ID      string        `json:"id"`
	Name    string        `json:"name"`
	Options []groupOption `json:"options"`
}

type groupOption struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// groupsLocked returns the variants of every group, each in item_id order,
// groups in order of their first variant's id.
func (s *Server) groupsLocked() (order []string, members map[string][]*Item) {
	members = map[string][]*Item{}
	for _, e := range s.sortedLocked("item_id", false) {
		if g := e.it.GroupID; g != "" {
			if _, ok := members[g]; !ok {
				order = append(order, g)
			}
			members[g] = append(members[g], e.it)
		}
	}
	return order, members
}

func (s *Server) renderGroup(vs []*Item, detail bool) groupJSON {
	first := vs[0]
	g := groupJSON{
		GroupID: first.GroupID, GroupName: first.GroupName, ProductType: first.ProductType,
		Brand: first.Brand, Manufacturer: first.Manufacturer, Unit: first.Unit, Description: first.Description,
		IsTaxable: first.TaxName != "", TaxID: first.TaxID, TaxName: first.TaxName, TaxPercentage: first.TaxPercentage,
		Status: "inactive", CustomFields: []any{},
		CreatedTime: formatTime(first.CreatedTime),
	}
	if len(first.Attributes) > 0 {
		g.AttributeID1, g.AttributeName1 = first.Attributes[0].ID, first.Attributes[0].Name
	}
	last := first.LastModifiedTime
	for _, v := range vs {
		if v.Status == "active" {
			g.Status = "active"
		}
		if v.LastModifiedTime.After(last) {
			last = v.LastModifiedTime
		}
		if g.ImageName == "" && v.HasImage() {
			g.ImageID, g.ImageName, g.ImageType = v.ImageID, v.ImageName, v.ImageType
		}
	}
	g.LastModifiedTime = formatTime(last)
	if detail {
		rows := make([]itemJSON, 0, len(vs))
		var attrs []groupAttrib
		for _, v := range vs {
			rows = append(rows, s.renderItem(v, inventory, false))
			for k, a := range v.Attributes {
				for len(attrs) <= k {
					attrs = append(attrs, groupAttrib{Options: []groupOption{}})
				}
				attrs[k].ID, attrs[k].Name = a.ID, a.Name
				attrs[k].Options = append(attrs[k].Options, groupOption{ID: a.OptionID, Name: a.OptionName})
			}
		}
		if attrs == nil {
			attrs = []groupAttrib{}
		}
		g.Items, g.Attributes = &rows, &attrs
	}
	return g
}

func (s *Server) serveGroups(w http.ResponseWriter, r *http.Request) {
	lp, err := parseListParams(r.URL.Query(), inventory)
	if err != nil {
		writeParamError(w, err)
		return
	}
	s.mu.Lock()
	order, members := s.groupsLocked()
	s.mu.Unlock()
	offset, end := (lp.page-1)*lp.perPage, lp.page*lp.perPage
	rows := []groupJSON{}
	for i := offset; i < end && i < len(order); i++ {
		rows = append(rows, s.renderGroup(members[order[i]], false))
	}
	lp.sortColumn = "group_name"
	res := listResult{hasMore: len(order) > end, total: -1}
	if lp.responseOption != 0 {
		res.total = len(order)
	}
	resp := listResponse{Code: 0, Message: "success", PageContext: lp.pageContext("Item Groups", res)}
	resp.PageContext.AppliedFilter = "Status.All"
	if lp.responseOption != 2 {
		resp.Groups = &rows
	}
	writeJSON(w, http.StatusOK, resp)
}

func (s *Server) serveGroup(w http.ResponseWriter, id string) {
	s.mu.Lock()
	_, members := s.groupsLocked()
	s.mu.Unlock()
	vs, ok := members[id]
	if !ok {
		writeError(w, http.StatusNotFound, 1002, "Item Group does not exist.")
		return
	}
	writeJSON(w, http.StatusOK, map[string]any{"code": 0, "message": "success", "item_group": s.renderGroup(vs, true)})
}

func (s *Server) serveComposites(w http.ResponseWriter, r *http.Request) {
	lp, err := parseListParams(r.URL.Query(), inventory)
	if err != nil {
		writeParamError(w, err)
		return
	}
	res := listResult{total: -1}
	if lp.responseOption != 0 {
		res.total = 0
	}
	resp := listResponse{Code: 0, Message: "success", PageContext: lp.pageContext("Composite Items", res)}
	if lp.responseOption != 2 {
		resp.Composites = &[]any{}
	}
	writeJSON(w, http.StatusOK, resp)
}

// ---- images ----

func (s *Server) serveItemImage(w http.ResponseWriter, r *http.Request, p product, id string) {
	s.mu.Lock()
	it, ok := s.items[id]
	var ci customImage
	var hasCustom bool
	if ok {
		ci, hasCustom = s.custom[id]
	}
	broken := s.brokenImages[id]
	size := s.seedImageSize
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 1002, MsgItemNotFound)
		return
	}
	if broken {
		// the item lists a picture Zoho cannot serve (BreakImage)
		status := http.StatusNotFound
		if p == inventory {
			status = http.StatusBadRequest
		}
		writeError(w, status, 1002, MsgNoImage)
		return
	}
	s.writeImage(w, r, it, ci, hasCustom, size)
}

func (s *Server) serveGroupImage(w http.ResponseWriter, id string) {
	s.mu.Lock()
	_, members := s.groupsLocked()
	size := s.seedImageSize
	var pick *Item
	var ci customImage
	var hasCustom bool
	vs, ok := members[id]
	for _, v := range vs {
		if v.HasImage() {
			pick = v
			ci, hasCustom = s.custom[v.ItemID]
			break
		}
	}
	s.mu.Unlock()
	if !ok {
		writeError(w, http.StatusNotFound, 1002, "Item Group does not exist.")
		return
	}
	if pick == nil {
		writeError(w, http.StatusNotFound, 1002, MsgNoImage)
		return
	}
	s.writeImage(w, nil, pick, ci, hasCustom, size)
}

func (s *Server) writeImage(w http.ResponseWriter, r *http.Request, it *Item, ci customImage, hasCustom bool, size int) {
	if !it.HasImage() {
		writeError(w, http.StatusNotFound, 1002, MsgNoImage)
		return
	}
	if r != nil {
		if doc := r.URL.Query().Get("document_id"); doc != "" && doc != it.ImageDocumentID && doc != it.ImageID {
			writeError(w, http.StatusNotFound, 1002, MsgNoImage)
			return
		}
	}
	var ct string
	var data []byte
	if hasCustom {
		ct, data = ci.contentType, ci.data
	} else {
		ct = contentTypeFor(it.ImageType)
		data = s.images.get(it.ItemID, it.ImageDocumentID, ct == "image/png", size)
	}
	if it.ImageName != "" {
		w.Header().Set("Content-Disposition", mime.FormatMediaType("inline", map[string]string{"filename": it.ImageName}))
	}
	writeRaw(w, http.StatusOK, ct, data)
}
