package odootest

import (
	"bytes"
	"encoding/base64"
	"encoding/binary"
	"errors"
	"image"
	"image/color"
	"image/gif"
	"image/jpeg"
	"image/png"
	"math"

	"github.com/zohosync/zohosync/server/internal/images/pngpool"
)

// imageSet holds, per size, a base64 string, nil, or (for the derived
// sizes 1024..128) a lazyImage.
type imageSet map[int]any

// lazyImage is a derived size of image_1920 (image_1024 … image_128),
// computed from the stored image_1920 when it is read rather than on every
// write: the end-to-end runs write thousands of pictures and read almost
// none of the smaller sizes, and resizing and re-encoding each picture four
// times was most of the tests' memory under the race detector.
type lazyImage struct {
	base  []byte // the processed image_1920
	size  int
	major int
}

// materialize computes the size as Odoo stores it (base64).
func (l lazyImage) materialize() any {
	res, _, err := imageProcess(l.base, nil, l.size, l.major)
	if err != nil {
		return nil // validated when image_1920 was written
	}
	return base64.StdEncoding.EncodeToString(res)
}

const imageMaxResolution = 50e6

var pngBuffers pngpool.Pool

// processImageField emulates fields.Image._image_process for image_1920 and
// its related image_1024..image_128 fields: it checks and stores
// image_1920 now and fails the write where Odoo would fail computing a
// smaller size (a picture that does not decode fully); the smaller sizes
// themselves are computed when read (lazyImage). zoomable is
// can_image_1024_be_zoomed.
func processImageField(v any, major int) (out imageSet, zoomable bool, oerr *odooError) {
	out = imageSet{1920: nil, 1024: nil, 512: nil, 256: nil, 128: nil}
	var s string
	switch x := v.(type) {
	case nil:
		return out, false, nil
	case bool:
		if !x {
			return out, false, nil
		}
		return nil, false, userError("Image is not encoded in base64.")
	case string:
		s = x
	default:
		return nil, false, userError("Image is not encoded in base64.")
	}
	raw, err := pyB64Decode(s)
	if err != nil {
		return nil, false, userError("Image is not encoded in base64.")
	}
	if len(raw) == 0 {
		return out, false, nil
	}
	if isWebP(raw) {
		// stored as sent, no processing (17+)
		for k := range out {
			out[k] = s
		}
		return out, false, nil
	}
	// image_1024..image_128 are related to image_1920: each is computed
	// from the stored image_1920, not from the previous size.
	base, decoded, perr := imageProcess(raw, nil, 1920, major)
	if perr != nil {
		return nil, false, perr
	}
	out[1920] = base64.StdEncoding.EncodeToString(base)
	if len(base) > 0 && base[0] != '<' {
		cfg, format, err := decodeConfig(base)
		if err != nil {
			return nil, false, userError("This file could not be decoded as an image file.")
		}
		resizes := format != "gif" && (cfg.Width > 128 || cfg.Height > 128)
		if resizes && decoded == nil {
			if _, _, err := image.Decode(bytes.NewReader(base)); err != nil {
				return nil, false, pyError(tbHead+tbCreateHead, "OSError", "image file is truncated")
			}
		}
		zoomable = format != "gif" && (cfg.Width > 1024 || cfg.Height > 1024)
	}
	for _, sz := range []int{1024, 512, 256, 128} {
		out[sz] = lazyImage{base: base, size: sz, major: major}
	}
	return out, zoomable, nil
}

func isWebP(b []byte) bool {
	return len(b) >= 12 && string(b[0:4]) == "RIFF" && string(b[8:12]) == "WEBP"
}

// decodeConfig reads the header of the image formats Odoo's Pillow setup
// accepts here (PNG, JPEG, GIF, BMP).
func decodeConfig(b []byte) (image.Config, string, error) {
	if len(b) >= 2 && b[0] == 'B' && b[1] == 'M' {
		cfg, err := bmpConfig(b)
		return cfg, "bmp", err
	}
	return image.DecodeConfig(bytes.NewReader(b))
}

