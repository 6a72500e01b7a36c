#!/usr/bin/env bash
# Installs every Debian package ruralnet needs to build, test and run its demo,
# and the npm packages of web/ (Leaflet for the HTML report, playwright-core
# for its browser test).
# A no-op when all are present. Non-interactive; needs root (or sudo) only when
# something is missing.
set -euo pipefail

packages=(
  build-essential cmake ninja-build pkg-config python3
  postgresql postgis
  libgdal-dev gdal-bin libproj-dev proj-bin libgeos-dev libsqlite3-dev sqlite3
  libboost-graph-dev nlohmann-json3-dev libcli11-dev
  libgtest-dev libgmock-dev libbenchmark-dev
  coinor-libcbc-dev
  nodejs chromium fonts-noto-cjk
)
# npm comes with some Node.js builds (NodeSource's conflicts with Debian's npm).
if ! command -v npm >/dev/null 2>&1; then packages+=(npm); fi

missing=()
for p in "${packages[@]}"; do
  if ! dpkg-query -W -f='${Status}' "$p" 2>/dev/null | grep -q "install ok installed"; then
    missing+=("$p")
  fi
done

if [ ${#missing[@]} -gt 0 ]; then
  echo "setup: installing ${missing[*]}" >&2
  SUDO=""
  if [ "$(id -u)" -ne 0 ]; then
    SUDO="sudo"
  fi
  export DEBIAN_FRONTEND=noninteractive
  $SUDO apt-get update -qq
  $SUDO apt-get install -y -qq --no-install-recommends "${missing[@]}" >/dev/null
fi

# Leaflet (inlined into `ruralnet report`) and playwright-core (drives Chromium
# in the report's browser test), pinned by web/package-lock.json.
web="$(cd "$(dirname "$0")/.." && pwd)/web"
if [ ! -f "$web/node_modules/leaflet/dist/leaflet.js" ] || [ ! -d "$web/node_modules/playwright-core" ]; then
  echo "setup: installing the npm packages of web/" >&2
  (cd "$web" && npm ci --no-audit --no-fund --loglevel=error >/dev/null)
fi
