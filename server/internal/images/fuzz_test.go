package images

import (
	"bytes"
	"errors"
	"image"
	"strings"
	"testing"

	_ "image/gif"  // registered for image.DecodeConfig below
	_ "image/jpeg" // (the package itself calls each decoder directly)
	_ "image/png"

	_ "golang.org/x/image/webp"
)

// FuzzCheck asserts that Check never panics, fails only with a *Problem, and
// never accepts data whose header does not decode with the standard
// registry (png, jpeg, gif, webp) as the format and size it reported, within
// the limits.
func FuzzCheck(f *testing.F) {
	png8 := pngBytes(f, 8, 6)
	jpg := jpegBytes(f, 16, 9)
	gif8 := gifBytes(f, 8, 8)
	lossless := readTestdata(f, "lossless.webp")
	lossy := readTestdata(f, "lossy.webp")
	alpha := readTestdata(f, "alpha.webp")
	seeds := []struct {
		ct   string
		data []byte
	}{
		{"image/png", png8},
		{"image/jpeg", jpg},
		{"image/gif", gif8},
		{"image/webp", lossless},
		{"image/webp", lossy},
		{"image/webp", alpha},
		{"image/jpeg", png8},
		{"image/jpeg", withTrailing(jpg, 0, 0)},
		{"text/html;charset=UTF-8", []byte(htmlPage)},
		{"image/png", []byte(htmlPage)},
		{"application/json;charset=UTF-8", []byte(jsonError)},
		{"image/jpeg", []byte(jsonError)},
		{"image/jpeg", nil},
		{"image/png", half(pngBytes(f, 64, 64))},
		{"image/jpeg", half(jpegBytes(f, 128, 128))},
		{"image/gif", half(gifBytes(f, 64, 64))},
		{"image/webp", half(lossy)},
		{"image/png", bombPNG(100000, 100000)},
		{"image/png", bombPNG(1, 1)},
		{"image/bmp", bmpHeader()},
		{"image/tiff", []byte("II*\x00\x08\x00\x00\x00")},
		{"image/svg+xml", []byte(`<svg xmlns="http://www.w3.org/2000/svg"/>`)},
		{"image/png", []byte("hello, world")},
	}
	for _, s := range seeds {
		f.Add(s.ct, s.data)
	}
	lim := Limits{MaxBytes: 1 << 20, MaxMegapixels: 40}
	f.Fuzz(func(t *testing.T, ct string, data []byte) {
		info, err := Check(ct, data, lim)
		if err != nil {
			var p *Problem
			if !errors.As(err, &p) || p.Reason == "" {
				t.Fatalf("error %v (%T) is not a *Problem with a reason", err, err)
			}
			return
		}
		if !strings.HasPrefix(mediaType(ct), "image/") {
			t.Fatalf("accepted Content-Type %q", ct)
		}
		if len(data) == 0 || int64(len(data)) > lim.MaxBytes {
			t.Fatalf("accepted %d bytes", len(data))
		}
		cfg, format, derr := image.DecodeConfig(bytes.NewReader(data))
		if derr != nil {
			t.Fatalf("accepted %+v but the header does not decode: %v", info, derr)
		}
		if format != info.Format || cfg.Width != info.Width || cfg.Height != info.Height {
			t.Fatalf("accepted %+v, the header says %s %d×%d", info, format, cfg.Width, cfg.Height)
		}
		if info.Width <= 0 || info.Height <= 0 || float64(info.Width)*float64(info.Height) > lim.MaxMegapixels*1e6 {
			t.Fatalf("accepted %+v over the limits", info)
		}
	})
}
