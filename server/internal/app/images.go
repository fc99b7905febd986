package app

import (
	"log/slog"
	"path/filepath"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/images"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// ImageCacheDir is the image cache inside the data directory (the Python tool kept them in data/product_images/, docs/python-tool.md#files).
const ImageCacheDir = "product_images"

// newImages builds the image fetcher; nil when images are switched off.
func newImages(cfg *config.Config, zc *zoho.Client, dataDir string, log *slog.Logger) engine.ImageFetcher {
	o := cfg.Mapping.Options.Images
	if !o.Enabled {
		return nil
	}
	var cache *images.Cache
	if o.Cache {
		c, err := images.OpenCache(filepath.Join(dataDir, ImageCacheDir), o.CacheMaxBytes)
		if err != nil {
			log.Warn("image cache unavailable; images are downloaded every time they change", "error", err)
		} else {
			cache = c
		}
	}
	sources := make([]zoho.Source, len(o.Sources))
	for i, s := range o.Sources {
		sources[i] = zoho.Source(s)
	}
	return images.NewFetcher(zc, sources, cache, images.Limits{MaxBytes: o.MaxBytes, MaxMegapixels: o.MaxMegapixels})
}
