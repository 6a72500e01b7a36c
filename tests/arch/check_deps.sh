#!/usr/bin/env bash
# Checks that every module includes only headers of the modules it declares in
# CMakeLists.txt (ruralnet_module(NAME DEPS ...)) and that the declared
# dependencies have no cycle. CMake alone allows cycles between static
# libraries, so this test is what keeps the data flow one way.
set -euo pipefail
root="$1"
declare -A deps
while read -r line; do
  name=$(sed -E 's/ruralnet_module\(([a-z_]+).*/\1/' <<<"$line")
  d=$(sed -nE 's/.*DEPS ([a-z_ ]+)( LIBS.*|\)).*/\1/p' <<<"$line")
  deps[$name]="$d"
done < <(grep -E '^ruralnet_module\(' "$root/CMakeLists.txt")

status=0
for m in "${!deps[@]}"; do
  for f in $(find "$root/src/$m" "$root/include/ruralnet/$m" -name '*.[ch]pp' 2>/dev/null); do
    for used in $(grep -oE '#include "ruralnet/[a-z_]+/' "$f" | sed -E 's|.*ruralnet/([a-z_]+)/|\1|' | sort -u); do
      [ "$used" = "$m" ] && continue
      if ! grep -qw "$used" <<<"${deps[$m]}"; then
        echo "module '$m' includes '$used' without declaring it: $f" >&2
        status=1
      fi
    done
  done
done

# Cycle check by depth-first search over the declared graph.
declare -A state
visit() {
  local m=$1
  [ "${state[$m]:-}" = done ] && return 0
  if [ "${state[$m]:-}" = active ]; then echo "dependency cycle through '$m'" >&2; status=1; return 0; fi
  state[$m]=active
  for d in ${deps[$m]:-}; do visit "$d"; done
  state[$m]=done
}
for m in "${!deps[@]}"; do visit "$m"; done
[ $status -eq 0 ] && echo "module dependencies: ok (${#deps[@]} modules)"
exit $status
