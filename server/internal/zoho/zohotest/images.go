package zohotest

import (
	"bytes"
	"hash/fnv"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math"
	"math/rand/v2"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/zohosync/zohosync/server/internal/images/pngpool"
)

type customImage struct {
	contentType string
	data        []byte
}

// contentTypeFor maps Zoho's image_type (file extension) to a MIME type.
func contentTypeFor(imageType string) string {
	switch strings.ToLower(imageType) {
	case "png":
		return "image/png"
	case "gif":
		return "image/gif"
	case "webp":
		return "image/webp"
	case "bmp":
		return "image/bmp"
	default:
		return "image/jpeg"
	}
}

// extFor maps a MIME type to Zoho's image_type.
func extFor(contentType string) string {
	ct := strings.ToLower(strings.TrimSpace(strings.SplitN(contentType, ";", 2)[0]))
	switch ct {
	case "image/jpeg", "image/jpg", "image/pjpeg":
		return "jpg"
	case "":
		return "jpg"
	}
	if sub, ok := strings.CutPrefix(ct, "image/"); ok && sub != "" {
		return sub
	}
	return "jpg"
}

// SeedImageSize sets the approximate size in bytes of the generated images
// served for items whose image was not set with SetImage (0, the default,
// gives tiny images of a few hundred bytes). Larger sizes are reached with
// noise pixels, so the files do not compress. Images are generated on
// demand and a bounded number is cached.
func (s *Server) SeedImageSize(bytes int) {
	s.mu.Lock()
	s.seedImageSize = max(bytes, 0)
	s.mu.Unlock()
	s.images.clear()
}

// SetImage sets the bytes served by /items/{id}/image and the item's
// ImageName, ImageType, ImageDocumentID and ImageID; the document id changes
// whenever the bytes (or content type) change. Unknown ids are ignored.
// LastModifiedTime is bumped only after SetImageBumpsModified(true).
func (s *Server) SetImage(id, contentType string, data []byte) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.items[id]
	if !ok {
		return
	}
	delete(s.brokenImages, id)
	if ci, had := s.custom[id]; had && ci.contentType == contentType && bytes.Equal(ci.data, data) && old.HasImage() {
		return
	}
	s.custom[id] = customImage{contentType: contentType, data: bytes.Clone(data)}
	it := old.clone()
	ext := extFor(contentType)
	it.ImageDocumentID = s.newIDLocked()
	it.ImageID = s.newIDLocked()
	it.ImageType = ext
	it.ImageName = "image_" + it.ImageDocumentID + "." + ext
	if s.imageBumps {
		it.LastModifiedTime = s.now().Truncate(time.Second)
	}
	s.storeLocked(it)
}

// BreakImage makes an item list a picture that Zoho cannot serve: its image
// fields stay, and /items/{id}/image answers "no image" with code 1002 (Books
// HTTP 404, Inventory HTTP 400; docs/zoho.md#item-images). SetImage and
// ClearImage mend it. Unknown ids are ignored.
func (s *Server) BreakImage(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if it, ok := s.items[id]; ok && it.HasImage() {
		s.brokenImages[id] = true
	}
}

// ClearImage removes an item's image (its image fields become empty and the
// image endpoint answers 404). Unknown ids are ignored.
func (s *Server) ClearImage(id string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	old, ok := s.items[id]
	if !ok {
		return
	}
	delete(s.custom, id)
	delete(s.brokenImages, id)
	if !old.HasImage() {
		return
	}
	it := old.clone()
	it.ImageName, it.ImageType, it.ImageDocumentID, it.ImageID = "", "", "", ""
	if s.imageBumps {
		it.LastModifiedTime = s.now().Truncate(time.Second)
	}
	s.storeLocked(it)
}

// ImageBytes returns the bytes and content type /items/{id}/image would serve.
func (s *Server) ImageBytes(id string) (data []byte, contentType string, ok bool) {
	s.mu.Lock()
	it, exists := s.items[id]
	ci, custom := s.custom[id]
	size := s.seedImageSize
	s.mu.Unlock()
	if !exists || !it.HasImage() {
		return nil, "", false
	}
	if custom {
		return bytes.Clone(ci.data), ci.contentType, true
	}
	ct := contentTypeFor(it.ImageType)
	return bytes.Clone(s.images.get(it.ItemID, it.ImageDocumentID, ct == "image/png", size)), ct, true
}

// ---- generation and cache ----

type imageCache struct {
	mu       sync.Mutex
	m        map[string][]byte
	order    []string
	bytes    int
	maxBytes int
	jpegBPP  map[int]float64 // measured bytes per pixel of noise JPEGs, by target size
}

