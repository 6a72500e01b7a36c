# A required field that is missing is an error finding (exit 1) naming the
# layer and field; --field maps a bureau's own name onto it.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
sed -i 's/,"name":/,"MC":/g' "$OUT/ds/villages.geojson"
run validate "$OUT/ds"
expect_code 1 "villages without name"
expect_stdout "missing_field"
expect_stdout "required field 'name' is not in the layer"
expect_stdout "1 error"

run validate "$OUT/ds" --field villages.name=mc
expect_code 0 "name mapped with --field"
expect_stdout "no findings"

run validate "$OUT/ds" --field villages.name=MINGCHENG
expect_code 1 "mapping to an absent field"
expect_stdout "field 'MINGCHENG' (named by --field villages.name=MINGCHENG) is not in the layer"
echo "validate_missing_field: ok"
