# `ruralnet roads` on the demo dataset written by `ruralnet synth`: the
# mis-declared lengths, duplicated segments and gaps of its defects manifest
# are exactly the audit's length_mismatch, duplicate and gap findings.
source "$(dirname "$0")/lib.sh"

run synth --out "$OUT/demo.gpkg"
expect_code 0
expect_file "$OUT/demo.gpkg.defects.json"

run roads "$OUT/demo.gpkg" --as-of 2018-12-31 --out "$OUT/audit"
expect_code 0
expect_file "$OUT/audit/findings.csv"

# The manifest's roads defects as "kind id" lines, with the audit's kind names
# (keys are written in sorted order: check, details, feature_id, kind).
awk '/"check": "roads"/ { roads = 1 }
     /"check": "validate"/ { roads = 0 }
     roads && /"feature_id":/ { id = $2; gsub(/[",]/, "", id) }
     roads && /"kind":/ { k = $2; gsub(/[",]/, "", k)
       if (k == "mis_declared_length") k = "length_mismatch"
       if (k == "duplicate_segment") k = "duplicate"
       print k, id; roads = 0 }' "$OUT/demo.gpkg.defects.json" | sort > "$OUT/planted.txt"
[ "$(wc -l < "$OUT/planted.txt")" -ge 3 ] || fail "the manifest lists no roads defects"
awk -F, '$1 == "length_mismatch" || $1 == "duplicate" || $1 == "gap" { print $1, $3 }' "$OUT/audit/findings.csv" |
  sort > "$OUT/found.txt"
diff "$OUT/planted.txt" "$OUT/found.txt" > "$OUT/diff.txt" || fail "findings differ from the manifest: $(cat "$OUT/diff.txt")"
echo "roads_demo: ok"
