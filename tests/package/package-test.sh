#!/usr/bin/env bash
# The .deb as a user gets it (issue 21): builds it (a debug one by default; PACKAGE_PROFILE=release
# for the release one), checks its file list and control file, installs it (`dpkg -i` as root,
# as CI runs; else `dpkg -x` into a scratch root), validates the .desktop entry, asks xdg-mime
# what a case file is (and a plain SQLite file, which is not one), launches the installed
# weft-app on a case under Xvfb and finds its window, hands a second launch's file to it
# (single instance, on a private D-Bus session), runs the installed `weft`, and removes the
# package again. Run by `make package-test` (part of `make test`).
set -euo pipefail
cd "$(dirname "$0")/../.."

fail() { echo "package test: FAIL: $*" >&2; exit 1; }
step() { echo "package test: $*"; }

started=$(date +%s)
if [ "${PACKAGE_PROFILE:-debug}" = release ]; then
  deb=$(scripts/package.sh | tail -1)
else
  deb=$(scripts/package.sh --debug | tail -1)
fi
[ -f "$deb" ] || fail "no .deb built"
step "built $deb ($(du -h "$deb" | cut -f1)) in $(( $(date +%s) - started ))s"

# ---- the file list and the control file ----
list=$(dpkg-deb -c "$deb" | awk '{print $6}' | sed 's|^\./|/|; s|^\([^/]\)|/\1|')
for path in /usr/bin/weft-app /usr/bin/weft \
  /usr/share/applications/Weft.desktop \
  /usr/share/mime/packages/weft.xml \
  /usr/share/bash-completion/completions/weft \
  /usr/share/zsh/vendor-completions/_weft \
  /usr/share/fish/vendor_completions.d/weft.fish \
  /usr/share/man/man1/weft.1.gz; do
  grep -qx "$path" <<<"$list" || fail "$path is not in the package"
done
for size in 16x16 24x24 32x32 48x48 64x64 128x128 256x256 512x512; do
  grep -qx "/usr/share/icons/hicolor/$size/apps/weft-app.png" <<<"$list" || fail "no $size icon"
done
package=$(dpkg-deb -f "$deb" Package)
depends=$(dpkg-deb -f "$deb" Depends)
step "package $package, Depends: $depends"
for runtime in libwebkit2gtk-4.1-0 libgtk-3-0 libxdo3; do
  grep -qw "$runtime" <<<"$depends" || fail "Depends lacks $runtime: $depends"
done
if grep -q -- '-dev\b' <<<"$depends"; then fail "Depends names a -dev package: $depends"; fi
dpkg-deb -I "$deb" postinst >/dev/null || fail "no postinst"

# ---- install ----
scratch=$(mktemp -d)
installed=no
cleanup() {
  if [ "$installed" = yes ]; then
    dpkg --purge "$package" >/dev/null && step "removed $package"
  fi
  rm -rf "$scratch"
}
trap cleanup EXIT
if [ "$(id -u)" = 0 ]; then
  if dpkg -s "$package" >/dev/null 2>&1; then
    fail "$package is installed on this machine already; the test installs and removes it, so remove it first"
  fi
  dpkg -i "$deb" >/dev/null || fail "dpkg -i $deb"
  installed=yes
  root=""
  step "installed with dpkg -i"
  [ "$(command -v weft)" = /usr/bin/weft ] || fail "weft is not /usr/bin/weft on the PATH"
else
  dpkg -x "$deb" "$scratch/root"
  root="$scratch/root"
  update-mime-database "$root/usr/share/mime"
  step "unpacked with dpkg -x into $root (not root: no dpkg -i)"
fi
export XDG_DATA_DIRS="${root:+$root/usr/share:}/usr/share"
bin="$root/usr/bin"

# ---- the desktop entry and the mime type ----
desktop="$root/usr/share/applications/Weft.desktop"
desktop-file-validate "$desktop" || fail "desktop-file-validate $desktop"
grep -qx 'MimeType=application/x-weft-case;' "$desktop" || fail "no MimeType in $desktop"
grep -qx 'Exec=weft-app %f' "$desktop" || fail "Exec is not 'weft-app %f': $(grep ^Exec "$desktop")"

