# Dataset sources: one GeoPackage, a layer from another file (--layer), web-map
# coordinates (--web-coords), and a PG: connection passed through to GDAL.
source "$(dirname "$0")/lib.sh"
CLEAN="$DATA/validate/clean"

for l in counties townships villages roads facilities; do
  ogr2ogr -f GPKG -update -append -nln "$l" "$OUT/luan.gpkg" "$CLEAN/$l.geojson" >/dev/null 2>&1 || fail "ogr2ogr $l"
done
run --run-json "$OUT/run.json" validate "$OUT/luan.gpkg"
expect_code 0 "GeoPackage"
expect_stdout "no findings"
grep -q '"source_layer": "villages"' "$OUT/run.json" || fail "run record lacks the layers"

# Villages from another GeoPackage under another layer name.
ogr2ogr -f GPKG -nln cun "$OUT/cun.gpkg" "$CLEAN/villages.geojson" >/dev/null 2>&1 || fail "ogr2ogr cun"
ogr2ogr -f GPKG -nln other "$OUT/cun.gpkg" -update "$CLEAN/roads.geojson" >/dev/null 2>&1 || fail "ogr2ogr other"
run --run-json "$OUT/run2.json" validate "$OUT/luan.gpkg" --layer "villages=$OUT/cun.gpkg|cun"
expect_code 0 "--layer PATH|LAYER"
grep -q '"source_layer": "cun"' "$OUT/run2.json" || fail "villages not read from cun"

run validate "$OUT/luan.gpkg" --layer "villages=$OUT/cun.gpkg|nothing"
expect_code 2 "--layer names an absent layer"
expect_stderr "the source has no layer 'nothing'; its layers are: cun, other"

run validate "$OUT/luan.gpkg" --layer "villages=$OUT/cun.gpkg"
expect_code 2 "--layer on a two-layer file without a layer name"
expect_stderr "its layers are: cun, other"

run validate "$OUT/luan.gpkg" --web-coords facilities=gcj02
expect_code 0 "--web-coords"
expect_stdout "converted_coordinates"
expect_stdout "gcj02"

# A connection string goes to GDAL as it is; with no server it cannot open.
run validate "PG:dbname=ruralnet_none host=/nonexistent-socket-dir"
expect_code 2 "PG: without a server"
expect_stderr "PG:dbname=ruralnet_none"
expect_stderr "GDAL cannot open it"
echo "read_sources: ok"