// imageProcess is odoo.tools.image.image_process(source, size=(sz, sz),
// verify_resolution=True). decoded, when not nil, is src already decoded;
// the decoded image (if any decoding happened) is returned for reuse.
func imageProcess(src []byte, decoded image.Image, sz int, major int) ([]byte, image.Image, *odooError) {
	if len(src) == 0 || src[0] == '<' || isWebP(src) {
		return src, nil, nil // SVG / WEBP are not processed
	}
	var cfg image.Config
	var format string
	var err error
	if decoded != nil {
		b := decoded.Bounds()
		cfg = image.Config{Width: b.Dx(), Height: b.Dy()}
		_, format, err = decodeConfig(src)
	} else {
		cfg, format, err = decodeConfig(src)
	}
	if err != nil {
		return nil, nil, userError("This file could not be decoded as an image file.")
	}
	if float64(cfg.Width)*float64(cfg.Height) > imageMaxResolution {
		switch {
		case major <= 16:
			return nil, nil, valueError(tbHead+tbCreateHead, "Image size excessive, uploaded images must be smaller than 50.0 million pixels.")
		case major >= 18:
			return nil, nil, userError("Too large image (above 50.0Mpx), reduce the image size.")
		}
		return nil, nil, userError("Image size excessive, uploaded images must be smaller than 50.0 million pixels.")
	}
	w, h := thumbSize(cfg.Width, cfg.Height, sz, sz)
	resize := format != "gif" && (w != cfg.Width || h != cfg.Height)
	if !resize && format != "bmp" {
		return src, decoded, nil
	}
	img := decoded
	if img == nil {
		if format == "bmp" {
			img, err = bmpDecode(src)
		} else {
			img, _, err = image.Decode(bytes.NewReader(src))
		}
		if err != nil {
			return nil, nil, pyError(tbHead+tbCreateHead, "OSError", "image file is truncated")
		}
	}
	out := img
	if resize {
		out = resizeNearest(img, w, h)
	}
	var buf bytes.Buffer
	switch format {
	case "jpeg":
		err = jpeg.Encode(&buf, out, &jpeg.Options{Quality: 95})
	case "gif":
		err = gif.Encode(&buf, out, nil)
	default:
		enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBuffers}
		err = enc.Encode(&buf, out)
	}
	if err != nil {
		return nil, nil, pyError(tbHead+tbCreateHead, "OSError", err.Error())
	}
	if resize {
		return buf.Bytes(), out, nil
	}
	return buf.Bytes(), img, nil
}

// thumbSize reproduces PIL.Image.thumbnail's aspect-preserving size.
func thumbSize(w, h, maxW, maxH int) (int, int) {
	x, y := maxW, maxH
	if x >= w && y >= h {
		return w, h
	}
	aspect := float64(w) / float64(h)
	roundAspect := func(number float64, key func(float64) float64) int {
		lo, hi := math.Floor(number), math.Ceil(number)
		best := lo
		if key(hi) < key(lo) {
			best = hi
		}
		if best < 1 {
			best = 1
		}
		return int(best)
	}
	if float64(x)/float64(y) >= aspect {
		x = roundAspect(float64(y)*aspect, func(n float64) float64 { return math.Abs(aspect - n/float64(y)) })
	} else {
		y = roundAspect(float64(x)/aspect, func(n float64) float64 {
			if n == 0 {
				return 0
			}
			return math.Abs(aspect - float64(x)/n)
		})
	}
	return x, y
}

// resizeNearest scales an image with nearest-neighbour sampling, keeping
// paletted and gray images in their color model.
func resizeNearest(src image.Image, w, h int) image.Image {
	b := src.Bounds()
	sw, sh := b.Dx(), b.Dy()
	xs := make([]int, w)
	for x := 0; x < w; x++ {
		xs[x] = b.Min.X + (x*sw+sw/2)/w
		if xs[x] >= b.Max.X {
			xs[x] = b.Max.X - 1
		}
	}
	srcY := func(y int) int {
		v := b.Min.Y + (y*sh+sh/2)/h
		if v >= b.Max.Y {
			v = b.Max.Y - 1
		}
		return v
	}
	switch s := src.(type) {
	case *image.Paletted:
		dst := image.NewPaletted(image.Rect(0, 0, w, h), s.Palette)
		for y := 0; y < h; y++ {
			sy := srcY(y)
			for x := 0; x < w; x++ {
				dst.Pix[y*dst.Stride+x] = s.Pix[(sy-b.Min.Y)*s.Stride+(xs[x]-b.Min.X)]
			}
		}
		return dst
	case *image.Gray:
		dst := image.NewGray(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			sy := srcY(y)
			for x := 0; x < w; x++ {
				dst.Pix[y*dst.Stride+x] = s.Pix[(sy-b.Min.Y)*s.Stride+(xs[x]-b.Min.X)]
			}
		}
		return dst
	case *image.RGBA:
		dst := image.NewRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			sy := srcY(y)
			for x := 0; x < w; x++ {
				si := (sy-b.Min.Y)*s.Stride + (xs[x]-b.Min.X)*4
				copy(dst.Pix[y*dst.Stride+x*4:y*dst.Stride+x*4+4], s.Pix[si:si+4])
			}
		}
		return dst
	case *image.NRGBA:
		dst := image.NewNRGBA(image.Rect(0, 0, w, h))
		for y := 0; y < h; y++ {
			sy := srcY(y)
			for x := 0; x < w; x++ {
				si := (sy-b.Min.Y)*s.Stride + (xs[x]-b.Min.X)*4
				copy(dst.Pix[y*dst.Stride+x*4:y*dst.Stride+x*4+4], s.Pix[si:si+4])
			}
		}
		return dst
	}
	dst := image.NewNRGBA(image.Rect(0, 0, w, h))
	for y := 0; y < h; y++ {
		sy := srcY(y)
		for x := 0; x < w; x++ {
			dst.Set(x, y, color.NRGBAModel.Convert(src.At(xs[x], sy)))
		}
	}
	return dst
}

