# `ruralnet plan check`: the Lu'an plan, a fictional plan, and broken plans.
source "$(dirname "$0")/lib.sh"
Q="$DATA/quota"
PLANS="$DATA/../../data/plans"

run plan check "$PLANS/luan-2018.json"
expect_code 0 "the Lu'an plan is consistent"
expect_stdout "All 12 indicators with county quotas add up exactly to their city targets."
expect_stdout "provincial_model_outlets"
expect_stdout "2019-03-31 (phase improvement): tasks 18"
expect_stdout "2018-07-31 (phase full_push): tasks 15"

run plan check "$PLANS/luan-2018.json" --json
expect_code 0
python3 - "$OUT/stdout" <<'PY' || fail "plan check --json"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
assert j["schema"] == "ruralnet.plan-check/1"
assert j["all_quotas_add_up"] is True
assert j["errors"] == 0
sums = {s["indicator"]: s for s in j["quota_sums"]}
assert sums["training_person_times"]["quota_sum"] == 13000 and sums["training_person_times"]["adds_up"]
assert sums["new_entities"]["quota_sum"] == 615
assert sums["rural_road_km"]["city_only"] and sums["rural_road_km"]["city_target"] == 4451
assert j["plan"]["tasks"] == 18
PY

# The schema file describes the plans (checked when the jsonschema module is installed).
if python3 -c "import jsonschema" 2>/dev/null; then
  python3 - "$PLANS/plan.schema.json" "$PLANS/luan-2018.json" "$Q/fictional-plan.json" <<'PY' || fail "plan.schema.json"
import json, sys, jsonschema
schema = json.load(open(sys.argv[1], encoding="utf-8"))
for f in sys.argv[2:]:
    jsonschema.validate(json.load(open(f, encoding="utf-8")), schema)
PY
fi

run plan check "$Q/fictional-plan.json"
expect_code 0 "another city's plan in the same schema"
expect_stdout "No findings: the plan is consistent."

run plan check "$Q/plan-unknown-county.json"
expect_code 1 "a quota for an unknown county is a finding"
expect_stdout "error unknown_county at indicators[0].quotas.990199"

run plan check "$Q/plan-not-adding-up.json"
expect_code 1 "quotas that do not add up"
expect_stdout "quotas_below_target at indicators[0].quotas"
expect_stdout "county quotas add up to 90, the city target is 100"

run plan check "$Q/plan-findings.json" --json
expect_code 1
python3 - "$OUT/stdout" <<'PY' || fail "findings json"
import json, sys
j = json.load(open(sys.argv[1], encoding="utf-8"))
kinds = {(f["kind"], f["where"]) for f in j["findings"]}
for k in [("duplicate_task", "tasks[3]"), ("unknown_unit", "tasks[1].lead_units[1]"),
          ("deadline_outside_phases", "tasks[2].deadline"), ("unknown_field", "indicators[0].deadine")]:
    assert k in kinds, k
PY

run plan check "$Q/plan-missing-field.json"
expect_code 2 "missing field"
expect_stderr "input error"
expect_stderr "indicators[1].quotas"

run plan check "$Q/plan-bad-deadline.json"
expect_code 2 "deadline that is not a date"
expect_stderr "tasks[1].deadline"
expect_stderr "is not a date"

run plan check "$Q/plan-not-json.json"
expect_code 2 "not JSON"
expect_stderr "not valid JSON (near line 3)"

run plan check "$Q/no-such-plan.json"
expect_code 2 "missing file"
expect_stderr "cannot open the plan file"

run plan
expect_code 2 "no action"
expect_stderr "usage error"
echo "plan_check: ok"
