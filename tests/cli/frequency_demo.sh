# `ruralnet frequency --consolidate` on the demo dataset written by
# `ruralnet synth`, checked from the written files alone: no route above its
# vehicle's capacity, no vehicle's day (summed from the routes) above its
# shift, every route's drawn line as long as its length_m, and in every
# county the shared plan driving no more than the separate plans it replaces.
source "$(dirname "$0")/lib.sh"

run synth --out "$OUT/demo.gpkg"
expect_code 0
run frequency "$OUT/demo.gpkg" --out "$OUT/f" --consolidate
expect_code 0
expect_stdout "consolidation:"
for f in frequency.json villages_frequency.csv frequency.gpkg frequency.md; do expect_file "$OUT/f/$f"; done

command -v ogr2ogr >/dev/null || { echo "frequency_demo: ok (ogr2ogr missing, output checks skipped)"; exit 0; }
ogr2ogr -f GeoJSON "$OUT/routes.geojson" "$OUT/f/frequency.gpkg" routes || fail "cannot read the routes layer"
ogr2ogr -f CSV "$OUT/villages.csv" "$OUT/f/frequency.gpkg" villages_frequency || fail "cannot read villages_frequency"
python3 - "$OUT/routes.geojson" "$OUT/villages.csv" "$OUT/f/frequency.json" <<'PY' || fail "written plan violates a limit"
import csv, json, math, sys
from collections import defaultdict
routes = json.load(open(sys.argv[1]))["features"]
summary = json.load(open(sys.argv[3]))
assert routes, "no routes"
def metres(a, b):  # haversine on the mean radius; within 0.5 % of the ellipsoid
    la1, la2 = math.radians(a[1]), math.radians(b[1])
    h = math.sin((la2 - la1) / 2) ** 2 + math.cos(la1) * math.cos(la2) * math.sin(math.radians(b[0] - a[0]) / 2) ** 2
    return 2 * 6371008.8 * math.asin(math.sqrt(h))
day = defaultdict(float)
shift = {}
km = defaultdict(float)
bad = []
for f in routes:
    p = f["properties"]
    if p["load_parcels"] > p["capacity_parcels"] + 0.01:
        bad.append(("capacity", p))
    key = (p["station"], p["plan"], p["carrier"], p["day"], p["vehicle"])
    day[key] += p["duration_min"]
    shift[key] = p["shift_min"]
    line = f["geometry"]["coordinates"]
    drawn = sum(metres(line[i], line[i + 1]) for i in range(len(line) - 1))
    if abs(drawn - p["length_m"]) > 0.006 * p["length_m"] + 5:
        bad.append(("length", p["station"], p["day"], p["vehicle"], drawn, p["length_m"]))
    km[(p["county_code"], p["plan"])] += p["length_m"] / 1000
for k, d in day.items():
    if d > shift[k] + 0.01:
        bad.append(("shift", k, d, shift[k]))
assert not bad, bad[:5]
counties = summary["counties"]
assert len(counties) == 7, len(counties)
for c in counties:
    for field in ("county_code", "county_name", "villages", "villages_at_target", "share_at_target",
                  "vehicle_km_week", "vehicle_hours_week", "cost_per_parcel"):
        assert field in c, field
    sep = c["consolidation"]["separate"]["vehicle_km_week"]
    assert c["vehicle_km_week"] <= sep + 1e-6, (c["county_code"], c["vehicle_km_week"], sep)
    # The summary's figures are the written routes' figures.
    assert abs(km[(c["county_code"], "shared")] - c["vehicle_km_week"]) < 0.5, c["county_code"]
    assert abs(km[(c["county_code"], "separate")] - sep) < 0.5, c["county_code"]
villages = list(csv.DictReader(open(sys.argv[2], encoding="utf-8")))
assert len(villages) == summary["city"]["villages"], len(villages)
at = sum(1 for v in villages if int(v["visits_week"]) >= summary["options"]["target"])
assert at == summary["city"]["villages_at_target"], at
for v in villages:
    assert int(v["visits_week"]) == (len(v["days"].split(",")) if v["days"] else 0), v
PY
echo "frequency_demo: ok"
