# `ruralnet synth`: the demo dataset, its companions, determinism, bad input.
source "$(dirname "$0")/lib.sh"

mkdir -p "$OUT/a" "$OUT/b" "$OUT/c"

run synth --out "$OUT/a/demo.gpkg" --quiet
expect_code 0 "demo"
expect_stdout "7 counties, 140 townships, 1950 villages and communities"
expect_stdout "planted defects"
expect_file "$OUT/a/demo.gpkg"
expect_file "$OUT/a/demo.gpkg.defects.json"
expect_file "$OUT/a/demo.gpkg.progress.csv"
ls -a "$OUT/a" | grep -q '^\.tmp' && fail "temporary left behind"

layers=$(ogrinfo -ro -q "$OUT/a/demo.gpkg" | sed -E 's/^[0-9]+: ([a-z_]+).*/\1/' | sort | tr '\n' ' ')
[ "$layers" = "counties defects facilities progress roads townships villages " ] || fail "layers are: $layers"
head -1 "$OUT/a/demo.gpkg.progress.csv" | grep -q '^county_code,indicator,value,as_of,source' || fail "progress.csv header"
# 7 counties x 16 indicators x 4 quarters, plus the header.
[ "$(wc -l < "$OUT/a/demo.gpkg.progress.csv")" -eq 449 ] || fail "progress.csv rows"
grep -q '"kind": "gap"' "$OUT/a/demo.gpkg.defects.json" || fail "manifest lacks gaps"
grep -q '"check": "validate"' "$OUT/a/demo.gpkg.defects.json" || fail "manifest lacks validate defects"

# Same seed, same features; another seed, other features.
dump() { ogr2ogr -f CSV /vsistdout/ "$1" "$2" -lco GEOMETRY=AS_WKT 2>/dev/null; }
run synth --out "$OUT/b/demo.gpkg" --seed 1 --quiet
expect_code 0 "second run"
for l in counties townships villages roads facilities progress defects; do
  cmp -s <(dump "$OUT/a/demo.gpkg" $l) <(dump "$OUT/b/demo.gpkg" $l) || fail "layer $l differs between two runs with seed 1"
done
cmp -s "$OUT/a/demo.gpkg.progress.csv" "$OUT/b/demo.gpkg.progress.csv" || fail "progress.csv differs"
cmp -s "$OUT/a/demo.gpkg.defects.json" "$OUT/b/demo.gpkg.defects.json" || fail "manifest differs"
run synth --out "$OUT/c/demo.gpkg" --seed 2 --quiet
expect_code 0 "seed 2"
cmp -s <(dump "$OUT/a/demo.gpkg" villages) <(dump "$OUT/c/demo.gpkg" villages) && fail "seed 2 gave the same villages"

# An existing output needs --overwrite.
run synth --out "$OUT/a/demo.gpkg" --quiet
expect_code 2 "existing output"
expect_stderr "already exists"
expect_stderr "--overwrite"
run synth --out "$OUT/a/demo.gpkg" --quiet --overwrite
expect_code 0 "overwrite"

# A folder of FlatGeobuf files.
run synth --out "$OUT/fgb" --format FlatGeobuf --quiet
expect_code 0 "flatgeobuf folder"
expect_file "$OUT/fgb/roads.fgb"
expect_file "$OUT/fgb.defects.json"

# Bad input: each a clear message and exit 2, nothing written.
run synth --out "$OUT/x.gpkg" --scale county
expect_code 2 "unknown scale"
expect_stderr "unknown scale 'county'"
run synth --out "$OUT/x.gpkg" --seed abc
expect_code 2 "seed not a number"
expect_stderr "--seed must be a whole number"
run synth --out "$OUT/x.xyz"
expect_code 2 "unwritable format"
expect_stderr "GDAL cannot write a '.xyz' file"
expect_stderr "GPKG"
run synth --out "$OUT/x.fgb"
expect_code 2 "single-layer file"
expect_stderr "holds one layer"
run synth --out "$OUT/x" --format no-such-driver
expect_code 2 "unknown format"
expect_stderr "unknown output format"
run synth --out "$OUT/no/such/folder/x.gpkg"
expect_code 2 "missing folder"
expect_stderr "does not exist"
run synth
expect_code 2 "no --out"
expect_no_file "$OUT/x.gpkg"
expect_no_file "$OUT/x.xyz"
echo "synth: ok"
