package odootest

import (
	"bytes"
	"encoding/base64"
	"encoding/xml"
	"errors"
	"fmt"
	"io"
	"math"
	"math/big"
	"sort"
	"strconv"
	"strings"
)

// Values decoded from an XML-RPC request are plain Go values:
//
//	bool, int, float64, string, nil (<nil/>), []any (<array>), *pyDict (<struct>),
//	pyBinary (<base64>), pyDateTime (<dateTime.iso8601>).
//
// *pyDict keeps the member order, like a Python dict does.

// pyBinary is an XML-RPC <base64> argument (Python's xmlrpc.client.Binary).
type pyBinary []byte

// pyDateTime is an XML-RPC <dateTime.iso8601> argument (Python's xmlrpc.client.DateTime).
type pyDateTime string

// pyDict is an insertion-ordered string-keyed map (a Python dict / XML-RPC struct).
type pyDict struct {
	keys []string
	m    map[string]any
}

// newPyDict returns an empty ordered dict.
func newPyDict() *pyDict { return &pyDict{m: map[string]any{}} }

// D builds an ordered dict from alternating key, value arguments.
func pd(kv ...any) *pyDict {
	d := newPyDict()
	for i := 0; i+1 < len(kv); i += 2 {
		d.Set(kv[i].(string), kv[i+1])
	}
	return d
}

func (d *pyDict) Len() int {
	if d == nil {
		return 0
	}
	return len(d.keys)
}

func (d *pyDict) Keys() []string {
	if d == nil {
		return nil
	}
	return append([]string(nil), d.keys...)
}

func (d *pyDict) Get(k string) (any, bool) {
	if d == nil {
		return nil, false
	}
	v, ok := d.m[k]
	return v, ok
}

// Val returns the value or nil.
func (d *pyDict) Val(k string) any {
	v, _ := d.Get(k)
	return v
}

func (d *pyDict) Has(k string) bool {
	_, ok := d.Get(k)
	return ok
}

func (d *pyDict) Set(k string, v any) {
	if _, ok := d.m[k]; !ok {
		d.keys = append(d.keys, k)
	}
	d.m[k] = v
}

// SetDefault sets k only when absent.
func (d *pyDict) SetDefault(k string, v any) {
	if !d.Has(k) {
		d.Set(k, v)
	}
}

func (d *pyDict) Del(k string) {
	if _, ok := d.m[k]; !ok {
		return
	}
	delete(d.m, k)
	for i, kk := range d.keys {
		if kk == k {
			d.keys = append(d.keys[:i], d.keys[i+1:]...)
			break
		}
	}
}

// Copy returns a shallow copy.
func (d *pyDict) Copy() *pyDict {
	n := newPyDict()
	if d == nil {
		return n
	}
	for _, k := range d.keys {
		n.Set(k, d.m[k])
	}
	return n
}

// ---------------------------------------------------------------- request parsing

type methodCall struct {
	Method string
	Params []any
}

type xmlParseError struct{ msg string }

func (e *xmlParseError) Error() string { return e.msg }

// parseMethodCall decodes an XML-RPC methodCall the way Python's
// xmlrpc.client.loads does (typed and untyped values, i1/i2/i4/i8/int,
// nil, base64, dateTime.iso8601, namespaced tags such as ex:nil).
func parseMethodCall(body []byte) (*methodCall, error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	dec.Strict = true
	dec.CharsetReader = func(charset string, input io.Reader) (io.Reader, error) {
		switch strings.ToLower(charset) {
		case "utf-8", "utf8", "us-ascii", "ascii", "iso-8859-1", "latin-1", "latin1":
			return input, nil
		}
		return nil, fmt.Errorf("unknown encoding: %s", charset)
	}
	p := &parser{dec: dec}
	mc, err := p.parse()
	if err != nil {
		var pe *xmlParseError
		if errors.As(err, &pe) {
			return nil, err
		}
		return nil, &xmlParseError{msg: "xml.parsers.expat.ExpatError: " + err.Error()}
	}
	return mc, nil
}

type parser struct {
	dec *xml.Decoder
}

