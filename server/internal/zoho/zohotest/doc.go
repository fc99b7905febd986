// Package zohotest is an in-process emulator of the parts of Zoho Books v3 and
// Zoho Inventory v1 that the zohosync item sync uses, for tests and
// benchmarks. It follows docs/zoho.md; names in parentheses below are its
// headings.
//
// One loopback HTTP listener (like httptest.Server) plays both the Zoho
// Accounts server and the API domain:
//
//	POST /oauth/v2/token                         refresh-token grant (OAuth tokens, Token endpoint errors, Token limits)
//	GET  /books/v3/organizations[/{id}]          organizations (Organisations)
//	GET  /books/v3/items                         list items (Paging, Listing items)
//	GET  /books/v3/items/{id}                    item detail, key "item"
//	GET  /books/v3/itemdetails?item_ids=a,b      bulk detail, key "items", request order
//	GET  /books/v3/items/{id}/image              primary image bytes (Item images)
//	GET  /inventory/v1/...                       the same, plus itemgroups[/{id}[/image]]
//	                                             and compositeitems[/{id}] (always empty)
//
// Everything else under /books/v3 or /inventory/v1 answers 404 code 5
// "Invalid URL Passed"; non-GET methods on known routes answer 405 code 37.
//
// # Request pipeline
//
// For every API request (anything under /books/v3 or /inventory/v1) the
// emulator, in this order: counts it in Stats (APICalls, ByPath and the
// per-route counters count every request, refused or not); applies an
// injected Fault if one matches; checks the Authorization header (missing or
// not "Zoho-oauthtoken <token>" → 401 code 14; unknown, expired or
// ExpireTokens'd token → 401 code 57; 401s carry no X-Rate-Limit headers);
// resolves the route (404 code 5 / 405 code 37); checks organization_id
// (missing or different from Options.OrgID → HTTP 400 code 6041; not needed
// for /organizations); applies the limits (daily 45, then per-minute 44, then
// concurrency 1070, all HTTP 429); sleeps the configured latency (plus any
// FaultSlow delay) while holding its concurrency slot; and answers.
//
// # Choices made where Zoho's behaviour is unconfirmed (docs/zoho.md#how-sure-each-fact-is)
//
//   - Per-minute limit: a fixed one-minute window that opens at the first
//     admitted call after the previous window ended (not aligned to clock
//     minutes, not sliding). Once the window's quota is spent every call
//     answers 429 code 44 until the window ends (so the "block" lasts at most
//     one minute). Driven by Options.Now.
//   - Daily quota: resets at midnight in the organization's time zone
//     (Asia/Calcutta, +0530, like the IST connector note in Rate limits and quotas).
//     X-Rate-Limit-Limit/-Remaining/-Reset describe this daily window and are
//     sent on every admitted response and on 429s for 44/45/1070, never on
//     401s; they are omitted altogether when the daily limit is unlimited.
//     No Retry-After header is ever sent.
//   - Calls refused with 44, 45 or 1070 count in Stats.APICalls but consume
//     neither the per-minute nor the daily quota. Calls refused earlier
//     (401, 404 code 5, 405, 6041) do not consume quota either.
//   - Concurrency: a call is refused with 1070 when ConcurrencyLimit calls are
//     already admitted and not finished. Latency is real time (time.Sleep), not
//     the injected clock.
//   - Token endpoint: parameters in the query string or a form body; checks
//     client_id (invalid_client), then client_secret (invalid_client_secret),
//     then refresh_token (invalid_code), all HTTP 200. grant_type
//     authorization_code answers invalid_code (the emulator never issues
//     grant codes); other grant types answer {"error":"unsupported_grant_type"}.
//     The mint throttle is a fixed 10-minute window opening at the first mint;
//     the (TokenMintLimit+1)th mint in it answers HTTP 400 with the "Access
//     Denied" body of Token endpoint errors, and so does every attempt until the window
//     ends. At most 30 unexpired access tokens (Options.MaxActiveTokens) are
//     kept per refresh token; minting another deletes the oldest (Token limits).
//     Tokens work on both products (no per-product scopes). RevokeRefreshToken
//     does not invalidate access tokens already issued.
//   - Authorization "Bearer <token>" is not accepted (401 code 14, as if no
//     credential were given).
//   - Books default filter is Status.Active; Inventory's default is unconfirmed and
//     the emulator also uses Status.Active, so a client that forgets
//     filter_by=Status.All fails on both. Inventory's extra filter_by values
//     (Status.Lowstock, ItemType.*, ...) are accepted, echoed in applied_filter
//     and behave like Status.All. Anything else is 400 code 2 "Invalid value
//     passed for filter_by". Invalid page, per_page, sort_column, sort_order,
//     rate filters, last_modified_time and response_option also give code 2.
//   - per_page above 200 is clamped to 200 (page_context says 200).
//   - last_modified_time filter: strict ("modified after") by default,
//     switchable with SetLastModifiedInclusive; compared at one-second
//     resolution (stored times are truncated to the second). Accepted on both
//     products. The value must be "2006-01-02T15:04:05-0700" (a "+" sent
//     unescaped in the query arrives as a space and is rejected with code 2),
//     RFC 3339 is also accepted.
//   - Sorting: name, sku and tax_name case-insensitively; ties broken by
//     item_id; sort_order D reverses the whole order. Offsets are applied to
//     the live sorted list at request time, so edits while paging shift pages.
//   - List rows omit custom_fields, custom_field_hash and locations (detail and
//     /itemdetails have them: the stricter reading of the conflicting reports
//     in Item fields). Books rows omit the Inventory-only fields of Item fields
//     (group_id, group_name, attribute_*, upc, ean, isbn, part_number,
//     image_id). image_id differs from image_document_id.
//   - Item "does not exist" wording: "Item does not exist." with HTTP 404.
//     An item without an image answers HTTP 404 {"code":1002,"message":
//     "Attachment not found"}; so does a document_id query parameter that is
//     neither the item's image_document_id nor its image_id. BreakImage
//     makes an item that lists a picture answer "no image" (code 1002) from
//     Books with HTTP 404 and from Inventory with HTTP 400.
//   - /itemdetails: unknown ids are silently skipped; no maximum number of ids
//     is enforced; a missing item_ids is 400 code 2.
//   - Changing an item's image (SetImage/ClearImage) does not bump
//     last_modified_time unless SetImageBumpsModified(true) is called.
//   - Item groups (Inventory only) are derived from the items' GroupID; a
//     group's image is the image of its first variant (in item_id order) that
//     has one. Composite items: the list is always empty, detail is 1002.
//   - Injected 429/45 faults are counted in Stats.RateLimited44, Quota45 and
//     Concurrency1070 like real refusals; Stats.TokenErrors counts only error
//     answers produced by the token logic itself, not injected faults.
//   - Timestamps are rendered in the fixed +0530 offset of the organization.
//   - Organizations: one organization, Options.OrgID, "Emulated Org", plan
//     derived from the daily limit (1000 FREE, 2000 STANDARD, 5000
//     PROFESSIONAL, otherwise PREMIUM). GET /organizations/{other id} is 400
//     code 6041.
package zohotest
