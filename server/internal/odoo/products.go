package odoo

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sort"
	"strconv"
	"strings"
)

// XMLIDModule is the external-id namespace of synced products. It is not the
// name of an installable module, so uninstalling any addon (ours included)
// never deletes the products it points to (docs/odoo.md#load-and-external-ids).
const XMLIDModule = "__zohosync__"

// ProductModel is the model products are written to.
const ProductModel = "product.template"

// XMLIDName is the external-id name of a Zoho item's product.
func XMLIDName(zohoID string) string { return "zoho_item_" + zohoID }

// XMLID is the full external id ("module.name").
func XMLID(zohoID string) string { return XMLIDModule + "." + XMLIDName(zohoID) }

// ZohoIDFromXMLIDName reverses XMLIDName.
func ZohoIDFromXMLIDName(name string) (string, bool) {
	id, ok := strings.CutPrefix(name, "zoho_item_")
	return id, ok && id != ""
}

// writeContext turns off mail tracking and the "created" chatter message
// (docs/odoo.md#context-keys), and includes archived records in searches.
func writeContext() map[string]any {
	return map[string]any{"tracking_disable": true, "mail_create_nolog": true, "mail_notrack": true, "active_test": false}
}

// readContext includes archived records and reads binary fields as their
// size, so checking that a product has an image never transfers it.
func readContext() map[string]any { return map[string]any{"active_test": false, "bin_size": true} }

// Field is one product field as fields_get describes it.
type Field struct {
	Name      string
	Type      string // char, text, html, float, monetary, integer, boolean, selection, many2one, ...
	String    string
	Required  bool
	Readonly  bool
	Relation  string
	Selection []string // values (not labels)
}

// ProductFields returns product.template's fields.
func (c *Client) ProductFields(ctx context.Context) (map[string]Field, error) {
	var raw map[string]any
	err := c.Execute(ctx, ProductModel, "fields_get", nil,
		map[string]any{"attributes": []any{"type", "string", "required", "readonly", "selection", "relation"}}, &raw)
	if err != nil {
		return nil, err
	}
	out := make(map[string]Field, len(raw))
	for name, v := range raw {
		m, _ := v.(map[string]any)
		f := Field{Name: name}
		f.Type, _ = m["type"].(string)
		f.String, _ = m["string"].(string)
		f.Required, _ = m["required"].(bool)
		f.Readonly, _ = m["readonly"].(bool)
		f.Relation, _ = m["relation"].(string)
		if sel, ok := m["selection"].([]any); ok {
			for _, s := range sel {
				if pair, ok := s.([]any); ok && len(pair) > 0 {
					if v, ok := pair[0].(string); ok {
						f.Selection = append(f.Selection, v)
					}
				}
			}
		}
		out[name] = f
	}
	c.fields = out // load() columns depend on the field types
	return out, nil
}

// Dialect is how this Odoo spells product types and units (docs/odoo.md#versions-16-17-18, #product-types).
type Dialect struct {
	Major int
	// TypeField is "detailed_type" on 16/17 and "type" on 18+.
	TypeField string
	// TypeChoices are the allowed values of TypeField.
	TypeChoices []string
	// StorableByType: 16/17 with stock have detailed_type "product".
	StorableByType bool
	// StorableByFlag: 18+ with stock have the boolean is_storable.
	StorableByFlag bool
	// SendUomPo: 16/17 need uom_po_id with uom_id (its default ignores uom_id).
	SendUomPo bool
}

// DialectFor derives the dialect from the version and product.template's fields.
func DialectFor(v Version, fields map[string]Field) Dialect {
	d := Dialect{Major: v.Major}
	if f, ok := fields["detailed_type"]; ok {
		d.TypeField, d.TypeChoices = "detailed_type", f.Selection
	} else {
		d.TypeField, d.TypeChoices = "type", fields["type"].Selection
	}
	for _, t := range d.TypeChoices {
		if t == "product" && d.TypeField == "detailed_type" {
			d.StorableByType = true
		}
	}
	_, d.StorableByFlag = fields["is_storable"]
	_, hasPo := fields["uom_po_id"]
	d.SendUomPo = hasPo && v.Major > 0 && v.Major <= 17
	return d
}

// ProductType is the kind of product the sync asks for.
type ProductType string

