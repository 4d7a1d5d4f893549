#!/usr/bin/env bash
# Redelivers the messages a consumer gave up on: MassTransit moves a message to the consumer's queue's `_error`
# queue when its retries are exhausted; once the cause is fixed, this moves them back to the consumer's queue.
#
#   ./scripts/redeliver.sh [QUEUE]      QUEUE defaults to claims-claim-extracted (reconciliation's queue)
#
# Environment (defaults in brackets): RABBITMQ_MANAGEMENT_URL [http://localhost:15672], RABBITMQ_USER [guest],
# RABBITMQ_PASSWORD [guest], RABBITMQ_VHOST [/], REDELIVER_TIMEOUT in seconds [120].
#
# The move is a dynamic shovel created through the management API (the broker needs the rabbitmq_shovel plugin,
# which run.sh, test.sh and docker-compose.yml enable). It keeps each message as it was (body, headers, message id),
# removes it from the _error queue only after the consumer's queue has confirmed it, moves what the _error queue
# held when it started, then deletes itself. Consumers deduplicate on the message id, so running this twice never
# counts a message twice.
set -euo pipefail

queue=${1:-claims-claim-extracted}
queue=${queue%_error}
management=${RABBITMQ_MANAGEMENT_URL:-http://localhost:15672}
management=${management%/}
vhost=${RABBITMQ_VHOST:-/}
credentials="${RABBITMQ_USER:-guest}:${RABBITMQ_PASSWORD:-guest}"
timeout=${REDELIVER_TIMEOUT:-120}

log() { printf '[redeliver] %s\n' "$*" >&2; }

if [[ ! $queue =~ ^[A-Za-z0-9._:-]+$ ]]; then
  log "'$queue' is not a queue name this script handles (letters, digits, . _ : -)"; exit 2
fi

# Percent-encodes one path segment (a vhost is often "/").
encode() {
  local text=$1 out="" c i
  for (( i = 0; i < ${#text}; i++ )); do
    c=${text:i:1}
    case $c in [A-Za-z0-9._~-]) out+=$c ;; *) out+=$(printf '%%%02X' "'$c") ;; esac
  done
  printf '%s' "$out"
}

# api METHOD PATH [BODY]: prints the response body, then the HTTP status on a line of its own.
api() {
  local args=(-sS -u "$credentials" -X "$1" -w '\n%{http_code}' "$management/api/$2")
  [ $# -ge 3 ] && args+=(-H 'Content-Type: application/json' -d "$3")
  curl "${args[@]}" || { log "the management API at $management is not reachable"; exit 1; }
}
status_of() { tail -n 1 <<<"$1"; }
messages_of() { grep -o '"messages":[0-9]*' <<<"$1" | head -n 1 | cut -d: -f2 || true; }

v=$(encode "$vhost")
errors="${queue}_error"

response=$(api GET "queues/$v/$errors")
case $(status_of "$response") in
  200) ;;
  404) log "vhost '$vhost' has no queue $errors: nothing was ever given up on there"; exit 0 ;;
  401) log "the management API refused the credentials (set RABBITMQ_USER and RABBITMQ_PASSWORD)"; exit 1 ;;
  *) log "reading $errors failed: $response"; exit 1 ;;
esac
# A typo must not create a queue nobody consumes: the destination has to exist already.
target=$(api GET "queues/$v/$queue")
[ "$(status_of "$target")" = 200 ] || { log "vhost '$vhost' has no queue $queue: is its consumer deployed?"; exit 1; }
# The management statistics lag by a few seconds; the shovel itself counts the queue when it starts.
count=$(messages_of "$response")
log "$errors holds ${count:-an uncounted number of} message(s); moving them back to $queue"

shovel="redeliver-$queue-$(date +%s)-$$"
uri="amqp:///$v"
definition=$(printf '{"value":{"src-protocol":"amqp091","src-uri":"%s","src-queue":"%s","dest-protocol":"amqp091","dest-uri":"%s","dest-queue":"%s","ack-mode":"on-confirm","src-delete-after":"queue-length"}}' \
  "$uri" "$errors" "$uri" "$queue")
created=$(api PUT "parameters/shovel/$v/$shovel" "$definition")
case $(status_of "$created") in
  201|204) ;;
  *) log "creating the shovel failed (is the rabbitmq_shovel plugin enabled?): $created"; exit 1 ;;
esac

# The shovel deletes itself once it has moved what the queue held; a failing one is reported as terminated.
deadline=$(( SECONDS + timeout ))
while :; do
  current=$(api GET "parameters/shovel/$v/$shovel") || exit 1
  case $(status_of "$current") in
    404) break ;;
    200) ;;
    *) log "reading the shovel failed: $current"; exit 1 ;;
  esac
  # One object per line; the list comes from rabbitmq_shovel_management (without it a failure shows as the timeout).
  state=$(api GET "shovels/$v" | head -n -1 | tr '{' '\n' | grep -F "\"name\":\"$shovel\"" || true)
  if grep -q '"state":"terminated"' <<<"$state"; then
    api DELETE "parameters/shovel/$v/$shovel" >/dev/null
    log "the shovel failed; what it had not moved stays in $errors: $state"; exit 1
  fi
  if [ $SECONDS -ge $deadline ]; then
    api DELETE "parameters/shovel/$v/$shovel" >/dev/null
    log "not done after ${timeout} s; stopped. What was not moved stays in $errors"; exit 1
  fi
  sleep 0.5
done
log "done: the messages of $errors are back in $queue"
