#!/usr/bin/env bash
# The system benchmark (issue 6): starts one private PostgreSQL (with pg_stat_statements) and one private RabbitMQ on
# free ports, builds in Release, runs tests/Claims.Benchmarks (raw baselines, then the three services under load) and
# stops both afterwards, even on failure. Writes .run/benchmark/report.json and the table between the benchmark
# markers of README.md. Extra arguments go to the benchmark (for example: --duration 30 --no-readme; --help lists them).
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/infra.sh
source "$root/scripts/lib/infra.sh"

ensure_packages

work=$(mktemp -d /tmp/claims-bench.XXXXXX)
start_private_infra "$work"
# pg_stat_statements shows which SQL the pipeline spends its database time on; it must be loaded at server start,
# so the fresh cluster is restarted once with it (start_postgres keeps an existing cluster and its settings).
stop_postgres "$work/postgres"
echo "shared_preload_libraries = 'pg_stat_statements'" >>"$work/postgres/data/postgresql.auto.conf"
start_postgres "$work/postgres" "$pg_port"

# The benchmark reads these processes' CPU time from /proc to tell which stage burns it.
CLAIMS_BENCH_POSTGRES_PID=$(head -1 "$work/postgres/data/postmaster.pid")
CLAIMS_BENCH_RABBITMQ_PID=$(cat "$work/rabbitmq/rabbit.pid" 2>/dev/null || true)
export CLAIMS_BENCH_POSTGRES_PID CLAIMS_BENCH_RABBITMQ_PID
# Which code was measured (read-only git commands): the commit, and whether the services' code differs from it.
CLAIMS_BENCH_REVISION=$(git -C "$root" rev-parse --short HEAD 2>/dev/null || echo unknown)
git -C "$root" diff --quiet HEAD -- services shared 2>/dev/null || CLAIMS_BENCH_REVISION="$CLAIMS_BENCH_REVISION with uncommitted changes"
export CLAIMS_BENCH_REVISION

cd "$root"
log "building"
dotnet build tests/Claims.Benchmarks -c Release -warnaserror -nologo -clp:ErrorsOnly
# The rebuild command is measured as scripts/rebuild.sh runs it: published compiled ahead of time (kept in .run, where
# scripts/rebuild.sh publishes it too, so that only the first publish takes minutes).
publish_rebuild_command "$root/.run/rebuild-command"
export CLAIMS_BENCH_REBUILD_COMMAND="$root/.run/rebuild-command"
dotnet tests/Claims.Benchmarks/bin/Release/net10.0/Claims.Benchmarks.dll "$@"