// Product kinds: the Python tool's "type": "product" means storable
// (docs/python-tool.md#configuration-files).
const (
	TypeStorable   ProductType = "product"
	TypeConsumable ProductType = "consu"
	TypeService    ProductType = "service"
)

// TypeValues returns the field values for a product kind in this dialect, and
// a warning when the kind is not available (storable without Inventory).
func (d Dialect) TypeValues(t ProductType) (map[string]any, string) {
	switch t {
	case TypeService:
		return map[string]any{d.TypeField: "service"}, ""
	case TypeStorable:
		switch {
		case d.StorableByType:
			return map[string]any{d.TypeField: "product"}, ""
		case d.StorableByFlag:
			return map[string]any{d.TypeField: "consu", "is_storable": true}, ""
		}
		return map[string]any{d.TypeField: "consu"}, "storable products need the Inventory (stock) app in Odoo; products are created as consumables"
	}
	v := map[string]any{d.TypeField: "consu"}
	if d.StorableByFlag {
		v["is_storable"] = false
	}
	return v, ""
}

// UoM is one unit of measure.
type UoM struct {
	ID         int64
	Name       string
	CategoryID int64
	Category   string
}

// Units returns every unit of measure, archived ones included.
func (c *Client) Units(ctx context.Context) ([]UoM, error) {
	var rows []map[string]any
	err := c.Execute(ctx, "uom.uom", "search_read", []any{[]any{}},
		map[string]any{"fields": []any{"id", "name", "category_id", "active"}, "context": readContext()}, &rows)
	if err != nil {
		return nil, err
	}
	out := make([]UoM, 0, len(rows))
	for _, r := range rows {
		u := UoM{ID: asInt(r["id"]), Name: asString(r["name"])}
		u.CategoryID, u.Category = many2one(r["category_id"])
		out = append(out, u)
	}
	return out, nil
}

// Category is one product category.
type Category struct {
	ID           int64
	CompleteName string
}

// Categories returns every product category.
func (c *Client) Categories(ctx context.Context) ([]Category, error) {
	var rows []map[string]any
	err := c.Execute(ctx, "product.category", "search_read", []any{[]any{}},
		map[string]any{"fields": []any{"id", "complete_name"}}, &rows)
	if err != nil {
		return nil, err
	}
	out := make([]Category, 0, len(rows))
	for _, r := range rows {
		out = append(out, Category{ID: asInt(r["id"]), CompleteName: asString(r["complete_name"])})
	}
	c.cats.remember(out)
	return out, nil
}

// Record is one product as read from Odoo.
type Record map[string]any

// ID returns the record id.
func (r Record) ID() int64 { return asInt(r["id"]) }

// ErrNoExternalIDAccess means the API user may not read ir.model.data (it
// needs the "Access Rights" group); matching then relies on load()'s upsert.
var ErrNoExternalIDAccess = errors.New("the Odoo user cannot read external ids (ir.model.data)")

// FindLinks returns the product ids already carrying the external ids of these Zoho items.
func (c *Client) FindLinks(ctx context.Context, zohoIDs []string) (map[string]int64, error) {
	names := make([]any, len(zohoIDs))
	for i, id := range zohoIDs {
		names[i] = XMLIDName(id)
	}
	return c.links(ctx, []any{[]any{"name", "in", names}})
}

// LinksOf returns, for these product ids, the Zoho item each is linked to.
func (c *Client) LinksOf(ctx context.Context, odooIDs []int64) (map[int64]string, error) {
	ids := make([]any, len(odooIDs))
	for i, id := range odooIDs {
		ids[i] = id
	}
	byZoho, err := c.links(ctx, []any{[]any{"res_id", "in", ids}})
	if err != nil {
		return nil, err
	}
	out := make(map[int64]string, len(byZoho))
	for z, o := range byZoho {
		out[o] = z
	}
	return out, nil
}

func (c *Client) links(ctx context.Context, extra []any) (map[string]int64, error) {
	domain := append([]any{
		[]any{"module", "=", XMLIDModule},
		[]any{"model", "=", ProductModel},
	}, extra...)
	var rows []map[string]any
	err := c.Execute(ctx, "ir.model.data", "search_read", []any{domain},
		map[string]any{"fields": []any{"name", "res_id"}}, &rows)
	if errors.Is(err, ErrForbidden) {
		return nil, ErrNoExternalIDAccess
	}
	if err != nil {
		return nil, err
	}
	out := make(map[string]int64, len(rows))
	for _, r := range rows {
		if z, ok := ZohoIDFromXMLIDName(asString(r["name"])); ok {
			out[z] = asInt(r["res_id"])
		}
	}
	return out, nil
}

