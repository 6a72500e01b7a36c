# `ruralnet coverage` on a hand-drawn county (tests/data/coverage/tiny): one
# village of each reach reason; times worked out by hand in docs/coverage.md.
source "$(dirname "$0")/lib.sh"

run --run-json "$OUT/run.json" coverage "$DATA/coverage/tiny" --out "$OUT/c"
expect_code 0
expect_stdout "2 of 6 villages reached (33.3%), 2 township only, 1 off network, 1 disconnected"
expect_stdout "1 facilities of unknown tier left out"
for f in coverage.json villages.csv coverage.gpkg coverage.md; do expect_file "$OUT/c/$f"; done
grep -q '"schema": "ruralnet.coverage/1"' "$OUT/c/coverage.json" || fail "JSON lacks the schema"
grep -q '"ignored_unknown_tier": \[' "$OUT/c/coverage.json" || fail "JSON lacks the ignored facilities"
grep -q '"X1"' "$OUT/c/coverage.json" || fail "JSON does not name the facility of unknown tier"
[ "$(wc -l <"$OUT/c/villages.csv")" -eq 7 ] || fail "CSV should have a header and 6 rows"
# 甲村 has its own outlet O1, 0.01 degrees of the 31.05N parallel (954.5 m) from
# S1 on a county road at 50 km/h: 1.145 minutes.
grep -q '^341599001001,甲村,.*,direct,1,1,.*,S1,1.145,' "$OUT/c/villages.csv" || fail "甲村 row"
# 己村 is 221.7 m north of R1 and 2 x 954.54 m from O1 along it (2130.79 m): cooperative.
grep -q '^341599001003,己村,.*,cooperative,1,1,221.7,.*,O1,2130\.79,' "$OUT/c/villages.csv" || fail "己村 row"
grep -q '^341599002002,丁村,.*,disconnected,' "$OUT/c/villages.csv" || fail "丁村 row"
grep -q '^341599002003,戊村,.*,off_network,0,0,' "$OUT/c/villages.csv" || fail "戊村 row"
grep -q '2 of 6 villages reached (33.3%)' "$OUT/c/coverage.md" || fail "Markdown summary"
grep -q '"command": "coverage"' "$OUT/run.json" || fail "run.json lacks the command"
# Most of the folder is written while the service areas are drawn.
grep -q '"name": "early output"' "$OUT/run.json" || fail "run.json lacks the early output stage"
ls -a "$OUT" | grep -q '^\.tmp-' && fail "a temporary output folder was left behind"
if command -v ogrinfo >/dev/null; then
  ogrinfo -al -so "$OUT/c/coverage.gpkg" >"$OUT/ogrinfo" 2>&1 || fail "ogrinfo cannot open the GeoPackage"
  for l in villages_reach tier_links service_areas off_network; do
    grep -q "Layer name: $l" "$OUT/ogrinfo" || fail "GeoPackage lacks layer $l"
  done
  # Written in two steps, the layers still come in their order.
  ogrinfo -so "$OUT/c/coverage.gpkg" | grep -E '^[0-9]+: ' | tr -d '\n' |
    grep -q '^1: villages_reach (Point)2: tier_links (Line String)3: service_areas (Multi Polygon)4: off_network (Point)$' ||
    fail "GeoPackage layers out of order"
  grep -A3 "Layer name: villages_reach" "$OUT/ogrinfo" | grep -q "Feature Count: 6" || fail "villages_reach should hold 6 villages"
  grep -A3 "Layer name: off_network" "$OUT/ogrinfo" | grep -q "Feature Count: 1" || fail "off_network should hold 1 point"
fi

# An existing folder needs --overwrite.
run coverage "$DATA/coverage/tiny" --out "$OUT/c"
expect_code 2
expect_stderr "already exists"
expect_stderr "--overwrite"
run coverage "$DATA/coverage/tiny" --out "$OUT/c" --overwrite --no-service-areas
expect_code 0
echo "coverage: ok"
