# `ruralnet coverage` refuses unusable input and options with exit code 2 and a
# message naming what to fix; nothing is written.
source "$(dirname "$0")/lib.sh"
T="$DATA/coverage/tiny"

for bad in 0 -5 abc nan; do
  run coverage "$T" --out "$OUT/x" --station-threshold "$bad"
  expect_code 2 "--station-threshold $bad"
  expect_stderr "--station-threshold"
done
run coverage "$T" --out "$OUT/x" --outlet-radius 0
expect_code 2
expect_stderr "--outlet-radius"
run coverage "$T" --out "$OUT/x" --max-snap -1
expect_code 2
expect_stderr "--max-snap"
for bad in -1 nan abc; do
  run coverage "$T" --out "$OUT/x" --area-fill-holes-km2 "$bad"
  expect_code 2 "--area-fill-holes-km2 $bad"
  expect_stderr "--area-fill-holes-km2"
done
run coverage "$T" --out "$OUT/x" --bands 30,15
expect_code 2
expect_stderr "--bands must be increasing"
run coverage "$T"
expect_code 2
expect_stderr "--out"

run coverage "$T" --out "$OUT/x" --layer "facilities=$DATA/coverage/no_station.geojson"
expect_code 2
expect_stderr "no township station"
expect_stderr "facilities"
run coverage "$T" --out "$OUT/x" --layer "facilities=$DATA/coverage/no_hub.geojson"
expect_code 2
expect_stderr "no county hub"
run coverage "$T" --out "$OUT/x" --layer "villages=$DATA/coverage/far_villages.geojson"
expect_code 2
expect_stderr "every village is farther than 2000 m from a road"
expect_no_file "$OUT/x"
echo "coverage_bad_input: ok"
