#!/usr/bin/env bash
# Marks the story of the demo incident (tests/fixtures/demo, see scripts/make-demo.py)
# in the demo case and writes its postmortem report in both formats to docs/reports/.
# The marks' author and times are pinned, so the same case gives the same report.
set -euo pipefail
case_path=${1:-target/demo/demo.weft}
out_dir=${2:-docs/reports}
weft=${WEFT:-target/debug/weft}
WEFT=$weft scripts/demo-case.sh "$case_path" >/dev/null

w() { "$weft" --case "$case_path" "$@"; }
# The id of the first log line matching a query.
first_log() { w --json logs "$@" --limit 1 | python3 -c 'import json, sys; print(json.load(sys.stdin)[0]["id"])'; }
mark() { w mark add --author "on-call (demo)" --written 2026-11-03T11:30:00Z "$@" >/dev/null; }

exhausted=$(first_log '"db pool exhausted"')
orphan=$(first_log 'link:orphan service:payments level:error')

mark --log "$exhausted" --phase detection --tag db --tag pool --colour orange --note \
'First sign: the **payments** database pool is exhausted — 20 of 20 connections busy,
37 requests waiting. Until 10:00:58 `pool stats` showed idle connections.'
mark --trace e90ad15da705c7fa3613806f5266b233 --span 9bcd70c8ec6c5442 --phase detection \
  --tag db --tag payments --colour red --note \
'The first failing checkout. `POST /v1/charges` waits **2.26 s** for a connection and
times out; it is nearly all of the critical path, so checkout answers 504 and the
frontend 500.'
mark --from 2026-11-03T10:01:00Z --to 2026-11-03T10:02:00Z --at 2026-11-03T10:01:03.1Z --phase impact --tag cascade --note \
'From 10:01:00 to the end of the data, most checkouts fail: payments times out,
checkout answers 504, the frontend 500. The warnings and errors of the minute follow.'
mark --query 'service:frontend level>=error' --at 2026-11-03T10:01:03.168Z --phase impact \
  --tag customer-facing --note \
'What customers saw: `POST /api/checkout -> 500`.'
mark --log "$orphan" --phase impact --tag sampling --note \
'Some payment timeouts name traces that are not in the export (sampled out): the
failures are more than the traces show.'
mark --at 2026-11-03T10:02:00Z --phase follow-up --tag action-item --note \
'Not in the data, to do:

1. Find what held the 20 connections from 10:01:00 (slow queries? a lock?).
2. Alert on `waiting > 0` in `pool stats`, not only on errors.
3. Bound the charge timeout below the checkout timeout.'

mkdir -p "$out_dir"
w report --format html -o "$out_dir/demo-postmortem.html"
w report --format md -o "$out_dir/demo-postmortem.md"
# Source paths relative to the repository, so the checked-in report does not name
# the folder it was made in.
root="$(pwd)/"
sed -i "s|$root||g" "$out_dir/demo-postmortem.html" "$out_dir/demo-postmortem.md"
echo "reports: $out_dir/demo-postmortem.html $out_dir/demo-postmortem.md"
