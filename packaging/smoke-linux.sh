#!/usr/bin/env bash
# CI's smoke check of the frozen app on Linux, a few minutes at most:
#   1. installs PyInstaller into the given virtual environment (which has the project),
#   2. builds the app folder and tarball with packaging/build-linux.sh,
#   3. checks the folder: its version, its files, no Qt library missing,
#   4. runs `eris-desktop-cli doctor --json` against the private engine,
#   5. opens the window offscreen for a few seconds: no traceback, no Qt error, no crash,
#   6. installs the folder for a (temporary) user with its install.sh, and uninstalls it.
#
#   packaging/smoke-linux.sh [--reuse] [VENV]   (default .venv; as root, for the private engine)
#
# --reuse checks the app folder already in dist/ instead of building it again.
set -euo pipefail
cd "$(dirname "$0")/.."

reuse=0
if [ "${1:-}" = --reuse ]; then reuse=1; shift; fi
venv=${1:-.venv}
python="$venv/bin/python"
window_seconds=${ERIS_DESKTOP_SMOKE_SECONDS:-3}
started=$(date +%s)
fail() { echo "smoke: FAILED: $*" >&2; exit 1; }
say() { echo "smoke: $*"; }

[ -x "$python" ] || fail "no Python at $python: give the virtual environment that has the project"
version=$("$python" -c 'import app; print(app.__version__)')

# -- 1, 2. build
if [ "$reuse" = 1 ]; then
  bundle="dist/eris-desktop-$version-linux-$(uname -m)"
  [ -x "$bundle/eris-desktop" ] || fail "--reuse: no app folder at $bundle"
else
  "$python" -m pip install -q --disable-pip-version-check "pyinstaller>=6.10,<7"
  bundle=$(PYTHON="$python" packaging/build-linux.sh | tail -n 1)
  say "built $bundle in $(( $(date +%s) - started )) s ($(du -sh "$bundle" | cut -f1))"
fi

# -- 3. the folder
for program in eris-desktop eris-desktop-cli; do
  reported=$("$bundle/$program" --version 2>&1) || fail "$program --version exited with $?: $reported"
  [ "$reported" = "Eris Desktop $version" ] || fail "$program --version says '$reported'"
done
# Every data file of the app package (icons, default service definitions, …) is read at run
# time through importlib.resources, so each must be in the bundle.
while IFS= read -r file; do
  [ -f "$bundle/_internal/$file" ] || fail "$file is missing from the app folder"
done < <(find app -type f ! -name '*.py' ! -name '*.pyc' ! -path '*/__pycache__/*')
for file in \
  _internal/app/resources/actions/dark/start.svg \
  share/applications/eris-desktop.desktop \
  share/metainfo/org.erisdesktop.ErisDesktop.metainfo.xml \
  share/icons/hicolor/scalable/apps/eris-desktop.svg \
  share/icons/hicolor/48x48/apps/eris-desktop.png; do
  [ -f "$bundle/$file" ] || fail "$file is missing from the app folder"
done
ls "$bundle"/_internal/PySide6/Qt/plugins/iconengines/*svg* >/dev/null 2>&1 || fail "Qt's SVG icon engine is missing"
# ssh:// engines: the docker SDK's ssh transport imports paramiko, which is built on cryptography.
# Pure-Python modules live in the program's archive, not as files: ask PyInstaller's viewer.
modules=$("$venv/bin/pyi-archive_viewer" -b -r "$bundle/eris-desktop-cli" 2>/dev/null | sed 's/^ *//') \
  || fail "pyi-archive_viewer could not read $bundle/eris-desktop-cli"
for module in docker.transport.sshconn paramiko cryptography; do
  grep -qx "$module" <<<"$modules" || fail "$module is missing from the app (ssh:// engines need it)"
done
for unwanted in QtWebEngineCore QtQml QtQuick Qt3DCore QtMultimedia QtPdf; do
  if compgen -G "$bundle/_internal/PySide6/$unwanted.*" >/dev/null \
    || compgen -G "$bundle/_internal/PySide6/Qt/lib/libQt6${unwanted#Qt}.so*" >/dev/null; then
    fail "$unwanted is in the bundle, though the app does not use it"
  fi
done
# Every Qt-side library must find the Qt, ICU, PySide and Python libraries it links to in the
# bundle itself (system libraries such as GTK's are the desktop's business).
missing=$(find "$bundle/_internal" -name '*.so*' -type f -print0 \
  | LD_LIBRARY_PATH="$bundle/_internal:$bundle/_internal/PySide6/Qt/lib" xargs -0 ldd 2>/dev/null \
  | grep -E '(libQt6|libicu|libpyside|libshiboken|libpython)[^ ]* => not found' | sort -u || true)