func (p *parser) next() (xml.Token, error) {
	for {
		t, err := p.dec.Token()
		if err != nil {
			return nil, err
		}
		switch t.(type) {
		case xml.Comment, xml.ProcInst, xml.Directive:
			continue
		}
		return xml.CopyToken(t), nil
	}
}

func (p *parser) parse() (*methodCall, error) {
	mc := &methodCall{Params: []any{}}
	// find methodCall root
	var root xml.StartElement
	for {
		t, err := p.next()
		if err != nil {
			if err == io.EOF {
				return nil, &xmlParseError{msg: "xml.parsers.expat.ExpatError: no element found: line 1, column 0"}
			}
			return nil, err
		}
		if se, ok := t.(xml.StartElement); ok {
			root = se
			break
		}
	}
	if root.Name.Local != "methodCall" {
		// Python's loads would return no method name; Odoo then fails.
		return nil, &xmlParseError{msg: "xmlrpc.client.ResponseError: ResponseError('unexpected root element " + root.Name.Local + "')"}
	}
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch tt := t.(type) {
		case xml.EndElement:
			return mc, nil
		case xml.StartElement:
			switch tt.Name.Local {
			case "methodName":
				s, err := p.text(tt)
				if err != nil {
					return nil, err
				}
				mc.Method = s
			case "params":
				if err := p.params(mc); err != nil {
					return nil, err
				}
			default:
				if err := p.dec.Skip(); err != nil {
					return nil, err
				}
			}
		}
	}
}

func (p *parser) params(mc *methodCall) error {
	for {
		t, err := p.next()
		if err != nil {
			return err
		}
		switch tt := t.(type) {
		case xml.EndElement:
			return nil
		case xml.StartElement:
			if tt.Name.Local != "param" {
				if err := p.dec.Skip(); err != nil {
					return err
				}
				continue
			}
			// <param><value>..</value></param>
			for {
				t2, err := p.next()
				if err != nil {
					return err
				}
				if _, ok := t2.(xml.EndElement); ok {
					break
				}
				if se, ok := t2.(xml.StartElement); ok {
					if se.Name.Local == "value" {
						v, err := p.value()
						if err != nil {
							return err
						}
						mc.Params = append(mc.Params, v)
					} else if err := p.dec.Skip(); err != nil {
						return err
					}
				}
			}
		}
	}
}

// text reads character data up to the end of the current element.
func (p *parser) text(se xml.StartElement) (string, error) {
	var sb strings.Builder
	depth := 0
	for {
		t, err := p.next()
		if err != nil {
			return "", err
		}
		switch tt := t.(type) {
		case xml.CharData:
			sb.Write(tt)
		case xml.StartElement:
			depth++
		case xml.EndElement:
			if depth == 0 {
				return sb.String(), nil
			}
			depth--
		}
	}
}

// value is called right after <value> was read.
func (p *parser) value() (any, error) {
	var text strings.Builder
	var result any
	typed := false
	for {
		t, err := p.next()
		if err != nil {
			return nil, err
		}
		switch tt := t.(type) {
		case xml.CharData:
			if !typed {
				text.Write(tt)
			}
		case xml.EndElement:
			if !typed {
				return text.String(), nil
			}
			return result, nil
		case xml.StartElement:
			typed = true
			v, err := p.typed(tt)
			if err != nil {
				return nil, err
			}
			result = v
		}
	}
}

