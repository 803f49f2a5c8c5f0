# Shared by scripts/cluster.sh (start and watch the local cluster) and its `node <n>` command. Sourced, not run.
# State of a running cluster lives in $data/run/: cluster.env (the settings every node of it is started with),
# nN.pid (the node's process), nN.restarting / nN.stopped (a deliberate restart or stop, so the watcher does not
# take it for a crash), redis.pid (a redis-server this script started), watcher.pid (the cluster script itself).

node_dll=${DSYNC_NODE_DLL:-src/DistSync.Node/bin/Release/net10.0/DistSync.Node.dll}
cli_dll=src/DistSync.Cli/bin/Release/net10.0/dsync.dll

# Defaults, overridden by the environment, then by cluster.env of a running cluster, then by options.
# DSYNC_PORT_BASE=B moves every port at once (HTTP B..B+2, remoting B+10..B+12, a started redis from B+20), so a
# test cluster never meets a developer's.
load_defaults() {
  local base=${DSYNC_PORT_BASE:-}
  http_base=${DSYNC_HTTP_BASE:-${base:-8080}}
  remote_base=${DSYNC_REMOTE_BASE:-$([ -n "$base" ] && echo $((base + 10)) || echo 4053)}
  redis_port=${DSYNC_REDIS_PORT:-$([ -n "$base" ] && echo $((base + 20)) || echo 6380)}
  data=${DSYNC_DATA:-data}
  log_format=console
  journal=sqlite
  redis_endpoint=""
  secure=no
}

run_dir() { echo "$data/run"; }

# Writes the settings of this cluster, so `node <n>` restarts a node exactly as it was started.
save_settings() {
  local file
  file="$(run_dir)/cluster.env"
  {
    printf 'http_base=%q\nremote_base=%q\nlog_format=%q\n' "$http_base" "$remote_base" "$log_format"
    printf 'journal=%q\nredis_endpoint=%q\nsecure=%q\n' "$journal" "$redis_endpoint" "$secure"
  } >"$file"
}

load_settings() {
  local file
  file="$(run_dir)/cluster.env"
  # shellcheck disable=SC1090
  [ -f "$file" ] && source "$file"
  return 0
}

http_port() { echo $((http_base + $1 - 1)); }
remote_port() { echo $((remote_base + $1 - 1)); }

# True when a process (not a zombie) with this pid exists.
alive() {
  local pid=$1 state
  [ -n "$pid" ] && kill -0 "$pid" 2>/dev/null || return 1
  state=$(awk '{print $3}' "/proc/$pid/stat" 2>/dev/null || echo "?")
  [ "$state" != "Z" ]
}

pid_of() { cat "$(run_dir)/n$1.pid" 2>/dev/null || true; }

