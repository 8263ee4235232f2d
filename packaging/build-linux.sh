#!/usr/bin/env bash
# Builds Eris Desktop for Linux:
#   dist/eris-desktop-VERSION-linux-ARCH/          the app folder: eris-desktop, eris-desktop-cli,
#                                                   _internal/, share/ (.desktop file, AppStream
#                                                   metainfo, hicolor icons) and install.sh
#   dist/eris-desktop-VERSION-linux-ARCH.tar.gz    that folder as a tarball
#   dist/Eris_Desktop-VERSION-ARCH.AppImage        only if appimagetool is on PATH
#
#   packaging/build-linux.sh [--no-archive]
#
# PYTHON names the Python to build with (default .venv/bin/python, else python3); it needs
# the project and PyInstaller: pip install . "pyinstaller>=6.10,<7". The version comes from
# app.__version__ (which pyproject.toml reads too). The last line printed is the app folder.
set -euo pipefail
cd "$(dirname "$0")/.."

archive=1
for argument in "$@"; do
  case "$argument" in
    --no-archive) archive=0 ;;
    -h|--help) sed -n '2,14p' "$0"; exit 0 ;;
    *) echo "unknown argument: $argument (see --help)" >&2; exit 2 ;;
  esac
done

python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
fi
if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
  echo "PyInstaller is not installed for $python: $python -m pip install 'pyinstaller>=6.10,<7'" >&2
  exit 1
fi
version=$("$python" -c 'import app; print(app.__version__)')
arch=$(uname -m)
name="eris-desktop-$version-linux-$arch"
out="dist/$name"
started=$(date +%s)
echo "Building Eris Desktop $version ($arch) with $python" >&2

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath build/pyinstaller/dist --workpath build/pyinstaller/work packaging/eris-desktop.spec >&2
rm -rf "$out"
mkdir -p dist
mv build/pyinstaller/dist/eris-desktop "$out"

# What a desktop needs to list the app: installed by install.sh, or by a distribution package.
mkdir -p "$out/share/applications" "$out/share/metainfo" "$out/share/icons/hicolor/scalable/apps"
cp resources/eris-desktop.desktop "$out/share/applications/"
cp resources/org.erisdesktop.ErisDesktop.metainfo.xml "$out/share/metainfo/"
cp -R app/resources/icons/hicolor "$out/share/icons/"
cp app/resources/eris-desktop.svg "$out/share/icons/hicolor/scalable/apps/"
install -m 755 packaging/install-linux.sh "$out/install.sh"

reported=$("$out/eris-desktop-cli" --version)
if [ "$reported" != "Eris Desktop $version" ]; then
  echo "The frozen app says '$reported', not 'Eris Desktop $version'" >&2
  exit 1
fi
echo "App folder: $out ($(du -sh "$out" | cut -f1)), built in $(( $(date +%s) - started )) s" >&2

if [ "$archive" = 1 ]; then
  tar -C dist -czf "dist/$name.tar.gz" "$name"
  echo "Tarball: dist/$name.tar.gz ($(du -sh "dist/$name.tar.gz" | cut -f1))" >&2

  if command -v appimagetool >/dev/null 2>&1; then
    appdir=build/AppDir
    rm -rf "$appdir"
    mkdir -p "$appdir/usr/lib/eris-desktop"
    cp -R "$out/eris-desktop" "$out/eris-desktop-cli" "$out/_internal" "$appdir/usr/lib/eris-desktop/"
    cp -R "$out/share" "$appdir/usr/"
    cp resources/eris-desktop.desktop "$appdir/"
    cp app/resources/icons/hicolor/256x256/apps/eris-desktop.png "$appdir/eris-desktop.png"
    ln -s eris-desktop.png "$appdir/.DirIcon"
    cat > "$appdir/AppRun" <<'APPRUN'
#!/bin/sh
here=$(dirname "$(readlink -f "$0")")
exec "$here/usr/lib/eris-desktop/eris-desktop" "$@"
APPRUN
    chmod 755 "$appdir/AppRun"
    image="dist/Eris_Desktop-$version-$arch.AppImage"
    ARCH=$arch appimagetool --no-appstream "$appdir" "$image" >&2
    rm -rf "$appdir"
    echo "AppImage: $image ($(du -sh "$image" | cut -f1))" >&2
  else
    echo "No appimagetool on PATH: no AppImage made." >&2
  fi
fi
echo "$out"
