# `ruralnet report` opened in headless Chromium (tests/browser/report.test.js):
# the two-county fixture with every analysis (feature counts by hand, a click
# on a village, the county filter, a name that is markup), then the demo city
# (counts from its GeoPackages, time to draw, a screenshot).
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../browser/make_fixture.sh"
ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
command -v node >/dev/null || fail "node is missing: run scripts/setup.sh"
[ -x "${CHROMIUM:-/usr/bin/chromium}" ] || fail "chromium is missing: run scripts/setup.sh"
[ -d "$ROOT/web/node_modules/playwright-core" ] || fail "web/node_modules lacks playwright-core: run scripts/setup.sh"
TEST="$ROOT/tests/browser/report.test.js"

make_maps_fixture "$OUT/fx" || fail "cannot build the fixture outputs"
run report "$DATA/maps/two" --out "$OUT/two" --as-of 2018-12-31 \
  --quota "$OUT/fx/quota" --site "$OUT/fx/site" --frequency "$OUT/fx/frequency"
expect_code 0 "fixture report"
count() { ogrinfo -so "$1" "$2" 2>/dev/null | sed -n 's/^Feature Count: //p'; }
areas=$(count "$OUT/two/coverage/coverage.gpkg" service_areas)
findings=$(count "$OUT/two/roads/roads_audit.gpkg" findings)
cat >"$OUT/two.expect.json" <<JSON
{"counties": 2, "townships": 3, "roads": 4, "facilities": 4, "outlets": 2, "villages": 8,
 "service_areas": $areas, "findings": $findings, "sites": 2, "assignment": 3, "routes": 2, "villages_frequency": 4}
JSON
node "$TEST" --html "$OUT/two/report.html" --expect "$OUT/two.expect.json" --screenshot "$OUT/two.png" \
  --click-village 乙村 --hostile '<script>window.__pwned=1</script>' \
  --filter 341598 --filter-expect '{"counties": 1, "townships": 1, "roads": 1, "facilities": 2, "villages": 2, "sites": 1, "assignment": 1, "routes": 1, "villages_frequency": 2}' \
  >"$OUT/two.log" 2>&1 || { cat "$OUT/two.log" >&2; fail "the fixture report in Chromium"; }
cat "$OUT/two.log"

# The demo city.
"$RURALNET" --quiet synth --out "$OUT/luan.gpkg" --seed 1 >/dev/null 2>&1 || fail "synth"
t0=$(date +%s.%N)
run --quiet report "$OUT/luan.gpkg" --out "$OUT/demo" --as-of 2018-12-31
expect_code 0 "demo report"
t1=$(date +%s.%N)
bytes=$(stat -c %s "$OUT/demo/report.html")
echo "demo report: coverage and roads run and the report written in $(awk "BEGIN { printf \"%.2f\", $t1 - $t0 }") s, report.html $bytes bytes"
[ "$bytes" -lt 15728640 ] || fail "the demo report.html should be under 15 MB, is $bytes bytes"
g="$OUT/luan.gpkg"
# Outlets are the facilities of tier village_outlet; the others (hubs,
# stations, and any of a tier that cannot be read) are drawn as facilities.
outlets=$(ogrinfo -ro -q -sql "SELECT COUNT(*) AS n FROM facilities WHERE tier = 'village_outlet'" "$g" | sed -n 's/.*n (Integer[0-9]*) = //p')
cat >"$OUT/demo.expect.json" <<JSON
{"counties": $(count "$g" counties), "townships": $(count "$g" townships), "roads": $(count "$g" roads),
 "villages": $(count "$OUT/demo/coverage/coverage.gpkg" villages_reach),
 "service_areas": $(count "$OUT/demo/coverage/coverage.gpkg" service_areas),
 "findings": $(count "$OUT/demo/roads/roads_audit.gpkg" findings),
 "facilities": $(( $(count "$g" facilities) - outlets )), "outlets": $outlets}
JSON
node "$TEST" --html "$OUT/demo/report.html" --expect "$OUT/demo.expect.json" --screenshot "$OUT/demo.png" \
  >"$OUT/demo.log" 2>&1 || { cat "$OUT/demo.log" >&2; fail "the demo report in Chromium"; }
cat "$OUT/demo.log"
echo "report_browser: ok"
