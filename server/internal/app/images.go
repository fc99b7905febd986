package app

import (
	"log/slog"

	"github.com/zohosync/zohosync/server/internal/config"
	"github.com/zohosync/zohosync/server/internal/engine"
	"github.com/zohosync/zohosync/server/internal/zoho"
)

// newImages builds the image fetcher (TODO(images): wired in the images change).
func newImages(cfg *config.Config, zc *zoho.Client, dataDir string, log *slog.Logger) engine.Images {
	return nil
}
