#!/usr/bin/env bash
# Build the Debian package: dist/secretariat_<version>_amd64.deb (docs/install.md, «Пакет .deb»).
# The bundle is built by PyInstaller in this system, so the package runs where glibc is at least
# this system's: build it on the oldest release you support (Debian 12 for the systems listed in
# docs/install.md). Arguments go to scripts/build_deb.py: --bundle DIR, --out DIR, --version V.
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
# binutils (objdump) and the shared libpython: PyInstaller needs both
# shellcheck disable=SC2046
bootstrap "[build,postgresql]" binutils $(libpython_package)
cd "$ROOT"
exec "$VENV/bin/python" scripts/build_deb.py "$@"
