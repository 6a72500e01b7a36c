# Sourced by tests/cli/report*.sh: builds the site, frequency and quota output
# folders of the two-county fixture (tests/data/maps) under $1, stamped with
# the fixture dataset's fingerprint as `ruralnet` computes it, so they stand
# for the outputs of `ruralnet site` and `ruralnet frequency`.
# Needs RURALNET and DATA (tests/cli/lib.sh) and ogr2ogr.
make_maps_fixture() {
  local dir="$1"
  mkdir -p "$dir/site" "$dir/frequency" "$dir/quota"
  "$RURALNET" --quiet --run-json "$dir/info.run.json" info "$DATA/maps/two" >/dev/null 2>"$dir/info.err" || return 1
  FINGERPRINT=$(node -e 'console.log(JSON.parse(require("fs").readFileSync(process.argv[1],"utf8")).dataset.fingerprint)' "$dir/info.run.json")
  [ -n "$FINGERPRINT" ] || return 1
  sed "s/@FINGERPRINT@/$FINGERPRINT/" "$DATA/maps/site/siting.json.in" >"$dir/site/siting.json"
  sed "s/@FINGERPRINT@/$FINGERPRINT/" "$DATA/maps/frequency/frequency.json.in" >"$dir/frequency/frequency.json"
  ogr2ogr -f GPKG "$dir/site/siting.gpkg" "$DATA/maps/site/sites.geojson" -nln sites -a_srs EPSG:4490 || return 1
  ogr2ogr -update -f GPKG "$dir/site/siting.gpkg" "$DATA/maps/site/assignment.geojson" -nln assignment -a_srs EPSG:4490 || return 1
  ogr2ogr -f GPKG "$dir/frequency/frequency.gpkg" "$DATA/maps/frequency/routes.geojson" -nln routes -a_srs EPSG:4490 || return 1
  ogr2ogr -update -f GPKG "$dir/frequency/frequency.gpkg" "$DATA/maps/frequency/villages_frequency.geojson" \
    -nln villages_frequency -a_srs EPSG:4490 || return 1
  cp "$DATA/maps/quota/quota.json" "$dir/quota/quota.json"
}
