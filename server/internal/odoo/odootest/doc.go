// Package odootest is an in-process test double of Odoo's XML-RPC external
// API (/xmlrpc/2/common and /xmlrpc/2/object), built from recordings of a
// real Odoo 17.0 server (product module only, testdata/odoo17-xmlrpc) and
// from the Odoo 17 source for what the recordings do not show.
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
// Models: product.template and its single variant product.product,
// uom.uom, uom.category, product.category, product.tag, ir.model.data,
// res.users, res.partner, res.company, res.currency. Methods: search,
// search_count, search_read, read, create, write, unlink, fields_get,
// name_search, default_get, exists, load, action_archive,
// action_unarchive, toggle_active, check_access_rights, name_get (16/17)
// and ir.model.data.check_object_reference. Other method names answer
// AttributeError like an unknown method (fault 1).
//
// Known limits: one language (the lang context is accepted and ignored),
// no chatter (message_* fields read empty), no ACLs (only admin can log
// in), product attributes/variants beyond the single variant are not
// emulated, one2many commands other than an empty list give fault 1
// NotImplementedError, images are PNG/JPEG/GIF/BMP (plus SVG and WebP
// stored as sent) scaled with nearest-neighbour, product.template's default
// order "priority desc, name" (18: "is_favorite desc, name") is emulated as
// priority, name, id.
package odootest
