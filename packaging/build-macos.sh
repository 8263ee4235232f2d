#!/usr/bin/env bash
# Builds Eris Desktop for macOS: "dist/Eris Desktop.app" (signed if an identity is given)
# and dist/Eris-Desktop-VERSION-macos-ARCH.dmg.
#
#   packaging/build-macos.sh
#
# Environment:
#   PYTHON                 the Python to build with (default .venv/bin/python, else python3);
#                          it needs the project and PyInstaller: pip install . "pyinstaller>=6.10,<7"
#   MACOS_SIGN_IDENTITY    a codesigning identity, e.g. "Developer ID Application: Name (TEAMID)";
#                          unset: the app is not signed and Gatekeeper asks people to allow it
#   MACOS_NOTARY_PROFILE   a notarytool keychain profile (xcrun notarytool store-credentials);
#                          set with MACOS_SIGN_IDENTITY: the .dmg is notarised and stapled
# The architecture is the build Python's (build on Apple silicon for arm64, on Intel for x86_64).
set -euo pipefail
cd "$(dirname "$0")/.."

python=${PYTHON:-}
if [ -z "$python" ]; then
  if [ -x .venv/bin/python ]; then python=.venv/bin/python; else python=python3; fi
fi
if ! "$python" -m PyInstaller --version >/dev/null 2>&1; then
  echo "PyInstaller is not installed for $python: $python -m pip install 'pyinstaller>=6.10,<7'" >&2
  exit 1
fi
version=$("$python" -c 'import app; print(app.__version__)')
arch=$("$python" -c 'import platform; print(platform.machine())')
started=$(date +%s)
echo "Building Eris Desktop $version ($arch) with $python"

"$python" -m PyInstaller --noconfirm --clean --log-level WARN \
  --distpath dist --workpath build/pyinstaller packaging/eris-desktop.spec
app="dist/Eris Desktop.app"
reported=$("$app/Contents/MacOS/eris-desktop-cli" --version)
if [ "$reported" != "Eris Desktop $version" ]; then
  echo "The frozen app says '$reported', not 'Eris Desktop $version'" >&2
  exit 1
fi

identity=${MACOS_SIGN_IDENTITY:-}
if [ -n "$identity" ]; then
  echo "Signing with $identity (hardened runtime)"
  codesign --force --deep --timestamp --options runtime \
    --entitlements packaging/macos-entitlements.plist --sign "$identity" "$app"
  codesign --verify --deep --strict --verbose=2 "$app"
else
  echo "MACOS_SIGN_IDENTITY is not set: the app is not signed."
fi

dmg="dist/Eris-Desktop-$version-macos-$arch.dmg"
staging=build/dmg
rm -rf "$staging" "$dmg"
mkdir -p "$staging"
cp -R "$app" "$staging/"
ln -s /Applications "$staging/Applications"  # drag the app onto it to install
hdiutil create -volname "Eris Desktop $version" -srcfolder "$staging" -fs HFS+ -format UDZO -ov "$dmg"
rm -rf "$staging"

if [ -n "$identity" ]; then
  codesign --force --timestamp --sign "$identity" "$dmg"
  if [ -n "${MACOS_NOTARY_PROFILE:-}" ]; then
    xcrun notarytool submit "$dmg" --keychain-profile "$MACOS_NOTARY_PROFILE" --wait
    xcrun stapler staple "$dmg"
  fi
fi

echo "App: $app ($(du -sh "$app" | cut -f1))"
echo "Disk image: $dmg ($(du -sh "$dmg" | cut -f1)) in $(( $(date +%s) - started )) s"
