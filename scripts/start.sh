#!/usr/bin/env bash
# Install what is missing and start Секретариат on the embedded default database.
# Arguments are passed to the program: scripts/start.sh --db other.db, scripts/start.sh check
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/bootstrap.sh"
bootstrap ""
exec "$VENV/bin/secretariat" "$@"
