#!/bin/sh
# Installs Eris Desktop from this unpacked folder (as install.sh in the Linux tarball).
#
#   ./install.sh              for you: ~/.local/lib/eris-desktop, ~/.local/bin, your menu
#   sudo ./install.sh --system    for everyone: /opt/eris-desktop, /usr/local/bin, /usr/local/share
#   ./install.sh --uninstall [--system]
#
# Uninstalling leaves your settings (~/.config/eris-desktop) and eris services (~/.eris) alone.
set -eu

here=$(cd "$(dirname "$0")" && pwd)
scope=user
action=install
for argument in "$@"; do
  case "$argument" in
    --system) scope=system ;;
    --uninstall) action=uninstall ;;
    -h|--help) sed -n '2,9p' "$0"; exit 0 ;;
    *) echo "unknown argument: $argument (see --help)" >&2; exit 2 ;;
  esac
done

if [ "$scope" = system ]; then
  app_dir=/opt/eris-desktop
  bin_dir=/usr/local/bin
  share_dir=/usr/local/share
else
  app_dir="$HOME/.local/lib/eris-desktop"
  bin_dir="$HOME/.local/bin"
  share_dir="${XDG_DATA_HOME:-$HOME/.local/share}"
fi
desktop_file="$share_dir/applications/eris-desktop.desktop"
metainfo="$share_dir/metainfo/org.erisdesktop.ErisDesktop.metainfo.xml"

refresh_menus() {  # best effort: menus also notice the files by themselves
  if command -v update-desktop-database >/dev/null 2>&1; then
    update-desktop-database -q "$share_dir/applications" || true
  fi
  if command -v gtk-update-icon-cache >/dev/null 2>&1; then
    gtk-update-icon-cache -q -t "$share_dir/icons/hicolor" || true
  fi
}

if [ "$action" = uninstall ]; then
  rm -rf "$app_dir"
  rm -f "$bin_dir/eris-desktop" "$bin_dir/eris-desktop-cli" "$desktop_file" "$metainfo"
  find "$share_dir/icons/hicolor" -name 'eris-desktop.*' -path '*/apps/*' -delete 2>/dev/null || true
  refresh_menus
  echo "Eris Desktop is uninstalled. Your settings and eris services are kept."
  exit 0
fi

if [ ! -x "$here/eris-desktop" ]; then
  echo "Run this from the unpacked Eris Desktop folder (no eris-desktop next to it)." >&2
  exit 1
fi
rm -rf "$app_dir"
mkdir -p "$app_dir" "$bin_dir" "$share_dir/applications" "$share_dir/metainfo" "$share_dir/icons"
cp -R "$here/eris-desktop" "$here/eris-desktop-cli" "$here/_internal" "$app_dir/"
ln -sf "$app_dir/eris-desktop" "$bin_dir/eris-desktop"
ln -sf "$app_dir/eris-desktop-cli" "$bin_dir/eris-desktop-cli"
# The menu entry starts the installed program wherever PATH points.
sed -e "s|^Exec=.*|Exec=$app_dir/eris-desktop|" -e "s|^TryExec=.*|TryExec=$app_dir/eris-desktop|" \
  "$here/share/applications/eris-desktop.desktop" > "$desktop_file"
cp "$here/share/metainfo/org.erisdesktop.ErisDesktop.metainfo.xml" "$metainfo"
cp -R "$here/share/icons/hicolor" "$share_dir/icons/"
refresh_menus
echo "Eris Desktop is installed in $app_dir; start it from your menu or with $bin_dir/eris-desktop."
