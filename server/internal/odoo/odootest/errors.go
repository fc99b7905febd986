package odootest

import (
	"fmt"
	"strings"
)

// odooError is an exception raised while executing a call; it becomes an
// XML-RPC fault.
type odooError struct {
	code int    // 1 (Python exception), 2 (UserError family), 3 (AccessDenied), 4 (AccessError)
	msg  string // code 1: "ExcType: message" (last traceback line); else the message
	tb   string // code 1: traceback text before the last line
	// pg marks database errors: over RPC they are converted to a
	// ValidationError (msg), while load() reports them through
	// PGERROR_TO_OE using pgCode / pgRaw (str(psycopg2 error)).
	pg        bool
	pgNotNull string
	pgCode    string
	pgTable   string
	pgRaw     string
	// user is true for the UserError family (load() catches those).
	user bool
}

func (e *odooError) Error() string { return fmt.Sprintf("fault %d: %s", e.code, e.msg) }

// faultString is the text sent to the client.
func (e *odooError) faultString() string {
	if e.code != 1 {
		return e.msg
	}
	tb := e.tb
	if tb == "" {
		tb = tbHead + tbCallKwModel + "  File \"{odoo}/odoo/models.py\", line 1, in <module>\n"
	}
	return tb + e.msg + "\n"
}

func userError(msg string) *odooError { return &odooError{code: 2, msg: msg, user: true} }

func accessDenied() *odooError { return &odooError{code: 3, msg: "Access Denied"} }

func accessError(msg string) *odooError { return &odooError{code: 4, msg: msg, user: true} }

// pyError is a non-Odoo exception: fault 1 with a traceback.
func pyError(tb, excType, msg string) *odooError {
	return &odooError{code: 1, tb: tb, msg: excType + ": " + msg}
}

func valueError(tb, msg string) *odooError { return pyError(tb, "ValueError", msg) }

func missingError(model string, ids []int, uid int) *odooError {
	parts := make([]any, len(ids))
	for i, id := range ids {
		parts[i] = id
	}
	return userError(fmt.Sprintf("Record does not exist or has been deleted.\n(Record: %s%s, User: %d)", model, pyRepr(pyTuple(parts)), uid))
}

// notNullError is the ValidationError Odoo makes of a NOT NULL violation.
func notNullError(modelDesc, model, fieldString, field string) *odooError {
	e := userError(fmt.Sprintf("The operation cannot be completed:\n"+
		"- Create/update: a mandatory field is not set.\n"+
		"- Delete: another model requires the record being deleted. If possible, archive it instead.\n\n"+
		"Model: %s (%s)\nField: %s (%s)\n", modelDesc, model, fieldString, field))
	e.pg = true
	e.pgNotNull = field
	e.pgCode = "23502"
	e.pgTable = tableName(model)
	e.pgRaw = fmt.Sprintf("null value in column \"%s\" of relation \"%s\" violates not-null constraint\n", field, tableName(model))
	return e
}

func fkError(modelDesc, model, constraint string) *odooError {
	e := userError(fmt.Sprintf("The operation cannot be completed: another model requires the record being deleted. If possible, archive it instead.\n\nModel: %s (%s)\nConstraint: %s\n", modelDesc, model, constraint))
	e.pg = true
	e.pgCode = "23503"
	e.pgTable = tableName(model)
	e.pgRaw = fmt.Sprintf("insert or update on table \"%s\" violates foreign key constraint \"%s\"\n", tableName(model), constraint)
	return e
}

// Traceback fragments, as recorded from Odoo 17.0 (paths sanitized).
const tbHead = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 127, in _xmlrpc
  File "{odoo}/odoo/http.py", line 391, in dispatch_rpc
  File "{odoo}/odoo/service/model.py", line 37, in dispatch
  File "{odoo}/odoo/service/model.py", line 59, in execute_kw
  File "{odoo}/odoo/service/model.py", line 65, in execute
  File "{odoo}/odoo/service/model.py", line 50, in execute_cr
  File "{odoo}/odoo/service/model.py", line 133, in retrying
`

const tbHeadCommon = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 127, in _xmlrpc
  File "{odoo}/odoo/http.py", line 391, in dispatch_rpc
`

const tbCallKwAttr = `  File "{odoo}/odoo/api.py", line 461, in call_kw
`

const tbCallKwModel = `  File "{odoo}/odoo/api.py", line 464, in call_kw
  File "{odoo}/odoo/api.py", line 435, in _call_kw_model
`

const tbCallKwMulti = `  File "{odoo}/odoo/api.py", line 468, in call_kw
  File "{odoo}/odoo/api.py", line 453, in _call_kw_multi
`

const tbCreateHead = `  File "{odoo}/odoo/api.py", line 466, in call_kw
  File "{odoo}/odoo/api.py", line 444, in _call_kw_model_create
  File "<decorator-gen-60>", line 2, in create
  File "{odoo}/odoo/api.py", line 414, in _model_create_multi
  File "{odoo}/addons/product/models/product_template.py", line 487, in create
  File "<decorator-gen-40>", line 2, in create
  File "{odoo}/odoo/api.py", line 415, in _model_create_multi
  File "{odoo}/addons/mail/models/mail_thread.py", line 259, in create
  File "<decorator-gen-0>", line 2, in create
  File "{odoo}/odoo/api.py", line 415, in _model_create_multi
`

