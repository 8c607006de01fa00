#!/usr/bin/env bash
# Builds the demo case from the bundled demo incident (tests/fixtures/demo, made by
# scripts/make-demo.py) afresh, and prints its stats.
set -euo pipefail
case_path=${1:-target/demo/demo.weft}
weft=${WEFT:-target/debug/weft}
mkdir -p "$(dirname "$case_path")"
rm -f "$case_path" "$case_path-wal" "$case_path-shm"
"$weft" --case "$case_path" ingest tests/fixtures/demo
echo
"$weft" --case "$case_path" stats
echo
echo "demo case: $case_path"