version=$("$bin/weft" --version)
[ "$version" = "weft $(dpkg-deb -f "$deb" Version)" ] || fail "weft --version: $version"
case="$scratch/incident.weft"
"$bin/weft" --case "$case" ingest tests/fixtures/demo/traces.jsonl >/dev/null || fail "weft ingest"
# Into a file first: `| head` would end the writer with SIGPIPE under pipefail.
"$bin/weft" --case "$case" stats >"$scratch/stats"
head -3 "$scratch/stats"
grep -q 'spans' "$scratch/stats" || fail "weft stats says no spans"
cp "$case" "$scratch/renamed-without-extension"
python3 -c "import sqlite3,sys; c=sqlite3.connect(sys.argv[1]); c.execute('CREATE TABLE t (x)'); c.commit()" "$scratch/plain.sqlite"
# GNOME's answer (gio, the shared-mime-info database): what a double-click goes by.
mime() { XDG_CURRENT_DESKTOP=GNOME xdg-mime query filetype "$1"; }
[ "$(mime "$case")" = application/x-weft-case ] || fail "$case is $(mime "$case")"
[ "$(mime "$scratch/renamed-without-extension")" = application/x-weft-case ] ||
  fail "the magic match: a case without .weft is $(mime "$scratch/renamed-without-extension")"
[ "$(mime "$scratch/plain.sqlite")" != application/x-weft-case ] || fail "a plain SQLite file is a Weft case"
step "mime: case → $(mime "$case"), plain SQLite → $(mime "$scratch/plain.sqlite")"

# ---- the installed app under Xvfb: its window, then a second launch handed over ----
logs_before=$("$bin/weft" --case "$case" --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["logs"])')
HOME="$scratch/home" xvfb-run -a -s "-screen 0 1400x900x24" dbus-run-session -- bash -c '
  set -euo pipefail
  bin=$1 case=$2 scratch=$3
  "$bin/weft-app" "$case" >"$scratch/app.log" 2>&1 &
  app=$!
  for _ in $(seq 1 120); do
    if xdotool search --name "incident.weft — Weft" >/dev/null 2>&1; then break; fi
    sleep 0.5
  done
  xdotool search --name "incident.weft — Weft" >/dev/null || { cat "$scratch/app.log"; echo "no window titled incident.weft — Weft"; exit 1; }
  echo "package test: window found: $(xdotool search --name "incident.weft — Weft" getwindowname)"
  # A second launch (the desktop with a log file) hands it to the window and exits.
  (cd tests/fixtures/demo && timeout 30 "$bin/weft-app" checkout.log) || { echo "the second launch did not exit 0"; exit 1; }
  kill -0 $app || { echo "the first window is gone"; exit 1; }
  echo "package test: second launch handed over and exited"
  sleep 5
  kill $app; wait $app || true
' _ "$bin" "$case" "$scratch" || fail "the installed app"
logs_after=$("$bin/weft" --case "$case" --json stats | python3 -c 'import json,sys; print(json.load(sys.stdin)["logs"])')
[ "$logs_after" -gt "$logs_before" ] || fail "the second launch's checkout.log did not reach the open case ($logs_before → $logs_after logs)"
step "the running window loaded the second launch's file: $logs_before → $logs_after logs"
# ---- a case from a newer Weft: the installed app shows it refused, the file untouched ----
newer="$scratch/newer.weft"
cp "$case" "$newer"
python3 - "$newer" <<'PY'
import sqlite3, sys
c = sqlite3.connect(sys.argv[1])
c.execute("INSERT INTO _sqlx_migrations (version, description, success, checksum, execution_time) VALUES (9999, 'from a newer Weft', 1, x'00', 0)")
c.commit()
c.execute("PRAGMA journal_mode=DELETE")
PY
sum_before=$(sha256sum "$newer" | cut -d' ' -f1)
if "$bin/weft" --case "$newer" stats 2>"$scratch/newer.err"; then fail "weft opened a case from a newer Weft"; fi
grep -q "was written by a newer Weft (schema 9999, this Weft knows up to" "$scratch/newer.err" ||
  fail "weft's refusal: $(cat "$scratch/newer.err")"
HOME="$scratch/home" xvfb-run -a -s "-screen 0 1400x900x24" bash -c '
  bin=$1 newer=$2 scratch=$3
  "$bin/weft-app" "$newer" >"$scratch/newer-app.log" 2>&1 &
  app=$!
  for _ in $(seq 1 120); do
    xdotool search --name "newer.weft — Weft" >/dev/null 2>&1 && break
    sleep 0.5
  done
  xdotool search --name "newer.weft — Weft" >/dev/null || { echo "no window for the refused case"; cat "$scratch/newer-app.log"; kill $app; exit 1; }
  kill -0 $app || exit 1
  kill $app; wait $app
  exit 0
' _ "$bin" "$newer" "$scratch" || fail "the installed app on a newer case"
grep -q "newer Weft" "$scratch/newer-app.log" || fail "weft-app did not say why: $(cat "$scratch/newer-app.log")"
[ "$(sha256sum "$newer" | cut -d' ' -f1)" = "$sum_before" ] || fail "the refused case changed"
step "a newer case: refused by weft and by weft-app (its window opens, stderr says why), the file unchanged"
step "passed in $(( $(date +%s) - started ))s"
