# The demo dataset against the public facts it stands in for, read back through
# `ruralnet info`, and `ruralnet validate` against the defects manifest: exactly
# the planted `validate` defects are found, and nothing else.
source "$(dirname "$0")/lib.sh"

run synth --out "$OUT/luan.gpkg" --seed 1
expect_code 0

run info "$OUT/luan.gpkg" --json
expect_code 0
cp "$OUT/stdout" "$OUT/info.json"

run validate "$OUT/luan.gpkg" --json
[ "$CODE" -le 1 ] || fail "validate could not read the demo (exit $CODE)"
cp "$OUT/stdout" "$OUT/validate.json"

python3 - "$OUT/info.json" "$OUT/validate.json" "$OUT/luan.gpkg.defects.json" <<'PY' || fail "demo facts differ (see above)"
import json, sys
info = json.load(open(sys.argv[1]))
found = json.load(open(sys.argv[2]))
manifest = json.load(open(sys.argv[3]))
bad = []
# code: (area km2, townships, villages + communities)
facts = {
    "341502": (1655, 22, 290 + 53), "341503": (1906, 22, 251 + 66), "341504": (567, 6, 70 + 7),
    "341522": (3224, 30, 398 + 15), "341523": (2120, 21, 394 + 32), "341524": (3918, 23, 212 + 17),
    "341525": (2046, 16, 125 + 20),
}
counties = {c["code"]: c for c in info["counties"]}
if set(counties) != set(facts):
    bad.append(f"counties {sorted(counties)} != {sorted(facts)}")
for code, (area, towns, villages) in facts.items():
    c = counties.get(code)
    if not c:
        continue
    if c["townships"] != towns: bad.append(f"{code}: {c['townships']} townships, expected {towns}")
    if c["villages"] != villages: bad.append(f"{code}: {c['villages']} villages, expected {villages}")
    if abs(c["area_km2"] - area) > 0.10 * area: bad.append(f"{code}: area {c['area_km2']} km2 vs {area}")
# Rural roads at the end of 2018 by class, and the 2018 programmes.
by_class = info["roads"]["by_class_km"]
for cls, km in {"county": 1462, "township": 3687, "village": 14152}.items():
    if abs(by_class.get(cls, 0) - km) > 0.10 * km: bad.append(f"{cls} roads {by_class.get(cls, 0)} km vs {km}")
prog = info["roads"]["by_program_km"]
programme = prog.get("changtong", 0) + prog.get("kuomian", 0)
if abs(programme - 4451) > 0.01 * 4451: bad.append(f"programme roads {programme} km vs 4451")
# validate finds the manifest's validate defects, and nothing else.
planted = sorted((d["details"].get("finding_kind", d["kind"]), d["feature_id"])
                 for d in manifest["defects"] if d["check"] == "validate")
got = sorted((f["kind"], f["feature_id"]) for f in found["findings"])
if not planted: bad.append("the manifest plants no validate defects")
if planted != got: bad.append(f"validate found {got}, manifest planted {planted}")
for b in bad: print("demo_facts:", b, file=sys.stderr)
sys.exit(1 if bad else 0)
PY
echo "demo_facts: ok"
