# `ruralnet quota`: statuses on hand-made progress files, bad rows, GBK,
# derived figures, the report folder, exit codes.
source "$(dirname "$0")/lib.sh"
Q="$DATA/quota"
PLAN="$Q/fictional-plan.json"

run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/r1"
expect_code 0 "basic report"
for f in report.md report.html quota.csv quota.json; do expect_file "$OUT/r1/$f"; done
expect_stdout "county quotas: met 2 on_track 1 behind 2 overdue 0 no_data 1"
# Hand-worked statuses at the deadline of model_shops (2020-06-30).
python3 - "$OUT/r1/quota.json" "$OUT/r1/quota.csv" <<'PY' || fail "statuses at 2020-06-30"
import csv, json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
assert j["schema"] == "ruralnet.quota/1"
st = {(r["county_code"], r["indicator"]): r["status"] for r in j["rows"] + j["city"]}
want = {("990101", "trained_farmers"): "on_track", ("990102", "trained_farmers"): "met",
        ("990103", "trained_farmers"): "behind", ("990101", "model_shops"): "met",
        ("990102", "model_shops"): "behind", ("990103", "model_shops"): "no_data",
        ("990100", "trained_farmers"): "on_track", ("990100", "model_shops"): "behind",
        ("990100", "cold_stores"): "behind"}
for k, v in want.items():
    assert st[k] == v, (k, st[k], v)
city = {r["indicator"]: r for r in j["city"]}
assert city["trained_farmers"]["actual"] == 65 and city["trained_farmers"]["counties_reporting"] == 3
rows = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert len(rows) == 9
assert {(r["county_code"], r["indicator"]): r["status"] for r in rows} == st
PY
grep -q "<svg" "$OUT/r1/report.html" || fail "no inline SVG"
grep -q "<script" "$OUT/r1/report.html" && fail "script in report.html"
grep -qE "(src|href)=" "$OUT/r1/report.html" && fail "external reference in report.html"
grep -qF "| trained_farmers |" "$OUT/r1/report.md" || fail "report.md table"

# Before and after the deadline.
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-04-01 --out "$OUT/r0" --json
expect_code 0
python3 - "$OUT/stdout" <<'PY' || fail "statuses at 2020-04-01"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
st = {(r["county_code"], r["indicator"]): r["status"] for r in j["rows"] + j["city"]}
assert st[("990101", "trained_farmers")] == "behind"
assert st[("990102", "trained_farmers")] == "no_data"
assert st[("990101", "model_shops")] == "behind"
assert st[("990100", "cold_stores")] == "no_data"
assert j["inputs"]["progress"]["excluded"] == 6
assert all(f["kind"] == "after_report_date" and f["severity"] == "warning" for f in j["findings"])
PY
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-07-15 --out "$OUT/r2" --json
expect_code 0
python3 - "$OUT/stdout" <<'PY' || fail "statuses at 2020-07-15"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
st = {(r["county_code"], r["indicator"]): r for r in j["rows"] + j["city"]}
assert st[("990102", "model_shops")]["status"] == "overdue"
assert st[("990102", "model_shops")]["days_to_deadline"] == -15
assert st[("990100", "model_shops")]["status"] == "overdue"
assert st[("990101", "trained_farmers")]["status"] == "on_track"
PY

# The output exists: refused without --overwrite, replaced with it.
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/r1"
expect_code 2 "existing output"
expect_stderr "already exists"
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/r1" --overwrite
expect_code 0 "overwrite"

# A folder named with a trailing slash.
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/slash/"
expect_code 0 "--out DIR/"
expect_file "$OUT/slash/quota.json"

# Bad rows: each named with its line; error findings make the exit code 1.
run quota --plan "$PLAN" --progress "$Q/progress-bad.csv" --as-of 2020-06-30 --out "$OUT/bad"
expect_code 1 "bad rows"
expect_file "$OUT/bad/quota.json"
expect_stdout "12 rows, 3 accepted, 9 excluded, 3 blank rows skipped"
expect_stdout "line 4: error unknown_county"
expect_stdout "line 5: error unknown_indicator"
expect_stdout "line 6: error negative_value"
expect_stdout "line 7: error not_a_number"
expect_stdout "line 8: error conflicting_values"
expect_stdout "line 10: warning after_report_date"
expect_stdout "line 11: error not_a_date"
expect_stdout "line 13: warning duplicate_record"
expect_stdout "line 3: warning decreasing_value"