// SearchProducts returns products (archived included) matching domain.
func (c *Client) SearchProducts(ctx context.Context, domain []any, fields []string) ([]Record, error) {
	var rows []map[string]any
	err := c.Execute(ctx, ProductModel, "search_read", []any{domain},
		map[string]any{"fields": toAny(fields), "order": "id", "context": readContext()}, &rows)
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, err
}

func (c *Client) readProducts(ctx context.Context, ids []int64, fields []string) ([]Record, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	var rows []map[string]any
	err := c.Execute(ctx, ProductModel, "read", []any{int64sToAny(ids)},
		map[string]any{"fields": toAny(fields), "context": readContext()}, &rows)
	out := make([]Record, len(rows))
	for i, r := range rows {
		out[i] = r
	}
	return out, err
}

// LoadResult is load()'s answer for one batch.
type LoadResult struct {
	IDs    []int64        // per row, in row order; nil when the batch failed
	RowErr map[int]string // row index → Odoo's message, when the batch failed
}

// Load upserts rows through product.template.load (docs/odoo.md#load-and-external-ids): each row
// creates its product and its external id in one transaction, or updates the
// product when the external id exists. All or nothing per call.
func (c *Client) Load(ctx context.Context, columns []string, rows [][]string) (LoadResult, error) {
	return c.loadModel(ctx, ProductModel, columns, rows)
}

// loadModel is Load on another model (variants: docs/odoo.md#attributes-and-variants).
func (c *Client) loadModel(ctx context.Context, model string, columns []string, rows [][]string) (LoadResult, error) {
	data := make([]any, len(rows))
	for i, r := range rows {
		data[i] = toAny(r)
	}
	var res map[string]any
	err := c.Execute(ctx, model, "load", []any{toAny(columns), data},
		map[string]any{"context": writeContext()}, &res)
	if err != nil {
		return LoadResult{}, err
	}
	out := LoadResult{}
	if ids, ok := res["ids"].([]any); ok {
		for _, id := range ids {
			out.IDs = append(out.IDs, asInt(id))
		}
		if len(out.IDs) == len(rows) {
			return out, nil
		}
		return LoadResult{}, fmt.Errorf("odoo: load returned %d ids for %d rows", len(out.IDs), len(rows))
	}
	out.RowErr = map[int]string{}
	msgs, _ := res["messages"].([]any)
	type rowMsg struct {
		row int
		msg string
	}
	var errs []rowMsg
	for _, m := range msgs {
		mm, _ := m.(map[string]any)
		if t, _ := mm["type"].(string); t != "error" {
			continue
		}
		row := -1
		if rec, ok := mm["record"]; ok {
			row = int(asInt(rec))
		} else if rr, ok := mm["rows"].(map[string]any); ok {
			row = int(asInt(rr["from"]))
		}
		errs = append(errs, rowMsg{row, asString(mm["message"])})
	}
	// When the batch's create fails with a UserError (a barcode clash, say),
	// Odoo retries row by row and puts the batch's message first, filed
	// under the first row, whether or not that row is at fault
	// (docs/odoo.md#load-and-external-ids). With other rows at fault too,
	// that first message says nothing of row 0: dropped, and row 0, when it
	// has no message of its own, is left out of RowErr and so sent again.
	if len(errs) > 1 && errs[0].row == 0 && slices.ContainsFunc(errs[1:], func(e rowMsg) bool { return e.row != 0 }) {
		errs = errs[1:]
	}
	for _, e := range errs {
		msg := e.msg
		if prev, ok := out.RowErr[e.row]; ok {
			msg = prev + "; " + msg
		}
		out.RowErr[e.row] = msg
	}
	if len(out.RowErr) == 0 {
		out.RowErr[-1] = "Odoo's import refused the batch without saying why"
	}
	return out, nil
}

// Write sets the same values on every id.
func (c *Client) Write(ctx context.Context, ids []int64, vals map[string]any) error {
	return c.Execute(ctx, ProductModel, "write", []any{int64sToAny(ids), vals},
		map[string]any{"context": writeContext()}, nil)
}