[ -z "$missing" ] || fail "libraries missing from the bundle: $missing"
say "version, files and libraries are right"

# -- 4. doctor against the private engine
engine_env=$(python3 scripts/private_engine.py start) || fail "the private engine did not start (see above)"
eval "$engine_env"
scratch=$(mktemp -d /tmp/eris-smoke.XXXXXX)
trap 'rm -rf "$scratch"' EXIT
export HOME="$scratch/home" ERIS="$scratch/eris" ERIS_DESKTOP_CONFIG="$scratch/config"
mkdir -p "$HOME" "$ERIS" "$ERIS_DESKTOP_CONFIG"
if "$bundle/eris-desktop-cli" --help 2>&1 | grep -q doctor; then
  status=0
  "$bundle/eris-desktop-cli" doctor --json > "$scratch/doctor.json" 2> "$scratch/doctor.err" || status=$?
  "$python" -m json.tool "$scratch/doctor.json" >/dev/null 2>&1 \
    || fail "doctor --json (exit $status) printed no JSON: $(head -c 2000 "$scratch/doctor.json" "$scratch/doctor.err")"
  grep -q "${DOCKER_HOST#unix://}" "$scratch/doctor.json" \
    || fail "doctor --json does not list the private engine at $DOCKER_HOST"
  say "doctor --json lists the private engine (exit $status)"
else
  say "SKIPPED doctor --json: this build has no doctor command yet"
fi

# -- 5. the window, offscreen
# With ERIS_DESKTOP_SMOKE_SECONDS the app quits by itself (exit 0); an app that does not
# honour it yet is stopped by the timeout (exit 124). Both pass if nothing went wrong.
status=0
QT_QPA_PLATFORM=offscreen ERIS_DESKTOP_SMOKE_SECONDS="$window_seconds" \
  timeout --signal=TERM $(( window_seconds + 12 )) "$bundle/eris-desktop" > "$scratch/window.log" 2>&1 || status=$?
problems=$(grep -v -E 'This plugin does not support (propagateSizeHints|raise)' "$scratch/window.log" \
  | grep -i -E 'traceback|error|critical|fatal|exception|cannot|could not|failed|not found|segmentation' || true)
log_problems=$(cat "$ERIS_DESKTOP_CONFIG"/logs/*.log "$ERIS_DESKTOP_CONFIG"/*.log 2>/dev/null \
  | grep -E 'ERROR|CRITICAL|Traceback' || true)
if [ "$status" -ne 0 ] && [ "$status" -ne 124 ]; then
  fail "the window exited with $status: $(tail -n 40 "$scratch/window.log")"
fi
[ -z "$problems" ] || fail "the window printed problems: $problems"
[ -z "$log_problems" ] || fail "the app logged problems: $log_problems"
if [ "$status" -eq 0 ]; then
  # Quitting saves the window's geometry: proof that the window was built and shut down whole.
  [ -f "$ERIS_DESKTOP_CONFIG/window.ini" ] || fail "the app quit without saving its window state"
  say "the window opened and quit by itself after ${window_seconds} s"
else
  say "the window ran until stopped (the app does not honour ERIS_DESKTOP_SMOKE_SECONDS yet)"
fi

# -- 6. install.sh for a user, then --uninstall ($HOME is the scratch one)
XDG_DATA_HOME="$HOME/.local/share" "$bundle/install.sh" >/dev/null
installed=$("$HOME/.local/bin/eris-desktop-cli" --version) || fail "the installed eris-desktop-cli does not run"
[ "$installed" = "Eris Desktop $version" ] || fail "the installed program says '$installed'"
entry="$HOME/.local/share/applications/eris-desktop.desktop"
grep -q "^Exec=$HOME/.local/lib/eris-desktop/eris-desktop$" "$entry" || fail "the menu entry does not start the installed program"
[ -f "$HOME/.local/share/icons/hicolor/256x256/apps/eris-desktop.png" ] || fail "install.sh left out the icons"
if command -v desktop-file-validate >/dev/null 2>&1; then
  desktop-file-validate "$entry" || fail "the installed menu entry is not valid"
fi
XDG_DATA_HOME="$HOME/.local/share" "$bundle/install.sh" --uninstall >/dev/null
for leftover in "$entry" "$HOME/.local/lib/eris-desktop" "$HOME/.local/bin/eris-desktop"; do
  [ ! -e "$leftover" ] || fail "install.sh --uninstall left $leftover behind"
done
say "install.sh installs and uninstalls for a user"
say "passed in $(( $(date +%s) - started )) s"
