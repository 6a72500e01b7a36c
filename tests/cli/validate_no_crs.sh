# A layer without a declared CRS is unusable unless --crs names one.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
rm "$OUT/ds/villages.geojson"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=UTF-8 "$OUT/ds/villages.shp" "$DATA/validate/clean/villages.geojson" >/dev/null 2>&1 || fail "ogr2ogr failed"
rm "$OUT/ds/villages.prj"
run validate "$OUT/ds"
expect_code 2 "no CRS"
expect_stderr "crs error"
expect_stderr "villages.shp"
expect_stderr "declares no CRS"
expect_stderr "--crs EPSG:4490"

run validate "$OUT/ds" --crs EPSG:4490
expect_code 0 "--crs given"
expect_stdout "no findings"
echo "validate_no_crs: ok"
