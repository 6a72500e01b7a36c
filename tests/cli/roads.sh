# `ruralnet roads` on a hand-drawn county (tests/data/roads/tiny):
#   R1 existing road 116.02..116.10 E on 31.05 N; P1 (changtong) north from its
#   east end to the village 东村 at 116.10 E 31.08 N, P3 (kuomian) a copy of P1;
#   P2 (kuomian) east from 东村, declared 1.0 km for 0.02° of longitude (1.908 km),
#   with the stake K1+0OO; P4 (kuomian, building) alone far away; G1 stops 11 m
#   short of R1; M1 a MultiLineString with an empty and a one-vertex part.
# Lengths are checked to the millimetre against the arc formulas in tests/roads.
source "$(dirname "$0")/lib.sh"
TINY="$DATA/roads/tiny"

run roads "$TINY" --as-of 2018-12-31 --out "$OUT/audit"
expect_code 0
expect_stdout "341599  测试县"
for f in summary.json segments.csv findings.csv roads_audit.gpkg report.md; do expect_file "$OUT/audit/$f"; done
for kind in "length_mismatch,warning,P2" "unparseable_stake,error,P2,341599,start_stake" "duplicate,error,P3,341599,,P1" \
            "isolated,warning,P4" "gap,warning,G1,341599,,R1" "empty_part,warning,M1"; do
  grep -qF "$kind" "$OUT/audit/findings.csv" || fail "findings.csv lacks '$kind'"
done
[ "$(wc -l < "$OUT/audit/findings.csv")" -eq 7 ] || fail "expected 6 findings"
# P1 3.326 km (0.03° of the meridian), P2 1.908 km, P3 counted once: 5.235 km completed.
grep -q '"completed_km": 5.23[45]' "$OUT/audit/summary.json" || fail "completed_km is not 5.235"
grep -q '"completed_declared_km": 7.6' "$OUT/audit/summary.json" || fail "completed_declared_km is not 7.6"
grep -q '"schema": "ruralnet.roads/1"' "$OUT/audit/summary.json" || fail "summary.json lacks the schema"
grep -q '"newly_connected": 1' "$OUT/audit/summary.json" || fail "东村 is not newly connected"
grep -q '^P3,.*,3326\.[0-9],0,' "$OUT/audit/segments.csv" || fail "P3 is not counted as double"
grep -qF "| 341599 | 测试县 |" "$OUT/audit/report.md" || fail "report.md lacks the county row"
if command -v ogrinfo >/dev/null; then
  ogrinfo -so "$OUT/audit/roads_audit.gpkg" > "$OUT/layers.txt" 2>&1
  for l in segments findings newly_connected_villages; do grep -q "$l" "$OUT/layers.txt" || fail "gpkg lacks $l"; done
fi

# An existing output is kept unless --overwrite.
run roads "$TINY" --as-of 2018-12-31 --out "$OUT/audit"
expect_code 2
expect_stderr "--overwrite"
run roads "$TINY" --as-of 2018-12-31 --out "$OUT/audit" --overwrite
expect_code 0

# As of 2018/7/31 (slashes) P3 (completed 2018年9月1日) was still building; JSON on stdout.
run roads "$TINY" --as-of 2018/7/31 --json
expect_code 0
expect_stdout '"schema": "ruralnet.roads/1"'
expect_stdout '"as_of": "2018-07-31"'
grep -q '"completed_after_as_of": 1' "$OUT/stdout" || fail "P3 is not completed after the as-of date"

# Per-county targets.
printf 'county_code,target_km\n341599,10\n' > "$OUT/targets.csv"
run roads "$TINY" --as-of 2018-12-31 --county-targets "$OUT/targets.csv" --json
expect_code 0
grep -q '"completion": 0.523[45]' "$OUT/stdout" || fail "county completion is not 5.235/10"
printf 'county,km\n' > "$OUT/bad_targets.csv"
run roads "$TINY" --as-of 2018-12-31 --county-targets "$OUT/bad_targets.csv"
expect_code 2
expect_stderr "county_code,target_km"

# The roads in another CRS (EPSG:4548) than the other layers measure the same.
run roads "$TINY" --as-of 2018-12-31 --layer roads="$DATA/roads/roads_4548.geojson" --json
expect_code 0
grep -q '"completed_km": 5.23[45]' "$OUT/stdout" || fail "roads in EPSG:4548 measure differently"

# Bad rows are refused, all of them listed.
run roads "$TINY" --as-of 2018-12-31 --layer roads="$DATA/roads/bad/unknown_values.geojson"
expect_code 2
expect_stderr "'B1' field 'program': 'gaosu'"
expect_stderr "'B2' field 'status': 'finished'"
run roads "$TINY" --as-of 2018-12-31 --layer roads="$DATA/roads/bad/lengths.geojson"
expect_code 2
expect_stderr "'L1' field 'declared_km': 'abc'"
expect_stderr "'L2' field 'declared_km'"
run roads "$TINY" --as-of 2018-12-31 --layer roads="$DATA/roads/bad/dates.geojson"
expect_code 2
expect_stderr "'D1' field 'completed_on': '05/07/2018'"
grep -q "'D2'" "$OUT/stderr" && fail "D2 has an ISO date and must not be refused"

# Arguments.
run roads "$TINY" --as-of 05/07/2018
expect_code 2
expect_stderr "--as-of"
run roads "$TINY"
expect_code 2
run roads "$TINY" --as-of 2018-12-31 --gap-tolerance 2
expect_code 2
expect_stderr "--gap-tolerance"
echo "roads: ok"
