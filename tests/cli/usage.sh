# The top level: help, version, unknown commands and options.
source "$(dirname "$0")/lib.sh"

run --version
expect_code 0
expect_stdout "ruralnet"

run no-such-command
expect_code 2
expect_stderr "usage error"

run
expect_code 2
expect_stderr "usage error"
echo "usage: ok"
