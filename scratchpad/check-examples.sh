#!/usr/bin/env bash
# Compares `replay --json` with the expected lines of the shared examples (the copy in test/examples)
# (key order ignored; Chunk lines compared by snapshot only).
cd "$(dirname "$0")/.."
for f in test/examples/*.sse; do
  b=${f%.sse}
  npm run --silent cli -- replay "$f" --json > /tmp/out.jsonl
  echo "$f exit $?"
  node scratchpad/compare-jsonl.mjs /tmp/out.jsonl "$b.jsonl"
done