// Link gives existing products the external ids of their Zoho items, in one call.
func (c *Client) Link(ctx context.Context, links map[string]int64) error {
	zids := make([]string, 0, len(links))
	for z := range links {
		zids = append(zids, z)
	}
	sort.Strings(zids)
	vals := make([]any, 0, len(links))
	for _, z := range zids {
		vals = append(vals, map[string]any{
			"module": XMLIDModule, "name": XMLIDName(z), "model": ProductModel, "res_id": links[z], "noupdate": true,
		})
	}
	err := c.Execute(ctx, "ir.model.data", "create", []any{vals}, nil, nil)
	if errors.Is(err, ErrForbidden) {
		return ErrNoExternalIDAccess
	}
	return err
}

func toAny[T any](xs []T) []any {
	out := make([]any, len(xs))
	for i, x := range xs {
		out[i] = x
	}
	return out
}

func int64sToAny(ids []int64) []any { return toAny(ids) }

func asString(v any) string {
	s, _ := v.(string)
	return s
}

// many2one splits Odoo's [id, "name"] (or False).
func many2one(v any) (int64, string) {
	pair, ok := v.([]any)
	if !ok || len(pair) < 2 {
		return 0, ""
	}
	return asInt(pair[0]), asString(pair[1])
}

// Many2oneID returns the id of a many2one value as read ([id, name] or False).
func Many2oneID(v any) int64 {
	id, _ := many2one(v)
	return id
}

// FormatImportValue renders a value as load() expects it (import strings).
func FormatImportValue(v any) string {
	switch x := v.(type) {
	case nil:
		return ""
	case string:
		return x
	case bool:
		if x {
			return "1"
		}
		return "0"
	case float64:
		return strconv.FormatFloat(x, 'f', -1, 64)
	case int64:
		return strconv.FormatInt(x, 10)
	case int:
		return strconv.Itoa(x)
	case TaxIDs:
		return x.importValue()
	}
	return fmt.Sprint(v)
}

// Schema is what a run needs to know of this Odoo before mapping items.
type Schema struct {
	Version    Version
	Fields     map[string]Field // product.template's
	Dialect    Dialect
	Units      []UoM
	Categories []Category // read only when a mapped field is a product category
}

// Connect logs in and reads the product schema; categories are read when one
// of the mapped fields points to product.category.
func (c *Client) Connect(ctx context.Context, mapped []string) (Schema, error) {
	if err := c.Login(ctx); err != nil {
		return Schema{}, err
	}
	fields, err := c.ProductFields(ctx)
	if err != nil {
		return Schema{}, err
	}
	units, err := c.Units(ctx)
	if err != nil {
		return Schema{}, err
	}
	s := Schema{Version: c.Version(), Fields: fields, Dialect: DialectFor(c.Version(), fields), Units: units}
	for _, name := range mapped {
		if f := fields[name]; f.Type == "many2one" && f.Relation == "product.category" {
			if s.Categories, err = c.Categories(ctx); err != nil {
				return Schema{}, err
			}
		}
	}
	return s, nil
}

// Want says what to read of each product: these fields, and whether it has
// a picture (read as its size, never its bytes).
type Want struct {
	Fields []string
	Image  bool
}

func (w Want) fields() []string {
	f := append([]string{"id"}, w.Fields...)
	if w.Image {
		f = append(f, ImageField)
	}
	return f
}

// MatchKey is what an existing product can be found by.
type MatchKey string

// Match keys: the product's internal reference (SKU) or its exact name.
const (
	BySKU  MatchKey = "default_code"
	ByName MatchKey = "name"
)

// Key returns the record's value for a match key.
func (r Record) Key(k MatchKey) string { return asString(r[string(k)]) }

// Image reports whether the record was read with its picture (known) and
// whether it has one.
func (r Record) Image() (known, present bool) {
	v, ok := r[ImageField]
	if !ok {
		return false, false
	}
	s, _ := v.(string)
	return true, s != ""
}

// FindProducts returns products (archived included) whose key is one of keys, by id.
func (c *Client) FindProducts(ctx context.Context, by MatchKey, keys []string, want Want) ([]Record, error) {
	return c.SearchProducts(ctx, []any{[]any{string(by), "in", toAny(keys)}}, want.fields())
}

// ReadProducts reads products by id (archived included); missing ids are left out.
func (c *Client) ReadProducts(ctx context.Context, ids []int64, want Want) ([]Record, error) {
	return c.readProducts(ctx, ids, want.fields())
}
