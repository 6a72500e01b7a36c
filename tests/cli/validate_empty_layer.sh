# A layer present with no features is an error finding.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
cat > "$OUT/ds/facilities.geojson" <<'JSON'
{"type":"FeatureCollection","crs":{"type":"name","properties":{"name":"urn:ogc:def:crs:EPSG::4490"}},"features":[]}
JSON
run validate "$OUT/ds"
expect_code 1 "empty facilities"
expect_stdout "empty_layer"
expect_stdout "facilities"
expect_stdout "the layer has no features"
echo "validate_empty_layer: ok"