const tbCreateNew = `  File "{odoo}/odoo/models.py", line 4564, in create
  File "{odoo}/odoo/models.py", line 4731, in _prepare_create_values
  File "{odoo}/odoo/models.py", line 4759, in _add_precomputed_values
  File "{odoo}/odoo/models.py", line 4759, in <genexpr>
  File "{odoo}/odoo/models.py", line 6455, in new
`

const tbCreateColumn = `  File "{odoo}/odoo/models.py", line 4626, in create
  File "{odoo}/odoo/models.py", line 4793, in _create
`

const tbWriteHead = `  File "{odoo}/odoo/api.py", line 468, in call_kw
  File "{odoo}/odoo/api.py", line 453, in _call_kw_multi
  File "{odoo}/addons/product/models/product_template.py", line 500, in write
  File "{odoo}/addons/mail/models/mail_thread.py", line 325, in write
  File "{odoo}/odoo/models.py", line 4358, in write
`

const tbUnknownDB = `Traceback (most recent call last):
  File "{odoo}/odoo/modules/registry.py", line 87, in __new__
  File "{site-packages}/decorator.py", line 232, in fun
  File "{odoo}/odoo/tools/func.py", line 87, in locked
  File "{odoo}/odoo/tools/lru.py", line 34, in __getitem__
KeyError: %s

During handling of the above exception, another exception occurred:

Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 127, in _xmlrpc
  File "{odoo}/odoo/http.py", line 391, in dispatch_rpc
%s  File "{odoo}/odoo/__init__.py", line 126, in registry
  File "{odoo}/odoo/modules/registry.py", line 89, in __new__
  File "{site-packages}/decorator.py", line 232, in fun
  File "{odoo}/odoo/tools/func.py", line 87, in locked
  File "{odoo}/odoo/modules/registry.py", line 101, in new
  File "{odoo}/odoo/modules/registry.py", line 182, in init
  File "{odoo}/odoo/modules/registry.py", line 950, in cursor
  File "{odoo}/odoo/sql_db.py", line 753, in cursor
  File "{odoo}/odoo/sql_db.py", line 267, in __init__
  File "{site-packages}/decorator.py", line 232, in fun
  File "{odoo}/odoo/tools/func.py", line 87, in locked
  File "{odoo}/odoo/sql_db.py", line 682, in borrow
  File "{site-packages}/psycopg2/__init__.py", line 122, in connect
`

const tbMarshalNone = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 128, in _xmlrpc
  File "{python-stdlib}/xmlrpc/client.py", line 981, in dumps
  File "{python-stdlib}/xmlrpc/client.py", line 514, in dumps
  File "{python-stdlib}/xmlrpc/client.py", line 536, in __dump
  File "{python-stdlib}/xmlrpc/client.py", line 540, in dump_nil
`

const tbMarshalOther = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 128, in _xmlrpc
  File "{python-stdlib}/xmlrpc/client.py", line 981, in dumps
  File "{python-stdlib}/xmlrpc/client.py", line 514, in dumps
  File "{python-stdlib}/xmlrpc/client.py", line 536, in __dump
`

const tbParse = `Traceback (most recent call last):
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 147, in xmlrpc_2
  File "{odoo}/odoo/addons/base/controllers/rpc.py", line 126, in _xmlrpc
  File "{python-stdlib}/xmlrpc/client.py", line 1029, in loads
`

// unknownDBError is what Odoo answers for a database that does not exist.
func unknownDBError(db string, viaCommon bool, method string) *odooError {
	mid := `  File "{odoo}/odoo/service/model.py", line 36, in dispatch
  File "{odoo}/odoo/service/security.py", line 8, in check
`
	if viaCommon {
		mid = `  File "{odoo}/odoo/service/common.py", line 56, in dispatch
  File "{odoo}/odoo/service/common.py", line 25, in exp_authenticate
`
		if method == "login" {
			mid = `  File "{odoo}/odoo/service/common.py", line 56, in dispatch
  File "{odoo}/odoo/service/common.py", line 20, in exp_login
  File "{odoo}/odoo/service/common.py", line 25, in exp_authenticate
`
		}
	}
	tb := fmt.Sprintf(tbUnknownDB, pyStrRepr(db), mid)
	return &odooError{code: 1, tb: tb, msg: fmt.Sprintf(`psycopg2.OperationalError: connection to server at "127.0.0.1", port 5432 failed: FATAL:  database %q does not exist`+"\n", db)}
}

// genericTB builds a plausible traceback for a method of a model.
func genericTB(kind, file, fn string, line int) string {
	var sb strings.Builder
	sb.WriteString(tbHead)
	switch kind {
	case "model":
		sb.WriteString(tbCallKwModel)
	case "multi":
		sb.WriteString(tbCallKwMulti)
	case "create":
		sb.WriteString(tbCreateHead)
	}
	if file != "" {
		fmt.Fprintf(&sb, "  File \"{odoo}/%s\", line %d, in %s\n", file, line, fn)
	}
	return sb.String()
}