func (p *parser) typed(se xml.StartElement) (any, error) {
	name := se.Name.Local
	switch name {
	case "array":
		arr := []any{}
		for {
			t, err := p.next()
			if err != nil {
				return nil, err
			}
			switch tt := t.(type) {
			case xml.EndElement:
				return arr, nil
			case xml.StartElement:
				if tt.Name.Local != "data" {
					if err := p.dec.Skip(); err != nil {
						return nil, err
					}
					continue
				}
				for {
					t2, err := p.next()
					if err != nil {
						return nil, err
					}
					if _, ok := t2.(xml.EndElement); ok {
						break
					}
					if s2, ok := t2.(xml.StartElement); ok {
						if s2.Name.Local == "value" {
							v, err := p.value()
							if err != nil {
								return nil, err
							}
							arr = append(arr, v)
						} else if err := p.dec.Skip(); err != nil {
							return nil, err
						}
					}
				}
			}
		}
	case "struct":
		d := newPyDict()
		for {
			t, err := p.next()
			if err != nil {
				return nil, err
			}
			switch tt := t.(type) {
			case xml.EndElement:
				return d, nil
			case xml.StartElement:
				if tt.Name.Local != "member" {
					if err := p.dec.Skip(); err != nil {
						return nil, err
					}
					continue
				}
				var key string
				var val any
				for {
					t2, err := p.next()
					if err != nil {
						return nil, err
					}
					if _, ok := t2.(xml.EndElement); ok {
						break
					}
					if s2, ok := t2.(xml.StartElement); ok {
						switch s2.Name.Local {
						case "name":
							key, err = p.text(s2)
							if err != nil {
								return nil, err
							}
						case "value":
							val, err = p.value()
							if err != nil {
								return nil, err
							}
						default:
							if err := p.dec.Skip(); err != nil {
								return nil, err
							}
						}
					}
				}
				d.Set(key, val)
			}
		}
	case "nil":
		if _, err := p.text(se); err != nil {
			return nil, err
		}
		return nil, nil
	}
	s, err := p.text(se)
	if err != nil {
		return nil, err
	}
	switch name {
	case "string", "name":
		return s, nil
	case "int", "i1", "i2", "i4", "i8", "biginteger":
		n, ok := pyParseInt(s)
		if !ok {
			return nil, &xmlParseError{msg: fmt.Sprintf("ValueError: invalid literal for int() with base 10: %s", pyRepr(s))}
		}
		return n, nil
	case "boolean":
		switch s {
		case "0":
			return false, nil
		case "1":
			return true, nil
		}
		return nil, &xmlParseError{msg: "TypeError: bad boolean value"}
	case "double", "float", "bigdecimal":
		f, ok := pyParseFloat(s)
		if !ok {
			return nil, &xmlParseError{msg: fmt.Sprintf("ValueError: could not convert string to float: %s", pyRepr(s))}
		}
		return f, nil
	case "base64":
		b, err := pyB64Decode(s)
		if err != nil {
			return nil, &xmlParseError{msg: "binascii.Error: " + err.Error()}
		}
		return pyBinary(b), nil
	case "dateTime.iso8601":
		return pyDateTime(strings.TrimSpace(s)), nil
	}
	return nil, &xmlParseError{msg: fmt.Sprintf("xmlrpc.client.ResponseError: ResponseError(\"unknown tag '%s'\")", name)}
}

// pyParseInt mimics int(str): surrounding whitespace, sign, underscores between digits.
func pyParseInt(s string) (int, bool) {
	s = strings.TrimSpace(s)
	if s == "" {
		return 0, false
	}
	body := s
	if body[0] == '+' || body[0] == '-' {
		body = body[1:]
	}
	if body == "" || body[0] == '_' || body[len(body)-1] == '_' || strings.Contains(body, "__") {
		return 0, false
	}
	clean := strings.ReplaceAll(s, "_", "")
	n, err := strconv.ParseInt(clean, 10, 64)
	if err != nil {
		return 0, false
	}
	return int(n), true
}

// pyParseFloat mimics float(str).
func pyParseFloat(s string) (float64, bool) {
	t := strings.TrimSpace(s)
	if t == "" {
		return 0, false
	}
	low := strings.ToLower(t)
	sign := 1.0
	core := low
	if strings.HasPrefix(core, "+") {
		core = core[1:]
	} else if strings.HasPrefix(core, "-") {
		core = core[1:]
		sign = -1
	}
	switch core {
	case "inf", "infinity":
		return sign * math.Inf(1), true
	case "nan":
		return math.NaN(), true
	}
	for _, c := range core {
		if !(c >= '0' && c <= '9' || c == '.' || c == 'e' || c == '+' || c == '-' || c == '_') {
			return 0, false
		}
	}
	if strings.Contains(core, "_") {
		// underscores only between digits
		for i := 0; i < len(core); i++ {
			if core[i] == '_' {
				if i == 0 || i == len(core)-1 || !isDigit(core[i-1]) || !isDigit(core[i+1]) {
					return 0, false
				}
			}
		}
		t = strings.ReplaceAll(t, "_", "")
	}
	if strings.ContainsAny(core, "xpXP") {
		return 0, false
	}
	f, err := strconv.ParseFloat(t, 64)
	if err != nil {
		var ne *strconv.NumError
		if errors.As(err, &ne) && ne.Err == strconv.ErrRange {
			return f, true
		}
		return 0, false
	}
	return f, true
}

