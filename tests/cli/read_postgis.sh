# Reading a dataset from PostGIS through a PG: connection string gives the same
# figures as reading the same layers from files. Starts a throwaway PostgreSQL
# server on a Unix socket in the test's folder; skipped only where PostgreSQL
# or PostGIS is not installed (scripts/setup.sh installs both).
source "$(dirname "$0")/lib.sh"

bin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -n 1)
if [ -z "$bin" ] || [ ! -x "$bin/initdb" ] || ! ls /usr/share/postgresql/*/extension/postgis.control >/dev/null 2>&1; then
  echo "read_postgis: PostgreSQL/PostGIS not installed, nothing to test"
  exit 0
fi

# The server's folder is a fresh one under /tmp: the build folder may sit below
# folders the postgres user cannot enter. PostgreSQL refuses to run as root, so
# as root it runs as the postgres user. It listens on a Unix socket only.
pgroot=$(mktemp -d /tmp/ruralnet-pg.XXXXXX)
chmod 755 "$pgroot"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then
  as_pg=(runuser -u postgres --)
  chown postgres "$pgroot"
fi
pgdata="$pgroot/data"
sock="$pgroot"
port=$((20000 + RANDOM % 20000))
cleanup() {
  "${as_pg[@]}" "$bin/pg_ctl" -D "$pgdata" -m immediate stop >/dev/null 2>&1
  rm -rf "$pgroot"
}
trap cleanup EXIT
"${as_pg[@]}" "$bin/initdb" -D "$pgdata" -A trust -U ruralnet >"$OUT/initdb.log" 2>&1 || fail "initdb failed: $(tail -5 "$OUT/initdb.log")"
"${as_pg[@]}" "$bin/pg_ctl" -D "$pgdata" -w -l "$pgroot/server.log" \
  -o "-k $sock -p $port -c listen_addresses=''" start >/dev/null || fail "server did not start: $(tail -5 "$pgroot/server.log")"

"$bin/psql" -h "$sock" -p "$port" -U ruralnet -d postgres -qc "CREATE DATABASE luan" || fail "createdb failed"
"$bin/psql" -h "$sock" -p "$port" -U ruralnet -d luan -qc "CREATE EXTENSION postgis" || fail "CREATE EXTENSION postgis failed"
conn="PG:host=$sock port=$port user=ruralnet dbname=luan"
for layer in counties townships villages roads facilities; do
  ogr2ogr -f PostgreSQL "$conn" "$DATA/info/tiny/$layer.geojson" -nln "$layer" -lco GEOMETRY_NAME=geom \
    >"$OUT/ogr2ogr.log" 2>&1 || fail "loading $layer failed: $(cat "$OUT/ogr2ogr.log")"
done

run info "$DATA/info/tiny" --json
expect_code 0
sed -e '/"source"/d' -e '/"dataset"/d' -e '/"path"/d' "$OUT/stdout" > "$OUT/files.json"

run info "$conn" --json
expect_code 0
sed -e '/"source"/d' -e '/"dataset"/d' -e '/"path"/d' "$OUT/stdout" > "$OUT/postgis.json"
expect_stdout '"nodes": 6'
diff "$OUT/files.json" "$OUT/postgis.json" > "$OUT/diff.txt" || fail "PostGIS and files differ: $(head -20 "$OUT/diff.txt")"

run validate "$conn"
expect_code 0

# A layer missing from the database is named.
"$bin/psql" -h "$sock" -p "$port" -U ruralnet -d luan -qc "DROP TABLE facilities" || fail "drop failed"
run validate "$conn"
expect_code 2
expect_stderr "facilities"
echo "read_postgis: ok"
