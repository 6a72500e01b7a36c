# A self-intersecting (bow-tie) township polygon is invalid_geometry with
# GEOS's reason and where it is.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
# 城关镇 becomes a bow-tie: its shell crosses itself at (116.1, 32.2).
sed -i 's/\[\[\[116.0,32.0\],\[116.2,32.0\],\[116.2,32.4\],\[116.0,32.4\],\[116.0,32.0\]\]\]/[[[116.0,32.0],[116.2,32.4],[116.2,32.0],[116.0,32.4],[116.0,32.0]]]/' "$OUT/ds/townships.geojson"
grep -q '116.2,32.4\],\[116.2,32.0' "$OUT/ds/townships.geojson" || fail "fixture edit did not apply"
run validate "$OUT/ds"
expect_code 1 "bow-tie township"
expect_stdout "invalid_geometry"
expect_stdout "341522100"
expect_stdout "Self-intersection"
expect_stdout "116.100000, 32.200000"
echo "validate_self_intersection: ok"
