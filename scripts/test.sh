#!/usr/bin/env bash
# Runs every test from a clean clone: installs what is missing, starts one private PostgreSQL and one private
# RabbitMQ for the run (free ports, temp dirs, no system services), runs dotnet test, and stops both afterwards,
# even on failure. Extra arguments go to dotnet test (for example: --filter FullyQualifiedName~EventStore).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/infra.sh
source "$root/scripts/lib/infra.sh"

# chromium: the browser tests drive the Debian package headless (nothing is downloaded at test time).
ensure_packages chromium

work=$(mktemp -d /tmp/claims-test.XXXXXX)
start_private_infra "$work"

cd "$root"
dotnet build Claims.sln -c Release -warnaserror -nologo -clp:ErrorsOnly
set +e
dotnet test Claims.sln -c Release --no-build --nologo "$@" 2>&1 | tee "$work/test.log"
status=${PIPESTATUS[0]}
set -e
# One closing line for every assembly together, in the form CI reads.
awk '/(Passed|Failed)! +- +Failed: /{
       for (i = 1; i <= NF; i++) { if ($i == "Failed:") f += $(i+1); if ($i == "Passed:") p += $(i+1); if ($i == "Skipped:") s += $(i+1) }
     } END { printf "tests: %d passed, %d failed, %d skipped\n", p, f, s }' "$work/test.log"
exit "$status"
