#!/usr/bin/env bash
# Ingest benchmark on the shared generator's data (../shared/bench/gen_dataset.py):
# wall time, throughput and peak memory of `weft ingest` for the traces and the
# logs of the medium set (or the large one with `scripts/bench.sh large`), then the
# query benchmark and the services commands (`weft map|services|operations --json`,
# answered from the rollups) on the case of both, and `weft receive` under load
# (examples/receive_load: RECEIVE_EXPORTERS exporters for RECEIVE_SECONDS, default 8 and 10).
# Last, scripts/bench-trace-rows.sh: `weft trace ID --rows 0:100` on 1M- and 1k-span traces.
# Then the alternating comparison with the single-writer reference loader
# (../shared/bench/reference): weft, reference, weft, reference… in one run (BENCH_ROUNDS
# rounds, default 3), each from an empty case to fully searchable and joined, with `uptime`.
# BENCH_DATA: the folder holding medium/ and large/ (default bench-data; generated
# there when missing). BENCH_ONLY=compare runs only the comparison. REFERENCE: the
# reference's folder. Prints tables; not a test: numbers depend on the machine.
# Then the CPU seconds of each thread of one more weft load (scripts/thread_cpu.py):
# which stage holds the wall time (weft-rows includes SQLite's sorter threads), and a
# timeline of the cores each thread kept busy per THREAD_TIMELINE seconds (default 0.5).
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
data=${BENCH_DATA:-bench-data}/$set_name
if [ ! -f "$data/traces.jsonl" ]; then
  python3 "$generator" --out "$data" --spans "$spans" --logs "$logs" --seed 1
fi
cargo build --release --locked --bin weft --example query_bench --example parse_only \
  --example receive_load --example counts_bench >/dev/null
bin=${CARGO_TARGET_DIR:-target}/release
weft=$bin/weft
work=$(mktemp -d)
trap 'rm -rf "$work"' EXIT

# Parse-only pass over the same files first (also warms the page cache).
declare -A parse_s
while read -r file seconds; do parse_s[$file]=$seconds; done < <(
  $bin/examples/parse_only "$data/traces.jsonl" "$data/logs.ndjson" |
    sed -E 's/^(.*): .* in ([0-9.]+)s$/\1 \2/')

measure() { # name file...
  local name=$1 case_path=$work/$1.weft; shift
  local started first="" parse=0 file
  for file in "$@"; do parse=$(python3 -c "print($parse + ${parse_s[$file]:-0})"); done
  started=$(date +%s.%N)
  /usr/bin/time -f "%e %M" -o "$work/time" \
    "$weft" --case "$case_path" ingest --json "$@" >"$work/report" 2>"$work/stderr" &
  local pid=$!
  # Time to first visible rows: poll the CLI until a log or a trace is listed.
  while kill -0 "$pid" 2>/dev/null; do
    if [ -e "$case_path" ] && { "$weft" --case "$case_path" logs --limit 1 2>/dev/null;
         "$weft" --case "$case_path" traces --limit 1 2>/dev/null; } | grep -q .; then
      first=$(python3 -c "print(f'{$(date +%s.%N) - $started:.2f}')"); break
    fi
    sleep 0.1
  done
  if ! wait "$pid"; then
    echo "| $name | failed: $(head -c 160 "$work/stderr" | tr '\n' ' ') |"
    return
  fi
  python3 - "$name" "$case_path" "$work/time" "$work/report" "${first:-n/a}" "$parse" "$@" <<'PY'
import json, os, sys
name, case_path, time_path, report_path, first, parse = sys.argv[1:7]
files = sys.argv[7:]
seconds, peak_kb = open(time_path).read().split()
seconds, peak_mb = float(seconds), int(peak_kb) / 1024
reports = [json.loads(line) for line in open(report_path) if line.strip()]
reports = reports[0] if len(reports) == 1 and isinstance(reports[0], list) else reports
records = sum(r["spans"] + r["logs"] for r in reports)
size_mb = sum(os.path.getsize(f) for f in files) / 1e6
case_mb = sum(os.path.getsize(p) for p in (case_path, case_path + "-wal")
              if os.path.exists(p)) / 1e6
ratio = seconds / float(parse) if float(parse) > 0 else 0
print(f"| {name:<6} | {size_mb:7.1f} MB | {records:>9} | {seconds:6.2f} s | {size_mb / seconds:5.1f} MB/s "
      f"| {records / seconds:>7.0f}/s | {peak_mb:5.0f} MB | {case_mb / size_mb:4.2f} | {first:>5} s "
      f"| {float(parse):5.2f} s | {ratio:4.1f}× |")
PY
}

