#!/usr/bin/env bash
# Builds a case whose data spans 2012–2026 (issue 23, point 3): the demo incident
# (tests/fixtures/demo, dated 2026) plus corpus files of other years — Jaeger, Zipkin,
# OTLP, CLEF, bunyan and text logs — so the charts' time axes meet far outliers.
set -euo pipefail
case_path=${1:-target/demo/multi-year.weft}
weft=${WEFT:-target/debug/weft}
fixtures=tests/fixtures
mkdir -p "$(dirname "$case_path")"
rm -f "$case_path" "$case_path-wal" "$case_path-shm"
"$weft" --case "$case_path" ingest \
  tests/fixtures/demo \
  "$fixtures/jaeger-json/jaeger__cmd__anonymizer__app__uiconv__fixtures__trace_success.json" \
  "$fixtures/jaeger-json/jaeger-ui__packages__jaeger-ui__src__components__TracePage__TraceFlamegraph__testTrace.json" \
  "$fixtures/zipkin-json/otel-collector-contrib__receiver__zipkinreceiver__testdata__sample3.json" \
  "$fixtures/logs-clef/seqcli__test__SeqCli.EndToEnd__Data__spans.clef" \
  "$fixtures/logs-clef/seqcli__test__SeqCli.EndToEnd__Data__events.clef" \
  "$fixtures/logs-text/lnav__test__logfile_logfmt.0" \
  "$fixtures/logs-text/lnav__test__logfile_generic_nanos.0" \
  "$fixtures/logs-bunyan/node-bunyan__test__corpus__log1.log" \
  "$fixtures/otlp-json/opentelemetry-proto__examples__logs.json" \
  "$fixtures/otlp-json/jaeger__internal__storage__integration__fixtures__traces__default.json"
echo
echo "multi-year case: $case_path"
