#!/usr/bin/env bash
# The local three-node DistSync cluster.
#   scripts/cluster.sh [options]            (./build.sh cluster) start n1..n3, then watch them until Ctrl-C
#   scripts/cluster.sh node <n> [options]   (./build.sh node <n>) start or restart node n of that cluster
#   scripts/cluster.sh node <n> --stop      stop node n on purpose (the watcher keeps the others running)
# Options: --http-base PORT (8080), --remote-base PORT (4053), --data DIR (data/), --log-format console|json,
#          --journal sqlite|redis, --redis HOST:PORT (use that server; default: start one under DIR/redis),
#          --secure (mTLS between nodes, HTTPS, tokens: secrets under DIR/secrets, see README Security),
#          --no-build. Environment: DSYNC_PORT_BASE, DSYNC_HTTP_BASE, DSYNC_REMOTE_BASE, DSYNC_REDIS_PORT,
#          DSYNC_DATA, DSYNC_START_TIMEOUT (seconds, 180), DSYNC_NODE_DLL (a built node, implies --no-build).
# Exit codes: 0 after Ctrl-C/SIGTERM, 1 when a port is taken, a node does not come up or a node dies, 2 bad usage.
set -euo pipefail
cd "$(dirname "$0")/.."
# shellcheck source=scripts/cluster-lib.sh
source scripts/cluster-lib.sh

load_defaults
command=start
if [ "${1:-}" = node ]; then
  command=node; node_index=${2:-}; shift 2 || true
  [[ $node_index =~ ^[123]$ ]] || { echo "usage: ./build.sh node <1|2|3> [--stop] [--data DIR]" >&2; exit 2; }
fi
build=${DSYNC_NODE_DLL:+no}; build=${build:-yes}
stop_only=no
opt_http="" opt_remote="" opt_log="" opt_journal="" opt_redis="" opt_secure=""
while [ $# -gt 0 ]; do
  case "$1" in
    --http-base) opt_http=$2; shift 2;;
    --remote-base) opt_remote=$2; shift 2;;
    --data) data=$2; shift 2;;
    --log-format) opt_log=$2; shift 2;;
    --journal) opt_journal=$2; shift 2;;
    --redis) opt_redis=$2; shift 2;;
    --no-build) build=no; shift;;
    --secure) opt_secure=yes; shift;;
    --stop) stop_only=yes; shift;;
    *) echo "cluster: unknown option $1" >&2; exit 2;;
  esac
done
# A node command restarts a node as its cluster was started; a fresh start takes the defaults.
[ "$command" = node ] && load_settings
http_base=${opt_http:-$http_base}; remote_base=${opt_remote:-$remote_base}
log_format=${opt_log:-$log_format}; journal=${opt_journal:-$journal}; redis_endpoint=${opt_redis:-$redis_endpoint}
secure=${opt_secure:-$secure}
case "$journal" in sqlite|redis) ;; *) echo "cluster: --journal takes sqlite or redis, not '$journal'" >&2; exit 2;; esac
start_timeout=${DSYNC_START_TIMEOUT:-180}
run=$(run_dir)

build_node() {
  [ "$build" = yes ] || return 0
  echo "building the node and the CLI (Release) ..."
  dotnet build src/DistSync.Node/DistSync.Node.csproj -c Release -nologo -v q >/dev/null
  dotnet build src/DistSync.Cli/DistSync.Cli.csproj -c Release -nologo -v q >/dev/null
}

# ---- node <n>: start, restart or stop one node of the cluster -------------------------------------------------------
node_command() {
  local i=$node_index old pid waited=0
  mkdir -p "$run" "$data/logs"
  old=$(pid_of "$i")
  if [ "$stop_only" = yes ]; then
    touch "$run/n$i.stopped"
    if alive "$old"; then stop_pid "$old"; echo "n$i stopped (pid $old); start it again with ./build.sh node $i"; else echo "n$i was not running"; fi
    return 0
  fi
  # The marker tells the watcher that n$i going away now is on purpose.
  # It holds this command's pid, so a marker left by a killed command is ignored.
  echo $$ >"$run/n$i.restarting"
  trap "rm -f '$run/n$i.restarting'" EXIT
  if alive "$old"; then echo "stopping n$i (pid $old) ..."; stop_pid "$old"; fi
  # shellcheck disable=SC2046
  check_ports $(node_ports "$i") || { rm -f "$run/n$i.restarting"; exit 1; }
  build_node
  launch_node "$i"
  pid=$(pid_of "$i")
  rm -f "$run/n$i.stopped"
  while ! healthy "$i"; do
    if ! alive "$pid"; then echo "n$i (pid $pid) exited during start-up" >&2; show_log "$i"; exit 1; fi
    if [ "$waited" -ge $((start_timeout * 5)) ]; then echo "n$i did not answer /health within ${start_timeout}s" >&2; show_log "$i"; exit 1; fi
    sleep 0.2; waited=$((waited + 1))
  done
  echo "n$i up: $(scheme)://127.0.0.1:$(http_port "$i") (pid $pid, log $data/logs/n$i.log)"
  if ! alive "$(cat "$run/watcher.pid" 2>/dev/null || true)"; then
    echo "no cluster script watches $data/ now: n$i runs on its own (stop it with ./build.sh node $i --stop)"
  fi
}

