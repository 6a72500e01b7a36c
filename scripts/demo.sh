#!/usr/bin/env bash
# Installs what is missing, builds, generates the Lu'an demo dataset and runs
# the analyses on it. Results go to demo-out/ (or $DEMO_OUT).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
"$root/scripts/setup.sh"
"$root/scripts/build.sh" >/dev/null
build="${BUILD_DIR:-$root/build}"
rn="$build/ruralnet"
out="${DEMO_OUT:-$root/demo-out}"
mkdir -p "$out"

step() { printf '\n== %s\n' "$*"; }

step "generating the Lu'an demo dataset"
"$rn" --quiet synth --out "$out/luan.gpkg" --seed 1 --overwrite

step "ruralnet info"
"$rn" --quiet --run-json "$out/info.run.json" info "$out/luan.gpkg" | tee "$out/info.txt"
"$rn" --quiet info "$out/luan.gpkg" --json > "$out/info.json"

step "ruralnet validate (the demo carries deliberate defects, listed in luan.gpkg.defects.json)"
set +e
"$rn" --quiet validate "$out/luan.gpkg" --json > "$out/validate.json"
code=$?
"$rn" --quiet validate "$out/luan.gpkg" > "$out/validate.txt"
set -e
if [ $code -gt 1 ]; then echo "validate could not read the dataset (exit $code)" >&2; exit $code; fi
head -n 20 "$out/validate.txt"

step "ruralnet coverage (village reach, three tiers, service areas)"
"$rn" --quiet coverage "$out/luan.gpkg" --out "$out/coverage" --overwrite | tee "$out/coverage.txt" | head -n 25

step "ruralnet roads (the 4,451 km programme audit, as of 2018-12-31)"
"$rn" --quiet roads "$out/luan.gpkg" --as-of 2018-12-31 --out "$out/roads" --overwrite | tee "$out/roads.txt" | head -n 25

step "ruralnet plan check"
"$rn" --quiet plan check "$root/data/plans/luan-2018.json" | tee "$out/plan-check.txt"

step "ruralnet quota (quarterly report as of 2018-09-30)"
"$rn" --quiet quota --plan "$root/data/plans/luan-2018.json" --progress "$out/luan.gpkg.progress.csv" \
  --dataset "$out/luan.gpkg" --as-of 2018-09-30 --out "$out/quota-2018Q3" --overwrite >/dev/null

step "ruralnet site (model outlets to the plan's county quotas: provincial, then municipal)"
"$rn" --quiet site "$out/luan.gpkg" --plan "$root/data/plans/luan-2018.json" --out "$out/site" --overwrite | tee "$out/site.txt"
"$rn" --quiet site "$out/luan.gpkg" --plan "$root/data/plans/luan-2018.json" --no-fixed --out "$out/site-fresh" --overwrite \
  | tee "$out/site-fresh.txt"

step "ruralnet frequency (weekly deliveries per village, carriers consolidated per station)"
"$rn" --quiet frequency "$out/luan.gpkg" --out "$out/frequency" --consolidate --overwrite | tee "$out/frequency.txt"

step "ruralnet report (the map report: opens from disk, no network)"
"$rn" --quiet report "$out/luan.gpkg" --out "$out/report" --coverage "$out/coverage" --roads "$out/roads" \
  --quota "$out/quota-2018Q3" --site "$out/site" --frequency "$out/frequency" --overwrite | head -n 1

step "results"
echo "dataset:          $out/luan.gpkg"
echo "dataset summary:  $out/info.txt ($out/info.json)"
echo "validation:       $out/validate.txt ($out/validate.json)"
echo "coverage:         $out/coverage/ (coverage.md, coverage.json, villages.csv, coverage.gpkg)"
echo "roads audit:      $out/roads/ (report.md, summary.json, segments.csv, findings.csv, roads_audit.gpkg)"
echo "plan check:       $out/plan-check.txt"
echo "quarterly report: $out/quota-2018Q3/report.html (and report.md, quota.csv, quota.json)"
echo "model outlets:    $out/site/ (siting.md, siting.json, sites.csv, siting.gpkg); sited afresh: $out/site-fresh/"
echo "frequency:        $out/frequency/ (frequency.md, frequency.json, villages_frequency.csv, frequency.gpkg)"
echo "map report:       $out/report/report.html (static maps: $out/report/map-*.svg)"