func isDigit(c byte) bool { return c >= '0' && c <= '9' }

// pyB64Decode mimics base64.b64decode(s) (validate=False): characters outside
// the alphabet are discarded, decoding stops after a complete padding.
func pyB64Decode(s string) ([]byte, error) {
	const alpha = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
	var table [256]int
	for i := range table {
		table[i] = -1
	}
	for i := 0; i < len(alpha); i++ {
		table[alpha[i]] = i
	}
	out := make([]byte, 0, len(s)*3/4+3)
	quadPos := 0
	leftChar := 0
	pads := 0
	nData := 0
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c == '=' {
			if quadPos >= 2 {
				pads++
				if quadPos+pads >= 4 {
					return out, nil
				}
			}
			continue
		}
		v := table[c]
		if v < 0 {
			continue
		}
		nData++
		pads = 0
		switch quadPos {
		case 0:
			quadPos = 1
			leftChar = v
		case 1:
			quadPos = 2
			out = append(out, byte(leftChar<<2|v>>4))
			leftChar = v & 0x0f
		case 2:
			quadPos = 3
			out = append(out, byte(leftChar<<4|v>>2))
			leftChar = v & 0x03
		case 3:
			quadPos = 0
			out = append(out, byte(leftChar<<6|v))
			leftChar = 0
		}
	}
	if quadPos != 0 {
		if quadPos == 1 {
			//lint:ignore ST1005 Python's binascii.Error text, word for word
			return nil, fmt.Errorf("Invalid base64-encoded string: number of data characters (%d) cannot be 1 more than a multiple of 4", nData)
		}
		//lint:ignore ST1005 Python's binascii.Error text, word for word
		return nil, errors.New("Incorrect padding")
	}
	return out, nil
}

// ---------------------------------------------------------------- response marshalling

// xmlrpcInt32Overflow is returned when an int does not fit XML-RPC's <int>.
type marshalError struct{ exc string }

func (e *marshalError) Error() string { return e.exc }

// marshalResponse renders a methodResponse exactly like Python's
// xmlrpc.client.dumps((result,), methodresponse=1, allow_none=False).
func marshalResponse(v any) ([]byte, error) {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<params>\n<param>\n")
	if err := dumpValue(&b, v); err != nil {
		return nil, err
	}
	b.WriteString("</param>\n</params>\n</methodResponse>\n")
	return b.Bytes(), nil
}

// marshalFault renders a fault like xmlrpc.client.dumps(Fault(code, msg)).
func marshalFault(code any, msg string) []byte {
	var b bytes.Buffer
	b.WriteString("<?xml version='1.0'?>\n<methodResponse>\n<fault>\n")
	_ = dumpValue(&b, pd("faultCode", code, "faultString", msg))
	b.WriteString("</fault>\n</methodResponse>\n")
	return b.Bytes()
}