# True when something accepts connections on 127.0.0.1:PORT or listens on that port on any address.
port_in_use() {
  local port=$1
  if (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null; then return 0; fi
  if command -v ss >/dev/null 2>&1 && [ -n "$(ss -Hltn "( sport = :$port )" 2>/dev/null)" ]; then return 0; fi
  return 1
}

# "name (pid N: command line)" of the process listening on PORT, when ss or lsof can tell.
port_holder() {
  local port=$1 pid="" name="" line
  if command -v ss >/dev/null 2>&1; then
    line=$(ss -Hltnp "( sport = :$port )" 2>/dev/null | head -n1)
    if [[ $line =~ \"([^\"]+)\",pid=([0-9]+) ]]; then name=${BASH_REMATCH[1]}; pid=${BASH_REMATCH[2]}; fi
  fi
  if [ -z "$pid" ] && command -v lsof >/dev/null 2>&1; then
    pid=$(lsof -nP -iTCP:"$port" -sTCP:LISTEN -t 2>/dev/null | head -n1)
    [ -n "$pid" ] && name=$(cat "/proc/$pid/comm" 2>/dev/null || echo "?")
  fi
  [ -z "$pid" ] && return 0
  printf '%s (pid %s: %s)' "$name" "$pid" "$(tr '\0\n' '  ' <"/proc/$pid/cmdline" 2>/dev/null | cut -c1-160)"
}

# Prints one line per port of LABEL=PORT pairs that is taken; returns 1 when any is.
check_ports() {
  local bad=0 pair label port holder
  for pair in "$@"; do
    label=${pair%=*}; port=${pair##*=}
    if port_in_use "$port"; then
      holder=$(port_holder "$port")
      echo "cluster: port $port ($label) on 127.0.0.1 is already in use${holder:+ by $holder}" >&2
      bad=1
    fi
  done
  return $bad
}

node_ports() { echo "n$1-http=$(http_port "$1") n$1-remoting=$(remote_port "$1")"; }

# The command line of node I: its hocon/nodeI.conf with this cluster's ports, data directory and journal.
node_args() {
  local i=$1 j seeds="" founders=""
  for j in 1 2 3; do
    [ "$j" -ne "$i" ] && seeds="${seeds:+$seeds,}127.0.0.1:$(remote_port "$j")"
    founders="${founders:+$founders,}n$j@127.0.0.1:$(remote_port "$j")"
  done
  args=(--config "hocon/node$i.conf"
    --set "dsync.http.port=$(http_port "$i")"
    --set "dsync.remote.port=$(remote_port "$i")"
    --set "dsync.cluster.seeds=$seeds"
    --set "dsync.cluster.initial-members=$founders"
    --set "dsync.node.data-dir=$data/n$i"
    --log-format "$log_format")
  if [ "$secure" = yes ]; then
    local s=$data/secrets
    args+=(--set "dsync.security.enabled=on" --set "dsync.security.token-key-file=$s/token.key"
      --set "dsync.security.tls.https=on" --set "dsync.security.tls.remoting=on" --set "dsync.security.tls.ca-file=$s/ca.crt"
      --set "dsync.security.tls.cert-file=$s/n$i.crt" --set "dsync.security.tls.key-file=$s/n$i.key"
      --set "dsync.security.data-key-file=$s/data.key")
  fi
  if [ "$journal" = redis ]; then
    args+=(--set "dsync.persistence.journal.plugin=redis"
      --set "dsync.persistence.snapshot-store.plugin=redis"
      --set "dsync.persistence.redis.configuration=$redis_endpoint")
  fi
}

# Starts node I in the background (appending to its log) and records its pid.
launch_node() {
  local i=$1 pid
  node_args "$i"
  dotnet "$node_dll" "${args[@]}" >>"$data/logs/n$i.log" 2>&1 </dev/null &
  pid=$!
  echo "$pid" >"$(run_dir)/n$i.pid"
}

scheme() { if [ "$secure" = yes ]; then echo https; else echo http; fi; }

# The secrets of a --secure cluster under $data/secrets: the CA, node certificates, the token signing key, the data
# key that encrypts the journals and snapshots at rest (each made
# once, kept across restarts) and an admin and a reader token (issued anew at every start, valid 7 days).
make_secrets() {
  local s=$data/secrets i dsync=(dotnet "$cli_dll")
  mkdir -p "$s"; chmod 700 "$s"
  [ -f "$s/ca.crt" ] || "${dsync[@]}" certs init --dir "$s" --name dsync-local >/dev/null
  for i in 1 2 3; do [ -f "$s/n$i.crt" ] || "${dsync[@]}" certs issue "n$i" --dir "$s" >/dev/null; done
  [ -f "$s/token.key" ] || "${dsync[@]}" token init-key --key-file "$s/token.key" >/dev/null
  [ -f "$s/data.key" ] || "${dsync[@]}" datakey init --file "$s/data.key" >/dev/null
  local role
  for role in admin reader; do
    rm -f "$s/$role.token"
    (umask 077; "${dsync[@]}" token issue --key-file "$s/token.key" --role "$role" --subject "local-$role" --ttl 7d >"$s/$role.token")
  done
  echo "secrets in $s/: ca.crt, n1..n3 certificates, token.key, data.key (encryption at rest), admin.token, reader.token"
}

# /health answers 200 once the node sees a leader. Without curl (a bare CI image), bash's /dev/tcp asks it
# (a --secure node: the CLI, since bash speaks no TLS).
healthy() {
  local port line=""
  port=$(http_port "$1")
  if [ "$secure" = yes ]; then
    if command -v curl >/dev/null 2>&1; then curl -fsS -m 2 --cacert "$data/secrets/ca.crt" "https://127.0.0.1:$port/health" >/dev/null 2>&1; return; fi
    dotnet "$cli_dll" --node "127.0.0.1:$port" --ca "$data/secrets/ca.crt" --timeout 2 health >/dev/null 2>&1; return
  fi
  if command -v curl >/dev/null 2>&1; then curl -fsS -m 2 "http://127.0.0.1:$port/health" >/dev/null 2>&1; return; fi
  { exec 4<>"/dev/tcp/127.0.0.1/$port"; } 2>/dev/null || return 1
  printf 'GET /health HTTP/1.0\r\nHost: 127.0.0.1\r\n\r\n' >&4
  read -r -t 2 line <&4 || true
  exec 4>&-
  [[ $line == *" 200 "* ]]
}

show_log() { echo "its log ($data/logs/n$1.log, last lines):" >&2; tail -n 20 "$data/logs/n$1.log" >&2 || true; }

# Stops a process: SIGTERM, then SIGKILL if it is still there after TIMEOUT seconds.
stop_pid() {
  local pid=$1 timeout=${2:-30} waited=0
  alive "$pid" || return 0
  kill -TERM "$pid" 2>/dev/null || true
  while alive "$pid" && [ "$waited" -lt $((timeout * 5)) ]; do sleep 0.2; waited=$((waited + 1)); done
  if alive "$pid"; then kill -KILL "$pid" 2>/dev/null || true; fi
  wait "$pid" 2>/dev/null || true
}
