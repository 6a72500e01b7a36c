# `ruralnet report` on the two-county fixture (tests/data/maps/two): every
# analysis, the outputs of another dataset, missing files, a report too large
# to embed, a missing Leaflet, and names that are markup.
source "$(dirname "$0")/lib.sh"
source "$(dirname "$0")/../browser/make_fixture.sh"
make_maps_fixture "$OUT/fx" || fail "cannot build the fixture outputs"
FX="$OUT/fx"

# Coverage and roads run here; quota, site and frequency from their folders.
run --run-json "$OUT/run.json" report "$DATA/maps/two" --out "$OUT/r" --as-of 2018-12-31 \
  --quota "$FX/quota" --site "$FX/site" --frequency "$FX/frequency"
expect_code 0 "all five analyses"
expect_stdout "report: $OUT/r/report.html"
for f in report.html map-coverage.svg map-roads.svg map-quota.svg map-site.svg map-frequency.svg \
         coverage/coverage.json coverage/coverage.gpkg roads/summary.json roads/roads_audit.gpkg; do
  expect_file "$OUT/r/$f"
done
grep -q '"command": "report"' "$OUT/run.json" || fail "run.json lacks the command"
grep -q '"villages": 8' "$OUT/run.json" || fail "run.json should count 8 villages"
grep -q '"sites": 2' "$OUT/run.json" || fail "run.json should count 2 sites"
# Names are data, never markup: the village named <script> is escaped in the
# page's JSON and the county named '东县 & <b>' in the tables.
grep -q '<script>window.__pwned' "$OUT/r/report.html" && fail "a village name reached the page as markup"
grep -q '\\u003cscript>window.__pwned=1\\u003c/script>' "$OUT/r/report.html" || fail "the name should be in the JSON, escaped"
grep -q '东县 &amp; &lt;b&gt;' "$OUT/r/report.html" || fail "the county name should be escaped in the tables"
grep -q '<b>' "$OUT/r/map-site.svg" && fail "a name reached the SVG as markup"
# Self-contained: no script or stylesheet of its own comes from elsewhere
# (the browser test blocks and counts every request).
grep -Eq '<script[^>]* src=|<link[^>]* href=' "$OUT/r/report.html" && fail "the page loads a file"
grep -q 'L.version\|"1.9.4"\|Leaflet' "$OUT/r/report.html" || fail "Leaflet is not inlined"
# English labels.
run report "$DATA/maps/two" --out "$OUT/en" --lang en --as-of 2018-12-31 --site "$FX/site" --width 800 --height 600
expect_code 0 "--lang en"
grep -q 'Model outlet siting' "$OUT/en/report.html" || fail "English panel title"
grep -q 'width="800" height="600"' "$OUT/en/map-site.svg" || fail "the SVG size"

# An existing folder needs --overwrite.
run report "$DATA/maps/two" --out "$OUT/r" --as-of 2018-12-31
expect_code 2 "existing folder"
expect_stderr "--overwrite"

# Outputs of another dataset: coverage of tests/data/coverage/tiny.
"$RURALNET" --quiet coverage "$DATA/coverage/tiny" --out "$OUT/tiny-coverage" >/dev/null || fail "tiny coverage"
run report "$DATA/maps/two" --out "$OUT/mix" --coverage "$OUT/tiny-coverage"
expect_code 2 "coverage of another dataset"
expect_stderr "another dataset"
expect_stderr "$OUT/tiny-coverage"
expect_stderr "$FINGERPRINT"
expect_no_file "$OUT/mix"
# A folder without its files, and the wrong kind of folder.
mkdir -p "$OUT/empty"
run report "$DATA/maps/two" --out "$OUT/mix" --site "$OUT/empty"
expect_code 2 "empty site folder"
expect_stderr "lacks siting.json"
run report "$DATA/maps/two" --out "$OUT/mix" --roads "$OUT/tiny-coverage"
expect_code 2 "coverage folder as --roads"
expect_stderr "lacks summary.json"
mkdir -p "$OUT/wrong" && cp "$OUT/r/roads/summary.json" "$OUT/wrong/coverage.json"
run report "$DATA/maps/two" --out "$OUT/mix" --coverage "$OUT/wrong"
expect_code 2 "a roads summary as coverage.json"
expect_stderr "is not a coverage output"
cp -r "$FX/site" "$OUT/site-nogpkg" && rm "$OUT/site-nogpkg/siting.gpkg"
run report "$DATA/maps/two" --out "$OUT/mix" --site "$OUT/site-nogpkg"
expect_code 2 "site folder without its GeoPackage"
expect_stderr "lacks siting.gpkg"
# Analyses that the report does not run need their folder.
run report "$DATA/maps/two" --out "$OUT/mix" --analyses coverage,site
expect_code 2 "site without a folder"
expect_stderr "needs --site DIR"
run report "$DATA/maps/two" --out "$OUT/mix" --analyses roads,nonsense
expect_code 2 "unknown analysis"
expect_stderr "unknown analysis 'nonsense'"
run report "$DATA/maps/two" --out "$OUT/mix" --lang fr
expect_code 2 "--lang fr"

# Too large to embed: refused, pointing at the static maps and the GeoPackages.
run report "$DATA/maps/two" --out "$OUT/big" --as-of 2018-12-31 --max-embed-mb 0.001
expect_code 2 "too large"
expect_stderr "over the limit of"
expect_stderr "--static-only"
expect_stderr "coverage.gpkg"
expect_no_file "$OUT/big"
run report "$DATA/maps/two" --out "$OUT/big" --as-of 2018-12-31 --max-embed-mb 0.001 --static-only
expect_code 0 "--static-only"
expect_file "$OUT/big/map-coverage.svg"
expect_no_file "$OUT/big/report.html"

# Without Leaflet the HTML cannot be made; the static maps still can.
run report "$DATA/maps/two" --out "$OUT/noleaf" --web-dir "$OUT/nowhere" --analyses coverage
expect_code 2 "no Leaflet"
expect_stderr "scripts/setup.sh"
expect_no_file "$OUT/noleaf"
run report "$DATA/maps/two" --out "$OUT/noleaf" --web-dir "$OUT/nowhere" --analyses coverage --static-only
expect_code 0 "static maps without Leaflet"
echo "report: ok"
