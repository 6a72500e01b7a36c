#!/usr/bin/env bash
# Draws a ruralnet dataset (by default the demo from `ruralnet synth`) as a PNG
# with GDAL's own tools: counties tinted, township boundaries, roads by class,
# programme roads, villages, and the planted defects circled.
#   scripts/draw-dataset.sh [DATASET.gpkg] [OUT.png] [WIDTH_PX]
# With no dataset it runs `ruralnet synth` into a temporary folder (the binary
# is taken from $RURALNET, else build/ruralnet).
set -euo pipefail
root="$(cd "$(dirname "$0")/.." && pwd)"
work="$(mktemp -d)"
trap 'rm -rf "$work"' EXIT

ds="${1:-}"
out="${2:-$root/docs/img/demo-dataset.png}"
width="${3:-1600}"
if [ -z "$ds" ]; then
  bin="${RURALNET:-$root/build/ruralnet}"
  ds="$work/demo.gpkg"
  "$bin" synth --out "$ds" --quiet >/dev/null
fi
for t in gdal_rasterize gdal_translate ogr2ogr ogrinfo; do
  command -v "$t" >/dev/null || { echo "draw-dataset: $t not found (install gdal-bin)" >&2; exit 2; }
done

# Extent of the counties, a small margin around, and a height that keeps
# ground distances square at the city's latitude.
read -r xmin xmax ymin ymax < <(ogrinfo -ro -so "$ds" counties | sed -n 's/^Extent: (\(.*\), \(.*\)) - (\(.*\), \(.*\))$/\1 \3 \2 \4/p')
read -r xmin xmax ymin ymax height < <(awk -v a="$xmin" -v b="$xmax" -v c="$ymin" -v d="$ymax" -v w="$width" 'BEGIN {
  m = 0.03; a -= m; b += m; c -= m; d += m
  k = cos((c + d) / 2 * 3.14159265 / 180)
  printf "%.6f %.6f %.6f %.6f %d\n", a, b, c, d, int(w * (d - c) / ((b - a) * k) + 0.5) }')
img="$work/map.tif"

# Background and county tints.
gdal_rasterize -q -init 252 -burn 252 -burn 250 -burn 245 -ot Byte -te "$xmin" "$ymin" "$xmax" "$ymax" \
  -ts "$width" "$height" -l counties "$ds" "$img"
colours=("236 226 208" "226 236 214" "240 222 222" "220 232 240" "232 224 240" "224 238 232" "240 236 214")
i=0
for code in $(ogr2ogr -f CSV /vsistdout/ "$ds" counties -select code 2>/dev/null | tail -n +2 | tr -d '"\r'); do
  set -- ${colours[$((i % ${#colours[@]}))]}
  gdal_rasterize -q -b 1 -b 2 -b 3 -burn "$1" -burn "$2" -burn "$3" -where "code = '$code'" -l counties "$ds" "$img"
  i=$((i + 1))
done

# Flood-storage villages' surroundings, then lines.
ogr2ogr -f GPKG "$work/x.gpkg" "$ds" -dialect sqlite -nln flood \
  -sql "SELECT ST_Buffer(geom, 0.02) AS geom FROM villages WHERE flood_zone = 1" 2>/dev/null || true
[ -f "$work/x.gpkg" ] && gdal_rasterize -q -b 1 -b 2 -b 3 -burn 200 -burn 220 -burn 245 -l flood "$work/x.gpkg" "$img" || true
ogr2ogr -f GPKG -update "$work/x.gpkg" "$ds" townships -nlt MULTILINESTRING -nln tlines 2>/dev/null
ogr2ogr -f GPKG -update "$work/x.gpkg" "$ds" counties -nlt MULTILINESTRING -nln clines 2>/dev/null
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 185 -burn 175 -burn 160 -l tlines "$work/x.gpkg" "$img"

burn_roads() {  # where r g b [all-touched]
  local extra=()
  [ "${5:-}" = at ] && extra=(-at)
  gdal_rasterize -q "${extra[@]}" -b 1 -b 2 -b 3 -burn "$2" -burn "$3" -burn "$4" -where "$1" -l roads "$ds" "$img"
}
burn_roads "class = 'village' AND program = 'none'" 200 190 170
burn_roads "class = 'township' AND program = 'none'" 150 140 120
burn_roads "program <> 'none'" 40 150 70
burn_roads "class = 'county' AND program = 'none'" 120 90 50 at
burn_roads "class = 'provincial'" 230 140 20 at
burn_roads "class = 'national'" 200 30 30 at
gdal_rasterize -q -at -b 1 -b 2 -b 3 -burn 60 -burn 60 -burn 60 -l clines "$work/x.gpkg" "$img"

# Villages as small dots, county seats' hubs larger, planted defects circled.
ogr2ogr -f GPKG -update "$work/x.gpkg" "$ds" -dialect sqlite -nln dots \
  -sql "SELECT ST_Buffer(geom, 0.0028) AS geom FROM villages" 2>/dev/null
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 30 -burn 60 -burn 140 -l dots "$work/x.gpkg" "$img"
ogr2ogr -f GPKG -update "$work/x.gpkg" "$ds" -dialect sqlite -nln hubs \
  -sql "SELECT ST_Buffer(geom, 0.012) AS geom FROM facilities WHERE tier = 'county_hub'" 2>/dev/null
gdal_rasterize -q -b 1 -b 2 -b 3 -burn 20 -burn 20 -burn 20 -l hubs "$work/x.gpkg" "$img"
if ogrinfo -ro -q "$ds" defects >/dev/null 2>&1; then
  ogr2ogr -f GPKG -update "$work/x.gpkg" "$ds" -dialect sqlite -nln rings -sql \
    "SELECT ST_ExteriorRing(ST_Buffer(ST_Centroid(g), 0.03)) AS geom FROM (
       SELECT v.geom AS g FROM villages v JOIN defects d ON d.layer = 'villages' AND d.feature_id = v.code
       UNION ALL SELECT r.geom FROM roads r JOIN defects d ON d.layer = 'roads' AND d.feature_id = r.id)" 2>/dev/null
  gdal_rasterize -q -at -b 1 -b 2 -b 3 -burn 220 -burn 0 -burn 160 -l rings "$work/x.gpkg" "$img"
fi

mkdir -p "$(dirname "$out")"
gdal_translate -q -of PNG "$img" "$out"
rm -f "$out.aux.xml"
echo "wrote $out (${width}x${height})"
