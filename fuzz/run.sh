#!/usr/bin/env bash
# Builds the fuzz targets with libFuzzer on the stable toolchain and runs each for
# FUZZ_SECONDS (default 60). Usage: fuzz/run.sh [TARGET...]   (default: all)
# Corpora live in fuzz/corpus/<target> (seeded from tests/fixtures and
# tests/bad_input); crashes land in fuzz/artifacts/<target>. Keep a crash as a
# regression fixture in tests/fuzz_regressions/<target>/ (replayed by `cargo test`).
# FUZZ_MAX_LEN (default 8192) caps the size of generated inputs: smaller runs faster.
set -euo pipefail
cd "$(dirname "$0")"
FUZZ_SECONDS=${FUZZ_SECONDS:-60}
export CARGO_TARGET_DIR=${CARGO_TARGET_DIR:-../target}/fuzz
# What cargo-fuzz passes, minus the sanitizer (which would need nightly).
export RUSTFLAGS="${RUSTFLAGS:-} -Cpasses=sancov-module -Cllvm-args=-sanitizer-coverage-level=4 \
 -Cllvm-args=-sanitizer-coverage-inline-8bit-counters -Cllvm-args=-sanitizer-coverage-pc-table \
 -Cllvm-args=-sanitizer-coverage-trace-compares --cfg fuzzing -Cdebug-assertions -Coverflow-checks"
targets=("$@")
if [ ${#targets[@]} -eq 0 ]; then
  targets=(decode_otlp_proto decode_otlp_json decode_jaeger_json decode_zipkin_json decode_loki_json
           decode_json_log decode_text_log sniff query_parse)
fi
# With an explicit --target, RUSTFLAGS reach only the target's code, not build scripts.
host=$(rustc -vV | sed -n 's/^host: //p')
cargo build --release --bins --target "$host"
seed() {
  local target=$1 dir=corpus/$1
  mkdir -p "$dir" "artifacts/$target"
  [ -n "$(ls -A "$dir")" ] && return
  case $target in
    query_parse) printf '%s' 'level>=warn service:checkout "connection reset" -healthcheck' >"$dir/q1"
                 printf '%s' '/time(out|d out)/ attr.http.status_code=500 duration>500ms' >"$dir/q2"
                 printf '%s' 'status:error after:2026-11-03T10:00Z before:2026-11-04' >"$dir/q3" ;;
    *) # Small fixture files of every format (the decoders sniff nothing: any is fine).
       find ../tests/fixtures ../tests/bad_input ../tests/fuzz_regressions -type f -size -64k \
         ! -name '*.gz' ! -name '*.zst' ! -name '*.md' 2>/dev/null |
         while read -r file; do cp "$file" "$dir/$(echo "$file" | tr '/' '_')"; done || true ;;
  esac
}
summary=()
for target in "${targets[@]}"; do
  seed "$target"
  log=artifacts/$target/last-run.log
  echo "== $target for ${FUZZ_SECONDS}s"
  status=0
  "$CARGO_TARGET_DIR/$host/release/$target" "corpus/$target" -max_total_time="$FUZZ_SECONDS" \
    -max_len="${FUZZ_MAX_LEN:-8192}" -rss_limit_mb=2048 -timeout=10 -print_final_stats=1 \
    -artifact_prefix="artifacts/$target/" 2>"$log" || status=$?
  runs=$(grep -o 'stat::number_of_executed_units: *[0-9]*' "$log" | grep -o '[0-9]*$' || echo '?')
  summary+=("$target: $runs executions, exit $status")
  [ $status -eq 0 ] || { tail -40 "$log"; }
done
printf '%s\n' "${summary[@]}"
for line in "${summary[@]}"; do [[ $line == *"exit 0" ]] || exit 1; done
