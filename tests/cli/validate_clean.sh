# validate on a clean dataset: no findings, exit 0; the JSON form; bad options.
source "$(dirname "$0")/lib.sh"
CLEAN="$DATA/validate/clean"

run validate "$CLEAN"
expect_code 0 "clean dataset"
expect_stdout "no findings"
expect_stdout "0 findings: 0 errors, 0 warnings, 0 info"

run validate "$CLEAN" --json
expect_code 0 "clean dataset, --json"
expect_stdout '"schema": "ruralnet.validate/1"'
expect_stdout '"findings": []'
expect_stdout '"total": 0'

run --run-json "$OUT/run.json" validate "$CLEAN"
expect_code 0 "--run-json"
grep -q '"feature_count": 2' "$OUT/run.json" || fail "run record lacks feature counts"

run validate "$CLEAN" --require villages,nowhere
expect_code 2 "unknown layer in --require"
expect_stderr "usage error"
expect_stderr "unknown layer 'nowhere'"

run validate "$CLEAN" --web-coords villages=mercator
expect_code 2 "unknown --web-coords system"
expect_stderr "gcj02"
echo "validate_clean: ok"
