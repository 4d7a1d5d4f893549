# Private PostgreSQL and RabbitMQ instances for tests and the local run.
# Sourced by scripts/test.sh and scripts/run.sh; nothing here touches system services.

PG_BIN=/usr/lib/postgresql/15/bin
RABBIT_BIN=/usr/lib/rabbitmq/bin

log() { printf '[claims] %s\n' "$*" >&2; }

# Installs PostgreSQL 15 and RabbitMQ from the OS packages when they are missing.
ensure_packages() {
  local missing=()
  [ -x "$PG_BIN/initdb" ] || missing+=(postgresql)
  [ -x "$RABBIT_BIN/rabbitmq-server" ] || missing+=(rabbitmq-server)
  for pkg in "$@"; do
    dpkg -s "$pkg" >/dev/null 2>&1 || missing+=("$pkg")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  log "installing ${missing[*]} from the OS packages"
  local sudo=""
  [ "$(id -u)" -eq 0 ] || sudo="sudo"
  $sudo apt-get update -qq
  # Only the binaries are needed: we start private instances, never the system services.
  DEBIAN_FRONTEND=noninteractive RUNLEVEL=1 $sudo apt-get install -y -qq "${missing[@]}" >/dev/null
}

port_is_free() { ! (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null; }

# Prints a free TCP port, preferring $1 when it is free.
free_port() {
  local preferred=${1:-0}
  if [ "$preferred" -gt 0 ] && port_is_free "$preferred"; then echo "$preferred"; return; fi
  local port
  for _ in $(seq 1 200); do
    port=$(( 20000 + RANDOM % 30000 ))
    port_is_free "$port" && { echo "$port"; return; }
  done
  log "no free port found"; return 1
}

# run_as_postgres CMD...: initdb and postgres refuse to run as root.
run_as_postgres() {
  if [ "$(id -u)" -eq 0 ]; then runuser -u postgres -- "$@"; else "$@"; fi
}

# start_postgres DIR PORT: a private cluster with trust auth on 127.0.0.1 (created on first use).
start_postgres() {
  local dir=$1 port=$2
  mkdir -p "$dir"
  [ "$(id -u)" -eq 0 ] && chown postgres "$dir"
  if [ ! -f "$dir/data/PG_VERSION" ]; then
    run_as_postgres "$PG_BIN/initdb" -D "$dir/data" -U postgres --auth=trust -E UTF8 --locale=C.UTF-8 >"$dir/initdb.log" 2>&1 \
      || { cat "$dir/initdb.log" >&2; return 1; }
  fi
  # max_connections: three services with pools plus parallel test fixtures.
  run_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -l "$dir/postgres.log" -w -t 60 \
    -o "-p $port -k $dir -c listen_addresses=127.0.0.1 -c max_connections=400 -c shared_buffers=256MB -c idle_in_transaction_session_timeout=60s" \
    start >/dev/null || { cat "$dir/postgres.log" >&2; return 1; }
}

stop_postgres() {
  local dir=$1
  [ -f "$dir/data/postmaster.pid" ] && run_as_postgres "$PG_BIN/pg_ctl" -D "$dir/data" -m fast -w stop >/dev/null 2>&1
  return 0
}

# start_rabbitmq DIR AMQP_PORT MANAGEMENT_PORT: a private node with the management API (tests create vhosts through it).
start_rabbitmq() {
  local dir=$1 port=$2 mgmt=$3
  local dist
  dist=$(free_port $(( port + 20000 > 65000 ? 0 : port + 20000 )))
  mkdir -p "$dir/mnesia" "$dir/log"
  # shovel: scripts/redeliver.sh moves dead messages back from an _error queue with a dynamic shovel.
  echo "[rabbitmq_management,rabbitmq_shovel,rabbitmq_shovel_management]." >"$dir/enabled_plugins"
  cat >"$dir/rabbitmq.conf" <<CONF
listeners.tcp.1 = 127.0.0.1:$port
management.tcp.port = $mgmt
management.tcp.ip = 127.0.0.1
CONF
  echo "$dist" >"$dir/dist_port"
  rabbit_env "$dir" "$port" "$dist" "$RABBIT_BIN/rabbitmq-server" >"$dir/server.out" 2>&1 &
  echo $! >"$dir/launcher.pid"
  # About 7 s on a quiet machine; a loaded one (a whole test run on two cores) has taken more than 90.
  local deadline=$(( SECONDS + ${RABBITMQ_START_TIMEOUT:-240} ))
  until curl -fsS -u guest:guest "http://127.0.0.1:$mgmt/api/overview" >/dev/null 2>&1; do
    if [ $SECONDS -gt $deadline ] || ! kill -0 "$(cat "$dir/launcher.pid")" 2>/dev/null; then
      log "RabbitMQ did not start:"; tail -30 "$dir/server.out" "$dir"/log/*.log >&2 2>/dev/null
      # A node still booting must not outlive the failure (nobody would ever stop it).
      stop_rabbitmq "$dir" "$port"; return 1
    fi
    sleep 0.5
  done
}

rabbit_env() {
  local dir=$1 port=$2 dist=$3; shift 3
  env RABBITMQ_NODENAME="claims$port@localhost" RABBITMQ_NODE_IP_ADDRESS=127.0.0.1 RABBITMQ_NODE_PORT="$port" \
      RABBITMQ_DIST_PORT="$dist" RABBITMQ_MNESIA_BASE="$dir/mnesia" RABBITMQ_LOG_BASE="$dir/log" \
      RABBITMQ_ENABLED_PLUGINS_FILE="$dir/enabled_plugins" RABBITMQ_CONFIG_FILE="$dir/rabbitmq.conf" \
      RABBITMQ_PID_FILE="$dir/rabbit.pid" RABBITMQ_ADVANCED_CONFIG_FILE="$dir/advanced.config" "$@"
}

stop_rabbitmq() {
  local dir=$1 port=$2
  [ -f "$dir/dist_port" ] || return 0
  rabbit_env "$dir" "$port" "$(cat "$dir/dist_port")" "$RABBIT_BIN/rabbitmqctl" stop >/dev/null 2>&1 || true
  if [ -f "$dir/launcher.pid" ]; then
    local pid; pid=$(cat "$dir/launcher.pid")
    for _ in $(seq 1 40); do kill -0 "$pid" 2>/dev/null || break; sleep 0.25; done
    kill -9 "$pid" 2>/dev/null || true
  fi
  [ -f "$dir/rabbit.pid" ] && kill -9 "$(cat "$dir/rabbit.pid")" 2>/dev/null
  return 0
}

# start_private_infra DIR: one private PostgreSQL and one private RabbitMQ on free ports, data under DIR; both are
# stopped and DIR removed when the calling script exits, even on failure. Exports the CLAIMS_TEST_* variables the
# tests and the benchmark read, and sets pg_port, amqp_port and mgmt_port.
start_private_infra() {
  infra_dir=$1
  chmod 755 "$infra_dir"
  pg_port=$(free_port)
  amqp_port=$(free_port)
  mgmt_port=$(free_port)
  trap 'stop_rabbitmq "$infra_dir/rabbitmq" "$amqp_port"; stop_postgres "$infra_dir/postgres"; rm -rf "$infra_dir"' EXIT
  trap 'exit 130' INT TERM
  log "starting PostgreSQL on $pg_port and RabbitMQ on $amqp_port (management $mgmt_port)"
  start_postgres "$infra_dir/postgres" "$pg_port" &
  local pg_starter=$!
  start_rabbitmq "$infra_dir/rabbitmq" "$amqp_port" "$mgmt_port"
  wait "$pg_starter"
  export CLAIMS_TEST_POSTGRES="Host=127.0.0.1;Port=$pg_port;Username=postgres"
  export CLAIMS_TEST_RABBITMQ="amqp://guest:guest@127.0.0.1:$amqp_port/"
  export CLAIMS_TEST_RABBITMQ_MANAGEMENT="http://127.0.0.1:$mgmt_port/"
}

# publish_rebuild_command DIR: the query service published for its rebuild command into DIR, compiled ahead of time:
# self-contained, with the framework and the service compiled together into one ReadyToRun composite. A replay of
# seconds spent a fifth of its CPU in the JIT when compiled at run time; ReadyToRun per assembly still left the
# generic code that spans assemblies (collections and JSON converters of our types) to the JIT, another tenth of the
# command's CPU. The first publish takes about two minutes, later ones seconds.
# publish_services DIR: the three services into DIR/<name>, framework-dependent, each assembly (packages included)
# compiled ahead of time with ReadyToRun; for measuring them so (CLAIMS_BENCH_SERVICES=DIR ./scripts/bench.sh). The
# services ship compiled at run time: so published, they compiled more under load, not less (README, "Benchmarks").
# Their own intermediate folder: the rebuild command's composite publish of the query service leaves ReadyToRun
# images in the default one that a later publish takes as up to date, and those components of a composite image
# absent here make the runtime abort at start.
publish_services() {
  local repository name
  repository=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  for name in Claims.Ingestion Claims.Reconciliation Claims.Query; do
    dotnet publish "$repository/services/$name/$name.csproj" -c Release --use-current-runtime --self-contained false \
      -p:PublishReadyToRun=true -p:IntermediateOutputPath=obj/ready-to-run/ -o "$1/$name" -nologo -clp:ErrorsOnly >&2
  done
}

publish_rebuild_command() {
  local repository
  repository=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
  dotnet publish "$repository/services/Claims.Query/Claims.Query.csproj" -c Release --use-current-runtime --self-contained true \
    -p:PublishReadyToRun=true -p:PublishReadyToRunComposite=true -o "$1" -nologo -clp:ErrorsOnly >&2
}
