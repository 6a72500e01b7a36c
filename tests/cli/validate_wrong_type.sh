# Text where a number belongs, an unknown enum value and a bad date are error
# findings naming the feature, the field and the value.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
sed -i 's/"population":1300/"population":"many"/' "$OUT/ds/villages.geojson"
sed -i 's/"tier":"county_hub"/"tier":"hub"/' "$OUT/ds/facilities.geojson"
sed -i 's/"completed_on":"2018-07-05"/"completed_on":"2018-13-45"/' "$OUT/ds/roads.geojson"
run validate "$OUT/ds"
expect_code 1 "wrong types"
expect_stdout "wrong_type"
expect_stdout "341522100201"
expect_stdout "population"
expect_stdout "'many' is not a number"
expect_stdout "unknown_value"
expect_stdout "'hub' is not a known tier"
expect_stdout "'2018-13-45' is not a date"
expect_stdout "3 errors"

run validate "$OUT/ds" --json
expect_code 1 "wrong types, --json"
expect_stdout '"kind": "wrong_type"'
expect_stdout '"feature_id": "341522100201"'
expect_stdout '"error": 3'
echo "validate_wrong_type: ok"
