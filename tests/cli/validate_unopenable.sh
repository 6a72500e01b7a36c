# A file GDAL cannot open is named in the error, with GDAL's own message.
source "$(dirname "$0")/lib.sh"

printf 'this is not a GeoPackage\n' > "$OUT/broken.gpkg"
run validate "$OUT/broken.gpkg"
expect_code 2 "unopenable file"
expect_stderr "broken.gpkg"
expect_stderr "GDAL cannot open it"
expect_stderr "hint:"
echo "validate_unopenable: ok"
