# `ruralnet info` on a hand-drawn county (tests/data/info/tiny): counts worked
# out by hand; lengths are checked to the millimetre in tests/inventory.
source "$(dirname "$0")/lib.sh"

run info "$DATA/info/tiny"
expect_code 0
expect_stdout "341599  测试县"
expect_stdout "6 nodes, 4 edges, 2 components"

run --run-json "$OUT/run.json" info "$DATA/info/tiny" --json
expect_code 0
expect_stdout '"schema": "ruralnet.info/1"'
expect_stdout '"nodes": 6'
expect_stdout '"edges": 4'
expect_stdout '"components": 2'
expect_stdout '"townships": 2'
expect_stdout '"villages": 3'
# R1 is 0.05 degrees of the parallel at 31.05N: 4772.76 m on the CGCS2000 ellipsoid.
expect_stdout '"county": 4.773'
expect_file "$OUT/run.json"
grep -q '"exit_code": 0' "$OUT/run.json" || fail "run.json lacks the exit code"
grep -q '"command": "info"' "$OUT/run.json" || fail "run.json lacks the command"

run info "$DATA/info/tiny" --no-graph --json
expect_code 0
expect_stdout '"graph": null'

run info "$DATA/info/tiny" --snap-tolerance -1
expect_code 2
expect_stderr "--snap-tolerance"

run info "$OUT/no-such-dataset.gpkg"
expect_code 2
expect_stderr "no-such-dataset.gpkg"
echo "info: ok"