# ---- start: the whole cluster, then watch it ------------------------------------------------------------------------
redis_started=no
stopping=no

stop_all() {
  trap - INT TERM EXIT
  [ "$stopping" = yes ] && return 0
  stopping=yes
  echo; echo "stopping the cluster ..."
  local i
  for i in 1 2 3; do
    local pid; pid=$(pid_of "$i")
    if alive "$pid"; then kill -TERM "$pid" 2>/dev/null || true; fi
  done
  for i in 1 2 3; do stop_pid "$(pid_of "$i")"; rm -f "$run/n$i.pid"; done
  if [ "$redis_started" = yes ]; then stop_pid "$(cat "$run/redis.pid" 2>/dev/null || true)"; rm -f "$run/redis.pid"; fi
  rm -f "$run/watcher.pid" "$run"/n?.restarting "$run"/n?.stopped
  echo "stopped."
}

# Fails (exit 1, after stopping the rest) with a message naming the node that died.
node_died() {
  local i=$1 pid=$2 code=""
  # The exit code is known for the nodes this script started (127: not its child, e.g. one `node <n>` restarted).
  if wait "$pid" 2>/dev/null; then code=0; else code=$?; fi
  [ "$code" = 127 ] && code=""
  echo "cluster: node n$i (pid $pid) died${code:+ with exit code $code}" >&2
  show_log "$i"
  stop_all
  exit 1
}

redis_ping() {
  local host=${1%:*} port=${1##*:} line=""
  { exec 3<>"/dev/tcp/$host/$port"; } 2>/dev/null || return 1
  printf 'PING\r\n' >&3; read -r -t 2 line <&3 || true; exec 3>&-
  [[ $line == +PONG* ]]
}

start_redis() {
  command -v redis-server >/dev/null 2>&1 || { echo "cluster: --journal redis needs redis-server (apt-get install redis-server) or --redis HOST:PORT" >&2; exit 1; }
  local port=$redis_port waited=0
  while port_in_use "$port"; do port=$((port + 1)); done
  mkdir -p "$data/redis"
  # appendfsync always: an acknowledged journal write survives a crash of the server (hocon/persistence.conf).
  redis-server --bind 127.0.0.1 --port "$port" --dir "$data/redis" --appendonly yes --appendfsync always \
    --save "" --daemonize no --logfile "" >"$data/logs/redis.log" 2>&1 </dev/null &
  echo $! >"$run/redis.pid"; redis_started=yes
  redis_endpoint="127.0.0.1:$port"
  until redis_ping "$redis_endpoint"; do
    alive "$(cat "$run/redis.pid")" || { echo "cluster: redis-server exited; $data/logs/redis.log:" >&2; tail -n 20 "$data/logs/redis.log" >&2; exit 1; }
    [ "$waited" -lt 150 ] || { echo "cluster: redis-server did not answer PING on $redis_endpoint" >&2; exit 1; }
    sleep 0.2; waited=$((waited + 1))
  done
  echo "redis-server up: $redis_endpoint (pid $(cat "$run/redis.pid"), data $data/redis, stopped with the cluster)"
}

# True when node I is gone and nobody meant it (no restart or stop marker, no newer pid in its pid file).
died_unexpectedly() {
  local i=$1 pid=$2
  alive "$pid" && return 1
  [ -e "$run/n$i.stopped" ] && return 1
  alive "$(cat "$run/n$i.restarting" 2>/dev/null || true)" && return 1
  [ "$(pid_of "$i")" != "$pid" ] && return 1
  return 0
}

start_command() {
  local watcher; watcher=$(cat "$run/watcher.pid" 2>/dev/null || true)
  if alive "$watcher"; then echo "cluster: a cluster script (pid $watcher) already runs on $data/; stop it first" >&2; exit 1; fi
  local ports=() i
  for i in 1 2 3; do read -r -a pair <<<"$(node_ports "$i")"; ports+=("${pair[@]}"); done
  # Before anything starts: nodes that cannot bind die, and an old cluster on these ports would answer /health.
  check_ports "${ports[@]}" || { echo "cluster: nothing started (a cluster from an earlier run? stop it, or choose other ports with DSYNC_PORT_BASE)" >&2; exit 1; }
  build_node
  mkdir -p "$data/logs" "$run"
  rm -f "$run"/n?.pid "$run"/n?.restarting "$run"/n?.stopped
  echo $$ >"$run/watcher.pid"
  trap 'stop_all; exit 0' INT TERM
  trap stop_all EXIT
  if [ "$journal" = redis ] && [ -z "$redis_endpoint" ]; then start_redis; fi
  if [ "$secure" = yes ]; then make_secrets; else
    echo "WARNING: security is off: anyone who reaches these ports can take locks, read queues and change the cluster (./build.sh cluster --secure turns it on)" >&2
  fi
  save_settings
  for i in 1 2 3; do launch_node "$i"; done

  # Start-up: every node must answer /health before the deadline; one that exits fails the start at once.
  local up=(no no no) waited=0 pid
  while [[ " ${up[*]} " == *" no "* ]]; do
    for i in 1 2 3; do
      [ "${up[$((i - 1))]}" = yes ] && continue
      pid=$(pid_of "$i")
      alive "$pid" || node_died "$i" "$pid"
      if healthy "$i"; then
        up[i - 1]=yes
        echo "n$i up: $(scheme)://127.0.0.1:$(http_port "$i")  (remoting 127.0.0.1:$(remote_port "$i"), pid $pid, log $data/logs/n$i.log)"
      fi
    done
    if [ "$waited" -ge $((start_timeout * 5)) ]; then
      for i in 1 2 3; do [ "${up[$((i - 1))]}" = yes ] || echo "cluster: n$i did not answer /health on port $(http_port "$i") within ${start_timeout}s" >&2; done
      stop_all; exit 1
    fi
    sleep 0.2; waited=$((waited + 1))
  done
  usage_text
  watch_nodes
}

usage_text() {
  if [ "$secure" = yes ]; then secure_usage_text; return; fi
  cat <<USAGE

The cluster is running (journal: $journal${redis_endpoint:+ on $redis_endpoint}). Try:
  dotnet $cli_dll --node 127.0.0.1:$http_base cluster show
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 2)) kv put greeting hello
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 1)) kv get greeting
  curl -s http://127.0.0.1:$http_base/status
  open http://127.0.0.1:$http_base/ for the dashboard
