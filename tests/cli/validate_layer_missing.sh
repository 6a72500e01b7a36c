# A required layer that is absent stops the run and lists what was found.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
rm "$OUT/ds/facilities.geojson"
run validate "$OUT/ds"
expect_code 2 "facilities missing"
expect_stderr "required layer 'facilities' is not in the dataset"
expect_stderr "villages.geojson"
expect_stderr "--layer facilities="

# Not required: validate reports it as information only.
run validate "$OUT/ds" --require counties,townships,villages,roads
expect_code 0 "facilities not required"
expect_stdout "layer_absent"

# The same in a GeoPackage: the message lists the layers it has.
ogr2ogr -f GPKG "$OUT/ds.gpkg" "$OUT/ds/villages.geojson" -nln villages >/dev/null 2>&1 || fail "ogr2ogr failed"
run validate "$OUT/ds.gpkg"
expect_code 2 "GeoPackage without counties"
expect_stderr "required layer 'counties' is not in the dataset; its layers are: villages"
echo "validate_layer_missing: ok"
