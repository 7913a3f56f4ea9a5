#!/usr/bin/env bash
# Makes sure headless Chromium is there for the browser tests and bench:console: Debian's `chromium`
# package, a CJK font (so Chinese text renders in screenshots) and Mesa's Vulkan drivers (lavapipe:
# software WebGL faster than Chromium's SwiftShader, see test/e2e/browser.ts),
# installed with apt-get when missing. Safe to re-run; does nothing when both are present. The tests drive
# it with playwright-core (executablePath /usr/bin/chromium); no browser build is downloaded.
set -euo pipefail
CHROMIUM=${CHROMIUM_PATH:-/usr/bin/chromium}
need=()
[ -x "$CHROMIUM" ] || need+=(chromium)
fc-list 2>/dev/null | grep -qi 'wenquanyi\|noto sans cjk\|noto serif cjk' || need+=(fonts-wqy-microhei)
ls /usr/share/vulkan/icd.d/lvp_icd*.json >/dev/null 2>&1 || need+=(mesa-vulkan-drivers)
if [ ${#need[@]} -eq 0 ]; then
  exit 0
fi
if [ "$(id -u)" -ne 0 ] && ! command -v sudo >/dev/null; then
  echo "ensure-chromium: ${need[*]} missing and not root; install them with apt-get" >&2
  exit 1
fi
SUDO=""
[ "$(id -u)" -eq 0 ] || SUDO=sudo
echo "[chromium] installing ${need[*]} (Debian packages)…"
export DEBIAN_FRONTEND=noninteractive
$SUDO apt-get update -q >/dev/null
$SUDO apt-get install -y -q --no-install-recommends "${need[@]}" >/dev/null
[ -x "$CHROMIUM" ] || { echo "ensure-chromium: $CHROMIUM still missing after apt-get" >&2; exit 1; }
"$CHROMIUM" --version
