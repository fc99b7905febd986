package images

import (
	"bytes"
	"encoding/binary"
	"encoding/json"
	"errors"
	"fmt"
	"hash/crc32"
	"image"
	"image/gif"
	"image/jpeg"
	"image/png"
	"io"
	"math"
	"mime"
	"strconv"
	"strings"
	"unicode"
	"unicode/utf8"

	"golang.org/x/image/webp"

	"github.com/zohosync/zohosync/server/internal/zoho"
)

// Default limits, used where a Limits field is zero.
const (
	DefaultMaxBytes      = 20 << 20 // 20 MB
	DefaultMaxMegapixels = 40       // Odoo refuses above 50 (docs/odoo.md#images)
)

// Limits bound what is accepted. A zero field means its default
// (DefaultMaxBytes, DefaultMaxMegapixels); a negative one means no limit.
type Limits struct {
	MaxBytes      int64   // e.g. 20 << 20
	MaxMegapixels float64 // e.g. 40 (Odoo refuses above 50)
}

func (l Limits) withDefaults() Limits {
	if l.MaxBytes == 0 {
		l.MaxBytes = DefaultMaxBytes
	}
	if l.MaxMegapixels == 0 || math.IsNaN(l.MaxMegapixels) {
		l.MaxMegapixels = DefaultMaxMegapixels
	}
	return l
}

// Info describes a checked image.
type Info struct {
	Format        string // "png", "jpeg", "gif", "webp"
	Width, Height int
}

// MIMEType is the image's media type as the bytes say, e.g. "image/png".
func (i Info) MIMEType() string {
	if i.Format == "" {
		return ""
	}
	return "image/" + i.Format
}

// Problem is an image-level failure: the item's product is still synced, the
// image is retried on the next run. Reason is short and human, shown in the
// run's events and status.
type Problem struct {
	Reason string
	// Source is the Zoho source whose answer gave Reason, when a Fetcher
	// reports it ("" from Check and for the cache).
	Source zoho.Source
	// NoImage: Zoho itself answered that the item has no picture (its code
	// 1002). The answer is final for the item's current image fields: asking
	// again, or asking the other product, costs a call for the same answer
	// (docs/zoho.md#item-images).
	NoImage bool
}

func (p *Problem) Error() string { return p.Reason }

func problem(format string, args ...any) *Problem {
	return &Problem{Reason: fmt.Sprintf(format, args...)}
}

// Reasons that tests and callers may compare against.
const (
	reasonEmpty   = "empty file"
	reasonNoImage = "Zoho has no image for this item"
)

// Check verifies data without decoding pixels: Content-Type must start with
// image/ (parameters allowed), data non-empty and within MaxBytes, the header
// must decode with the decoder of the format the bytes really are (PNG, JPEG,
// GIF or WebP; the bytes are trusted over the Content-Type), width*height
// within MaxMegapixels, and the file must be complete (see the package
// documentation). It returns *Problem on any failure.
func Check(contentType string, data []byte, lim Limits) (Info, error) {
	mt := mediaType(contentType)
	if !strings.HasPrefix(mt, "image/") {
		return Info{}, notAnImage(mt, data)
	}
	info, p := checkBytes(mt, data, lim)
	if p != nil {
		return Info{}, p
	}
	return info, nil
}

// mediaType returns the lowercased media type without parameters, clipped
// for display ("" when there is none).
func mediaType(contentType string) string {
	mt, _, err := mime.ParseMediaType(contentType)
	if err != nil {
		mt, _, _ = strings.Cut(contentType, ";")
		mt = strings.ToLower(strings.TrimSpace(mt))
	}
	return clip(mt, 60)
}

// notAnImage explains a body whose Content-Type is not image/*.
func notAnImage(mt string, data []byte) *Problem {
	if r, ok := zohoJSON(data); ok {
		return problem("not an image: Zoho answered JSON%s", r)
	}
	if mt == "" {
		return problem("not an image: Zoho sent no Content-Type")
	}
	return problem("not an image: Zoho sent %s", mt)
}

