// Package images downloads an item's picture from Zoho, checks that it really
// is a complete image, and keeps a content-addressed local cache so that an
// unchanged image is never downloaded twice.
//
// # Why check at all
//
// Neither side of the sync can be trusted to reject a bad file:
//
//   - Zoho answers errors on the image endpoints with HTTP 200 and a JSON or
//     HTML body now and then (docs/zoho.md#item-images), and answers can be cut off.
//   - Odoo stores almost anything as image_1920 without a fault
//     (docs/odoo.md#images): bytes starting with "<" are taken for SVG and
//     stored unprocessed, so an HTML error page becomes the product picture;
//     a truncated PNG is stored because only its header is read; only bytes
//     that are not an image at all give fault 2, and that fault fails the
//     whole batch the product was sent in. Above 50 megapixels Odoo refuses
//     the image, again failing the batch.
//
// So the sync checks every file itself before it goes anywhere near Odoo.
//
// # What Check verifies, cheapest first, without decoding a pixel
//
//  1. The Content-Type starts with image/ (parameters allowed). Anything else
//     is "not an image", with Zoho's JSON error code and message when the
//     body is a Zoho error.
//  2. The file is not empty and not over Limits.MaxBytes.
//  3. The leading bytes ("magic") say which format the file really is. The
//     bytes are trusted, not the Content-Type: a PNG served as image/jpeg is
//     fine. HTML or JSON bodies labelled image/* are named as such; known
//     formats other than PNG, JPEG, GIF and WebP (BMP, TIFF, SVG, ICO, AVIF,
//     HEIC, ...) are "unsupported".
//  4. The header decodes with that format's DecodeConfig (image/png,
//     image/jpeg, image/gif, golang.org/x/image/webp), which reads only the
//     header, so the decoder that reads the header is always the one the
//     magic bytes picked.
//  5. Width × height is within Limits.MaxMegapixels. A "decompression bomb"
//     (a tiny PNG whose header claims 100000 × 100000) is refused here, from
//     its header, in microseconds and without a large allocation.
//  6. The file is complete and well-formed at the container level: a PNG's
//     chunks are walked up to IEND, with every chunk's CRC verified and at
//     least one IDAT; a JPEG ends with its EOI marker (FFD9; trailing zero
//     padding allowed); a GIF's blocks are walked up to the 0x3B trailer
//     with at least one image; a WebP's RIFF size equals the file length and
//     its chunks tile the RIFF payload exactly.
//
// Every failure is a *Problem: a short, human reason shown in the run's
// events. A Problem concerns one item's image only: the product is still
// synced and the image is tried again on the next run.
//
// # Fetching and caching
//
// Fetcher tries each configured Zoho source in order (Inventory first, whose
// images are often better, then Books) until one gives a valid image, and
// keeps at most one image in memory at a time. Errors that concern the whole
// run (daily quota, credentials, token limit, organisation, rate limit that
// outlasted the client's retries, cancellation) are returned as they are so
// the caller stops; everything else becomes a Problem.
//
// Cache stores accepted images under dir, one file per distinct content named
// by its MD5, with a small append-only index from (item id, Zoho image
// identity) to that MD5. It prunes the least recently used files when it
// grows over its size cap.
package images
