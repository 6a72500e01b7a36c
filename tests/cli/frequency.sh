# `ruralnet frequency` on a hand-drawn township (tests/data/frequency/tiny):
# one straight road east from station S1 at 60 km/h, outlets O1 (4.77 km) and
# O2 (9.55 km), village 丙村 without an outlet at 17.18 km (0.01 degree of the
# 31.05N parallel is 954.5 m). Figures worked out by hand in docs/frequency.md.
source "$(dirname "$0")/lib.sh"
TINY="$DATA/frequency/tiny"

# Ample fleet: one 34.4 km route a day, every village six times a week.
run --run-json "$OUT/run.json" frequency "$TINY" --out "$OUT/f"
expect_code 0
expect_stdout "3 of 3 villages get at least 3 deliveries a week (100.0%); 206 vehicle-km a week"
for f in frequency.json villages_frequency.csv frequency.gpkg frequency.md; do expect_file "$OUT/f/$f"; done
grep -q '"schema": "ruralnet.frequency/1"' "$OUT/f/frequency.json" || fail "JSON lacks the schema"
grep -q '"dataset_fingerprint"' "$OUT/f/frequency.json" || fail "JSON lacks the fingerprint"
grep -q '"county_code": "341599"' "$OUT/f/frequency.json" || fail "JSON lacks the county"
grep -q '^341599001003,丙村,341599001,341599,S1,village,341599001003,10.00,6,"Mon,Tue,Wed,Thu,Fri,Sat",1,$' "$OUT/f/villages_frequency.csv" \
  || fail "丙村 row"
grep -q '^341599001001,甲村,.*,S1,outlet,O1,10.00,6,' "$OUT/f/villages_frequency.csv" || fail "甲村 row"
grep -q '"command": "frequency"' "$OUT/run.json" || fail "run.json lacks the command"

# The independent check of the written routes: no load above the capacity,
# no vehicle's day (summed here from the routes) longer than its shift.
check_routes() {
  local gpkg="$1"
  ogrinfo -ro -q "$gpkg" -sql "SELECT COUNT(*) AS bad FROM routes WHERE load_parcels > capacity_parcels + 0.01 OR duration_min > shift_min + 0.001" \
    | grep -q "bad (Integer) = 0" || fail "a route exceeds its capacity or shift in $gpkg"
  ogrinfo -ro -q "$gpkg" -sql "SELECT COUNT(*) AS bad FROM (SELECT SUM(duration_min) AS d, MAX(shift_min) AS s FROM routes GROUP BY station, plan, carrier, day, vehicle) WHERE d > s + 0.01" \
    | grep -q "bad (Integer) = 0" || fail "a vehicle's day exceeds the shift in $gpkg"
}
if command -v ogrinfo >/dev/null; then
  ogrinfo -al -so "$OUT/f/frequency.gpkg" >"$OUT/ogrinfo" 2>&1 || fail "ogrinfo cannot open the GeoPackage"
  grep -A3 "Layer name: routes" "$OUT/ogrinfo" | grep -q "Feature Count: 6" || fail "routes should hold 6 routes"
  grep -A3 "Layer name: villages_frequency" "$OUT/ogrinfo" | grep -q "Feature Count: 3" || fail "villages_frequency should hold 3 villages"
  grep -q "4490" "$OUT/ogrinfo" || fail "GeoPackage is not in EPSG:4490"
  check_routes "$OUT/f/frequency.gpkg"
fi

# A 30-minute shift: 丙村 (44.4 min there and back with its stop) is named
# infeasible; O1 and O2 share the one trip a day: three visits each.
run frequency "$TINY" --out "$OUT/short" --shift-hours 0.5
expect_code 0
expect_stdout "2 of 3 villages get at least 3 deliveries a week"
expect_stdout "1 stops cannot be served within a shift"
grep -q '"kind": "beyond_shift"' "$OUT/short/frequency.json" || fail "no beyond_shift finding"
grep -q '^341599001003,丙村,.*,0,,0,beyond_shift$' "$OUT/short/villages_frequency.csv" || fail "丙村 should be beyond the shift"
grep -q '^341599001001,甲村,.*,3,' "$OUT/short/villages_frequency.csv" || fail "甲村 should get 3 visits"
# One more vehicle: O2's trip on its own vehicle, six visits each.
run frequency "$TINY" --out "$OUT/more" --shift-hours 0.5 --add-vehicles S1=1
expect_code 0
grep -q '^341599001002,乙村,.*,6,' "$OUT/more/villages_frequency.csv" || fail "乙村 should get 6 visits with two vehicles"

# Consolidation: EMS and ZTO each drive 34.4 km a day apart, 206 km a week
# shared.
run frequency "$TINY" --out "$OUT/cons" --consolidate
expect_code 0
expect_stdout "consolidation: 412 -> 206 vehicle-km a week"
grep -q '"delta_vehicle_km_week": -206' "$OUT/cons/frequency.json" || fail "county consolidation delta"
grep -q "Consolidation" "$OUT/cons/frequency.md" || fail "Markdown lacks the comparison"
command -v ogrinfo >/dev/null && check_routes "$OUT/cons/frequency.gpkg"

# Bad input.
run frequency "$TINY" --out "$OUT/f"
expect_code 2
expect_stderr "--overwrite"
run frequency "$TINY" --out "$OUT/x" --target 9
expect_code 2
expect_stderr "--target"
run frequency "$TINY" --out "$OUT/x" --add-vehicles NOPE=1
expect_code 2
expect_stderr "NOPE"
run frequency "$TINY" --out "$OUT/x" --add-vehicles S1
expect_code 2
expect_stderr "STATION=N"
mkdir -p "$OUT/bad1" "$OUT/bad2" "$OUT/bad3"
cp "$TINY"/*.geojson "$OUT/bad1/"
sed 's/"carriers":"EMS;ZTO"},"geometry":{"type":"Point","coordinates":\[116.05/"carriers":"EMS;ACME"},"geometry":{"type":"Point","coordinates":[116.05/' \
  "$TINY/facilities.geojson" >"$OUT/bad1/facilities.geojson"
run frequency "$OUT/bad1" --out "$OUT/x"
expect_code 2
expect_stderr "unknown carrier 'ACME'"
expect_stderr "O1"
expect_stderr "--carriers"
cp "$TINY"/*.geojson "$OUT/bad2/"
sed 's/"vehicle_capacity_parcels":300/"vehicle_capacity_parcels":0/' "$TINY/facilities.geojson" >"$OUT/bad2/facilities.geojson"
run frequency "$OUT/bad2" --out "$OUT/x"
expect_code 2
expect_stderr "vehicle_capacity_parcels"
expect_stderr "S1"
cp "$TINY"/*.geojson "$OUT/bad3/"
sed 's/"vehicles":1,/"vehicles":0,/' "$TINY/facilities.geojson" >"$OUT/bad3/facilities.geojson"
run frequency "$OUT/bad3" --out "$OUT/novehicles"
expect_code 0
expect_stdout "0 of 3 villages"
grep -q '"kind": "no_vehicles"' "$OUT/novehicles/frequency.json" || fail "no_vehicles finding"
expect_no_file "$OUT/x"
echo "frequency: ok"
