# `ruralnet site` on the hand-drawn county pair of tests/data/siting/tiny
# (figures worked out in tests/siting/from_dataset_test.cpp): with T = 3 min
# the provincial site in 东县 is O2 (covers 一村 二村 三村, demand 1100) and the
# municipal site in 西县 added to it is O5 (adds 四村 五村, 1100).
source "$(dirname "$0")/lib.sh"
D="$DATA/siting/tiny"
PLAN="$DATA/siting/plan.json"

run --run-json "$OUT/run.json" site "$D" --plan "$PLAN" --time 3 --out "$OUT/s"
expect_code 0
expect_stdout "model mclp, T = 3.0 min, 5 candidates, 6 villages (2 points left out, see siting.json)"
expect_stdout "provincial: 1 sites (0 designated), objective 1100.0, bound 1100.0, gap 0.000%"
expect_stdout "municipal: 1 sites (0 designated), objective 2200.0, bound 2200.0, gap 0.000%"
expect_stdout "demand covered 95.7%"
expect_stdout "county quotas met: 4 of 4"
for f in siting.json sites.csv siting.gpkg siting.md; do expect_file "$OUT/s/$f"; done
[ "$(ls "$OUT/s" | wc -l)" -eq 4 ] || fail "the folder should hold exactly the four outputs"
j="$OUT/s/siting.json"
python3 - "$j" <<'PY' || fail "siting.json content"
import json, sys
j = json.load(open(sys.argv[1]))
assert j["schema"] == "ruralnet.siting/1"
assert j["dataset_fingerprint"]
assert [l["level"] for l in j["levels"]] == ["provincial", "municipal"]
for l in j["levels"]:
    for k in ("objective", "bound", "gap", "method", "seconds"):
        assert k in l, k
assert abs(j["levels"][1]["objective"] - 2200) < 1e-6
c = {(x["county_code"], x["level"]): x for x in j["counties"]}
assert len(c) == 4
e = c[("341591", "provincial")]
for k in ("county_name", "quota", "quota_exact", "chosen", "met", "covered_demand", "covered_population", "poor_villages_covered"):
    assert k in e, k
assert e["county_name"] == "东县" and e["quota"] == 1 and e["chosen"] == 1 and e["met"]
assert abs(e["covered_demand"] - 1100) < 1e-6 and e["poor_villages_covered"] == 1
assert {x["id"] for x in j["input"]["left_out"]} == {"341592001006", "O6"}
PY
grep -q '^provincial,1,O2,二村网点,341591001002,341591,东县,0,1100,' "$OUT/s/sites.csv" || fail "O2 row in sites.csv"
grep -q '^municipal,1,O5,五村网点,341592001005,341592,西县,0,1100,' "$OUT/s/sites.csv" || fail "O5 row in sites.csv"
grep -q '## 东县 341591' "$OUT/s/siting.md" || fail "Markdown section per county"
grep -q 'Adds 1100 of demand' "$OUT/s/siting.md" || fail "Markdown explains the gain"
grep -q '"command": "site"' "$OUT/run.json" || fail "run.json lacks the command"
if command -v ogrinfo >/dev/null; then
  ogrinfo -al -so "$OUT/s/siting.gpkg" >"$OUT/ogrinfo" 2>&1 || fail "ogrinfo cannot open the GeoPackage"
  grep -A3 "Layer name: sites" "$OUT/ogrinfo" | grep -q "Feature Count: 2" || fail "sites should hold 2 points"
  # Provincial network: 一村 二村 三村 to O2; municipal network: all five on-network villages.
  grep -A3 "Layer name: assignment" "$OUT/ogrinfo" | grep -q "Feature Count: 8" || fail "assignment should hold 8 lines"
  for f in level county rank covered_demand marginal_gain poor_villages_covered site_id name village_code; do
    grep -q "^$f: " "$OUT/ogrinfo" || fail "GeoPackage lacks field $f"
  done
  grep -q "^time_min: Real" "$OUT/ogrinfo" || fail "assignment lacks time_min"
  grep -q 'EPSG.*4490\|CGCS2000\|China Geodetic Coordinate System 2000' "$OUT/ogrinfo" || fail "GeoPackage CRS is not CGCS2000"
fi

# An existing folder needs --overwrite; the exact backend proves the optimum.
run site "$D" --plan "$PLAN" --time 3 --out "$OUT/s"
expect_code 2
expect_stderr "--overwrite"
run site "$D" --plan "$PLAN" --time 3 --out "$OUT/s" --overwrite --exact
expect_code 0
expect_stdout "objective 2200.0, bound 2200.0, gap 0.000% (exact, optimal)"

# Quotas on the command line (county by name), villages as candidates, p-median.
run site "$D" --quota provincial:东县=2 --quota municipal:Xixian=1 --plan "$PLAN" --candidates villages --model p-median \
  --time 3 --out "$OUT/pm"
expect_code 0
expect_stdout "provincial: 2 sites"
run site "$D" --quota provincial:341591=1 --levels provincial --time 3 --out "$OUT/noplan"
expect_code 0
expect_stdout "provincial: 1 sites"

# Candidates from a layer (every feature of it, the station S1 too; O6 is off the network).
run site "$D" --plan "$PLAN" --time 3 --candidates "$D/facilities.geojson" --out "$OUT/layer"
expect_code 0
expect_stdout "6 candidates, 6 villages"
grep -q '"reason": "beyond_max_snap"' "$OUT/layer/siting.json" || fail "the off-network candidate is not listed"
# Exact quotas, and filters: only shops (O1 O3 O5) with two carriers or more (O3 O5).
run site "$D" --plan "$PLAN" --time 3 --quota-exact --colocated shop --min-carriers 2 --out "$OUT/filt"
expect_code 0
expect_stdout "2 candidates"
grep -q '"quota_exact": true' "$OUT/filt/siting.json" || fail "quota_exact not recorded"
grep -q '"reason": "colocated"' "$OUT/filt/siting.json" || fail "filtered candidates are not listed"

# Bad input.
run site "$D" --plan "$PLAN" --quota provincial:东县=4 --time 3 --out "$OUT/bad"
expect_code 2
expect_stderr "exceeds its 3 usable candidates"
expect_stderr "东县 (341591)"
expect_no_file "$OUT/bad"
run site "$D" --plan "$PLAN" --model k-means --out "$OUT/bad"
expect_code 2
expect_stderr "unknown model 'k-means'"
run site "$D" --plan "$PLAN" --time 0 --out "$OUT/bad"
expect_code 2
expect_stderr "--time must be above 0"
run site "$D" --plan "$PLAN" --time 3 --capacity 500 --out "$OUT/bad"
expect_code 2
expect_stderr "below the demand of village 341591001003"
run site "$D" --levels provincial --quota provincial:东县=3 --spacing 2500 --time 3 --out "$OUT/bad"
expect_code 1
expect_stderr "东县 (341591)"
run site "$D" --time 3 --out "$OUT/bad"
expect_code 2
expect_stderr "no quotas"
run site "$D" --plan "$PLAN" --quota Atlantis=1 --out "$OUT/bad"
expect_code 2
expect_stderr "unknown county 'Atlantis'"
run site "$D" --plan "$PLAN" --exclude O9 --out "$OUT/bad"
expect_code 2
expect_stderr "'O9' is not a candidate"
echo "site: ok"