compare() { # the alternating comparison with the reference loader
  local reference=${REFERENCE:-../shared/bench/reference}
  local ref_target ref_bin
  ref_target=$(realpath -m "${REFERENCE_TARGET:-$bin/../reference}")
  (cd "$reference" && CARGO_TARGET_DIR=$ref_target cargo build --release >/dev/null)
  ref_bin=$ref_target/release
  local rounds=${BENCH_ROUNDS:-3} round
  echo "alternating comparison, $set_name set ($(nproc) cores), $rounds rounds:" \
    "weft ingest traces + logs vs the reference (load_logs --fts after --indexes after, load_spans)"
  echo "load before: $(uptime)"
  echo "| round | program   |   wall |   user |    sys | peak RSS |"
  echo "|-------|-----------|--------|--------|--------|----------|"
  : >"$work/compare"
  one() { # round program command...
    local round=$1 program=$2; shift 2
    rm -f "$work/cmp.weft" "$work/cmp.weft-wal" "$work/cmp.weft-shm" "$work/cmp.db" \
      "$work/cmp.db-wal" "$work/cmp.db-shm"
    /usr/bin/time -f "%e %U %S %M" -o "$work/time" bash -c "$*" >/dev/null 2>"$work/stderr" || {
      echo "| $round | $program | failed: $(head -c 160 "$work/stderr" | tr '\n' ' ') |"
      return 1
    }
    read -r wall user sys peak_kb <"$work/time"
    printf "| %5s | %-9s | %5.2fs | %5.2fs | %5.2fs | %5.0f MB |\n" \
      "$round" "$program" "$wall" "$user" "$sys" "$(python3 -c "print($peak_kb / 1024)")"
    echo "$program $wall" >>"$work/compare"
  }
  for round in $(seq 1 "$rounds"); do
    one "$round" weft "'$weft' --case '$work/cmp.weft' ingest '$data/traces.jsonl' '$data/logs.ndjson'"
    one "$round" reference "'$ref_bin/load_logs' --db '$work/cmp.db' --file '$data/logs.ndjson' \
      --fts after --indexes after && '$ref_bin/load_spans' --db '$work/cmp.db' --file '$data/traces.jsonl'"
  done
  echo "load after: $(uptime)"
  python3 - "$work/compare" <<'PY'
import statistics, sys
times = {}
for line in open(sys.argv[1]):
    program, wall = line.split()
    times.setdefault(program, []).append(float(wall))
weft, ref = statistics.median(times["weft"]), statistics.median(times["reference"])
pairs = [w / r for w, r in zip(times["weft"], times["reference"])]
print(f"median: weft {weft:.2f} s, reference {ref:.2f} s, ratio {weft / ref:.2f} "
      f"(per round: {', '.join(f'{p:.2f}' for p in pairs)}; target ≤ 0.75)")
PY
}

if [ "${BENCH_ONLY:-}" = compare ]; then
  compare
  exit
fi

echo "weft ingest, $set_name set ($(nproc) cores): wall = start to fully searchable and joined"
echo "| input  |       size |   records |     wall |  throughput |      rows | peak RSS | case/input | first rows | parse only | wall/parse |"
echo "|--------|------------|-----------|----------|-------------|-----------|----------|------------|------------|------------|------------|"
measure traces "$data/traces.jsonl"
measure logs "$data/logs.ndjson"
measure both "$data/traces.jsonl" "$data/logs.ndjson"

echo
echo "queries, $set_name set (the 'both' case):"
$bin/examples/query_bench "$work/both.weft"

echo
echo "counts, $set_name set (the 'both' case; issue 19): the counters, log count, histogram,"
echo "facets, time density and trace list page, whole case and selective queries:"
$bin/examples/counts_bench "$work/both.weft"

echo
echo "services, $set_name set (the 'both' case), ms; first run after the load, then the best of 3:"
echo "| command           | first | best of 3 |"
echo "|-------------------|-------|-----------|"
ms_of() { # command...: its wall time in ms
  local started ended
  started=$(date +%s%N)
  "$@" >/dev/null
  ended=$(date +%s%N)
  echo $(((ended - started) / 1000000))
}
for command in map services operations; do
  first=$(ms_of "$weft" --case "$work/both.weft" "$command" --json)
  best=""
  for _ in 1 2 3; do
    took=$(ms_of "$weft" --case "$work/both.weft" "$command" --json)
    if [ -z "$best" ] || [ "$took" -lt "$best" ]; then best=$took; fi
  done
  printf "| %-17s | %5s | %9s |\n" "$command --json" "$first" "$best"
done

echo
echo "weft receive under load (loopback; zero lost or duplicated is checked):"
$bin/examples/receive_load "${RECEIVE_EXPORTERS:-8}" "${RECEIVE_SECONDS:-10}" 100

echo
# Windowed trace calls on a 1M-span and a 1k-span trace (issue 19).
scripts/bench-trace-rows.sh

echo
compare

echo
echo "CPU per thread of weft ingest traces + logs, $set_name set (scripts/thread_cpu.py; $(uptime)):"
rm -f "$work/cpu.weft" "$work/cpu.weft-wal" "$work/cpu.weft-shm"
THREAD_TIMELINE=${THREAD_TIMELINE:-0.5} python3 scripts/thread_cpu.py "$weft" --case "$work/cpu.weft" ingest "$data/traces.jsonl" "$data/logs.ndjson"
