# A GBK shapefile without a .cpg file: its encoding is detected, or named with
# --encoding; Latin-1 text in the same situation is refused, not garbled.
source "$(dirname "$0")/lib.sh"

cp -r "$DATA/validate/clean" "$OUT/ds"
rm "$OUT/ds/townships.geojson"
ogr2ogr -f "ESRI Shapefile" -lco ENCODING=CP936 "$OUT/ds/townships.shp" "$DATA/validate/clean/townships.geojson" \
  >/dev/null 2>&1 || fail "ogr2ogr failed"
rm "$OUT/ds/townships.cpg"
# The raw GBK bytes of 城关镇 must be in the file, and no declaration beside it.
grep -q "$(printf '\xb3\xc7\xb9\xd8\xd5\xf2')" "$OUT/ds/townships.dbf" || fail "fixture is not GBK"
# Move village 西山村 into 城关镇 so that a finding prints the township names.
sed -i 's/\[116.3,32.2\]}}/[116.1,32.3]}}/' "$OUT/ds/villages.geojson"

run --run-json "$OUT/run.json" validate "$OUT/ds"
expect_code 0 "GBK detected"
expect_stdout "village_outside_township"
expect_stdout "lies outside its township 341522101 河口镇, in township 341522100 城关镇"
grep -q '"encoding": "GB18030"' "$OUT/run.json" || fail "detected encoding not recorded"

run validate "$OUT/ds" --encoding GBK
expect_code 0 "--encoding GBK"
expect_stdout "河口镇"

# Latin-1 names without a .cpg: neither UTF-8 nor Chinese, so refused.
cat > "$OUT/latin1.csv" <<'CSV'
code,name,WKT
341522100,Caf_ Z_rich,"POLYGON((116.0 32.0,116.2 32.0,116.2 32.4,116.0 32.4,116.0 32.0))"
341522101,M_ller,"POLYGON((116.2 32.0,116.4 32.0,116.4 32.4,116.2 32.4,116.2 32.0))"
CSV
sed -i "s/_/$(printf '\xe9')/" "$OUT/latin1.csv"
rm "$OUT"/ds/townships.*
ogr2ogr -f "ESRI Shapefile" -a_srs EPSG:4490 -lco ENCODING= -nln townships "$OUT/ds/townships.shp" "$OUT/latin1.csv" \
  >/dev/null 2>&1 || fail "ogr2ogr failed"
rm -f "$OUT/ds/townships.cpg"
run validate "$OUT/ds"
expect_code 2 "Latin-1 refused"
expect_stderr "townships.shp"
expect_stderr "cannot tell the text encoding"
expect_stderr "--encoding GBK"
echo "validate_gbk_shapefile: ok"
