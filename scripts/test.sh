#!/usr/bin/env bash
# `make test`: start PostgreSQL and Redis, lint, run the whole suite, stop the servers.
set -uo pipefail
cd "$(dirname "$0")/.."

dir=$(mktemp -d /tmp/pleroma-test.XXXXXX)
trap 'scripts/services.sh stop "$dir"' EXIT
scripts/services.sh start "$dir" || exit 1
# shellcheck disable=SC1091
. "$dir/env"
export PLEROMA_DATA_DIR="$dir/data" PLEROMA_RATE_LIMIT_ENABLED=true CHROMIUM_PATH=${CHROMIUM_PATH:-/usr/bin/chromium}

.venv/bin/ruff check . || exit 1
.venv/bin/python manage.py makemigrations --check --dry-run >/dev/null || { echo "missing migrations"; exit 1; }
.venv/bin/pytest "$@"
status=$?
if [ $status = 5 ]; then echo "no tests collected"; fi
exit $status
