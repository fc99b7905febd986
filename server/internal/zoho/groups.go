package zoho

import (
	"bytes"
	"context"
	"encoding/json"
	"net/url"
	"strconv"
	"strings"
)

// Item groups (Inventory only): a group holds the shared data of its
// variants, and every variant is also an ordinary item carrying group_id,
// group_name, attribute_name1..3 and attribute_option_name1..3
// (docs/zoho.md#item-groups).

// MaxAttributes is the most attributes a Zoho item group has.
const MaxAttributes = 3

// GroupID is the id of the item group the item is a variant of; "" for a
// standalone item.
func (it Item) GroupID() string { return it.Str("group_id") }

// GroupName is the name of the item's group.
func (it Item) GroupName() string { return it.Str("group_name") }

// Option is one attribute value of a variant (Size = Small).
type Option struct {
	Attribute string // attribute_nameN
	Value     string // attribute_option_nameN
}

// Options lists the variant's attribute values in Zoho's order (1..3),
// leaving out attributes without a name or a value.
func (it Item) Options() []Option {
	var out []Option
	for i := 1; i <= MaxAttributes; i++ {
		n := strings.TrimSpace(it.Str("attribute_name" + strconv.Itoa(i)))
		v := strings.TrimSpace(it.Str("attribute_option_name" + strconv.Itoa(i)))
		if n == "" || v == "" {
			continue
		}
		out = append(out, Option{Attribute: n, Value: v})
	}
	return out
}

// Group is one Zoho item group. Fields are kept raw like an Item's; Items
// are the group's variants as its detail lists them (empty in a list row).
type Group struct {
	Item
	Items []Item
}

// UnmarshalJSON reads a group row or detail: group_id as text, items[] as
// items (one object instead of a list is read as a list of one, as Zoho's
// own examples show it; docs/zoho.md#item-groups).
func (g *Group) UnmarshalJSON(b []byte) error {
	if err := json.Unmarshal(b, &g.Fields); err != nil {
		return err
	}
	g.ID = g.Str("group_id")
	if g.ID == "" {
		return &Error{Kind: KindTransient, Msg: "zoho item group without group_id"}
	}
	g.Items = nil
	raw := bytes.TrimSpace(g.Fields["items"])
	switch {
	case len(raw) > 0 && raw[0] == '[':
		if err := json.Unmarshal(raw, &g.Items); err != nil {
			return err
		}
	case len(raw) > 0 && raw[0] == '{':
		var it Item
		if err := json.Unmarshal(raw, &it); err != nil {
			return err
		}
		g.Items = []Item{it}
	}
	for i := range g.Items {
		it := &g.Items[i]
		// a detail's variants may leave out what every listed item carries:
		// the group's id and name, and the attribute names
		for _, f := range []string{"group_id", "group_name", "attribute_name1", "attribute_name2", "attribute_name3"} {
			if v, ok := it.Fields[f]; !ok || isBlank(v) {
				if gv, ok := g.Fields[f]; ok {
					it.Fields[f] = gv
				}
			}
		}
	}
	return nil
}

func isBlank(raw json.RawMessage) bool {
	s := string(bytes.TrimSpace(raw))
	return s == "" || s == "null" || s == `""`
}

// Name is the group's name.
func (g Group) Name() string { return g.Str("group_name") }

// ItemGroup reads one group with its variants (GET /itemgroups/{id}, key
// item_group). A group Zoho does not have is a KindNotFound error.
func (c *Client) ItemGroup(ctx context.Context, id string) (Group, error) {
	r, err := c.get(ctx, Inventory, "/itemgroups/"+url.PathEscape(id), nil, false)
	if err != nil {
		return Group{}, err
	}
	var env struct {
		Group *Group `json:"item_group"`
	}
	if err := json.Unmarshal(r.body, &env); err == nil && env.Group != nil {
		return *env.Group, nil
	}
	// Zoho's own example answers with the group at the top level
	var g Group
	if err := json.Unmarshal(r.body, &g); err != nil {
		return Group{}, &Error{Kind: KindTransient, Msg: "Zoho's item group " + id + " could not be read: " + err.Error()}
	}
	return g, nil
}

// GroupPage is one page of item groups.
type GroupPage struct {
	Groups  []Group
	HasMore bool
}

// ListItemGroups reads one page of item groups (GET /itemgroups, key itemgroups).
func (c *Client) ListItemGroups(ctx context.Context, page int) (GroupPage, error) {
	q := url.Values{}
	q.Set("page", strconv.Itoa(page))
	q.Set("per_page", strconv.Itoa(PageSize))
	r, err := c.get(ctx, Inventory, "/itemgroups", q, false)
	if err != nil {
		return GroupPage{}, err
	}
	var env struct {
		Groups      []Group `json:"itemgroups"`
		PageContext struct {
			HasMore bool `json:"has_more_page"`
		} `json:"page_context"`
	}
	if err := json.Unmarshal(r.body, &env); err != nil {
		return GroupPage{}, &Error{Kind: KindTransient, Msg: "Zoho's item groups could not be read: " + err.Error()}
	}
	return GroupPage{Groups: env.Groups, HasMore: env.PageContext.HasMore}, nil
}