// zohoJSON recognises a JSON object body and describes Zoho's code and
// message in it (" (code 1000: Internal Error)"; "" when it has neither).
func zohoJSON(data []byte) (string, bool) {
	body := bytes.TrimSpace(bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")))
	if len(body) == 0 || body[0] != '{' || len(body) > 64<<10 {
		return "", false
	}
	var env struct {
		Code    json.RawMessage `json:"code"`
		Message any             `json:"message"`
	}
	if json.Unmarshal(body, &env) != nil {
		return "", false
	}
	code := clip(strings.Trim(string(env.Code), `"`), 20)
	msg := ""
	if s, ok := env.Message.(string); ok {
		msg = clip(s, 120)
	}
	switch {
	case code != "" && code != "null" && msg != "":
		return " (code " + code + ": " + msg + ")", true
	case code != "" && code != "null":
		return " (code " + code + ")", true
	case msg != "":
		return " (" + msg + ")", true
	}
	return "", true
}

// clip makes s safe and short for a one-line reason.
func clip(s string, n int) string {
	s = strings.TrimSpace(s)
	var b strings.Builder
	count := 0
	for _, r := range s {
		if count == n {
			b.WriteString("…")
			break
		}
		switch {
		case r == utf8.RuneError:
			r = '?'
		case unicode.IsSpace(r):
			r = ' '
		case !unicode.IsPrint(r):
			r = '?'
		}
		b.WriteRune(r)
		count++
	}
	return b.String()
}

// checkBytes runs every check but the Content-Type one; claimed is the
// Content-Type's media type, only used in reasons ("" when unknown).
func checkBytes(claimed string, data []byte, lim Limits) (Info, *Problem) {
	lim = lim.withDefaults()
	if len(data) == 0 {
		return Info{}, problem(reasonEmpty)
	}
	if lim.MaxBytes > 0 && int64(len(data)) > lim.MaxBytes {
		return Info{}, tooManyBytes(int64(len(data)), lim.MaxBytes)
	}
	format := sniff(data)
	switch format {
	case "png", "jpeg", "gif", "webp":
	case "":
		return Info{}, unknownBytes(claimed, data)
	default:
		return Info{}, problem("unsupported image format image/%s", format)
	}

	var cfg image.Config
	var err error
	r := bytes.NewReader(data)
	switch format {
	case "png":
		cfg, err = png.DecodeConfig(r)
	case "jpeg":
		cfg, err = jpeg.DecodeConfig(r)
	case "gif":
		cfg, err = gif.DecodeConfig(r)
	case "webp":
		cfg, err = webp.DecodeConfig(r)
	}
	if err != nil {
		var jpegUnsupported jpeg.UnsupportedError
		var pngUnsupported png.UnsupportedError
		switch {
		case errors.Is(err, io.ErrUnexpectedEOF) || errors.Is(err, io.EOF):
			return Info{}, problem("truncated %s (the file ends inside its header)", upper(format))
		case errors.As(err, &jpegUnsupported):
			return Info{}, problem("unsupported image format image/jpeg (%s)", clip(string(jpegUnsupported), 60))
		case errors.As(err, &pngUnsupported):
			return Info{}, problem("unreadable image header (image/png: unsupported %s)", clip(string(pngUnsupported), 60))
		}
		return Info{}, problem("unreadable image header (image/%s)", format)
	}
	if cfg.Width <= 0 || cfg.Height <= 0 {
		return Info{}, problem("unreadable image header (image/%s: %d×%d pixels)", format, cfg.Width, cfg.Height)
	}
	if lim.MaxMegapixels > 0 {
		mp := float64(cfg.Width) * float64(cfg.Height) / 1e6
		if mp > lim.MaxMegapixels {
			return Info{}, tooManyPixels(mp, lim.MaxMegapixels)
		}
	}
	var p *Problem
	switch format {
	case "png":
		p = pngComplete(data)
	case "jpeg":
		p = jpegComplete(data)
	case "gif":
		p = gifComplete(data)
	case "webp":
		p = webpComplete(data)
	}
	if p != nil {
		return Info{}, p
	}
	return Info{Format: format, Width: cfg.Width, Height: cfg.Height}, nil
}

func upper(format string) string {
	if format == "webp" {
		return "WebP"
	}
	return strings.ToUpper(format)
}

// sniff names the format the leading bytes announce: "png", "jpeg", "gif",
// "webp", another image type (used as "image/<name>"), or "" when unknown.
func sniff(b []byte) string {
	has := func(off int, magic string) bool {
		return len(b) >= off+len(magic) && string(b[off:off+len(magic)]) == magic
	}
	switch {
	case has(0, "\x89PNG\r\n\x1a\n"):
		return "png"
	case has(0, "\xff\xd8\xff"):
		return "jpeg"
	case has(0, "GIF87a"), has(0, "GIF89a"):
		return "gif"
	case has(0, "RIFF") && has(8, "WEBPVP8"): // the first chunk must be VP8, VP8L or VP8X
		return "webp"
	case has(0, "BM") && len(b) >= 18 && b[16] == 0 && b[17] == 0 && isDIBHeaderSize(b[14]) && b[15] == 0:
		return "bmp"
	case has(0, "II*\x00"), has(0, "MM\x00*"):
		return "tiff"
	case has(0, "\x00\x00\x01\x00"), has(0, "\x00\x00\x02\x00"):
		return "x-icon"
	case has(0, "8BPS"):
		return "vnd.adobe.photoshop"
	case has(0, "\xff\x0a"), has(0, "\x00\x00\x00\x0cJXL \r\n\x87\n"):
		return "jxl"
	case has(4, "ftyp"):
		switch {
		case has(8, "avif"), has(8, "avis"):
			return "avif"
		case has(8, "heic"), has(8, "heix"), has(8, "mif1"), has(8, "msf1"), has(8, "hevc"):
			return "heic"
		}
	}
	if t := markup(b); t == "svg" {
		return "svg+xml"
	}
	return ""
}

func isDIBHeaderSize(n byte) bool {
	switch n {
	case 12, 16, 40, 52, 56, 64, 108, 124:
		return true
	}
	return false
}

// markup says whether b is text markup: "svg", "html" (any other markup), or "".
func markup(b []byte) string {
	head := b[:min(len(b), 1024)]
	head = bytes.TrimLeft(bytes.TrimPrefix(head, []byte("\xef\xbb\xbf")), " \t\r\n\f")
	if len(head) == 0 || head[0] != '<' {
		return ""
	}
	if bytes.Contains(bytes.ToLower(head), []byte("<svg")) {
		return "svg"
	}
	return "html"
}

// unknownBytes explains bytes labelled image/* that are no image format.
func unknownBytes(claimed string, data []byte) *Problem {
	label := ""
	if claimed != "" {
		label = " labelled " + claimed
	}
	if markup(data) == "html" {
		return problem("not an image: Zoho sent an HTML page%s", label)
	}
	if r, ok := zohoJSON(data); ok {
		return problem("not an image: Zoho answered JSON%s", r)
	}
	if claimed == "" {
		return problem("unreadable image header")
	}
	return problem("unreadable image header (%s)", claimed)
}

// ---- limits ----

// num formats a positive quantity: one decimal from 1 up, three significant
// digits below.
func num(x float64) string {
	if x >= 1 {
		return strconv.FormatFloat(math.Round(x*10)/10, 'f', -1, 64)
	}
	r, _ := strconv.ParseFloat(strconv.FormatFloat(x, 'g', 3, 64), 64)
	return strconv.FormatFloat(r, 'f', -1, 64)
}

func tooManyBytes(n, limit int64) *Problem {
	unit, div := "MB", float64(1<<20)
	if limit < 1<<20 {
		unit, div = "KB", 1<<10
	}
	got, lim := num(float64(n)/div), num(float64(limit)/div)
	if got == lim || limit < 1<<10 {
		return problem("too large: %d bytes (limit %d bytes)", n, limit)
	}
	return problem("too large: %s %s (limit %s %s)", got, unit, lim, unit)
}

func tooManyPixels(mp, limit float64) *Problem {
	got, lim := num(mp), num(limit)
	if got == lim {
		got, lim = strconv.FormatFloat(mp, 'f', -1, 64), strconv.FormatFloat(limit, 'f', -1, 64)
	}
	return problem("too large: %s MP (limit %s MP)", got, lim)
}

// ---- completeness: container walks over the bytes, no decompression ----

// pngComplete walks the chunks from the signature to IEND, verifying each
// chunk's CRC, and wants at least one IDAT before IEND. Bytes after IEND are
// tolerated (decoders ignore them).
func pngComplete(b []byte) *Problem {
	const truncated = "truncated PNG (the file ends before its IEND chunk)"
	off := int64(8)
	n := int64(len(b))
	sawIDAT := false
	for {
		if off+12 > n {
			return problem(truncated)
		}
		length := int64(binary.BigEndian.Uint32(b[off:]))
		if length > math.MaxInt32 {
			return problem("corrupt PNG (bad chunk length)")
		}
		end := off + 12 + length
		if end > n {
			return problem(truncated)
		}
		typ := b[off+4 : off+8]
		if crc32.ChecksumIEEE(b[off+4:off+8+length]) != binary.BigEndian.Uint32(b[off+8+length:]) {
			return problem("corrupt PNG (bad checksum in chunk %s)", clip(strconv.Quote(string(typ)), 12))
		}
		switch string(typ) {
		case "IDAT":
			sawIDAT = true
		case "IEND":
			if !sawIDAT {
				return problem("corrupt PNG (no image data before IEND)")
			}
			return nil
		}
		off = end
	}
}

// jpegComplete wants the EOI marker (FF D9) at the end, after trailing zero
// padding. Decoders stop at EOI; a file cut off before it shows a grey or
// missing lower part.
func jpegComplete(b []byte) *Problem {
	end := len(b)
	for end > 0 && b[end-1] == 0 {
		end--
	}
	if end < 4 || b[end-2] != 0xff || b[end-1] != 0xd9 {
		return problem("truncated JPEG (the file ends before its EOI marker)")
	}
	return nil
}

// gifComplete walks the GIF blocks up to the 0x3B trailer and wants at least
// one image. Bytes after the trailer are tolerated.
func gifComplete(b []byte) *Problem {
	const truncated = "truncated GIF (the file ends before its trailer)"
	n := len(b)
	if n < 13 {
		return problem(truncated)
	}
	off := 13
	if flags := b[10]; flags&0x80 != 0 {
		off += 3 << (1 + flags&7)
	}
	// subBlocks skips data sub-blocks up to and including the terminator.
	subBlocks := func() bool {
		for {
			if off >= n {
				return false
			}
			size := int(b[off])
			off++
			if size == 0 {
				return true
			}
			off += size
		}
	}
	images := 0
	for {
		if off >= n {
			return problem(truncated)
		}
		switch b[off] {
		case 0x3b:
			if images == 0 {
				return problem("corrupt GIF (no image before the trailer)")
			}
			return nil
		case 0x21: // extension: introducer, label, sub-blocks
			off += 2
			if !subBlocks() {
				return problem(truncated)
			}
		case 0x2c: // image descriptor (10 bytes), local colour table, LZW code size, sub-blocks
			if off+10 > n {
				return problem(truncated)
			}
			flags := b[off+9]
			off += 10
			if flags&0x80 != 0 {
				off += 3 << (1 + flags&7)
			}
			off++ // LZW minimum code size
			if !subBlocks() {
				return problem(truncated)
			}
			images++
		default:
			return problem("corrupt GIF (unknown block 0x%02x)", b[off])
		}
	}
}

// webpComplete wants the RIFF size to match the file length and the chunks to
// tile the RIFF payload exactly, with image data present.
func webpComplete(b []byte) *Problem {
	n := int64(len(b))
	want := int64(binary.LittleEndian.Uint32(b[4:])) + 8
	if want > n {
		return problem("truncated WebP (the file is shorter than its RIFF size)")
	}
	if want < n {
		return problem("corrupt WebP (%d bytes after the end of its RIFF data)", n-want)
	}
	off := int64(12)
	hasImage := false
	for off < want {
		if off+8 > want {
			return problem("corrupt WebP (chunk header past the end of the file)")
		}
		size := int64(binary.LittleEndian.Uint32(b[off+4:]))
		switch string(b[off : off+4]) {
		case "VP8 ", "VP8L", "ANMF":
			hasImage = true
		}
		off += 8 + size + size&1
		if off > want {
			if off-(size&1) == want {
				break // the last chunk's pad byte is commonly left out
			}
			return problem("truncated WebP (a chunk ends past the end of the file)")
		}
	}
	if !hasImage {
		return problem("corrupt WebP (no image data)")
	}
	return nil
}
