#!/usr/bin/env bash
# Windowed trace calls (issue 19): `weft trace ID --rows 0:100 --json` on a trace
# of 1M spans and on one of 1k spans in one run, and their ratio (target ≤ 5×);
# then the reader's calls on the big trace (examples/trace_rows_bench.rs: outline,
# first window, the last window, a collapsed window, summary, find), first on a
# fresh reader and the median after. Traces from scripts/gen-big-trace.py under
# BENCH_DATA (default bench-data; generated there when missing), loaded into
# temporary cases. BIG_TRACE_SPANS changes the big trace's size. Prints tables;
# not a test: numbers depend on the machine.
set -euo pipefail
data=${BENCH_DATA:-bench-data}
big=${BIG_TRACE_SPANS:-1000000}
cargo build --release --locked --bin weft --example trace_rows_bench >/dev/null
bin=${CARGO_TARGET_DIR:-target}/release
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

ms_of() { # command...: its wall time in ms
  local started ended
  started=$(date +%s%N)
  "$@" >/dev/null
  ended=$(date +%s%N)
  echo $(((ended - started) / 1000000))
}

declare -A first best trace load
for spans in 1000 "$big"; do
  dir=$data/big-trace-$spans
  if [ ! -f "$dir/big-trace.jsonl" ]; then
    python3 scripts/gen-big-trace.py --out "$dir" --spans "$spans" >/dev/null
  fi
  case_path=$work/$spans.weft
  load[$spans]=$(ms_of "$bin/weft" --case "$case_path" ingest "$dir/big-trace.jsonl" "$dir/big-trace-logs.ndjson")
  trace[$spans]=$("$bin/weft" --case "$case_path" traces --limit 1 --json |
    python3 -c 'import json, sys; print(json.loads(sys.stdin.read())[0]["trace_id"])')
done
# One run, the two traces in turn: first call after the load, then the best of 5.
for spans in 1000 "$big"; do
  first[$spans]=$(ms_of "$bin/weft" --case "$work/$spans.weft" trace "${trace[$spans]}" --rows 0:100 --json)
done
for _ in 1 2 3 4 5; do
  for spans in 1000 "$big"; do
    took=$(ms_of "$bin/weft" --case "$work/$spans.weft" trace "${trace[$spans]}" --rows 0:100 --json)
    if [ -z "${best[$spans]:-}" ] || [ "$took" -lt "${best[$spans]}" ]; then best[$spans]=$took; fi
  done
done
echo "weft trace ID --rows 0:100 --json (release build, $(nproc) cores), ms:"
echo "| trace        | load (ingest) | first | best of 5 |"
echo "|--------------|---------------|-------|-----------|"
for spans in 1000 "$big"; do
  printf "| %7s spans | %10s ms | %5s | %9s |\n" "$spans" "${load[$spans]}" "${first[$spans]}" "${best[$spans]}"
done
python3 -c "import sys; a, b = int(sys.argv[1]), int(sys.argv[2]); print(f'ratio {sys.argv[3]} / 1000 spans: {b / max(a, 1):.1f}× (target ≤ 5×)')" \
  "${best[1000]}" "${best[$big]}" "$big"
echo
"$bin/examples/trace_rows_bench" "$work/$big.weft" "${trace[$big]}" payment
