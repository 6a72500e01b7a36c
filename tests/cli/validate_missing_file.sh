# A dataset path that does not exist is unusable input (exit 2) and says so.
source "$(dirname "$0")/lib.sh"

run validate "$OUT/no-such-dataset.gpkg"
expect_code 2 "missing file"
expect_stderr "input error"
expect_stderr "no-such-dataset.gpkg"
expect_stderr "file not found"

run validate "$DATA/validate/clean" --layer villages="$OUT/missing-villages.shp"
expect_code 2 "missing per-layer source"
expect_stderr "missing-villages.shp"
expect_stderr "file not found"
echo "validate_missing_file: ok"