Restart one node with ./build.sh node <n>, stop one with ./build.sh node <n> --stop.
Ctrl-C stops all three.
USAGE
}

secure_usage_text() {
  local s=$data/secrets
  cat <<USAGE

The cluster is running with security on (journal: $journal${redis_endpoint:+ on $redis_endpoint}): mutual TLS between
the nodes, HTTPS only, a token needed for everything but /health, journals and snapshots encrypted at rest
(data.key). The secrets are in $s/:
ca.crt (trust it), admin.token and reader.token (valid 7 days, re-issued at every start), the CA and signing keys.
Try:
  export DSYNC_CA=$s/ca.crt DSYNC_TOKEN=@$s/admin.token
  dotnet $cli_dll --node 127.0.0.1:$http_base cluster show
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 2)) kv put greeting hello
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 1)) --token @$s/reader.token kv get greeting
  curl -s --cacert $s/ca.crt -H "Authorization: Bearer \$(cat $s/admin.token)" https://127.0.0.1:$http_base/status
  curl -s http://127.0.0.1:$http_base/health      (plain HTTP: a 400 that says HTTPS only)
Restart one node with ./build.sh node <n>, stop one with ./build.sh node <n> --stop.
Ctrl-C stops all three.
USAGE
}

# Runs until Ctrl-C: a node that dies without a restart or stop marker fails the script.
watch_nodes() {
  local pids=("" "" "") said=("" "" "") i pid
  while true; do
    for i in 1 2 3; do
      pid=$(pid_of "$i")
      if [ "$pid" != "${pids[$((i - 1))]}" ] && [ -n "${pids[$((i - 1))]}" ] && alive "$pid"; then echo "n$i restarted (pid $pid)"; fi
      pids[i - 1]=$pid
      if [ -e "$run/n$i.stopped" ] && ! alive "$pid" && [ "${said[$((i - 1))]}" != "$pid" ]; then
        echo "n$i stopped on purpose; ./build.sh node $i starts it again"; said[i - 1]=$pid
      fi
      if died_unexpectedly "$i" "$pid"; then node_died "$i" "$pid"; fi
    done
    if [ "$redis_started" = yes ] && ! alive "$(cat "$run/redis.pid")"; then
      echo "cluster: the redis-server of the journal died; $data/logs/redis.log:" >&2; tail -n 20 "$data/logs/redis.log" >&2 || true
      stop_all; exit 1
    fi
    sleep 1 &
    wait $! || true
  done
}

if [ "$command" = node ]; then node_command; else start_command; fi
