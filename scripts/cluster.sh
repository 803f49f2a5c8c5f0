#!/usr/bin/env bash
# Starts a local three-node DistSync cluster (./build.sh cluster). Ctrl-C stops all three.
# Options: --http-base PORT (default 8080), --remote-base PORT (default 4053), --data DIR (default data/),
#          --log-format console|json. Environment: DSYNC_HTTP_BASE, DSYNC_REMOTE_BASE.
set -euo pipefail
cd "$(dirname "$0")/.."
http_base=${DSYNC_HTTP_BASE:-8080}
remote_base=${DSYNC_REMOTE_BASE:-4053}
data=data
log_format=console
while [ $# -gt 0 ]; do
  case "$1" in
    --http-base) http_base=$2; shift 2;;
    --remote-base) remote_base=$2; shift 2;;
    --data) data=$2; shift 2;;
    --log-format) log_format=$2; shift 2;;
    *) echo "cluster: unknown option $1" >&2; exit 2;;
  esac
done

echo "building the node and the CLI (Release) ..."
dotnet build src/DistSync.Node/DistSync.Node.csproj -c Release -nologo -v q >/dev/null
dotnet build src/DistSync.Cli/DistSync.Cli.csproj -c Release -nologo -v q >/dev/null
node_dll=src/DistSync.Node/bin/Release/net10.0/DistSync.Node.dll
cli_dll=src/DistSync.Cli/bin/Release/net10.0/dsync.dll
mkdir -p "$data/logs"

pids=()
stop_all() {
  trap - INT TERM EXIT
  echo; echo "stopping the cluster ..."
  for pid in "${pids[@]}"; do kill -TERM "$pid" 2>/dev/null || true; done
  for pid in "${pids[@]}"; do wait "$pid" 2>/dev/null || true; done
  echo "stopped."
}
trap stop_all INT TERM EXIT

founders="n1@127.0.0.1:$remote_base,n2@127.0.0.1:$((remote_base + 1)),n3@127.0.0.1:$((remote_base + 2))"
for i in 1 2 3; do
  seeds=""
  for j in 1 2 3; do [ "$j" -ne "$i" ] && seeds="${seeds:+$seeds,}127.0.0.1:$((remote_base + j - 1))"; done
  dotnet "$node_dll" --config "hocon/node$i.conf" \
    --set "dsync.http.port=$((http_base + i - 1))" \
    --set "dsync.remote.port=$((remote_base + i - 1))" \
    --set "dsync.cluster.seeds=$seeds" \
    --set "dsync.cluster.initial-members=$founders" \
    --set "dsync.node.data-dir=$data/n$i" \
    --log-format "$log_format" >"$data/logs/n$i.log" 2>&1 &
  pids+=($!)
done

for i in 1 2 3; do
  port=$((http_base + i - 1))
  for _ in $(seq 1 150); do
    if curl -fsS "http://127.0.0.1:$port/health" >/dev/null 2>&1; then break; fi
    if ! kill -0 "${pids[$((i - 1))]}" 2>/dev/null; then
      echo "node n$i exited; its log ($data/logs/n$i.log):" >&2; tail -n 20 "$data/logs/n$i.log" >&2; exit 1
    fi
    sleep 0.2
  done
  curl -fsS "http://127.0.0.1:$port/health" >/dev/null || { echo "node n$i did not answer /health on port $port" >&2; exit 1; }
  echo "n$i up: http://127.0.0.1:$port  (remoting 127.0.0.1:$((remote_base + i - 1)), log $data/logs/n$i.log)"
done

cat <<USAGE

The cluster is running. Try:
  dotnet $cli_dll --node 127.0.0.1:$http_base cluster show
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 1)) status
  dotnet $cli_dll --node 127.0.0.1:$http_base raft status
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 2)) kv put greeting hello
  dotnet $cli_dll --node 127.0.0.1:$((http_base + 1)) kv get greeting
  curl -s http://127.0.0.1:$http_base/status
  open http://127.0.0.1:$http_base/ for the dashboard
Ctrl-C stops all three nodes.
USAGE
wait
