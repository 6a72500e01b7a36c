#!/usr/bin/env bash
# Configures and builds ruralnet in ./build (or $BUILD_DIR). CI=true turns on -Werror.
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
build="${BUILD_DIR:-$root/build}"
werror=OFF
if [ "${CI:-}" = "true" ]; then werror=ON; fi
generator=()
if command -v ninja >/dev/null 2>&1; then generator=(-G Ninja); fi
if [ ! -f "$build/CMakeCache.txt" ]; then
  cmake -S "$root" -B "$build" "${generator[@]}" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DRURALNET_WERROR=$werror >/dev/null
else
  cmake -S "$root" -B "$build" -DRURALNET_WERROR=$werror >/dev/null
fi
cmake --build "$build" --parallel "$(nproc)"
