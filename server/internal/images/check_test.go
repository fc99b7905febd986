package images

import (
	"bytes"
	"encoding/binary"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/color/palette"
	"image/gif"
	"image/jpeg"
	"image/png"
	"os"
	"runtime"
	"strings"
	"testing"
	"time"
)

// ---- sample files ----

func testImage(w, h int) *image.RGBA {
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			img.SetRGBA(x, y, color.RGBA{uint8(x * 7), uint8(y * 13), uint8(x ^ y), 255})
		}
	}
	return img
}

func pngBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := png.Encode(&buf, testImage(w, h)); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func jpegBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	var buf bytes.Buffer
	if err := jpeg.Encode(&buf, testImage(w, h), &jpeg.Options{Quality: 80}); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func gifBytes(t testing.TB, w, h int) []byte {
	t.Helper()
	pal := image.NewPaletted(image.Rect(0, 0, w, h), palette.Plan9)
	for y := 0; y < h; y++ {
		for x := 0; x < w; x++ {
			pal.SetColorIndex(x, y, uint8(x*y))
		}
	}
	var buf bytes.Buffer
	if err := gif.Encode(&buf, pal, nil); err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

// animatedGIF has two frames, the second with its own colour table, and a
// looping (NETSCAPE2.0) extension.
func animatedGIF(t testing.TB) []byte {
	t.Helper()
	f1 := image.NewPaletted(image.Rect(0, 0, 10, 7), palette.Plan9)
	f2 := image.NewPaletted(image.Rect(2, 2, 6, 5), color.Palette{color.Black, color.White})
	f2.SetColorIndex(3, 3, 1)
	var buf bytes.Buffer
	err := gif.EncodeAll(&buf, &gif.GIF{Image: []*image.Paletted{f1, f2}, Delay: []int{10, 20}, LoopCount: 0,
		Config: image.Config{ColorModel: color.Palette(palette.Plan9), Width: 10, Height: 7}})
	if err != nil {
		t.Fatal(err)
	}
	return buf.Bytes()
}

func readTestdata(t testing.TB, name string) []byte {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// pngChunk encodes one PNG chunk with its CRC.
func pngChunk(typ string, data []byte) []byte {
	b := binary.BigEndian.AppendUint32(nil, uint32(len(data)))
	b = append(b, typ...)
	b = append(b, data...)
	return binary.BigEndian.AppendUint32(b, crc32.ChecksumIEEE(b[4:]))
}

// bombPNG is a well-formed, tiny PNG whose header claims w×h pixels: a valid
// IHDR, a tiny IDAT (an empty zlib stream) and IEND.
func bombPNG(w, h uint32) []byte {
	ihdr := binary.BigEndian.AppendUint32(nil, w)
	ihdr = binary.BigEndian.AppendUint32(ihdr, h)
	ihdr = append(ihdr, 8, 2, 0, 0, 0) // 8-bit RGB, deflate, no filter method, no interlace
	b := []byte("\x89PNG\r\n\x1a\n")
	b = append(b, pngChunk("IHDR", ihdr)...)
	b = append(b, pngChunk("IDAT", []byte{0x78, 0x9c, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01})...)
	return append(b, pngChunk("IEND", nil)...)
}

// bmpHeader is the start of a 4×4 24-bit BMP (file header + BITMAPINFOHEADER).
func bmpHeader() []byte {
	b := []byte("BM")
	b = binary.LittleEndian.AppendUint32(b, 54+48)
	b = append(b, 0, 0, 0, 0)
	b = binary.LittleEndian.AppendUint32(b, 54)
	b = binary.LittleEndian.AppendUint32(b, 40)
	b = binary.LittleEndian.AppendUint32(b, 4)
	b = binary.LittleEndian.AppendUint32(b, 4)
	b = append(b, 1, 0, 24, 0)
	b = append(b, make([]byte, 24)...)
	return append(b, make([]byte, 48)...)
}

const (
	htmlPage  = "<html><head><title>Zoho</title></head><body><p>Sorry, something went wrong. Please try again later.</p></body></html>"
	jsonError = `{"code":1000,"message":"Internal Error"}`
)

var testLimits = Limits{MaxBytes: 20 << 20, MaxMegapixels: 40}

func half(b []byte) []byte { return b[:len(b)/2] }

func withTrailing(b []byte, extra ...byte) []byte {
	return append(bytes.Clone(b), extra...)
}

// ---- Check ----

func TestCheck(t *testing.T) {
	png8 := pngBytes(t, 8, 6)
	jpg := jpegBytes(t, 16, 9)
	gif8 := gifBytes(t, 8, 8)
	lossless := readTestdata(t, "lossless.webp")
	lossy := readTestdata(t, "lossy.webp")
	alpha := readTestdata(t, "alpha.webp")

	// A PNG whose last chunk (IEND) has a broken CRC.
	badCRC := bytes.Clone(png8)
	badCRC[len(badCRC)-1] ^= 0xff
	// A PNG with IHDR then IEND, no IDAT.
	noIDAT := append(bytes.Clone(png8[:33]), pngChunk("IEND", nil)...)
	// A WebP whose RIFF size claims more than the file has.
	riffLong := bytes.Clone(lossless)
	binary.LittleEndian.PutUint32(riffLong[4:], binary.LittleEndian.Uint32(riffLong[4:])+10)

	tests := []struct {
		name   string
		ct     string
		data   []byte
		lim    Limits
		want   Info   // when reason == ""
		reason string // expected Problem reason
	}{
		{name: "png", ct: "image/png", data: png8, want: Info{"png", 8, 6}},
		{name: "jpeg", ct: "image/jpeg", data: jpg, want: Info{"jpeg", 16, 9}},
		{name: "gif", ct: "image/gif", data: gif8, want: Info{"gif", 8, 8}},
		{name: "animated gif", ct: "image/gif", data: animatedGIF(t), want: Info{"gif", 10, 7}},
		{name: "webp lossless", ct: "image/webp", data: lossless, want: Info{"webp", 75, 100}},
		{name: "webp lossy", ct: "image/webp", data: lossy, want: Info{"webp", 150, 103}},
		{name: "webp extended with alpha", ct: "image/webp", data: alpha, want: Info{"webp", 400, 301}},
		{name: "png served as image/jpeg", ct: "image/jpeg", data: png8, want: Info{"png", 8, 6}},
		{name: "content type with parameters", ct: "Image/PNG; charset=binary", data: png8, want: Info{"png", 8, 6}},
		{name: "jpeg with trailing zero padding", ct: "image/jpeg", data: withTrailing(jpg, 0, 0, 0), want: Info{"jpeg", 16, 9}},
		{name: "png with bytes after IEND", ct: "image/png", data: withTrailing(png8, 'x'), want: Info{"png", 8, 6}},

		{name: "html as text/html", ct: "text/html;charset=UTF-8", data: []byte(htmlPage), reason: "not an image: Zoho sent text/html"},
		{name: "html as image/png", ct: "image/png", data: []byte(htmlPage), reason: "not an image: Zoho sent an HTML page labelled image/png"},
		{name: "json error", ct: "application/json;charset=UTF-8", data: []byte(jsonError), reason: "not an image: Zoho answered JSON (code 1000: Internal Error)"},
		{name: "json error as image/jpeg", ct: "image/jpeg", data: []byte(jsonError), reason: "not an image: Zoho answered JSON (code 1000: Internal Error)"},
		{name: "json without code", ct: "application/json", data: []byte(`{"x":1}`), reason: "not an image: Zoho answered JSON"},
		{name: "no content type", ct: "", data: png8, reason: "not an image: Zoho sent no Content-Type"},
		{name: "octet-stream", ct: "application/octet-stream", data: png8, reason: "not an image: Zoho sent application/octet-stream"},
		{name: "zero bytes", ct: "image/jpeg", data: nil, reason: "empty file"},
		{name: "truncated png", ct: "image/png", data: half(pngBytes(t, 64, 64)), reason: "truncated PNG (the file ends before its IEND chunk)"},
		{name: "png cut inside its header", ct: "image/png", data: png8[:20], reason: "truncated PNG (the file ends inside its header)"},
		{name: "png bad crc", ct: "image/png", data: badCRC, reason: `corrupt PNG (bad checksum in chunk "IEND")`},
		{name: "png without IDAT", ct: "image/png", data: noIDAT, reason: "corrupt PNG (no image data before IEND)"},
		{name: "truncated jpeg", ct: "image/jpeg", data: half(jpegBytes(t, 128, 128)), reason: "truncated JPEG (the file ends before its EOI marker)"},
		{name: "truncated gif", ct: "image/gif", data: half(gifBytes(t, 64, 64)), reason: "truncated GIF (the file ends before its trailer)"},
		{name: "gif without trailer", ct: "image/gif", data: gif8[:len(gif8)-1], reason: "truncated GIF (the file ends before its trailer)"},
		{name: "truncated webp", ct: "image/webp", data: half(lossy), reason: "truncated WebP (the file is shorter than its RIFF size)"},
		{name: "webp riff size too big", ct: "image/webp", data: riffLong, reason: "truncated WebP (the file is shorter than its RIFF size)"},
		{name: "webp trailing bytes", ct: "image/webp", data: withTrailing(lossless, 1, 2), reason: "corrupt WebP (2 bytes after the end of its RIFF data)"},
		{name: "over MaxBytes", ct: "image/png", data: append(bytes.Clone(png8), make([]byte, 3<<19)...), lim: Limits{MaxBytes: 1 << 20}, reason: "too large: 1.5 MB (limit 1 MB)"},
		{name: "over MaxBytes by one byte", ct: "image/png", data: make([]byte, 1<<20+1), lim: Limits{MaxBytes: 1 << 20}, reason: "too large: 1048577 bytes (limit 1048576 bytes)"},
		{name: "over MaxBytes small limit", ct: "image/png", data: make([]byte, 3000), lim: Limits{MaxBytes: 1024}, reason: "too large: 2.9 KB (limit 1 KB)"},
		{name: "over MaxMegapixels", ct: "image/png", data: pngBytes(t, 100, 100), lim: Limits{MaxMegapixels: 0.005}, reason: "too large: 0.01 MP (limit 0.005 MP)"},
		{name: "decompression bomb", ct: "image/png", data: bombPNG(100000, 100000), reason: "too large: 10000 MP (limit 40 MP)"},
		{name: "61 MP", ct: "image/png", data: bombPNG(9000, 6800), reason: "too large: 61.2 MP (limit 40 MP)"},
		{name: "default limit is 40 MP", ct: "image/png", data: bombPNG(8000, 5001), lim: Limits{}, reason: "too large: 40.008 MP (limit 40 MP)"},
		{name: "no pixel limit", ct: "image/png", data: bombPNG(8000, 8000), lim: Limits{MaxMegapixels: -1}, want: Info{"png", 8000, 8000}},
		{name: "bmp", ct: "image/bmp", data: bmpHeader(), reason: "unsupported image format image/bmp"},
		{name: "bmp labelled png", ct: "image/png", data: bmpHeader(), reason: "unsupported image format image/bmp"},
		{name: "tiff", ct: "image/tiff", data: []byte("II*\x00\x08\x00\x00\x00"), reason: "unsupported image format image/tiff"},
		{name: "svg", ct: "image/svg+xml", data: []byte(`<?xml version="1.0"?><svg xmlns="http://www.w3.org/2000/svg"/>`), reason: "unsupported image format image/svg+xml"},
		{name: "garbage", ct: "image/png", data: []byte("hello, world"), reason: "unreadable image header (image/png)"},
		{name: "png magic, garbage header", ct: "image/png", data: []byte("\x89PNG\r\n\x1a\n\x00\x00\x00\x0dIHDRxxxxxxxxxxxxxxxxxxxxxxxxxx"), reason: "unreadable image header (image/png: unsupported compression method)"},
		{name: "jpeg cut inside its header", ct: "image/jpeg", data: jpg[:40], reason: "truncated JPEG (the file ends inside its header)"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			lim := tt.lim
			if lim == (Limits{}) && tt.name != "default limit is 40 MP" {
				lim = testLimits
			}
			info, err := Check(tt.ct, tt.data, lim)
			if tt.reason == "" {
				if err != nil {
					t.Fatalf("Check: %v", err)
				}
				if info != tt.want {
					t.Fatalf("info = %+v, want %+v", info, tt.want)
				}
				return
			}
			var p *Problem
			if !errors.As(err, &p) {
				t.Fatalf("err = %v (%T), want a *Problem %q", err, err, tt.reason)
			}
			if p.Reason != tt.reason {
				t.Fatalf("reason = %q, want %q", p.Reason, tt.reason)
			}
			if info != (Info{}) {
				t.Fatalf("info = %+v on failure", info)
			}
		})
	}
}

// The bomb must be refused from its header: quickly and without allocating
// anything near its claimed size (30 GB of RGB).
func TestCheckBombIsCheap(t *testing.T) {
	bomb := bombPNG(100000, 100000)
	var before, after runtime.MemStats
	runtime.GC()
	runtime.ReadMemStats(&before)
	start := time.Now()
	const n = 100
	for range n {
		if _, err := Check("image/png", bomb, testLimits); err == nil || !strings.HasPrefix(err.Error(), "too large") {
			t.Fatalf("err = %v", err)
		}
	}
	elapsed := time.Since(start) / n
	runtime.ReadMemStats(&after)
	perCall := (after.TotalAlloc - before.TotalAlloc) / n
	t.Logf("%v and %d bytes allocated per Check", elapsed, perCall)
	if perCall > 64<<10 {
		t.Errorf("Check allocated %d bytes per call, want < 64 KiB", perCall)
	}
	if elapsed > 5*time.Millisecond { // microseconds in practice; generous for -race
		t.Errorf("Check took %v per call", elapsed)
	}
}

func TestInfoMIMEType(t *testing.T) {
	if got := (Info{Format: "webp"}).MIMEType(); got != "image/webp" {
		t.Fatal(got)
	}
	if got := (Info{}).MIMEType(); got != "" {
		t.Fatal(got)
	}
}

func TestReasonIsClipped(t *testing.T) {
	ct := "text/" + strings.Repeat("x", 500)
	_, err := Check(ct, []byte("x"), testLimits)
	if err == nil || len(err.Error()) > 120 {
		t.Fatalf("reason not clipped: %q", err)
	}
	body := `{"code":"1\n2","message":"` + strings.Repeat("m", 1000) + `\u0001"}`
	_, err = Check("application/json", []byte(body), testLimits)
	if err == nil || len(err.Error()) > 250 || strings.ContainsAny(err.Error(), "\n\x01") {
		t.Fatalf("reason not clipped: %q", err)
	}
}