func newImageCache(maxBytes int) *imageCache {
	return &imageCache{m: map[string][]byte{}, maxBytes: maxBytes, jpegBPP: map[int]float64{}}
}

func (c *imageCache) clear() {
	c.mu.Lock()
	c.m, c.order, c.bytes = map[string][]byte{}, nil, 0
	c.mu.Unlock()
}

// get returns the (shared, read-only) generated image of an item.
func (c *imageCache) get(itemID, docID string, isPNG bool, size int) []byte {
	key := itemID + "|" + docID + "|" + strconv.FormatBool(isPNG) + "|" + strconv.Itoa(size)
	c.mu.Lock()
	if b, ok := c.m[key]; ok {
		c.mu.Unlock()
		return b
	}
	bpp := c.jpegBPP[size]
	c.mu.Unlock()

	var b []byte
	if isPNG || size <= 0 || bpp > 0 {
		b = genImageBPP(key, isPNG, size, bpp)
	} else {
		// Calibrate the JPEG bytes-per-pixel ratio for this size once.
		probe := genImageBPP(key, false, size, 2)
		side := noiseSide(size, 2)
		bpp = float64(len(probe)) / float64(side*side)
		c.mu.Lock()
		c.jpegBPP[size] = bpp
		c.mu.Unlock()
		b = genImageBPP(key, false, size, bpp)
	}

	c.mu.Lock()
	defer c.mu.Unlock()
	if _, ok := c.m[key]; !ok && len(b) <= c.maxBytes {
		c.m[key] = b
		c.order = append(c.order, key)
		c.bytes += len(b)
		for c.bytes > c.maxBytes && len(c.order) > 0 {
			old := c.order[0]
			c.order = c.order[1:]
			c.bytes -= len(c.m[old])
			delete(c.m, old)
		}
	}
	return b
}

var pngBestSpeed, pngNoCompression pngpool.Pool // one pool per compression level

// genImage generates a deterministic image for key (see genImageBPP).
func genImage(key string, isPNG bool, size int) []byte {
	return genImageBPP(key, isPNG, size, 0)
}

func noiseSide(size int, bpp float64) int {
	return max(8, int(math.Ceil(math.Sqrt(float64(size)/bpp))))
}

// genImageBPP draws an image whose first row encodes a 64-bit hash of key
// (so different keys give different pixels) on a background colour derived
// from the hash. With size > 0 it is a square of noise pixels sized so that
// the file is about size bytes (bpp: expected encoded bytes per pixel).
func genImageBPP(key string, isPNG bool, size int, bpp float64) []byte {
	h := fnv.New64a()
	h.Write([]byte(key))
	sum := h.Sum64()
	rng := rand.New(rand.NewPCG(sum, 0x1a2b3c4d))
	side := 8
	if size > 0 {
		if isPNG || bpp <= 0 {
			bpp = 3
		}
		side = noiseSide(size, bpp)
	}
	img := image.NewRGBA(image.Rect(0, 0, side, side))
	bg := color.RGBA{uint8(sum >> 8), uint8(sum >> 16), uint8(sum >> 24), 255}
	pix := img.Pix
	if size > 0 {
		for i := 0; i < len(pix); i += 8 {
			v := rng.Uint64()
			for k := 0; k < 8 && i+k < len(pix); k++ {
				pix[i+k] = uint8(v >> (8 * k))
			}
		}
		for i := 3; i < len(pix); i += 4 {
			pix[i] = 255
		}
	} else {
		for y := 0; y < side; y++ {
			for x := 0; x < side; x++ {
				c := bg
				c.R += uint8(x * 16)
				c.G += uint8(y * 16)
				img.SetRGBA(x, y, c)
			}
		}
	}
	for k := 0; k < 8 && k < side; k++ {
		img.SetRGBA(k, 0, color.RGBA{uint8(sum >> (8 * k)), bg.G, bg.B, 255})
	}
	var buf bytes.Buffer
	buf.Grow(max(size, 1024) + size/8)
	if isPNG {
		enc := png.Encoder{CompressionLevel: png.BestSpeed, BufferPool: &pngBestSpeed}
		if size > 0 {
			enc.CompressionLevel, enc.BufferPool = png.NoCompression, &pngNoCompression
		}
		enc.Encode(&buf, img)
	} else {
		jpeg.Encode(&buf, img, &jpeg.Options{Quality: 90})
	}
	return buf.Bytes()
}