func dumpValue(b *bytes.Buffer, v any) error {
	switch x := v.(type) {
	case nil:
		return &marshalError{exc: "TypeError: cannot marshal None unless allow_none is enabled"}
	case bool:
		if x {
			b.WriteString("<value><boolean>1</boolean></value>\n")
		} else {
			b.WriteString("<value><boolean>0</boolean></value>\n")
		}
	case int:
		if x > math.MaxInt32 || x < math.MinInt32 {
			return &marshalError{exc: "OverflowError: int exceeds XML-RPC limits"}
		}
		fmt.Fprintf(b, "<value><int>%d</int></value>\n", x)
	case int64:
		return dumpValue(b, int(x))
	case float64:
		b.WriteString("<value><double>")
		b.WriteString(pyFloatRepr(x))
		b.WriteString("</double></value>\n")
	case string:
		b.WriteString("<value><string>")
		b.WriteString(pyEscape(stripControl(x)))
		b.WriteString("</string></value>\n")
	case pyDateTime:
		return dumpValue(b, string(x))
	case pyBinary:
		return dumpValue(b, base64.StdEncoding.EncodeToString(x))
	case []any:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := dumpValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case []int:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := dumpValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case []string:
		b.WriteString("<value><array><data>\n")
		for _, e := range x {
			if err := dumpValue(b, e); err != nil {
				return err
			}
		}
		b.WriteString("</data></array></value>\n")
	case *pyDict:
		b.WriteString("<value><struct>\n")
		for _, k := range x.keys {
			b.WriteString("<member>\n<name>")
			b.WriteString(pyEscape(k))
			b.WriteString("</name>\n")
			if err := dumpValue(b, x.m[k]); err != nil {
				return err
			}
			b.WriteString("</member>\n")
		}
		b.WriteString("</struct></value>\n")
	case map[string]any:
		keys := make([]string, 0, len(x))
		for k := range x {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		d := newPyDict()
		for _, k := range keys {
			d.Set(k, x[k])
		}
		return dumpValue(b, d)
	default:
		return &marshalError{exc: fmt.Sprintf("TypeError: cannot marshal %T objects", v)}
	}
	return nil
}

// pyEscape escapes like xmlrpc.client.escape: only &, < and >.
func pyEscape(s string) string {
	if !strings.ContainsAny(s, "&<>") {
		return s
	}
	s = strings.ReplaceAll(s, "&", "&amp;")
	s = strings.ReplaceAll(s, "<", "&lt;")
	return strings.ReplaceAll(s, ">", "&gt;")
}

// stripControl removes control characters 0-31 except tab, LF, CR (Odoo's OdooMarshaller).
func stripControl(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 32 && c != 9 && c != 10 && c != 13 {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var sb strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if c < 32 && c != 9 && c != 10 && c != 13 {
			continue
		}
		sb.WriteByte(c)
	}
	return sb.String()
}

// ---------------------------------------------------------------- Python repr helpers

// pyFloatRepr formats a float64 like Python's repr(float).
func pyFloatRepr(f float64) string {
	switch {
	case math.IsNaN(f):
		return "nan"
	case math.IsInf(f, 1):
		return "inf"
	case math.IsInf(f, -1):
		return "-inf"
	}
	if f == 0 {
		if math.Signbit(f) {
			return "-0.0"
		}
		return "0.0"
	}
	e := strconv.FormatFloat(f, 'e', -1, 64) // d.ddddde±XX
	mant, expStr, _ := strings.Cut(e, "e")
	exp, _ := strconv.Atoi(expStr)
	neg := strings.HasPrefix(mant, "-")
	mant = strings.TrimPrefix(mant, "-")
	digits := strings.Replace(mant, ".", "", 1)
	var out string
	if exp < -4 || exp >= 16 {
		out = digits[:1]
		if len(digits) > 1 {
			out += "." + digits[1:]
		}
		sign := "+"
		if exp < 0 {
			sign = "-"
			exp = -exp
		}
		out += fmt.Sprintf("e%s%02d", sign, exp)
	} else if exp < 0 {
		out = "0." + strings.Repeat("0", -exp-1) + digits
	} else {
		if len(digits) <= exp+1 {
			out = digits + strings.Repeat("0", exp+1-len(digits)) + ".0"
		} else {
			out = digits[:exp+1] + "." + digits[exp+1:]
		}
	}
	if neg {
		out = "-" + out
	}
	return out
}

// pyStrRepr formats a string like Python's repr(str).
func pyStrRepr(s string) string {
	quote := byte('\'')
	if strings.Contains(s, "'") && !strings.Contains(s, "\"") {
		quote = '"'
	}
	var sb strings.Builder
	sb.WriteByte(quote)
	for _, r := range s {
		switch {
		case r == '\\':
			sb.WriteString("\\\\")
		case r == rune(quote):
			sb.WriteByte('\\')
			sb.WriteRune(r)
		case r == '\n':
			sb.WriteString("\\n")
		case r == '\r':
			sb.WriteString("\\r")
		case r == '\t':
			sb.WriteString("\\t")
		case r < 32 || r == 127:
			fmt.Fprintf(&sb, "\\x%02x", r)
		case r >= 0x80 && r < 0xa0:
			fmt.Fprintf(&sb, "\\x%02x", r)
		default:
			sb.WriteRune(r)
		}
	}
	sb.WriteByte(quote)
	return sb.String()
}

// pyRepr formats a decoded value like Python's repr().
func pyRepr(v any) string {
	switch x := v.(type) {
	case nil:
		return "None"
	case bool:
		if x {
			return "True"
		}
		return "False"
	case int:
		return strconv.Itoa(x)
	case *big.Int:
		return x.String()
	case float64:
		return pyFloatRepr(x)
	case string:
		return pyStrRepr(x)
	case pyBinary:
		return "<xmlrpc.client.Binary>"
	case pyDateTime:
		return fmt.Sprintf("<DateTime '%s'>", string(x))
	case []any:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case []int:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = strconv.Itoa(e)
		}
		return "[" + strings.Join(parts, ", ") + "]"
	case *pyDict:
		parts := make([]string, 0, x.Len())
		for _, k := range x.keys {
			parts = append(parts, pyStrRepr(k)+": "+pyRepr(x.m[k]))
		}
		return "{" + strings.Join(parts, ", ") + "}"
	case pyTuple:
		parts := make([]string, len(x))
		for i, e := range x {
			parts[i] = pyRepr(e)
		}
		if len(parts) == 1 {
			return "(" + parts[0] + ",)"
		}
		return "(" + strings.Join(parts, ", ") + ")"
	}
	return fmt.Sprint(v)
}

