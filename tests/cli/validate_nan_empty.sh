# NaN/infinite coordinates and empty geometries are error findings.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
# GeoJSON as GDAL reads it accepts NaN and Infinity literals.
sed -i 's/\[116.2,32.15\]/[116.2,Infinity]/' "$OUT/ds/roads.geojson"
sed -i 's/"geometry":{"type":"Point","coordinates":\[116.3,32.2\]}/"geometry":null/' "$OUT/ds/villages.geojson"
sed -i 's/"coordinates":\[116.31,32.21\]/"coordinates":[NaN,NaN]/' "$OUT/ds/facilities.geojson"
run validate "$OUT/ds"
expect_code 1 "NaN and empty geometries"
expect_stdout "nan_coordinates"
expect_stdout "X001"
expect_stdout "the geometry has NaN or infinite coordinates"
expect_stdout "empty_geometry"
expect_stdout "341522101202"
expect_stdout "F2"
expect_stdout "3 errors"

# An analysis would refuse such a dataset; validate lists every problem.
echo "validate_nan_empty: ok"