# GBK with Excel-style dates and thousands separators, plus derived figures.
run quota --plan "$PLAN" --progress "$Q/progress-gbk.csv" --as-of 2020-06-30 --out "$OUT/gbk" --derived "$Q/derived.json"
expect_code 1 "derived file names an unknown county"
expect_stdout "(GB18030): 3 rows, 3 accepted, 0 excluded"
expect_stdout "derived_disagrees"
grep -qF "东湖区第一季度报告" "$OUT/gbk/quota.csv" || fail "GBK source text not decoded to UTF-8"
grep -qF "1300" "$OUT/gbk/quota.csv" || fail "thousands separator"

run quota --plan "$PLAN" --progress "$Q/progress-gbk.csv" --encoding UTF-8 --as-of 2020-06-30 --out "$OUT/gbk-wrong"
expect_code 2 "GBK read as UTF-8"
expect_stderr "line 2"
expect_stderr "not valid UTF-8"
expect_no_file "$OUT/gbk-wrong"

# Usage and unusable inputs.
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 30/06/2020 --out "$OUT/x"
expect_code 2 "bad --as-of"
expect_stderr "--as-of"
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30
expect_code 2 "no --out"
run quota --plan "$Q/plan-unknown-county.json" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/x"
expect_code 2 "plan with errors"
expect_stderr "plan check"
expect_no_file "$OUT/x"
run quota --plan "$PLAN" --progress "$Q/no-such.csv" --as-of 2020-06-30 --out "$OUT/x"
expect_code 2 "missing progress file"
expect_stderr "file not found"

# Figures from the map: a folder dataset with a facilities layer.
run quota --plan "$PLAN" --progress "$Q/progress-basic.csv" --as-of 2020-06-30 --out "$OUT/map" --dataset "$Q/map"
expect_code 0 "--dataset"
expect_stdout "line 8: warning map_disagrees: county 990102"
expect_stdout "the map holds 0"
python3 - "$OUT/map/quota.json" <<'PY' || fail "map figures"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
r = {(x["county_code"], x["indicator"]): x for x in j["rows"]}
assert r[("990101", "model_shops")]["derived_value"] == 3      # F1, F2, F3
assert r[("990102", "model_shops")]["derived_value"] == 0      # F4 is municipal, F6 none
assert r[("990103", "model_shops")]["actual_from"] == "map"    # no report: the map's 1 fills in
assert r[("990103", "model_shops")]["status"] == "met"
assert j["inputs"]["dataset"].endswith("map")
PY

# The Lu'an plan with a GBK quarterly file (hand-worked: 2018-09-30 is day 272
# of 364, expected share 0.747).
run quota --plan "$DATA/../../data/plans/luan-2018.json" --progress "$Q/luan-progress-2018q3.csv" --as-of 2018-09-30 --out "$OUT/luan" --json
expect_code 0 "Lu'an Q3"
python3 - "$OUT/stdout" <<'PY' || fail "Lu'an statuses"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
st = {(r["county_code"], r["indicator"]): r for r in j["rows"] + j["city"]}
assert st[("341522", "provincial_model_outlets")]["status"] == "met"
assert st[("341523", "provincial_model_outlets")]["status"] == "behind"
assert st[("341524", "training_person_times")]["status"] == "on_track"
assert st[("341524", "training_person_times")]["actual"] == 1300
assert st[("341502", "new_entities")]["status"] == "behind"
assert st[("341502", "new_entities")]["reported_on"] == "2018-06-30"
assert st[("341500", "online_sales_yuan")]["status"] == "on_track"
assert st[("341500", "provincial_model_outlets")]["actual"] == 13
assert abs(st[("341523", "provincial_model_outlets")]["expected_share"] - 272 / 364) < 1e-9
assert st[("341525", "provincial_model_outlets")]["status"] == "no_data"
units = {u["unit"]: u for u in j["by_lead_unit"]}
assert "rural_road_km" in units["transport"]["indicators"]
PY
run quota --plan "$DATA/../../data/plans/luan-2018.json" --progress "$Q/luan-progress-2018q3.csv" --as-of 2019-01-15 --out "$OUT/luan-late" --json
expect_code 0
python3 - "$OUT/stdout" <<'PY' || fail "Lu'an after the deadline"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
st = {(r["county_code"], r["indicator"]): r["status"] for r in j["rows"] + j["city"]}
assert st[("341523", "provincial_model_outlets")] == "overdue"
assert st[("341524", "training_person_times")] == "overdue"
assert st[("341522", "provincial_model_outlets")] == "met"
PY
echo "quota: ok"
