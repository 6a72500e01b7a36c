# Helpers for the CLI tests. Each test script is called as
#   bash tests/cli/NAME.sh RURALNET_BINARY TEST_DATA_DIR OUTPUT_DIR
# and exits non-zero on the first failed check.
set -uo pipefail
RURALNET="$1"
DATA="$2"
OUT="$3"
rm -rf "$OUT"
mkdir -p "$OUT"
failures=0

# run CMD...: runs ruralnet, keeping stdout, stderr and the exit code.
run() {
  "$RURALNET" "$@" >"$OUT/stdout" 2>"$OUT/stderr"
  CODE=$?
}

fail() {
  echo "FAIL: $*" >&2
  echo "--- stdout:" >&2; head -40 "$OUT/stdout" >&2 || true
  echo "--- stderr:" >&2; head -40 "$OUT/stderr" >&2 || true
  exit 1
}

expect_code() { [ "$CODE" -eq "$1" ] || fail "expected exit code $1, got $CODE (${2:-})"; }
expect_stderr() { grep -qF -- "$1" "$OUT/stderr" || fail "stderr lacks '$1'"; }
expect_stdout() { grep -qF -- "$1" "$OUT/stdout" || fail "stdout lacks '$1'"; }
expect_file() { [ -e "$1" ] || fail "missing output $1"; }
expect_no_file() { [ ! -e "$1" ] || fail "unexpected output $1"; }
