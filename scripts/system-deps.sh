#!/usr/bin/env bash
# Install the Debian packages Ownstream needs, only those missing. `--test` adds what the tests need.
#   always: Node.js + npm (the front end is built from npm)
#   --test: chromium (browser tests, driven by Playwright; never a downloaded browser), GStreamer (a second
#           RTMP client in the ingest tests), a colour emoji font (the emoji picker's test and screenshots),
#           PostgreSQL (the API, contract and chat suites run on it too; the tests start their own server
#           in a temporary folder), redis-server (the tests of several processes start their own on loopback)
set -euo pipefail

need=()
command -v node >/dev/null 2>&1 && command -v npm >/dev/null 2>&1 || need+=(nodejs npm)
python3 -c "import venv, ensurepip" >/dev/null 2>&1 || need+=(python3-venv)
if [ "${1:-}" = "--test" ]; then
  command -v chromium >/dev/null 2>&1 || need+=(chromium)
  [ -e /usr/share/fonts/truetype/noto/NotoColorEmoji.ttf ] || need+=(fonts-noto-color-emoji)
  gst-inspect-1.0 rtmp2sink >/dev/null 2>&1 ||
    need+=(gstreamer1.0-tools gstreamer1.0-plugins-base gstreamer1.0-plugins-good gstreamer1.0-plugins-bad)
  compgen -G "/usr/lib/postgresql/*/bin/initdb" >/dev/null || need+=(postgresql)
  command -v redis-server >/dev/null 2>&1 || need+=(redis-server)
fi
[ ${#need[@]} -eq 0 ] && exit 0

if ! command -v apt-get >/dev/null 2>&1; then
  echo "Missing: ${need[*]}. Install them with your package manager." >&2
  exit 1
fi
sudo=""
[ "$(id -u)" -eq 0 ] || sudo="sudo"
export DEBIAN_FRONTEND=noninteractive
$sudo apt-get update -qq
$sudo apt-get install -y -qq --no-install-recommends "${need[@]}"
