#!/usr/bin/env bash
# Ingest benchmark on the shared generator's data (../shared/bench/gen_dataset.py):
# wall time, throughput and peak memory of `weft ingest` for the traces and the
# logs of the medium set (or the large one with `scripts/bench.sh large`).
# Prints a table; not a test: numbers depend on the machine.
set -euo pipefail
set_name=${1:-medium}
case "$set_name" in
  medium) spans=200000; logs=1000000 ;;
  large) spans=1000000; logs=5000000 ;;
  *) echo "usage: $0 [medium|large]" >&2; exit 2 ;;
esac
generator=${GEN_DATASET:-../shared/bench/gen_dataset.py}
if [ ! -f "$generator" ]; then
  echo "bench: $generator not found (set GEN_DATASET to gen_dataset.py)" >&2
  exit 1
fi
data=bench-data/$set_name
if [ ! -f "$data/traces.jsonl" ]; then
  python3 "$generator" --out "$data" --spans "$spans" --logs "$logs" --seed 1
fi
cargo build --release --locked --bin weft >/dev/null
weft=target/release/weft
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

measure() { # name file
  local name=$1 file=$2 case_path=$work/$1.weft
  if ! /usr/bin/time -f "%e %M" -o "$work/time" \
      "$weft" --case "$case_path" ingest --json "$file" >"$work/report" 2>"$work/stderr"; then
    echo "| $name | failed: $(head -c 160 "$work/stderr" | tr '\n' ' ') |"
    return
  fi
  python3 - "$name" "$file" "$case_path" "$work/time" "$work/report" <<'PY'
import json, os, sys
name, path, case_path, time_path, report_path = sys.argv[1:]
seconds, peak_kb = open(time_path).read().split()
seconds, peak_mb = float(seconds), int(peak_kb) / 1024
report = json.load(open(report_path))
records = report["spans"] + report["logs"]
size_mb = os.path.getsize(path) / 1e6
case_mb = sum(os.path.getsize(case_path + suffix) for suffix in ("", "-wal", "-shm")
              if os.path.exists(case_path + suffix)) / 1e6
print(f"| {name:<7} | {size_mb:8.1f} MB | {records:>9} | {seconds:6.2f} s | {size_mb / seconds:6.1f} MB/s "
      f"| {records / seconds:>9.0f} rows/s | {peak_mb:6.0f} MB | {case_mb / size_mb:5.2f} |")
PY
}

cargo build --release --locked --example query_bench --example parse_only >/dev/null

echo "weft ingest, $set_name set ($(nproc) cores)"
echo "| input   |        size |   records |     wall |  throughput |            rows |  peak RSS | case/input |"
echo "|---------|-------------|-----------|----------|-------------|-----------------|-----------|------------|"
measure traces "$data/traces.jsonl"
if [ -s "$data/logs.ndjson" ]; then
  measure logs "$data/logs.ndjson"
fi

echo
echo "parse only (no SQLite), same files:"
target/release/examples/parse_only "$data/traces.jsonl" "$data/logs.ndjson"

echo
echo "queries, $set_name set (traces and logs in one case):"
both=$work/both.weft
"$weft" --case "$both" ingest "$data/traces.jsonl" "$data/logs.ndjson" >/dev/null
target/release/examples/query_bench "$both"