// ---------------------------------------------------------------- minimal BMP

func bmpConfig(b []byte) (image.Config, error) {
	if len(b) < 26 {
		return image.Config{}, errors.New("bmp: short header")
	}
	hdr := binary.LittleEndian.Uint32(b[14:18])
	var w, h int
	switch {
	case hdr == 12:
		w = int(binary.LittleEndian.Uint16(b[18:20]))
		h = int(int16(binary.LittleEndian.Uint16(b[20:22])))
	case hdr >= 40 && len(b) >= 30:
		w = int(int32(binary.LittleEndian.Uint32(b[18:22])))
		h = int(int32(binary.LittleEndian.Uint32(b[22:26])))
	default:
		return image.Config{}, errors.New("bmp: unsupported header")
	}
	if h < 0 {
		h = -h
	}
	if w <= 0 || h <= 0 {
		return image.Config{}, errors.New("bmp: bad size")
	}
	return image.Config{ColorModel: color.RGBAModel, Width: w, Height: h}, nil
}

// bmpDecode decodes uncompressed 24/32-bit and 8-bit paletted BMP files.
func bmpDecode(b []byte) (image.Image, error) {
	cfg, err := bmpConfig(b)
	if err != nil {
		return nil, err
	}
	hdr := binary.LittleEndian.Uint32(b[14:18])
	if hdr < 40 || len(b) < 54 {
		return nil, errors.New("bmp: unsupported")
	}
	off := int(binary.LittleEndian.Uint32(b[10:14]))
	topDown := int32(binary.LittleEndian.Uint32(b[22:26])) < 0
	bpp := int(binary.LittleEndian.Uint16(b[28:30]))
	comp := binary.LittleEndian.Uint32(b[30:34])
	if comp != 0 && comp != 3 {
		return nil, errors.New("bmp: compressed")
	}
	w, h := cfg.Width, cfg.Height
	img := image.NewNRGBA(image.Rect(0, 0, w, h))
	var pal []color.NRGBA
	if bpp == 8 {
		n := int(binary.LittleEndian.Uint32(b[46:50]))
		if n == 0 {
			n = 256
		}
		p := 14 + int(hdr)
		for i := 0; i < n && p+4 <= len(b); i++ {
			pal = append(pal, color.NRGBA{b[p+2], b[p+1], b[p], 255})
			p += 4
		}
	}
	stride := ((w*bpp + 31) / 32) * 4
	for y := 0; y < h; y++ {
		sy := h - 1 - y
		if topDown {
			sy = y
		}
		rowStart := off + sy*stride
		if rowStart+stride > len(b) {
			return nil, errors.New("bmp: truncated")
		}
		for x := 0; x < w; x++ {
			var c color.NRGBA
			switch bpp {
			case 24:
				p := rowStart + x*3
				c = color.NRGBA{b[p+2], b[p+1], b[p], 255}
			case 32:
				p := rowStart + x*4
				c = color.NRGBA{b[p+2], b[p+1], b[p], 255}
			case 8:
				i := int(b[rowStart+x])
				if i < len(pal) {
					c = pal[i]
				}
			default:
				return nil, errors.New("bmp: unsupported depth")
			}
			img.SetNRGBA(x, y, c)
		}
	}
	return img, nil
}
