package odoo

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"sync"
)

// Categories by name (README "Product model"): a product's category is given
// to WriteProducts as its complete name ("All / Saleable"), and written as
// the category's id. A category that does not exist yet is created first,
// its parent before it, through product.category's load() with an external id
// of its own: a create repeated after a kill updates the category it made
// instead of making a second one (docs/odoo.md#product-categories).

// CategoryModel is the model of product categories.
const CategoryModel = "product.category"

// categoryXMLID is the external id of a category zohosync created, from its
// complete name (case-insensitive, as matching is).
func categoryXMLID(complete string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(complete)))
	return XMLIDModule + ".zoho_category_" + hex.EncodeToString(sum[:8])
}

type categories struct {
	mu     sync.Mutex
	byName map[string]int64 // lower-cased complete name → id
	read   bool
}

func (cs *categories) remember(list []Category) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	if cs.byName == nil {
		cs.byName = map[string]int64{}
	}
	for _, c := range list {
		cs.byName[strings.ToLower(c.CompleteName)] = c.ID
	}
	cs.read = true
}

func (cs *categories) known() bool {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	return cs.read
}

func (cs *categories) lookup(complete string) (int64, bool) {
	cs.mu.Lock()
	defer cs.mu.Unlock()
	id, ok := cs.byName[strings.ToLower(complete)]
	return id, ok
}

// isCategoryRef reports whether a value of field is a category given by name.
func (c *Client) isCategoryRef(field string, v any) (string, bool) {
	f := c.fields[field]
	s, ok := v.(string)
	return strings.TrimSpace(s), ok && f.Type == "many2one" && f.Relation == CategoryModel && strings.TrimSpace(s) != ""
}

// resolveCategories returns ps with every category name replaced by its id,
// creating the categories that do not exist. A category Odoo refuses to
// create fails the products that need it (their results, in failed); the
// error is for the run.
func (c *Client) resolveCategories(ctx context.Context, ps []ProductWrite) (out []ProductWrite, skip map[int]bool, failed []Result, err error) {
	var need []string
	seen := map[string]bool{}
	for _, p := range ps {
		for f, v := range p.Values {
			if name, ok := c.isCategoryRef(f, v); ok && !seen[strings.ToLower(name)] {
				seen[strings.ToLower(name)] = true
				need = append(need, name)
			}
		}
	}
	if len(need) == 0 {
		return ps, nil, nil, nil
	}
	if !c.cats.known() {
		if _, err := c.Categories(ctx); err != nil {
			return nil, nil, nil, err
		}
	}
	refusedCat := map[string]error{}
	for _, name := range need {
		if _, err := c.ensureCategory(ctx, name); err != nil {
			var rf *Refusal
			if _, fault := rowFault(err); !fault && !errors.As(err, &rf) {
				return nil, nil, nil, err
			}
			refusedCat[strings.ToLower(name)] = err
		}
	}
	out = make([]ProductWrite, 0, len(ps))
	skip = map[int]bool{}
	for i, p := range ps {
		var vals map[string]any
		var bad error
		for f, v := range p.Values {
			name, ok := c.isCategoryRef(f, v)
			if !ok {
				continue
			}
			if e := refusedCat[strings.ToLower(name)]; e != nil {
				bad = e
				break
			}
			id, _ := c.cats.lookup(name)
			if vals == nil {
				vals = make(map[string]any, len(p.Values))
				for k, v := range p.Values {
					vals[k] = v
				}
			}
			vals[f] = id
		}
		if bad != nil {
			failed = append(failed, Result{Index: i, ID: p.ID, Err: refused(fmt.Sprintf("the product category could not be created: %v", bad), ErrValidation)})
			skip[i] = true
		} else if vals != nil {
			p.Values = vals
		}
		out = append(out, p)
	}
	return out, skip, failed, nil
}

// ensureCategory returns the id of the category with this complete name,
// creating it (and its missing parents) when there is none.
func (c *Client) ensureCategory(ctx context.Context, complete string) (int64, error) {
	if id, ok := c.cats.lookup(complete); ok {
		return id, nil
	}
	parentID := int64(0)
	leaf := complete
	if i := strings.LastIndex(complete, " / "); i >= 0 {
		var err error
		if parentID, err = c.ensureCategory(ctx, complete[:i]); err != nil {
			return 0, err
		}
		leaf = complete[i+3:]
	}
	cols := []string{"id", "name"}
	row := []string{categoryXMLID(complete), leaf}
	if parentID != 0 {
		cols = append(cols, "parent_id/.id")
		row = append(row, FormatImportValue(parentID))
	}
	var res map[string]any
	err := c.Execute(ctx, CategoryModel, "load", []any{toAny(cols), []any{toAny(row)}},
		map[string]any{"context": writeContext()}, &res)
	if err != nil {
		return 0, err
	}
	ids, _ := res["ids"].([]any)
	if len(ids) != 1 {
		msg := "Odoo's import refused it without saying why"
		if msgs, _ := res["messages"].([]any); len(msgs) > 0 {
			mm, _ := msgs[0].(map[string]any)
			msg = asString(mm["message"])
		}
		return 0, refused(fmt.Sprintf("%q: %s", complete, msg), ErrValidation)
	}
	id := asInt(ids[0])
	c.cats.remember([]Category{{ID: id, CompleteName: complete}})
	return id, nil
}
