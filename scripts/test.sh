#!/usr/bin/env bash
# Install the test extras and run the whole test suite headless (Qt offscreen).
# Arguments are passed to pytest: scripts/test.sh -m "not slow", scripts/test.sh tests/cli/test_cli.py
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# binutils (objdump) and the shared libpython: PyInstaller needs both for the bundle test;
# postgresql: the tests start a throw-away server of their own (tests/pg_server.py);
# libreoffice-writer-nogui: the independent renderer the DOCX pages are compared with;
# the validators the tests run (tests/validators.py): Apache PDFBox Preflight for PDF/A-1b (a
# headless JRE, its jaxb and activation jars), GMime 3 through PyGObject and MIME-tools for e-mail
# dovecot-imapd: a real IMAP server the arrivals tests start on loopback (tests/support/imap_server.py)
# debootstrap: the bare Debian 12 the package test installs the .deb into (tests/house/test_deb.py)
# shellcheck disable=SC2046
bootstrap "[test,build,postgresql]" binutils postgresql libreoffice-writer-nogui \
  libpdfbox2-java default-jre-headless libjaxb-api-java libactivation-java \
  gir1.2-gmime-3.0 python3-gi libmime-tools-perl dovecot-imapd debootstrap $(libpython_package)
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
# where the packages could be installed, a missing PostgreSQL or LibreOffice is a failure
if [ "$(id -u)" = 0 ]; then
  export SECRETARIAT_REQUIRE_PG=1 SECRETARIAT_REQUIRE_LIBREOFFICE=1 SECRETARIAT_REQUIRE_VALIDATORS=1
  export SECRETARIAT_REQUIRE_IMAP=1 SECRETARIAT_REQUIRE_DEB=1
fi
# on two workers (the machines have 2 cores): SECRETARIAT_TEST_WORKERS=0 runs in one process
pytest=("$VENV/bin/python" -m pytest -n "${SECRETARIAT_TEST_WORKERS:-2}")
# test paths given: one run of just those
for arg in "$@"; do
  if [[ "$arg" == tests* ]]; then exec "${pytest[@]}" "$@"; fi
done
# the whole suite in two runs: everything but tests/gui without a display library (pytest-qt not
# loaded; a test that imports Qt there fails), then tests/gui with pytest-qt. Both run; either
# failing fails the command ("no tests collected", exit 5, is not a failure: -m may leave none)
status=0
"${pytest[@]}" -p no:pytest-qt "$@" || { code=$?; [ "$code" = 5 ] || status=$code; }
"${pytest[@]}" tests/gui "$@" || { code=$?; [ "$code" = 5 ] || status=$code; }
exit "$status"
