#!/usr/bin/env bash
# Install the test extras and run the whole test suite headless (Qt offscreen).
# Arguments are passed to pytest: scripts/test.sh -m "not slow", scripts/test.sh tests/test_cli.py
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# binutils (objdump) and the shared libpython: PyInstaller needs both for the bundle test
# shellcheck disable=SC2046
bootstrap "[test,build]" binutils $(libpython_package)
cd "$ROOT"
export QT_QPA_PLATFORM=offscreen
exec "$VENV/bin/python" -m pytest "$@"
