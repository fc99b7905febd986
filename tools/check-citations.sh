#!/usr/bin/env bash
# check-citations: fails when a file outside docs/ cites a document that is not
# in the repository (the reference specs under ../shared, "odoo.md §…",
# "zoho-api.md", "seed.md", "the seed", zohotest's old "spec N.N").
# Facts the code relies on live in docs/; cite docs/<file>.md#<heading>.
# A random-number seed ("seed: 31", Seed(n, seed)) is not a citation.
set -euo pipefail
cd "$(git rev-parse --show-toplevel)"
pattern='\.\./shared|/work/shared|shared/specs|shared/fixtures|odoo\.md §|odoo\.md,? ?§|zoho-api\.md|seed\.md|[Tt]he seed'"'"'s|\bas in the seed\b|\(the seed\)|\bspec [0-9]+(\.[0-9]+)*\b|\[U\] facts'
# Generated code is checked through its source (proto/); docs/ may name the old documents.
out=$(git grep -n -I -P "$pattern" -- . ':!docs/' ':!tools/check-citations.sh' ':!*.pb.go' ':!*_pb2.py' ':!*_pb2_grpc.py' ':!*_pb2.pyi' || true)
if [ -n "$out" ]; then
  echo "$out"
  echo "check-citations: the lines above cite documents outside the repository; cite docs/ instead (see docs/odoo.md, docs/zoho.md, docs/python-tool.md)" >&2
  exit 1
fi