// pyTuple is only used for repr().
type pyTuple []any

// pyStr formats a value like Python's str().
func pyStr(v any) string {
	if s, ok := v.(string); ok {
		return s
	}
	return pyRepr(v)
}

// pyTruthy mimics Python's bool(value).
func pyTruthy(v any) bool {
	switch x := v.(type) {
	case nil:
		return false
	case bool:
		return x
	case int:
		return x != 0
	case float64:
		return x != 0
	case string:
		return x != ""
	case []any:
		return len(x) > 0
	case []int:
		return len(x) > 0
	case *pyDict:
		return x.Len() > 0
	case pyBinary:
		return len(x) > 0
	case pyDateTime:
		return true
	}
	return true
}

// pyTypeName is Python's type(v).__name__ for decoded values.
func pyTypeName(v any) string {
	switch v.(type) {
	case nil:
		return "NoneType"
	case bool:
		return "bool"
	case int:
		return "int"
	case float64:
		return "float"
	case string:
		return "str"
	case []any, []int:
		return "list"
	case *pyDict:
		return "dict"
	case pyBinary:
		return "Binary"
	case pyDateTime:
		return "DateTime"
	}
	return fmt.Sprintf("%T", v)
}

// parseMethodResponse decodes a methodResponse. It returns the result value,
// or the fault code and string.
func parseMethodResponse(body []byte) (result any, faultCode int, faultString string, isFault bool, err error) {
	dec := xml.NewDecoder(bytes.NewReader(body))
	p := &parser{dec: dec}
	for {
		t, err := p.next()
		if err != nil {
			return nil, 0, "", false, err
		}
		se, ok := t.(xml.StartElement)
		if !ok {
			continue
		}
		switch se.Name.Local {
		case "methodResponse", "params", "param", "fault":
			if se.Name.Local == "fault" {
				isFault = true
			}
			continue
		case "value":
			v, err := p.value()
			if err != nil {
				return nil, 0, "", false, err
			}
			if isFault {
				d, _ := v.(*pyDict)
				code, _ := d.Val("faultCode").(int)
				fs, _ := d.Val("faultString").(string)
				return nil, code, fs, true, nil
			}
			return v, 0, "", false, nil
		}
	}
}
