#!/usr/bin/env bash
# Runs the whole system on this machine: private PostgreSQL and RabbitMQ (installed from the OS packages if
# missing, data kept in .run/), the three services on their default ports, and the seed articles loaded.
# Ctrl-C stops everything.
set -euo pipefail
root=$(cd "$(dirname "$0")/.." && pwd)
# shellcheck source=lib/infra.sh
source "$root/scripts/lib/infra.sh"

ensure_packages
for port in 5101 5102 5103; do
  port_is_free "$port" || { log "port $port is in use: stop whatever listens there and run again"; exit 1; }
done

state="$root/.run"
mkdir -p "$state/logs"
chmod 755 "$state"
pg_port=$(free_port 5432)
amqp_port=$(free_port 5672)
mgmt_port=$(free_port 15672)
pids=()
cleanup() {
  trap - EXIT INT TERM
  log "stopping"
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  stop_rabbitmq "$state/rabbitmq" "$amqp_port"
  stop_postgres "$state/postgres"
  rm -f "$state/postgres-port"
}
trap cleanup EXIT
trap 'exit 130' INT TERM

log "starting PostgreSQL on $pg_port and RabbitMQ on $amqp_port"
echo "$pg_port" >"$state/postgres-port"  # for scripts/rebuild.sh
start_postgres "$state/postgres" "$pg_port"
start_rabbitmq "$state/rabbitmq" "$amqp_port" "$mgmt_port"
"$PG_BIN/psql" -h 127.0.0.1 -p "$pg_port" -U postgres -tAc "SELECT 1 FROM pg_database WHERE datname = 'claims'" | grep -q 1 \
  || "$PG_BIN/createdb" -h 127.0.0.1 -p "$pg_port" -U postgres claims

log "building"
dotnet build "$root/Claims.sln" -c Release -nologo -clp:ErrorsOnly

# The write key lives in .run/ (never in the repository): made once, kept across runs so scripts keep working.
[ -s "$state/api-key" ] || (umask 077 && od -An -tx1 -N24 /dev/urandom | tr -d " \n" >"$state/api-key")
CLAIMS_API_KEY=$(cat "$state/api-key")
export CLAIMS_API_KEY Security__ApiKeys__operator="$CLAIMS_API_KEY"
export ConnectionStrings__Postgres="Host=127.0.0.1;Port=$pg_port;Database=claims;Username=postgres"
export ConnectionStrings__RabbitMq="amqp://guest:guest@127.0.0.1:$amqp_port/"
export ASPNETCORE_ENVIRONMENT=Production
# Runs one service from its output folder, where its appsettings.json is, and starts it again when it ends itself
# with exit code 75 (its bus stuck; README, "Delivery guarantees") or is killed, as Compose's restart policy does.
supervise() {
  local name=$1 port=$2 child code
  trap '[ -n "${child:-}" ] && kill -TERM "$child" 2>/dev/null; wait "${child:-}" 2>/dev/null; exit 0' TERM
  : >"$state/logs/$name.log"
  while true; do
    (cd "$root/services/Claims.$name/bin/Release/net10.0" && \
      ASPNETCORE_URLS="http://localhost:$port" exec dotnet "Claims.$name.dll" >>"$state/logs/$name.log" 2>&1) &
    child=$!
    code=0
    wait "$child" || code=$?
    case $code in
      75|137) log "$name exited with $code; starting it again"; sleep 1 ;;
      *) return "$code" ;;
    esac
  done
}
for service in Ingestion:5101 Reconciliation:5102 Query:5103; do
  supervise "${service%%:*}" "${service##*:}" &
  pids+=($!)
done

log "loading the seeds"
dotnet "$root/services/Claims.SeedLoader/bin/Release/net10.0/Claims.SeedLoader.dll" --seeds "$root/seeds" --ingestion http://localhost:5101

cat <<INFO

Claims is running (logs in .run/logs, Ctrl-C stops everything):
  ingestion       http://localhost:5101   POST /articles (header X-Api-Key: \$(cat .run/api-key)), POST /extract
  reconciliation  http://localhost:5102   /health/ready
  query           http://localhost:5103   GET /claims
  RabbitMQ        amqp://guest:guest@127.0.0.1:$amqp_port/   management http://127.0.0.1:$mgmt_port/ (guest/guest)
  PostgreSQL      Host=127.0.0.1;Port=$pg_port;Database=claims;Username=postgres
INFO
wait -n "${pids[@]}" || true
log "a service stopped; see .run/logs"
