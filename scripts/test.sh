#!/usr/bin/env bash
# Install the test extras and run the whole test suite headless (Qt offscreen).
# Arguments are passed to pytest: scripts/test.sh -m "not slow", scripts/test.sh tests/test_cli.py
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# binutils (objdump) and the shared libpython: PyInstaller needs both for the bundle test;
# postgresql: the tests start a throw-away server of their own (tests/pg_server.py);
# libreoffice-writer-nogui: the independent renderer the DOCX pages are compared with
# shellcheck disable=SC2046
bootstrap "[test,build,postgresql]" binutils postgresql libreoffice-writer-nogui \
  $(libpython_package)
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
# where the packages could be installed, a missing PostgreSQL or LibreOffice is a failure
if [ "$(id -u)" = 0 ]; then
  export SECRETARIAT_REQUIRE_PG=1 SECRETARIAT_REQUIRE_LIBREOFFICE=1
fi
# on two workers (the machines have 2 cores): SECRETARIAT_TEST_WORKERS=0 runs in one process
exec "$VENV/bin/python" -m pytest -n "${SECRETARIAT_TEST_WORKERS:-2}" "$@"
