// Package odootest is an in-process test double of Odoo's XML-RPC external
// API (/xmlrpc/2/common and /xmlrpc/2/object), built from recordings of a
// real Odoo 17.0 server (product module only, testdata/odoo17-xmlrpc; see
// docs/odoo.md#the-recordings) and from the Odoo 17 source for what the
// recordings do not show. It serves what zohosync's Odoo client calls and
// what the recordings cover, not a general ORM: anything else answers a
// fault that names what is not emulated.
//
// Usage:
//
//	srv := odootest.NewServer(odootest.Options{}) // 17.0, db "odoo", admin/admin = uid 2
//	defer srv.Close()
//	// point the client at srv.URL + "/xmlrpc/2/common" and "/xmlrpc/2/object"
//	srv.Inject(odootest.Fault{Model: "product.template", Method: "create", CutAfterCommit: true})
//	ps := srv.Products(true)
//
// Wire format. Responses are byte for byte what Odoo sends: Python's
// xmlrpc.client layout (one tag per line), Python repr doubles (1000.0),
// raw UTF-8 with only &, < and > escaped, <boolean>0</boolean> for empty
// values, never <nil/>. Faults are HTTP 200 with Odoo's codes: 1 (Python
// exception; faultString is a traceback whose last line is Odoo's), 2
// (UserError family), 3 (Access Denied), 4 (AccessError). GET gets 405,
// a body over Options.MaxBodyBytes (128 MiB) gets 413. Requests may use any
// standard XML-RPC encoding; note that github.com/kolo/xmlrpc encodes a Go
// nil as <value/>, which Odoo (and this double) read as an empty string,
// not as False.
//
// Transactions. Every call is atomic: any fault rolls back all its changes.
// Ids come from sequences that are never rolled back, and they are consumed
// where PostgreSQL would consume them (a create failing on NOT NULL, an
// image or a constraint still uses its id; ir.model.data ids are used by
// every row of load()'s upsert), so replaying the recordings yields the
// recorded ids.
//
// Models: product.template and its variants product.product (one, or one per
// combination of its attribute lines' values: product.attribute, its values,
// product.template.attribute.line and .value with price_extra; attributes.go),
// uom.uom, uom.category, product.category, product.tag, ir.model.data,
// res.users, res.partner, res.company, res.currency. Methods: search,
// search_count, search_read, read, create, write, unlink, fields_get, load
// and action_archive (recorded: it answers None after committing). Other
// method names answer AttributeError like an unknown method (fault 1).
// Domains: leaves on the model's own fields, and-ed, with =, !=, in,
// not in and =like; "|", "!", dotted paths and other operators answer a
// fault 1 saying the double does not emulate them.
//
// Pictures: image_1920 is checked and processed on write as Odoo does
// (docs/odoo.md#images); the smaller sizes (image_1024 … image_128) are
// computed from it when read, and Server.Products leaves them out.
//
// Known limits: one language (the lang context is accepted and ignored),
// no chatter (message_* fields read empty), no ACLs (only admin can log
// in), variants are generated as Odoo 17 does but not checked against a
// recording of a real Odoo yet, one2many commands other than an empty list give fault 1
// NotImplementedError, images are PNG/JPEG/GIF/BMP (plus SVG and WebP
// stored as sent) scaled with nearest-neighbour, product.template's default
// order "priority desc, name" (18: "is_favorite desc, name") is emulated as
// priority, name, id.
package odootest
